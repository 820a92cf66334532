// The parport server: the printer interface (arc/iface/printer.hh) on a standard parallel port,
// with a persistent byte index so that a request interrupted by a crash continues, after a hot
// or warm restart and the framework's replay, at the next byte: none lost, none printed twice.
//
// A template over the environment (port I/O, delays, how an injected fault fails) so that the
// host tests run this very code against a fake printer (tests/unit/test_parport.cc); parport.cc
// instantiates it for the hardware.
//
// The byte index. For the request in progress the persistent PrinterState holds its number
// (Request::seq, the same when the framework replays it), its length and `done`, the bytes
// already out. One byte goes out as:
//
//     wait until not BUSY; data = byte[done]; setup delay
//     strobing = done + 1                  <- "byte `done` may be on its way"
//     control = STROBE                     <- the printer takes the byte
//     done = strobing                      <- the commit
//     pulse delay; control = idle; hold delay
//
// A crash leaves strobing == done (nothing in flight: continue at done; STROBE may still be
// asserted, Recover releases it) or strobing == done + 1: then the STROBE bit of the control
// register, which the port reads back, tells whether the strobe was written (the byte is out:
// commit it) or not (send it again). So the index is exact at every instruction, not just
// "within a byte". On a replay of the same request (same seq) the loop starts at done; any
// other request starts a new index (seq first set to 0, so a crash while it is being set up
// leaves no index that a replay could take for its own).
#pragma once
#include "spp.hh"

#include <arc/iface/printer.hh>
#include <arc/process.hh>
#include <arc/server.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace parport {

using arc::Status;
using arc::word;
using arc::printer::Fault;

constexpr word state_magic = 0x5450504c;   // "LPPT"
constexpr word max_request = 1u << 20;     // bytes per write (a session's maximum)

// Everything significant, in one persistent place (STYLE 11/13): the byte index of the request
// in progress (hardware state that cannot be read back: what the printer already has), the
// injected fault still to come, and counters for `status`.
struct PrinterState {
  word magic;          // state_magic once Initialize() finished
  // -- the byte index
  word seq;            // the request it belongs to (Request::seq); 0: none
  word length;         // that request's length in bytes
  word done;           // bytes of it out, committed after each byte
  word strobing;       // done + 1 while byte `done` is being strobed, else done
  // -- configuration from the first start
  uint16_t base;
  word timeout_ms;     // how long a busy printer may stall a request before a short write
  // -- injected fault (tests)
  word inject_kind;    // Fault; none: disarmed
  word inject_every;   // bytes between faults
  word inject_left;    // bytes until the next one
  word inject_times;   // faults still to come (0: for ever)
  // -- counters
  word printed, requests, recoveries, resumed, stalls;
};

// What the boot line asks for (`-- timeout=MS inject=KIND:N[:TIMES]`); applied on a first or
// cold start only (a recovered server keeps what it had).
struct Config {
  word timeout_ms = 10000;
  Fault inject = Fault::none;
  word inject_after = 0, inject_times = 1;
};

inline bool parse_number(const char *s, word *out) {
  if (!*s) return false;
  char *end = nullptr;
  const unsigned long v = strtoul(s, &end, 0);
  if (*end || s[0] == '-') return false;
  *out = word(v);
  return true;
}

// "KIND:N[:TIMES]", KIND one of crash, panic, hang, soft.
inline bool parse_inject(const char *s, Config *c) {
  char buf[48];
  if (strlen(s) >= sizeof(buf)) return false;
  strcpy(buf, s);
  char *n = strchr(buf, ':');
  if (!n) return false;
  *n++ = 0;
  char *t = strchr(n, ':');
  if (t) *t++ = 0;
  Fault kind = Fault::none;
  for (word k = 1; k < word(Fault::count); ++k)
    if (strcmp(buf, arc::printer::fault_name(Fault(k))) == 0) kind = Fault(k);
  word after = 0, times = 1;
  if (kind == Fault::none || !parse_number(n, &after) || after == 0) return false;
  if (t && !parse_number(t, &times)) return false;
  c->inject = kind;
  c->inject_after = after;
  c->inject_times = times;
  return true;
}

// Arguments of the boot line; false (and a line on the console) for one it does not know.
inline bool parse_args(int argc, char **argv, Config *c) {
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    word v;
    if (strncmp(a, "timeout=", 8) == 0 && parse_number(a + 8, &v)) {
      c->timeout_ms = v;
    } else if (strncmp(a, "inject=", 7) == 0 && parse_inject(a + 7, c)) {
    } else {
      ::printf("[parport] ignoring argument '%s' (timeout=MS, inject=crash|panic|hang|soft:N[:TIMES])\n", a);
      ok = false;
    }
  }
  return ok;
}

// Keep the compiler from moving stores to the persistent state across port I/O and each other:
// a crash is a fault of this very thread, so program order is what persistent memory shows.
inline void barrier() { asm volatile("" ::: "memory"); }

// Env: static in, out, delay_us, sleep_ms (spp.hh); Status attach(uint16_t base) (enable the
// ports); [[noreturn]] fault(Fault, const char *why) (fail as asked).
// Two implementations of the handshake, two programs (drivers/parport/CMakeLists.txt), each the
// other's alternate for a swap: `parport` waits before each byte until the printer is not BUSY;
// `parport-ack` (PARPORT_ACK) waits after each strobe for the printer's acknowledge, the nACK
// pulse and then not BUSY (Port::wait_ack), the way the compatibility mode paces a printer.
#ifdef PARPORT_ACK
constexpr bool ack_paced = true;
#else
constexpr bool ack_paced = false;
#endif

template <class Env> class Server : public arc::ArcServer<Server<Env>> {
  using Base = arc::ArcServer<Server<Env>>;
  static constexpr const char *variant = ack_paced ? "acknowledge-paced" : "busy-paced";

public:
  using Request = arc::Request;
  using Reply = arc::Reply;

  explicit Server(PrinterState &state, Config config = {}) : Base("parport"), s_(state), config_(config) {}

  Status Initialize() {
    // A swap from another implementation of the printer (parport <-> parport-ack): the byte
    // index is the printer's, not one program's, and came over with the framework's area
    // (parport.cc puts it there): what the printer already has is settled as after a warm
    // restart, and the framework's re-issued request continues at the next byte.
    if (this->start_kind() == arc::StartKind::swapped && Plausible()) {
      port_.base = s_.base;
      if (Status st = Env::attach(s_.base); st != Status::ok) return st;
      Settle();
      Register();
      ::printf("[parport] %s swapped in: %s\n", variant,
               s_.seq && s_.done < s_.length ? "the byte index came over" : "no write in progress");
      return Status::ok;
    }
    s_ = PrinterState{};
    s_.base = lpt1;
    s_.timeout_ms = config_.timeout_ms;
    Arm(config_.inject, config_.inject_after, config_.inject_times);
    port_.base = s_.base;
    if (Status st = Env::attach(s_.base); st != Status::ok) return st;
    port_.reset();
    barrier();
    s_.magic = state_magic;
    Register();
    ::printf("[parport] LPT1 at %#x: ready (%s), status %#x\n", unsigned(s_.base), variant,
             unsigned(port_.status()));
    if (s_.inject_kind)
      ::printf("[parport] armed: %s after %lu bytes, %lu time(s)\n",
               arc::printer::fault_name(Fault(s_.inject_kind)), s_.inject_every, s_.inject_times);
    return Status::ok;
  }

  // Hot or warm restart: check the index, settle the byte that was being strobed (the STROBE
  // bit of the control register tells), release STROBE, carry on. The printer is not reset: it
  // may hold bytes we have counted as printed.
  arc::Recovery Recover() {
    if (!Plausible()) {
      ::printf("[parport] persistent state implausible (seq %lu, %lu/%lu, strobing %lu): cold start\n",
               s_.seq, s_.done, s_.length, s_.strobing);
      return arc::Recovery::cold;
    }
    port_.base = s_.base;
    if (Env::attach(s_.base) != Status::ok) return arc::Recovery::cold;
    Settle();
    Register();
    if (s_.seq && s_.done < s_.length)
      ::printf("[parport] recovered: request %lu resumes at byte %lu of %lu\n", s_.seq, s_.done, s_.length);
    else
      ::printf("[parport] recovered: no write in progress\n");
    return arc::Recovery::resume;
  }

  static constexpr auto Handlers() { return arc::printer::handlers<Server>; }

  // ---- printer interface ----------------------------------------------------------------------
  Status Write(const Request &req, Reply &rep) {
    const char *data;
    unsigned n;
    if (!req.bytes(1, &data, &n) || n < 1 || n > arc::printer::max_bytes) return Status::invalid_arg;
    return Print(req, rep, n, [&req] {
      const char *d;
      unsigned m;
      return req.bytes(1, &d, &m) ? word(m) : word(0);
    }, [&req, data](word i, uint8_t *b, bool check) {
      const char *from = data;
      unsigned m = 0;
      // The check before each strobe: the byte from the message found again.
      if (check && (!req.bytes(1, &from, &m) || i >= m)) return false;
      *b = uint8_t(from[i]);
      return true;
    });
  }

  Status WriteSession(const Request &req, Reply &rep) {
    arc::SessionEntry *ses = this->sessions().Find(req.badge, req.arg(1));
    const word offset = req.arg(2), n = req.arg(3);
    if (!ses || n < 1 || n > max_request || offset > ses->bytes || n > ses->bytes - offset)
      return Status::invalid_arg;
    // Copied out a piece at a time; the client is blocked in this call, so it does not change
    // the area underneath (and if it did, it would only spoil its own print-out).
    uint8_t piece[64];
    word piece_at = ~word(0);
    return Print(req, rep, n, [&req] { return req.arg(3); }, [&](word i, uint8_t *b, bool check) {
      // The check before each strobe (check == true): the byte straight from the session, the
      // session found and the offset taken from the message again, not through the piece.
      if (check) {
        arc::SessionEntry *again = this->sessions().Find(req.badge, req.arg(1));
        return again && again->Get(req.arg(2) + i, b, 1);
      }
      const word at = i - i % sizeof(piece);
      if (at != piece_at) {
        const word len = n - at < sizeof(piece) ? n - at : sizeof(piece);
        if (!ses->Get(offset + at, piece, len)) return false;
        piece_at = at;
      }
      *b = piece[i - at];
      return true;
    });
  }

  Status GetStatus(const Request &, Reply &rep) {
    rep.put(port_.status());
    rep.put(s_.printed);
    rep.put(s_.requests);
    rep.put(s_.recoveries);
    rep.put(s_.resumed);
    rep.put(s_.stalls);
    return Status::ok;
  }

  Status Inject(const Request &req, Reply &) {
    const word kind = req.arg(1), after = req.arg(2), times = req.untyped >= 3 ? req.arg(3) : 1;
    if (kind >= word(Fault::count) || (kind != word(Fault::none) && after == 0))
      return Status::invalid_arg;
    Arm(Fault(kind), after, times);
    ::printf("[parport] armed: %s after %lu bytes, %lu time(s)\n", arc::printer::fault_name(Fault(kind)),
             after, times);
    return Status::ok;
  }

  const PrinterState &state() const { return s_; }

private:
  // After a restart or a swap: settle the byte that was being strobed (the STROBE bit of the
  // control register tells whether it went out), release STROBE.
  void Settle() {
    const uint8_t ctl = port_.control();
    if (s_.seq && s_.strobing == s_.done + 1) {
      if (ctl & ctl_strobe) s_.done = s_.strobing;   // the strobe was written: the byte is out
      else s_.strobing = s_.done;                    // it was not: send it again
      barrier();
    }
    if (ctl & ctl_strobe) Env::delay_us(strobe_us);   // a full pulse, then the hold time
    port_.set_control(ctl_idle);
    Env::delay_us(hold_us);
    ++s_.recoveries;
  }

  bool Plausible() const {
    if (s_.magic != state_magic || s_.base != lpt1) return false;
    if (s_.inject_kind >= word(Fault::count)) return false;
    if (!s_.seq) return true;   // no index: the other fields are not used
    return s_.length >= 1 && s_.length <= max_request && s_.done <= s_.length &&
           (s_.strobing == s_.done || (s_.strobing == s_.done + 1 && s_.strobing <= s_.length));
  }

  void Register() {
    if (Status st = this->RegisterName(arc::printer::service_name); st != Status::ok)
      ::printf("[parport] cannot register with the name service (status %lu)\n", word(st));
  }

  void Arm(Fault kind, word after, word times) {
    s_.inject_kind = 0;   // disarmed while it changes
    barrier();
    s_.inject_every = after;
    s_.inject_left = after;
    s_.inject_times = times;
    barrier();
    s_.inject_kind = word(kind);
  }

  // After each committed byte: fail if an injected fault is due (disarmed or re-armed first, so
  // the restarted server does not fail again at once).
  void MaybeFail() {
    if (!s_.inject_kind || --s_.inject_left) return;
    const Fault kind = Fault(s_.inject_kind);
    if (s_.inject_times == 1) {
      s_.inject_kind = 0;
    } else {
      if (s_.inject_times) --s_.inject_times;
      s_.inject_left = s_.inject_every;
    }
    barrier();
    char why[96];
    snprintf(why, sizeof(why), "injected %s after byte %lu of %lu of request %lu",
             arc::printer::fault_name(kind), s_.done, s_.length, s_.seq);
    ::printf("[parport] %s\n", why);
    fflush(stdout);
    Env::fault(kind, why);
  }

  // Print n bytes, byte(i, &b, false) giving byte i (false: cannot read it) and byte(i, &b, true)
  // the same byte fetched another way, for the check; continuing a replayed request
  // where the index says. length() reads the request's length from the message again, for the
  // check before each strobe. Replies MR2 = bytes out, MR3 = status register.
  template <class Length, class ByteAt>
  Status Print(const Request &req, Reply &rep, word n, Length &&length, ByteAt &&byte) {
    if (req.replayed && req.seq == s_.seq && s_.length == n) {
      if (s_.done && s_.done < n) {
        ++s_.resumed;
        ::printf("[parport] replay: request %lu continues at byte %lu of %lu\n", s_.seq, s_.done, n);
      }
    } else {
      s_.seq = 0;   // a new index: nobody's while it is being set up
      barrier();
      s_.length = n;
      s_.done = 0;
      s_.strobing = 0;
      barrier();
      s_.seq = req.seq;
      ++s_.requests;
    }
    Status st = Status::ok;
    for (bool first = true; s_.done < n; first = false) {
      uint8_t b;
      if (!byte(s_.done, &b, false)) {
        st = Status::invalid_arg;
        break;
      }
      // Before each byte the printer must be ready; the acknowledge-paced variant waits for
      // that after each strobe instead (below), so here only before the first byte of this call
      // (a request's, or the first of a replay: the printer may still be busy with the last).
      if ((!ack_paced || first) && !port_.wait_ready(unsigned(s_.timeout_ms))) {
        ++s_.stalls;
        ::printf("[parport] printer busy for %lu ms (status %#x): %lu of %lu bytes printed\n",
                 s_.timeout_ms, unsigned(port_.status()), s_.done, n);
        break;
      }
      port_.set_data(b);
      arc::fault_step();   // an injected fault may strike with a byte on the lines, not strobed
      Env::delay_us(setup_us);
      // The byte on the lines must be the client's: read the output latch back and fetch the
      // byte again, another way (the message or the session found anew). They differ only when this driver went wrong in between (fault injection
      // found register mix-ups that printed a wrong byte unnoticed): panic before the strobe,
      // and the replay on fresh code prints the byte from the persistent index on.
      uint8_t again;
      if (!byte(s_.done, &again, true) || port_.data() != again)
        Env::fault(arc::printer::Fault::panic, "the data latch differs from the client's byte");
      // And the byte must be one the request may still print: the index against the length
      // read from the message again, not the count the loop went by (fault injection found a
      // count taken from a wrong register print 63 bytes past the request's end, unnoticed).
      const word asked = length();
      if (s_.length != asked || s_.done >= asked)
        Env::fault(arc::printer::Fault::panic, "the byte index is past the request's length");
      s_.strobing = s_.done + 1;
      barrier();
      port_.set_control(ctl_idle | ctl_strobe);   // the printer takes the byte
      s_.done = s_.strobing;                       // commit
      barrier();
      ++s_.printed;
      MaybeFail();
      Env::delay_us(strobe_us);
      port_.set_control(ctl_idle);
      Env::delay_us(hold_us);
      if (ack_paced && s_.done < n && !port_.wait_ack(unsigned(s_.timeout_ms))) {
        ++s_.stalls;
        ::printf("[parport] no acknowledge for %lu ms (status %#x): %lu of %lu bytes printed\n",
                 s_.timeout_ms, unsigned(port_.status()), s_.done, n);
        break;
      }
    }
    if (st != Status::ok) return st;
    if (s_.done == 0) return Status::busy;
    rep.put(s_.done);
    rep.put(port_.status());
    return Status::ok;
  }

  PrinterState &s_;
  Config config_;
  Port<Env> port_;
};

} // namespace parport
