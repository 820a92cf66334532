// ktest support: failure reports, capability slots, helper threads, spaces and the generic pager.
#include "ktest.hh"

using namespace arc;

extern "C" char __executable_start[];

namespace ktest {

// ---- failures ----------------------------------------------------------------------------
const char *current_id = "?";
bool current_failed = false;

const char *status_name(Status s) {
  static const char *const names[] = {"ok", "invalid_cap", "no_rights", "invalid_arg",
                                      "no_memory", "timeout", "no_partner", "partner_gone",
                                      "cancelled", "not_supported", "busy", "bad_syscall"};
  return word(s) < word(Status::count) ? names[word(s)] : "?";
}

void fail(const char *file, int line, const char *expr, word got, Kind kind) {
  const char *base = file;
  for (const char *p = file; *p; ++p)
    if (*p == '/') base = p + 1;
  if (current_failed) return;   // first failure only
  current_failed = true;
  if (kind == Kind::plain)
    printf("TEST %s FAIL %s:%d %s (got false)\n", current_id, base, line, expr);
  else if (kind == Kind::status)
    printf("TEST %s FAIL %s:%d %s (got %s(%lu))\n", current_id, base, line, expr,
           status_name(Status(got)), got);
  else
    printf("TEST %s FAIL %s:%d %s (got %lu = 0x%lx)\n", current_id, base, line, expr, got, got);
}

// ---- slots -------------------------------------------------------------------------------
namespace {
bool used[slots::test_end];
CapSlot taken[slots::test_end];   // this test's slots in the order taken
unsigned n_taken;
CapSlot next_perm = slots::perm_first;
} // namespace

CapSlot slot_end = slots::test_end;   // lowered by start_infrastructure to our cspace's size

CapSlot slot() {
  for (CapSlot s = slots::test_first; s < slot_end; ++s) {
    if (used[s]) continue;
    used[s] = true;
    taken[n_taken++] = s;
    cap_delete(s);   // in case an earlier test left something behind
    return s;
  }
  return 0;
}

CapSlot perm_slot() { return next_perm < slots::test_first ? next_perm++ : 0; }

CapSlot make(ObjType type, word arg, Status *st) {
  CapSlot s = slot();
  Status r = s ? create(boot_cap::factory, type, s, arg) : Status::no_memory;
  if (st) *st = r;
  return r == Status::ok ? s : 0;
}

// ---- threads -----------------------------------------------------------------------------
namespace {
constexpr unsigned n_stacks = 24;
constexpr word stack_size = 8192;
alignas(4096) char stacks[n_stacks][stack_size];

struct ThreadSlot {
  void (*fn)(word);
  word arg;
  volatile word done;
  CapSlot cap;        // 0 while unused
  bool busy;
  bool perm;          // infrastructure thread: never freed
};
ThreadSlot pool[n_stacks];

[[noreturn, gnu::used]] void thread_entry(ThreadSlot *t) {
  t->fn(t->arg);
  t->done = 1;
  for (;;) {
    xregs(cap_self, xr::halt);
    sleep_ms(1000);
  }
}
} // namespace

bool prepare(void (*fn)(word), word arg, word *ip, word *sp, int *index) {
  for (unsigned i = 0; i < n_stacks; ++i) {
    ThreadSlot &t = pool[i];
    if (t.busy) continue;
    t.busy = true;
    t.fn = fn;
    t.arg = arg;
    t.done = 0;
    t.cap = 0;
    arch_start_frame(word(stacks[i + 1]) - 16, word(&thread_entry), word(&t), ip, sp);
    *index = int(i);
    return true;
  }
  return false;
}

CapSlot spawn(void (*fn)(word), word arg, const ThreadOpts &o) {
  word ip, sp;
  int idx;
  if (!prepare(fn, arg, &ip, &sp, &idx)) return 0;
  CapSlot t = make(ObjType::thread);
  if (!t) return 0;
  pool[idx].cap = t;
  if (thread_ctl(t, ThreadOp::bind_space, o.space) != Status::ok) return 0;
  if (o.pager && thread_ctl(t, ThreadOp::set_pager, o.pager) != Status::ok) return 0;
  if (o.handler && thread_ctl(t, ThreadOp::set_handler, o.handler) != Status::ok) return 0;
  if (thread_ctl(t, ThreadOp::set_priority, o.prio, o.slice) != Status::ok) return 0;
  if (o.start && thread_ctl(t, ThreadOp::start, ip, sp) != Status::ok) return 0;
  return t;
}

bool thread_done(CapSlot thread) {
  for (auto &t : pool)
    if (t.busy && t.cap == thread) return t.done;
  return false;
}

bool wait_for(const volatile word &flag, word ms) {
  word start = kd_ticks();
  while (!flag) {
    if (kd_ticks() - start > ms) return false;
    sleep_ms(1);
  }
  return true;
}

bool wait_done(CapSlot thread, word ms) {
  for (auto &t : pool)
    if (t.busy && t.cap == thread) return wait_for(t.done, ms);
  return false;
}

ThreadState state_of(CapSlot thread) {
  Result r = thread_info(thread);
  return r.ok() ? ThreadState(r.r[0]) : ThreadState(~word(0));
}

bool wait_state(CapSlot thread, ThreadState s, word ms) {
  word start = kd_ticks();
  while (state_of(thread) != s) {
    if (kd_ticks() - start > ms) return false;
    sleep_ms(1);
  }
  return true;
}

// Called by main after each test.
void end_test_cleanup() {
  while (n_taken) {
    CapSlot s = taken[--n_taken];
    cap_delete(s);
    used[s] = false;
  }
  for (auto &t : pool)
    if (!t.perm) t.busy = false;
  utcb()->rcv_window = 0;
  utcb()->rcv_cap_slot = 0;
  pager_refuse_page = 0;
  pager_refuse_count = 0;
  pager_unmapped_count = 0;
}

// ---- memory --------------------------------------------------------------------------------
word align_down(word a, word size) { return a & ~(size - 1); }

namespace {
// Our own ELF program headers (on ia32 the first loaded page holds the ELF header): a page in a
// read-only segment must only be read-touched (sigma0 refuses a write to a page mapped read-only).
struct Ehdr { unsigned char ident[16]; unsigned short type, machine; word version, entry, phoff,
              shoff, flags; unsigned short ehsize, phentsize, phnum, shentsize, shnum, shstrndx; };
struct Phdr { word type, offset, vaddr, paddr, filesz, memsz, flags, align; };

// Where the headers are not loaded (the ARM link puts .text on the first page), the writable
// part starts at the page of __data_start (a weak reference: not every link defines it).
extern "C" char __data_start[] __attribute__((weak));

bool read_only(word addr) {
  const auto *eh = reinterpret_cast<const Ehdr *>(__executable_start);
  if (eh->ident[0] != 0x7f || eh->ident[1] != 'E')
    return __data_start && addr >= word(__executable_start) && addr < align_down(word(__data_start), 4096);
  const auto *ph = reinterpret_cast<const Phdr *>(__executable_start + eh->phoff);
  for (unsigned i = 0; i < eh->phnum; ++i) {
    if (ph[i].type != 1) continue;   // PT_LOAD
    word lo = align_down(ph[i].vaddr, 4096), hi = ph[i].vaddr + ph[i].memsz;
    if (addr >= lo && addr < hi) return !(ph[i].flags & 2);   // PF_W
  }
  return false;
}
} // namespace

void touch(word addr, bool write) {
  if (addr >= user_top) return;
  if (write && !read_only(addr))
    __atomic_fetch_or(reinterpret_cast<word *>(addr & ~word(3)), 0, __ATOMIC_RELAXED);
  else
    (void)*reinterpret_cast<volatile const char *>(addr);
}

// ---- generic pager -------------------------------------------------------------------------
volatile unsigned fault_count;
FaultRecord fault_log[fault_log_size];
volatile word pager_refuse_page;
volatile word pager_refuse_count;
volatile word pager_unmapped_count;
volatile word pager_unmapped_from;

const FaultRecord *find_fault(unsigned since, word badge, word lo, word hi) {
  unsigned end = fault_count;
  if (end - since > fault_log_size) since = end - fault_log_size;
  for (unsigned i = end; i-- > since;) {
    const FaultRecord &f = fault_log[i % fault_log_size];
    if (f.badge == badge && f.addr >= lo && f.addr < hi) return &f;
  }
  return nullptr;
}

namespace {
void pager_main(word) {
  Utcb *u = utcb();
  word badge = 0;
  Status st = recv(slots::pager_ep, &badge);
  for (;;) {
    if (st != Status::ok) {
      st = recv(slots::pager_ep, &badge);
      continue;
    }
    Tag t(u->mr[0]);
    if (t.label() != label::page_fault) {   // not for us: drop it, the sender stays blocked
      st = recv(slots::pager_ep, &badge);
      continue;
    }
    word addr = u->mr[1], ip = u->mr[2], access = u->mr[3];
    FaultRecord &f = fault_log[fault_count % fault_log_size];
    f = FaultRecord{badge, addr, ip, access};
    fault_count = fault_count + 1;
    word page = align_down(addr, 4096);
    if (addr >= user_top) {   // cannot be resolved: leave the thread waiting for its reply
      st = recv(slots::pager_ep, &badge);
      continue;
    }
    if (pager_refuse_count && page == pager_refuse_page) {
      pager_refuse_count = pager_refuse_count - 1;
      u->mr[0] = Tag(0, 0, 0).raw;
    } else if (pager_unmapped_count && page == pager_refuse_page) {
      pager_unmapped_count = pager_unmapped_count - 1;
      u->mr[0] = Tag(0, 0, 2).raw;
      u->mr[1] = fpage(pager_unmapped_from, 12, fpage_rights::rwx);
      u->mr[2] = page | item::map;
    } else {
      touch(addr, access & fault::write);
      u->mr[0] = Tag(0, 0, 2).raw;
      u->mr[1] = fpage(page, 12, fpage_rights::rwx);
      u->mr[2] = page | item::map;
    }
    st = reply_wait(slots::pager_ep, &badge);
  }
}
} // namespace

bool start_infrastructure() {
  if (create(boot_cap::factory, ObjType::endpoint, slots::pager_ep) != Status::ok) return false;
  // How many slots does our cspace have? Try the last one of each power-of-two size.
  for (slot_end = slots::test_end; slot_end > slots::test_first * 2; slot_end /= 2) {
    Status st = cap_copy(slots::pager_ep, boot_cap::space, slot_end - 1, rights::all);
    cap_delete(slot_end - 1);
    if (st == Status::ok) break;
  }
  word ip, sp;
  int idx;
  if (!prepare(pager_main, 0, &ip, &sp, &idx)) return false;
  pool[idx].perm = true;   // the pager's stack is never returned to the pool
  if (create(boot_cap::factory, ObjType::thread, slots::pager_thread) != Status::ok) return false;
  pool[idx].cap = slots::pager_thread;
  if (thread_ctl(slots::pager_thread, ThreadOp::bind_space, boot_cap::space) != Status::ok ||
      thread_ctl(slots::pager_thread, ThreadOp::set_pager, boot_cap::pager) != Status::ok ||
      thread_ctl(slots::pager_thread, ThreadOp::set_priority, 100, 10) != Status::ok ||
      thread_ctl(slots::pager_thread, ThreadOp::start, ip, sp) != Status::ok)
    return false;
  return true;
}

CapSlot make_space(word badge, CapSlot *pager) {
  CapSlot sp = make(ObjType::space, 8);
  if (!sp) return 0;
  CapSlot p = slot();
  if (!p || cap_mint(slots::pager_ep, boot_cap::space, p, rights::send | rights::grant, badge) !=
                Status::ok)
    return 0;
  *pager = p;
  return sp;
}

} // namespace ktest
