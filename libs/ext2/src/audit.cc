// ext2: the audit of every mutating operation, run before it commits (see "Audit" in ext2.hh).
//
// Why: a file system that goes wrong seldom crashes. Fault injection into the file server's code
// (tools/arc campaign) found most of its failures to be silent: a free count one off, an inode
// written into its neighbour's slot, a directory entry left behind or a name never linked, all
// committed and found only later by e2fsck or by a client reading back. The audit turns them into
// failures the server sees before the damage commits. It checks what the operation did with code
// of its own, not by calling the code that did it: free bits are counted in the bitmaps, not
// taken from the counters; inodes are read back from their table block; directory blocks are
// parsed here, not by dir.cc's walker. Only the names use find_entry (a lookup by a path the
// change did not take).
//
// What it checks, all relative to the state before the operation (a disk that was damaged before
// is the mount's and the readers' business, never an audit failure):
//   groups      for every group whose bitmaps the operation changed: the change of each free
//               count equals the change of the free bits in its bitmap; their sum is the change
//               of the superblock's count (so a count changed anywhere else shows too).
//   inodes      every inode written reads back as written; an allocated one is in use and marked
//               in the inode bitmap, a freed one unmarked with no links; the block tree of one in
//               use (direct blocks, the indirect block and its entries, the tops of the double
//               and triple trees) lies in the data area and is marked in the block bitmap, and
//               without double or triple trees i_blocks counts exactly its blocks; after an
//               operation that succeeded, no block of a regular file lies past its size; a freed
//               inode holds no blocks (its tree was released).
//   freed       every block the operation freed (and did not take again) is free in its bitmap
//               afterwards: a block dropped from a tree but left marked is lost to the disk.
//   directories every directory block written parses: entries of 8 + name bytes or more, 4-byte
//               aligned, ending exactly at the block's end, names not empty, inodes in range.
//   names       a name made finds its inode; a name removed is gone.
// Costs are bounded by what the operation changed (the bitmaps it changed, in the cache already;
// its inodes; an indirect block it wrote), not by the size of the disk or of the file: on the
// RAM disk benchmark (docs/benchmarks.md) 10 % more instructions per KiB for allocating writes,
// none measurable for overwrites and reads.
#include <ext2/ext2.hh>

#include <string.h>

namespace ext2 {

void Fs::audit_begin() {
  audit_ = Audit{};
  audit_.active = true;
  audit_.sb_blocks = sb_.free_blocks_count;
  audit_.sb_inodes = sb_.free_inodes_count;
}

// The first time the operation is about to change group g's bitmaps (alloc and free of blocks
// and inodes call this): its counts and bitmaps as they are before. Only those groups: reading
// the bitmaps of every group a lookup merely passes through cost a disk read each.
void Fs::audit_group(uint32_t g, const GroupDesc &gd) {
  for (unsigned i = 0; i < audit_.ngroups; ++i)
    if (audit_.group[i].g == g) return;
  if (audit_.ngroups == audit_groups) {
    audit_.groups_over = true;   // a large operation: its groups past the first are not checked
    return;
  }
  AuditGroup a{g, gd.free_blocks_count, gd.free_inodes_count, 0, 0};
  const uint32_t first = sb_.first_data_block + g * sb_.blocks_per_group;
  const uint32_t blocks = sb_.blocks_count - first < sb_.blocks_per_group ? sb_.blocks_count - first
                                                                          : sb_.blocks_per_group;
  audit_.active = false;   // the bitmap reads below must not record anything
  const Error e1 = free_bits(gd.block_bitmap, blocks, &a.free_blocks);
  const Error e2 = free_bits(gd.inode_bitmap, sb_.inodes_per_group, &a.free_inodes);
  audit_.active = true;
  if (e1 != Error::ok || e2 != Error::ok) {
    audit_.groups_over = true;   // unreadable now: the operation itself will fail on it
    return;
  }
  audit_.group[audit_.ngroups++] = a;
}

Fs::AuditInode *Fs::audit_inode(uint32_t ino) {
  if (!audit_.active) return nullptr;
  for (unsigned i = 0; i < audit_.ninodes; ++i)
    if (audit_.inode[i].ino == ino) return &audit_.inode[i];
  if (audit_.ninodes == audit_inodes) return nullptr;
  AuditInode *a = &audit_.inode[audit_.ninodes++];
  *a = AuditInode{};
  a->ino = ino;
  return a;
}

void Fs::audit_name(uint32_t dir, const char *name, unsigned len, uint32_t ino) {
  if (!audit_.active || audit_.nnames == audit_names || len > max_name) return;
  AuditName &n = audit_.name[audit_.nnames++];
  n.dir = dir;
  n.ino = ino;
  n.len = len;
  memcpy(n.name, name, len);   // a copy: the path buffer it points into may be reused
}

Error Fs::write_dir_block(uint32_t b, const void *buf) {
  if (audit_.active) {
    bool seen = false;
    for (unsigned i = 0; i < audit_.ndirs; ++i) seen |= audit_.dir[i] == b;
    if (!seen && audit_.ndirs < audit_dirs) audit_.dir[audit_.ndirs++] = b;
  }
  return write_block(b, buf);
}

// The free bits among the first `bits` of a bitmap block, counted in place in the cache.
Error Fs::free_bits(uint32_t bitmap, uint32_t bits, uint32_t *free) {
  const int i = cache_load(bitmap);
  if (i < 0) return cache_err_;
  const uint8_t *map = cache_[i];
  uint32_t used = 0, k = 0;
  for (; k + 32 <= bits; k += 32) {
    uint32_t w;
    memcpy(&w, map + k / 8, 4);
    // Most words of a bitmap are all used or all free: counted without a population count
    // (a library call on ia32 and ARMv7, which have no instruction for it; this loop ran four
    // times over two bitmaps per allocating write).
    if (w == 0xffffffffu) used += 32;
    else if (w) used += unsigned(__builtin_popcount(w));
  }
  for (; k < bits; ++k) used += (map[k / 8] >> (k % 8)) & 1;
  *free = bits - used;
  return Error::ok;
}

void Fs::audit_free_block(uint32_t b) {
  for (unsigned i = 0; i < audit_.nfreed; ++i)
    if (audit_.freed[i] == b) return;
  if (audit_.nfreed < audit_freed) audit_.freed[audit_.nfreed++] = b;
  else audit_.freed_over = true;   // a large truncate: the blocks past the first are not checked
}

// A block allocated again after the operation freed it (a truncate and a write in one, a
// directory replaced) is the new owner's: no longer expected free.
void Fs::audit_taken_block(uint32_t b) {
  for (unsigned i = 0; i < audit_.nfreed; ++i)
    if (audit_.freed[i] == b) {
      audit_.freed[i] = audit_.freed[--audit_.nfreed];
      return;
    }
}

bool Fs::audit_wrote(uint32_t b) const {
  if (audit_.written_over) return true;
  for (unsigned i = 0; i < audit_.nwritten; ++i)
    if (audit_.written[i] == b) return true;
  return false;
}

Error Fs::bit_in(uint32_t bitmap, uint32_t i, bool *set) {
  uint32_t v;
  if (Error e = meta_word(bitmap, i / 32, &v); e != Error::ok) return e;
  *set = (v >> (i % 32)) & 1;
  return Error::ok;
}

// The block tree of an inode in use: every block in the data area and marked used. The entries
// of its indirect block are counted always (i_blocks) but checked only when the operation wrote
// that block: unchanged ones were checked when they were written. The group's bitmap is copied
// once per group met (buf_[1]), the indirect block once (buf_[0]); both are free at the end of
// an operation.
const char *Fs::audit_tree(const Inode &ino, bool within_size) {
  uint32_t count = 0, map_group = ~0u;
  // Logical blocks a regular file may map: those that hold bytes below its size.
  const uint64_t p64 = ptrs();
  const uint64_t limit = within_size && ino.is_reg() ? (ino.size() + bs_ - 1) / bs_ : ~uint64_t(0);
  uint8_t *map = buf_[1];
  const char *bad = nullptr;
  auto check = [&](uint32_t b) {
    if (b < sb_.first_data_block || b >= sb_.blocks_count || is_meta(b)) {
      bad = "a block outside the data area";
      return;
    }
    const uint32_t g = (b - sb_.first_data_block) / sb_.blocks_per_group;
    const uint32_t i = (b - sb_.first_data_block) % sb_.blocks_per_group;
    GroupDesc *gd;
    if (g != map_group) {
      if (group(g, &gd) != Error::ok || read_meta(gd->block_bitmap, map) != Error::ok) {
        bad = "a block bitmap unreadable";
        return;
      }
      map_group = g;
    }
    if (!((map[i / 8] >> (i % 8)) & 1)) bad = "a block of the file not marked in the bitmap";
  };
  const char *past = "a block of the file past its size";
  for (unsigned i = 0; i < direct_blocks && !bad; ++i)
    if (ino.d.block[i]) {
      ++count;
      check(ino.d.block[i]);
      if (i >= limit) bad = past;
    }
  // The first logical block under each tree top: a top past the size holds only such blocks.
  const uint64_t first[3] = {direct_blocks, direct_blocks + p64, direct_blocks + p64 + p64 * p64};
  for (unsigned top = ind_block; top <= tind_block && !bad; ++top)
    if (ino.d.block[top]) {
      ++count;
      check(ino.d.block[top]);
      if (first[top - ind_block] >= limit) bad = past;
    }
  const uint32_t ind = ino.d.block[ind_block];
  if (ind && !bad) {
    const uint32_t *tab = reinterpret_cast<const uint32_t *>(buf_[0]);
    if (read_meta(ind, buf_[0]) != Error::ok) return "its indirect block unreadable";
    const bool changed = audit_wrote(ind);
    for (uint32_t i = 0; i < ptrs() && !bad; ++i)
      if (tab[i]) {
        ++count;
        if (changed) check(tab[i]);
        if (direct_blocks + i >= limit) bad = past;
      }
  }
  if (bad) return bad;
  if (ino.d.block[dind_block] || ino.d.block[tind_block]) return nullptr;   // not counted
  const uint32_t units = bs_ / sector_size;
  if (ino.d.blocks != (count + (ino.d.file_acl ? 1 : 0)) * units) return "i_blocks not its block count";
  if (ino.is_dir() && ino.d.size != uint64_t(count - (ind ? 1 : 0)) * bs_)
    return "a directory's size not its blocks";
  return nullptr;
}

const char *Fs::audit_dir_block(uint32_t b) {
  uint8_t *blk = buf_[3];
  if (read_block(b, blk) != Error::ok) return "a directory block unreadable";
  uint32_t off = 0;
  while (off < bs_) {
    if (bs_ - off < 8) return "a directory entry past the block's end";
    uint32_t ino;
    uint16_t rec_len;
    memcpy(&ino, blk + off, 4);
    memcpy(&rec_len, blk + off + 4, 2);
    const unsigned name_len = filetype() ? blk[off + 6] : blk[off + 6] | unsigned(blk[off + 7]) << 8;
    if (rec_len < 8 || rec_len % 4 || rec_len > bs_ - off) return "a directory entry of a bad length";
    if (ino && (ino > sb_.inodes_count || name_len == 0 || 8 + name_len > rec_len))
      return "a directory entry with a bad inode or name";
    off += rec_len;
  }
  return nullptr;
}

const char *Fs::audit_end(bool succeeded) {
  audit_.active = false;
  // Groups: every free count moved with its bitmap; the superblock with the groups.
  int64_t sum_blocks = 0, sum_inodes = 0;
  for (unsigned i = 0; i < audit_.ngroups; ++i) {
    const AuditGroup &a = audit_.group[i];
    GroupDesc *gd;
    if (group(a.g, &gd) != Error::ok) return "a group descriptor unreadable";
    const uint32_t first = sb_.first_data_block + a.g * sb_.blocks_per_group;
    const uint32_t blocks = sb_.blocks_count - first < sb_.blocks_per_group ? sb_.blocks_count - first
                                                                            : sb_.blocks_per_group;
    const uint32_t gd_blocks = gd->free_blocks_count, gd_inodes = gd->free_inodes_count;
    uint32_t fb, fi;
    if (free_bits(gd->block_bitmap, blocks, &fb) != Error::ok ||
        free_bits(gd->inode_bitmap, sb_.inodes_per_group, &fi) != Error::ok)
      return "a bitmap unreadable";
    if (int64_t(gd_blocks) - a.gd_blocks != int64_t(fb) - a.free_blocks)
      return "a group's free block count moved apart from its bitmap";
    if (int64_t(gd_inodes) - a.gd_inodes != int64_t(fi) - a.free_inodes)
      return "a group's free inode count moved apart from its bitmap";
    sum_blocks += int64_t(gd_blocks) - a.gd_blocks;
    sum_inodes += int64_t(gd_inodes) - a.gd_inodes;
  }
  if (!audit_.groups_over) {
    if (int64_t(sb_.free_blocks_count) - audit_.sb_blocks != sum_blocks)
      return "the superblock's free block count moved apart from the groups'";
    if (int64_t(sb_.free_inodes_count) - audit_.sb_inodes != sum_inodes)
      return "the superblock's free inode count moved apart from the groups'";
  }
  // Inodes: as written, in the bitmap as their links say, their trees sound.
  for (unsigned i = 0; i < audit_.ninodes; ++i) {
    const AuditInode &a = audit_.inode[i];
    Inode now;
    if (get(a.ino, now) != Error::ok) return "an inode unreadable";
    if ((a.bit & 4) && memcmp(&now.d, &a.d, sizeof(a.d)) != 0) return "an inode reads back other than written";
    GroupDesc *gd;
    bool set = false;
    if (group(group_of_ino(a.ino), &gd) != Error::ok ||
        bit_in(gd->inode_bitmap, (a.ino - 1) % sb_.inodes_per_group, &set) != Error::ok)
      return "an inode bitmap unreadable";
    if ((a.bit & 1) && (!set || !now.d.links_count)) return "a new inode not in use";
    if ((a.bit & 2) && (set || now.d.links_count || !now.d.dtime)) return "a freed inode still in use";
    // (An extended-attribute block is not the file's tree: release leaves it, and i_blocks
    // counts it.)
    if ((a.bit & 2) && !now.d.links_count && now.d.blocks > (now.d.file_acl ? bs_ / sector_size : 0))
      return "a freed inode still holds blocks";
    if (now.d.links_count && !set) return "an inode with links not marked in the bitmap";
    const bool tree = now.is_reg() || now.is_dir() || (now.is_symlink() && has_blocks(now));
    if (now.d.links_count && tree)
      if (const char *why = audit_tree(now, succeeded)) return why;
  }
  // Freed blocks: free in their bitmaps now. A bit left set with the counts unchanged passes the
  // groups' check above; e2fsck finds it as a block marked but owned by no file.
  for (unsigned i = 0; i < audit_.nfreed; ++i) {
    const uint32_t b = audit_.freed[i];
    GroupDesc *gd;
    bool set = false;
    if (group((b - sb_.first_data_block) / sb_.blocks_per_group, &gd) != Error::ok ||
        bit_in(gd->block_bitmap, (b - sb_.first_data_block) % sb_.blocks_per_group, &set) != Error::ok)
      return "a block bitmap unreadable";
    if (set) return "a freed block still marked in the bitmap";
  }
  for (unsigned i = 0; i < audit_.ndirs; ++i)
    if (const char *why = audit_dir_block(audit_.dir[i])) return why;
  for (unsigned i = 0; i < audit_.nnames; ++i) {
    const AuditName &n = audit_.name[i];
    Inode dir;
    uint32_t found = 0;
    if (get(n.dir, dir) != Error::ok) return "a directory unreadable";
    const Error e = find_entry(dir, n.name, n.len, &found);
    if (n.ino && (e != Error::ok || found != n.ino)) return "a name made is not found";
    if (!n.ino && e != Error::not_found) return "a name removed is still there";
  }
  ++audits_;
  return nullptr;
}

} // namespace ext2
