// The ArcServer framework: a server is a class deriving from arc::ArcServer<Self>.
//
//   class Counter : public arc::ArcServer<Counter> {
//   public:
//     Counter() : ArcServer("counter") {}
//     arc::Status Initialize();                  // first start and cold restarts
//     arc::Recovery Recover();                   // hot/warm restarts (default: ask for cold)
//     void Restored();                           // back at a checkpoint, before its requests are
//                                                // served again: program the device again (its
//                                                // state is not in the checkpoint); default none
//     void Exit();                               // the main loop ended
//     static constexpr auto Handlers() { return counter::handlers<Counter>; }
//     arc::Status Add(const arc::Request &, arc::Reply &);   // one member per label
//   };
//   int main() { static Counter server; return server.Run(); }
//
// The handler table lives next to the labels in the interface header (arc/iface/*.hh): an array
// of {label, fewest words, most words, member function, name}. Run() starts the server
// (Initialize, or Recover and replay), then MainLoop() receives on proc::service, checks the
// argument count against the table (invalid_arg otherwise, also for unknown labels), calls the
// member, and answers with reply_wait. The request being served is copied to persistent memory
// first (label, badge, words), so that after a hot or warm restart it is served again.
//
// Why CRTP and not virtual functions: the table is constexpr data of member pointers of the
// server's own type, checked at compile time; Initialize/Recover/Exit are resolved statically
// (the server's versions hide the defaults); no vtable and no virtual call on the IPC path.
// The parts that do not depend on the server's type (persistent request record, replay,
// sessions, deferred replies, the loop itself) are compiled once in ServerCore.
#pragma once
#include <arc/abi.hh>
#include <arc/message.hh>
#include <arc/proto/process.hh>
#include <arc/session.hh>

// newlib's console glue (<arc/libc.h>): while held, a write takes no step towards the console
// server. Weak: programs and host tests without the glue have none.
extern "C" __attribute__((weak)) void arc_console_hold_steps(int hold);

namespace arc {

// What Recover() decides.
enum class Recovery : word {
  resume = 0,   // persistent state is good: replay the interrupted request and carry on
  cold = 1,     // start over: persistent state is discarded, Initialize() runs
};

// How the server was started (ServerCore::start_kind()).
// swapped: another program ran before with this endpoint (a swap, docs/restarts.md): the
// framework's record came along, the server's own persistent state did not.
// restored: brought back to a checkpoint (the thread resumes at the restore point where it was
// taken, with the memory of then; the framework's area is today's).
enum class StartKind : word { first = 0, recovered = 1, cold_restart = 2, swapped = 3, restored = 4 };

// One entry of a handler table.
template <class S> struct Handler {
  word label;
  unsigned min_words, max_words;                       // accepted untyped argument counts
  Status (S::*fn)(const Request &, Reply &);
  const char *name;
};

// A fixed-size handler table; tables join with +, so a server can add its own entries (label::irq)
// to the interface's.
template <class S, unsigned N> struct Handlers {
  Handler<S> entry[N];
  static constexpr unsigned size = N;
};
template <class S, unsigned A, unsigned B>
constexpr Handlers<S, A + B> operator+(const Handlers<S, A> &a, const Handlers<S, B> &b) {
  Handlers<S, A + B> r{};
  for (unsigned i = 0; i < A; ++i) r.entry[i] = a.entry[i];
  for (unsigned i = 0; i < B; ++i) r.entry[A + i] = b.entry[i];
  return r;
}
// True when no label appears twice (use in a static_assert next to a table).
template <class S, unsigned N> constexpr bool labels_unique(const Handlers<S, N> &t) {
  for (unsigned i = 0; i < N; ++i)
    for (unsigned j = i + 1; j < N; ++j)
      if (t.entry[i].label == t.entry[j].label) return false;
  return true;
}

// Labels every ArcServer answers itself (0xffe0..0xffef: below the kernel's, above interfaces').
namespace server_label {
constexpr word info = 0xffe0;           // reply MR2 pid, MR3 restarts, MR4 requests served
constexpr word session_begin = 0xffe1;  // MR1 share token, MR2 client pid, MR3 bytes; reply MR2 id
constexpr word session_end = 0xffe2;    // MR1 session id
// Fault injection for demos and tests (the monitor's `inject` command): MR1 = kind (inject_*),
// MR2 = after how many more requests, MR3 (optional) = inject_at_step: count handler steps
// (fault_step(), in the middle of handlers) instead of requests. Accepted only through the
// monitor's capability (badge monitor_badge). The trigger lives in volatile memory, so a restart
// disarms it: one fault.
constexpr word inject = 0xffe3;
constexpr word inject_at_request = 0, inject_at_step = 1;
constexpr word monitor_badge = 0xfff0;
// hang: an endless loop; stall: blocked for ever on nothing (stops answering, uses no CPU);
// lose: the request is taken and never answered while the server goes on serving (a driver that
// parked a reply right and forgot it; only a request deadline finds it).
// pager: not the server's own fault: the root task makes the server's pager fail (a wild jump),
// to show what a failure of the trusted base costs (docs/restarts.md); never sent to a server.
// irq: the server detaches every interrupt it attached (AttachIrq) and crashes: a driver that
// lost its interrupt, which only a restore's re-attach brings back (a hot or warm restart's
// Initialize() attaches again anyway).
enum : word { inject_crash = 1, inject_hang = 2, inject_panic = 3, inject_corrupt = 4,
              inject_stall = 5, inject_lose = 6, inject_pager = 7, inject_irq = 8 };
constexpr word inject_kinds = 8;
// The monitor's heartbeat (a send, no reply): a server that takes it is not hung. Never recorded,
// never replayed, not counted as a request.
constexpr word heartbeat = 0xffe4;
// From the monitor (a send, no reply; badge monitor_badge): the name service was restarted cold
// and lost its records; publish every name again (arc::publish_again()). Never recorded, never
// replayed.
constexpr word publish_again = 0xffe5;
// From the monitor (a send, no reply; badge monitor_badge): take a checkpoint now, at this restore
// point (docs/restarts.md, "Checkpoint and restore"). Never recorded, never replayed.
constexpr word checkpoint = 0xffe6;
constexpr word first = 0xffe0, last = 0xffef;
}

// A request whose reply comes later (a read that waits for input): its reply right is kept in a
// capability slot. Plain data, so a server may keep it in persistent memory.
struct Deferred {
  CapSlot slot = 0;      // 0: none
  word label = 0;
  word badge = 0;
  word arg[4] = {0, 0, 0, 0};   // the first arguments of the request, for the server's use
  bool pending() const { return slot != 0; }
};

// Release a deferred request whose caller gave up (its call timed out or was aborted, the caller
// is gone): the reply right goes, the entry is empty. False when the caller still waits.
bool release_abandoned(Deferred &d);

// A FIFO of deferred requests (blocked readers); plain data, for persistent memory.
template <unsigned N> struct DeferredQueue {
  Deferred item[N];
  word count = 0;
  bool full() const { return count >= N; }
  bool empty() const { return count == 0; }
  Deferred *front() { return count ? &item[0] : nullptr; }
  bool push(const Deferred &d) {
    if (full()) return false;
    item[count++] = d;
    return true;
  }
  void pop() {
    if (!count) return;
    for (word i = 1; i < count; ++i) item[i - 1] = item[i];
    item[--count] = Deferred{};
  }
  bool valid() const { return count <= N; }
  // Forget the requests whose callers no longer wait, keeping the order of the others; a full
  // queue calls this before it refuses a new request (abandoned calls must not hold every place
  // until input comes: a hostile client's did). Returns how many went.
  unsigned drop_abandoned() {
    unsigned dropped = 0;
    for (word i = 0; i < count;) {
      if (!release_abandoned(item[i])) {
        ++i;
        continue;
      }
      for (word j = i + 1; j < count; ++j) item[j - 1] = item[j];
      item[--count] = Deferred{};
      ++dropped;
    }
    return dropped;
  }
};

// The persistent record of the request in progress.
struct InFlight {
  enum : word { idle = 0, serving = 1 };
  word state;
  word badge;
  word reply_slot;     // 0: the kernel's pending reply right; else a saved reply capability
  word seq;            // requests received so far
  word check;          // checksum of the fields above and the message words
  word mr[mr_count];   // tag and untyped words as received
};

class ServerCore {
public:
  using DispatchFn = Status (*)(void *self, const Request &, Reply &);

  explicit ServerCore(const char *name) : name_(name) {}
  const char *name() const { return name_; }
  StartKind start_kind() const { return start_kind_; }
  CapSlot endpoint() const { return endpoint_; }
  void set_endpoint(CapSlot ep) { endpoint_ = ep; }   // default proc::service
  // Where a capability item sent with the next request lands (0: nowhere, the default). The
  // main loop arms it before every receive; a server that takes capabilities (the name
  // service) names an empty slot of its own and moves on to another once it keeps one.
  void ReceiveCapsInto(CapSlot slot) { rcv_slot_ = slot; }
  CapSlot receive_slot() const { return rcv_slot_; }

  // Register our service endpoint (send right) under `name` with the name service.
  Status RegisterName(const char *name);

  // Keep the current request's reply right for later (inside a handler, then rep.defer()).
  // Fails (busy) when no capability slot is free.
  Status Defer(const Request &req, Reply &rep, Deferred &d);
  // Answer a deferred request: `fill` writes its results. The current message registers are
  // kept, so this is safe inside another request's handler.
  template <class F> Status Complete(Deferred &d, Status st, F &&fill);
  Status Complete(Deferred &d, Status st) { return Complete(d, st, [](Reply &) {}); }
  // Whether Defer() keeps a record of each deferred request in the framework's area, for a
  // swap to re-issue (docs/restarts.md, "Swap"; on by default, at every start). Off, a swap
  // re-issues nothing the old program deferred: its callers wait until their call times out.
  // Set it before serving (Initialize()): turned off, answering a deferred request no longer
  // looks for its record either. For the benchmark of what the record costs (apps/swapbench);
  // no server turns it off.
  void RecordDeferred(bool on);

  SessionTable &sessions();

  // Deliver the interrupt of the IRQ capability in `irq` (one of proc::Info's resources) to our
  // endpoint, unmasked, and remember the association in the framework's area: a checkpoint
  // records it and a restore makes it again, so that a driver brought back to a checkpoint gets
  // its interrupts even when what failed had detached it or left the line masked
  // (docs/restarts.md, "Checkpoint and restore"). busy (the line already attached) counts as done.
  Status AttachIrq(CapSlot irq);

  // A restore point of the server's own (checkpoint=marked, docs/restarts.md "Checkpoint and
  // restore"): after the current request is answered, before the next is taken, the framework
  // asks the pager for a checkpoint. A restore later comes back to that point with the memory of
  // then. Declined (once for the whole run) when the boot line does not ask for marked points.
  void MarkRestorePoint();
  // The last checkpoint taken in this run of the process: its number, the pages copied and the
  // pages kept from the one before (0, 0, 0: none yet). Volatile: a restore brings back the
  // numbers of the checkpoint it restored.
  static void LastCheckpoint(word *number, word *copied, word *clean);
  // The server is about to change state outside its memory: a write to its device (ext2's to
  // its disk). Counted in the framework's area; the pager refuses a restore to a checkpoint
  // taken before (the memory would go back, the device would not) and restarts hot instead.
  static void DeviceChanged();

  // ---- used by ArcServer<S> and by tests ------------------------------------------------------
  // Decide how we start: true when persistent state from a previous run is valid (Recover()),
  // false for a first start, a cold restart, or corrupt state (then it has been reset).
  bool Begin();
  // Forget all persistent framework state (before Initialize() on a cold start).
  void ResetPersistent();
  // Make the framework's persistent state as the pristine image has it (what a cold restart's
  // discarding of .pdata does; for tests).
  static void DiscardPersistent();
  // Serve the request recorded in persistent memory again, if one was in progress. Returns true
  // when a reply is now waiting in the message registers for the kernel's pending reply right
  // (MainLoop then starts with reply_wait); a saved reply capability is answered at once.
  // When no request was recorded, a caller the restart left waiting is answered `cancelled`
  // (send it again: nothing of it was done; AnswerUnrecorded()).
  bool ReplayInFlight(DispatchFn fn, void *self);
  // After a swap: re-issue the requests the previous program deferred, then ReplayInFlight().
  bool ReplayAfterSwap(DispatchFn fn, void *self);
  bool AnswerUnrecorded();
  // At a restore point (a checkpoint knock from the monitor, or a marked point): have the pager
  // checkpoint the process. Returns like ReplayInFlight: false when the checkpoint was taken
  // (or declined); after a restore to this checkpoint the thread comes back here, the framework
  // re-issues what its area records (deferred requests, the request in flight) and returns
  // whether a reply waits for the kernel's pending reply right.
  // how: pager::checkpoint_marked, pager::checkpoint_periodic (the knock's MR1) or 0.
  bool Checkpoint(DispatchFn fn, void *self, word how);
  // Back at a restore point: make the capabilities the checkpoint recorded so again (the
  // interrupt associations attached and unmasked, a damaged session table rebuilt, the sessions
  // not open any more said).
  void RestoreCapabilities();
  // An injected `lose`: park the recorded request's reply right and answer nothing.
  bool Lose(InFlight &f);
  // Receive, dispatch, reply, forever; returns the status of a receive that cannot go on
  // (the endpoint is gone, or the fake transport ran dry in tests).
  Status Loop(DispatchFn fn, void *self, bool reply_pending);
  // One request already in the message registers: record, dispatch, build the reply. Returns
  // true when a reply is to be sent (false: deferred, or an interrupt).
  bool Serve(DispatchFn fn, void *self, word badge);
  // The persistent record (tests and the restart machinery read it).
  static InFlight &in_flight();
  // The restart machinery moved the interrupted caller's reply right into `slot` of the new
  // process (warm restart): the replay answers through it.
  static void SetReplySlot(CapSlot slot);
  // Cycles since the pager received our failure (0 if unknown); logged after a recovery as
  // "<name>: hot restart: N cycles to Recover(), M to the replayed reply" (guest instructions
  // on the benchmark machine, -icount).
  static unsigned long long SinceFailure();
  void ReportRecovery(unsigned long long to_recover, unsigned long long to_reply) const;
  // After a replay: the time to the reply (built, in mr()), the reply sent when the kernel holds
  // the caller's reply right (reply_pending), and only then the report (its line, the pager's
  // phases, the monitor's log): the restart's log is written after the client has its answer.
  // Returns false: nothing is left for MainLoop to send.
  bool AnswerThenReport(bool reply_pending, unsigned long long to_recover);
  // Persistent state found damaged at start: tell the pager, which has the monitor escalate to a
  // cold or group restart (this process then never returns from here). If the monitor cannot be
  // asked: answer the interrupted caller (if any) with partner_gone, the "server reset" a cold
  // restart would give, and return true (the answer waits in the message registers).
  bool ReportCorrupt(const char *why);

protected:
  bool found_corrupt_ = false;   // Begin() found the framework's persistent state damaged
  // The server's Restored() (ArcServer sets it): run at a restore, before the replay.
  void (*restored_hook_)(void *self) = nullptr;

private:
  bool Framework(const Request &req, Reply &rep, Status *st);
  const char *name_;
  CapSlot endpoint_ = proc::service;
  CapSlot rcv_slot_ = 0;
  StartKind start_kind_ = StartKind::first;
};

Status complete_deferred(Deferred &, Status, void (*)(Reply &, void *), void *);
template <class F> Status ServerCore::Complete(Deferred &d, Status st, F &&fill) {
  return complete_deferred(d, st, [](Reply &r, void *f) { (*static_cast<F *>(f))(r); },
                           static_cast<void *>(&fill));
}

// The start of every Handler<S>, whatever S: what dispatch_verify() reads of a table.
struct HandlerHead {
  word label;
  unsigned min_words, max_words;
};
// The dispatch decision made again (server.cc, compiled once, out of the server's own code):
// from the framework's record of the request when `req` is the request in flight (a request
// re-issued after a swap from its own words), through the table as data. `taken` is the entry
// the dispatch chose, or -1 when it refused the request. A decision the second one does not
// make is a panic: the server's dispatch went wrong (fault injection found mutations of this
// loop that sent every request to the first handler, or refused valid ones as invalid_arg, and
// a client cannot tell such a refusal from its own request gone wrong).
void dispatch_verify(const Request &req, const void *table, unsigned n, unsigned stride, int taken);
// The entry of a table of n entries `stride` bytes apart (each starting with a HandlerHead) that
// takes a request with this tag, or -1 (unknown label, or a count outside the entry's range).
int dispatch_choice(Tag tag, const void *table, unsigned n, unsigned stride);

// Dispatch through a handler table: unknown label or wrong argument count -> invalid_arg.
template <class S, unsigned N>
Status dispatch_table(S &server, const Handlers<S, N> &table, const Request &req, Reply &rep) {
  static_assert(__builtin_offsetof(Handler<S>, label) == __builtin_offsetof(HandlerHead, label) &&
                __builtin_offsetof(Handler<S>, min_words) == __builtin_offsetof(HandlerHead, min_words) &&
                __builtin_offsetof(Handler<S>, max_words) == __builtin_offsetof(HandlerHead, max_words));
  for (unsigned i = 0; i < N; ++i) {
    const Handler<S> &h = table.entry[i];
    if (h.label != req.label) continue;
    if (req.untyped < h.min_words || req.untyped > h.max_words) break;
    dispatch_verify(req, table.entry, N, sizeof(Handler<S>), int(i));
    return (server.*h.fn)(req, rep);
  }
  dispatch_verify(req, table.entry, N, sizeof(Handler<S>), -1);
  return Status::invalid_arg;
}

// Hold (or release) the console glue's steps towards the console server, where there is a glue.
inline void HoldConsoleSteps(bool hold) {
  if (arc_console_hold_steps) arc_console_hold_steps(hold ? 1 : 0);
}

template <class Self> class ArcServer : public ServerCore {
public:
  explicit ArcServer(const char *name) : ServerCore(name) {
    restored_hook_ = [](void *p) { static_cast<Self *>(static_cast<ArcServer *>(p))->Restored(); };
  }

  // Defaults, hidden by the server's own versions.
  Status Initialize() { return Status::ok; }
  Recovery Recover() { return Recovery::cold; }
  void Restored() {}
  void Exit() {}

  // Start (Initialize, or Recover + replay), serve until the endpoint goes away, Exit().
  // Returns 0 on a clean end, else the failing status as a number (for main's return).
  int Run() {
    Self &self = *static_cast<Self *>(this);
    bool reply_pending = false;
    if (Begin()) {
      const unsigned long long to_recover = SinceFailure();
      // Until the replayed reply is built, output looks for no console (the glue's next write
      // does): the look-up is work for after the restart, not on its way to the client.
      HoldConsoleSteps(true);
      if (start_kind() == StartKind::swapped) {
        // Another program's requests, none of its state: ours starts from nothing.
        if (Status st = self.Initialize(); st != Status::ok) {
          HoldConsoleSteps(false);
          return int(st);
        }
        reply_pending = AnswerThenReport(ReplayAfterSwap(&Dispatch, this), to_recover);
      } else if (self.Recover() == Recovery::resume) {
        reply_pending = AnswerThenReport(ReplayInFlight(&Dispatch, this), to_recover);
      } else {
        // The server found its own persistent state unusable: the monitor restarts us cold
        // (or as a group). Only if it cannot, we start over in place.
        HoldConsoleSteps(false);
        reply_pending = ReportCorrupt("Recover() refused the persistent state");
        ResetPersistent();
        if (self.Initialize() != Status::ok) return int(Status::invalid_arg);
      }
      HoldConsoleSteps(false);
    } else {
      HoldConsoleSteps(false);   // a failure while held, then a corrupt record: not held for ever
      if (found_corrupt_) reply_pending = ReportCorrupt("the framework's record is damaged");
      if (Status st = self.Initialize(); st != Status::ok) return int(st);
    }
    Status st = MainLoop(reply_pending);
    self.Exit();
    return st == Status::partner_gone ? 0 : int(st);
  }

  Status MainLoop(bool reply_pending = false) { return Loop(&Dispatch, this, reply_pending); }

  // The table dispatch, usable directly (tests).
  static Status Dispatch(void *p, const Request &req, Reply &rep) {
    static constexpr auto table = Self::Handlers();
    return dispatch_table(*static_cast<Self *>(static_cast<ArcServer *>(p)), table, req, rep);
  }
};

// Shorthand for building tables in interface headers.
template <class S, unsigned N> constexpr Handlers<S, N> handler_table(const Handler<S> (&e)[N]) {
  Handlers<S, N> t{};
  for (unsigned i = 0; i < N; ++i) t.entry[i] = e[i];
  return t;
}

// A step in the middle of a handler where an injected fault may strike (`inject ... step N`:
// the N+1-th step reached from then on): a disk block moved, a byte strobed, a sector sent.
// Costs a load and a branch when nothing is armed. Servers call it where a failure would leave
// work half done, so that recovery is tested where real faults strike, not between requests.
void fault_step();

// A server's panic: records the message in persistent memory (last_panic()), prints it, and
// crashes on purpose so the pager sees the failure and restarts the server by its policy.
[[noreturn]] void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// The last panic message and how many there were (persistent; "" when none).
const char *last_panic(word *count = nullptr);

// A server's log line on its standard output (the console server, or the kernel console), like
// printf but formatted by arc::format (%d %u %x %p %c %s %%, widths, 0 padding, l and ll; no
// floating point) and written in one write. For lines on the way to a reply, such as Recover()'s
// after a restart: newlib's vfprintf costs some 45 instructions a character, and its first use
// after a restart sets stdio up again (the demo counter's recovery line was about 5,000 of the
// hot restart's). A line longer than 255 characters goes through printf, whole.
int log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace arc
