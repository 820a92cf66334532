// swapbench: what the framework's record of deferred requests (the one a swap re-issues,
// docs/restarts.md "Swap") costs a request. The same deferred round trip to two instances of
// defer-echo, one recording and one not, in alternating batches, counted in guest instructions
// (arc::arch::cycles() under -icount shift=0, `tools/arc bench`); the direct round trip (no
// deferral) for scale. Each figure in one printf call: `bench <arch> <name> <value> <unit>`.
#include "echo_iface.hh"

#include <arc/arch.hh>
#include <arc/process.hh>
#include <arc/server.hh>

#include <stdio.h>

using namespace arc;

namespace {
using arc::arch::cycles;
constexpr unsigned warmup = 32, batch = 128, batches = 8;

// `n` calls of `label` to ep; the instructions they took, 0 when one failed.
unsigned long long timed(CapSlot ep, word label, unsigned n) {
  const unsigned long long t0 = cycles();
  for (unsigned i = 0; i < n; ++i) {
    Rpc rpc(label);
    rpc.put(i);
    if (rpc.call(ep) != Status::ok || rpc.result(0) != i + 1) {
      ::printf("SWAPBENCH: ERROR: call %u (label %#lx) failed\n", i, label);
      return 0;
    }
  }
  return cycles() - t0;
}
} // namespace

int main() {
  const CapSlot rec = slot_alloc(), norec = slot_alloc();
  if (name_wait("echo-rec", rec, 10000) != Status::ok ||
      name_wait("echo-norec", norec, 10000) != Status::ok) {
    ::printf("SWAPBENCH: ERROR: echo-rec or echo-norec not found\n");
    return 1;
  }
  // Every path warm (pages faulted in, the servers' first requests done) before counting.
  if (!timed(rec, swapbench::deferred, warmup) || !timed(norec, swapbench::deferred, warmup) ||
      !timed(rec, swapbench::direct, warmup))
    return 1;
  unsigned long long with = 0, without = 0, direct = 0;
  for (unsigned b = 0; b < batches; ++b) {
    const unsigned long long w = timed(rec, swapbench::deferred, batch);
    const unsigned long long o = timed(norec, swapbench::deferred, batch);
    const unsigned long long d = timed(rec, swapbench::direct, batch);
    if (!w || !o || !d) return 1;
    with += w, without += o, direct += d;
  }
  const unsigned n = batch * batches;
  const char *a = arc::arch::name;
  ::printf("bench %s deferred_call_recorded %llu insns\n", a, with / n);
  ::printf("bench %s deferred_call_unrecorded %llu insns\n", a, without / n);
  ::printf("bench %s direct_call %llu insns\n", a, direct / n);
  // Hundredths of a percent, printed as a percentage with two decimals (no floating point).
  const long long diff = static_cast<long long>(with) - static_cast<long long>(without);
  const long long bp = without ? diff * 10000 / static_cast<long long>(without) : 0;
  ::printf("bench %s deferred_record_overhead %s%lld.%02lld percent\n", a, bp < 0 ? "-" : "",
           (bp < 0 ? -bp : bp) / 100, (bp < 0 ? -bp : bp) % 100);
  ::printf("SWAPBENCH: done\n");
  return 0;
}
