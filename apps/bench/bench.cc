// bench: guest instructions per kernel operation.
//
// Run as the root task under `-icount shift=0,sleep=off`, where one TSC tick (ia32) and one count
// of the PMU's instruction event (armv7) is one guest instruction, so differences of
// arc::arch::cycles() count instructions. Each figure is the mean over `iters`
// operations after a warm-up. Output lines: `bench <arch> <name> <value> <unit>`.
#include <arc/arch.hh>
#include <arc/sys.hh>

using namespace arc;

namespace {
constexpr unsigned warmup = 100, iters = 2000;
constexpr word forever_t = ipc::timeouts(ipc::t_never, ipc::t_never);

// The time stamp of <arc/arch.hh>: rdtsc on ia32, the kernel's PMU instruction counter (event
// 0x08) on armv7; under -icount shift=0 both count guest instructions, kernel and user alike.
constexpr const char *arch_name = arch::name;
inline unsigned long long rdtsc() { return arch::cycles(); }

void report(const char *name, unsigned long long total, unsigned n) {
  unsigned long long avg = (total + n / 2) / n;
  printf("bench %s %s %llu insns\n", arch_name, name, avg);
}

// ---- threads and slots ---------------------------------------------------------------------
CapSlot next_slot = boot_cap::first_free;
CapSlot new_slot() { return next_slot++; }

alignas(16) char stacks[4][8192];
unsigned next_stack;

CapSlot start_thread(void (*entry)(), CapSlot space, CapSlot pager, word prio) {
  CapSlot t = new_slot();
  word sp = word(stacks[next_stack++] + sizeof(stacks[0])) - 16;
  if (create(boot_cap::factory, ObjType::thread, t) != Status::ok ||
      thread_ctl(t, ThreadOp::bind_space, space) != Status::ok ||
      thread_ctl(t, ThreadOp::set_pager, pager) != Status::ok ||
      thread_ctl(t, ThreadOp::set_priority, prio, 10) != Status::ok ||
      thread_ctl(t, ThreadOp::start, word(entry), sp) != Status::ok) {
    printf("bench: cannot start a thread\n");
    kd_exit(1);
  }
  return t;
}

// ---- echo server: reply_wait forever on the endpoint in its own slot `server_ep` ----------
volatile CapSlot server_ep;
[[noreturn]] void server_entry() {
  const CapSlot ep = server_ep;
  word badge;
  Status st = recv(ep, &badge, forever_t);
  for (;;) {
    if (st != Status::ok) {
      st = recv(ep, &badge, forever_t);
      continue;
    }
    utcb()->mr[0] = Tag(0, 1, 0).raw;
    st = reply_wait(ep, &badge, forever_t);
  }
}

// ---- pager for the other space: maps our page at the same address --------------------------
CapSlot pager_ep;
[[noreturn]] void pager_entry() {
  Utcb *u = utcb();
  word badge;
  Status st = recv(pager_ep, &badge, forever_t);
  for (;;) {
    if (st != Status::ok || Tag(u->mr[0]).label() != label::page_fault) {
      st = recv(pager_ep, &badge, forever_t);
      continue;
    }
    word page = u->mr[1] & ~word(0xfff);
    (void)*reinterpret_cast<volatile char *>(page);   // ours is mapped (pre-touched or text)
    u->mr[0] = Tag(0, 0, 2).raw;
    u->mr[1] = fpage(page, 12, fpage_rights::rwx);
    u->mr[2] = page | item::map;
    st = reply_wait(pager_ep, &badge, forever_t);
  }
}

unsigned long long call_loop(CapSlot ep, unsigned n) {
  Utcb *u = utcb();
  unsigned long long t0 = rdtsc();
  for (unsigned i = 0; i < n; ++i) {
    u->mr[0] = Tag(1, 1, 0).raw;
    u->mr[1] = i;
    call(ep, forever_t);
  }
  return rdtsc() - t0;
}

// ---- page faults -----------------------------------------------------------------------------
constexpr word fault_area = 0x50000000;
volatile unsigned long long fault_total;
volatile word fault_done;
[[noreturn]] void faulter_entry() {
  unsigned long long total = 0;
  for (unsigned i = 0; i < warmup + iters; ++i) {
    volatile word *p = reinterpret_cast<volatile word *>(fault_area + i * 4096);
    unsigned long long t0 = rdtsc();
    (void)*p;
    unsigned long long t1 = rdtsc();
    if (i >= warmup) total += t1 - t0;
  }
  fault_total = total;
  fault_done = 1;
  for (;;) sleep_ms(1000);
}
} // namespace

int main(int, char **) {
  printf("bench: %u iterations after %u warm-up\n", iters, warmup);

  // Same space.
  CapSlot ep = new_slot();
  if (create(boot_cap::factory, ObjType::endpoint, ep) != Status::ok) kd_exit(1);
  server_ep = ep;
  start_thread(server_entry, boot_cap::space, boot_cap::pager, 100);
  call_loop(ep, warmup);
  report("ipc_call_rtt_same_space", call_loop(ep, iters), iters);

  // Cross space: the same server code in another space, paged by us.
  pager_ep = new_slot();
  CapSlot space = new_slot(), ep2 = new_slot();
  if (create(boot_cap::factory, ObjType::endpoint, pager_ep) != Status::ok ||
      create(boot_cap::factory, ObjType::space, space, 8) != Status::ok ||
      create(boot_cap::factory, ObjType::endpoint, ep2) != Status::ok ||
      cap_copy(ep2, space, 5, rights::recv) != Status::ok)
    kd_exit(1);
  start_thread(pager_entry, boot_cap::space, boot_cap::pager, 100);
  server_ep = 5;   // the slot in the server's own space (globals are shared through the pager)
  start_thread(server_entry, space, pager_ep, 100);
  call_loop(ep2, warmup);
  report("ipc_call_rtt_cross_space", call_loop(ep2, iters), iters);

  // Page faults resolved by a user-level pager: our pages, pre-touched, mapped one at a time.
  for (unsigned i = 0; i < warmup + iters; ++i)
    *reinterpret_cast<volatile word *>(fault_area + i * 4096) = i;
  CapSlot space2 = new_slot();
  if (create(boot_cap::factory, ObjType::space, space2, 8) != Status::ok) kd_exit(1);
  start_thread(faulter_entry, space2, pager_ep, 100);
  while (!fault_done) sleep_ms(5);
  report("pagefault_user_pager", fault_total, iters);

  // Reading one's own perfmon counter.
  perfmon(cap_self, PerfOp::config, 0, event::cycles);
  for (unsigned i = 0; i < warmup; ++i) perfmon(cap_self, PerfOp::read, 0);
  unsigned long long t0 = rdtsc();
  for (unsigned i = 0; i < iters; ++i) perfmon(cap_self, PerfOp::read, 0);
  report("perfmon_read", rdtsc() - t0, iters);

  kd_exit(0);
}
