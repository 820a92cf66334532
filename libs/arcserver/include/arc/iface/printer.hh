// Interface `printer`: a byte-stream printer (drivers/parport: the parallel port LPT1, SPP).
//
//   write          MR1 = n (1..240), MR2.. n bytes packed         -> MR2 printed, MR3 status
//   write_session  MR1 = session id, MR2 = offset, MR3 = n        -> MR2 printed, MR3 status
//                  (n >= 1; [offset, offset + n) inside the client's session area)
//   status         (none)                                         -> MR2 status register,
//                  MR3 bytes printed since the first start, MR4 write requests, MR5 recoveries,
//                  MR6 replays that resumed in the middle of a request, MR7 stalls
//   inject         MR1 = fault kind, MR2 = after N bytes (>= 1), [MR3 = times, default 1,
//                  0 = every N bytes for ever]; kind none (0) disarms  -> nothing
//
// Small writes travel in the message registers (write: at most 240 bytes, the console's limit);
// large ones through a shared-memory session (arc/session.hh): the client puts the bytes into
// its session area and names the range (write_session). Client::Write picks the registers for
// up to max_bytes and a session (opened on first use, kept) for anything longer.
//
// A write prints the bytes in order and replies when they are all out, or when the printer stays
// busy for the driver's timeout (off line, out of paper): then MR2 < n says how many were printed
// of this request (a short write) and MR3 has the status register that tells why (status_*).
// Nothing printed at all is the error `busy`. Errors: invalid_arg (count out of range, bytes
// missing, unknown session, range outside the area), busy.
//
// Exactly once across restarts: the driver keeps a persistent byte index (how many bytes of the
// request in progress are out, committed after each byte). After a hot or warm restart the
// framework replays the interrupted request and the driver continues at the next byte; the
// client just sees its call complete, with no byte lost or printed twice.
//
// inject (tests, the monitor's `inject` command): the driver fails on purpose after N more bytes
// have been strobed out, with STROBE still asserted (the worst moment): crash (a page fault),
// panic (arc::panic), hang (spins for ever), soft (a simulated hot restart inside the process:
// the framework's start path, Recover() and the replay, runs again; for tests without the
// restart machinery). The driver's boot line can arm it too: `-- inject=soft:1000:3`.
// Registered with the name service as "printer".
#pragma once
#include <arc/message.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/session.hh>

namespace arc::printer {

enum Label : word { write = 0x800, write_session = 0x801, status = 0x802, inject = 0x803 };
constexpr unsigned max_bytes = 240;              // per write message
constexpr word session_bytes = 4096;             // the area Client::Write opens for large writes
constexpr const char *service_name = "printer";

// The status register as the driver reads it (SPP, base + 1): the lines after the port's own
// inversion, i.e. status_not_busy set = ready.
constexpr word status_error_off = 0x08;   // nERROR: 1 = no error
constexpr word status_select = 0x10;      // SELECT: the printer is on line
constexpr word status_paper_out = 0x20;   // PAPER END
constexpr word status_not_ack = 0x40;     // nACK (0 during the acknowledge pulse)
constexpr word status_not_busy = 0x80;    // BUSY, inverted by the port: 1 = ready

// Fault kinds of `inject`.
enum class Fault : word { none = 0, crash = 1, panic = 2, hang = 3, soft = 4, count };
inline const char *fault_name(Fault f) {
  switch (f) {
  case Fault::none: return "none";
  case Fault::crash: return "crash";
  case Fault::panic: return "panic";
  case Fault::hang: return "hang";
  case Fault::soft: return "soft";
  default: return "?";
  }
}

// The handler table every printer server implements.
template <class S> constexpr auto handlers = handler_table<S>({
  {write, 1, max_untyped, &S::Write, "write"},
  {write_session, 3, 3, &S::WriteSession, "write_session"},
  {status, 0, 0, &S::GetStatus, "status"},
  {inject, 2, 3, &S::Inject, "inject"},
});

struct Counters {
  word status_reg, printed, requests, recoveries, resumed, stalls;
};

// ---- client stub ----------------------------------------------------------------------------
class Client {
public:
  // How many times a write refused again is complained about and sent again (Checked, below).
  static constexpr int complaints_max = 12;

  explicit Client(CapSlot ep = 0) : ep_(ep) {}
  void bind(CapSlot ep) { ep_ = ep; }
  CapSlot endpoint() const { return ep_; }

  // One message: at most max_bytes. *printed (may be null) = bytes printed, *status_reg the
  // printer's status register.
  Status WriteMessage(const void *data, unsigned n, word *printed, word *status_reg = nullptr) const {
    if (n < 1 || n > max_bytes) return Status::invalid_arg;
    return Checked(n, printed, status_reg, [&](Rpc &rpc) { rpc.put_bytes(data, n); }, write);
  }
  // [offset, offset + n) of session `id` (a Session begun with this server). The caller vouches
  // for id and range, so a refusal is passed on as it is.
  Status WriteSession(word id, word offset, word n, word *printed, word *status_reg = nullptr) const {
    Rpc rpc(write_session);
    rpc.put(id).put(offset).put(n);
    const Status st = rpc.call(ep_);
    if (printed) *printed = st == Status::ok ? rpc.result(0) : 0;
    if (status_reg) *status_reg = st == Status::ok ? rpc.result(1) : 0;
    return st;
  }
  // All of data: in the registers up to max_bytes, else through a session (opened on first use
  // and kept until End()). A short write is reported as busy; *printed says how far it got.
  Status Write(const void *data, word n, word *printed = nullptr) {
    const char *p = static_cast<const char *>(data);
    word done = 0, got = 0;
    Status st = Status::ok;
    word reg = 0;
    int complaints = 0;
    if (n <= max_bytes) {
      while (n) {
        st = WriteMessage(p + done, unsigned(n - done), &got, &reg);
        if (st == Status::ok) done += got;
        if (done >= n || (st != Status::ok && st != Status::busy)) break;
        if (st == Status::busy) reg = PrinterStatus();
        if (!ShortForNothing(reg, &complaints)) break;   // else the rest, again
      }
      if (st == Status::ok && done < n) st = Status::busy;
    } else {
      if (!session_.active()) st = session_.Begin(ep_, session_bytes);
      while (st == Status::ok && done < n) {
        const word part = n - done < session_.bytes ? n - done : session_.bytes;
        if (!session_.Put(0, p + done, part)) { st = Status::invalid_arg; break; }
        const word id = session_.id();   // our own session, from its start: a valid range
        st = Checked(part, &got, &reg, [&](Rpc &rpc) { rpc.put(id).put(0).put(part); },
                     write_session);
        if (st == Status::busy && ShortForNothing(PrinterStatus(), &complaints)) {
          st = Status::ok;   // nothing printed, the printer on line: again
          continue;
        }
        if (st != Status::ok) break;
        done += got;
        if (got < part && !ShortForNothing(reg, &complaints)) st = Status::busy;   // else the rest
      }
    }
    if (printed) *printed = done;
    return st;
  }
  Status GetCounters(Counters *c) const {
    Rpc rpc(status);
    const Status st = rpc.call(ep_);
    if (st == Status::ok && c)
      *c = Counters{rpc.result(0), rpc.result(1), rpc.result(2), rpc.result(3), rpc.result(4),
                    rpc.result(5)};
    return st;
  }
  Status Inject(Fault kind, word after_bytes, word times = 1) const {
    Rpc rpc(inject);
    rpc.put(word(kind)).put(after_bytes).put(times);
    return rpc.call(ep_);
  }
  // Close the session of large writes, if one is open.
  Status End() { return session_.active() ? session_.End() : Status::ok; }

private:
  // A write this client has checked (1..max_bytes bytes in the message, or a range of a session
  // it opened) that the server refuses as invalid, or answers with more bytes printed than were
  // sent, shows the server gone wrong, not the request: the client complains to the monitor
  // (arc::complain, taken when the boot configuration starts it after the printer server), which
  // restarts the server by its policy. A refused write printed nothing, so it is sent again,
  // after each complaint, up to complaints_max times: a bug in the driver's program refuses it
  // again after every hot and warm restart, and only the complaints that follow take the ladder
  // on to a swap to another implementation (the campaigns' policy swaps at the ninth failure).
  // One that claims too much may have printed anything, and paper cannot be taken back: that is
  // reported (invalid_arg), never repeated. Found by fault injection: mutations of the driver's
  // argument checks refused every valid write.
  template <class Fill> Status Checked(word n, word *printed, word *status_reg, Fill fill,
                                       word label) const {
    Status st = Status::ok;
    word got = 0;
    for (int attempt = 0; attempt <= complaints_max; ++attempt) {
      Rpc rpc(label);
      fill(rpc);
      st = rpc.call(ep_);
      got = st == Status::ok ? rpc.result(0) : 0;
      if (status_reg) *status_reg = st == Status::ok ? rpc.result(1) : 0;
      const bool refused = st == Status::invalid_arg, too_much = st == Status::ok && got > n;
      if ((!refused && !too_much) || attempt == complaints_max) break;
      const Status c = complain(ep_, Status::invalid_arg);
      if (too_much || c != Status::ok) break;
    }
    if (st == Status::ok && got > n) st = Status::invalid_arg;
    if (printed) *printed = st == Status::ok ? got : 0;
    return st;
  }
  // A short write (fewer bytes printed than sent, or `busy`: none) is the server's answer to a
  // printer that stayed busy past its timeout; a printer that is on line, without error and with
  // paper (SELECT, nERROR high, no PAPER END in the status register the reply carries, or, after
  // `busy`, the one the server's status reports) does not stay busy so. Such a short write shows
  // the server gone wrong: the client complains and sends the rest (nothing of it was printed,
  // so nothing is printed twice), up to complaints_max times per Write, as for a refusal, so
  // that a bug in the program takes the ladder to its swap rung. Found by fault injection: a
  // driver that stopped after the first byte of each line, unnoticed. True when it complained.
  bool ShortForNothing(word reg, int *complaints) const {
    constexpr word select = 0x10, error_off = 0x08, paper_out = 0x20;
    if (*complaints >= complaints_max || (reg & (select | error_off | paper_out)) != (select | error_off))
      return false;
    ++*complaints;
    return complain(ep_, Status::busy) == Status::ok;
  }
  // The printer's status register, as the server reports it (0 when it does not answer).
  word PrinterStatus() const {
    Rpc rpc(status);
    return rpc.call(ep_) == Status::ok ? rpc.result(0) : 0;
  }

  CapSlot ep_;
  Session session_;
};

} // namespace arc::printer
