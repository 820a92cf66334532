// Page-fault cost seen by a process: touch fresh heap pages and count guest instructions per
// fault (arc::arch::cycles() under -icount shift=0). Booted twice by `tools/arc bench`: once
// paged by its own pager task (P3), once by the root task directly (boot line `pager=root`), so
// the two figures compare the same fault through the two designs. argv[1] names the figure;
// argv[2], if given, is a delay in milliseconds before measuring, so that two instances do not
// interleave.
#include <arc/arch.hh>
#include <arc/proto/process.hh>
#include <arc/start.hh>
#include <arc/sys.hh>
#include <stdio.h>
#include <stdlib.h>

namespace {
using arc::arch::cycles;   // instructions under -icount (rdtsc; the PMU's event 0x08 on armv7)
constexpr unsigned warmup = 16, rounds = 256;
} // namespace

int main(int argc, char **argv) {
  const char *label = argc > 1 ? argv[1] : "p3";
  if (argc > 2) arc::sleep_ms(strtoul(argv[2], nullptr, 10));
  // Far above what malloc uses: pages nobody touched yet.
  volatile char *heap = reinterpret_cast<volatile char *>(arc::proc::heap_base_default + 0x01000000);
  for (unsigned i = 0; i < warmup; ++i) heap[i * 4096] = 1;
  unsigned long long t0 = cycles();
  for (unsigned i = warmup; i < warmup + rounds; ++i) heap[i * 4096] = 1;
  unsigned long long t1 = cycles();
  printf("bench %s pagefault_%s %llu insns\n", arc::arch::name, label, (t1 - t0) / rounds);
  return 0;
}
