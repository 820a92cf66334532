// Files: descriptors 3 .. ARC_OPEN_MAX - 1 are open files of the `fs` server (servers/ext2),
// and the calls by path (stat, lstat, unlink, mkdir, rmdir, rename, link, symlink, readlink,
// chmod, chown, utime) go to it too (see arc/libc.h). Paths longer than fit a message go through
// the file session (fs::Client::use_session).
//
// The server knows handles and byte offsets; what POSIX adds on top is kept here, per
// descriptor: the access mode (the server has none: reading a write-only descriptor is refused
// here), the file offset, O_APPEND, the size. Data goes through one shared-memory session of
// ARC_FS_IO_BYTES, the size of stdio's buffer for these files (fstat's st_blksize), so a
// buffered stream moves a buffer per message.
#include "glue.hh"

#include <arc/iface/fs.hh>
#include <arc/libc.h>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/reconnect.hh>
#include <arc/session.hh>
#include <arc/start.hh>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

namespace {

using namespace arc;
using glue::fail;

constexpr int first_fd = 3;
constexpr int max_files = ARC_OPEN_MAX - first_fd;

struct File {
  word handle;   // the server's; 0: a free entry
  word flags;    // O_ACCMODE and O_APPEND of open
  uint64_t offset;
  uint64_t size;   // what open found, grown or cut by our own writes and truncates
  word ino, mode;
};

enum class Conn : word { unknown = 0, ready, none };

// Persistent (STYLE 13): the open files are client state the server keeps for us across our
// restarts, and the session is how we reach their data; a hot or warm restart keeps both (the
// slot stays taken in the persistent slot map, the pager gives the shared pages back).
struct FileState {
  Conn conn;
  CapSlot slot;
  Session session;
  File files[max_files];
  // The file server's name, looked up again (with a bounded back-off) after its cold restart.
  arc::Connection con{fs::service_name, 0, arc::Backoff{10, 500, ARC_FS_WAIT_MS}};
};
ARC_PDATA constinit FileState g_fs = {};

// A client of the file server with our session for long paths, names and link targets (the
// session is ARC_FS_IO_BYTES, fs::session_path_bytes of room).
static_assert(ARC_FS_IO_BYTES >= fs::session_path_bytes, "the file session holds two paths");
arc::fs::Client files_client() {
  fs::Client c(g_fs.slot);
  c.use_session(&g_fs.session);
  return c;
}

// The file server is there and our session with it. After its cold restart (our capability
// went with its old endpoint) the name is looked up again and a new session opened: calls by
// path work again; files that were open are gone with the old server (their calls fail, EBADF
// or EIO). The call that was in progress when it failed got EIO: one clear error, no wait.
bool connect() {
  if (g_fs.conn == Conn::ready) {
    if (cap_identify(g_fs.slot).r[0] == word(ObjType::endpoint)) return true;
    (void)g_fs.session.End();   // the old server is gone: this gives our pages back
    return g_fs.con.Connect() == Status::ok &&
           g_fs.session.Begin(g_fs.slot, ARC_FS_IO_BYTES) == Status::ok;
  }
  if (g_fs.conn != Conn::unknown) return false;
  g_fs.conn = Conn::none;
  if (!proc_info()) return false;   // an initial task: no name service
  const CapSlot slot = slot_alloc();
  if (!slot) return false;
  g_fs.con = arc::Connection(fs::service_name, slot, arc::Backoff{10, 500, ARC_FS_WAIT_MS});
  if (g_fs.con.Connect() != Status::ok ||
      g_fs.session.Begin(slot, ARC_FS_IO_BYTES) != Status::ok) {
    if (cap_identify(slot).r[0] != word(ObjType::none)) (void)cap_delete(slot);
    slot_free(slot);
    return false;
  }
  g_fs.slot = slot;
  g_fs.conn = Conn::ready;
  return true;
}

File *file(int fd) {
  if (fd < first_fd || fd >= first_fd + max_files) return nullptr;
  File &f = g_fs.files[fd - first_fd];
  return f.handle ? &f : nullptr;
}

// errno for a failed call of the fs client: the file system's error, or EIO when the message
// itself failed (the server is gone, or refused the request as malformed).
int error_of(Status st, const fs::Client &c, int busy = EBUSY) {
  if (st != Status::not_supported) return EIO;
  switch (c.last_error()) {
  case fs::Error::none: return EIO;
  case fs::Error::io: case fs::Error::corrupt: return EIO;
  case fs::Error::unsupported: return ENOTSUP;
  case fs::Error::read_only: return EROFS;
  case fs::Error::not_found: return ENOENT;
  case fs::Error::exists: return EEXIST;
  case fs::Error::not_dir: return ENOTDIR;
  case fs::Error::is_dir: return EISDIR;
  case fs::Error::not_empty: return ENOTEMPTY;
  case fs::Error::no_space: return ENOSPC;
  case fs::Error::name_too_long: return ENAMETOOLONG;
  case fs::Error::invalid: return EINVAL;
  case fs::Error::too_big: return EFBIG;
  case fs::Error::end: return EINVAL;
  case fs::Error::not_mounted: return ENODEV;
  case fs::Error::loop: return ELOOP;
  case fs::Error::not_permitted: return EPERM;
  case fs::Error::busy: return busy;
  case fs::Error::bad_handle: return EBADF;
  }
  return EIO;
}

// The server wants absolute paths; ours without a leading '/' start at the root (there is no
// working directory). False (errno set) for an empty or too long one.
bool absolute(const char *path, char (&out)[fs::max_path]) {
  if (!path || !*path) {
    errno = ENOENT;
    return false;
  }
  unsigned n = 0;
  if (*path != '/') out[n++] = '/';
  for (; *path; ++path) {
    if (n + 1 >= fs::max_path) {
      errno = ENAMETOOLONG;
      return false;
    }
    out[n++] = *path;
  }
  out[n] = 0;
  return true;
}

// Everything a call by path needs: the connection, the path, the message registers kept.
struct PathCall {
  glue::SavedMrs keep;
  char path[fs::max_path];
  bool ok;
  explicit PathCall(const char *p) : ok(false) {
    if (!absolute(p, path)) return;
    if (!connect()) {
      errno = ENOSYS;   // no file server
      return;
    }
    ok = true;
  }
  fs::Client client() const { return files_client(); }
};

// Two paths (rename, link, symlink): both made absolute, one connection.
struct TwoPathCall : PathCall {
  char second[fs::max_path];
  TwoPathCall(const char *a, const char *b) : PathCall(a) {
    if (ok && !absolute(b, second)) ok = false;
  }
};

// newlib's off_t is 32 bits, the file interface's sizes 64: a size past it is EOVERFLOW (POSIX),
// as is an offset (lseek).
constexpr long long off_t_max = 0x7fffffffLL;

// False when the size does not fit st_size.
bool fill_stat(struct stat *st, const fs::StatInfo &i) {
  if (i.size > uint64_t(off_t_max)) return false;
  *st = {};
  st->st_ino = ino_t(i.ino);
  st->st_mode = mode_t(i.mode);
  st->st_nlink = nlink_t(i.links);
  st->st_uid = uid_t(i.uid);
  st->st_gid = gid_t(i.gid);
  st->st_size = off_t(i.size);
  st->st_blksize = ARC_FS_IO_BYTES;   // stdio's buffer: one message's worth
  st->st_blocks = i.blocks;
  st->st_mtime = time_t(i.mtime);
  st->st_atime = time_t(i.atime);
  st->st_ctime = time_t(i.ctime);
  return true;
}

int stat_call(const char *path, struct stat *st, bool follow) {
  PathCall call(path);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  fs::StatInfo i;
  const Status s = follow ? c.Stat(call.path, &i) : c.Lstat(call.path, &i);
  if (s != Status::ok) return fail(error_of(s, c));
  if (!fill_stat(st, i)) return fail(EOVERFLOW);
  return 0;
}

} // namespace

namespace arc::glue {

bool is_file(int fd) { return file(fd) != nullptr; }

int file_flags(int fd) {
  const File *f = file(fd);
  return f ? int(f->flags) : fail(EBADF);
}

ssize_t file_read(int fd, void *buf, size_t n) {
  File *f = file(fd);
  if (!f || (f->flags & O_ACCMODE) == O_WRONLY) return fail(EBADF);
  if (S_ISDIR(f->mode)) return fail(EISDIR);
  SavedMrs keep;
  fs::Client c = files_client();
  auto *dst = static_cast<char *>(buf);
  size_t done = 0;
  while (done < n) {
    const word part = n - done < ARC_FS_IO_BYTES ? word(n - done) : word(ARC_FS_IO_BYTES);
    word got = 0;
    const Status st = c.Read(f->handle, g_fs.session.id(), 0, f->offset, part, &got);
    if (st != Status::ok) return done ? ssize_t(done) : fail(error_of(st, c));
    if (got > part || !g_fs.session.Get(0, dst + done, got)) return fail(EIO);
    done += got;
    f->offset += got;
    if (got < part) break;   // the end of the file
  }
  return ssize_t(done);
}

ssize_t file_write(int fd, const void *buf, size_t n) {
  File *f = file(fd);
  if (!f || (f->flags & O_ACCMODE) == O_RDONLY) return fail(EBADF);
  SavedMrs keep;
  fs::Client c = files_client();
  if (f->flags & O_APPEND) f->offset = f->size;
  const auto *src = static_cast<const char *>(buf);
  size_t done = 0;
  while (done < n) {
    const word part = n - done < ARC_FS_IO_BYTES ? word(n - done) : word(ARC_FS_IO_BYTES);
    if (f->offset + part < f->offset) return done ? ssize_t(done) : fail(EFBIG);
    word wrote = 0;
    if (!g_fs.session.Put(0, src + done, part)) return fail(EIO);
    const Status st = c.Write(f->handle, g_fs.session.id(), 0, f->offset, part, &wrote);
    // What was written counts even when the call failed part-way (the disk filled up): the
    // file has those bytes, so write() returns them; the next write gets the error.
    done += wrote;
    f->offset += wrote;
    if (f->offset > f->size) f->size = f->offset;
    if (st != Status::ok) return done ? ssize_t(done) : fail(error_of(st, c));
    if (wrote < part) return done ? ssize_t(done) : fail(ENOSPC);
  }
  return ssize_t(done);
}

off_t file_lseek(int fd, off_t offset, int whence) {
  File *f = file(fd);
  if (!f) return fail(EBADF);
  long long base;
  switch (whence) {
  case SEEK_SET: base = 0; break;
  case SEEK_CUR: base = f->offset; break;
  case SEEK_END: base = f->size; break;
  default: return fail(EINVAL);
  }
  const long long to = base + offset;
  if (to < 0) return fail(EINVAL);
  if (to > off_t_max) return fail(EOVERFLOW);   // newlib's off_t: 32 bits
  f->offset = uint64_t(to);
  return off_t(to);
}

int file_fstat(int fd, struct stat *st) {
  const File *f = file(fd);
  if (!f) return fail(EBADF);
  fs::StatInfo i{};
  i.ino = f->ino;
  i.mode = f->mode;
  i.links = 1;
  i.size = f->size;
  i.blocks = (f->size + 511) / 512;
  if (!fill_stat(st, i)) return fail(EOVERFLOW);
  return 0;
}

int file_close(int fd) {
  File *f = file(fd);
  if (!f) return fail(EBADF);
  SavedMrs keep;
  fs::Client c = files_client();
  const Status st = c.Close(f->handle);
  *f = File{};   // the descriptor is free whatever the server said
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

} // namespace arc::glue

extern "C" {

__attribute__((weak)) int open(const char *path, int flags, ...) {
  mode_t mode = 0666;
  if (flags & O_CREAT) {
    __builtin_va_list ap;
    __builtin_va_start(ap, flags);
    mode = mode_t(__builtin_va_arg(ap, int));
    __builtin_va_end(ap);
  }
  const int acc = flags & O_ACCMODE;
  if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR) return fail(EINVAL);
  PathCall call(path);
  if (!call.ok) return -1;
  File *f = nullptr;
  for (File &e : g_fs.files)
    if (!e.handle) { f = &e; break; }
  if (!f) return fail(EMFILE);
  fs::Client c = call.client();
  // create makes a file with our mode bits and says `exists` when the name is taken: what
  // O_EXCL needs; open's own create flag would use the server's fixed mode.
  if (flags & O_CREAT) {
    const Status st = c.Create(call.path, mode & 07777);
    if (st != Status::ok && !(c.last_error() == fs::Error::exists && !(flags & O_EXCL)))
      return fail(error_of(st, c));
  }
  const bool writing = acc != O_RDONLY;
  word handle = 0, ino = 0, fmode = 0;
  uint64_t size = 0;
  const word open_flags = writing && (flags & O_TRUNC) ? word(fs::o_truncate) : word(0);
  const Status st = c.Open(call.path, open_flags, &handle, &size, &ino, &fmode);
  if (st != Status::ok) return fail(error_of(st, c, ENFILE));   // busy: the server's table is full
  if (S_ISDIR(fmode) && writing) {
    (void)c.Close(handle);
    return fail(EISDIR);
  }
  *f = File{handle, word(flags & (O_ACCMODE | O_APPEND)), 0, size, ino, fmode};
  return first_fd + int(f - g_fs.files);
}

__attribute__((weak)) int stat(const char *__restrict path, struct stat *__restrict st) {
  return stat_call(path, st, true);
}

__attribute__((weak)) int lstat(const char *__restrict path, struct stat *__restrict st) {
  return stat_call(path, st, false);
}

// rename(2) as the file server does it (newlib's own would link and unlink, and fail when the
// target exists).
__attribute__((weak)) int rename(const char *from, const char *to) {
  TwoPathCall call(from, to);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  const Status st = c.Rename(call.path, call.second);
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

int link(const char *existing, const char *path) {
  TwoPathCall call(existing, path);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  const Status st = c.Link(call.path, call.second);
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

// The target is stored as given (relative targets stay relative).
__attribute__((weak)) int symlink(const char *target, const char *path) {
  if (!target || !*target) return fail(ENOENT);
  if (strlen(target) >= fs::max_path) return fail(ENAMETOOLONG);
  PathCall call(path);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  const Status st = c.Symlink(target, call.path);
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

__attribute__((weak)) ssize_t readlink(const char *__restrict path, char *__restrict buf,
                                       size_t size) {
  PathCall call(path);
  if (!call.ok) return -1;
  if (size == 0) return fail(EINVAL);
  fs::Client c = call.client();
  char target[fs::max_path];
  word len = 0;
  const Status st = c.Readlink(call.path, target, sizeof(target), &len);
  if (st != Status::ok) return fail(error_of(st, c));
  const size_t n = len < size ? len : size;   // not terminated, cut to size (POSIX)
  memcpy(buf, target, n);
  return ssize_t(n);
}

__attribute__((weak)) int chmod(const char *path, mode_t mode) {
  PathCall call(path);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  const Status st = c.Chmod(call.path, mode & 07777);
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

__attribute__((weak)) int chown(const char *path, uid_t uid, gid_t gid) {
  PathCall call(path);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  const Status st = c.Chown(call.path, uid == uid_t(-1) ? ~word(0) : word(uid),
                            gid == gid_t(-1) ? ~word(0) : word(gid));
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

// times null: now (the seconds of the clock newlib's time() reads).
__attribute__((weak)) int utime(const char *path, const struct utimbuf *times) {
  PathCall call(path);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  const word now = word(time(nullptr));
  const Status st = c.Utime(call.path, times ? word(times->actime) : now,
                            times ? word(times->modtime) : now);
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

__attribute__((weak)) int unlink(const char *path) {
  PathCall call(path);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  const Status st = c.Unlink(call.path);
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

__attribute__((weak)) int mkdir(const char *path, mode_t mode) {
  PathCall call(path);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  const Status st = c.Mkdir(call.path, mode & 07777);
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

__attribute__((weak)) int rmdir(const char *path) {
  PathCall call(path);
  if (!call.ok) return -1;
  fs::Client c = call.client();
  const Status st = c.Rmdir(call.path);
  return st == Status::ok ? 0 : fail(error_of(st, c));
}

__attribute__((weak)) int ftruncate(int fd, off_t length) {
  File *f = file(fd);
  if (!f || (f->flags & O_ACCMODE) == O_RDONLY) return fail(f ? EINVAL : EBADF);
  if (length < 0) return fail(EINVAL);
  glue::SavedMrs keep;
  fs::Client c = files_client();
  const Status st = c.Truncate(f->handle, uint64_t(length));
  if (st != Status::ok) return fail(error_of(st, c));
  f->size = uint64_t(length);
  return 0;
}

int _open(const char *, int, ...) __attribute__((weak, alias("open")));
int _stat(const char *, struct stat *) __attribute__((weak, alias("stat")));
int _lstat(const char *, struct stat *) __attribute__((weak, alias("lstat")));
int _rename(const char *, const char *) __attribute__((weak, alias("rename")));
int _link(const char *, const char *) __attribute__((weak, alias("link")));
int _symlink(const char *, const char *) __attribute__((weak, alias("symlink")));
ssize_t _readlink(const char *, char *, size_t) __attribute__((weak, alias("readlink")));
int _chmod(const char *, mode_t) __attribute__((weak, alias("chmod")));
int _chown(const char *, uid_t, gid_t) __attribute__((weak, alias("chown")));
int _unlink(const char *) __attribute__((weak, alias("unlink")));
int _mkdir(const char *, mode_t) __attribute__((weak, alias("mkdir")));

} // extern "C"
