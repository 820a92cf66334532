// The reincarnation monitor's decisions (servers/root/monitor.cc) on the host: policies from real
// boot configuration lines, a fake clock, and the root task's other parts (domain restarts,
// reboot, renewals, the console) replaced by recorders.
#include "monitor.hh"

#include <catch2/catch.hpp>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

using arc::root::Action;
using arc::root::Cause;
using arc::root::Outcome;

namespace {
arc::word g_now;
std::string g_out;           // what the monitor printed
unsigned g_domains, g_reboots;
} // namespace

namespace arc {
int printf(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  const int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  g_out += buf;
  return n;
}
} // namespace arc

namespace rt {
word now_ms() { return g_now; }
bool domain_restart_later(Process *, word) { return ++g_domains, true; }
void reboot_machine(const char *) { ++g_reboots; }
void renew_done(Process *, bool, word) {}
} // namespace rt

namespace {

struct Fixture {
  std::unique_ptr<bootcfg::Config> cfg = std::make_unique<bootcfg::Config>();
  rt::Process p;
  explicit Fixture(const std::string &line) {
    REQUIRE(bootcfg::parse(line.data(), line.size(), *cfg, nullptr) == 0);
    rt::monitor_forget_histories();
    g_now = 1000;
    g_out.clear();
    g_domains = g_reboots = 0;
    p.pid = 2;
    std::strcpy(p.name, "srv");
    p.state = arc::root::PState::running;
    p.config = &cfg->servers[0];
  }
  // The restart log outlives a case: what one left pending would be found by the next.
  ~Fixture() {
    while (rt::monitor_restarting(&p)) rt::monitor_restarted(&p, 0, Action::hot, ~arc::word(0));
  }
  Action fail(Cause c = Cause::crash, arc::word dt = 100) {
    g_now += dt;
    return rt::monitor_decide(&p, c, 0x10, 0x8048000).action;
  }
};

} // namespace

TEST_CASE("MON0001 no policy: stopped (logged), an exit is no failure (not logged)", "[monitor]") {
  Fixture f("server srv srv\n");
  CHECK(f.fail(Cause::exit) == Action::stop);
  CHECK(g_out.empty());
  CHECK(f.fail(Cause::crash) == Action::stop);
  CHECK(g_out.find("srv (pid 2): crash at 10 ip 8048000; no restart policy: stopped") !=
        std::string::npos);
}

TEST_CASE("MON0002 the ladder: each kind until its intensity is used up, then the next", "[monitor]") {
  Fixture f("server srv srv restart=hot,warm,cold intensity=2/10s\n");
  CHECK(f.fail() == Action::hot);
  CHECK(f.fail() == Action::hot);
  CHECK(f.fail() == Action::warm);
  CHECK(g_out.find("srv: 2 restarts in 10000 ms: escalating to warm restarts") != std::string::npos);
  CHECK(f.fail() == Action::warm);
  CHECK(f.fail() == Action::cold);
  CHECK(f.fail() == Action::cold);
  CHECK(f.fail() == Action::stop);   // the ladder is used up: on-exhausted=stop
  CHECK(g_out.find("restart policy exhausted (stop)") != std::string::npos);
  CHECK(f.p.restarts == 6);
}

TEST_CASE("MON0003 failures further apart than the window never escalate", "[monitor]") {
  Fixture f("server srv srv restart=hot,cold intensity=2/10s\n");
  for (int i = 0; i < 10; ++i) CHECK(f.fail(Cause::crash, 6000) == Action::hot);
  CHECK(g_out.find("escalating") == std::string::npos);
}

TEST_CASE("MON0004 corrupt persistent memory passes over hot and warm", "[monitor]") {
  Fixture f("server srv srv restart=hot,warm,cold,group\n");
  CHECK(f.fail(Cause::crash) == Action::hot);
  CHECK(f.fail(Cause::corrupt) == Action::cold);
  CHECK(g_out.find("hot and warm restarts passed over") != std::string::npos);
  Fixture g("server srv srv restart=hot,warm\n");
  CHECK(g.fail(Cause::corrupt) == Action::stop);   // nothing but rungs that keep it
}

TEST_CASE("MON0010 corrupt persistent memory stops at the swap rung; a failed pager passes it over",
          "[monitor]") {
  Fixture f("server srv srv restart=hot,warm,swap,cold alternates=srv2\n");
  CHECK(f.fail(Cause::crash) == Action::hot);
  CHECK(f.fail(Cause::corrupt) == Action::swap);   // the other program starts from its own image
  CHECK(g_out.find("hot and warm restarts passed over") != std::string::npos);
  Fixture g("server srv srv restart=hot,warm,swap,cold alternates=srv2\n");
  CHECK(g.fail(Cause::pager) == Action::cold);     // a swap needs the pager
}

TEST_CASE("MON0009 a failed pager passes over hot and warm: what they keep was the pager's", "[monitor]") {
  Fixture f("server srv srv restart=hot,warm,cold,group\n");
  CHECK(f.fail(Cause::pager) == Action::cold);
  CHECK(g_out.find("srv: its pager failed: hot and warm restarts passed over") != std::string::npos);
  CHECK(g_out.find("srv (pid 2): its pager failed at 10 ip 8048000; cold restart #1") !=
        std::string::npos);
  Fixture g("server srv srv restart=hot,warm on-exhausted=domain\n");
  CHECK(g.fail(Cause::pager) == Action::stop);   // the name service's case: its policy's end
  CHECK(g_domains == 1);
  Fixture h("server srv srv\n");
  CHECK(h.fail(Cause::pager) == Action::stop);   // no policy: stopped
}

TEST_CASE("MON0005 the back-off doubles within the window, capped, and starts again after", "[monitor]") {
  Fixture f("server srv srv restart=hot intensity=10/10s backoff=50ms backoff-max=300ms\n");
  arc::word seen[5];
  for (arc::word &b : seen) {
    g_now += 100;
    b = rt::monitor_decide(&f.p, Cause::crash, 0, 0).backoff_ms;
  }
  CHECK(seen[0] == 50);
  CHECK(seen[1] == 100);
  CHECK(seen[2] == 200);
  CHECK(seen[3] == 300);
  CHECK(seen[4] == 300);
  CHECK(g_out.find("srv: back-off 200 ms before the restart") != std::string::npos);
  g_now += 20000;   // a quiet window: from the first step again
  CHECK(rt::monitor_decide(&f.p, Cause::crash, 0, 0).backoff_ms == 50);
  Fixture g("server srv srv restart=hot backoff=70ms\n");
  g_now += 1;
  CHECK(rt::monitor_decide(&g.p, Cause::crash, 0, 0).backoff_ms == 70);
  CHECK(rt::monitor_decide(&g.p, Cause::crash, 0, 0).backoff_ms == 70);   // constant
}

TEST_CASE("MON0006 an exhausted ladder: domain restart or reboot as the policy says", "[monitor]") {
  Fixture f("server srv srv restart=hot intensity=1/10s on-exhausted=domain\n");
  CHECK(f.fail() == Action::hot);
  CHECK(f.fail() == Action::stop);
  CHECK(g_domains == 1);
  Fixture g("server srv srv restart=hot intensity=1/10s on-exhausted=reboot\n");
  CHECK(g.fail() == Action::hot);
  CHECK(g.fail() == Action::stop);
  CHECK(g_reboots == 1);
}

TEST_CASE("MON0007 the restart log records a kill as a failure with its kind and outcome", "[monitor]") {
  Fixture f("server srv srv restart=hot,cold intensity=1/10s\n");
  CHECK(f.fail(Cause::killed) == Action::hot);
  CHECK(rt::monitor_restarting(&f.p));
  rt::monitor_restarted(&f.p, 1234, Action::hot, 3);
  CHECK_FALSE(rt::monitor_restarting(&f.p));
  CHECK(g_out.find("srv (pid 2): killed at 10 ip 8048000; hot restart #1") != std::string::npos);
  // The newest entries are at the end of the ring.
  unsigned n = 0;
  rt::LogEntry e{}, last{};
  while (rt::monitor_log(n, &e)) last = e, ++n;
  REQUIRE(n > 0);
  CHECK(last.pid == 2);
  CHECK(last.cause == Cause::killed);
  CHECK(last.action == Action::hot);
  CHECK(last.outcome == Outcome::done);
  CHECK(last.insns == 1234);
}

TEST_CASE("MON0008 a renewal takes the first hot or warm kind and never escalates", "[monitor]") {
  Fixture f("server srv srv restart=cold,warm intensity=1/10s renew-every=500ms\n");
  const rt::RenewReason why{false, 600, 500};
  for (int i = 0; i < 5; ++i) CHECK(rt::monitor_renew(&f.p, why) == Action::warm);
  CHECK(g_out.find("escalating") == std::string::npos);
  CHECK(f.fail() == Action::cold);   // the ladder is where it was: its first rung
}
