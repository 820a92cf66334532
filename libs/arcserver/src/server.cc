// ServerCore: the type-independent half of the ArcServer framework (arc/server.hh): the
// persistent request record, start-up decision, replay, the receive-dispatch-reply loop, deferred
// replies, the framework's own labels (info, sessions) and panic.
#include <arc/pdata.hh>
#include <arc/proto/ckpt_caps.hh>
#include <arc/proto/pager.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/transport.hh>
#include "area.hh"

#include <stdarg.h>
#include <stdio.h>

extern "C" [[noreturn]] void arc_restore_entry();

namespace arc {

// The framework's persistent area (area.hh): its own section, which a swap carries over.
__attribute__((section(".pdata.arc"))) detail::FrameworkArea detail::g_area = {detail::layout_stamp, 0, {}, {}, 0, {}, {}, {}};

namespace {

using detail::DeferredRecord;
using detail::FrameworkState;

FrameworkState &g_fw = detail::g_area.fw;

constexpr word state_magic = 0x53435241;   // "ARCS"

const char *g_name = "server";

// While a replayed request is dispatched: the capability holding its caller's reply right (a warm
// restart carried it over), so that a handler that defers the request keeps that one.
CapSlot g_replay_reply;

word checksum(const InFlight &f) {
  word h = 2166136261u;
  auto mix = [&h](word w) {
    for (unsigned i = 0; i < sizeof(word); ++i) {
      h ^= (w >> (8 * i)) & 0xff;
      h *= 16777619u;
    }
  };
  mix(f.state);
  mix(f.badge);
  mix(f.reply_slot);
  mix(f.seq);
  const unsigned n = Tag(f.mr[0]).untyped();
  for (unsigned i = 0; i <= n && i < mr_count; ++i) mix(f.mr[i]);
  return h;
}

bool in_flight_valid(const InFlight &f) {
  if (f.state != InFlight::idle && f.state != InFlight::serving) return false;
  if (Tag(f.mr[0]).untyped() >= mr_count) return false;
  return f.check == checksum(f);
}

Request request_of(const InFlight &f) {
  Request r;
  const Tag tag(f.mr[0]);
  r.label = tag.label();
  r.badge = f.badge;
  r.untyped = tag.untyped();
  r.typed = tag.typed();
  r.mr = f.mr;
  r.seq = f.seq;
  return r;
}

void commit_idle(InFlight &f) {
  f.state = InFlight::idle;
  f.check = checksum(f);
}

// The records of deferred requests (area.hh), kept so that a swap can re-issue them to the new
// program: written when a request is deferred, dropped when it is answered or abandoned.
DeferredRecord *deferred_record(CapSlot slot) {
  for (DeferredRecord &r : detail::g_area.deferred)
    if (slot && r.slot == slot) return &r;
  return nullptr;
}

// Whether Defer() records (ServerCore::RecordDeferred; volatile: every start records again).
bool g_record_deferred = true;

// `reused`: the slot is a replayed request's saved reply right, which may have a record already
// (then rewritten); a slot Defer() just allocated has none, and the first free record will do.
// (This is paid on every deferred request, and apps/swapbench measures it: two whole passes over
// the 16 records, and a third when it was answered, cost 8 % of a deferred round trip on ia32;
// now no pass goes further than it must, and a record is freed by its slot word alone.)
void record_deferred(const Request &req, CapSlot slot, bool reused) {
  if (!g_record_deferred) return;
  if (req.untyped >= detail::max_deferred_words) return;   // not re-issuable: see area.hh
  DeferredRecord *r = reused ? deferred_record(slot) : nullptr;
  if (!r)
    for (DeferredRecord &e : detail::g_area.deferred)
      if (!e.slot) {
        r = &e;
        break;
      }
  if (!r) return;   // more deferred than recorded: a swap cannot re-issue this one
  r->slot = 0;      // incomplete while it is written
  r->badge = req.badge;
  r->seq = req.seq;
  r->order = ++detail::g_area.deferred_order;
  r->mr[0] = Tag(req.label, req.untyped, 0).raw;
  for (unsigned i = 1; i <= req.untyped; ++i) r->mr[i] = req.arg(i);
  r->slot = slot;   // the commit
}

// A record is free when its slot is 0: the rest is written again before the next commit.
void forget_deferred(CapSlot slot) {
  if (!g_record_deferred) return;   // nothing recorded: nothing to look for
  if (DeferredRecord *r = deferred_record(slot)) r->slot = 0;
}

// Checkpoints (docs/restarts.md, "Checkpoint and restore"). The kernel gives a pager a thread's
// instruction and stack pointers only (exregs), not the other registers, so the framework keeps
// the rest itself: at a restore point it saves its registers here (__builtin_setjmp: the frame
// pointer, the stack pointer and where to resume; the compiler saves every callee-saved register
// in the frame of the function that calls it), in ordinary memory that the checkpoint copies with
// the stack. A restore starts the thread at arc_restore_entry on the checkpoint's stack, which
// jumps back into take_checkpoint() as it was then.
void *g_restore_ctx[5];
bool g_mark;             // MarkRestorePoint() asked for a checkpoint after this request
bool g_marks_declined;   // the pager said the policy has no marked points: ask no more
bool g_threads_declined; // a helper thread could not be parked (said once)
word g_ck_number, g_ck_copied, g_ck_clean;

// The capabilities at the restore point (arc/proto/ckpt_caps.hh): in ordinary memory, so the
// checkpoint copies it and a restore brings back the record of then, to compare with now.
alignas(ckpt_caps::record_align) ckpt_caps::Record g_ck_caps;

// r holds the helper threads already (park_threads).
void record_capabilities(ckpt_caps::Record &r) {
  r.magic = ckpt_caps::magic;
  for (const detail::IrqAssociation &a : detail::g_area.irqs)
    if (a.slot && r.n_irqs < ckpt_caps::max_irqs)
      r.irqs[r.n_irqs++] = {uint32_t(a.line), uint32_t(a.slot), uint32_t(a.ep)};
  for (const SessionEntry &e : g_fw.sessions.entry)
    if (e.id && r.n_sessions < ckpt_caps::max_sessions)
      r.sessions[r.n_sessions++] = {uint32_t(e.id), uint32_t(e.badge), uint32_t(e.owner_pid),
                                    uint32_t(e.token), uint32_t(e.addr), uint32_t(e.bytes)};
  // Written only when it changed: an unchanged record leaves its page clean for the next
  // checkpoint.
  const auto *a = reinterpret_cast<const unsigned char *>(&r);
  auto *b = reinterpret_cast<unsigned char *>(&g_ck_caps);
  for (unsigned i = 0; i < sizeof r; ++i)
    if (a[i] != b[i]) { g_ck_caps = r; break; }
}

// 1: came back by a restore; 0: the checkpoint was taken; -1: declined or failed.
__attribute__((noinline)) int take_checkpoint(word how) {
  // The helper threads first, stopped with their registers on their stacks (src/park.cc): one
  // that cannot be kept means no checkpoint (a restore could not put it back).
  ckpt_caps::Record r{};
  if (!transport::park_threads(&r)) {
    if (!g_threads_declined)
      printf("[arcserver] %s: a helper thread cannot be checkpointed (not known to the pager, held by another, or it did not stop): no checkpoint\n",
             g_name);
    g_threads_declined = true;
    return -1;
  }
  record_capabilities(r);
  if (__builtin_setjmp(g_restore_ctx)) return 1;   // restored: the pager put the helpers back
  word *mr = transport::mr();
  mr[0] = Tag(pager::checkpoint, 3, 0).raw;
  mr[1] = reinterpret_cast<word>(&arc_restore_entry);
  mr[2] = how;
  mr[3] = reinterpret_cast<word>(&g_ck_caps);
  const Status st = transport::call(proc::pager, ipc::timeouts(ipc::t_never, ipc::t_never));
  const word answer[] = {mr[1], mr[2], mr[3], mr[4]};
  transport::unpark_threads();
  if (st != Status::ok || Status(answer[0]) != Status::ok) {
    if (st == Status::ok && Status(answer[0]) == Status::not_supported && (how & pager::checkpoint_marked))
      g_marks_declined = true;
    return -1;
  }
  g_ck_copied = answer[1];
  g_ck_clean = answer[2];
  g_ck_number = answer[3];
  return 0;
}

// The request the framework is dispatching (null outside a dispatch: a host test calling a
// server's Dispatch directly), for dispatch_verify: the request a server's dispatch looks at
// must be this one (a campaign found the request's address taken from a wrong register).
const Request *g_dispatching = nullptr;
Status Dispatched(ServerCore::DispatchFn fn, void *self, const Request &req, Reply &rep) {
  const Request *outer = g_dispatching;
  g_dispatching = &req;
  const Status st = fn(self, req, rep);
  g_dispatching = outer;
  return st;
}
} // namespace

InFlight &ServerCore::in_flight() { return g_fw.in_flight; }

void ServerCore::SetReplySlot(CapSlot slot) {
  InFlight &f = g_fw.in_flight;
  if (!in_flight_valid(f)) return;   // leave a corrupt record corrupt: Begin() will see it
  f.reply_slot = slot;
  f.check = checksum(f);
}
SessionTable &ServerCore::sessions() { return g_fw.sessions; }

void ServerCore::ResetPersistent() {
  for (DeferredRecord &r : detail::g_area.deferred) r = DeferredRecord{};
  g_fw.in_flight = InFlight{};
  commit_idle(g_fw.in_flight);
  g_fw.sessions.Reset();
  g_fw.served = 0;
  for (detail::IrqAssociation &a : detail::g_area.irqs) a = {};   // Initialize() attaches again
  g_fw.magic = state_magic;
}

Status ServerCore::AttachIrq(CapSlot irq) {
  word line = ~word(0);
  if (const proc::Info *info = process_info())
    for (word k = 0; k < info->n_resources && k < 12; ++k)
      if (info->resources[k].kind == proc::Resource::irq && info->resources[k].slot == irq)
        line = info->resources[k].first;
  if (line == ~word(0)) return Status::invalid_cap;   // not one of our IRQ capabilities
  if (Status st = transport::irq_attach(irq, endpoint_); st != Status::ok) return st;
  detail::IrqAssociation *free_one = nullptr;
  for (detail::IrqAssociation &a : detail::g_area.irqs) {
    if (a.slot == irq) free_one = &a;   // attached again (a restart): the same record
    else if (!a.slot && !free_one) free_one = &a;
  }
  if (!free_one) return Status::no_memory;
  free_one->line = line;
  free_one->ep = endpoint_;
  free_one->slot = irq;   // the commit
  return Status::ok;
}

void ServerCore::RestoreCapabilities() {
  const ckpt_caps::Record &r = g_ck_caps;
  if (r.magic != ckpt_caps::magic) return;   // none recorded (a checkpoint of an older framework)
  // Interrupts: attached to the endpoint of then and unmasked, whatever the failure did to them
  // (detached, attached elsewhere, masked with an interrupt never acknowledged). A file loaded
  // on another machine gives the slot of the same line there (the pager made it so).
  for (uint32_t i = 0; i < r.n_irqs && i < ckpt_caps::max_irqs; ++i) {
    const ckpt_caps::Irq &q = r.irqs[i];
    const Status st = transport::irq_attach(q.slot, q.ep);
    printf("[arcserver] %s: interrupt line %lu attached again as at the checkpoint: %s\n", name_,
           word(q.line), status_name(st));
    for (detail::IrqAssociation &a : detail::g_area.irqs)
      if (a.slot == q.slot) a = {};
    for (detail::IrqAssociation &a : detail::g_area.irqs)
      if (!a.slot) {
        a.line = q.line;
        a.ep = q.ep;
        a.slot = q.slot;
        break;
      }
  }
  // Sessions: the framework's table is of now (kept by the restore, as the pager's shared
  // regions are). Damaged since the checkpoint, it is rebuilt from the record, whose regions the
  // pager still holds on this machine (not for a file's: another boot's).
  SessionTable &t = g_fw.sessions;
  if (!t.Valid()) {
    t.Reset();
    unsigned rebuilt = 0;
    if (!r.loaded)
      for (uint32_t i = 0; i < r.n_sessions && i < ckpt_caps::max_sessions; ++i) {
        const ckpt_caps::Session &s = r.sessions[i];
        const unsigned index = s.id & 0xff;
        if (index < 1 || index > SessionTable::capacity) continue;
        SessionEntry &e = t.entry[index - 1];
        e.addr = s.addr;
        e.bytes = s.bytes;
        e.badge = s.badge;
        e.owner_pid = s.owner_pid;
        e.token = s.token;
        e.id = s.id;
        if ((s.id >> 8) > t.generation) t.generation = s.id >> 8;
        ++rebuilt;
      }
    if (!t.Valid()) t.Reset(), rebuilt = 0;
    printf("[arcserver] %s: the session table was damaged: %u sessions made again from the checkpoint\n",
           name_, rebuilt);
    return;
  }
  for (uint32_t i = 0; i < r.n_sessions && i < ckpt_caps::max_sessions; ++i) {
    const ckpt_caps::Session &s = r.sessions[i];
    const SessionEntry *e = t.Find(s.badge, s.id);
    if (e && e->token == s.token && e->owner_pid == s.owner_pid) continue;   // open: it goes on
    printf("[arcserver] %s: session %lx of pid %lu dropped: %s\n", name_, word(s.id), word(s.owner_pid),
           r.loaded ? "its client is not on this machine (the checkpoint is another boot's)"
                    : "its client closed it since the checkpoint");
  }
}

void ServerCore::DiscardPersistent() {
  g_fw = FrameworkState{};
  for (DeferredRecord &r : detail::g_area.deferred) r = DeferredRecord{};
  forget_published();
}

unsigned long long ServerCore::SinceFailure() {
  const proc::Info *info = process_info();
  if (!info || !info->restarts) return 0;
  const unsigned long long t0 =
      (static_cast<unsigned long long>(info->restart_cycles_hi) << 32) | info->restart_cycles_lo;
  const unsigned long long now = transport::cycles();   // 0 where user code has no counter
  return t0 && now > t0 ? now - t0 : 0;
}

void ServerCore::ReportRecovery(unsigned long long to_recover, unsigned long long to_reply) const {
  const proc::Info *info = process_info();
  if (!to_recover || !info) return;
  static const char *const kinds[] = {"hot", "warm", "cold", "group", "stop", "domain", "swap",
                                      "restore"};
  printf("[arcserver] %s: %s restart: %llu cycles to %s, %llu to the replayed reply\n", name_,
         info->last_restart_kind < 8 ? kinds[info->last_restart_kind] : "?", to_recover,
         start_kind_ == StartKind::swapped    ? "Initialize()"
         : start_kind_ == StartKind::restored ? "the restore point"
                                              : "Recover()", to_reply);
  // The pager timed the phases before our start; it prints the whole breakdown.
  word *mr = transport::mr();
  word saved[mr_count];   // the replayed reply may be waiting in them
  for (unsigned i = 0; i < mr_count; ++i) saved[i] = mr[i];
  mr[0] = Tag(pager::recovered, 2, 0).raw;
  mr[1] = word(to_recover);
  mr[2] = word(to_reply);
  (void)transport::call(proc::pager, ipc::timeouts(100, 100));
  for (unsigned i = 0; i < mr_count; ++i) mr[i] = saved[i];
}

bool ServerCore::AnswerThenReport(bool reply_pending, unsigned long long to_recover) {
  const unsigned long long to_reply = SinceFailure();   // the reply is built: the restart's end
  if (reply_pending) (void)transport::reply();          // a caller that gave up: nothing to do
  ReportRecovery(to_recover, to_reply);
  return false;
}

bool ServerCore::Begin() {
  g_name = name_;
  const proc::Info *info = process_info();
  if (g_fw.magic != state_magic) {
    // Pristine .pdata: the first start, or a cold restart (the pager discarded our state).
    start_kind_ = info && info->restarts ? StartKind::cold_restart : StartKind::first;
    ResetPersistent();
    return false;
  }
  if (!in_flight_valid(g_fw.in_flight) || !g_fw.sessions.Valid()) {
    printf("[arcserver] %s: persistent state is corrupt\n", name_);
    start_kind_ = StartKind::cold_restart;
    found_corrupt_ = true;
    ResetPersistent();
    return false;
  }
  // A swap: another program took over with our record (the pager carried the framework's area,
  // never the server's own .pdata): it initializes its state and is given the requests again.
  start_kind_ = info && info->restarts && info->last_restart_kind == 6 /* root::Action::swap */
                    ? StartKind::swapped
                    : StartKind::recovered;
  ++g_fw.starts;
  // A warm restart destroyed the thread that held the kernel's pending reply right; the restart
  // machinery saved it in a capability of our new space. The replay answers through it.
  if (info && info->carried_reply) SetReplySlot(info->carried_reply);
  return true;
}

bool ServerCore::ReportCorrupt(const char *why) {
  printf("[arcserver] %s: %s: asking for a cold restart\n", name_, why);
  word *mr = transport::mr();
  mr[0] = Tag(pager::corrupt, 0, 0).raw;
  (void)transport::call(proc::pager, ipc::timeouts(ipc::t_never, ipc::t_never));
  // Still here: nobody could restart us. The caller of the interrupted request (its reply right
  // is still ours after a hot restart) hears that the server was reset.
  printf("[arcserver] %s: no cold restart possible: starting over in place\n", name_);
  const proc::Info *info = process_info();
  if (!info || !info->restarts) return false;
  Reply rep(mr);
  rep.finish(Status::partner_gone);
  return true;
}

bool ServerCore::Framework(const Request &req, Reply &rep, Status *st) {
  if (req.label < server_label::first || req.label > server_label::last) return false;
  switch (req.label) {
  case server_label::info: {
    const proc::Info *info = process_info();
    rep.put(my_pid());
    rep.put(info ? info->restarts : 0);
    rep.put(g_fw.served);
    *st = Status::ok;
    break;
  }
  case server_label::session_begin: {
    word id = 0;
    *st = req.untyped != 3 ? Status::invalid_arg
                           : g_fw.sessions.Open(req.badge, req.arg(1), req.arg(2), req.arg(3), &id);
    if (*st == Status::ok) rep.put(id);
    break;
  }
  case server_label::session_end:
    *st = req.untyped != 1 ? Status::invalid_arg : g_fw.sessions.Close(req.badge, req.arg(1));
    break;
  default:
    *st = Status::invalid_arg;
  }
  return true;
}

namespace {
// The armed fault (volatile memory: gone after any restart).
struct Injection { word kind, countdown, at_step; };
volatile Injection g_inject;

[[noreturn]] void trigger(word kind) {
  switch (kind) {
  case server_label::inject_hang:
    printf("[arcserver] %s: injected hang\n", g_name);
    for (;;) asm volatile("");
  case server_label::inject_stall:
    printf("[arcserver] %s: injected stall\n", g_name);
    for (word b;;) (void)transport::wait(cap_nil, &b);   // a receive nobody can answer
  case server_label::inject_panic:
    panic("injected panic");
  case server_label::inject_corrupt:
    printf("[arcserver] %s: injected corruption of persistent memory\n", g_name);
    g_fw.in_flight.check ^= 0x5a5a5a5a;   // a lie the next start must catch
    [[fallthrough]];
  case server_label::inject_irq:
    if (kind == server_label::inject_irq) {
      unsigned n = 0;
      for (const detail::IrqAssociation &a : detail::g_area.irqs)
        if (a.slot) (void)transport::irq_detach(a.slot), ++n;
      printf("[arcserver] %s: injected loss of its interrupts: %u detached\n", g_name, n);
    }
    [[fallthrough]];
  default:
    printf("[arcserver] %s: injected crash\n", g_name);
    word *volatile bad = reinterpret_cast<word *>(0x10);   // (volatile: no compiler warning)
    *bad = 0;   // an invalid write: the pager sees a crash
    for (;;) {}
  }
}
} // namespace

void fault_step() {
  if (!g_inject.kind || !g_inject.at_step) return;
  const word left = g_inject.countdown;
  if (left == 0) trigger(g_inject.kind);
  g_inject.countdown = left - 1;
}

bool ServerCore::Serve(DispatchFn fn, void *self, word badge) {
  word *mr = transport::mr();
  InFlight &f = g_fw.in_flight;
  const Tag tag(mr[0]);
  if (tag.label() == server_label::heartbeat) return false;   // taking it was the answer
  if (tag.label() == server_label::checkpoint)   // only the monitor's: a client's is ignored
    return badge == server_label::monitor_badge &&
           Checkpoint(fn, self,
                      tag.untyped() ? mr[1] & (pager::checkpoint_periodic | pager::checkpoint_group) : 0);
  if (tag.label() == server_label::publish_again) {
    // Only the monitor knows the name service was restarted cold; from anyone else it is ignored
    // (publishing again is harmless, but a client should not make us call the name service).
    if (badge == server_label::monitor_badge)
      printf("[arcserver] %s: the name service started over: %u names published again\n", g_name,
             publish_again());
    return false;
  }
  const unsigned n = tag.untyped() < mr_count ? tag.untyped() : mr_count - 1;
  // Record first: from here on a restart replays this request.
  for (unsigned i = 0; i <= n; ++i) f.mr[i] = mr[i];
  f.badge = badge;
  f.reply_slot = 0;
  ++f.seq;
  f.state = InFlight::serving;
  f.check = checksum(f);

  const Request req = request_of(f);
  Reply rep(mr);
  if (req.label == server_label::inject) {
    // Not an in-flight request to replay: answer it and forget it.
    commit_idle(f);
    if (badge != server_label::monitor_badge || req.untyped < 2 || req.untyped > 3) {
      rep.finish(Status::no_rights);
      return true;
    }
    g_inject.kind = req.arg(1);
    g_inject.countdown = req.arg(2);
    g_inject.at_step = req.arg(3) == server_label::inject_at_step;
    rep.finish(Status::ok);
    return true;
  }
  if (g_inject.kind && !g_inject.at_step) {
    const word left = g_inject.countdown;
    if (left == 0 && g_inject.kind == server_label::inject_lose) return Lose(f);
    if (left == 0) trigger(g_inject.kind);
    g_inject.countdown = left - 1;
  }
  Status st;
  if (!Framework(req, rep, &st)) st = Dispatched(fn, self, req, rep);
  ++g_fw.served;
  commit_idle(f);   // the commit point: the request is done
  if (rep.deferred() || req.label == label::irq) return false;
  rep.finish(st);
  return true;
}

void ServerCore::MarkRestorePoint() { g_mark = !g_marks_declined; }

// Where the pager reads the count (arc/proto/pager.hh): second word of an area of version 3 on.
static_assert(__builtin_offsetof(detail::FrameworkArea, device_epoch) == sizeof(word),
              "the device epoch is the area's second word");
static_assert(pager::parc_has_device_epoch(detail::layout_stamp), "the stamp says it has one");
void ServerCore::DeviceChanged() { ++detail::g_area.device_epoch; }

void ServerCore::LastCheckpoint(word *number, word *copied, word *clean) {
  *number = g_ck_number;
  *copied = g_ck_copied;
  *clean = g_ck_clean;
}

bool ServerCore::Checkpoint(DispatchFn fn, void *self, word how) {
  // A deferred request is in the server's own state and in the framework's record at once; a
  // restore would bring back the first as it was then and the second as it is now. Only
  // checkpoints without any are consistent: try again at a later restore point.
  for (const DeferredRecord &r : detail::g_area.deferred)
    if (r.slot) return false;
  const int got = take_checkpoint(how);
  if (got <= 0) return false;
  // Restored: everything but the framework's area is as it was at the checkpoint; the area (the
  // request in flight, deferred requests, sessions, capability slots) is as the failure left it,
  // and its requests are served again, as after a swap.
  start_kind_ = StartKind::restored;
  const unsigned long long to_restore = SinceFailure();
  printf("[arcserver] %s: back at its checkpoint's restore point\n", name_);
  if (!in_flight_valid(g_fw.in_flight)) {   // damaged since: what was in flight is lost
    printf("[arcserver] %s: the request record is damaged: the request in flight is lost\n", name_);
    g_fw.in_flight = InFlight{};
    commit_idle(g_fw.in_flight);
  }
  RestoreCapabilities();
  if (restored_hook_) restored_hook_(self);   // the device: its state is not the checkpoint's
  if (const proc::Info *info = process_info(); info && info->carried_reply)
    SetReplySlot(info->carried_reply);
  return AnswerThenReport(ReplayAfterSwap(fn, self), to_restore);
}

// An injected lost request: its reply right is parked in a slot and nobody answers it. It stays
// recorded as in flight with that slot, so a restart replays it and answers the caller. Always
// false: nothing for MainLoop to send.
bool ServerCore::Lose(InFlight &f) {
  g_inject.kind = 0;
  const CapSlot slot = slot_alloc();
  if (slot && transport::save_reply(slot) == Status::ok) {
    f.reply_slot = slot;
    f.check = checksum(f);
  }
  printf("[arcserver] %s: injected lost request (label %lx): never answered\n", g_name,
         Tag(f.mr[0]).label());
  return false;
}

bool ServerCore::ReplayInFlight(DispatchFn fn, void *self) {
  InFlight &f = g_fw.in_flight;
  if (f.state != InFlight::serving) return AnswerUnrecorded();
  Request req = request_of(f);
  req.replayed = true;
  word *mr = transport::mr();
  Reply rep(mr);
  Status st;
  g_replay_reply = f.reply_slot;
  if (!Framework(req, rep, &st)) st = Dispatched(fn, self, req, rep);
  const CapSlot reply_slot = g_replay_reply;   // 0 if the handler deferred with it
  g_replay_reply = 0;
  ++g_fw.served;
  f.reply_slot = 0;
  commit_idle(f);
  if (rep.deferred() || req.label == label::irq) return false;
  rep.finish(st);
  if (reply_slot) {   // a warm restart carried the caller's reply right over in a capability
    transport::reply_to(reply_slot);
    slot_free(reply_slot);
    return false;
  }
  return true;        // the kernel still holds the pending reply right: reply_wait answers it
}

// After a swap: the new program is given every request the old one had deferred (oldest first,
// each through its saved reply right; one whose caller gave up is dropped), then the request in
// flight. A deferred request that is also the one in flight (the old program failed after
// deferring it, before its commit point) is served once, as the one in flight, through the
// saved reply right.
bool ServerCore::ReplayAfterSwap(DispatchFn fn, void *self) {
  InFlight &f = g_fw.in_flight;
  // Which records the old program left, oldest first, noted before any is re-issued: a handler
  // that defers a re-issued request again records it anew, and that record must not be
  // re-issued once more (it would be, for ever, were the area itself walked to its end). Each is
  // taken out of the area only when its turn comes, so a failure half-way leaves the rest.
  constexpr unsigned n_max = detail::max_deferred_records;
  struct Due { CapSlot slot; word order; } due[n_max];
  unsigned n = 0;
  for (const DeferredRecord &r : detail::g_area.deferred)
    if (r.slot) due[n++] = Due{r.slot, r.order};
  for (unsigned i = 1; i < n; ++i)   // insertion sort by age: at most 16
    for (unsigned j = i; j > 0 && due[j].order < due[j - 1].order; --j) {
      const Due t = due[j];
      due[j] = due[j - 1];
      due[j - 1] = t;
    }
  for (unsigned i = 0; i < n; ++i) {
    DeferredRecord *at = nullptr;
    for (DeferredRecord &r : detail::g_area.deferred)
      if (r.slot == due[i].slot && r.order == due[i].order) at = &r;
    if (!at) continue;
    const DeferredRecord rec = *at;
    *at = DeferredRecord{};
    if (f.state == InFlight::serving && rec.seq == f.seq && rec.badge == f.badge) {
      if (!f.reply_slot) SetReplySlot(rec.slot);
      continue;
    }
    if (!transport::caller_waits(rec.slot)) {
      transport::drop(rec.slot);
      slot_free(rec.slot);
      continue;
    }
    InFlight tmp{};
    for (unsigned w = 0; w < detail::max_deferred_words; ++w) tmp.mr[w] = rec.mr[w];
    tmp.badge = rec.badge;
    tmp.seq = rec.seq;
    Request req = request_of(tmp);
    req.replayed = true;
    word *mr = transport::mr();
    Reply rep(mr);
    Status st;
    g_replay_reply = rec.slot;
    if (!Framework(req, rep, &st)) st = Dispatched(fn, self, req, rep);
    const CapSlot left = g_replay_reply;   // 0: the handler deferred it again with its slot
    g_replay_reply = 0;
    if (rep.deferred() || !left) continue;
    rep.finish(st);
    transport::reply_to(left);
    slot_free(left);
  }
  return ReplayInFlight(fn, self);
}

// Nothing recorded, yet a caller may be waiting: a restart from outside (a kill, a hang's
// restart) can stop the thread after the kernel delivered a request and before Serve() recorded
// it. None of that request was done, so the caller is told to send it again (cancelled), rather
// than wait for ever for a reply nobody will send: through the reply right a warm restart
// carried over, or the kernel's pending one (saved first: the kernel refuses, no_partner, when
// nobody waits, as after a renewal). Always false: nothing is left for MainLoop to send.
bool ServerCore::AnswerUnrecorded() {
  InFlight &f = g_fw.in_flight;
  CapSlot slot = f.reply_slot;
  if (!slot) {
    slot = slot_alloc();
    if (!slot) return false;
    if (transport::save_reply(slot) != Status::ok) {
      slot_free(slot);
      return false;
    }
  }
  word *mr = transport::mr();
  Reply rep(mr);
  rep.finish(Status::cancelled);
  transport::reply_to(slot);
  slot_free(slot);
  f.reply_slot = 0;
  commit_idle(f);
  return false;
}

Status ServerCore::Loop(DispatchFn fn, void *self, bool reply_pending) {
  word badge = 0;
  for (;;) {
    transport::set_rcv_cap_slot(rcv_slot_);   // handlers' own calls may have reset it
    Status st = reply_pending ? transport::reply_wait(endpoint_, &badge)
                              : transport::wait(endpoint_, &badge);
    if (st == Status::no_partner || st == Status::timeout) {   // caller gave up; wait again
      reply_pending = false;
      continue;
    }
    if (st != Status::ok) return st;
    reply_pending = Serve(fn, self, badge);
    if (g_mark) {
      // A marked restore point: the answer goes first (the checkpoint is taken between requests,
      // with nobody waiting), then the checkpoint.
      g_mark = false;
      if (reply_pending) {
        if (const CapSlot slot = slot_alloc()) {
          if (transport::save_reply(slot) == Status::ok) (void)transport::reply_to(slot);
          slot_free(slot);
        }
        reply_pending = false;
      }
      reply_pending = Checkpoint(fn, self, pager::checkpoint_marked);
    }
  }
}

void ServerCore::RecordDeferred(bool on) { g_record_deferred = on; }

Status ServerCore::RegisterName(const char *name) { return name_register(name, endpoint_); }

Status ServerCore::Defer(const Request &req, Reply &rep, Deferred &d) {
  CapSlot slot = g_replay_reply;
  const bool reused = slot != 0;
  if (reused) {
    g_replay_reply = 0;   // the replayed request's carried reply right is the one to keep
  } else {
    slot = slot_alloc();
    if (!slot) return Status::busy;
    const Status st = transport::save_reply(slot);
    if (st != Status::ok) {
      slot_free(slot);
      return st;
    }
  }
  record_deferred(req, slot, reused);
  d.slot = slot;
  d.label = req.label;
  d.badge = req.badge;
  for (unsigned i = 0; i < 4; ++i) d.arg[i] = req.arg(i + 1);
  rep.defer();
  return Status::ok;
}

bool release_abandoned(Deferred &d) {
  if (!d.pending() || transport::caller_waits(d.slot)) return false;
  forget_deferred(d.slot);
  transport::drop(d.slot);
  slot_free(d.slot);
  d = Deferred{};
  return true;
}

Status complete_deferred(Deferred &d, Status st, void (*fill)(Reply &, void *), void *ctx) {
  if (!d.pending()) return Status::no_partner;
  word *mr = transport::mr();
  word saved[mr_count];
  for (unsigned i = 0; i < mr_count; ++i) saved[i] = mr[i];
  Reply rep(mr);
  if (st == Status::ok) fill(rep, ctx);
  rep.finish(st);
  forget_deferred(d.slot);
  const Status sent = transport::reply_to(d.slot);
  slot_free(d.slot);
  d = Deferred{};
  for (unsigned i = 0; i < mr_count; ++i) mr[i] = saved[i];
  return sent;
}


int dispatch_choice(Tag tag, const void *table, unsigned n, unsigned stride) {
  const char *p = static_cast<const char *>(table);
  for (unsigned i = 0; i < n; ++i) {
    const HandlerHead *h = reinterpret_cast<const HandlerHead *>(p + i * stride);
    if (h->label != tag.label()) continue;
    return tag.untyped() >= h->min_words && tag.untyped() <= h->max_words ? int(i) : -1;
  }
  return -1;
}

void dispatch_verify(const Request &req, const void *table, unsigned n, unsigned stride,
                     int taken) {
  // The record's words when req is the request in flight; else (a request re-issued after a
  // swap, a host test's) the label and count the request was built with.
  const Request &r = g_dispatching ? *g_dispatching : req;
  if (&r != &req) panic("dispatch looked at another request than the one received");
  const InFlight &f = g_fw.in_flight;
  const bool recorded = f.state == InFlight::serving && r.mr == f.mr;
  const Tag tag = recorded ? Tag(f.mr[0]) : Tag(r.label, r.untyped, r.typed);
  const int chosen = dispatch_choice(tag, table, n, stride);
  if (chosen != taken)
    panic("dispatch of label %#lx (%u words) went to %d, not %d", tag.label(), tag.untyped(),
          taken, chosen);
}

[[noreturn]] void panic(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(g_fw.panic_msg, sizeof(g_fw.panic_msg), fmt, ap);
  va_end(ap);
  ++g_fw.panics;
  printf("[panic] %s: %s\n", g_name, g_fw.panic_msg);
  fflush(stdout);
  // Crash on purpose: the fault goes to our pager, which applies the restart policy.
  for (;;) __builtin_trap();
}

const char *last_panic(word *count) {
  if (count) *count = g_fw.panics;
  g_fw.panic_msg[sizeof(g_fw.panic_msg) - 1] = 0;
  return g_fw.panic_msg;
}

} // namespace arc

// Where a restore starts the main thread (the pager sets its instruction pointer here and its stack
// pointer below the one it had at the checkpoint): back into take_checkpoint().
extern "C" [[noreturn]] void arc_restore_entry() { __builtin_longjmp(arc::g_restore_ctx, 1); }
