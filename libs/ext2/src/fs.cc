// ext2: mount, inodes, allocation (bitmaps and free counts), the block map, file contents.
// Directories and names are in dir.cc.
#include <ext2/ext2.hh>

#include <string.h>

namespace ext2 {

namespace {
constexpr uint16_t magic = 0xef53;
// Feature bits (linux/fs/ext2/ext2.h, e2fsprogs lib/ext2fs/ext2_fs.h).
constexpr uint32_t compat_has_journal = 0x4, compat_sparse_super2 = 0x200;
constexpr uint32_t incompat_filetype = 0x2, incompat_meta_bg = 0x10;
constexpr uint32_t ro_sparse_super = 0x1, ro_large_file = 0x2, ro_extra_isize = 0x40;
constexpr uint32_t incompat_known = incompat_filetype | incompat_meta_bg;
constexpr unsigned backup_bgs_offset = 0x24c;   // s_backup_bgs[2] (sparse_super2)
constexpr uint32_t ro_known = ro_sparse_super | ro_large_file | ro_extra_isize;

struct IncompatName { uint32_t bit; const char *name; };
constexpr IncompatName incompat_names[] = {
  {0x1, "compression"}, {0x4, "needs_recovery"}, {0x8, "journal_dev"}, {0x10, "meta_bg"},
  {0x40, "extent"}, {0x80, "64bit"}, {0x100, "mmp"}, {0x200, "flex_bg"}, {0x400, "ea_inode"},
  {0x1000, "dirdata"}, {0x2000, "metadata_csum_seed"}, {0x4000, "large_dir"},
  {0x8000, "inline_data"}, {0x10000, "encrypt"}, {0x20000, "casefold"},
};

bool bit_test(const uint8_t *map, uint32_t i) { return map[i / 8] & (1u << (i % 8)); }
// The first clear bit of map at or after `from`, below n (n when there is none).
uint32_t first_clear(const uint8_t *map, uint32_t from, uint32_t n) {
  uint32_t i = from;
  while (i < n) {
    if ((i & 7) == 0 && map[i / 8] == 0xff) {
      i += 8;
      continue;
    }
    if (!bit_test(map, i)) return i;
    ++i;
  }
  return n;
}
bool power_of(uint32_t n, uint32_t base) {
  while (n > 1 && n % base == 0) n /= base;
  return n == 1;
}
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
  if (const char *why = fs.audit_end(e == Error::ok)) {
    // This library went wrong: nothing of the operation commits. The handler (the file
    // server's panic) normally does not return; without one, unmount, since the caches no longer
    // match the disk.
    if (fs.on_audit_failure_) fs.on_audit_failure_(why);
    fs.dev_ = nullptr;
    fs.why_ = why;
    return Error::corrupt;
  }
  const Error m = fs.write_meta();
  fs.dev_->outcome(e != Error::ok ? e : m);
  const Error c = fs.dev_->commit(how);
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
  memcpy(&sb_disk_, raw, sizeof(sb_disk_));
  if (sb_.magic != magic) {
    why_ = "no ext2 superblock (bad magic)";
    return Error::corrupt;
  }
  if (sb_.log_block_size > 3) {
    why_ = "block size over 8 KiB";
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
      sb_.first_ino < 11 || sb_.first_ino > sb_.inodes_count ||
      sb_.blocks_count <= sb_.first_data_block) {
    why_ = "implausible superblock";
    return Error::corrupt;
  }
  // Every sector of the file system must have a 32-bit number (the block interface's LBA).
  if (uint64_t(sb_.blocks_count) * sectors_per_block_ > (uint64_t(1) << 32)) {
    why_ = "larger than 2^32 sectors";
    return Error::unsupported;
  }
  groups_ = uint32_t((uint64_t(sb_.blocks_count) - sb_.first_data_block + sb_.blocks_per_group - 1) /
                     sb_.blocks_per_group);
  if (uint64_t(groups_) * sb_.inodes_per_group != sb_.inodes_count) {
    why_ = "inode count does not match the groups";
    return Error::corrupt;
  }
  itable_blocks_ = uint32_t((uint64_t(sb_.inodes_per_group) * inode_size_ + bs_ - 1) / bs_);
  gdt_blocks_ = uint32_t((uint64_t(groups_) * sizeof(GroupDesc) + bs_ - 1) / bs_);
  if ((sb_.feature_incompat & incompat_meta_bg) && sb_.first_meta_bg > gdt_blocks_) {
    why_ = "first_meta_bg past the descriptor table";
    return Error::corrupt;
  }
  for (unsigned i = 0; i < gd_window; ++i) {
    gd_index_[i] = ~0u;
    gd_dirty_[i] = false;
  }
  for (unsigned i = 0; i < cache_blocks; ++i) cache_block_[i] = 0;
  dev_ = &dev;
  // The first and the last group's descriptors now (the rest when they are first used): a
  // table that cannot be read or points outside the disk refuses the mount.
  GroupDesc *gd;
  const uint32_t check[2] = {0, groups_ - 1};
  for (uint32_t g : check)
    if (Error e = group(g, &gd); e != Error::ok) {
      dev_ = nullptr;
      why_ = e == Error::io ? "cannot read the group descriptors"
                            : "group descriptor points outside the disk";
      return e;
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
  if (Error e = check_claims(); e != Error::ok) {
    dev_ = nullptr;
    if (e != Error::corrupt) why_ = "cannot read an inode or indirect block";
    return e;
  }
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

void Fs::audit_written_block(uint32_t b) {
  if (audit_.active && !audit_wrote(b)) {   // the audit looks again only at what changed
    if (audit_.nwritten < audit_written) audit_.written[audit_.nwritten++] = b;
    else audit_.written_over = true;
  }
}

Error Fs::write_block(uint32_t b, const void *buf) {
  if (b == 0 || b >= sb_.blocks_count) return Error::corrupt;
  audit_written_block(b);
  const int i = cache_find(b);
  if (i >= 0) memcpy(cache_[i], buf, bs_);
  return dev_->write(b * sectors_per_block_, sectors_per_block_, buf);
}

// Cache entry i (a bitmap, an indirect block) was changed in place: written as write_block()
// would, without copying it to a buffer and back (once for every block a write allocates).
Error Fs::write_cached(int i) {
  const uint32_t b = cache_block_[i];
  audit_written_block(b);
  return dev_->write(b * sectors_per_block_, sectors_per_block_, cache_[i]);
}

// count blocks from b (a run of file contents in one request).
Error Fs::write_data(uint32_t b, const void *buf, uint32_t count) {
  if (b == 0 || b >= sb_.blocks_count || count > sb_.blocks_count - b) return Error::corrupt;
  cache_forget(b * sectors_per_block_, count * sectors_per_block_);
  return dev_->write_data(b * sectors_per_block_, count * sectors_per_block_, buf);
}

Error Fs::dev_write(uint32_t lba, uint32_t count, const void *buf) {
  cache_forget(lba, count);
  return dev_->write(lba, count, buf);
}

// The cache holds what the disk holds (every write of a cached block updates it, a write of
// other sectors over it drops it), so it serves inside and outside transactions alike. It is
// emptied at every mount (a restarted server mounts again after its transaction is redone).
int Fs::cache_find(uint32_t b) const {
  for (unsigned i = 0; i < cache_blocks; ++i)
    if (cache_block_[i] == b) return int(i);
  return -1;
}

int Fs::cache_load(uint32_t b) {
  int i = cache_find(b);
  if (i < 0) {
    unsigned victim = 0;
    for (unsigned k = 0; k < cache_blocks; ++k) {
      if (!cache_block_[k]) {
        victim = k;
        break;
      }
      if (cache_used_[k] < cache_used_[victim]) victim = k;
    }
    cache_block_[victim] = 0;
    if ((cache_err_ = read_block(b, cache_[victim])) != Error::ok) return -1;
    cache_block_[victim] = b;
    i = int(victim);
  }
  cache_used_[i] = ++cache_clock_;
  return i;
}

void Fs::cache_forget(uint32_t lba, uint32_t count) {
  for (unsigned i = 0; i < cache_blocks; ++i) {
    const uint64_t first = uint64_t(cache_block_[i]) * sectors_per_block_;
    if (cache_block_[i] && first < uint64_t(lba) + count && lba < first + sectors_per_block_)
      cache_block_[i] = 0;
  }
}

Error Fs::read_meta(uint32_t b, void *buf) {
  const int i = cache_load(b);
  if (i < 0) return cache_err_;
  memcpy(buf, cache_[i], bs_);
  return Error::ok;
}

Error Fs::meta_word(uint32_t b, uint32_t idx, uint32_t *out) {
  const int i = cache_load(b);
  if (i < 0) return cache_err_;
  *out = reinterpret_cast<const uint32_t *>(cache_[i])[idx];
  return Error::ok;
}

// ---- group descriptors ------------------------------------------------------------------------
bool Fs::has_super(uint32_t g) const {
  if (g == 0) return true;
  if (sb_.feature_compat & compat_sparse_super2) {
    uint32_t backup[2];
    memcpy(backup, reinterpret_cast<const uint8_t *>(&sb_) + backup_bgs_offset, sizeof(backup));
    return g == backup[0] || g == backup[1];
  }
  if (!(sb_.feature_ro_compat & ro_sparse_super) || g == 1) return true;
  return power_of(g, 3) || power_of(g, 5) || power_of(g, 7);
}

// Descriptor block i: after the superblock for the classic table; with meta_bg, from
// first_meta_bg on, each meta group (a descriptor block's worth of groups) keeps its block in
// its first group, after that group's superblock backup (ext2 spec, "Meta Block Groups").
uint32_t Fs::gd_block(uint32_t i) const {
  if (!(sb_.feature_incompat & incompat_meta_bg) || i < sb_.first_meta_bg)
    return sb_.first_data_block + 1 + i;
  const uint64_t g = uint64_t(i) * (bs_ / sizeof(GroupDesc));
  const uint64_t b = sb_.first_data_block + g * sb_.blocks_per_group + (has_super(uint32_t(g)) ? 1 : 0);
  return b < sb_.blocks_count ? uint32_t(b) : 0;
}

Error Fs::group(uint32_t g, GroupDesc **out) {
  if (g >= groups_) return Error::corrupt;
  const uint32_t per = bs_ / sizeof(GroupDesc), i = g / per;
  unsigned w = 0;
  while (w < gd_window && gd_index_[w] != i) ++w;
  if (w == gd_window) {
    w = gd_next_;
    gd_next_ = (gd_next_ + 1) % gd_window;
    if (gd_dirty_[w]) {   // inside an operation: part of its transaction
      if (Error e = write_block(gd_block(gd_index_[w]), gd_buf_[w]); e != Error::ok) return e;
      gd_dirty_[w] = false;
    }
    gd_index_[w] = ~0u;
    if (Error e = read_block(gd_block(i), gd_buf_[w]); e != Error::ok) return e;
    // Every descriptor of the block is checked before any is used.
    for (uint32_t k = 0; k < per && i * per + k < groups_; ++k) {
      const GroupDesc &d = reinterpret_cast<const GroupDesc *>(gd_buf_[w])[k];
      if (d.block_bitmap == 0 || d.block_bitmap >= sb_.blocks_count || d.inode_bitmap == 0 ||
          d.inode_bitmap >= sb_.blocks_count || d.inode_table == 0 ||
          d.inode_table >= sb_.blocks_count || itable_blocks_ > sb_.blocks_count - d.inode_table)
        return Error::corrupt;
    }
    gd_index_[w] = i;
  }
  *out = reinterpret_cast<GroupDesc *>(gd_buf_[w]) + (g - i * per);
  return Error::ok;
}

// A descriptor of group g changed: its window block is written at the end of the operation.
void Fs::gd_dirty(uint32_t g) {
  const uint32_t i = g / (bs_ / sizeof(GroupDesc));
  for (unsigned w = 0; w < gd_window; ++w)
    if (gd_index_[w] == i) gd_dirty_[w] = true;
  meta_dirty_ = true;
}

Error Fs::write_meta() {
  if (!meta_dirty_) return Error::ok;
  // Only the fields we change: whatever else is there (mount times, the rest) stays as it is.
  // The copy read at mount is what the disk holds (only this library writes the superblock
  // while it is mounted), so it is not read again: that was one device request per operation.
  Superblock &s = sb_disk_;
  s.free_blocks_count = sb_.free_blocks_count;
  s.free_inodes_count = sb_.free_inodes_count;
  if (sb_.rev_level >= 1) s.feature_ro_compat = sb_.feature_ro_compat;   // large_file
  if (sb_.wtime) s.wtime = sb_.wtime;
  if (Error e = dev_write(2, 2, &s); e != Error::ok) return e;
  for (unsigned w = 0; w < gd_window; ++w) {
    if (!gd_dirty_[w]) continue;
    if (Error e = write_block(gd_block(gd_index_[w]), gd_buf_[w]); e != Error::ok) return e;
    gd_dirty_[w] = false;
  }
  meta_dirty_ = false;
  return Error::ok;
}

// The first free block at or after goal_block (in its group, then in the groups after it), so
// that a file's blocks follow each other on the disk.
Error Fs::alloc_block(uint32_t goal_block, uint32_t *out) {
  if (goal_block < sb_.first_data_block || goal_block >= sb_.blocks_count)
    goal_block = sb_.first_data_block;
  const uint32_t goal = (goal_block - sb_.first_data_block) / sb_.blocks_per_group;
  const uint32_t start = (goal_block - sb_.first_data_block) % sb_.blocks_per_group;
  for (uint32_t k = 0; k <= groups_; ++k) {   // the goal group twice: from start, then before it
    if (k == groups_ && start == 0) break;
    const uint32_t g = (goal + k) % groups_;
    GroupDesc *gd;
    if (Error e = group(g, &gd); e != Error::ok) return e;
    if (gd->free_blocks_count == 0) continue;
    if (audit_.active) audit_group(g, *gd);   // before this changes it
    // The bitmap is changed in the cache, in place (nothing else is loaded until it is written).
    const int c = cache_load(gd->block_bitmap);
    if (c < 0) return cache_err_;
    uint8_t *map = cache_[c];
    const uint32_t first = sb_.first_data_block + g * sb_.blocks_per_group;
    uint32_t n = sb_.blocks_per_group;
    if (first + n > sb_.blocks_count) n = sb_.blocks_count - first;
    const uint32_t from = k == 0 ? start : 0, to = k == groups_ ? start : n;
    const uint32_t i = first_clear(map, from, to);
    if (i >= to) {
      // The whole group searched and nothing: its descriptor counted blocks the bitmap lacks.
      if (from == 0 && to == n) return Error::corrupt;
      continue;
    }
    const uint32_t b = first + i;
    // Never hand out the group's own metadata (a damaged bitmap that shows it free).
    if (b == gd->block_bitmap || b == gd->inode_bitmap ||
        (b >= gd->inode_table && b - gd->inode_table < itable_blocks_))
      return Error::corrupt;
    bit_set(map, i);
    if (Error e = write_cached(c); e != Error::ok) return e;
    if (Error e = group(g, &gd); e != Error::ok) return e;
    --gd->free_blocks_count;
    --sb_.free_blocks_count;
    gd_dirty(g);
    if (audit_.active) audit_taken_block(b);
    *out = b;
    return Error::ok;
  }
  return Error::no_space;
}

Error Fs::free_block(uint32_t b) {
  if (b < sb_.first_data_block || b >= sb_.blocks_count) return Error::corrupt;
  const uint32_t g = (b - sb_.first_data_block) / sb_.blocks_per_group;
  const uint32_t i = (b - sb_.first_data_block) % sb_.blocks_per_group;
  GroupDesc *gd;
  if (Error e = group(g, &gd); e != Error::ok) return e;
  if (audit_.active) audit_group(g, *gd);   // before this changes it
  const int c = cache_load(gd->block_bitmap);   // changed in place, as in alloc_block
  if (c < 0) return cache_err_;
  uint8_t *map = cache_[c];
  if (!bit_test(map, i)) return Error::corrupt;   // freeing a free block
  if (audit_.active) audit_free_block(b);   // recorded first: the audit looks for its bit afterwards
  bit_clear(map, i);
  if (Error e = write_cached(c); e != Error::ok) return e;
  if (Error e = group(g, &gd); e != Error::ok) return e;
  ++gd->free_blocks_count;
  ++sb_.free_blocks_count;
  gd_dirty(g);
  return Error::ok;
}

Error Fs::alloc_inode(uint32_t goal, bool dir, uint32_t *out) {
  for (uint32_t k = 0; k < groups_; ++k) {
    const uint32_t g = (goal + k) % groups_;
    GroupDesc *gd;
    if (Error e = group(g, &gd); e != Error::ok) return e;
    if (gd->free_inodes_count == 0) continue;
    if (audit_.active) audit_group(g, *gd);   // before this changes it
    const int c = cache_load(gd->inode_bitmap);   // changed in place, as in alloc_block
    if (c < 0) return cache_err_;
    uint8_t *map = cache_[c];
    for (uint32_t i = 0; i < sb_.inodes_per_group; ++i) {
      const uint32_t ino = g * sb_.inodes_per_group + i + 1;
      if (ino < sb_.first_ino || bit_test(map, i)) continue;
      bit_set(map, i);
      if (Error e = write_cached(c); e != Error::ok) return e;
      if (Error e = group(g, &gd); e != Error::ok) return e;
      --gd->free_inodes_count;
      --sb_.free_inodes_count;
      if (dir) ++gd->used_dirs_count;
      gd_dirty(g);
      if (AuditInode *a = audit_inode(ino)) a->bit |= 1;
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
  GroupDesc *gd;
  if (Error e = group(g, &gd); e != Error::ok) return e;
  if (audit_.active) audit_group(g, *gd);   // before this changes it
  const int c = cache_load(gd->inode_bitmap);   // changed in place, as in alloc_block
  if (c < 0) return cache_err_;
  uint8_t *map = cache_[c];
  if (!bit_test(map, i)) return Error::corrupt;
  bit_clear(map, i);
  if (Error e = write_cached(c); e != Error::ok) return e;
  if (Error e = group(g, &gd); e != Error::ok) return e;
  ++gd->free_inodes_count;
  ++sb_.free_inodes_count;
  if (dir && gd->used_dirs_count) --gd->used_dirs_count;
  gd_dirty(g);
  if (AuditInode *a = audit_inode(ino)) a->bit |= 2;
  return Error::ok;
}

// ---- inodes -----------------------------------------------------------------------------------
Error Fs::inode_location(uint32_t ino, uint32_t *lba, uint32_t *offset) {
  if (!dev_) return Error::not_mounted;
  if (ino < 1 || ino > sb_.inodes_count) return Error::invalid;
  const uint32_t g = group_of_ino(ino), i = (ino - 1) % sb_.inodes_per_group;
  GroupDesc *gd;
  if (Error e = group(g, &gd); e != Error::ok) return e;
  const uint64_t byte = uint64_t(gd->inode_table) * bs_ + uint64_t(i) * inode_size_;
  *lba = uint32_t(byte / sector_size);
  *offset = uint32_t(byte % sector_size);   // an inode's first 128 bytes never straddle a sector
  return Error::ok;
}

// Inodes are read and written through the cache (their table block): a file written piece by
// piece reads its inode from the disk once.
Error Fs::get(uint32_t ino, Inode &out) {
  uint32_t lba, off;
  if (Error e = inode_location(ino, &lba, &off); e != Error::ok) return e;
  const int i = cache_load(lba / sectors_per_block_);
  if (i < 0) return cache_err_;
  out.ino = ino;
  memcpy(&out.d, cache_[i] + (lba % sectors_per_block_) * sector_size + off, sizeof(out.d));
  return Error::ok;
}

Error Fs::put(const Inode &in) {
  uint32_t lba, off;
  if (Error e = inode_location(in.ino, &lba, &off); e != Error::ok) return e;
  const uint32_t b = lba / sectors_per_block_;
  const int i = cache_load(b);
  if (i < 0) return cache_err_;
  memcpy(cache_[i] + (lba % sectors_per_block_) * sector_size + off, &in.d, sizeof(in.d));
  if (AuditInode *a = audit_inode(in.ino)) {
    a->d = in.d;
    a->bit |= 4;
  }
  return dev_->write(b * sectors_per_block_, sectors_per_block_, cache_[i]);
}

Error Fs::stat(uint32_t ino, Stat *st) {
  Inode i;
  if (Error e = get(ino, i); e != Error::ok) return e;
  *st = Stat{ino,     i.d.mode,  i.d.links_count, i.size(), i.d.blocks, i.d.mtime,
             i.uid(), i.gid(), i.d.atime,       i.d.ctime};
  return Error::ok;
}

// ---- the block map ----------------------------------------------------------------------------
// Where logical block lb hangs: the slot of i_block, the number of indirect levels below it (0:
// the slot is the data block) and the index at each level.
Error Fs::block_path(uint32_t lb, unsigned *slot, unsigned *levels, uint32_t idx[3]) const {
  const uint64_t p = ptrs();
  if (lb < direct_blocks) {
    *slot = lb;
    *levels = 0;
    return Error::ok;
  }
  uint64_t l = lb - direct_blocks;
  if (l < p) {
    *slot = ind_block;
    *levels = 1;
    idx[0] = uint32_t(l);
    return Error::ok;
  }
  l -= p;
  if (l < p * p) {
    *slot = dind_block;
    *levels = 2;
    idx[0] = uint32_t(l / p);
    idx[1] = uint32_t(l % p);
    return Error::ok;
  }
  l -= p * p;
  if (l < p * p * p) {
    *slot = tind_block;
    *levels = 3;
    idx[0] = uint32_t(l / (p * p));
    idx[1] = uint32_t(l / p % p);
    idx[2] = uint32_t(l % p);
    return Error::ok;
  }
  return Error::too_big;
}

// The block tree reaches 12 + p + p^2 + p^3 blocks; i_blocks (512-byte units, 32 bits) counts
// the data and the indirect blocks; logical block numbers are 32-bit.
uint64_t Fs::max_file_size() const {
  const uint64_t p = ptrs();
  uint64_t blocks = direct_blocks + p + p * p + p * p * p;
  if (blocks > 0xffffffffull) blocks = 0xffffffffull;
  const uint64_t units = bs_ / sector_size;
  uint64_t by_count = 0xffffffffull / units;     // i_blocks' limit, in blocks
  by_count -= 3 + p + by_count / p;              // less the indirect blocks (generously)
  if (blocks > by_count) blocks = by_count;
  uint64_t bytes = blocks * bs_;
  if (sb_.rev_level == 0 && bytes > 0x7fffffffull) bytes = 0x7fffffffull;   // no large_file
  return bytes;
}

Error Fs::bmap(const Inode &ino, uint32_t lb, uint32_t *pb) {
  if (!dev_) return Error::not_mounted;
  *pb = 0;
  unsigned slot, levels;
  uint32_t idx[3];
  if (Error e = block_path(lb, &slot, &levels, idx); e != Error::ok) return e;
  uint32_t b = ino.d.block[slot];
  for (unsigned l = 0; l < levels && b; ++l) {
    if (is_meta(b)) return Error::corrupt;
    if (Error e = meta_word(b, idx[l], &b); e != Error::ok) return e;
  }
  // Never outside the file system, never its metadata (another inode's bytes) as a file's.
  if (b && (b >= sb_.blocks_count || is_meta(b))) return Error::corrupt;
  *pb = b;
  return Error::ok;
}

// A block of the file system's own: a group's superblock and descriptor copy, its bitmaps, its
// inode table. (A block claimed by two files cannot be told without a scan: that is e2fsck's.)
bool Fs::is_meta(uint32_t b) {
  if (b < sb_.first_data_block || b >= sb_.blocks_count) return true;
  const uint32_t g = (b - sb_.first_data_block) / sb_.blocks_per_group;
  const uint32_t start = sb_.first_data_block + g * sb_.blocks_per_group;
  GroupDesc *gd;
  if (group(g, &gd) != Error::ok) return true;
  if (b == gd->block_bitmap || b == gd->inode_bitmap ||
      (b >= gd->inode_table && b - gd->inode_table < itable_blocks_))
    return true;
  if (!has_super(g)) return false;
  const bool meta_bg = sb_.feature_incompat & incompat_meta_bg;
  const uint32_t table = meta_bg ? sb_.first_meta_bg : gdt_blocks_;
  return b - start < 1 + table + sb_.reserved_gdt_blocks;
}

Error Fs::bmap_run(const Inode &ino, uint32_t lb, uint32_t max, uint32_t *pb, uint32_t *n) {
  *n = 0;
  if (Error e = bmap(ino, lb, pb); e != Error::ok) return e;
  *n = 1;
  while (*n < max && lb + *n > lb) {
    uint32_t next;
    if (Error e = bmap(ino, lb + *n, &next); e != Error::ok) return e;
    if (*pb ? next != *pb + *n : next != 0) break;
    ++*n;
  }
  return Error::ok;
}

// The block of `lb`, allocated (with the indirect blocks on the way) when it is a hole. *fresh:
// the data block is new (its old contents are garbage). Each new block is linked at once and
// counted in i_blocks, so a failure half-way leaves a consistent tree. New blocks are taken
// after the block before lb, so that a file written in order lies in order on the disk; when
// this operation allocated that block itself (a write of many blocks) it is known without a
// lookup (last_alloc_).
Error Fs::map_alloc(Inode &ino, uint32_t lb, uint32_t *pb, bool *fresh) {
  *fresh = false;
  if (Error e = bmap(ino, lb, pb); e != Error::ok) return e;
  if (*pb) return Error::ok;   // mapped already: nothing to change
  return map_hole(ino, lb, pb, fresh);
}

// map_alloc() of a hole (apart, so that an overwrite, which maps every block it writes, does not
// pay for the allocation's registers).
Error Fs::map_hole(Inode &ino, uint32_t lb, uint32_t *pb, bool *fresh) {
  const uint32_t units = bs_ / sector_size;
  unsigned slot, levels;
  uint32_t idx[3];
  if (Error e = block_path(lb, &slot, &levels, idx); e != Error::ok) return e;
  uint32_t goal = 0;
  if (last_alloc_.ino == ino.ino && last_alloc_.lb + 1 == lb) goal = last_alloc_.pb;
  else if (lb > 0) bmap(ino, lb - 1, &goal);
  if (goal) ++goal;
  if (!goal) {
    GroupDesc *gd;
    if (Error e = group(group_of_ino(ino.ino), &gd); e != Error::ok) return e;
    goal = gd->inode_table + itable_blocks_;
  }
  auto new_block = [&](uint32_t *b, bool zero) -> Error {
    if (ino.d.blocks > 0xffffffffu - units) return Error::too_big;
    if (Error e = alloc_block(goal, b); e != Error::ok) return e;
    goal = *b + 1;
    ino.d.blocks += units;
    if (!zero) return Error::ok;
    uint8_t *z = buf_[4];
    memset(z, 0, bs_);
    return write_block(*b, z);
  };
  if (!ino.d.block[slot]) {
    if (Error e = new_block(&ino.d.block[slot], levels > 0); e != Error::ok) return e;
    if (!levels) *fresh = true;
  }
  uint32_t block = ino.d.block[slot];
  for (uint32_t l = 0; l < levels; ++l) {
    if (block >= sb_.blocks_count) return Error::corrupt;
    uint32_t next = 0;
    if (Error e = meta_word(block, idx[l], &next); e != Error::ok) return e;
    if (!next) {
      const bool leaf = l + 1 == levels;
      if (Error e = new_block(&next, !leaf); e != Error::ok) return e;
      // Linked in the cached table in place; looked up again, as the allocation used the cache.
      const int c = cache_load(block);
      if (c < 0) return cache_err_;
      reinterpret_cast<uint32_t *>(cache_[c])[idx[l]] = next;
      if (Error e = write_cached(c); e != Error::ok) return e;
      if (leaf) *fresh = true;
    }
    block = next;
  }
  if (block >= sb_.blocks_count) return Error::corrupt;
  *pb = block;
  last_alloc_ = LastAlloc{ino.ino, lb, block};
  return Error::ok;
}

// ---- contents ---------------------------------------------------------------------------------
// Whole blocks that follow each other on the disk are read in one device request, straight into
// the caller's buffer; holes are zeros.
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
    if (at / bs_ > 0xffffffffull) return Error::too_big;
    const uint32_t lb = uint32_t(at / bs_), in = uint32_t(at % bs_);
    uint32_t part = bs_ - in;
    if (part > n - *got) part = n - *got;
    uint32_t pb, run = 1;
    if (in == 0 && part == bs_) {   // whole blocks: as many as follow on the disk
      if (Error e = bmap_run(ino, lb, (n - *got) / bs_, &pb, &run); e != Error::ok) return e;
      part = run * bs_;
    } else if (Error e = bmap(ino, lb, &pb); e != Error::ok) {
      return e;
    }
    if (!pb) {
      memset(out + *got, 0, part);
    } else if (in == 0 && part == run * bs_) {
      if (pb + run > sb_.blocks_count) return Error::corrupt;
      if (Error e = dev_->read(pb * sectors_per_block_, run * sectors_per_block_, out + *got);
          e != Error::ok)
        return e;
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
  const uint64_t limit = max_file_size();
  if (off > limit || n > limit - off) return Error::too_big;
  Op op(*this);
  op.how = Commit::deferred;   // a write frees nothing (see Commit)
  const uint8_t *in = static_cast<const uint8_t *>(buf);
  Error err = Error::ok;
  const uint64_t old_size = ino.size();
  const uint32_t blocks_before = ino.d.blocks;
  // Whole blocks are gathered into a run while they follow each other on the disk, and the run
  // is written in one request: from `run_from` (bytes of buf) at block run_pb, run_n blocks.
  uint32_t run_pb = 0, run_n = 0, run_from = 0, run_done = 0;
  auto flush_run = [&]() -> Error {
    if (!run_n) return Error::ok;
    const Error e = write_data(run_pb, in + run_from, run_n);
    if (e == Error::ok) run_done = run_from + run_n * bs_;
    run_n = 0;
    return e;
  };
  uint32_t pos = 0;   // bytes of buf mapped (and written, or in the run)
  while (pos < n) {
    const uint64_t at = off + pos;
    const uint32_t lb = uint32_t(at / bs_), inb = uint32_t(at % bs_);
    uint32_t part = bs_ - inb;
    if (part > n - pos) part = n - pos;
    uint32_t pb;
    bool fresh;
    if ((err = map_alloc(ino, lb, &pb, &fresh)) != Error::ok) break;
    if (inb == 0 && part == bs_) {
      if (run_n && pb == run_pb + run_n && run_n < 0x10000) {
        ++run_n;
      } else {
        if ((err = flush_run()) != Error::ok) break;
        run_pb = pb;
        run_n = 1;
        run_from = pos;
      }
    } else {
      if ((err = flush_run()) != Error::ok) break;
      uint8_t *blk = buf_[3];
      // A new block, or one wholly past the old end, has nothing worth reading.
      if (fresh) memset(blk, 0, bs_);
      else if ((err = read_block(pb, blk)) != Error::ok) break;
      memcpy(blk + inb, in + pos, part);
      if ((err = write_data(pb, blk)) != Error::ok) break;
      run_done = pos + part;
    }
    pos += part;
  }
  // What was gathered before a failure (no space for the next block) is written too.
  if (const Error fe = flush_run(); err == Error::ok) err = fe;
  *done = err == Error::ok ? n : run_done;
  const uint64_t end = off + *done;
  if (end > old_size) {
    ino.d.size = uint32_t(end);
    ino.d.size_high = uint32_t(end >> 32);
    if (end > 0x7fffffffull && !(sb_.feature_ro_compat & ro_large_file)) {
      sb_.feature_ro_compat |= ro_large_file;   // as Linux does for the first large file
      meta_dirty_ = true;
    }
  }
  // The inode is written when it changed: an overwrite within the same second changes nothing
  // (no block was allocated, the size and times are as they were).
  const uint32_t t = now();
  const bool changed = ino.d.blocks != blocks_before || end > old_size ||
                       (*done && (ino.d.mtime != t || ino.d.ctime != t));
  if (*done) ino.d.mtime = ino.d.ctime = t;
  const Error pe = changed ? put(ino) : Error::ok;
  return op.end(err != Error::ok ? err : pe);
}

// Frees the blocks at and past logical block `keep` in the subtree whose pointer is *slot
// (level 0: a data block; 1: indirect; 2: double, 3: triple indirect) and that starts at
// logical block `base`. A tree block left without any pointer is freed too. *changed: *slot
// was cleared.
Error Fs::trim(uint32_t *slot, int level, uint64_t base, uint32_t keep, Inode &ino,
               bool *changed) {
  *changed = false;
  if (!*slot) return Error::ok;
  const uint32_t units = bs_ / sector_size;
  if (level > 0) {
    const uint32_t p = ptrs();
    uint64_t span = 1;
    for (int l = 1; l < level; ++l) span *= p;
    uint32_t *tab = reinterpret_cast<uint32_t *>(buf_[level - 1]);
    if (Error e = read_meta(*slot, tab); e != Error::ok) return e;
    bool dirty = false, any = false;
    for (uint32_t i = 0; i < p; ++i) {
      const uint64_t child_base = base + i * span;
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

// Buffers: a level-L table is in buf_[L - 1]; its children use lower ones (free_block() changes
// the bitmap in the cache), so a table stays intact while its children are trimmed.
Error Fs::truncate_blocks(Inode &ino, uint64_t size) {
  const uint64_t p = ptrs();
  const uint64_t keep64 = (size + bs_ - 1) / bs_;
  const uint32_t keep = keep64 > 0xffffffffu ? 0xffffffffu : uint32_t(keep64);
  bool cleared;
  for (uint32_t i = 0; i < direct_blocks; ++i)
    if (Error e = trim(&ino.d.block[i], 0, i, keep, ino, &cleared); e != Error::ok) return e;
  const uint64_t base[3] = {direct_blocks, direct_blocks + p, direct_blocks + p + p * p};
  for (int l = 1; l <= 3; ++l)
    if (Error e = trim(&ino.d.block[ind_block + l - 1], l, base[l - 1], keep, ino, &cleared);
        e != Error::ok)
      return e;
  return Error::ok;
}

Error Fs::truncate(Inode &ino, uint64_t size) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  if (!ino.is_reg()) return ino.is_dir() ? Error::is_dir : Error::invalid;
  if (size > max_file_size()) return Error::too_big;
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
        err = write_data(pb, buf_[3]);
      }
    }
  }
  if (err == Error::ok) {
    ino.d.size = uint32_t(size);
    ino.d.size_high = uint32_t(size >> 32);
    if (size > 0x7fffffffull && !(sb_.feature_ro_compat & ro_large_file)) {
      sb_.feature_ro_compat |= ro_large_file;
      meta_dirty_ = true;
    }
    ino.d.mtime = ino.d.ctime = now();
  }
  const Error pe = put(ino);
  return op.end(err != Error::ok ? err : pe);
}

} // namespace ext2
