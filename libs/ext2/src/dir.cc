// ext2: directories and names — paths (following symbolic links), lookup, readdir, create,
// mkdir, unlink, rmdir. Links, rename and attributes are in links.cc.
#include <ext2/ext2.hh>

#include <string.h>

namespace ext2 {

namespace {
constexpr uint32_t index_fl = 0x1000;   // EXT2_INDEX_FL: a hashed (dir_index) directory

struct RawEntry {
  uint32_t inode;
  uint16_t rec_len;
  uint8_t name_len, file_type;
};
static_assert(sizeof(RawEntry) == 8);

uint32_t entry_size(uint32_t name_len) { return (8 + name_len + 3) & ~3u; }

bool is_dot(const char *n, unsigned len) {
  return (len == 1 && n[0] == '.') || (len == 2 && n[0] == '.' && n[1] == '.');
}

// One directory block: checks each entry as it steps to it.
struct Entries {
  uint8_t *blk;
  uint32_t bs;
  bool filetype;
  uint32_t off = 0;
  RawEntry *at() const { return reinterpret_cast<RawEntry *>(blk + off); }
  unsigned name_len() const {
    const RawEntry *e = at();
    return filetype ? e->name_len : (e->name_len | (unsigned(e->file_type) << 8));
  }
  const char *name() const { return reinterpret_cast<const char *>(blk + off + 8); }
  // False at the end of the block; Error::corrupt in *err for a bad entry.
  bool valid(Error *err) const {
    if (off >= bs) return false;
    const RawEntry *e = at();
    if (off + 8 > bs || e->rec_len < 8 || (e->rec_len & 3) || off + e->rec_len > bs ||
        (e->inode && 8 + name_len() > e->rec_len)) {
      *err = Error::corrupt;
      return false;
    }
    return true;
  }
  void next() { off += at()->rec_len; }
};
} // namespace

uint8_t Fs::type_of(uint16_t mode) const {
  if (!filetype()) return ft_unknown;
  switch (mode & s_ifmt) {
  case s_ifreg: return ft_reg;
  case s_ifdir: return ft_dir;
  case s_iflnk: return ft_symlink;
  case 0x2000: return ft_chr;
  case 0x6000: return ft_blk;
  case 0x1000: return ft_fifo;
  case 0xc000: return ft_sock;
  default: return ft_unknown;
  }
}

// ---- lookup -----------------------------------------------------------------------------------
Error Fs::find_entry(const Inode &dir, const char *name, unsigned len, uint32_t *ino) {
  if (!dir.is_dir()) return Error::not_dir;
  const uint32_t blocks = uint32_t(dir.size() / bs_);
  for (uint32_t lb = 0; lb < blocks; ++lb) {
    uint32_t pb;
    if (Error e = bmap(dir, lb, &pb); e != Error::ok) return e;
    if (!pb) continue;
    if (Error e = read_block(pb, buf_[3]); e != Error::ok) return e;
    Error err = Error::ok;
    for (Entries it{buf_[3], bs_, filetype()}; it.valid(&err); it.next()) {
      if (it.at()->inode && it.name_len() == len && memcmp(it.name(), name, len) == 0) {
        *ino = it.at()->inode;
        return *ino <= sb_.inodes_count ? Error::ok : Error::corrupt;
      }
    }
    if (err != Error::ok) return err;
  }
  return Error::not_found;
}

// Resolves path[0, len). The rest of the path is kept in walk_; a symbolic link met on the way
// is replaced there by its target (an absolute one starts again at the root, a relative one in
// the directory that holds the link), at most max_symlinks times.
Error Fs::walk(const char *path, unsigned len, bool follow, uint32_t *out) {
  if (!dev_) return Error::not_mounted;
  if (!path || len == 0 || path[0] != '/') return Error::invalid;
  if (len >= path_max) return Error::name_too_long;
  memmove(walk_, path, len);   // path may be walk_ itself
  walk_[len] = 0;
  uint32_t cur = root_ino;
  unsigned links = 0;
  char *p = walk_;
  for (;;) {
    while (*p == '/') ++p;
    if (!*p) break;
    char *start = p;
    while (*p && *p != '/') ++p;
    const unsigned n = unsigned(p - start);
    if (n > max_name) return Error::name_too_long;
    Inode dir, node;
    uint32_t next;
    if (Error e = get(cur, dir); e != Error::ok) return e;
    if (Error e = find_entry(dir, start, n, &next); e != Error::ok) return e;
    if (Error e = get(next, node); e != Error::ok) return e;
    // A trailing '/' makes the last component a directory: a link there is followed too.
    if (!node.is_symlink() || (!*p && !follow)) {
      cur = next;
      continue;
    }
    if (++links > max_symlinks) return Error::loop;
    const char *target;
    uint32_t tlen;
    if (Error e = link_target(node, &target, &tlen); e != Error::ok) return e;
    if (tlen == 0) return Error::not_found;   // an empty target names nothing (Linux: ENOENT)
    const unsigned rest = unsigned(strlen(p));
    if (tlen + rest >= path_max) return Error::name_too_long;
    memmove(walk_ + tlen, p, rest + 1);
    memcpy(walk_, target, tlen);
    p = walk_;
    if (*p == '/') cur = root_ino;   // else: relative to the directory holding the link
  }
  *out = cur;
  return Error::ok;
}

Error Fs::lookup(const char *path, uint32_t *ino, bool follow) {
  if (!path) return Error::invalid;
  const size_t n = strlen(path);
  if (n >= path_max) return Error::name_too_long;
  return walk(path, unsigned(n), follow, ino);
}

// The directory that holds the last component of `path` (links on the way followed), and that
// component.
Error Fs::parent_of(const char *path, Inode &parent, const char **name, unsigned *len) {
  if (!dev_) return Error::not_mounted;
  if (!path || path[0] != '/') return Error::invalid;
  const size_t total = strlen(path);
  if (total >= path_max) return Error::name_too_long;
  unsigned n = unsigned(total);
  while (n > 1 && path[n - 1] == '/') --n;   // "a/b/" names b
  unsigned start = n;
  while (start > 0 && path[start - 1] != '/') --start;
  *name = path + start;
  *len = n - start;
  if (*len == 0 || is_dot(*name, *len)) return Error::invalid;   // "/", ".", ".."
  if (*len > max_name) return Error::name_too_long;
  uint32_t dino;
  if (Error e = walk(path, start, true, &dino); e != Error::ok) return e;
  if (Error e = get(dino, parent); e != Error::ok) return e;
  return parent.is_dir() ? Error::ok : Error::not_dir;
}

Error Fs::new_name_of(const char *path, Inode &parent, const char **name, unsigned *len) {
  Error e = parent_of(path, parent, name, len);
  if (e != Error::ok) return e;
  uint32_t existing;
  e = find_entry(parent, *name, *len, &existing);
  return e == Error::ok ? Error::exists : e == Error::not_found ? Error::ok : e;
}

Error Fs::readdir(const Inode &dir, uint64_t *pos, DirEntry *out) {
  if (!dev_) return Error::not_mounted;
  if (!dir.is_dir()) return Error::not_dir;
  const uint64_t size = dir.size();
  while (*pos < size) {
    const uint32_t lb = uint32_t(*pos / bs_);
    uint32_t off = uint32_t(*pos % bs_);
    uint32_t pb;
    if (Error e = bmap(dir, lb, &pb); e != Error::ok) return e;
    if (!pb) {
      *pos = uint64_t(lb + 1) * bs_;
      continue;
    }
    if (Error e = read_block(pb, buf_[3]); e != Error::ok) return e;
    // Step from the block's start to `off` so that a position is always an entry boundary.
    Error err = Error::ok;
    Entries it{buf_[3], bs_, filetype()};
    while (it.valid(&err) && it.off < off) it.next();
    for (; it.valid(&err); it.next()) {
      if (!it.at()->inode) continue;
      out->ino = it.at()->inode;
      out->type = filetype() ? it.at()->file_type : uint8_t(ft_unknown);
      memcpy(out->name, it.name(), it.name_len());
      out->name[it.name_len()] = 0;
      *pos = uint64_t(lb) * bs_ + it.off + it.at()->rec_len;
      return Error::ok;
    }
    if (err != Error::ok) return err;
    *pos = uint64_t(lb + 1) * bs_;
  }
  return Error::end;
}

// One pass over the directory's blocks (a block read each, unlike readdir's read per entry): a
// caller that checks an operation's result counts its directories before and after.
Error Fs::census(const Inode &dir, uint32_t *entries, uint32_t *ino_sum) {
  if (!dev_) return Error::not_mounted;
  if (!dir.is_dir()) return Error::not_dir;
  *entries = *ino_sum = 0;
  const uint32_t blocks = uint32_t(dir.size() / bs_);
  for (uint32_t lb = 0; lb < blocks; ++lb) {
    uint32_t pb;
    if (Error e = bmap(dir, lb, &pb); e != Error::ok) return e;
    if (!pb) continue;
    if (Error e = read_block(pb, buf_[3]); e != Error::ok) return e;
    Error err = Error::ok;
    for (Entries it{buf_[3], bs_, filetype()}; it.valid(&err); it.next())
      if (it.at()->inode) {
        ++*entries;
        *ino_sum += it.at()->inode;
      }
    if (err != Error::ok) return err;
  }
  return Error::ok;
}

// ---- changing directories ---------------------------------------------------------------------
Error Fs::unindex(Inode &dir) {
  if (!(dir.d.flags & index_fl)) return Error::ok;
  dir.d.flags &= ~index_fl;   // its hash tree would be stale: it is a plain directory from now
  return put(dir);
}

Error Fs::add_entry(Inode &dir, const char *name, unsigned len, uint32_t ino, uint8_t type) {
  if (Error e = unindex(dir); e != Error::ok) return e;
  const uint32_t need = entry_size(len);
  const uint32_t blocks = uint32_t(dir.size() / bs_);
  uint8_t *blk = buf_[3];
  auto fill = [&](RawEntry *e, uint16_t rec_len) {
    e->inode = ino;
    e->rec_len = rec_len;
    e->name_len = uint8_t(len);
    e->file_type = type;
    memcpy(reinterpret_cast<uint8_t *>(e) + 8, name, len);
  };
  for (uint32_t lb = 0; lb < blocks; ++lb) {
    uint32_t pb;
    if (Error e = bmap(dir, lb, &pb); e != Error::ok) return e;
    if (!pb) continue;
    if (Error e = read_block(pb, blk); e != Error::ok) return e;
    Error err = Error::ok;
    for (Entries it{blk, bs_, filetype()}; it.valid(&err); it.next()) {
      RawEntry *e = it.at();
      const uint32_t used = e->inode ? entry_size(it.name_len()) : 0;
      if (e->rec_len < used + need) continue;
      if (!used) {
        fill(e, e->rec_len);
      } else {
        const uint16_t rest = uint16_t(e->rec_len - used);
        e->rec_len = uint16_t(used);
        fill(reinterpret_cast<RawEntry *>(blk + it.off + used), rest);
      }
      if (Error w = write_dir_block(pb, blk); w != Error::ok) return w;
      dir.d.mtime = dir.d.ctime = now();
      return put(dir);
    }
    if (err != Error::ok) return err;
  }
  // No room: a new block at the end of the directory.
  uint32_t pb;
  bool fresh;
  if (Error e = map_alloc(dir, blocks, &pb, &fresh); e != Error::ok) {
    put(dir);   // keep what map_alloc linked (an indirect block) counted
    return e;
  }
  memset(blk, 0, bs_);
  fill(reinterpret_cast<RawEntry *>(blk), uint16_t(bs_));
  if (Error e = write_dir_block(pb, blk); e != Error::ok) return e;
  dir.d.size = (blocks + 1) * bs_;
  dir.d.mtime = dir.d.ctime = now();
  return put(dir);
}

Error Fs::remove_entry(Inode &dir, const char *name, unsigned len) {
  if (Error e = unindex(dir); e != Error::ok) return e;
  const uint32_t blocks = uint32_t(dir.size() / bs_);
  uint8_t *blk = buf_[3];
  for (uint32_t lb = 0; lb < blocks; ++lb) {
    uint32_t pb;
    if (Error e = bmap(dir, lb, &pb); e != Error::ok) return e;
    if (!pb) continue;
    if (Error e = read_block(pb, blk); e != Error::ok) return e;
    Error err = Error::ok;
    RawEntry *prev = nullptr;
    for (Entries it{blk, bs_, filetype()}; it.valid(&err); it.next()) {
      RawEntry *e = it.at();
      if (e->inode && it.name_len() == len && memcmp(it.name(), name, len) == 0) {
        if (prev) prev->rec_len = uint16_t(prev->rec_len + e->rec_len);   // merge into previous
        else e->inode = 0;                                                 // first: empty it
        if (Error w = write_dir_block(pb, blk); w != Error::ok) return w;
        dir.d.mtime = dir.d.ctime = now();
        return put(dir);
      }
      prev = e;
    }
    if (err != Error::ok) return err;
  }
  return Error::not_found;
}

Error Fs::set_entry(Inode &dir, const char *name, unsigned len, uint32_t ino, uint8_t type) {
  if (Error e = unindex(dir); e != Error::ok) return e;
  const uint32_t blocks = uint32_t(dir.size() / bs_);
  uint8_t *blk = buf_[3];
  for (uint32_t lb = 0; lb < blocks; ++lb) {
    uint32_t pb;
    if (Error e = bmap(dir, lb, &pb); e != Error::ok) return e;
    if (!pb) continue;
    if (Error e = read_block(pb, blk); e != Error::ok) return e;
    Error err = Error::ok;
    for (Entries it{blk, bs_, filetype()}; it.valid(&err); it.next()) {
      RawEntry *e = it.at();
      if (e->inode && it.name_len() == len && memcmp(it.name(), name, len) == 0) {
        e->inode = ino;
        if (filetype()) e->file_type = type;
        if (Error w = write_dir_block(pb, blk); w != Error::ok) return w;
        dir.d.mtime = dir.d.ctime = now();
        return put(dir);
      }
    }
    if (err != Error::ok) return err;
  }
  return Error::not_found;
}

Error Fs::dir_empty(const Inode &dir, bool *empty) {
  uint64_t pos = 0;
  DirEntry e;
  *empty = true;
  for (;;) {
    const Error r = readdir(dir, &pos, &e);
    if (r == Error::end) return Error::ok;
    if (r != Error::ok) return r;
    if (strcmp(e.name, ".") && strcmp(e.name, "..")) {
      *empty = false;
      return Error::ok;
    }
  }
}

Error Fs::new_inode(uint32_t goal, uint16_t mode, Inode &out) {
  uint32_t ino;
  if (Error e = alloc_inode(goal, (mode & s_ifmt) == s_ifdir, &ino); e != Error::ok) return e;
  // Clear the whole on-disk record (also the part past 128 bytes), then fill in the first 128.
  uint32_t lba, off;
  if (Error e = inode_location(ino, &lba, &off); e != Error::ok) return e;
  // An inode of up to 512 bytes lies in one sector, a larger one fills whole sectors.
  uint8_t sec[sector_size];
  for (uint32_t done = 0; done < inode_size_; done += sector_size - off, ++lba, off = 0) {
    const uint32_t part = inode_size_ - done < sector_size - off ? inode_size_ - done
                                                                 : sector_size - off;
    if (Error e = dev_->read(lba, 1, sec); e != Error::ok) return e;
    memset(sec + off, 0, part);
    if (done == 0 && inode_size_ > 128) {
      uint16_t extra = sb_.want_extra_isize ? sb_.want_extra_isize : sb_.min_extra_isize;
      if (extra > inode_size_ - 128) extra = uint16_t(inode_size_ - 128);
      memcpy(sec + off + 128, &extra, sizeof(extra));
    }
    if (Error e = dev_write(lba, 1, sec); e != Error::ok) return e;
  }
  memset(&out, 0, sizeof(out));
  out.ino = ino;
  out.d.mode = mode;
  out.d.atime = out.d.ctime = out.d.mtime = now();
  return Error::ok;
}

Error Fs::release(Inode &ino) {
  // Only files, directories and slow symlinks have a block tree; a fast symlink's or a
  // device's i_block is not one and is left alone.
  const bool tree = ino.is_reg() || ino.is_dir() || (ino.is_symlink() && has_blocks(ino));
  if (tree) {
    if (Error e = truncate_blocks(ino, 0); e != Error::ok) return e;
  }
  const bool dir = ino.is_dir();
  ino.d.links_count = 0;
  ino.d.size = ino.d.size_high = 0;
  // A deleted inode has a deletion time; a small one would read as an orphan-list link to e2fsck.
  uint32_t t = now() ? now() : sb_.wtime;
  if (t <= sb_.inodes_count) t = sb_.inodes_count + 1;
  ino.d.dtime = t;
  if (Error e = put(ino); e != Error::ok) return e;
  return free_inode(ino.ino, dir);
}

Error Fs::create(const char *path, uint16_t perm, uint32_t *out) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  Op op(*this);
  Inode parent, file;
  const char *name;
  unsigned len;
  Error e = new_name_of(path, parent, &name, &len);
  if (e == Error::ok) e = new_inode(group_of_ino(parent.ino), uint16_t(s_ifreg | (perm & 07777)), file);
  if (e == Error::ok) {
    file.d.links_count = 1;
    e = put(file);
    if (e == Error::ok && (e = add_entry(parent, name, len, file.ino, type_of(file.d.mode))) != Error::ok)
      release(file);   // no room for the name: give the inode back
    if (e == Error::ok && out) *out = file.ino;
  }
  if (e == Error::ok) audit_name(parent.ino, name, len, file.ino);
  return op.end(e);
}

Error Fs::mkdir(const char *path, uint16_t perm, uint32_t *out) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  Op op(*this);
  Inode parent, dir;
  const char *name;
  unsigned len;
  uint32_t pb;
  bool fresh;
  Error e = new_name_of(path, parent, &name, &len);
  if (e == Error::ok && parent.d.links_count >= 65000) e = Error::no_space;   // link limit
  if (e == Error::ok) e = new_inode(group_of_ino(parent.ino), uint16_t(s_ifdir | (perm & 07777)), dir);
  if (e != Error::ok) return op.end(e);
  dir.d.links_count = 2;   // its name and its "."
  if ((e = map_alloc(dir, 0, &pb, &fresh)) == Error::ok) {
    uint8_t *blk = buf_[3];
    memset(blk, 0, bs_);
    RawEntry *dot = reinterpret_cast<RawEntry *>(blk);
    *dot = RawEntry{dir.ino, 12, 1, type_of(s_ifdir)};
    blk[8] = '.';
    RawEntry *dotdot = reinterpret_cast<RawEntry *>(blk + 12);
    *dotdot = RawEntry{parent.ino, uint16_t(bs_ - 12), 2, type_of(s_ifdir)};
    blk[20] = blk[21] = '.';
    e = write_dir_block(pb, blk);
    dir.d.size = bs_;
  }
  if (e == Error::ok) e = put(dir);
  if (e == Error::ok) e = add_entry(parent, name, len, dir.ino, type_of(s_ifdir));
  if (e == Error::ok) {
    ++parent.d.links_count;   // the new ".."
    e = put(parent);
    if (out) *out = dir.ino;
  } else {
    release(dir);
  }
  if (e == Error::ok) audit_name(parent.ino, name, len, dir.ino);
  return op.end(e);
}

Error Fs::unlink(const char *path) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  Op op(*this);
  Inode parent, file;
  const char *name;
  unsigned len;
  uint32_t ino;
  Error e = parent_of(path, parent, &name, &len);
  if (e == Error::ok) e = find_entry(parent, name, len, &ino);
  if (e == Error::ok) e = get(ino, file);
  if (e == Error::ok && file.is_dir()) e = Error::is_dir;
  if (e == Error::ok) e = remove_entry(parent, name, len);
  if (e == Error::ok) {
    if (file.d.links_count > 1) {
      --file.d.links_count;
      file.d.ctime = now();
      e = put(file);
    } else {
      e = release(file);
    }
  }
  if (e == Error::ok) audit_name(parent.ino, name, len, 0);
  return op.end(e);
}

Error Fs::rmdir(const char *path) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  Op op(*this);
  Inode parent, dir;
  const char *name;
  unsigned len;
  uint32_t ino;
  bool empty = false;
  Error e = parent_of(path, parent, &name, &len);
  if (e == Error::ok) e = find_entry(parent, name, len, &ino);
  if (e == Error::ok) e = get(ino, dir);
  if (e == Error::ok && !dir.is_dir()) e = Error::not_dir;
  if (e == Error::ok) e = dir_empty(dir, &empty);
  if (e == Error::ok && !empty) e = Error::not_empty;
  if (e == Error::ok) e = remove_entry(parent, name, len);
  if (e == Error::ok) {
    if (parent.d.links_count > 2) --parent.d.links_count;   // its ".." is gone
    e = put(parent);
  }
  if (e == Error::ok) e = release(dir);
  if (e == Error::ok) audit_name(parent.ino, name, len, 0);
  return op.end(e);
}

} // namespace ext2
