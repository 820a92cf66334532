// sleeper: says it is there, then sleeps until someone ends it. The shell test starts it with
// `start sleeper` and ends it with `kill <pid>`: a process that neither exits nor crashes.
//   SLEEPER: pid N sleeping
// `sleeper MS`: a timer for scenarios: sleeps MS milliseconds, says so and ends.
//   SLEEPER: pid N awake after MS ms
// `sleeper hog`: takes heap memory, a MiB at a time, until its pager has no more to give (the
// pager says `no memory for the page`, and the process's policy decides what follows).
//   SLEEPER: pid N taking memory
#include <arc/libc.h>
#include <arc/proto/process.hh>
#include <arc/start.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const arc::proc::Info *info = arc::proc_info();
  const unsigned long pid = info ? info->pid : 0;
  if (argc == 2 && !strcmp(argv[1], "hog")) {
    printf("SLEEPER: pid %lu taking memory\n", pid);
    fflush(stdout);
    for (unsigned mib = 1;; ++mib) {
      char *p = static_cast<char *>(malloc(1u << 20));
      if (!p) {   // the heap window ended first: not what this mode is for
        printf("SLEEPER: malloc refused after %u MiB\n", mib - 1);
        return 1;
      }
      memset(p, 0x5a, 1u << 20);
    }
  }
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
