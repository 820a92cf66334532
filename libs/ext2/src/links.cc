// ext2: symbolic links, hard links, rename and attributes (chmod, chown, utime). Paths and
// directory entries are in dir.cc.
#include <ext2/ext2.hh>

#include <string.h>

namespace ext2 {

namespace {
constexpr uint32_t max_links = 65000;   // EXT2_LINK_MAX
}

bool Fs::has_blocks(const Inode &ino) const {
  uint32_t blocks = ino.d.blocks;
  if (ino.d.file_acl) {
    const uint32_t units = bs_ / sector_size;
    blocks = blocks >= units ? blocks - units : 0;
  }
  return blocks != 0;
}

// ---- symbolic links ---------------------------------------------------------------------------
// The target of a symlink, in target_. Fast (no data block): the first i_size bytes of i_block;
// slow: the first i_size bytes of its one data block. Anything that does not fit is corrupt.
Error Fs::link_target(const Inode &link, const char **target, uint32_t *len) {
  if (!link.is_symlink()) return Error::invalid;
  const uint32_t size = link.d.size;
  if (link.d.size_high) return Error::corrupt;
  if (!has_blocks(link)) {
    if (size > fast_symlink_max) return Error::corrupt;
    memcpy(target_, link.d.block, size);
  } else {
    if (size >= bs_ || size >= path_max || !link.d.block[0]) return Error::corrupt;
    if (Error e = read_block(link.d.block[0], buf_[3]); e != Error::ok) return e;
    memcpy(target_, buf_[3], size);
  }
  *target = target_;
  *len = size;
  return Error::ok;
}

Error Fs::readlink(const Inode &link, char *buf, uint32_t size, uint32_t *len) {
  if (!dev_) return Error::not_mounted;
  const char *target;
  if (Error e = link_target(link, &target, len); e != Error::ok) return e;
  memcpy(buf, target, *len < size ? *len : size);
  return Error::ok;
}

Error Fs::symlink(const char *target, const char *path, uint32_t *out) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  if (!target || !*target) return Error::invalid;
  uint32_t tlen = 0;
  while (tlen < path_max && target[tlen]) ++tlen;
  if (tlen >= bs_ || tlen >= path_max) return Error::name_too_long;
  Op op(*this);
  Inode parent, link;
  const char *name;
  unsigned len;
  Error e = new_name_of(path, parent, &name, &len);
  if (e == Error::ok) e = new_inode(group_of_ino(parent.ino), uint16_t(s_iflnk | 0777), link);
  if (e != Error::ok) return op.end(e);
  link.d.links_count = 1;
  link.d.size = tlen;
  if (tlen <= fast_symlink_max) {
    // The rest of i_block stays zero: e2fsck wants the target NUL-terminated within it.
    memcpy(link.d.block, target, tlen);
  } else {
    uint32_t pb;
    bool fresh;
    if ((e = map_alloc(link, 0, &pb, &fresh)) == Error::ok) {
      uint8_t *blk = buf_[3];
      memset(blk, 0, bs_);
      memcpy(blk, target, tlen);
      e = write_block(pb, blk);
    }
  }
  if (e == Error::ok) e = put(link);
  if (e == Error::ok) e = add_entry(parent, name, len, link.ino, type_of(link.d.mode));
  if (e == Error::ok) {
    if (out) *out = link.ino;
    audit_name(parent.ino, name, len, link.ino);
  } else {
    release(link);   // no room for the name (or for its block): give everything back
  }
  return op.end(e);
}

// ---- hard links -------------------------------------------------------------------------------
Error Fs::link(const char *existing, const char *path) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  Op op(*this);
  Inode node, parent;
  const char *name;
  unsigned len;
  uint32_t ino;
  Error e = lookup(existing, &ino, false);
  if (e == Error::ok) e = get(ino, node);
  if (e == Error::ok && node.is_dir()) e = Error::not_permitted;
  if (e == Error::ok && node.d.links_count >= max_links) e = Error::no_space;
  if (e == Error::ok) e = new_name_of(path, parent, &name, &len);
  if (e != Error::ok) return op.end(e);
  // The count first: a failure between the two leaves one link too many, never one too few.
  ++node.d.links_count;
  node.d.ctime = now();
  if ((e = put(node)) != Error::ok) return op.end(e);
  if ((e = add_entry(parent, name, len, ino, type_of(node.d.mode))) != Error::ok) {
    --node.d.links_count;
    put(node);
  } else {
    audit_name(parent.ino, name, len, ino);
  }
  return op.end(e);
}

// ---- rename -----------------------------------------------------------------------------------
// Is `dir` the directory `of` or one of its ancestors? Walks up through "..".
Error Fs::is_ancestor(uint32_t dir, uint32_t of, bool *yes) {
  *yes = false;
  uint32_t cur = of;
  for (uint32_t steps = 0; steps < sb_.inodes_count; ++steps) {
    if (cur == dir) {
      *yes = true;
      return Error::ok;
    }
    if (cur == root_ino) return Error::ok;
    Inode d;
    uint32_t up;
    if (Error e = get(cur, d); e != Error::ok) return e;
    if (Error e = find_entry(d, "..", 2, &up); e != Error::ok) return e;
    if (up == cur) return Error::corrupt;   // only the root is its own parent
    cur = up;
  }
  return Error::corrupt;   // a cycle of ".."
}

Error Fs::rename(const char *from, const char *to) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  Op op(*this);
  Inode fp, tp, src, old;
  const char *fname, *tname;
  unsigned flen, tlen;
  uint32_t sino, oino = 0;
  auto body = [&]() -> Error {
    if (Error e = parent_of(from, fp, &fname, &flen); e != Error::ok) return e;
    if (Error e = find_entry(fp, fname, flen, &sino); e != Error::ok) return e;
    if (Error e = get(sino, src); e != Error::ok) return e;
    if (Error e = parent_of(to, tp, &tname, &tlen); e != Error::ok) return e;
    const bool same = fp.ino == tp.ino;
    Inode &fparent = same ? tp : fp;   // one copy of a directory that is both
    const Error found = find_entry(tp, tname, tlen, &oino);
    if (found != Error::ok && found != Error::not_found) return found;
    const bool replace = found == Error::ok;
    if (replace && oino == sino) return Error::ok;   // two names of one file: nothing to do
    if (replace) {
      if (Error e = get(oino, old); e != Error::ok) return e;
      if (src.is_dir() && !old.is_dir()) return Error::not_dir;
      if (!src.is_dir() && old.is_dir()) return Error::is_dir;
      if (old.is_dir()) {
        bool empty = false;
        if (Error e = dir_empty(old, &empty); e != Error::ok) return e;
        if (!empty) return Error::not_empty;
      }
    }
    if (src.is_dir() && !same) {
      bool below = false;
      if (Error e = is_ancestor(sino, tp.ino, &below); e != Error::ok) return e;
      if (below) return Error::invalid;   // into itself or below
      if (!replace && tp.d.links_count >= max_links) return Error::no_space;
    }
    // The new name first, then the old one goes: a failure between leaves two names.
    const uint8_t type = type_of(src.d.mode);
    if (Error e = replace ? set_entry(tp, tname, tlen, sino, type)
                          : add_entry(tp, tname, tlen, sino, type);
        e != Error::ok)
      return e;
    if (Error e = remove_entry(fparent, fname, flen); e != Error::ok) return e;
    audit_name(tp.ino, tname, tlen, sino);
    audit_name(fparent.ino, fname, flen, 0);
    if (src.is_dir()) {
      if (!same) {
        if (Error e = set_entry(src, "..", 2, tp.ino, type_of(s_ifdir)); e != Error::ok) return e;
        if (fp.d.links_count > 2) --fp.d.links_count;   // src's ".." left it ...
        ++tp.d.links_count;                             // ... for the new parent
      }
      if (replace && tp.d.links_count > 2) --tp.d.links_count;   // the old target's ".."
    }
    src.d.ctime = now();
    if (Error e = put(src); e != Error::ok) return e;
    if (Error e = put(tp); e != Error::ok) return e;
    if (!same)
      if (Error e = put(fp); e != Error::ok) return e;
    if (!replace) return Error::ok;
    if (!old.is_dir() && old.d.links_count > 1) {
      --old.d.links_count;
      old.d.ctime = now();
      return put(old);
    }
    return release(old);   // its last name (an empty directory's too) is gone
  };
  return op.end(body());
}

// ---- attributes -------------------------------------------------------------------------------
namespace {
template <class F> Error change(Fs &fs, uint32_t ino, F f) {
  Inode i;
  if (Error e = fs.get(ino, i); e != Error::ok) return e;
  f(i);
  return fs.put(i);
}
} // namespace

Error Fs::chmod(uint32_t ino, uint16_t perm) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  Op op(*this);
  return op.end(change(*this, ino, [&](Inode &i) {
    i.d.mode = uint16_t((i.d.mode & s_ifmt) | (perm & 07777));
    i.d.ctime = now();
  }));
}

Error Fs::chown(uint32_t ino, uint32_t uid, uint32_t gid) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  Op op(*this);
  return op.end(change(*this, ino, [&](Inode &i) {
    if (uid != ~0u) {   // the high halves in osd2 (Linux's l_i_uid_high, l_i_gid_high)
      i.d.uid = uint16_t(uid);
      i.d.osd2[4] = uint8_t(uid >> 16);
      i.d.osd2[5] = uint8_t(uid >> 24);
    }
    if (gid != ~0u) {
      i.d.gid = uint16_t(gid);
      i.d.osd2[6] = uint8_t(gid >> 16);
      i.d.osd2[7] = uint8_t(gid >> 24);
    }
    i.d.ctime = now();
  }));
}

Error Fs::utime(uint32_t ino, uint32_t atime, uint32_t mtime) {
  if (!dev_) return Error::not_mounted;
  if (!writable_) return Error::read_only;
  Op op(*this);
  return op.end(change(*this, ino, [&](Inode &i) {
    i.d.atime = atime;
    i.d.mtime = mtime;
    i.d.ctime = now();
  }));
}

} // namespace ext2
