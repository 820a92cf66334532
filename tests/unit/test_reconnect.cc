// Client recovery (libs/arc/src/reconnect.cc): the back-off, reconnecting after a server's cold
// restart, giving up within the budget, never waiting while down, and one report per outage.
// A fake name service and clock stand in for Arc.
#include <arc/reconnect.hh>

#include <catch2/catch.hpp>
#include <vector>

using arc::Backoff;
using arc::CapSlot;
using arc::Connection;
using arc::ConnectionEnv;
using arc::Status;
using arc::word;

namespace {
struct Fake {
  word now = 0;
  std::vector<word> sleeps;
  unsigned lookups = 0;
  word published_at = ~word(0);   // the name is published from this time on
  Status absent = Status::invalid_arg;
  word endpoint = 0;               // the "capability" a lookup gives: its generation
  word generation = 1;
} fake;

const ConnectionEnv env = {
    [](const char *, CapSlot) {
      ++fake.lookups;
      if (fake.now < fake.published_at) return fake.absent;
      fake.endpoint = fake.generation;
      return Status::ok;
    },
    [](CapSlot) { fake.endpoint = 0; },
    [](word ms) {
      fake.sleeps.push_back(ms);
      fake.now += ms;
    },
    [] { return fake.now; },
};

void reset() { fake = Fake{}; }

// A server call: fails with invalid_cap unless we hold the current generation's endpoint.
Status call(CapSlot) { return fake.endpoint == fake.generation ? Status::ok : Status::invalid_cap; }
} // namespace

TEST_CASE("RECON0001 the back-off doubles up to its cap", "[reconnect]") {
  constexpr Backoff b{10, 100, 1000};
  CHECK(b.delay(0) == 10);
  CHECK(b.delay(1) == 20);
  CHECK(b.delay(3) == 80);
  CHECK(b.delay(4) == 100);
  CHECK(b.delay(40) == 100);   // no overflow however many attempts
  constexpr Backoff zero{0, 5, 10};
  CHECK(zero.delay(0) == 1);
}

TEST_CASE("RECON0002 connect waits for a name published late, within the budget", "[reconnect]") {
  reset();
  fake.published_at = 75;
  Connection c("console", 40, Backoff{10, 1000, 5000}, &env);
  CHECK(c.Connect() == Status::ok);
  CHECK_FALSE(c.down());
  CHECK(fake.sleeps == std::vector<word>{10, 20, 40, 80});   // looked up at 0, 10, 30, 70, 150
  CHECK(c.reconnects() == 0);                            // the first connection is no reconnect
}

TEST_CASE("RECON0003 a call after a cold restart reconnects and runs once more", "[reconnect]") {
  reset();
  fake.published_at = 0;
  Connection c("console", 40, Backoff{10, 1000, 5000}, &env);
  REQUIRE(c.Connect() == Status::ok);
  unsigned runs = 0;
  auto op = [&](CapSlot ep) { ++runs; return call(ep); };
  CHECK(c.Call(op) == Status::ok);
  CHECK(runs == 1);
  ++fake.generation;   // restarted cold: the old endpoint is gone, the new one published
  runs = 0;
  CHECK(c.Call(op) == Status::ok);
  CHECK(runs == 2);
  CHECK(c.reconnects() == 1);
  // Not repeatable: reconnected, but the caller hears of the loss and decides.
  ++fake.generation;
  runs = 0;
  CHECK(c.Call(op, false) == Status::invalid_cap);
  CHECK(runs == 1);
  CHECK(c.Call(op) == Status::ok);   // the new endpoint is already there
}

TEST_CASE("RECON0004 a server gone for good: bounded wait, then no waiting, one report", "[reconnect]") {
  reset();
  fake.published_at = 0;
  Connection c("console", 40, Backoff{10, 100, 1000}, &env);
  REQUIRE(c.Connect() == Status::ok);
  fake.published_at = ~word(0);   // stopped: its name gives nothing any more
  ++fake.generation;
  fake.sleeps.clear();
  const word t0 = fake.now;
  CHECK(c.Call(call) == Status::invalid_cap);
  CHECK(c.down());
  CHECK(fake.now - t0 == 1000);          // waited exactly the budget
  for (word s : fake.sleeps) CHECK(s <= 100);
  CHECK(c.FirstFailure());
  CHECK_FALSE(c.FirstFailure());         // reported once per outage
  // While down, a call makes one quick look-up and no wait.
  fake.sleeps.clear();
  const unsigned before = fake.lookups;
  CHECK(c.Call(call) == Status::invalid_cap);
  CHECK(fake.sleeps.empty());
  CHECK(fake.lookups == before + 1);
  // It comes back: the next call finds it, and a later outage is reported again.
  fake.published_at = 0;
  CHECK(c.Call(call) == Status::ok);
  CHECK_FALSE(c.down());
  CHECK(c.FirstFailure());
}

TEST_CASE("RECON0005 no name service: no waiting", "[reconnect]") {
  reset();
  fake.absent = Status::invalid_cap;   // proc::names empty: nobody to ask, ever
  Connection c("console", 40, Backoff{10, 100, 1000}, &env);
  CHECK(c.Connect() == Status::invalid_cap);
  CHECK(fake.sleeps.empty());
  CHECK(c.down());
}

TEST_CASE("RECON0006 a request the server's restart cancelled is sent again", "[reconnect]") {
  reset();
  fake.published_at = 0;
  Connection c("console", 40, Backoff{10, 100, 1000}, &env);
  REQUIRE(c.Connect() == Status::ok);
  unsigned runs = 0;
  auto op = [&](CapSlot) { return ++runs == 1 ? Status::cancelled : Status::ok; };
  CHECK(c.Call(op) == Status::ok);
  CHECK(runs == 2);
  CHECK(fake.lookups == 1);   // no look-up: the endpoint is good
  runs = 0;
  CHECK(c.Call(op, false) == Status::cancelled);   // not repeatable: the caller decides
  CHECK(runs == 1);
}

TEST_CASE("RECON0007 a reconnect re-opens what the client had (a session) before the retry", "[reconnect]") {
  reset();
  fake.published_at = 0;
  Connection c("fs", 40, Backoff{10, 100, 1000}, &env);
  REQUIRE(c.Connect() == Status::ok);
  static unsigned reopened;
  static Status reopen_result;
  reopened = 0;
  reopen_result = Status::ok;
  c.OnReconnect([](void *, CapSlot) { ++reopened; return reopen_result; }, nullptr);
  CHECK(c.Call(call) == Status::ok);
  CHECK(reopened == 0);            // no reconnect, nothing to re-open
  ++fake.generation;
  CHECK(c.Call(call) == Status::ok);
  CHECK(reopened == 1);
  ++fake.generation;
  reopen_result = Status::no_memory;   // the session cannot be had again: the call says so
  unsigned runs = 0;
  CHECK(c.Call([&](CapSlot ep) { ++runs; return call(ep); }) == Status::no_memory);
  CHECK(runs == 1);
}

TEST_CASE("RECON0008 connecting in steps: no waiting, paced by the back-off, bounded", "[reconnect]") {
  reset();
  fake.published_at = 300;
  Connection c("console", 40, Backoff{10, 100, 1000}, &env);
  // Steps every 5 ms: a look-up only when the back-off says one is due (at 0, 10, 30, 70, 150,
  // 250, then every 100 ms), and never a sleep.
  unsigned busy = 0;
  Status st = Status::busy;
  for (; st == Status::busy; fake.now += 5) {
    st = c.ConnectStep(3000);
    busy += st == Status::busy;
  }
  CHECK(st == Status::ok);
  CHECK(fake.now == 355);                     // found at 350, the first look-up due after 300
  CHECK(fake.lookups == 7);                   // 0, 10, 30, 70, 150, 250, 350
  CHECK(busy == 70);
  CHECK(fake.sleeps.empty());
  CHECK_FALSE(c.down());
  CHECK(c.Call(call) == Status::ok);

  // Gone: a new window of its own. Once its budget is spent the connection is down and every
  // step is one quick look-up.
  reset();
  Connection d("console", 40, Backoff{10, 100, 1000}, &env);
  for (st = Status::busy; st == Status::busy; fake.now += 5) st = d.ConnectStep(200);
  CHECK(st == Status::invalid_arg);
  CHECK(fake.now == 205);
  CHECK(d.down());
  const unsigned before = fake.lookups;
  CHECK(d.ConnectStep(200) == Status::invalid_arg);
  CHECK(fake.lookups == before + 1);
  CHECK(fake.sleeps.empty());

  // No name service: no point in stepping again later.
  reset();
  fake.absent = Status::invalid_cap;
  Connection e("console", 40, Backoff{10, 100, 1000}, &env);
  CHECK(e.ConnectStep(3000) == Status::invalid_cap);
  CHECK(e.down());
}

TEST_CASE("RECON0009 after a loss, stepping starts a fresh budget", "[reconnect]") {
  reset();
  fake.published_at = 0;
  Connection c("console", 40, Backoff{10, 100, 1000}, &env);
  REQUIRE(c.ConnectStep(50) == Status::ok);
  fake.now = 10000;                           // long after the first window
  fake.published_at = ~word(0);
  CHECK(c.ConnectStep(50) == Status::busy);   // a new window: looked up, not yet given up
  fake.now += 60;
  CHECK(c.ConnectStep(50) == Status::invalid_arg);
  CHECK(c.down());
}

namespace {
// The name service's waiting lookup (names::find_wait): answered when the name is published, if
// that is within ms; `wait_refused`: it has no place and answers at once, as a lookup would.
bool wait_refused = false;
unsigned waits = 0;
const ConnectionEnv wait_env = {
    env.lookup, env.clear, env.sleep, env.now_ms,
    [](const char *, CapSlot, word ms) {
      ++waits;
      if (wait_refused) return fake.absent;
      if (fake.published_at > fake.now + ms) {   // not in time: the call times out
        fake.now += ms;
        return Status::timeout;
      }
      if (fake.published_at > fake.now) fake.now = fake.published_at;
      fake.endpoint = fake.generation;
      return Status::ok;
    },
};
} // namespace

TEST_CASE("RECON0010 connect waits for the name itself, not for the back-off's next look-up", "[reconnect]") {
  reset();
  wait_refused = false;
  waits = 0;
  fake.published_at = 75;
  Connection c("console", 40, Backoff{10, 1000, 5000}, &wait_env);
  CHECK(c.Connect() == Status::ok);
  CHECK(fake.now == 75);          // the moment it was published (sleeping: at 150, RECON0002)
  CHECK(fake.sleeps.empty());
  CHECK(waits == 4);              // 0-10, 10-30, 30-70 timed out, the fourth answered at 75
  CHECK(fake.lookups == 4);       // one plain look-up before each wait
  CHECK(call(c.endpoint()) == Status::ok);
  // Never published: the budget still bounds the whole.
  reset();
  waits = 0;
  Connection d("console", 40, Backoff{10, 100, 1000}, &wait_env);
  CHECK(d.Connect() == Status::invalid_arg);
  CHECK(fake.now >= 1000);
  CHECK(fake.now < 1100);
  CHECK(d.down());
}

TEST_CASE("RECON0011 a name service with no place for the wait: the back-off's pace, slept", "[reconnect]") {
  reset();
  wait_refused = true;
  waits = 0;
  fake.published_at = 75;
  Connection c("console", 40, Backoff{10, 1000, 5000}, &wait_env);
  CHECK(c.Connect() == Status::ok);
  wait_refused = false;
  CHECK(fake.sleeps == std::vector<word>{10, 20, 40, 80});   // as without waiting (RECON0002)
  CHECK(waits == 4);
}
