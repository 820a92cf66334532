// ext2: mount, inodes, allocation (bitmaps and free counts), the block map, file contents.
// Directories and names are in dir.cc.
#include <ext2/ext2.hh>

#include <string.h>

namespace ext2 {

namespace {
constexpr uint16_t magic = 0xef53;
// Feature bits (linux/fs/ext2/ext2.h, e2fsprogs lib/ext2fs/ext2_fs.h).
constexpr uint32_t compat_has_journal = 0x4;
constexpr uint32_t incompat_filetype = 0x2;
constexpr uint32_t ro_sparse_super = 0x1, ro_large_file = 0x2, ro_extra_isize = 0x40;
constexpr uint32_t incompat_known = incompat_filetype;
constexpr uint32_t ro_known = ro_sparse_super | ro_large_file | ro_extra_isize;

struct IncompatName { uint32_t bit; const char *name; };
constexpr IncompatName incompat_names[] = {
  {0x1, "compression"}, {0x4, "needs_recovery"}, {0x8, "journal_dev"}, {0x10, "meta_bg"},
  {0x40, "extent"}, {0x80, "64bit"}, {0x100, "mmp"}, {0x200, "flex_bg"}, {0x400, "ea_inode"},
  {0x1000, "dirdata"}, {0x2000, "metadata_csum_seed"}, {0x4000, "large_dir"},
  {0x8000, "inline_data"}, {0x10000, "encrypt"}, {0x20000, "casefold"},
};

bool bit_test(const uint8_t *map, uint32_t i) { return map[i / 8] & (1u << (i % 8)); }
void bit_set(uint8_t *map, uint32_t i) { map[i / 8] |= uint8_t(1u << (i % 8)); }
void bit_clear(uint8_t *map, uint32_t i) { map[i / 8] &= uint8_t(~(1u << (i % 8))); }
} // namespace

const char *error_name(Error e) {
  static const char *const names[] = {
    "ok", "I/O error", "corrupt file system", "unsupported feature", "read-only file system",
    "not found", "exists", "not a directory", "is a directory", "directory not empty",
    "no space", "name too long", "invalid argument", "file too big", "end of directory",
    "not mounted", "too many symbolic links", "operation not permitted"};
  const unsigned i = unsigned(e);
  return i < sizeof(names) / sizeof(names[0]) ? names[i] : "unknown error";
}

uint64_t Inode::size() const {
  return is_reg() ? (uint64_t(d.size_high) << 32) | d.size : d.size;
}

// Every mutating operation: begin() on the device, and at the end the superblock and group
// descriptors (when changed) and commit(), whatever the outcome.
Error Fs::Op::end(Error e) {
  const Error m = fs.write_meta();
  const Error c = fs.dev_->commit();
  return e != Error::ok ? e : m != Error::ok ? m : c;
}

// ---- mount ------------------------------------------------------------------------------------
Error Fs::mount(BlockDevice &dev, bool read_only) {
  dev_ = nullptr;
  why_ = "";
  uint8_t raw[1024];
  if (dev.read(2, 2, raw) != Error::ok) {
    why_ = "cannot read the superblock";
    return Error::io;
  }
  memcpy(&sb_, raw, sizeof(sb_));
  if (sb_.magic != magic) {
    why_ = "no ext2 superblock (bad magic)";
    return Error::corrupt;
  }
  if (sb_.log_block_size > 2) {
    why_ = "block size over 4 KiB";
    return Error::unsupported;
  }
  bs_ = 1024u << sb_.log_block_size;
  sectors_per_block_ = bs_ / sector_size;
  if (sb_.rev_level == 0) {
    sb_.first_ino = 11;
    sb_.inode_size = 128;
    sb_.feature_compat = sb_.feature_incompat = sb_.feature_ro_compat = 0;
  } else if (sb_.rev_level != 1) {
    why_ = "unknown revision level";
    return Error::unsupported;
  }
  if (uint32_t bad = sb_.feature_incompat & ~incompat_known) {
    why_ = "unsupported incompatible feature";
    for (const IncompatName &n : incompat_names)
      if (bad & n.bit) { why_ = n.name; break; }
    return Error::unsupported;
  }
  inode_size_ = sb_.inode_size;
  if (inode_size_ < 128 || inode_size_ > bs_ || (inode_size_ & (inode_size_ - 1)) ||
      sb_.blocks_per_group == 0 || sb_.blocks_per_group > 8 * bs_ || sb_.inodes_per_group == 0 ||
      sb_.inodes_per_group > 8 * bs_ || sb_.first_data_block != (bs_ == 1024 ? 1u : 0u) ||
      sb_.first_ino < 11 || sb_.blocks_count <= sb_.first_data_block) {
    why_ = "implausible superblock";
    return Error::corrupt;
  }
  groups_ = (sb_.blocks_count - sb_.first_data_block + sb_.blocks_per_group - 1) /
            sb_.blocks_per_group;
  if (groups_ > max_groups) {
    why_ = "too many block groups";
    return Error::unsupported;
  }
  if (uint64_t(groups_) * sb_.inodes_per_group != sb_.inodes_count) {
    why_ = "inode count does not match the groups";
    return Error::corrupt;
  }
  dev_ = &dev;
  gdt_blocks_ = (groups_ * sizeof(GroupDesc) + bs_ - 1) / bs_;
  uint8_t *blk = buf_[3];
  for (uint32_t i = 0; i < gdt_blocks_; ++i) {
    if (read_block(sb_.first_data_block + 1 + i, blk) != Error::ok) {
      dev_ = nullptr;
      why_ = "cannot read the group descriptors";
      return Error::io;
    }
    const uint32_t first = i * (bs_ / sizeof(GroupDesc));
    for (uint32_t g = first; g < groups_ && g < first + bs_ / sizeof(GroupDesc); ++g)
      memcpy(&gd_[g], blk + (g - first) * sizeof(GroupDesc), sizeof(GroupDesc));
  }
  for (uint32_t g = 0; g < groups_; ++g) {
    const GroupDesc &d = gd_[g];
    if (d.block_bitmap >= sb_.blocks_count || d.inode_bitmap >= sb_.blocks_count ||
        d.inode_table >= sb_.blocks_count) {
      dev_ = nullptr;
      why_ = "group descriptor points outside the disk";
      return Error::corrupt;
    }
  }
  writable_ = !read_only;
  if (sb_.feature_ro_compat & ~ro_known) {
    writable_ = false;
    why_ = "unknown read-only-compatible feature: mounted read-only";
  } else if (sb_.feature_compat & compat_has_journal) {
    writable_ = false;
    why_ = "has a journal (ext3): mounted read-only";
  }
  meta_dirty_ = false;
  return Error::ok;
}

FsInfo Fs::info() const {
  return FsInfo{bs_, sb_.blocks_count, sb_.free_blocks_count, sb_.inodes_count,
                sb_.free_inodes_count, groups_, writable_};
}

bool Fs::filetype() const { return sb_.feature_incompat & incompat_filetype; }

// ---- blocks and metadata ----------------------------------------------------------------------
Error Fs::read_block(uint32_t b, void *buf) {
  if (b == 0 || b >= sb_.blocks_count) return Error::corrupt;
  return dev_->read(b * sectors_per_block_, sectors_per_block_, buf);
}

Error Fs::write_block(uint32_t b, const void *buf) {
  if (b == 0 || b >= sb_.blocks_count) return Error::corrupt;
  return dev_->write(b * sectors_per_block_, sectors_per_block_, buf);
}

Error Fs::write_data(uint32_t b, const void *buf) {
  if (b == 0 || b >= sb_.blocks_count) return Error::corrupt;
  return dev_->write_data(b * sectors_per_block_, sectors_per_block_, buf);
}

Error Fs::write_meta() {
  if (!meta_dirty_) return Error::ok;
  uint8_t raw[1024];
  if (Error e = dev_->read(2, 2, raw); e != Error::ok) return e;
  // Only the fields we change: whatever else is there (mount times, the rest) stays as it is.
  Superblock &s = *reinterpret_cast<Superblock *>(raw);
  s.free_blocks_count = sb_.free_blocks_count;
  s.free_inodes_count = sb_.free_inodes_count;
  if (sb_.wtime) s.wtime = sb_.wtime;
  if (Error e = dev_->write(2, 2, raw); e != Error::ok) return e;
  uint8_t *blk = buf_[2];
  for (uint32_t i = 0; i < gdt_blocks_; ++i) {
    const uint32_t b = sb_.first_data_block + 1 + i;
    if (Error e = read_block(b, blk); e != Error::ok) return e;
    const uint32_t first = i * (bs_ / sizeof(GroupDesc));
    for (uint32_t g = first; g < groups_ && g < first + bs_ / sizeof(GroupDesc); ++g)
      memcpy(blk + (g - first) * sizeof(GroupDesc), &gd_[g], sizeof(GroupDesc));
    if (Error e = write_block(b, blk); e != Error::ok) return e;
  }
  meta_dirty_ = false;
  return Error::ok;
}

Error Fs::alloc_block(uint32_t goal, uint32_t *out) {
  uint8_t *map = buf_[2];
  for (uint32_t k = 0; k < groups_; ++k) {
    const uint32_t g = (goal + k) % groups_;
    if (gd_[g].free_blocks_count == 0) continue;
    if (Error e = read_block(gd_[g].block_bitmap, map); e != Error::ok) return e;
    const uint32_t first = sb_.first_data_block + g * sb_.blocks_per_group;
    uint32_t n = sb_.blocks_per_group;
    if (first + n > sb_.blocks_count) n = sb_.blocks_count - first;
    for (uint32_t i = 0; i < n; ++i) {
      if (bit_test(map, i)) continue;
      bit_set(map, i);
      if (Error e = write_block(gd_[g].block_bitmap, map); e != Error::ok) return e;
      --gd_[g].free_blocks_count;
      --sb_.free_blocks_count;
      meta_dirty_ = true;
      *out = first + i;
      return Error::ok;
    }
    return Error::corrupt;   // the descriptor counted free blocks the bitmap does not have
  }
  return Error::no_space;
}

Error Fs::free_block(uint32_t b) {
  if (b < sb_.first_data_block || b >= sb_.blocks_count) return Error::corrupt;
  const uint32_t g = (b - sb_.first_data_block) / sb_.blocks_per_group;
  const uint32_t i = (b - sb_.first_data_block) % sb_.blocks_per_group;
  uint8_t *map = buf_[2];
  if (Error e = read_block(gd_[g].block_bitmap, map); e != Error::ok) return e;
  if (!bit_test(map, i)) return Error::corrupt;   // freeing a free block
  bit_clear(map, i);
  if (Error e = write_block(gd_[g].block_bitmap, map); e != Error::ok) return e;
  ++gd_[g].free_blocks_count;
  ++sb_.free_blocks_count;
  meta_dirty_ = true;
  return Error::ok;
}

Error Fs::alloc_inode(uint32_t goal, bool dir, uint32_t *out) {
  uint8_t *map = buf_[2];
  for (uint32_t k = 0; k < groups_; ++k) {
    const uint32_t g = (goal + k) % groups_;
    if (gd_[g].free_inodes_count == 0) continue;
    if (Error e = read_block(gd_[g].inode_bitmap, map); e != Error::ok) return e;
    for (uint32_t i = 0; i < sb_.inodes_per_group; ++i) {
      const uint32_t ino = g * sb_.inodes_per_group + i + 1;
      if (ino < sb_.first_ino || bit_test(map, i)) continue;
      bit_set(map, i);
      if (Error e = write_block(gd_[g].inode_bitmap, map); e != Error::ok) return e;
      --gd_[g].free_inodes_count;
      --sb_.free_inodes_count;
      if (dir) ++gd_[g].used_dirs_count;
      meta_dirty_ = true;
      *out = ino;
      return Error::ok;
    }
    return Error::corrupt;
  }
  return Error::no_space;
}

Error Fs::free_inode(uint32_t ino, bool dir) {
  if (ino < sb_.first_ino || ino > sb_.inodes_count) return Error::corrupt;
  const uint32_t g = group_of_ino(ino), i = (ino - 1) % sb_.inodes_per_group;
  uint8_t *map = buf_[2];
  if (Error e = read_block(gd_[g].inode_bitmap, map); e != Error::ok) return e;
  if (!bit_test(map, i)) return Error::corrupt;
  bit_clear(map, i);
  if (Error e = write_block(gd_[g].inode_bitmap, map); e != Error::ok) return e;
  ++gd_[g].free_inodes_count;
  ++sb_.free_inodes_count;
  if (dir && gd_[g].used_dirs_count) --gd_[g].used_dirs_count;
  meta_dirty_ = true;
  return Error::ok;
}

// ---- inodes -----------------------------------------------------------------------------------
Error Fs::inode_location(uint32_t ino, uint32_t *lba, uint32_t *offset) {
  if (!dev_) return Error::not_mounted;
  if (ino < 1 || ino > sb_.inodes_count) return Error::invalid;
  const uint32_t g = group_of_ino(ino), i = (ino - 1) % sb_.inodes_per_group;
  const uint64_t byte = uint64_t(gd_[g].inode_table) * bs_ + uint64_t(i) * inode_size_;
  *lba = uint32_t(byte / sector_size);
  *offset = uint32_t(byte % sector_size);   // an inode never straddles a sector (size 128..512)
  return Error::ok;
}

Error Fs::get(uint32_t ino, Inode &out) {
  uint32_t lba, off;
  if (Error e = inode_location(ino, &lba, &off); e != Error::ok) return e;
  uint8_t sec[sector_size];
  if (Error e = dev_->read(lba, 1, sec); e != Error::ok) return e;
  out.ino = ino;
  memcpy(&out.d, sec + off, sizeof(out.d));
  return Error::ok;
}

Error Fs::put(const Inode &in) {
  uint32_t lba, off;
  if (Error e = inode_location(in.ino, &lba, &off); e != Error::ok) return e;
  uint8_t sec[sector_size];
  if (Error e = dev_->read(lba, 1, sec); e != Error::ok) return e;
  memcpy(sec + off, &in.d, sizeof(in.d));
  return dev_->write(lba, 1, sec);
}

Error Fs::stat(uint32_t ino, Stat *st) {
  Inode i;
  if (Error e = get(ino, i); e != Error::ok) return e;
  *st = Stat{ino,     i.d.mode,  i.d.links_count, i.size(), i.d.blocks, i.d.mtime,
             i.uid(), i.gid(), i.d.atime,       i.d.ctime};
  return Error::ok;
}

// ---- the block map ----------------------------------------------------------------------------
Error Fs::bmap(const Inode &ino, uint32_t lb, uint32_t *pb) {
  if (!dev_) return Error::not_mounted;
  const uint32_t p = ptrs();
  *pb = 0;
  if (lb < direct_blocks) {
    *pb = ino.d.block[lb];
    return Error::ok;
  }
  lb -= direct_blocks;
  uint32_t *ind = reinterpret_cast<uint32_t *>(buf_[0]);
  if (lb < p) {
    if (!ino.d.block[ind_block]) return Error::ok;
    if (Error e = read_block(ino.d.block[ind_block], ind); e != Error::ok) return e;
    *pb = ind[lb];
    return Error::ok;
  }
  lb -= p;
  if (lb < p * p) {
    if (!ino.d.block[dind_block]) return Error::ok;
    if (Error e = read_block(ino.d.block[dind_block], ind); e != Error::ok) return e;
    const uint32_t mid = ind[lb / p];
    if (!mid) return Error::ok;
    uint32_t *leaf = reinterpret_cast<uint32_t *>(buf_[1]);
    if (Error e = read_block(mid, leaf); e != Error::ok) return e;
    *pb = leaf[lb % p];
    return Error::ok;
  }
  return Error::too_big;
}

// The block of `lb`, allocated (with the indirect blocks on the way) when it is a hole. *fresh:
// the data block is new (its old contents are garbage). Each new block is linked at once and
// counted in i_blocks, so a failure half-way leaves a consistent tree.
Error Fs::map_alloc(Inode &ino, uint32_t lb, uint32_t *pb, bool *fresh) {
  const uint32_t p = ptrs(), goal = group_of_ino(ino.ino), units = bs_ / sector_size;
  *fresh = false;
  auto new_block = [&](uint32_t *b, bool zero) -> Error {
    if (Error e = alloc_block(goal, b); e != Error::ok) return e;
    ino.d.blocks += units;
    if (!zero) return Error::ok;
    uint8_t *z = buf_[2];   // the bitmap buffer is free again once alloc_block returned
    memset(z, 0, bs_);
    return write_block(*b, z);
  };
  if (lb < direct_blocks) {
    if (!ino.d.block[lb]) {
      if (Error e = new_block(&ino.d.block[lb], false); e != Error::ok) return e;
      *fresh = true;
    }
    *pb = ino.d.block[lb];
    return Error::ok;
  }
  lb -= direct_blocks;
  // The chain of indirect blocks down to the data pointer: (slot holding block, index in it).
  uint32_t levels, top_slot;
  uint32_t idx[2];
  if (lb < p) {
    levels = 1;
    top_slot = ind_block;
    idx[0] = lb;
  } else if ((lb -= p) < p * p) {
    levels = 2;
    top_slot = dind_block;
    idx[0] = lb / p;
    idx[1] = lb % p;
  } else {
    return Error::too_big;
  }
  if (!ino.d.block[top_slot])
    if (Error e = new_block(&ino.d.block[top_slot], true); e != Error::ok) return e;
  uint32_t block = ino.d.block[top_slot];
  for (uint32_t l = 0; l < levels; ++l) {
    uint32_t *tab = reinterpret_cast<uint32_t *>(buf_[l]);
    if (Error e = read_block(block, tab); e != Error::ok) return e;
    uint32_t &next = tab[idx[l]];
    if (!next) {
      const bool leaf = l + 1 == levels;
      uint32_t b;
      if (Error e = new_block(&b, !leaf); e != Error::ok) return e;
      next = b;
      if (Error e = write_block(block, tab); e != Error::ok) return e;
      if (leaf) *fresh = true;
    }
    if (next >= sb_.blocks_count) return Error::corrupt;
    block = next;
  }
  *pb = block;
  return Error::ok;
}

// ---- contents ---------------------------------------------------------------------------------
Error Fs::read(const Inode &ino, uint64_t off, void *buf, uint32_t n, uint32_t *got) {
  *got = 0;
  if (!dev_) return Error::not_mounted;
  // Only files and directories have blocks: a fast symlink's i_block is its target, a device's
  // its numbers; taken as block pointers they would hand out another file's data.
  if (!ino.is_reg() && !ino.is_dir()) return Error::invalid;
  const uint64_t size = ino.size();
  if (off >= size) return Error::ok;
  if (n > size - off) n = uint32_t(size - off);
  uint8_t *out = static_cast<uint8_t *>(buf);
  while (*got < n) {
    const uint64_t at = off + *got;
    const uint32_t lb = uint32_t(at / bs_), in = uint32_t(at % bs_);
    uint32_t part = bs_ - in;
    if (part > n - *got) part = n - *got;
    uint32_t pb;
    if (Error e = bmap(ino, lb, &pb); e != Error::ok) return e;
    if (!pb) {
      memset(out + *got, 0, part);
    } else if (in == 0 && part == bs_) {
      if (Error e = read_block(pb, out + *got); e != Error::ok) return e;
    } else {
      if (Error e = read_block(pb, buf_[3]); e != Error::ok) return e;
      memcpy(out + *got, buf_[3] + in, part);
    }
    *got += part;
  }
  return Error::ok;
}

Error Fs::write(Inode &ino, uint64_t off, const void *buf, uint32_t n, uint32_t *done) {
  *done = 0;
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  if (!ino.is_reg()) return ino.is_dir() ? Error::is_dir : Error::invalid;
  const uint64_t limit = uint64_t(direct_blocks + ptrs() + uint64_t(ptrs()) * ptrs()) * bs_;
  if (off > limit || n > limit - off) return Error::too_big;
  Op op(*this);
  const uint8_t *in = static_cast<const uint8_t *>(buf);
  Error err = Error::ok;
  const uint64_t old_size = ino.size();
  while (*done < n) {
    const uint64_t at = off + *done;
    const uint32_t lb = uint32_t(at / bs_), inb = uint32_t(at % bs_);
    uint32_t part = bs_ - inb;
    if (part > n - *done) part = n - *done;
    uint32_t pb;
    bool fresh;
    if ((err = map_alloc(ino, lb, &pb, &fresh)) != Error::ok) break;
    if (inb == 0 && part == bs_) {
      err = write_data(pb, in + *done);
    } else {
      uint8_t *blk = buf_[3];
      // A new block, or one wholly past the old end, has nothing worth reading.
      if (fresh) memset(blk, 0, bs_);
      else if ((err = read_block(pb, blk)) != Error::ok) break;
      memcpy(blk + inb, in + *done, part);
      err = write_data(pb, blk);
    }
    if (err != Error::ok) break;
    *done += part;
  }
  const uint64_t end = off + *done;
  if (end > old_size) {
    ino.d.size = uint32_t(end);
    ino.d.size_high = uint32_t(end >> 32);
  }
  if (*done) ino.d.mtime = ino.d.ctime = now();
  const Error pe = put(ino);
  return op.end(err != Error::ok ? err : pe);
}

// Frees the blocks at and past logical block `keep` in the subtree whose pointer is *slot
// (level 0: a data block; 1: indirect; 2: double indirect) and that starts at logical block
// `base`. A tree block left without any pointer is freed too. *changed: *slot was cleared.
Error Fs::trim(uint32_t *slot, int level, uint32_t base, uint32_t keep, Inode &ino,
               bool *changed) {
  *changed = false;
  if (!*slot) return Error::ok;
  const uint32_t units = bs_ / sector_size;
  if (level > 0) {
    const uint32_t p = ptrs();
    const uint32_t span = level == 1 ? 1 : p;
    uint32_t *tab = reinterpret_cast<uint32_t *>(buf_[level - 1]);
    if (Error e = read_block(*slot, tab); e != Error::ok) return e;
    bool dirty = false, any = false;
    for (uint32_t i = 0; i < p; ++i) {
      const uint32_t child_base = base + i * span;
      if (tab[i] && child_base + span > keep) {
        bool cleared;
        if (Error e = trim(&tab[i], level - 1, child_base, keep, ino, &cleared); e != Error::ok)
          return e;
        if (cleared) {
          tab[i] = 0;
          dirty = true;
        }
      }
      any = any || tab[i];
    }
    if (any) {
      if (dirty) return write_block(*slot, tab);
      return Error::ok;
    }
  } else if (base < keep) {
    return Error::ok;
  }
  if (Error e = free_block(*slot); e != Error::ok) return e;
  ino.d.blocks -= ino.d.blocks >= units ? units : ino.d.blocks;
  *slot = 0;
  *changed = true;
  return Error::ok;
}

// Buffers: a level-L table is in buf_[L - 1]; its children use lower ones and free_block()
// buf_[2], so a table stays intact while its children are trimmed.
Error Fs::truncate_blocks(Inode &ino, uint64_t size) {
  const uint32_t p = ptrs();
  const uint64_t keep64 = (size + bs_ - 1) / bs_;
  const uint32_t keep = keep64 > 0xffffffffu ? 0xffffffffu : uint32_t(keep64);
  bool cleared;
  for (uint32_t i = 0; i < direct_blocks; ++i)
    if (Error e = trim(&ino.d.block[i], 0, i, keep, ino, &cleared); e != Error::ok) return e;
  if (Error e = trim(&ino.d.block[ind_block], 1, direct_blocks, keep, ino, &cleared);
      e != Error::ok)
    return e;
  if (Error e = trim(&ino.d.block[dind_block], 2, direct_blocks + p, keep, ino, &cleared);
      e != Error::ok)
    return e;
  if (ino.d.block[tind_block]) return Error::too_big;
  return Error::ok;
}

Error Fs::truncate(Inode &ino, uint64_t size) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  if (!ino.is_reg()) return ino.is_dir() ? Error::is_dir : Error::invalid;
  if (ino.d.block[tind_block]) return Error::too_big;
  const uint64_t old = ino.size();
  Op op(*this);
  Error err = Error::ok;
  if (size < old) {
    err = truncate_blocks(ino, size);
    // Zero the tail of the new last block, so that extending the file later shows zeros.
    const uint32_t tail = uint32_t(size % bs_);
    uint32_t pb = 0;
    if (err == Error::ok && tail && (err = bmap(ino, uint32_t(size / bs_), &pb)) == Error::ok &&
        pb) {
      if ((err = read_block(pb, buf_[3])) == Error::ok) {
        memset(buf_[3] + tail, 0, bs_ - tail);
        err = write_block(pb, buf_[3]);
      }
    }
  }
  if (err == Error::ok) {
    ino.d.size = uint32_t(size);
    ino.d.size_high = uint32_t(size >> 32);
    ino.d.mtime = ino.d.ctime = now();
  }
  const Error pe = put(ino);
  return op.end(err != Error::ok ? err : pe);
}

} // namespace ext2
