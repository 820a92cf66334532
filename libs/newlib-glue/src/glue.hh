// What the glue's files share (not installed): errors newlib's way, the message registers a
// system call must leave as it found them, time since boot, and the calls syscalls.cc routes to
// the console (console.cc) and to files (files.cc).
#pragma once
#include <arc/sys.hh>

#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

struct stat;

namespace arc::glue {

inline int fail(int err) {
  errno = err;
  return -1;
}

// A server may print (or open a file) between receiving a request and replying to it: the
// request and the reply it is building are in its message registers. Every system call that
// sends a message keeps them, and the capability slot the next receive expects, and puts them
// back when it is done.
class SavedMrs {
public:
  SavedMrs() : u_(utcb()), rcv_cap_slot_(u_->rcv_cap_slot) {
    for (unsigned i = 0; i < mr_count; ++i) mr_[i] = u_->mr[i];
  }
  ~SavedMrs() {
    for (unsigned i = 0; i < mr_count; ++i) u_->mr[i] = mr_[i];
    u_->rcv_cap_slot = rcv_cap_slot_;
  }
  SavedMrs(const SavedMrs &) = delete;
  SavedMrs &operator=(const SavedMrs &) = delete;

private:
  Utcb *u_;
  word mr_[mr_count];
  word rcv_cap_slot_;
};

// Milliseconds since boot, from the kernel's tick counter (0 if it cannot tell).
inline unsigned long long uptime_ms() {
  const Result r = syscall(Sys::kdebug, word(KdOp::ticks));
  return r.ok() ? static_cast<unsigned long long>(r.r[0]) * r.r[1] : 0;
}

// How much of s[0, n) to send in one message of at most max bytes: everything if it fits, else
// up to the last end of line that fits, so that a line never reaches the serial line in two
// pieces another writer could come between; only a line longer than max is cut.
inline size_t line_piece(const char *s, size_t n, size_t max) {
  if (n <= max) return n;
  for (size_t i = max; i > 0; --i)
    if (s[i - 1] == '\n') return i;
  return max;
}

// ---- files (files.cc): descriptors from 3 on. Each returns what the system call returns.
bool is_file(int fd);
ssize_t file_read(int fd, void *buf, size_t n);
ssize_t file_write(int fd, const void *buf, size_t n);
off_t file_lseek(int fd, off_t offset, int whence);
int file_fstat(int fd, struct stat *st);
int file_close(int fd);
int file_flags(int fd);   // the open flags (fcntl F_GETFL), or -1 with EBADF

} // namespace arc::glue
