// domtest: the workload of a secure domain in the domain scenarios (tests/qemu/domains): it adds
// 1 to the demo counter of its domain every PERIOD ms and says so every 10 adds, so that the log
// shows the domain serving, going silent when its root task fails, and serving again after its
// monitor had it restarted (a new domain: a new counter from 0).
//
//   domtest <domain> [PERIOD_MS]
//
// Prints (on the kernel console, like every process of a domain without a console server):
//   DOMTEST <domain>: counting
//   DOMTEST <domain>: counter N         (every 10 adds)
//   DOMTEST <domain>: ERROR <what>      (an add refused or answered wrong)
#include "../demo/counter_iface.hh"
#include <arc/process.hh>
#include <arc/sys.hh>
#include <stdio.h>
#include <stdlib.h>

using namespace arc;

int main(int argc, char **argv) {
  const char *domain = argc > 1 ? argv[1] : "?";
  const word period = argc > 2 ? strtoul(argv[2], nullptr, 10) : 20;
  const CapSlot ep = slot_alloc();
  if (!ep || name_wait(demo::counter::service_name, ep, 10000) != Status::ok) {
    ::printf("DOMTEST %s: ERROR no counter\n", domain);
    return 1;
  }
  demo::counter::Client counter(ep);
  ::printf("DOMTEST %s: counting\n", domain);
  for (long expected = 1;; ++expected) {
    long value = 0;
    const Status st = counter.Add(1, &value);
    if (st != Status::ok || value != expected) {
      ::printf("DOMTEST %s: ERROR add answered %s, %ld (expected %ld)\n", domain, status_name(st),
               value, expected);
      return 1;
    }
    if (value % 10 == 0) ::printf("DOMTEST %s: counter %ld\n", domain, value);
    sleep_ms(period);
  }
}
