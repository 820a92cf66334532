// sleeper: says it is there, then sleeps until someone ends it. The shell test starts it with
// `start sleeper` and ends it with `kill <pid>`: a process that neither exits nor crashes.
//   SLEEPER: pid N sleeping
// `sleeper MS`: a timer for scenarios: sleeps MS milliseconds, says so and ends.
//   SLEEPER: pid N awake after MS ms
#include <arc/libc.h>
#include <arc/proto/process.hh>
#include <arc/start.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  const arc::proc::Info *info = arc::proc_info();
  const unsigned long pid = info ? info->pid : 0;
  if (argc == 2) {
    const unsigned long ms = strtoul(argv[1], nullptr, 10);
    arc::sleep_ms(ms);
    // To the kernel console: this line marks time, whatever became of the console server.
    char line[64];
    const int n = snprintf(line, sizeof(line), "SLEEPER: pid %lu awake after %lu ms\n", pid, ms);
    arc_kd_console_write(line, n > 0 ? size_t(n) : 0);
    return 0;
  }
  printf("SLEEPER: pid %lu sleeping\n", pid);
  fflush(stdout);
  for (;;) arc::sleep_ms(1000000);
}
