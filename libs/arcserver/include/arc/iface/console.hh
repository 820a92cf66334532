// Interface `console`: a character console (drivers/serial: the 16550 UART on COM1).
//
//   write      MR1 = n, MR2.. n bytes packed (n <= 240)      -> MR2 bytes written
//   read       MR1 = max (1..240)                            -> MR2 = n, MR3.. n bytes
//              blocks until at least one byte has arrived
//   read_line  MR1 = max (1..240), MR2 = flags (echo)        -> MR2 = n, MR3.. the line without
//              its end; blocks until Enter; with echo the console echoes and handles backspace
//   poll       (none)                                        -> MR2 = bytes waiting
//   stats      (none)                                        -> MR2 = bytes written for clients
//              (by write, counted as sent: without the CR before each LF, without echo),
//              MR3 = bytes received
// Errors: invalid_arg (count out of range, bytes missing), busy (too many blocked readers still
// waiting; readers that gave up make room).
// Registered with the name service as "console".
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>

namespace arc::console {

enum Label : word { write = 0x400, read = 0x401, read_line = 0x402, poll = 0x403, stats = 0x404 };
constexpr word echo = 1;                 // read_line flag
constexpr unsigned max_bytes = 240;      // per write/read message
constexpr const char *service_name = "console";

// The handler table every console server implements.
template <class S> constexpr auto handlers = handler_table<S>({
  {write, 1, max_untyped, &S::Write, "write"},
  {read, 1, 1, &S::Read, "read"},
  {read_line, 1, 2, &S::ReadLine, "read_line"},
  {poll, 0, 0, &S::Poll, "poll"},
  {stats, 0, 0, &S::Stats, "stats"},
});

// ---- client stub ----------------------------------------------------------------------------
class Client {
public:
  explicit Client(CapSlot ep = 0) : ep_(ep) {}
  void bind(CapSlot ep) { ep_ = ep; }
  CapSlot endpoint() const { return ep_; }

  // Writes all of s (in pieces); returns ok or the first error.
  Status Write(const char *s, unsigned n) const {
    while (n) {
      const unsigned part = n < max_bytes ? n : max_bytes;
      Rpc rpc(write);
      rpc.put_bytes(s, part);
      if (Status st = rpc.call(ep_); st != Status::ok) return st;
      s += part;
      n -= part;
    }
    return Status::ok;
  }
  Status Write(const char *s) const {
    unsigned n = 0;
    while (s[n]) ++n;
    return Write(s, n);
  }
  // At least one byte (blocking), at most size; *n = bytes read.
  Status Read(char *buf, unsigned size, unsigned *n) const {
    Rpc rpc(read);
    rpc.put(size < max_bytes ? size : max_bytes);
    Status st = rpc.call(ep_);
    if (st == Status::ok && !rpc.result_bytes(0, buf, size, n)) st = Status::invalid_arg;
    return st;
  }
  // What the console has written for its clients and received, in bytes (see stats above).
  Status Stats(word *written, word *received = nullptr) const {
    Rpc rpc(stats);
    const Status st = rpc.call(ep_);
    if (st == Status::ok) {
      *written = rpc.result(0);
      if (received) *received = rpc.result(1);
    }
    return st;
  }
  // One line, terminated in buf (without the end of line).
  Status ReadLine(char *buf, unsigned size, bool with_echo = true) const {
    if (size < 2) return Status::invalid_arg;
    Rpc rpc(read_line);
    rpc.put(size - 1 < max_bytes ? size - 1 : max_bytes).put(with_echo ? echo : 0);
    unsigned n = 0;
    Status st = rpc.call(ep_);
    if (st == Status::ok && !rpc.result_bytes(0, buf, size - 1, &n)) st = Status::invalid_arg;
    buf[st == Status::ok ? n : 0] = 0;
    return st;
  }

private:
  CapSlot ep_;
};

} // namespace arc::console
