// domtest: the workload of a secure domain in the domain scenarios (tests/qemu/domains): it adds
// 1 to a demo counter every PERIOD ms and says so every 10 adds, so that the log shows the
// domain serving, going silent when its root task fails, and serving again after its monitor
// had it restarted (a new domain: a new counter from 0).
//
//   domtest <label> [PERIOD_MS] [absent=NAME] [counter=NAME]
//
// The counter is the one its domain's name service has under "counter" (or counter=NAME): its own
// domain's, or one another domain's server was granted to it by the boot configuration (`grant`). When the
// counter's endpoint goes (a cold restart of the counter, a restart of the domain that serves it)
// it looks the name up again, and a counter that starts again from 1 is said, not taken for an
// error. absent=NAME: the name service must not have NAME (a server of another domain that was
// not granted), checked once counting has started.
//
// Prints (on the kernel console, like every process of a domain without a console server):
//   DOMTEST <domain>: counting
//   DOMTEST <domain>: counter N         (every 10 adds)
//   DOMTEST <domain>: 'NAME' is not ours to find (not found)
//   DOMTEST <domain>: reconnected (#K), the counter counts again from 1
//   DOMTEST <domain>: ERROR <what>      (an add refused or answered wrong)
#include "../demo/counter_iface.hh"
#include <arc/process.hh>
#include <arc/reconnect.hh>
#include <arc/sys.hh>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

using namespace arc;

int main(int argc, char **argv) {
  const char *domain = argc > 1 ? argv[1] : "?";
  const word period = argc > 2 ? strtoul(argv[2], nullptr, 10) : 20;
  const char *absent = nullptr, *name = demo::counter::service_name;
  for (int i = 3; i < argc; ++i) {
    if (!strncmp(argv[i], "absent=", 7)) absent = argv[i] + 7;
    if (!strncmp(argv[i], "counter=", 8)) name = argv[i] + 8;
  }
  const CapSlot ep = slot_alloc();
  // A granted counter may come later than one of our own: its domain starts in parallel, and a
  // restart of that domain takes a few hundred ms.
  static Connection counter(name, ep, Backoff{10, 200, 10000});
  if (!ep || counter.Connect() != Status::ok) {
    ::printf("DOMTEST %s: ERROR no counter\n", domain);
    return 1;
  }
  ::printf("DOMTEST %s: counting\n", domain);
  word reconnects = 0;
  for (long expected = 1;; ++expected) {
    long value = 0;
    const Status st = counter.Call([&](CapSlot c) { return demo::counter::Client(c).Add(1, &value); });
    if (st == Status::ok && counter.reconnects() != reconnects) {
      reconnects = counter.reconnects();
      if (value == 1) {
        ::printf("DOMTEST %s: reconnected (#%lu), the counter counts again from 1\n", domain, reconnects);
        expected = 1;
      }
    }
    if (st != Status::ok || value != expected) {
      ::printf("DOMTEST %s: ERROR add answered %s, %ld (expected %ld)\n", domain, status_name(st),
               value, expected);
      return 1;
    }
    if (value % 10 == 0) ::printf("DOMTEST %s: counter %ld\n", domain, value);
    if (absent && value == 10) {
      const CapSlot probe = slot_alloc();
      const Status found = probe ? name_lookup(absent, probe) : Status::no_memory;
      if (found == Status::invalid_arg)
        ::printf("DOMTEST %s: '%s' is not ours to find (not found)\n", domain, absent);
      else
        ::printf("DOMTEST %s: ERROR '%s' looked up: %s\n", domain, absent, status_name(found));
      slot_free(probe);
      absent = nullptr;
    }
    sleep_ms(period);
  }
}
