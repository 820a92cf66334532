// Interface `fs`: a file system (servers/ext2: ext2 on the `block` server).
//
// Paths are absolute, packed into message registers (at most max_path bytes). File data travels
// through a shared-memory session (arc::Session) the client opens with the server.
//
//   open     MR1 flags (create, truncate), MR2.. path  -> MR3 handle, MR4 size, MR5 inode,
//                                                          MR6 mode
//   close    MR1 handle
//   read     MR1 handle, MR2 session id, MR3 offset in the area, MR4 file offset, MR5 bytes
//            (at most max_io)                         -> MR3 bytes read (less only at the end)
//   write    the same, from the area into the file     -> MR3 bytes written
//   truncate MR1 handle, MR2 new size
//   create   MR1 mode bits, MR2.. path                 -> MR3 inode (a regular file; exists
//                                                          when the name is taken)
//   mkdir    MR1 mode bits, MR2.. path                 -> MR3 inode
//   unlink   MR1.. path                                (files; busy while it is open)
//   rmdir    MR1.. path                                (empty directories)
//   stat     MR1.. path                                -> MR3 inode, MR4 mode, MR5 links,
//                                                          MR6 size, MR7 512-byte blocks, MR8 mtime
//   readdir  MR1 handle of an open directory, MR2 position (0 first)
//                                                      -> MR3 next position, MR4 inode,
//                                                          MR5 type, MR6.. name (count, bytes)
//
// Replies: MR1 the arc::Status of the message (invalid_arg for malformed requests, an unknown
// session or handle of another client), MR2 an fs::Error (0: none), then the results when MR2 is
// 0. Sizes and offsets are 32-bit here (files reach 64 MiB with 1 KiB blocks). Registered with
// the name service as "fs".
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>

namespace arc::fs {

enum Label : word {
  open = 0x900, close = 0x901, read = 0x902, write = 0x903, truncate = 0x904, create = 0x905,
  mkdir = 0x906, unlink = 0x907, rmdir = 0x908, stat = 0x909, readdir = 0x90a,
};
enum Flags : word { o_create = 1, o_truncate = 2 };

// File-system errors (the values of libs/ext2's ext2::Error), in MR2.
enum class Error : word {
  none = 0, io, corrupt, unsupported, read_only, not_found, exists, not_dir, is_dir, not_empty,
  no_space, name_too_long, invalid, too_big, end, not_mounted,
  busy = 100,        // open, or too many open files
  bad_handle = 101,  // no such open file (for this client)
};
inline const char *error_name(Error e) {
  switch (e) {
  case Error::none: return "none";
  case Error::io: return "I/O error";
  case Error::corrupt: return "corrupt file system";
  case Error::unsupported: return "unsupported";
  case Error::read_only: return "read-only file system";
  case Error::not_found: return "not found";
  case Error::exists: return "exists";
  case Error::not_dir: return "not a directory";
  case Error::is_dir: return "is a directory";
  case Error::not_empty: return "directory not empty";
  case Error::no_space: return "no space";
  case Error::name_too_long: return "name too long";
  case Error::invalid: return "invalid argument";
  case Error::too_big: return "file too big";
  case Error::end: return "end of directory";
  case Error::not_mounted: return "not mounted";
  case Error::busy: return "busy";
  case Error::bad_handle: return "bad handle";
  }
  return "unknown";
}

constexpr unsigned max_path = 200;                          // bytes, with the terminating NUL
constexpr unsigned path_words = (max_path + sizeof(word) - 1) / sizeof(word);
constexpr word max_io = 16384;                              // bytes per read/write
constexpr const char *service_name = "fs";

template <class S> constexpr auto handlers = handler_table<S>({
  {open, 2, 1 + path_words, &S::Open, "open"},
  {close, 1, 1, &S::Close, "close"},
  {read, 5, 5, &S::Read, "read"},
  {write, 5, 5, &S::Write, "write"},
  {truncate, 2, 2, &S::Truncate, "truncate"},
  {create, 2, 1 + path_words, &S::Create, "create"},
  {mkdir, 2, 1 + path_words, &S::Mkdir, "mkdir"},
  {unlink, 1, path_words, &S::Unlink, "unlink"},
  {rmdir, 1, path_words, &S::Rmdir, "rmdir"},
  {stat, 1, path_words, &S::Stat, "stat"},
  {readdir, 2, 2, &S::Readdir, "readdir"},
});

struct StatInfo {
  word ino, mode, links, size, blocks, mtime;
};
struct DirEntry {
  word ino, type;
  char name[233];
};

// ---- client stub: the arc::Status of the message, then the fs::Error in *err ----------------
// A call returns ok only when both are fine; on an fs error it returns not_supported with *err
// set (err may be null).
class Client {
public:
  explicit Client(CapSlot ep = 0) : ep_(ep) {}
  void bind(CapSlot ep) { ep_ = ep; }
  CapSlot endpoint() const { return ep_; }
  Error last_error() const { return last_; }

  Status Open(const char *path, word flags, word *handle, word *size = nullptr,
              word *ino = nullptr, word *mode = nullptr) {
    if (!PathFits(path)) return Status::not_supported;
    Rpc rpc(open);
    rpc.put(flags).put_string(path, path_words);
    const Status st = Call(rpc);
    if (st == Status::ok) {
      *handle = rpc.result(1);
      if (size) *size = rpc.result(2);
      if (ino) *ino = rpc.result(3);
      if (mode) *mode = rpc.result(4);
    }
    return st;
  }
  Status Close(word handle) {
    Rpc rpc(close);
    rpc.put(handle);
    return Call(rpc);
  }
  Status Read(word handle, word session, word area_offset, word offset, word n, word *got) {
    return Io(read, handle, session, area_offset, offset, n, got);
  }
  Status Write(word handle, word session, word area_offset, word offset, word n, word *done) {
    return Io(write, handle, session, area_offset, offset, n, done);
  }
  Status Truncate(word handle, word size) {
    Rpc rpc(truncate);
    rpc.put(handle).put(size);
    return Call(rpc);
  }
  Status Create(const char *path, word mode, word *ino = nullptr) { return PathOp(create, mode, path, ino); }
  Status Mkdir(const char *path, word mode, word *ino = nullptr) { return PathOp(mkdir, mode, path, ino); }
  Status Unlink(const char *path) { return PathOnly(unlink, path); }
  Status Rmdir(const char *path) { return PathOnly(rmdir, path); }
  Status Stat(const char *path, StatInfo *out) {
    if (!PathFits(path)) return Status::not_supported;
    Rpc rpc(stat);
    rpc.put_string(path, path_words);
    const Status st = Call(rpc);
    if (st == Status::ok)
      *out = StatInfo{rpc.result(1), rpc.result(2), rpc.result(3), rpc.result(4), rpc.result(5),
                      rpc.result(6)};
    return st;
  }
  // *pos: 0 for the first entry, then what the previous call left; Error::end after the last.
  Status Readdir(word handle, word *pos, DirEntry *out) {
    Rpc rpc(readdir);
    rpc.put(handle).put(*pos);
    Status st = Call(rpc);
    if (st != Status::ok) return st;
    *pos = rpc.result(1);
    out->ino = rpc.result(2);
    out->type = rpc.result(3);
    unsigned n = 0;
    if (!rpc.result_bytes(4, out->name, sizeof(out->name) - 1, &n)) return Status::invalid_arg;
    out->name[n] = 0;
    return Status::ok;
  }

private:
  Status Call(Rpc &rpc) {
    last_ = Error::none;
    const Status st = rpc.call(ep_);
    if (st != Status::ok) return st;
    last_ = Error(rpc.result(0));
    return last_ == Error::none ? Status::ok : Status::not_supported;
  }
  Status Io(word label, word handle, word session, word area_offset, word offset, word n,
            word *count) {
    Rpc rpc(label);
    rpc.put(handle).put(session).put(area_offset).put(offset).put(n);
    const Status st = Call(rpc);
    *count = st == Status::ok ? rpc.result(1) : 0;
    return st;
  }
  // Paths that do not fit the message are refused here rather than cut short.
  bool PathFits(const char *path) {
    unsigned n = 0;
    while (path[n] && n < max_path) ++n;
    if (n < max_path) return true;
    last_ = Error::name_too_long;
    return false;
  }
  Status PathOp(word label, word mode, const char *path, word *ino) {
    if (!PathFits(path)) return Status::not_supported;
    Rpc rpc(label);
    rpc.put(mode).put_string(path, path_words);
    const Status st = Call(rpc);
    if (st == Status::ok && ino) *ino = rpc.result(1);
    return st;
  }
  Status PathOnly(word label, const char *path) {
    if (!PathFits(path)) return Status::not_supported;
    Rpc rpc(label);
    rpc.put_string(path, path_words);
    return Call(rpc);
  }
  CapSlot ep_;
  Error last_ = Error::none;
};

} // namespace arc::fs
