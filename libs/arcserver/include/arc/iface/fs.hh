// Interface `fs`: a file system (servers/ext2: ext2 on the `block` server).
//
// Paths are absolute, up to max_path - 1 bytes, names in them up to 255. A path argument is
//   MRk = its length, then the bytes packed from MRk+1 (at most inline_path bytes), or
//   MRk = its length | path_in_session, MRk+1 a session id, MRk+2 the offset of the bytes in that
//         session's area (longer paths: the client stub does this by itself when it has a
//         session, use_session());
// an operation with two paths has the second right after the first. Symbolic links on the way
// are followed (at most 40: Error::loop); the last component's too except for lstat, readlink,
// unlink, rename and link. File data travels through a shared-memory session (arc::Session).
//
// Sizes and file offsets are 64-bit: two words, the low one where the field is and the high one
// where it says (on a 64-bit word the high word is 0).
//
//   open     MR1 flags (create, truncate), MR2.. path  -> MR3 handle, MR4 size (low), MR5 inode,
//                                                          MR6 mode (a file or a directory),
//                                                          MR7 size (high)
//   close    MR1 handle
//   read     MR1 handle, MR2 session id, MR3 offset in the area, MR4 file offset (low), MR5 bytes
//            (at most max_io), MR6 file offset (high) -> MR3 bytes read (less only at the end)
//   write    the same, from the area into the file     -> MR3 bytes written; a write that
//            fails part-way (no_space, too_big) sends its error *and* MR3, the bytes it wrote
//   truncate MR1 handle, MR2 new size (low), MR3 new size (high)
//   create   MR1 mode bits, MR2.. path                 -> MR3 inode (a regular file; exists
//                                                          when the name is taken)
//   mkdir    MR1 mode bits, MR2.. path                 -> MR3 inode
//   unlink   MR1.. path                                (not directories; busy while open)
//   rmdir    MR1.. path                                (empty directories)
//   stat     MR1.. path                                -> MR3 inode, MR4 mode, MR5 links,
//   lstat    (the link itself)                            MR6 size (low), MR7 512-byte blocks,
//                                                          MR8 mtime, MR9 uid, MR10 gid,
//                                                          MR11 atime, MR12 ctime,
//                                                          MR13 size (high)
//   readdir  MR1 handle of an open directory, MR2 position (0 first)[, MR3 session id,
//            MR4 offset in its area]                   -> MR3 next position, MR4 inode,
//            MR5 type, MR6 the name's length, its bytes from MR7; or, for a name too long for
//            the reply, MR6 = length | path_in_session and the bytes in the session's area.
//            Without a session such a name is Error::name_too_long with MR3..MR5 still set,
//            so a client can step past it.
//   rename   MR1.. from, then to                       (replaces `to` as POSIX rename does)
//   link     MR1.. existing, then the new name         (not directories: not_permitted)
//   symlink  MR1.. target, then the link's path        -> MR3 inode
//   readlink MR1 session id, MR2 offset in its area, MR3 room there, MR4.. path
//                                                      -> MR3 the target's length (the first
//                                                          min(length, room) bytes are in the area)
//   chmod    MR1 mode bits, MR2.. path
//   chown    MR1 uid, MR2 gid (~0: unchanged), MR3.. path
//   utime    MR1 atime, MR2 mtime, MR3.. path
//
// Replies: MR1 the arc::Status of the message (invalid_arg for malformed requests, an unknown
// session or handle of another client), MR2 an fs::Error (0: none), then the results when MR2 is
// 0. Registered with the name service as "fs".
#pragma once
#include <stdint.h>

#include <arc/message.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/session.hh>

namespace arc::fs {

enum Label : word {
  open = 0x900, close = 0x901, read = 0x902, write = 0x903, truncate = 0x904, create = 0x905,
  mkdir = 0x906, unlink = 0x907, rmdir = 0x908, stat = 0x909, readdir = 0x90a, rename = 0x90b,
  link = 0x90c, symlink = 0x90d, readlink = 0x90e, chmod = 0x90f, chown = 0x910, utime = 0x911,
  lstat = 0x912,
};
enum Flags : word { o_create = 1, o_truncate = 2 };

// File-system errors (the values of libs/ext2's ext2::Error), in MR2.
enum class Error : word {
  none = 0, io, corrupt, unsupported, read_only, not_found, exists, not_dir, is_dir, not_empty,
  no_space, name_too_long, invalid, too_big, end, not_mounted, loop, not_permitted,
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
  case Error::loop: return "too many symbolic links";
  case Error::not_permitted: return "not permitted";
  case Error::busy: return "busy";
  case Error::bad_handle: return "bad handle";
  }
  return "unknown";
}

constexpr unsigned max_path = 2048;       // bytes, with the terminating NUL
constexpr unsigned max_name = 255;        // bytes of one component
constexpr unsigned inline_path = 112;     // longest path sent in the message registers
constexpr word path_in_session = word(1) << (sizeof(word) * 8 - 1);
constexpr unsigned path_words = 1 + words_for(inline_path);   // most words of a path argument
constexpr word max_io = 16384;            // bytes per read/write
// Room a client's session needs for the longest paths of one call (and a readlink target).
constexpr word session_path_bytes = 2 * max_path;
constexpr const char *service_name = "fs";

template <class S> constexpr auto handlers = handler_table<S>({
  {open, 2, 1 + path_words, &S::Open, "open"},
  {close, 1, 1, &S::Close, "close"},
  {read, 6, 6, &S::Read, "read"},
  {write, 6, 6, &S::Write, "write"},
  {truncate, 3, 3, &S::Truncate, "truncate"},
  {create, 2, 1 + path_words, &S::Create, "create"},
  {mkdir, 2, 1 + path_words, &S::Mkdir, "mkdir"},
  {unlink, 1, path_words, &S::Unlink, "unlink"},
  {rmdir, 1, path_words, &S::Rmdir, "rmdir"},
  {stat, 1, path_words, &S::Stat, "stat"},
  {readdir, 2, 4, &S::Readdir, "readdir"},
  {rename, 2, 2 * path_words, &S::Rename, "rename"},
  {link, 2, 2 * path_words, &S::Link, "link"},
  {symlink, 2, 2 * path_words, &S::Symlink, "symlink"},
  {readlink, 4, 3 + path_words, &S::Readlink, "readlink"},
  {chmod, 2, 1 + path_words, &S::Chmod, "chmod"},
  {chown, 3, 2 + path_words, &S::Chown, "chown"},
  {utime, 3, 2 + path_words, &S::Utime, "utime"},
  {lstat, 1, path_words, &S::Lstat, "lstat"},
});

struct StatInfo {
  word ino, mode, links;
  uint64_t size;
  word blocks, mtime, uid, gid, atime, ctime;
};

// A 64-bit size or offset as the messages carry it: the low word, then the high one.
constexpr word low_word(uint64_t v) { return word(v); }
constexpr word high_word(uint64_t v) { return sizeof(word) < sizeof(uint64_t) ? word(v >> 32) : 0; }
constexpr uint64_t join_words(word low, word high) {
  return sizeof(word) < sizeof(uint64_t) ? uint64_t(low) | uint64_t(high) << 32 : uint64_t(low);
}
struct DirEntry {
  word ino, type;
  char name[max_name + 1];
};

// ---- client stub: the arc::Status of the message, then the fs::Error in *err ----------------
// A call returns ok only when both are fine; on an fs error it returns not_supported with
// last_error() set. Paths longer than inline_path go through the session given to
// use_session() (at `offset` and offset + max_path: session_path_bytes of room); without one
// they are refused here with name_too_long, as are paths of max_path bytes or more.
class Client {
public:
  explicit Client(CapSlot ep = 0) : ep_(ep) {}
  void bind(CapSlot ep) { ep_ = ep; }
  CapSlot endpoint() const { return ep_; }
  Error last_error() const { return last_; }
  // The session (and where in its area) for long paths, long names and readlink targets.
  void use_session(const Session *s, word offset = 0) {
    session_ = s;
    session_offset_ = offset;
  }

  Status Open(const char *path, word flags, word *handle, uint64_t *size = nullptr,
              word *ino = nullptr, word *mode = nullptr) {
    Rpc rpc(open);
    rpc.put(flags);
    if (!PutPath(rpc, path, 0)) return Status::not_supported;
    const Status st = Call(rpc);
    if (st == Status::ok) {
      *handle = rpc.result(1);
      if (size) *size = join_words(rpc.result(2), rpc.result(5));
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
  // A read answered with more bytes than asked for is a wrong answer (Suspect()): asked once more.
  Status Read(word handle, word session, word area_offset, uint64_t offset, word n, word *got) {
    Status st = Status::ok;
    for (int attempt = 0; attempt < 2; ++attempt) {
      word c = 0;
      st = Io(read, handle, session, area_offset, offset, n, got, &c);
      if (c <= n || attempt || !Suspect()) break;
    }
    return st;
  }
  // *done: what was written, also when the call fails part-way (no_space with *done > 0).
  Status Write(word handle, word session, word area_offset, uint64_t offset, word n, word *done) {
    return Io(write, handle, session, area_offset, offset, n, done);
  }
  Status Truncate(word handle, uint64_t size) {
    Rpc rpc(truncate);
    rpc.put(handle).put(low_word(size)).put(high_word(size));
    return Call(rpc);
  }
  Status Create(const char *path, word mode, word *ino = nullptr) { return PathOp(create, mode, path, ino); }
  Status Mkdir(const char *path, word mode, word *ino = nullptr) { return PathOp(mkdir, mode, path, ino); }
  Status Unlink(const char *path) { return PathOnly(unlink, path); }
  Status Rmdir(const char *path) { return PathOnly(rmdir, path); }
  Status Stat(const char *path, StatInfo *out) { return StatOp(stat, path, out); }
  Status Lstat(const char *path, StatInfo *out) { return StatOp(lstat, path, out); }
  Status Rename(const char *from, const char *to) { return TwoPaths(rename, from, to); }
  Status Link(const char *existing, const char *path) { return TwoPaths(link, existing, path); }
  Status Symlink(const char *target, const char *path, word *ino = nullptr) {
    const Status st = TwoPaths(symlink, target, path);
    if (st == Status::ok && ino) *ino = last_results_[0];
    return st;
  }
  // The target of the link at `path`, at most size - 1 bytes, NUL-terminated; *len its whole
  // length (more than size - 1: cut). Needs the session.
  Status Readlink(const char *path, char *buf, word size, word *len) {
    if (!session_ || size == 0 || size > max_path) {
      last_ = Error::invalid;
      return Status::not_supported;
    }
    Rpc rpc(readlink);
    rpc.put(session_->id()).put(session_offset_).put(size - 1);
    if (!PutPath(rpc, path, 1)) return Status::not_supported;
    const Status st = Call(rpc);
    if (st != Status::ok) return st;
    *len = rpc.result(1);
    const word n = *len < size - 1 ? *len : size - 1;
    if (!session_->Get(session_offset_, buf, n)) return Status::invalid_arg;
    buf[n] = 0;
    return Status::ok;
  }
  Status Chmod(const char *path, word mode) { return PathOp(chmod, mode, path, nullptr); }
  Status Chown(const char *path, word uid, word gid) { return Pair(chown, uid, gid, path); }
  Status Utime(const char *path, word atime, word mtime) { return Pair(utime, atime, mtime, path); }
  // *pos: 0 for the first entry, then what the previous call left; Error::end after the last.
  // Names too long for the reply come through the session; without one they fail with
  // name_too_long and *pos past them (the entry is skipped, not lost silently).
  // An entry whose next position does not lie past the one asked for would make the caller's
  // loop read it for ever: a wrong answer (Suspect()), asked once more, then refused (io).
  Status Readdir(word handle, word *pos, DirEntry *out) {
    Rpc rpc(readdir);
    Status st = Status::ok;
    for (int attempt = 0;; ++attempt) {
      rpc = Rpc(readdir);
      rpc.put(handle).put(*pos);
      if (session_) rpc.put(session_->id()).put(session_offset_);
      st = Call(rpc);
      const bool stuck = (st == Status::ok || last_ == Error::name_too_long) &&
                         rpc.results() >= 2 && rpc.result(1) <= *pos;
      if (!stuck) break;
      if (attempt || !Suspect()) {
        last_ = Error::io;
        return Status::not_supported;
      }
    }
    if (st != Status::ok) {
      if (last_ == Error::name_too_long && rpc.results() >= 2) *pos = rpc.result(1);
      return st;
    }
    *pos = rpc.result(1);
    out->ino = rpc.result(2);
    out->type = rpc.result(3);
    const word head = rpc.result(4);
    unsigned n = 0;
    if (head & path_in_session) {
      n = unsigned(head & ~path_in_session);
      if (!session_ || n > max_name || !session_->Get(session_offset_, out->name, n))
        return Status::invalid_arg;
    } else if (!rpc.result_bytes(4, out->name, sizeof(out->name) - 1, &n)) {
      return Status::invalid_arg;
    }
    out->name[n] = 0;
    return Status::ok;
  }

private:
  Status Call(Rpc &rpc) {
    last_ = Error::none;
    last_results_[0] = 0;
    const Status st = rpc.call(ep_);
    if (st != Status::ok) return st;
    last_ = Error(rpc.result(0));
    last_results_[0] = rpc.result(1);
    return last_ == Error::none ? Status::ok : Status::not_supported;
  }
  Status Io(word label, word handle, word session, word area_offset, uint64_t offset, word n,
            word *count, word *claimed = nullptr) {
    Rpc rpc(label);
    rpc.put(handle).put(session).put(area_offset).put(low_word(offset)).put(n).put(high_word(offset));
    const Status st = Call(rpc);
    // A file-system error may come with a count (a write that stopped part-way); never more
    // than was asked for.
    const word c = st == Status::ok || st == Status::not_supported ? rpc.result(1) : 0;
    *count = c <= n ? c : n;
    if (claimed) *claimed = c;
    return st;
  }
  // The server answered what cannot be right for a request this client checked: it has gone
  // wrong while still answering (fault injection found such faults undetected:
  // docs/fault-injection.md). Complain to the monitor (arc::complain, taken when the boot line
  // starts this client after the file server; its restart policy decides). True when the
  // complaint was taken, so that a request that only reads is worth asking again.
  bool Suspect() { return complain(ep_, Status::invalid_arg) == Status::ok; }
  // A path argument: inline when short, else through the session (slot `which` of two).
  // Paths that fit neither are refused here rather than cut short.
  bool PutPath(Rpc &rpc, const char *path, unsigned which) {
    unsigned n = 0;
    while (path[n] && n < max_path) ++n;
    if (n >= max_path) {
      last_ = Error::name_too_long;
      return false;
    }
    if (n <= inline_path) {
      rpc.put_bytes(path, n);
      return true;
    }
    const word at = session_offset_ + which * max_path;
    if (!session_ || !session_->Put(at, path, n)) {
      last_ = Error::name_too_long;
      return false;
    }
    rpc.put(word(n) | path_in_session).put(session_->id()).put(at);
    return true;
  }
  Status PathOp(word label, word mode, const char *path, word *ino) {
    Rpc rpc(label);
    rpc.put(mode);
    if (!PutPath(rpc, path, 0)) return Status::not_supported;
    const Status st = Call(rpc);
    if (st == Status::ok && ino) *ino = rpc.result(1);
    return st;
  }
  Status PathOnly(word label, const char *path) {
    Rpc rpc(label);
    if (!PutPath(rpc, path, 0)) return Status::not_supported;
    return Call(rpc);
  }
  Status Pair(word label, word a, word b, const char *path) {
    Rpc rpc(label);
    rpc.put(a).put(b);
    if (!PutPath(rpc, path, 0)) return Status::not_supported;
    return Call(rpc);
  }
  Status TwoPaths(word label, const char *a, const char *b) {
    Rpc rpc(label);
    if (!PutPath(rpc, a, 0) || !PutPath(rpc, b, 1)) return Status::not_supported;
    return Call(rpc);
  }
  Status StatOp(word label, const char *path, StatInfo *out) {
    Rpc rpc(label);
    if (!PutPath(rpc, path, 0)) return Status::not_supported;
    const Status st = Call(rpc);
    if (st == Status::ok)
      *out = StatInfo{rpc.result(1), rpc.result(2), rpc.result(3),
                      join_words(rpc.result(4), rpc.result(11)), rpc.result(5), rpc.result(6),
                      rpc.result(7), rpc.result(8), rpc.result(9), rpc.result(10)};
    return st;
  }
  CapSlot ep_;
  Error last_ = Error::none;
  const Session *session_ = nullptr;
  word session_offset_ = 0;
  word last_results_[1] = {0};
};

} // namespace arc::fs
