// Host tests of the parallel-port driver (drivers/parport): its handlers, the strobe handshake and
// the persistent byte index, run through the real ArcServer framework (libs/arcserver, compiled
// natively) against a fake transport and a fake printer. A "crash" is an exception thrown from a
// port access or an injected fault; it leaves the framework's request record in progress, and a
// new server object over the same persistent state is the restarted process: Run() recovers and
// replays, as after a hot or warm restart.
#include "parport.hh"
#include "lptext.hh"

#include <arc/message.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/session.hh>
#include <arc/transport.hh>

#include <catch2/catch.hpp>

#include <cstring>
#include <deque>
#include <string>
#include <vector>

using namespace arc;

// ---- the fake transport (as in test_arcserver.cc) -----------------------------------------------
namespace fake {
struct Msg {
  word badge;
  std::vector<word> mr;
};
word regs[mr_count];
std::deque<Msg> inbox;
std::vector<std::vector<word>> replies;
proc::Info info;
alignas(4096) unsigned char shared[8192];   // a client's session area

std::vector<word> sent(const word *mr) {
  const Tag t(mr[0]);
  return std::vector<word>(mr, mr + 1 + t.untyped() + t.typed());
}
void reset() {
  std::memset(regs, 0, sizeof(regs));
  inbox.clear();
  replies.clear();
  info = proc::Info{};
  info.magic = proc::info_magic;
  info.pid = 5;
}
void push(word label, std::vector<word> args, word badge = 1) {
  Msg m{badge, {Tag(label, unsigned(args.size()), 0).raw}};
  m.mr.insert(m.mr.end(), args.begin(), args.end());
  inbox.push_back(m);
}
// A write request built with the client's helper (the bytes packed after the count).
void push_write(const std::string &text, word badge = 1) {
  Rpc rpc(printer::write);
  rpc.put_bytes(text.data(), unsigned(text.size()));
  const unsigned words = 1 + words_for(unsigned(text.size()));
  Msg m{badge, std::vector<word>(regs, regs + 1 + words)};
  m.mr[0] = Tag(printer::write, words, 0).raw;
  inbox.push_back(m);
}
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
Status reply_to(CapSlot) { return Status::ok; }
Status save_reply(CapSlot) { return Status::ok; }
bool caller_waits(CapSlot) { return true; }
void drop(CapSlot) {}
// The name service and our pager: everything succeeds; share_attach gives the session area.
Status call(CapSlot, word) {
  const bool attach = Tag(fake::regs[0]).label() == share_label::attach;
  fake::regs[0] = Tag(0, attach ? 2 : 1, 0).raw;
  fake::regs[1] = word(Status::ok);
  fake::regs[2] = word(reinterpret_cast<uintptr_t>(fake::shared));
  return Status::ok;
}
void set_rcv_cap_slot(CapSlot) {}
Status irq_attach(CapSlot, CapSlot) { return Status::ok; }
Status irq_detach(CapSlot) { return Status::ok; }
unsigned long long cycles() { return 0; }
bool park_threads(ckpt_caps::Record *) { return true; }   // no helper threads here
void unpark_threads() {}
} // namespace transport
const proc::Info *process_info() { return &fake::info; }
} // namespace arc

// ---- the fake printer ---------------------------------------------------------------------------
struct Crash {
  int kind;   // 0: a port access, else the injected Fault
};

namespace printer_model {
using namespace parport;
std::string paper;            // what the printer printed
uint8_t data, ctl = ctl_idle;
bool busy;                    // between a strobe and the end of its acknowledge
unsigned busy_reads;          // status reads until it is ready again
unsigned busy_for = 3;        // ... after each byte
bool offline;                 // always busy
unsigned long now_us, data_at, strobe_at, release_at, sleeps;
std::vector<std::string> violations;
// Crash at the crash_at-th port access (1-based; 0: never), before it takes effect or after.
unsigned long ops, crash_at;
bool crash_after_effect;
// The latch_glitch_at-th read of the data register (1-based; 0: never) returns another byte than
// the latch holds, as if the driver had put a wrong one there.
unsigned long data_reads, latch_glitch_at;

void reset() {
  paper.clear();
  data = 0;
  ctl = ctl_idle;
  busy = offline = false;
  busy_reads = 0;
  busy_for = 3;
  now_us = sleeps = 0;
  data_at = strobe_at = 0;
  release_at = 0;
  violations.clear();
  ops = crash_at = 0;
  crash_after_effect = false;
  data_reads = latch_glitch_at = 0;
}
bool crash_now() { return crash_at && ++ops == crash_at; }
} // namespace printer_model

struct FakeEnv {
  static uint8_t in(uint16_t port) {
    namespace m = printer_model;
    const bool crash = m::crash_now();
    if (crash && !m::crash_after_effect) throw Crash{0};
    uint8_t v = 0;
    switch (port - parport::lpt1) {
    case parport::reg_data:
      v = m::data;
      if (++m::data_reads == m::latch_glitch_at) v ^= 0x01;
      break;
    case parport::reg_status:
      if (m::busy && !(m::ctl & parport::ctl_strobe) && m::busy_reads && --m::busy_reads == 0)
        m::busy = false;
      v = parport::st_error_off | parport::st_select | parport::st_not_ack |
          (m::busy || m::offline ? 0 : parport::st_not_busy);
      break;
    case parport::reg_control: v = m::ctl; break;
    default: m::violations.push_back("read of port " + std::to_string(port));
    }
    if (crash) throw Crash{0};
    return v;
  }
  static void out(uint16_t port, uint8_t v) {
    namespace m = printer_model;
    const bool crash = m::crash_now();
    if (crash && !m::crash_after_effect) throw Crash{0};
    if (port == parport::lpt1 + parport::reg_data) {
      if (m::ctl & parport::ctl_strobe) m::violations.push_back("data changed during the strobe");
      if (m::now_us - m::release_at < parport::hold_us) m::violations.push_back("hold time");
      m::data = v;
      m::data_at = m::now_us;
    } else if (port == parport::lpt1 + parport::reg_control) {
      const bool was = m::ctl & parport::ctl_strobe, is = v & parport::ctl_strobe;
      if (!(v & parport::ctl_not_init)) {   // reset
        m::busy = false;
      } else if (!was && is && (v & parport::ctl_select_in)) {   // the printer takes the byte
        if (m::busy || m::offline) m::violations.push_back("strobe while busy");
        if (m::now_us - m::data_at < parport::setup_us) m::violations.push_back("setup time");
        m::paper += char(m::data);
        m::busy = true;
        m::busy_reads = m::busy_for;
        m::strobe_at = m::now_us;
      } else if (was && !is) {
        if (m::now_us - m::strobe_at < parport::strobe_us) m::violations.push_back("strobe width");
        m::release_at = m::now_us;
      }
      m::ctl = v;
    } else {
      m::violations.push_back("write to port " + std::to_string(port));
    }
    if (crash) throw Crash{0};
  }
  static void delay_us(unsigned us) { printer_model::now_us += us; }
  static void sleep_ms(unsigned ms) {
    printer_model::now_us += 1000ul * ms;
    ++printer_model::sleeps;
  }
  static Status attach(uint16_t base) { return base == parport::lpt1 ? Status::ok : Status::invalid_cap; }
  [[noreturn]] static void fault(printer::Fault kind, const char *) { throw Crash{int(kind)}; }
};

using Server = parport::Server<FakeEnv>;
static_assert(labels_unique(Server::Handlers()), "labels must be unique");

static parport::PrinterState g_state;   // the driver's persistent state (ARC_PDATA in parport.cc)

static void fresh() {
  fake::reset();
  ServerCore::DiscardPersistent();
  g_state = parport::PrinterState{};
  printer_model::reset();
}

// Run the driver until the inbox is empty, restarting it (a new process over the same persistent
// memory) after every crash. Returns the number of crashes.
static int run(parport::Config config = {}, int max_crashes = 1000) {
  for (int crashes = 0;; ++crashes) {
    REQUIRE(crashes <= max_crashes);
    try {
      Server s(g_state, config);
      s.Run();
      return crashes;
    } catch (const Crash &) {
    }
  }
}

static std::string text(unsigned n, unsigned seed = 0) {
  std::string s;
  for (unsigned i = 0; i < n; ++i) s += char('A' + (i * 7 + seed) % 26);
  return s;
}

TEST_CASE("PARP0001 a write in the registers: bytes in order, handshake timing, reply", "[parport]") {
  fresh();
  fake::push_write("hello, printer\n");
  fake::push_write(text(240));
  fake::push(printer::status, {});
  CHECK(run() == 0);
  CHECK(printer_model::paper == "hello, printer\n" + text(240));
  CHECK(printer_model::violations.empty());
  REQUIRE(fake::replies.size() == 3);
  CHECK(fake::status_of(fake::replies[0]) == Status::ok);
  CHECK(fake::replies[0][2] == 15);                          // printed
  CHECK(fake::replies[0].size() == 4);                       // MR3: the status register
  CHECK(fake::replies[1][2] == 240);
  CHECK(fake::replies[2][3] == 255);                         // printed since the first start
  CHECK(fake::replies[2][4] == 2);                           // requests
  CHECK(g_state.seq != 0);
  CHECK(g_state.done == 240);
  CHECK(g_state.strobing == g_state.done);
  CHECK((printer_model::ctl & parport::ctl_strobe) == 0);   // STROBE released
}

TEST_CASE("PARP0002 malformed writes get invalid_arg and print nothing", "[parport]") {
  fresh();
  fake::push(printer::write, {0});                      // zero bytes
  fake::push(printer::write, {100, 0x41414141});        // count beyond the words sent
  fake::push(printer::write_session, {0x101, 0, 10});   // no such session
  fake::push(printer::inject, {99, 10});                // unknown fault kind
  fake::push(printer::inject, {word(printer::Fault::soft), 0});   // after 0 bytes
  CHECK(run() == 0);
  REQUIRE(fake::replies.size() == 5);
  for (const auto &r : fake::replies) CHECK(fake::status_of(r) == Status::invalid_arg);
  CHECK(printer_model::paper.empty());
  CHECK(g_state.inject_kind == 0);
}

TEST_CASE("PARP0003 session writes: a range of the area, bounds checked", "[parport][session]") {
  fresh();
  const std::string t = text(6000, 3);
  std::memcpy(fake::shared, t.data(), t.size());
  fake::push(server_label::session_begin, {0xabc, 12, 8192}, /*badge*/ 4);
  CHECK(run() == 0);
  REQUIRE(fake::replies.size() == 1);
  REQUIRE(fake::status_of(fake::replies[0]) == Status::ok);
  const word id = fake::replies[0][2];
  fake::replies.clear();
  fake::push(printer::write_session, {id, 100, 5000}, 4);
  fake::push(printer::write_session, {id, 8000, 193}, 4);   // past the end of the area
  fake::push(printer::write_session, {id, 0, 10}, 5);       // another client's badge
  fake::push(printer::write_session, {id, 0, 0}, 4);        // nothing
  CHECK(run() == 0);
  REQUIRE(fake::replies.size() == 4);
  CHECK(fake::status_of(fake::replies[0]) == Status::ok);
  CHECK(fake::replies[0][2] == 5000);
  for (int i = 1; i < 4; ++i) CHECK(fake::status_of(fake::replies[i]) == Status::invalid_arg);
  CHECK(printer_model::paper == t.substr(100, 5000));
  CHECK(printer_model::violations.empty());
}

// The heart of it: a crash at any port access of a write (before it takes effect or just after)
// is followed by a restart and the replay, and the printer gets every byte exactly once.
TEST_CASE("PARP0004 a crash at any port access: replay continues at the next byte", "[parport][replay]") {
  const std::string t1 = "first\n", t2 = text(9, 1), t3 = "third\n";
  // How many port accesses the run takes without a crash (counted while crash_at is set).
  fresh();
  printer_model::crash_at = ~0ul;
  fake::push_write(t1);
  fake::push_write(t2);
  fake::push_write(t3);
  REQUIRE(run() == 0);
  const unsigned long ops = printer_model::ops;
  REQUIRE(ops > 60);
  for (int after = 0; after < 2; ++after) {
    for (unsigned long k = 1; k <= ops; ++k) {
      fresh();
      printer_model::crash_at = k;
      printer_model::crash_after_effect = after;
      fake::push_write(t1);
      fake::push_write(t2);
      fake::push_write(t3);
      INFO("crash at port access " << k << (after ? " after" : " before") << " it took effect");
      CHECK(run() == 1);
      CHECK(printer_model::paper == t1 + t2 + t3);
      CHECK(printer_model::violations.empty());
      // Every caller got its full count once (the replayed request's reply included).
      REQUIRE(fake::replies.size() == 3);
      CHECK(fake::replies[0][2] == t1.size());
      CHECK(fake::replies[1][2] == t2.size());
      CHECK(fake::replies[2][2] == t3.size());
      CHECK((printer_model::ctl & parport::ctl_strobe) == 0);
    }
  }
}

TEST_CASE("PARP0005 the byte being strobed: the control register decides", "[parport][replay]") {
  // Left by a crash between `strobing = done + 1` and the strobe: the byte is sent again.
  // Left by a crash between the strobe and the commit: the byte counts as printed.
  for (bool strobed : {false, true}) {
    fresh();
    fake::push_write("abcdef");
    REQUIRE(run() == 0);
    printer_model::reset();
    fake::replies.clear();
    // A request recorded as in progress, as a crash inside its handler leaves it ...
    struct Boom : ArcServer<Boom> {
      Boom() : ArcServer("boom") {}
      Status Write(const Request &, Reply &) { throw Crash{0}; }
      static constexpr auto Handlers() {
        return handler_table<Boom>({{printer::write, 1, max_untyped, &Boom::Write, "write"}});
      }
    } boom;
    fake::push_write("uvwxyz");
    CHECK_THROWS_AS(boom.MainLoop(), Crash);
    const word seq = g_state.seq + 1;
    REQUIRE(ServerCore::in_flight().seq == seq);
    REQUIRE(ServerCore::in_flight().state == InFlight::serving);
    // ... in the middle of byte 3: `strobing` set, the strobe written or not.
    printer_model::paper = "uvw";
    printer_model::data = 'x';
    g_state.seq = seq;
    g_state.length = 6;
    g_state.done = 3;
    g_state.strobing = 4;
    if (strobed) {
      printer_model::paper += 'x';
      printer_model::ctl = parport::ctl_idle | parport::ctl_strobe;
      printer_model::busy = true;
      printer_model::busy_reads = 3;
    }
    CHECK(run() == 0);
    INFO(strobed);
    CHECK(printer_model::paper == "uvwxyz");
    CHECK(g_state.done == 6);
    REQUIRE(fake::replies.size() == 1);
    CHECK(fake::replies[0][2] == 6);
    CHECK(g_state.resumed == 1);
    CHECK(g_state.recoveries == 1);
  }
}

TEST_CASE("PARP0006 injected faults: after N bytes, STROBE asserted, re-armed, exact output",
          "[parport][inject]") {
  for (printer::Fault kind : {printer::Fault::crash, printer::Fault::panic, printer::Fault::soft}) {
    fresh();
    fake::push(printer::inject, {word(kind), 7, 3});   // after 7, 14 and 21 bytes
    fake::push_write(text(10));
    fake::push_write(text(20, 5));
    fake::push_write(text(10, 9));
    INFO(printer::fault_name(kind));
    CHECK(run() == 3);
    CHECK(printer_model::paper == text(10) + text(20, 5) + text(10, 9));
    CHECK(printer_model::violations.empty());
    REQUIRE(fake::replies.size() == 4);
    CHECK(fake::replies[1][2] == 10);
    CHECK(fake::replies[2][2] == 20);
    CHECK(fake::replies[3][2] == 10);
    CHECK(g_state.inject_kind == 0);   // all three used up
    CHECK(g_state.recoveries == 3);
    CHECK(g_state.resumed == 3);       // each fault was in the middle of a request
    CHECK(g_state.printed == 40);
  }
  // Every N bytes for ever, from the boot line; a fault after the last byte of a request: the
  // replay prints nothing more and just answers.
  fresh();
  parport::Config config;
  REQUIRE(parport::parse_inject("soft:5:0", &config));
  fake::push_write(text(5));
  fake::push_write(text(12, 2));
  CHECK(run(config) == 3);   // after bytes 5, 10, 15
  CHECK(printer_model::paper == text(5) + text(12, 2));
  CHECK(g_state.inject_kind == word(printer::Fault::soft));
  CHECK(g_state.resumed == 2);   // the fault after byte 5 of 5 resumed nothing
  // Disarm.
  fake::push(printer::inject, {0, 0});
  fake::push_write(text(30));
  CHECK(run(config) == 0);
  CHECK(g_state.inject_kind == 0);
}

TEST_CASE("PARP0012 a wrong byte on the data lines is found before the strobe: panic, replay",
          "[parport][replay]") {
  // The driver reads the latch back (before every strobe) and compares it with the client's
  // byte fetched again: a mismatch panics, and the replay prints from the persistent index, so
  // the wrong byte never reaches the paper.
  fresh();
  printer_model::latch_glitch_at = 7;   // during the seventh byte
  fake::push_write(text(12));
  CHECK(run() == 1);
  CHECK(printer_model::paper == text(12));
  CHECK(printer_model::violations.empty());
  CHECK(g_state.recoveries == 1);
  CHECK(g_state.resumed == 1);
  CHECK(g_state.printed == 12);
}

TEST_CASE("PARP0013 a swap to the other implementation continues at the byte index it carries",
          "[parport][replay][swap]") {
  // The byte index is in the section the pager carries into the new program with the
  // framework's area (parport.cc, libs/pmem/pdata.ld): the new program's Initialize() adopts it
  // (a swap runs Initialize, not Recover), and the re-issued request continues at the next byte.
  const std::string t = text(40, 3);
  for (unsigned long k : {30ul, 61ul, 95ul}) {   // crashes at port accesses in the middle
    fresh();
    printer_model::crash_at = k;
    fake::push_write(t);
    bool crashed = false;
    try {
      Server s(g_state);
      s.Run();
    } catch (const Crash &) {
      crashed = true;
    }
    REQUIRE(crashed);
    INFO("crash at port access " << k);
    REQUIRE(g_state.done > 0);
    REQUIRE(g_state.done < t.size());
    fake::info.restarts = 1;
    fake::info.last_restart_kind = 6;   // root::Action::swap
    Server next(g_state);
    next.Run();
    CHECK(next.start_kind() == StartKind::swapped);
    CHECK(printer_model::paper == t);   // nothing lost, nothing twice
    CHECK(printer_model::violations.empty());
    REQUIRE(fake::replies.size() == 1);
    CHECK(fake::replies[0][2] == t.size());
  }
  // Without a plausible index (another layout, damaged): a fresh start, as a first one.
  fresh();
  g_state.magic = 0x1234;
  fake::info.restarts = 1;
  fake::info.last_restart_kind = 6;
  fake::push_write("x\n");
  Server s(g_state);
  s.Run();
  CHECK(g_state.magic == parport::state_magic);
  CHECK(g_state.recoveries == 0);
  CHECK(printer_model::paper == "x\n");
}

TEST_CASE("PARP0007 a printer that stays busy: a short write or busy, and printing goes on after",
          "[parport]") {
  fresh();
  parport::Config config;
  config.timeout_ms = 20;
  fake::push_write("abc");
  CHECK(run(config) == 0);
  printer_model::offline = true;
  fake::push_write("def");
  CHECK(run(config) == 0);
  CHECK(printer_model::sleeps == 20);
  REQUIRE(fake::replies.size() == 2);
  CHECK(fake::status_of(fake::replies[1]) == Status::busy);
  CHECK(g_state.stalls == 1);
  // Goes off line after one byte: a short write with the status register.
  printer_model::offline = false;
  printer_model::busy_for = 1000000;
  fake::replies.clear();
  fake::push_write("ghi");
  CHECK(run(config) == 0);
  REQUIRE(fake::replies.size() == 1);
  CHECK(fake::status_of(fake::replies[0]) == Status::ok);
  CHECK(fake::replies[0][2] == 1);
  CHECK((fake::replies[0][3] & parport::st_not_busy) == 0);
  printer_model::busy = false;
  printer_model::busy_for = 3;
  fake::push_write("jkl");
  CHECK(run(config) == 0);
  CHECK(printer_model::paper == "abcgjkl");
  CHECK(printer_model::violations.empty());
}

TEST_CASE("PARP0008 implausible persistent state: a cold start, nothing replayed", "[parport]") {
  fresh();
  fake::push_write("abcdef");
  printer_model::crash_at = 20;   // somewhere in the middle of the write
  try {
    Server s(g_state);
    s.Run();
  } catch (const Crash &) {
  }
  printer_model::crash_at = 0;
  REQUIRE(ServerCore::in_flight().state == InFlight::serving);
  const std::string before = printer_model::paper;
  g_state.done = g_state.length + 5;   // a stray write
  CHECK(run() == 0);
  CHECK(printer_model::paper == before);   // the damaged request is not replayed
  CHECK(fake::replies.empty());
  CHECK(g_state.magic == parport::state_magic);   // Initialize() ran again
  CHECK(g_state.seq == 0);
  CHECK(g_state.recoveries == 0);
}

TEST_CASE("PARP0009 the index belongs to one request: a new one starts at byte 0", "[parport]") {
  fresh();
  fake::push_write("abcd");
  fake::push_write("abcd");   // same length, not a replay
  CHECK(run() == 0);
  CHECK(printer_model::paper == "abcdabcd");
  CHECK(g_state.resumed == 0);
}

TEST_CASE("PARP0010 boot-line arguments", "[parport]") {
  parport::Config c;
  char a0[] = "parport", a1[] = "timeout=250", a2[] = "inject=panic:100:2", a3[] = "bogus";
  char *argv[] = {a0, a1, a2};
  CHECK(parport::parse_args(3, argv, &c));
  CHECK(c.timeout_ms == 250);
  CHECK(c.inject == printer::Fault::panic);
  CHECK(c.inject_after == 100);
  CHECK(c.inject_times == 2);
  char *bad[] = {a0, a3};
  CHECK_FALSE(parport::parse_args(2, bad, &c));
  CHECK(parport::parse_inject("soft:7", &c));
  CHECK(c.inject_times == 1);
  CHECK_FALSE(parport::parse_inject("soft:0", &c));
  CHECK_FALSE(parport::parse_inject("melt:5", &c));
  CHECK_FALSE(parport::parse_inject("crash", &c));
  CHECK_FALSE(parport::parse_inject("crash:5x", &c));
  CHECK_FALSE(parport::parse_inject("crash:5:", &c));
}

TEST_CASE("PARP0011 lpclient's text: deterministic numbered lines", "[parport][lptext]") {
  char a[lptext::max_line], b[lptext::max_line];
  unsigned sum = 0;
  for (unsigned i = 0; i < lptext::line_count; ++i) {
    const unsigned n = lptext::line(i, a);
    REQUIRE(n <= lptext::max_line);
    REQUIRE(n <= printer::max_bytes);
    CHECK(lptext::line(i, b) == n);
    CHECK(std::memcmp(a, b, n) == 0);
    CHECK(a[n - 1] == '\n');
    CHECK(std::string(a, 4) == (i < 10 ? "000" : i < 100 ? "00" : "0") + std::to_string(i));
    sum += n;
  }
  CHECK(lptext::total() == sum);
  CHECK(sum > 4096);   // several KB
}
