// Host tests of the ArcServer framework (libs/arcserver): handler dispatch and argument checks,
// the main loop, the persistent request record and its replay after a "crash", deferred replies,
// the session table and the client's session set-up, the message helpers. The kernel is replaced
// by a fake transport (below) that feeds messages and records what the server sends.
#include <arc/iface/block.hh>
#include <arc/iface/printer.hh>
#include <arc/message.hh>
#include <arc/process.hh>
#include <arc/proto/names.hh>
#include <arc/proto/root.hh>
#include <arc/server.hh>
#include <arc/session.hh>
#include <arc/transport.hh>

#include <catch2/catch.hpp>

#include <cstring>
#include <deque>
#include <set>
#include <functional>
#include <vector>

using namespace arc;

// ---- the fake transport -----------------------------------------------------------------------
namespace fake {
struct Msg {
  word badge;
  std::vector<word> mr;   // tag first
};
word regs[mr_count];
std::deque<Msg> inbox;                       // what wait()/reply_wait() deliver
std::vector<std::vector<word>> replies;      // what reply_wait() and reply() sent
std::vector<std::pair<CapSlot, std::vector<word>>> slot_replies;   // reply_to()
std::vector<CapSlot> saved_slots;
std::set<CapSlot> gone_callers;              // saved reply rights whose callers gave up
std::vector<CapSlot> dropped;                // capabilities deleted (transport::drop)
std::vector<std::pair<CapSlot, std::vector<word>>> calls;          // call(): ep, request
std::function<void(CapSlot, word *)> on_call;                      // answers call()
CapSlot rcv_cap_slot;
proc::Info info;

std::vector<word> sent(const word *mr) {
  const Tag t(mr[0]);
  return std::vector<word>(mr, mr + 1 + t.untyped() + t.typed());
}
void reset() {
  std::memset(regs, 0, sizeof(regs));
  inbox.clear();
  replies.clear();
  slot_replies.clear();
  saved_slots.clear();
  gone_callers.clear();
  dropped.clear();
  calls.clear();
  on_call = nullptr;
  rcv_cap_slot = 0;
  info = proc::Info{};
  info.magic = proc::info_magic;
  info.pid = 7;
}
void push(word label, std::vector<word> args, word badge = 1, unsigned typed = 0) {
  Msg m{badge, {Tag(label, unsigned(args.size()), typed).raw}};
  m.mr.insert(m.mr.end(), args.begin(), args.end());
  inbox.push_back(m);
}
// Reply helpers: status (MR1) and result i (MR2 + i).
Status status_of(const std::vector<word> &r) { return Status(r.at(1)); }
} // namespace fake

namespace arc {
namespace transport {
word *mr() { return fake::regs; }
static Status deliver(word *badge) {
  if (fake::inbox.empty()) return Status::cancelled;   // ends MainLoop in the tests
  const fake::Msg m = fake::inbox.front();
  fake::inbox.pop_front();
  std::memcpy(fake::regs, m.mr.data(), m.mr.size() * sizeof(word));
  if (badge) *badge = m.badge;
  return Status::ok;
}
Status wait(CapSlot, word *badge) { return deliver(badge); }
Status reply_wait(CapSlot, word *badge) {
  fake::replies.push_back(fake::sent(fake::regs));
  return deliver(badge);
}
Status reply() {
  fake::replies.push_back(fake::sent(fake::regs));
  return Status::ok;
}
Status reply_to(CapSlot slot) {
  fake::slot_replies.push_back({slot, fake::sent(fake::regs)});
  return Status::ok;
}
Status save_reply(CapSlot slot) {
  fake::saved_slots.push_back(slot);
  return Status::ok;
}
bool caller_waits(CapSlot slot) { return !fake::gone_callers.count(slot); }
void drop(CapSlot slot) { fake::dropped.push_back(slot); }
Status call(CapSlot ep, word) {
  fake::calls.push_back({ep, fake::sent(fake::regs)});
  if (!fake::on_call) return Status::no_partner;
  fake::on_call(ep, fake::regs);
  return Status::ok;
}
void set_rcv_cap_slot(CapSlot slot) { fake::rcv_cap_slot = slot; }
Status irq_attach(CapSlot, CapSlot) { return Status::ok; }
Status irq_detach(CapSlot) { return Status::ok; }
unsigned long long cycles() { return 0; }
bool park_threads(ckpt_caps::Record *) { return true; }   // no helper threads here
void unpark_threads() {}
} // namespace transport
const proc::Info *process_info() { return &fake::info; }
} // namespace arc

// A reply as a server would write it: label 0, MR1 status, results.
static void answer(word *mr, Status st, std::vector<word> results = {}) {
  mr[0] = Tag(0, unsigned(1 + results.size()), 0).raw;
  mr[1] = word(st);
  for (size_t i = 0; i < results.size(); ++i) mr[2 + i] = results[i];
}

// ---- a small server ----------------------------------------------------------------------------
struct TestServer : ArcServer<TestServer> {
  enum : word { add = 0x10, echo = 0x11, crash = 0x12, wait_input = 0x13, name = 0x14 };
  TestServer() : ArcServer("test") {}

  int inits = 0, recovers = 0, adds = 0;
  Recovery recovery = Recovery::resume;
  bool replayed_seen = false;
  word last_seq = 0;
  Deferred waiting;

  Status Initialize() { ++inits; return Status::ok; }
  Recovery Recover() { ++recovers; return recovery; }

  Status Add(const Request &req, Reply &rep) {
    ++adds;
    replayed_seen = req.replayed;
    last_seq = req.seq;
    rep.put(req.arg(1) + req.arg(2));
    return Status::ok;
  }
  Status Echo(const Request &req, Reply &rep) {
    const char *data;
    unsigned n;
    if (!req.bytes(1, &data, &n)) return Status::invalid_arg;
    rep.put_bytes(data, n);
    return Status::ok;
  }
  Status Crash(const Request &, Reply &) { throw 42; }   // a fault in the middle of a request
  Status WaitInput(const Request &req, Reply &rep) { return Defer(req, rep, waiting); }
  Status Name(const Request &req, Reply &rep) {
    char buf[16];
    if (!req.string(1, 2, buf, sizeof(buf))) return Status::invalid_arg;
    rep.put(std::strlen(buf));
    return Status::ok;
  }
  static constexpr auto Handlers() {
    return handler_table<TestServer>({
        {add, 2, 2, &TestServer::Add, "add"},
        {echo, 1, max_untyped, &TestServer::Echo, "echo"},
        {crash, 0, 0, &TestServer::Crash, "crash"},
        {wait_input, 0, 1, &TestServer::WaitInput, "wait_input"},
        {name, 2, 2, &TestServer::Name, "name"},
    });
  }
};
static_assert(labels_unique(TestServer::Handlers()), "labels must be unique");

static void fresh() {
  fake::reset();
  ServerCore::DiscardPersistent();
}

TEST_CASE("ARCS0001 dispatch: known label, results, reply through reply_wait", "[arcserver]") {
  fresh();
  TestServer s;
  fake::push(TestServer::add, {2, 40});
  fake::push(TestServer::add, {1, 1});
  CHECK(s.MainLoop() == Status::cancelled);
  REQUIRE(fake::replies.size() == 2);
  CHECK(fake::status_of(fake::replies[0]) == Status::ok);
  CHECK(Tag(fake::replies[0][0]).label() == 0);
  CHECK(Tag(fake::replies[0][0]).untyped() == 2);
  CHECK(fake::replies[0][2] == 42);
  CHECK(fake::replies[1][2] == 2);
  CHECK(s.adds == 2);
}

TEST_CASE("ARCS0002 unknown labels and malformed arguments get invalid_arg", "[arcserver]") {
  fresh();
  TestServer s;
  fake::push(0x999, {1, 2});                 // unknown label
  fake::push(TestServer::add, {1});          // too few words
  fake::push(TestServer::add, {1, 2, 3});    // too many words
  fake::push(TestServer::echo, {1000, 0});   // byte count beyond the words sent
  fake::push(TestServer::name, {~word(0) / 255 * 0x41, ~word(0) / 255 * 0x41});   // string not terminated
  fake::push(server_label::last, {});        // reserved framework label, unused
  fake::push(TestServer::add, {3, 4});       // and the server still works
  CHECK(s.MainLoop() == Status::cancelled);
  REQUIRE(fake::replies.size() == 7);
  for (int i = 0; i < 6; ++i) {
    INFO("reply " << i);
    CHECK(fake::status_of(fake::replies[i]) == Status::invalid_arg);
    CHECK(Tag(fake::replies[i][0]).untyped() == 1);   // only the status on error
  }
  CHECK(s.adds == 1);
  CHECK(fake::replies[6][2] == 7);
}

TEST_CASE("ARCS0019 the dispatch decision made again from the table as data", "[arcserver]") {
  static constexpr auto table = TestServer::Handlers();
  const unsigned n = table.size, stride = sizeof(table.entry[0]);
  // Every entry takes its own label with its fewest and most words, and nothing outside them.
  for (unsigned i = 0; i < n; ++i) {
    const auto &h = table.entry[i];
    INFO("entry " << i);
    CHECK(dispatch_choice(Tag(h.label, h.min_words, 0), table.entry, n, stride) == int(i));
    CHECK(dispatch_choice(Tag(h.label, h.max_words, 0), table.entry, n, stride) == int(i));
    if (h.min_words > 0)
      CHECK(dispatch_choice(Tag(h.label, h.min_words - 1, 0), table.entry, n, stride) == -1);
    if (h.max_words < max_untyped)
      CHECK(dispatch_choice(Tag(h.label, h.max_words + 1, 0), table.entry, n, stride) == -1);
  }
  CHECK(dispatch_choice(Tag(0x999, 2, 0), table.entry, n, stride) == -1);   // unknown label
  // The verification agrees with the table's own dispatch (it would panic otherwise): a valid
  // request taken, malformed ones refused, through the main loop and its record.
  fresh();
  TestServer s;
  fake::push(TestServer::add, {2, 40});
  fake::push(TestServer::add, {1});
  fake::push(0x999, {});
  CHECK(s.MainLoop() == Status::cancelled);
  REQUIRE(fake::replies.size() == 3);
  CHECK(fake::status_of(fake::replies[0]) == Status::ok);
  CHECK(fake::status_of(fake::replies[1]) == Status::invalid_arg);
  CHECK(fake::status_of(fake::replies[2]) == Status::invalid_arg);
}

TEST_CASE("ARCS0020 block::admit: the interface's rule for a transfer", "[arcserver]") {
  using block::admit;
  constexpr word area = 65536, disk = 20480;
  CHECK(admit(area, 0, 0, 128, disk) == Status::ok);             // the whole area
  CHECK(admit(area, 512, 100, 127, disk) == Status::ok);
  CHECK(admit(area, 2, disk - 1, 1, disk) == Status::ok);        // the last sector, even offset
  CHECK(admit(0, 0, 0, 1, disk) == Status::invalid_arg);          // no such session
  CHECK(admit(area, 0, 0, 0, disk) == Status::invalid_arg);       // no sectors
  CHECK(admit(area, 0, 0, 129, disk) == Status::invalid_arg);     // more than a request may
  CHECK(admit(area, 1, 0, 1, disk) == Status::invalid_arg);       // odd offset
  CHECK(admit(area, 512, 0, 128, disk) == Status::invalid_arg);   // past the area's end
  CHECK(admit(area, area + 2, 0, 1, disk) == Status::invalid_arg);
  CHECK(admit(area, 0, disk, 1, disk) == Status::invalid_arg);    // past the disk's end
  CHECK(admit(area, 0, disk - 1, 2, disk) == Status::invalid_arg);
  CHECK(admit(area, 0, ~word(0), 2, disk) == Status::invalid_arg);   // no wrap-around
  // What an info reply may say.
  using block::info_valid;
  CHECK(info_valid(3, disk, 512, 128));
  CHECK(info_valid(3, 1, 512, 1));
  CHECK_FALSE(info_valid(2, disk, 512, 128));     // a word short
  CHECK_FALSE(info_valid(3, 0, 512, 128));        // no disk
  CHECK_FALSE(info_valid(3, disk, 1024, 128));    // another sector size
  CHECK_FALSE(info_valid(3, disk, 512, 0));
  CHECK_FALSE(info_valid(3, disk, 512, 129));     // more than a request may carry
}

TEST_CASE("ARCS0003 bytes and strings round-trip through Request/Reply", "[arcserver]") {
  fresh();
  TestServer s;
  Rpc rpc(TestServer::echo);   // build with the client helper, straight into the registers
  rpc.put_bytes("hello, arc", 10);
  fake::inbox.push_back({3, fake::sent(fake::regs)});
  fake::inbox.back().mr[0] = Tag(TestServer::echo, 1 + words_for(10), 0).raw;
  word w[2] = {};
  proc::pack(w, "abc", 2);
  fake::push(TestServer::name, {w[0], w[1]});
  CHECK(s.MainLoop() == Status::cancelled);
  REQUIRE(fake::replies.size() == 2);
  const auto &r = fake::replies[0];
  REQUIRE(fake::status_of(r) == Status::ok);
  CHECK(r[2] == 10);
  CHECK(std::memcmp(&r[3], "hello, arc", 10) == 0);
  CHECK(fake::replies[1][2] == 3);
}

TEST_CASE("ARCS0004 the request in progress is recorded and replayed after a crash", "[arcserver]") {
  fresh();
  {
    TestServer s;
    CHECK_FALSE(s.Begin());                 // first start: nothing to recover
    CHECK(s.start_kind() == StartKind::first);
    fake::push(TestServer::add, {5, 6}, /*badge*/ 9);
    REQUIRE(s.MainLoop() == Status::cancelled);
    const InFlight &f = ServerCore::in_flight();
    CHECK(f.state == InFlight::idle);       // done: nothing to replay
    fake::push(TestServer::crash, {}, 9);
    CHECK_THROWS(s.MainLoop());             // the "fault": the handler never returns
    CHECK(ServerCore::in_flight().state == InFlight::serving);
    CHECK(Tag(ServerCore::in_flight().mr[0]).label() == TestServer::crash);
  }
  // Pretend the crash happened during an add: rewrite the record as the framework would have.
  {
    fake::reset();
    fake::push(TestServer::add, {20, 22}, 9);
    TestServer s;
    CHECK_THROWS(([&] {
      // Serve records first, then dispatches: make the handler fail after the record is made.
      struct Boom : ArcServer<Boom> {
        Boom() : ArcServer("boom") {}
        Status Add(const Request &, Reply &) { throw 1; }
        static constexpr auto Handlers() {
          return handler_table<Boom>({{TestServer::add, 2, 2, &Boom::Add, "add"}});
        }
      } boom;
      boom.MainLoop();
    })());
  }
  // The restarted server (hot or warm: persistent memory kept) recovers and replays.
  fake::reset();
  TestServer s;
  REQUIRE(s.Begin());
  CHECK(s.start_kind() == StartKind::recovered);
  const word seq = ServerCore::in_flight().seq;
  CHECK(s.ReplayInFlight(&TestServer::Dispatch, &s));   // reply waits for the pending right
  CHECK(s.adds == 1);
  CHECK(s.replayed_seen);
  CHECK(s.last_seq == seq);
  CHECK(fake::status_of(fake::sent(fake::regs)) == Status::ok);
  CHECK(fake::regs[2] == 42);
  CHECK(ServerCore::in_flight().state == InFlight::idle);
  // MainLoop(true) sends that reply first.
  CHECK(s.MainLoop(true) == Status::cancelled);
  REQUIRE(fake::replies.size() == 1);
  CHECK(fake::replies[0][2] == 42);
  // Nothing left to replay: a caller the kernel may still hold a reply right for (a restart
  // from outside stopped us before the record) is told to send again.
  CHECK_FALSE(s.ReplayInFlight(&TestServer::Dispatch, &s));
  CHECK(s.adds == 1);
  REQUIRE(fake::saved_slots.size() == 1);   // the kernel's pending right, saved (the fake has one)
  REQUIRE(fake::slot_replies.size() == 1);
  CHECK(fake::slot_replies[0].first == fake::saved_slots[0]);
  CHECK(fake::status_of(fake::slot_replies[0].second) == Status::cancelled);
}

TEST_CASE("ARCS0014 a restart with nothing recorded answers a waiting caller cancelled",
          "[arcserver]") {
  fresh();
  {
    TestServer s;
    s.Begin();
    fake::push(TestServer::add, {1, 2}, 4);
    REQUIRE(s.MainLoop() == Status::cancelled);   // served and committed: idle
  }
  // Warm restart: the caller's reply right was carried into slot 41; nothing to replay.
  ServerCore::SetReplySlot(41);
  fake::reset();
  TestServer s;
  REQUIRE(s.Begin());
  CHECK_FALSE(s.ReplayInFlight(&TestServer::Dispatch, &s));
  REQUIRE(fake::slot_replies.size() == 1);
  CHECK(fake::slot_replies[0].first == 41);
  CHECK(fake::status_of(fake::slot_replies[0].second) == Status::cancelled);
  CHECK(s.adds == 0);
  CHECK(ServerCore::in_flight().reply_slot == 0);
  CHECK(ServerCore::in_flight().state == InFlight::idle);
}

// Leaves an `add` request recorded as in progress, as a fault inside its handler would.
static void crash_during_add(word x, word y) {
  struct Boom : ArcServer<Boom> {
    Boom() : ArcServer("boom") {}
    Status Add(const Request &, Reply &) { throw 1; }
    static constexpr auto Handlers() {
      return handler_table<Boom>({{TestServer::add, 2, 2, &Boom::Add, "add"}});
    }
  } boom;
  boom.Begin();
  fake::push(TestServer::add, {x, y}, 4);
  CHECK_THROWS(boom.MainLoop());
  CHECK(ServerCore::in_flight().state == InFlight::serving);
}

TEST_CASE("ARCS0005 replay answers a reply right carried over in a capability (warm restart)",
          "[arcserver]") {
  fresh();
  crash_during_add(1, 2);
  ServerCore::SetReplySlot(40);   // the pager moved the caller's reply right to slot 40
  fake::reset();
  TestServer s;
  REQUIRE(s.Begin());
  CHECK_FALSE(s.ReplayInFlight(&TestServer::Dispatch, &s));   // answered at once, not pending
  REQUIRE(fake::slot_replies.size() == 1);
  CHECK(fake::slot_replies[0].first == 40);
  CHECK(fake::slot_replies[0].second[2] == 3);
  CHECK(ServerCore::in_flight().state == InFlight::idle);
  CHECK(ServerCore::in_flight().reply_slot == 0);
}

TEST_CASE("ARCS0013 a corrupt request record makes the next start a cold one", "[arcserver]") {
  fresh();
  crash_during_add(1, 2);
  ServerCore::in_flight().mr[1] = 1000;   // a stray write into persistent memory
  fake::reset();
  TestServer s;
  s.Run();
  CHECK(s.start_kind() == StartKind::cold_restart);
  CHECK(s.recovers == 0);
  CHECK(s.inits == 1);
  CHECK(s.adds == 0);                      // the damaged request is not replayed
  CHECK(ServerCore::in_flight().state == InFlight::idle);
}

TEST_CASE("ARCS0006 Run: Initialize on first start, Recover after, default Recover is cold",
          "[arcserver]") {
  fresh();
  {
    TestServer s;
    fake::push(TestServer::add, {1, 2});
    s.Run();
    CHECK(s.inits == 1);
    CHECK(s.recovers == 0);
  }
  {
    fake::reset();
    TestServer s;                            // persistent state valid: a hot/warm restart
    s.Run();
    CHECK(s.inits == 0);
    CHECK(s.recovers == 1);
  }
  {
    // A server that does not implement Recover() asks for a cold start.
    struct Plain : ArcServer<Plain> {
      Plain() : ArcServer("plain") {}
      int inits = 0;
      Status Initialize() { ++inits; return Status::ok; }
      Status Nop(const Request &, Reply &) { return Status::ok; }
      static constexpr auto Handlers() {
        return handler_table<Plain>({{1, 0, 0, &Plain::Nop, "nop"}});
      }
    } p;
    fake::reset();
    p.Run();
    CHECK(p.inits == 1);
  }
}

TEST_CASE("ARCS0007 deferred replies: saved reply right, answered later, registers kept",
          "[arcserver]") {
  fresh();
  TestServer s;
  fake::push(TestServer::wait_input, {5}, 3);
  fake::push(TestServer::add, {1, 1});
  CHECK(s.MainLoop() == Status::cancelled);
  REQUIRE(fake::saved_slots.size() == 1);
  CHECK(s.waiting.pending());
  CHECK(s.waiting.badge == 3);
  CHECK(s.waiting.arg[0] == 5);
  // Only the add was answered through reply_wait.
  REQUIRE(fake::replies.size() == 1);
  CHECK(fake::replies[0][2] == 2);
  // Complete it from "another request": the message registers must survive.
  fake::regs[0] = 0x1234;
  fake::regs[5] = 0x5678;
  CHECK(s.Complete(s.waiting, Status::ok, [](Reply &r) { r.put(99); }) == Status::ok);
  CHECK(fake::regs[0] == 0x1234);
  CHECK(fake::regs[5] == 0x5678);
  REQUIRE(fake::slot_replies.size() == 1);
  CHECK(fake::slot_replies[0].first == fake::saved_slots[0]);
  CHECK(fake::slot_replies[0].second[2] == 99);
  CHECK_FALSE(s.waiting.pending());
  // The slot is free again.
  const CapSlot again = slot_alloc();
  CHECK(again == fake::saved_slots[0]);
  slot_free(again);
  CHECK(s.Complete(s.waiting, Status::ok) == Status::no_partner);   // twice: nothing pending
}

// A swap: the new program is given the requests the old one deferred (the framework's record,
// docs/restarts.md "Swap"), through their saved reply rights; none when the old program had the
// record turned off (RecordDeferred(false), what apps/swapbench compares against).
TEST_CASE("ARCS0018 deferred requests are re-issued after a swap, unless recording was off",
          "[arcserver]") {
  for (const bool record : {true, false}) {
    fresh();
    CapSlot kept = 0;
    {
      TestServer s;
      s.RecordDeferred(record);
      fake::push(TestServer::wait_input, {7}, 4);
      s.Run();   // a first start: Initialize(), then the deferred request
      REQUIRE(s.waiting.pending());
      kept = s.waiting.slot;
      s.RecordDeferred(true);   // the default again, as a new program's start has it
    }
    // The pager carried the framework's area into another program and said it was a swap.
    fake::inbox.clear();
    fake::info.restarts = 1;
    fake::info.last_restart_kind = 6;   // root::Action::swap
    TestServer next;
    next.Run();
    CHECK(next.start_kind() == StartKind::swapped);
    CHECK(next.inits == 1);
    CHECK(next.recovers == 0);
    if (record) {
      REQUIRE(next.waiting.pending());           // re-issued and deferred again ...
      CHECK(next.waiting.slot == kept);          // ... through the same reply right
      CHECK(next.waiting.badge == 4);
      CHECK(next.waiting.arg[0] == 7);
    } else {
      CHECK_FALSE(next.waiting.pending());       // nothing recorded: nothing re-issued
    }
    if (next.waiting.pending()) (void)next.Complete(next.waiting, Status::ok);
    else if (kept) slot_free(kept);
  }
}

TEST_CASE("ARCS0016 a full queue of blocked readers lets go of callers that gave up, in order", "[arcserver]") {
  fresh();
  DeferredQueue<4> q;
  CapSlot slots[4];
  for (unsigned i = 0; i < 4; ++i) {
    slots[i] = slot_alloc();
    REQUIRE(slots[i]);
    Deferred d;
    d.slot = slots[i];
    d.badge = 10 + i;
    REQUIRE(q.push(d));
  }
  CHECK(q.full());
  CHECK(q.drop_abandoned() == 0);   // all still waiting: nothing goes, the queue stays full
  CHECK(q.full());
  CHECK(fake::dropped.empty());
  fake::gone_callers = {slots[0], slots[2]};
  CHECK(q.drop_abandoned() == 2);
  CHECK(q.count == 2);
  CHECK(q.item[0].badge == 11);     // the order of the others is kept
  CHECK(q.item[1].badge == 13);
  CHECK(fake::dropped == std::vector<CapSlot>{slots[0], slots[2]});
  // Their slots are free again, the others' are not.
  const CapSlot again = slot_alloc();
  CHECK((again == slots[0] || again == slots[2]));
  slot_free(again);
  Deferred d;
  d.slot = slot_alloc();
  d.badge = 20;
  CHECK(q.push(d));
  CHECK(q.item[2].badge == 20);
  for (word i = 0; i < q.count; ++i) slot_free(q.item[i].slot);
}

TEST_CASE("ARCS0008 interrupts are dispatched but never answered", "[arcserver]") {
  fresh();
  struct Irq : ArcServer<Irq> {
    Irq() : ArcServer("irq") {}
    word line = 0;
    Status OnIrq(const Request &req, Reply &) { line = req.arg(1); return Status::ok; }
    static constexpr auto Handlers() {
      return handler_table<Irq>({{label::irq, 0, 1, &Irq::OnIrq, "irq"}});
    }
  } s;
  fake::push(label::irq, {4});
  fake::push(label::irq, {4});
  CHECK(s.MainLoop() == Status::cancelled);
  CHECK(s.line == 4);
  CHECK(fake::replies.empty());   // every receive after an interrupt is a plain wait
}

// ---- sessions ----------------------------------------------------------------------------------
static void fake_pager(CapSlot ep, word *mr) {
  const Tag t(mr[0]);
  if (ep != proc::pager) return answer(mr, Status::invalid_cap);
  switch (t.label()) {
  case share_label::create: return answer(mr, Status::ok, {0x70000000, 0xabc});
  case share_label::allow: return answer(mr, Status::ok);
  case share_label::attach:
    return answer(mr, mr[1] == 0xabc ? Status::ok : Status::invalid_arg, {0x71000000});
  case share_label::detach: return answer(mr, Status::ok);
  default: return answer(mr, Status::invalid_arg);
  }
}

TEST_CASE("ARCS0009 server session table: open, find by owner, close, full, validity",
          "[arcserver][session]") {
  fresh();
  fake::on_call = fake_pager;
  TestServer s;
  fake::push(server_label::session_begin, {0xabc, 12, 8192}, /*badge*/ 5);
  fake::push(server_label::session_begin, {0xdef, 12, 8192}, 5);    // pager refuses the token
  fake::push(server_label::session_begin, {0xabc, 12, 0}, 5);       // zero bytes
  fake::push(server_label::session_begin, {0xabc, 12}, 5);          // malformed
  CHECK(s.MainLoop() == Status::cancelled);
  REQUIRE(fake::replies.size() == 4);
  REQUIRE(fake::status_of(fake::replies[0]) == Status::ok);
  CHECK(fake::status_of(fake::replies[1]) == Status::invalid_arg);
  CHECK(fake::status_of(fake::replies[2]) == Status::invalid_arg);
  CHECK(fake::status_of(fake::replies[3]) == Status::invalid_arg);
  const word id = fake::replies[0][2];
  // The attach went to our own pager with the token and the owner's pid.
  REQUIRE(fake::calls.size() >= 1);
  CHECK(fake::calls[0].first == proc::pager);
  CHECK(Tag(fake::calls[0].second[0]).label() == share_label::attach);
  CHECK(fake::calls[0].second[1] == 0xabc);
  CHECK(fake::calls[0].second[2] == 12);

  SessionTable &t = s.sessions();
  CHECK(t.count() == 1);
  SessionEntry *e = t.Find(5, id);
  REQUIRE(e);
  CHECK(e->addr == 0x71000000);
  CHECK(t.Find(6, id) == nullptr);          // another client's badge
  CHECK(t.Find(5, id + 0x100) == nullptr);  // a stale generation
  CHECK(t.Valid());

  // Close by someone else fails, by the owner works (and detaches).
  fake::calls.clear();
  fake::replies.clear();
  fake::push(server_label::session_end, {id}, 6);
  fake::push(server_label::session_end, {id}, 5);
  fake::push(server_label::session_end, {id}, 5);
  CHECK(s.MainLoop() == Status::cancelled);
  CHECK(fake::status_of(fake::replies[0]) == Status::invalid_arg);
  CHECK(fake::status_of(fake::replies[1]) == Status::ok);
  CHECK(fake::status_of(fake::replies[2]) == Status::invalid_arg);
  REQUIRE(fake::calls.size() == 1);
  CHECK(Tag(fake::calls[0].second[0]).label() == share_label::detach);
  CHECK(fake::calls[0].second[1] == 0x71000000);
  CHECK(t.count() == 0);

  // Full table.
  word ids[SessionTable::capacity];
  for (unsigned i = 0; i < SessionTable::capacity; ++i)
    REQUIRE(t.Open(5, 0xabc, 12, 4096, &ids[i]) == Status::ok);
  word extra;
  CHECK(t.Open(5, 0xabc, 12, 4096, &extra) == Status::no_memory);
  CHECK(t.Valid());
  t.entry[3].addr = 0x123;                  // not page aligned: corrupt
  CHECK_FALSE(t.Valid());
  // Corrupt sessions make the next start a cold one.
  TestServer again;
  CHECK_FALSE(again.Begin());
  CHECK(t.count() == 0);
}

TEST_CASE("ARCS0010 client Session: Begin through pager and server, Put/Get bounds, End",
          "[arcserver][session]") {
  fresh();
  static unsigned char shared[8192];
  fake::on_call = [](CapSlot ep, word *mr) {
    const Tag t(mr[0]);
    if (ep == 50) {   // the server
      if (t.label() == server_label::info) return answer(mr, Status::ok, {33, 0, 0});
      if (t.label() == server_label::session_begin) {
        CHECK(mr[1] == 0xabc);
        CHECK(mr[2] == 7);        // our pid from the information page
        CHECK(mr[3] == 8192);
        return answer(mr, Status::ok, {0x101});
      }
      if (t.label() == server_label::session_end) return answer(mr, Status::ok);
      return answer(mr, Status::invalid_arg);
    }
    if (t.label() == share_label::create)
      return answer(mr, Status::ok, {word(reinterpret_cast<uintptr_t>(shared)), 0xabc});
    if (t.label() == share_label::allow) {
      CHECK(mr[2] == 33);         // the server's pid
      return answer(mr, Status::ok);
    }
    return fake_pager(ep, mr);
  };
  Session ses;
  REQUIRE(ses.Begin(50, 8192) == Status::ok);
  CHECK(ses.active());
  CHECK(ses.id() == 0x101);
  CHECK(ses.Begin(50, 8192) == Status::busy);
  CHECK(ses.Put(0, "abcd", 4));
  CHECK(ses.Put(8188, "wxyz", 4));
  CHECK_FALSE(ses.Put(8189, "wxyz", 4));     // past the end
  CHECK_FALSE(ses.Put(~word(0), "x", 1));    // offset overflow
  char out[4];
  CHECK(ses.Get(8188, out, 4));
  CHECK(std::memcmp(out, "wxyz", 4) == 0);
  CHECK(std::memcmp(shared, "abcd", 4) == 0);
  CHECK(ses.End() == Status::ok);
  CHECK_FALSE(ses.active());
  CHECK_FALSE(ses.Get(0, out, 1));
  CHECK(ses.End() == Status::invalid_arg);
  Session bad;
  CHECK(bad.Begin(50, 0) == Status::invalid_arg);
  CHECK(bad.Begin(51, 4096) == Status::invalid_cap);   // server 51 does not answer info
}

TEST_CASE("ARCS0011 Rpc: argument overflow, reply decoding, names and slots", "[arcserver]") {
  fresh();
  Rpc big(0x20);
  for (unsigned i = 0; i < 70; ++i) big.put(i);
  CHECK_FALSE(big.ok());
  CHECK(big.call(1) == Status::invalid_arg);
  CHECK(fake::calls.empty());                // nothing was sent

  fake::on_call = [](CapSlot, word *mr) { mr[0] = Tag(0, 0, 0).raw; };   // no status word
  CHECK(Rpc(0x21).call(1) == Status::invalid_arg);

  fake::on_call = [](CapSlot ep, word *mr) {
    const Tag t(mr[0]);
    CHECK(ep == proc::names);
    CHECK(t.untyped() == names::name_words);
    char name[24];
    proc::unpack(&mr[1], names::name_words, name, sizeof(name));
    if (t.label() == names::reg) {
      CHECK(t.typed() == 2);
      CHECK(mr[7] == proc::service);
      CHECK(mr[8] == ((rights::send << 8) | item::cap));
      return answer(mr, std::strcmp(name, "console") == 0 ? Status::ok : Status::busy);
    }
    CHECK(fake::rcv_cap_slot == 40);
    answer(mr, std::strcmp(name, "console") == 0 ? Status::ok : Status::invalid_arg);
  };
  CHECK(name_register("console", proc::service) == Status::ok);
  CHECK(name_register("", proc::service) == Status::invalid_arg);
  CHECK(name_register("a-name-that-is-far-too-long-for-six-message-registers-even-of-64-bits", proc::service) == Status::invalid_arg);
  CHECK(name_lookup("console", 40) == Status::ok);
  CHECK(fake::rcv_cap_slot == 0);            // reset after the call
  CHECK(name_lookup("nobody", 40) == Status::invalid_arg);

  std::vector<CapSlot> got;
  for (CapSlot s; (s = slot_alloc()) != 0;) got.push_back(s);
  CHECK(got.size() == 64);
  CHECK(got.front() == proc::first_free);
  slot_free(got[10]);
  CHECK(slot_alloc() == got[10]);
  for (CapSlot s : got) slot_free(s);
  slot_free(3);                              // not ours: ignored
}

TEST_CASE("ARCS0012 resources from the information page", "[arcserver]") {
  fresh();
  fake::info.n_resources = 3;
  fake::info.resources[0] = {proc::Resource::irq, 17, 4, 1, 0};
  fake::info.resources[1] = {proc::Resource::ioports, 16, 0x3f8, 8, 0};
  fake::info.resources[2] = {proc::Resource::mem, 0, 0xb8000, 4096, 0xa0000000};
  CHECK(find_resource(proc::Resource::irq)->slot == 17);
  CHECK(find_resource(proc::Resource::irq, 1) == nullptr);
  CHECK(find_ports(0x3f8, 8)->slot == 16);
  CHECK(find_ports(0x3f8, 9) == nullptr);
  CHECK(find_ports(0x60, 1) == nullptr);
  CHECK(find_resource(proc::Resource::mem)->va == 0xa0000000);
  CHECK(my_pid() == 7);
  fake::info.n_resources = 1000;             // garbage count: clamped, no overrun
  CHECK(find_resource(proc::Resource::none) != nullptr);
}

TEST_CASE("ARCS0015 an injected lost request is parked unanswered, and a restart answers it",
          "[arcserver]") {
  fresh();
  {
    TestServer s;
    s.Begin();
    fake::push(server_label::inject, {server_label::inject_lose, 0}, server_label::monitor_badge);
    fake::push(TestServer::add, {2, 3}, 4);                    // taken, never answered
    fake::push(server_label::heartbeat, {}, 0);                // still taking messages
    REQUIRE(s.MainLoop() == Status::cancelled);
    REQUIRE(fake::replies.size() == 1);                        // the injection's own answer
    CHECK(fake::status_of(fake::replies[0]) == Status::ok);
    CHECK(s.adds == 0);
    CHECK(fake::slot_replies.empty());
    const InFlight &f = ServerCore::in_flight();
    CHECK(f.state == InFlight::serving);                       // recorded, with its parked right
    REQUIRE(fake::saved_slots.size() == 1);
    CHECK(f.reply_slot == fake::saved_slots[0]);
  }
  // The restart its caller's deadline brings (hot: persistent memory and slots kept) replays it
  // and answers through the parked reply right; the fault is gone with the volatile trigger.
  const word parked = ServerCore::in_flight().reply_slot;
  fake::reset();
  TestServer s;
  REQUIRE(s.Begin());
  CHECK_FALSE(s.ReplayInFlight(&TestServer::Dispatch, &s));   // answered at once, not pending
  REQUIRE(fake::slot_replies.size() == 1);
  CHECK(fake::slot_replies[0].first == parked);
  CHECK(fake::slot_replies[0].second[2] == 5);
  CHECK(ServerCore::in_flight().state == InFlight::idle);
}

TEST_CASE("ARCS0016 names published are published again when the monitor says the name service started over",
          "[arcserver]") {
  fresh();
  std::vector<std::pair<std::string, word>> published;   // name, endpoint slot in the item
  int gone = 0;   // calls answered partner_gone (the name service restarted cold under the call)
  fake::on_call = [&](CapSlot ep, word *mr) {
    REQUIRE(ep == proc::names);
    REQUIRE(Tag(mr[0]).label() == names::reg);
    char name[24];
    proc::unpack(&mr[1], names::name_words, name, sizeof(name));
    if (!std::strcmp(name, "flaky") && gone < 2) {
      ++gone;
      return answer(mr, Status::partner_gone);
    }
    published.push_back({name, mr[7]});
    answer(mr, std::strcmp(name, "refused") ? Status::ok : Status::no_memory);
  };
  CHECK(name_register("block", 21) == Status::ok);
  CHECK(name_register("refused", 22) == Status::no_memory);   // not remembered
  CHECK(name_register("flaky", 23) == Status::ok);            // asked again after partner_gone
  CHECK(gone == 2);
  CHECK(name_register("block", 24) == Status::ok);            // a new endpoint for the same name
  published.clear();

  TestServer s;
  s.Begin();
  fake::push(server_label::publish_again, {}, 5);                            // not the monitor
  fake::push(server_label::publish_again, {}, server_label::monitor_badge);
  REQUIRE(s.MainLoop() == Status::cancelled);
  CHECK(fake::replies.empty());   // a send: nothing to answer
  REQUIRE(published.size() == 2);
  CHECK(published[0] == std::make_pair(std::string("block"), word(24)));
  CHECK(published[1] == std::make_pair(std::string("flaky"), word(23)));
  CHECK(ServerCore::in_flight().state == InFlight::idle);   // never recorded for a replay

  // A cold start forgets them (Initialize() publishes what it publishes).
  published.clear();
  ServerCore::DiscardPersistent();
  CHECK(publish_again() == 0);
  CHECK(published.empty());
}

// The printer client's complain-and-resend path (arc/iface/printer.hh, Checked()), against a
// scripted server: `answers` says what each write gets (status, bytes printed); the root task
// takes or refuses complaints; every call is recorded in order.
TEST_CASE("ARCS0021 block client: an impossible info answer is complained about and asked again, up to a bound",
          "[arcserver]") {
  fresh();
  constexpr CapSlot disk_ep = 31;
  std::vector<std::vector<word>> answers;   // each info answer's words
  Status root_says = Status::ok;
  int infos = 0, complaints = 0;
  fake::on_call = [&](CapSlot ep, word *mr) {
    const word label = Tag(mr[0]).label();
    if (label == server_label::info) {
      REQUIRE(ep == disk_ep);
      return answer(mr, Status::ok, {4, 0, 0});   // the driver is pid 4
    }
    if (label == root::complain) {
      REQUIRE(ep == proc::root);
      CHECK(mr[1] == 4);
      ++complaints;
      return answer(mr, root_says);
    }
    REQUIRE(ep == disk_ep);
    REQUIRE(label == block::info);
    ++infos;
    REQUIRE(!answers.empty());
    const std::vector<word> a = answers.front();
    if (answers.size() > 1) answers.erase(answers.begin());
    if (a.size() == 3) return answer(mr, Status::ok, {a[0], a[1], a[2]});
    return answer(mr, Status::ok, {a[0], a[1]});
  };
  block::Client c(disk_ep);
  word sectors = 0, max = 0;
  SECTION("a right answer: taken, nothing complained") {
    answers = {{16384, 512, 128}};
    CHECK(c.Info(&sectors, &max) == Status::ok);
    CHECK(sectors == 16384);
    CHECK(max == 128);
    CHECK(complaints == 0);
  }
  SECTION("a wrong most-sectors count, then a right answer after the restart") {
    answers = {{16384, 512, 0x8065420}, {16384, 512, 128}};
    CHECK(c.Info(&sectors, &max) == Status::ok);
    CHECK(max == 128);
    CHECK(complaints == 1);
    CHECK(infos == 2);
  }
  SECTION("a word short, for ever: complained about up to the bound, then not_supported") {
    answers = {{16384, 512}};
    CHECK(c.Info(&sectors, &max) == Status::not_supported);
    CHECK(complaints == block::Client::complaints_max);
    CHECK(infos == block::Client::complaints_max + 1);
    CHECK(sectors == 0);
  }
  SECTION("a complaint the root task does not take: asked no more") {
    answers = {{0, 512, 128}};
    root_says = Status::no_rights;
    CHECK(c.Info(&sectors, &max) == Status::not_supported);
    CHECK(complaints == 1);
    CHECK(infos == 1);
  }
}

TEST_CASE("ARCS0017 printer client: a valid write refused or cut short is complained about and sent again, up to a bound; "
          "one claiming too much is reported, never repeated", "[arcserver]") {
  fresh();   // (each section runs the case from the top)
  constexpr CapSlot printer_ep = 30;
  struct Answer { Status st; word printed; };
  std::vector<Answer> answers;
  Status root_says = Status::ok;
  std::vector<word> labels;   // what was sent, in order
  word complained_pid = 0, complained_status = 0;
  word reg_answer = printer::status_not_busy;   // the status register each write's reply carries
  fake::on_call = [&](CapSlot ep, word *mr) {
    const word label = Tag(mr[0]).label();
    labels.push_back(label);
    if (label == server_label::info) {
      REQUIRE(ep == printer_ep);
      return answer(mr, Status::ok, {17, 0, 0});   // the printer server is pid 17
    }
    if (label == root::complain) {
      REQUIRE(ep == proc::root);
      complained_pid = mr[1];
      complained_status = mr[2];
      return answer(mr, root_says);
    }
    REQUIRE(ep == printer_ep);
    REQUIRE(label == printer::write);
    REQUIRE(!answers.empty());
    const Answer a = answers.front();
    answers.erase(answers.begin());
    answer(mr, a.st, {a.printed, reg_answer});
  };
  const char text[] = "hello, printer";   // 14 bytes
  const word n = sizeof(text) - 1;
  printer::Client c(printer_ep);
  word printed = 99, reg = 0;

  SECTION("answered: one write, nothing complained") {
    answers = {{Status::ok, n}};
    CHECK(c.WriteMessage(text, n, &printed, &reg) == Status::ok);
    CHECK(printed == n);
    CHECK(reg == printer::status_not_busy);
    CHECK(labels == std::vector<word>{printer::write});
  }
  SECTION("refused once: complaint taken, sent again, printed") {
    answers = {{Status::invalid_arg, 0}, {Status::ok, n}};
    CHECK(c.WriteMessage(text, n, &printed) == Status::ok);
    CHECK(printed == n);
    CHECK(labels == std::vector<word>{printer::write, server_label::info, root::complain, printer::write});
    CHECK(complained_pid == 17);
    CHECK(complained_status == word(Status::invalid_arg));
  }
  SECTION("refused every time: a complaint after each refusal, up to the bound, then the answer") {
    // A persistent bug refuses again after every hot and warm restart: the complaints go on,
    // so the server's ladder reaches its swap rung, but not for ever.
    const int k = printer::Client::complaints_max;
    answers.assign(k + 1, Answer{Status::invalid_arg, 0});
    CHECK(c.WriteMessage(text, n, &printed) == Status::invalid_arg);
    CHECK(printed == 0);
    std::vector<word> want{printer::write};
    for (int i = 0; i < k; ++i)
      want.insert(want.end(), {server_label::info, root::complain, printer::write});
    CHECK(labels == want);
    CHECK(answers.empty());
  }
  SECTION("refused until the ninth complaint (a swap): then printed") {
    answers.assign(9, Answer{Status::invalid_arg, 0});
    answers.push_back(Answer{Status::ok, n});
    CHECK(c.WriteMessage(text, n, &printed) == Status::ok);
    CHECK(printed == n);
  }
  SECTION("refused, complaint not taken (we do not depend on it): not sent again") {
    root_says = Status::no_rights;
    answers = {{Status::invalid_arg, 0}};
    CHECK(c.WriteMessage(text, n, &printed) == Status::invalid_arg);
    CHECK(labels == std::vector<word>{printer::write, server_label::info, root::complain});
  }
  SECTION("more bytes printed than sent: complained about, reported, never repeated") {
    answers = {{Status::ok, n + 5}};
    CHECK(c.WriteMessage(text, n, &printed) == Status::invalid_arg);
    CHECK(printed == 0);
    CHECK(labels == std::vector<word>{printer::write, server_label::info, root::complain});
  }
  SECTION("a short write (printer busy) or an error other than a refusal: no complaint") {
    answers = {{Status::ok, 3}, {Status::busy, 0}};
    CHECK(c.Write(text, n, &printed) == Status::busy);   // short: reported as busy
    CHECK(printed == 3);
    CHECK(c.WriteMessage(text, n, &printed) == Status::busy);
    CHECK(labels == std::vector<word>{printer::write, printer::write});
  }
  SECTION("short writes from a printer on line: complained about, the rest sent until printed") {
    reg_answer = 0xd8;   // not busy, on line (SELECT), no error, paper
    answers = {{Status::ok, 3}, {Status::ok, 5}, {Status::ok, 6}};
    CHECK(c.Write(text, n, &printed) == Status::ok);
    CHECK(printed == n);
    CHECK(labels == std::vector<word>{printer::write, server_label::info, root::complain,
                                      printer::write, server_label::info, root::complain,
                                      printer::write});
    CHECK(complained_status == word(Status::busy));
  }
  SECTION("short writes for ever: complained about up to the bound, then busy") {
    reg_answer = 0xd8;
    answers.assign(printer::Client::complaints_max + 1, Answer{Status::ok, 1});
    CHECK(c.Write(text, n, &printed) == Status::busy);
    CHECK(printed == word(printer::Client::complaints_max + 1));
    CHECK(answers.empty());
  }
  SECTION("a write the client has not checked is not sent at all") {
    CHECK(c.WriteMessage(text, 0, &printed) == Status::invalid_arg);
    CHECK(c.WriteMessage(text, printer::max_bytes + 1, &printed) == Status::invalid_arg);
    CHECK(labels.empty());
  }
}
