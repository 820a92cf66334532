// Fault injector for restart scenarios: asks the reincarnation monitor (root task) to arm a
// fault in a server, again and again. Usage (boot line):
//   injector -- <server> crash|hang|panic|corrupt|stall <after N> <times> <interval ms> [step]
// With `step`, N counts steps inside the server's handlers (arc::fault_step) instead of requests:
// the fault strikes in the middle of a request.
// <server> is the process name of the boot line (what the monitor knows), not a service name.
#include <arc/process.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

using namespace arc;

namespace {
// Entries in the monitor's restart log so far.
word restarts_logged() {
  word n = 0;
  Utcb *u = utcb();
  for (; n < 64; ++n) {
    u->mr[0] = Tag(root::restarts, 1, 0).raw;
    u->mr[1] = n;
    if (call(proc::root) != Status::ok || u->mr[1] != word(Status::ok)) break;
  }
  return n;
}
} // namespace

int main(int argc, char **argv) {
  const bool steps = argc == 7 && !strcmp(argv[6], "step");
  if (argc != 6 && !steps) {
    ::printf("injector: usage: injector <server> <fault> <after> <times> <interval ms> [step]\n");
    return 1;
  }
  const word kind = inject_kind(argv[2]);
  const word after = strtoul(argv[3], nullptr, 10), times = strtoul(argv[4], nullptr, 10),
             interval = strtoul(argv[5], nullptr, 10);
  if (!kind) {
    ::printf("injector: unknown fault '%s'\n", argv[2]);
    return 1;
  }
  word armed = 0;
  for (word i = 0; i < times; ++i) {
    sleep_ms(interval);
    const word before = restarts_logged();
    const word at = steps ? server_label::inject_at_step : server_label::inject_at_request;
    // The server may not serve yet (or be restarting): try again for a while.
    bool ok = false;
    for (unsigned attempt = 0; attempt < 200 && !ok; ++attempt) {
      if (attempt) sleep_ms(10);
      ok = inject_fault(argv[1], kind, after, at) == Status::ok;
    }
    if (!ok) continue;
    ++armed;
    // One fault at a time: wait until the monitor has logged it before arming the next (an
    // armed trigger would otherwise just be re-armed).
    for (unsigned waited = 0; waited < 5000 && restarts_logged() == before; waited += 10) sleep_ms(10);
  }
  ::printf("INJECTOR: %lu of %lu %s faults armed in %s%s\n", armed, times, argv[2], argv[1],
           steps ? " (in handler steps)" : "");
  return 0;
}
