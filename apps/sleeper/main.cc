// sleeper: says it is there, then sleeps until someone ends it. The shell test starts it with
// `start sleeper` and ends it with `kill <pid>`: a process that neither exits nor crashes.
//   SLEEPER: pid N sleeping
#include <arc/proto/process.hh>
#include <arc/start.hh>
#include <arc/sys.hh>

#include <stdio.h>

int main(int, char **) {
  const arc::proc::Info *info = arc::proc_info();
  printf("SLEEPER: pid %lu sleeping\n", info ? info->pid : 0);
  fflush(stdout);
  for (;;) arc::sleep_ms(1000000);
}
