// Client recovery: a connection to a named server that outlives the server's restarts (the role
// of QNX's client recovery library, ha_ReConnectAttach and its retries).
//
// A hot or warm restart is invisible: the client's capability stays good and its call completes.
// A cold restart (or a server stopped for good) destroys the endpoint: a call fails with
// invalid_cap (our copy went with it) or partner_gone (it died while we waited). Then the
// connection looks the name up again, with a back-off that doubles from Backoff::first_ms up to
// max_ms, for at most budget_ms, and the caller's operation runs once more where it may be
// repeated. While the server stays away the connection is `down`: calls fail at once (one quick
// lookup each, no waiting), so a client never spins and never hangs on a server that is gone, and
// FirstFailure() tells it to report the outage once.
//
//   arc::Connection con("console");
//   if (con.Connect() != Status::ok) ...;
//   Status st = con.Call([&](CapSlot ep) { return console::Client(ep).Write(s, n); });
//
// Plain data (no constructor work, no virtual functions): a server that is also a client keeps
// its connections in persistent memory (ARC_PDATA) and finds them after a hot or warm restart.
// The environment (name lookup, sleep, clock) is a table of functions so that the host tests
// drive the logic without Arc (tests/unit/test_reconnect.cc).
#pragma once
#include <arc/abi.hh>

namespace arc {

// A failed call's status that means the server's endpoint is gone: look it up again.
constexpr bool server_lost(Status st) {
  return st == Status::invalid_cap || st == Status::partner_gone;
}

// A bounded exponential back-off.
struct Backoff {
  word first_ms = 10;      // before the second attempt
  word max_ms = 1000;      // no wait between attempts is longer
  word budget_ms = 5000;   // all the waiting of one Connect()
  // The wait after failed attempt number `attempt` (0-based): first_ms * 2^attempt, capped.
  constexpr word delay(unsigned attempt) const {
    word d = first_ms ? first_ms : 1;
    for (unsigned i = 0; i < attempt && d < max_ms; ++i) d *= 2;
    return d < max_ms ? d : max_ms;
  }
};

// What a connection needs from the system.
struct ConnectionEnv {
  Status (*lookup)(const char *name, CapSlot slot);   // names::find: a send capability into slot
  void (*clear)(CapSlot slot);                        // empty the slot (a dead capability)
  void (*sleep)(word ms);
  word (*now_ms)();
  // names::find_wait: a lookup the name service answers when the name is published, within ms;
  // null where there is none (Connect() then sleeps between lookups).
  Status (*wait)(const char *name, CapSlot slot, word ms) = nullptr;
};
// The kernel's: the name service through proc::names, sleep_ms, the kernel's tick count.
extern const ConnectionEnv kernel_connection_env;

class Connection {
public:
  // `slot`: an empty capability slot of ours that the connection owns from now on.
  constexpr Connection(const char *name, CapSlot slot, Backoff b = {},
                       const ConnectionEnv *env = &kernel_connection_env)
      : name_(name), slot_(slot), backoff_(b), env_(env) {}

  const char *name() const { return name_; }
  CapSlot endpoint() const { return slot_; }
  bool down() const { return down_; }
  word reconnects() const { return reconnects_; }   // successful look-ups after a loss

  // Look the name up (again), retrying with the back-off for at most its budget while the name
  // is not published (a server starting or restarting). ok, or the last lookup's status (then
  // the connection is down).
  Status Connect();

  // Connect() without the waiting, for a client that must not block (the C library's console:
  // its output goes to the kernel console meanwhile): makes the look-up that is due, if one is,
  // and returns at once. The back-off and `budget_ms` count from the first step since the
  // connection last worked. ok: connected; busy: not there yet, step again later; else the last
  // look-up's status (the budget is spent, or asking again cannot help): the connection is down,
  // and each later step is one quick look-up.
  Status ConnectStep(word budget_ms);

  // Run op(endpoint) -> Status. When it finds the server lost: reconnect (waiting within the
  // budget, or a single look-up while already down) and, if `repeatable`, run op once more.
  // Returns op's status, or the loss when no server came back.
  template <class Op> Status Call(Op &&op, bool repeatable = true) {
    Status st = op(slot_);
    // cancelled: a restart of the server stopped it before it recorded our request; nothing
    // was done (arc/server.hh, AnswerUnrecorded).
    if (st == Status::cancelled && repeatable) st = op(slot_);
    if (!server_lost(st)) {
      if (st == Status::ok) down_ = false;
      return st;
    }
    const Status c = down_ ? LookupOnce() : Connect();
    if (c != Status::ok) return st;
    if (reopen_) {
      const Status r = reopen_(reopen_ctx_, slot_);
      if (r != Status::ok) return r;
    }
    if (!repeatable) return st;
    return op(slot_);
  }

  // What to do after a reconnect (a new endpoint: the server was restarted cold), before the
  // operation runs again: re-open what the protocol lets the client re-open, e.g. a session.
  // A failure fails the call with its status.
  using Reopen = Status (*)(void *ctx, CapSlot endpoint);
  void OnReconnect(Reopen fn, void *ctx) {
    reopen_ = fn;
    reopen_ctx_ = ctx;
  }

  // True once per outage (the first failure since the connection last worked): report then.
  bool FirstFailure() {
    if (reported_) return false;
    reported_ = true;
    return true;
  }

private:
  Status LookupOnce();
  Status Found();

  const char *name_;
  CapSlot slot_;
  Backoff backoff_;
  const ConnectionEnv *env_;
  bool down_ = false;
  bool reported_ = false;
  word reconnects_ = 0;
  bool connected_before_ = false;
  Reopen reopen_ = nullptr;
  void *reopen_ctx_ = nullptr;
  // ConnectStep's schedule: since when it steps, when (ms after that) the next look-up is due.
  bool stepping_ = false;
  word step_start_ = 0, step_due_ = 0;
  unsigned step_attempt_ = 0;
};

} // namespace arc
