// ext2: a small ext2 file-system library over an abstract block device.
//
// Pure C++ without system calls or allocation, so the same sources run in the file server on Arc
// (servers/ext2, over the PATA driver) and natively in the host tests (tests/unit/test_ext2.cc,
// over an image file made by Debian's mke2fs -d and checked with e2fsck and debugfs).
//
// What it does: revision 1 (and 0) ext2 with 1, 2, 4 or 8 KiB blocks and 128- to 1024-byte
// inodes, of any number of block groups up to the 32-bit sector limit of the device, as
// `mke2fs -t ext2` makes them (features filetype, sparse_super, large_file, ext_attr,
// resize_inode, dir_index, meta_bg). Group descriptors are read on demand into a small window
// (gd_window blocks), indirect blocks and bitmaps go through a small write-through cache
// (cache_blocks), so memory stays bounded whatever the size of the disk. Files with direct,
// indirect, double- and triple-indirect blocks and 64-bit sizes (large_file); holes read as
// zeros; physically contiguous blocks are read and written in one device request. Paths (up to path_max bytes, names up
// to 255) that follow symbolic links (relative and absolute targets, at most max_symlinks of them
// per path: Error::loop), lookup, readdir, stat; create, write (extend, fill holes), truncate,
// unlink, mkdir, rmdir, symlink (fast: the target in the inode; slow: in a data block),
// readlink, link, rename (replacing a target as POSIX does), chmod, chown, utime; bitmaps, the
// free counts of the superblock and of every group descriptor, link counts and used-directory
// counts are kept exact, so `e2fsck -fn` finds nothing to fix. Only regular files and
// directories have contents: read, write and truncate refuse a symlink or a device (a fast
// symlink's i_block holds its target, not block numbers) with Error::invalid.
//
// Names: links.cc (symlink, readlink, link, rename, attributes), dir.cc (paths, directories).
//
// What it refuses: an incompatible feature other than filetype and meta_bg (extents, 64bit,
// flex_bg, journal recovery, compression, inline data ...) and blocks over 8 KiB (every block
// buffer and cache entry would grow with them) fail mount() with Error::unsupported and a
// message (why()); an unknown read-only-compatible feature or a journal mounts read-only (every
// change then fails with read_only).
//
// Damage: every block number taken from the disk (descriptors, inodes, indirect blocks) is
// checked against the file system before it is used, and a block an allocation finds already
// marked, or a free of a block that is free, is corrupt: damage is reported as Error::corrupt,
// never followed outside the disk. Directories with a hash index (dir_index) are read
// linearly; changing one clears its index flag (as Linux's ext2 does), which e2fsck accepts.
//
// Consistency: every mutating operation is bracketed by BlockDevice::begin() / commit(), and each
// leaves the disk consistent on success and on failure (a write that runs out of space keeps what
// it wrote). A device can therefore gather an operation's writes into one transaction (the file
// server keeps it in persistent memory and redoes a committed one after a restart).
//
// Audit (audit.cc): before an operation commits, what it changed is checked again by code of its
// own — free counts against the bitmaps they count, each inode written read back and its block
// tree against the bitmap, each directory block written parsed, each name made or removed
// looked up. A failure means this library went wrong (a bug, a fault injected into its code), not
// that the disk was damaged: the operation does not commit, and the audit-failure handler runs
// (the file server panics, so its restart drops the transaction and replays the request);
// without one the file system is unmounted and the operation fails with corrupt.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace ext2 {

enum class Error : int {
  ok = 0,
  io,             // the device failed
  corrupt,        // on-disk structure does not hold together
  unsupported,    // a feature this library does not implement
  read_only,      // mounted read-only (unknown ro-compat feature, journal)
  not_found,
  exists,
  not_dir,
  is_dir,
  not_empty,
  no_space,       // no free block or inode
  name_too_long,  // a path component over 255 bytes
  invalid,        // bad argument (empty path, "." or "..", root ...)
  too_big,        // past what direct + indirect + double-indirect blocks reach
  end,            // readdir: no more entries
  not_mounted,
  loop,           // more than max_symlinks symbolic links in one path (ELOOP)
  not_permitted,  // a hard link to a directory (EPERM)
};
const char *error_name(Error e);

constexpr uint32_t sector_size = 512;

// How an operation's changes must reach the disk when it commits. `durable`: on stable storage
// (the device's write cache flushed) before commit() returns. `deferred`: written, but the flush
// may wait for a later commit; for operations that only add to a file (write), which free
// nothing a later operation could reuse before the release is stable (a block or an inode freed,
// a name removed or replaced are always durable).
enum class Commit { durable, deferred };

// The disk: 512-byte sectors. begin()/commit() bracket one file-system operation.
class BlockDevice {
public:
  virtual Error read(uint32_t lba, uint32_t count, void *buf) = 0;
  virtual Error write(uint32_t lba, uint32_t count, const void *buf) = 0;
  // File contents (not metadata): rewriting them is idempotent and a block written before the
  // operation commits is still free on disk if it never does, so a transactional device may
  // write these straight through.
  virtual Error write_data(uint32_t lba, uint32_t count, const void *buf) {
    return write(lba, count, buf);
  }
  virtual void begin() {}
  // How the operation ended, told just before its commit() (after its audit): a device that
  // checks the operation's result before it commits (the file server's post-conditions) checks
  // only one that reports success.
  virtual void outcome(Error) {}
  virtual Error commit(Commit) { return Error::ok; }

protected:
  ~BlockDevice() = default;
};

// ---- on-disk structures (little endian; the hosts and targets we build for are too) ------------
struct Superblock {
  uint32_t inodes_count, blocks_count, r_blocks_count, free_blocks_count, free_inodes_count;
  uint32_t first_data_block, log_block_size, log_frag_size, blocks_per_group, frags_per_group;
  uint32_t inodes_per_group, mtime, wtime;
  uint16_t mnt_count, max_mnt_count, magic, state, errors, minor_rev_level;
  uint32_t lastcheck, checkinterval, creator_os, rev_level;
  uint16_t def_resuid, def_resgid;
  uint32_t first_ino;
  uint16_t inode_size, block_group_nr;
  uint32_t feature_compat, feature_incompat, feature_ro_compat;
  uint8_t uuid[16];
  char volume_name[16];
  char last_mounted[64];
  uint32_t algorithm_usage_bitmap;
  uint8_t prealloc_blocks, prealloc_dir_blocks;
  uint16_t reserved_gdt_blocks;
  uint8_t rest0[260 - 208];
  uint32_t first_meta_bg;
  uint8_t rest0b[348 - 264];
  uint16_t min_extra_isize, want_extra_isize;
  uint8_t rest1[1024 - 352];
};
static_assert(sizeof(Superblock) == 1024);

struct GroupDesc {
  uint32_t block_bitmap, inode_bitmap, inode_table;
  uint16_t free_blocks_count, free_inodes_count, used_dirs_count, flags;
  uint8_t reserved[12];
};
static_assert(sizeof(GroupDesc) == 32);

constexpr unsigned direct_blocks = 12, ind_block = 12, dind_block = 13, tind_block = 14;

struct DiskInode {   // the first 128 bytes of an inode (the rest is kept as it is on disk)
  uint16_t mode, uid;
  uint32_t size, atime, ctime, mtime, dtime;
  uint16_t gid, links_count;
  uint32_t blocks;   // 512-byte units, data and indirect blocks
  uint32_t flags, osd1;
  uint32_t block[15];
  uint32_t generation, file_acl, size_high, faddr;
  uint8_t osd2[12];
};
static_assert(sizeof(DiskInode) == 128);

// Modes and directory-entry types.
constexpr uint16_t s_ifmt = 0xf000, s_ifreg = 0x8000, s_ifdir = 0x4000, s_iflnk = 0xa000;
enum FileType : uint8_t { ft_unknown = 0, ft_reg = 1, ft_dir = 2, ft_chr = 3, ft_blk = 4,
                          ft_fifo = 5, ft_sock = 6, ft_symlink = 7 };
constexpr uint32_t root_ino = 2;
constexpr unsigned max_name = 255;
constexpr unsigned path_max = 4096;        // bytes of a path with its NUL, after links expand
constexpr unsigned max_symlinks = 40;      // followed in one path resolution
constexpr unsigned fast_symlink_max = 59;  // longest target kept in the inode (i_block, 60 bytes)
constexpr unsigned max_block_size = 8192;
constexpr unsigned cache_blocks = 8;       // indirect blocks and bitmaps kept (write-through)
constexpr unsigned gd_window = 2;          // group-descriptor blocks kept

// An inode as the library hands it around: its number and its first 128 bytes.
struct Inode {
  uint32_t ino;
  DiskInode d;
  uint64_t size() const;
  bool is_dir() const { return (d.mode & s_ifmt) == s_ifdir; }
  bool is_reg() const { return (d.mode & s_ifmt) == s_ifreg; }
  bool is_symlink() const { return (d.mode & s_ifmt) == s_iflnk; }
  uint32_t uid() const { return d.uid | uint32_t(d.osd2[4] | d.osd2[5] << 8) << 16; }
  uint32_t gid() const { return d.gid | uint32_t(d.osd2[6] | d.osd2[7] << 8) << 16; }
};

struct Stat {
  uint32_t ino;
  uint16_t mode, links;
  uint64_t size;
  uint32_t blocks;   // 512-byte units
  uint32_t mtime;
  uint32_t uid, gid, atime, ctime;
};

struct DirEntry {
  uint32_t ino;
  uint8_t type;      // FileType (ft_unknown without the filetype feature)
  char name[max_name + 1];
};

struct FsInfo {
  uint32_t block_size, blocks, free_blocks, inodes, free_inodes, groups;
  bool writable;
};

class Fs {
public:
  // Reads and checks the superblock and the group descriptors. read_only forces no writes.
  Error mount(BlockDevice &dev, bool read_only = false);
  void unmount() { dev_ = nullptr; }
  bool mounted() const { return dev_ != nullptr; }
  // Why mount() failed, or why the file system is read-only ("" otherwise).
  const char *why() const { return why_; }
  // Whether mount checked that no block is claimed twice (file systems of up to 64 Ki blocks
  // at 1 KiB, max_block_size * 8 in general; claims.cc).
  bool claims_checked() const { return claims_checked_; }
  FsInfo info() const;
  // Seconds since 1970 for timestamps (default: none, timestamps 0).
  void set_clock(uint32_t (*now)()) { clock_ = now; }

  // Inodes by number.
  Error get(uint32_t ino, Inode &out);
  Error put(const Inode &in);                     // writes the 128 bytes back
  // An absolute path ("/" is the root); symbolic links on the way are followed, the last
  // component's too unless follow is false (lstat, readlink).
  Error lookup(const char *path, uint32_t *ino, bool follow = true);
  Error stat(uint32_t ino, Stat *st);

  // File contents. read: *got < n only at the end of the file. write extends the file as
  // needed and writes the inode (the caller's copy is updated); *done tells how much was written
  // when it fails part-way (no_space, too_big).
  Error read(const Inode &ino, uint64_t off, void *buf, uint32_t n, uint32_t *got);
  Error write(Inode &ino, uint64_t off, const void *buf, uint32_t n, uint32_t *done);
  Error truncate(Inode &ino, uint64_t size);

  // Names. create: a regular file (exists when the name is taken); mkdir with . and ..;
  // unlink: not a directory (frees blocks and inode when the last link goes); rmdir: empty only.
  Error create(const char *path, uint16_t perm, uint32_t *ino);
  Error mkdir(const char *path, uint16_t perm, uint32_t *ino = nullptr);
  Error unlink(const char *path);
  Error rmdir(const char *path);
  // The entry at or after byte position *pos of a directory ("." and ".." included); advances
  // *pos. Error::end when there are no more.
  Error readdir(const Inode &dir, uint64_t *pos, DirEntry *out);

  // Symbolic links (links.cc). symlink: a link at `path` to `target` (1 .. block size - 1 bytes,
  // fast up to fast_symlink_max). readlink: the target of a symlink inode, at most `size` bytes
  // copied (not terminated), *len its whole length; invalid for anything else.
  Error symlink(const char *target, const char *path, uint32_t *ino = nullptr);
  Error readlink(const Inode &link, char *buf, uint32_t size, uint32_t *len);
  // A second name for `existing` (not followed if a symlink; not a directory: not_permitted).
  Error link(const char *existing, const char *path);
  // rename(2): `to` is linked before `from` is removed; an existing `to` is replaced (a file by a
  // non-directory, an empty directory by a directory); a directory cannot move below itself
  // (invalid); a moved directory's ".." and the link counts of both parents follow.
  Error rename(const char *from, const char *to);
  // Attributes of an inode: the permission bits (07777), owner (~0u: unchanged), times.
  Error chmod(uint32_t ino, uint16_t perm);
  Error chown(uint32_t ino, uint32_t uid, uint32_t gid);
  Error utime(uint32_t ino, uint32_t atime, uint32_t mtime);

  // Internal, public for the tests: the physical block of logical block `lb` (0 for a hole).
  Error bmap(const Inode &ino, uint32_t lb, uint32_t *pb);
  // Logical blocks lb, lb + 1 ... (at most max) that lie at physical pb, pb + 1 ... (or are all
  // holes, *pb 0): *n of them.
  Error bmap_run(const Inode &ino, uint32_t lb, uint32_t max, uint32_t *pb, uint32_t *n);
  // A directory's live entries (".", ".." and its names) and the sum of their inode numbers
  // (mod 2^32), in one pass over its blocks.
  Error census(const Inode &dir, uint32_t *entries, uint32_t *ino_sum);
  // The largest file this file system can hold (the block tree and i_blocks).
  uint64_t max_file_size() const;
  // Called with the reason when an operation fails its audit; it need not return.
  void set_audit_failure(void (*fn)(const char *why)) { on_audit_failure_ = fn; }
  // Operations that passed their audit since the library was loaded.
  uint32_t audits() const { return audits_; }

private:
  friend struct FsProbe;   // tests/unit/test_ext2_audit.cc: the audit fed states a bug leaves
  struct Op {   // brackets a mutating operation: BlockDevice::begin() ... commit()
    Fs &fs;
    Commit how = Commit::durable;   // write() defers its flush (BlockDevice: Commit)
    explicit Op(Fs &f) : fs(f) {
      fs.last_alloc_ = LastAlloc{};
      fs.dev_->begin();
      fs.audit_begin();
    }
    Error end(Error e);   // audits, writes the superblock and descriptors if changed, commits
  };

  // The audit of the operation in progress (audit.cc): the groups whose descriptors it read
  // (their counts and their bitmaps' free bits before), the inodes it wrote (as written; bit:
  // 1 allocated, 2 freed), the directory blocks it wrote, the names it made (ino) or removed (0).
  struct AuditGroup { uint32_t g, gd_blocks, gd_inodes, free_blocks, free_inodes; };
  struct AuditInode { uint32_t ino; uint8_t bit; DiskInode d; };
  struct AuditName { uint32_t dir, ino; unsigned len; char name[max_name]; };
  static constexpr unsigned audit_groups = 4, audit_inodes = 8, audit_dirs = 4, audit_names = 2,
                            audit_written = 8, audit_freed = 16;
  struct Audit {
    bool active, groups_over, written_over, freed_over;
    uint32_t freed[audit_freed];       // blocks the operation freed (and did not take again)
    unsigned nfreed;
    uint32_t written[audit_written];   // metadata blocks the operation wrote (indirect blocks)
    unsigned nwritten;
    uint32_t sb_blocks, sb_inodes;
    unsigned ngroups, ninodes, ndirs, nnames;
    AuditGroup group[audit_groups];
    AuditInode inode[audit_inodes];
    uint32_t dir[audit_dirs];
    AuditName name[audit_names];
  };
  void audit_begin();
  void audit_group(uint32_t g, const GroupDesc &gd);
  AuditInode *audit_inode(uint32_t ino);
  void audit_name(uint32_t dir, const char *name, unsigned len, uint32_t ino);
  Error write_dir_block(uint32_t b, const void *buf);   // a directory block (audited)
  // null: all holds. `succeeded`: the operation reports success (a file's blocks then all lie
  // within its size; a failed write may have mapped a block it could not fill).
  const char *audit_end(bool succeeded = true);
  Error free_bits(uint32_t bitmap, uint32_t bits, uint32_t *free);
  Error bit_in(uint32_t bitmap, uint32_t i, bool *set);
  bool audit_wrote(uint32_t b) const;
  const char *audit_tree(const Inode &ino, bool within_size);
  void audit_free_block(uint32_t b);
  void audit_taken_block(uint32_t b);
  const char *audit_dir_block(uint32_t b);
  Error read_block(uint32_t b, void *buf);
  Error write_block(uint32_t b, const void *buf);
  Error write_cached(int i);               // cache entry i, changed in place
  void audit_written_block(uint32_t b);    // the audit's list of metadata blocks written
  Error write_data(uint32_t b, const void *buf, uint32_t count = 1);   // file contents
  Error dev_write(uint32_t lba, uint32_t count, const void *buf);      // sectors, cache kept true
  // Metadata blocks (indirect blocks, bitmaps) through the cache: a copy, or one word of it.
  Error read_meta(uint32_t b, void *buf);
  Error meta_word(uint32_t b, uint32_t i, uint32_t *out);
  int cache_find(uint32_t b) const;
  int cache_load(uint32_t b);   // -1: read failed (cache_err_)
  void cache_forget(uint32_t lba, uint32_t count);
  // Group descriptors: the window block holding group g's (read and checked on first use).
  Error group(uint32_t g, GroupDesc **out);
  uint32_t gd_block(uint32_t i) const;      // where descriptor block i is (meta_bg or not)
  bool has_super(uint32_t g) const;         // a superblock backup in group g
  void gd_dirty(uint32_t g);                // group g's descriptor changed
  bool is_meta(uint32_t b);                 // a superblock, descriptor, bitmap or inode table block
  // Mount's check that no block is claimed twice by inodes in use (claims.cc).
  Error check_claims();
  Error claim(uint32_t b, uint32_t ino);
  Error claim_tree(uint32_t b, int level, uint32_t ino);
  Error inode_location(uint32_t ino, uint32_t *lba, uint32_t *offset);
  Error write_meta();   // superblock and group descriptors, if changed
  Error alloc_block(uint32_t goal_block, uint32_t *b);
  Error free_block(uint32_t b);
  Error alloc_inode(uint32_t goal_group, bool dir, uint32_t *ino);
  Error free_inode(uint32_t ino, bool dir);
  Error map_alloc(Inode &ino, uint32_t lb, uint32_t *pb, bool *fresh);
  [[gnu::noinline]] Error map_hole(Inode &ino, uint32_t lb, uint32_t *pb, bool *fresh);
  Error trim(uint32_t *slot, int level, uint64_t base, uint32_t keep, Inode &ino, bool *changed);
  Error block_path(uint32_t lb, unsigned *slot, unsigned *levels, uint32_t idx[3]) const;
  Error truncate_blocks(Inode &ino, uint64_t size);
  uint32_t now() const { return clock_ ? clock_() : 0; }
  uint32_t group_of_ino(uint32_t ino) const { return (ino - 1) / sb_.inodes_per_group; }
  uint32_t ptrs() const { return bs_ / 4; }

  // Directories (dir.cc). walk: the first len bytes of path, links followed (the last one
  // only if follow).
  Error walk(const char *path, unsigned len, bool follow, uint32_t *ino);
  Error link_target(const Inode &link, const char **target, uint32_t *len);   // links.cc
  Error parent_of(const char *path, Inode &parent, const char **name, unsigned *len);
  // parent_of for a name to be made: exists when the last component is taken already.
  Error new_name_of(const char *path, Inode &parent, const char **name, unsigned *len);
  Error find_entry(const Inode &dir, const char *name, unsigned len, uint32_t *ino);
  Error add_entry(Inode &dir, const char *name, unsigned len, uint32_t ino, uint8_t type);
  Error remove_entry(Inode &dir, const char *name, unsigned len);
  // Points the existing entry `name` at another inode (rename over a target, a moved ..).
  Error set_entry(Inode &dir, const char *name, unsigned len, uint32_t ino, uint8_t type);
  Error dir_empty(const Inode &dir, bool *empty);
  Error new_inode(uint32_t goal_group, uint16_t mode, Inode &out);
  Error release(Inode &ino);   // last link gone: free blocks and inode
  Error unindex(Inode &dir);
  uint8_t type_of(uint16_t mode) const;
  // A symlink with a data block (slow) rather than its target in i_block (fast); i_blocks
  // without the extended-attribute block.
  bool has_blocks(const Inode &ino) const;
  Error is_ancestor(uint32_t dir, uint32_t of, bool *yes);   // links.cc (rename)
  bool filetype() const;

  BlockDevice *dev_ = nullptr;
  bool writable_ = false;
  // The block map_alloc() allocated last in this operation (forgotten at each operation's
  // start: only within one can no other change have unmapped it): logical lb of inode ino at
  // physical pb, where the next one of a file written in order goes after.
  struct LastAlloc { uint32_t ino, lb, pb; };
  LastAlloc last_alloc_{};
  bool meta_dirty_ = false;
  bool claims_checked_ = false;
  Audit audit_{};
  void (*on_audit_failure_)(const char *why) = nullptr;
  uint32_t audits_ = 0;
  const char *why_ = "";
  uint32_t (*clock_)() = nullptr;
  uint32_t bs_ = 1024, sectors_per_block_ = 2, groups_ = 0, gdt_blocks_ = 0, inode_size_ = 128;
  uint32_t itable_blocks_ = 0;   // blocks of one group's inode table
  Superblock sb_;
  // The superblock as the disk has it (sb_ is adjusted for revision 0): write_meta() changes its
  // counts and writes it back without reading it first.
  Superblock sb_disk_;
  // The group-descriptor window: descriptor block gd_index_[i] (~0u: empty) in gd_buf_[i].
  uint32_t gd_index_[gd_window];
  bool gd_dirty_[gd_window];
  unsigned gd_next_ = 0;
  alignas(8) uint8_t gd_buf_[gd_window][max_block_size];
  // The metadata cache: block cache_block_[i] (0: empty), least recently used goes first.
  uint32_t cache_block_[cache_blocks];
  uint32_t cache_used_[cache_blocks];
  uint32_t cache_clock_ = 0;
  Error cache_err_ = Error::ok;
  alignas(8) uint8_t cache_[cache_blocks][max_block_size];
  // Block buffers: 0..2 one per level of the block tree (truncate, the audit), 3 directory and
  // data work, 4 zeros for a new indirect block.
  alignas(8) uint8_t buf_[5][max_block_size];
  // Path resolution: the rest of the path with link targets spliced in, and a link's target.
  char walk_[path_max];
  char target_[max_block_size];
};

} // namespace ext2
