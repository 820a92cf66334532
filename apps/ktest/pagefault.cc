// Page faults arrive at a user-level pager as IPC (label page_fault: address, IP, access, the
// badge of the pager capability) and the pager's map reply resolves them.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
volatile word &vw(word addr) { return *reinterpret_cast<volatile word *>(addr); }

struct Victim { word addr, value; volatile word result; volatile word done; };
Victim vic;
void load_main(word) { vic.result = ktest_load(vic.addr); }
void store_main(word) { ktest_store(vic.addr, vic.value); }
void exec_main(word) { reinterpret_cast<void (*)()>(vic.addr)(); vic.result = 1; }

// How many faults at exactly addr from badge the generic pager logged since `since`.
unsigned faults_at(unsigned since, word badge, word addr) {
  unsigned n = 0;
  for (unsigned i = since; i < fault_count; ++i) {
    const FaultRecord &f = fault_log[i % fault_log_size];
    if (f.badge == badge && f.addr == addr) ++n;
  }
  return n;
}

// A thread in a fresh space paged by the generic pager with badge `badge`.
CapSlot run_remote(void (*fn)(word), word badge) {
  CapSlot pg;
  CapSlot sp = make_space(badge, &pg);
  if (!sp) return 0;
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  return spawn(fn, 0, o);
}

// PF0013: we page a thread ourselves and answer its fault on fh_page (an ordinary page of ours)
// while a thread at 90 is ready: the answered faulter runs at once only when it outranks it.
struct FaultHand {
  CapSlot ep;
  volatile word ready_ran;   // the ready thread has run
  volatile word seen;        // ready_ran as the faulter found it after its fault
  volatile word done;
};
FaultHand fh;
volatile word fh_cases_over;   // cases finished so far (a watchdog of an earlier one goes)
constexpr word fh_page = 0x4800e000;
constexpr word fh_done = 0x55, fh_watchdog = 0x77;
void fh_faulter(word) {
  fh.seen = 3;   // fh's page in first: after the fault on fh_page nothing else may fault
  (void)ktest_load(fh_page + 8);
  fh.seen = fh.ready_ran;
  fh.done = 1;
  set_tag(fh_done, 0);
  (void)send(5, t_2s);   // our pager's endpoint, slot 5 of this space: the test goes on
}
void fh_ready(word) { fh.ready_ran = 1; }
// Should the faulter of case `n` never say it is done: wakes the test after 500 ms.
void fh_wake(word n) {
  for (int i = 0; i < 50 && fh_cases_over < n; ++i) sleep_ms(10);
  if (fh_cases_over >= n) return;
  set_tag(fh_watchdog, 0);
  (void)send(fh.ep, t_2s);
}

// Serve the faulter's faults (its code, stack and data: ours, mapped one page an answer) until it
// touches fh_page; that answer goes while the thread at 90 is ready. Returns seen, or 2.
word fault_hand_case_run(word faulter_prio, word n);
word fault_hand_case(word faulter_prio) {
  const word n = fh_cases_over + 1;
  const word r = fault_hand_case_run(faulter_prio, n);
  fh_cases_over = n;
  sleep_ms(2);   // the ready thread and the watchdog finish
  return r;
}
word fault_hand_case_run(word faulter_prio, word n) {
  fh = FaultHand{};
  vw(fh_page + 8) = 0x1234;
  fh.ep = make(ObjType::endpoint);
  CapSlot sp = make(ObjType::space, 8);
  if (!fh.ep || !sp || cap_copy(fh.ep, sp, 5, rights::send) != Status::ok) return 2;
  ThreadOpts o;
  o.space = sp;
  o.pager = fh.ep;
  o.prio = faulter_prio;
  if (!spawn(fh_faulter, 0, o)) return 2;
  ThreadOpts w;
  w.prio = 95;
  if (!spawn(fh_wake, n, w)) return 2;
  word badge = 0;
  Status st = recv(fh.ep, &badge, t_2s);
  for (;;) {
    if (st != Status::ok || Tag(u()->mr[0]).label() != label::page_fault) return 2;
    const word addr = u()->mr[1], page = addr & ~word(0xfff);
    touch(addr, u()->mr[3] & fault::write);
    const bool last = page == fh_page;
    if (last) {
      ThreadOpts r;
      r.prio = 90;
      if (!spawn(fh_ready, 0, r) || fh.ready_ran) return 2;   // ready, not run: we outrank it
    }
    set_tag(0, 0, 2);
    u()->mr[1] = fpage(page, 12, fpage_rights::rwx);
    u()->mr[2] = page | item::map;
    // The form the kernel's fault fast path takes: one page, no timeout.
    st = reply_wait(fh.ep, &badge);
    if (last) break;
  }
  const bool ok = st == Status::ok && Tag(u()->mr[0]).label() == fh_done && fh.done;
  return ok ? fh.seen : 2;
}
} // namespace

ARC_TEST(PF0001, "read fault: address, IP, access and badge reach the pager, mapping resolves") {
  vic = Victim{};
  vic.addr = 0x48000120;
  vw(vic.addr) = 0x5a5a5a5a;   // our page: the pager maps it to the faulting space
  unsigned since = fault_count;
  CapSlot t = run_remote(load_main, 0xf1);
  REQUIRE(t);
  REQUIRE(wait_done(t));
  REQUIRE_EQ(vic.result, 0x5a5a5a5aul);
  const FaultRecord *f = find_fault(since, 0xf1, 0x48000000, 0x48001000);
  REQUIRE(f != nullptr);
  REQUIRE_EQ(f->addr, 0x48000120ul);
  REQUIRE_EQ(f->ip, word(ktest_load_insn));
  REQUIRE_EQ(f->access & (fault::read | fault::write), fault::read);
}

ARC_TEST(PF0002, "write fault: access has the write bit, the store lands in the mapped page") {
  vic = Victim{};
  vic.addr = 0x48001040;
  vic.value = 0x77;
  vw(vic.addr) = 0;
  unsigned since = fault_count;
  CapSlot t = run_remote(store_main, 0xf2);
  REQUIRE(t);
  REQUIRE(wait_done(t));
  REQUIRE_EQ(vw(vic.addr), 0x77ul);
  const FaultRecord *f = find_fault(since, 0xf2, 0x48001000, 0x48002000);
  REQUIRE(f != nullptr);
  REQUIRE_EQ(f->addr, 0x48001040ul);
  REQUIRE_EQ(f->ip, word(ktest_store_insn));
  REQUIRE(f->access & fault::write);
}

ARC_TEST(PF0003, "instruction fetch fault: address = IP, not a write") {
  vic = Victim{};
  vic.addr = 0x48002000;
  write_return_stub(vic.addr);
  unsigned since = fault_count;
  CapSlot t = run_remote(exec_main, 0xf3);
  REQUIRE(t);
  REQUIRE(wait_done(t));
  REQUIRE_EQ(vic.result, 1ul);
  const FaultRecord *f = find_fault(since, 0xf3, 0x48002000, 0x48003000);
  REQUIRE(f != nullptr);
  REQUIRE_EQ(f->addr, 0x48002000ul);
  REQUIRE_EQ(f->ip, 0x48002000ul);
  REQUIRE(f->access & (fault::read | fault::exec));
  REQUIRE_EQ(f->access & fault::write, 0ul);
}

ARC_TEST(PF0004, "a reply without a mapping makes the thread fault again") {
  vic = Victim{};
  vic.addr = 0x48003008;
  vw(vic.addr) = 0x3333;
  pager_refuse_page = 0x48003000;
  pager_refuse_count = 2;
  unsigned since = fault_count;
  CapSlot t = run_remote(load_main, 0xf4);
  REQUIRE(t);
  REQUIRE(wait_done(t));
  REQUIRE_EQ(vic.result, 0x3333ul);
  REQUIRE_EQ(faults_at(since, 0xf4, 0x48003008), 3u);
}

ARC_TEST(PF0012, "a one-page answer of a page the pager has not got maps nothing: the thread faults again") {
  // The answer has the form the kernel's fault fast path takes (ipc/fault_fastpath.cc); with
  // nothing mapped at the send fpage it goes to the general path, which passes nothing on.
  vic = Victim{};
  vic.addr = 0x4800c010;
  vw(vic.addr) = 0x4444;
  pager_refuse_page = 0x4800c000;
  pager_unmapped_from = 0x6f000000;   // never touched by us
  pager_unmapped_count = 2;
  unsigned since = fault_count;
  CapSlot t = run_remote(load_main, 0xfc);
  REQUIRE(t);
  REQUIRE(wait_done(t));
  REQUIRE_EQ(vic.result, 0x4444ul);
  REQUIRE_EQ(faults_at(since, 0xfc, 0x4800c010), 3u);
  REQUIRE_EQ(pager_unmapped_count, 0ul);
}

ARC_TEST(PF0013, "a page fault's answer runs the faulter at once only when it outranks every ready thread") {
  REQUIRE_EQ(fault_hand_case(95), 0ul);   // above the ready thread: handed the CPU
  REQUIRE_EQ(fault_hand_case(80), 1ul);   // below it: the ready thread first
  REQUIRE_EQ(fault_hand_case(90), 1ul);   // equal: the one queued first, as the ready queue orders them
}

ARC_TEST(PF0005, "a thread without a pager that faults is halted (dead)") {
  vic = Victim{};
  vic.addr = 0x48104000;   // never touched by us
  ThreadOpts o;
  o.pager = 0;
  CapSlot t = spawn(load_main, 0, o);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::dead, 1000));
  REQUIRE_EQ(thread_done(t), false);
}

ARC_TEST(PF0006, "faults of many threads are told apart by badge") {
  vic = Victim{};
  vic.addr = 0x48005000;
  vw(vic.addr) = 0x66;
  unsigned since = fault_count;
  CapSlot a = run_remote(load_main, 0xf6a);
  REQUIRE(a);
  REQUIRE(wait_done(a));
  CapSlot b = run_remote(load_main, 0xf6b);
  REQUIRE(b);
  REQUIRE(wait_done(b));
  REQUIRE(find_fault(since, 0xf6a, 0x48005000, 0x48006000) != nullptr);
  REQUIRE(find_fault(since, 0xf6b, 0x48005000, 0x48006000) != nullptr);
}

// ---- refusals: a pager that will not map says so, and the kernel does not ask again ----------
namespace {
// Where a handler sends a victim whose fault was refused: it records that and halts.
[[noreturn]] void after_refusal() {
  vic.done = 1;
  for (;;) {
    xregs(cap_self, xr::halt);
    sleep_ms(1000);
  }
}

struct Refused { word badge, untyped, vector, error, ip, sp, addr; };

// The next exception on ep: a refused fault's report, MR1..MR6.
Status get_refused(CapSlot ep, Refused *r) {
  word badge = 0;
  Status st = recv(ep, &badge, t_2s);
  Utcb *ut = u();
  *r = Refused{badge, Tag(ut->mr[0]).untyped(), ut->mr[1], ut->mr[2], ut->mr[3], ut->mr[4], ut->mr[6]};
  return st == Status::ok && Tag(ut->mr[0]).label() != label::exception ? Status::invalid_arg : st;
}

// Answer the page fault waiting on pager_ep with a refusal; its address.
Status refuse_next(CapSlot pager_ep, word reason, word *addr) {
  word badge = 0;
  Status st = recv(pager_ep, &badge, t_2s);
  if (st != Status::ok) return st;
  if (Tag(u()->mr[0]).label() != label::page_fault) return Status::invalid_arg;
  *addr = u()->mr[1];
  set_tag(label::fault_refused, 1);
  u()->mr[1] = reason;
  return reply();
}

// A thread of ours running fn, paged through pager_ep and with handler_ep (0: none) as its
// exception handler, both minted with `badge`.
CapSlot start_refused(CapSlot pager_ep, CapSlot handler_ep, word badge, void (*fn)(word) = load_main) {
  CapSlot pg = slot(), hd = handler_ep ? slot() : 0;
  if (!pg || cap_mint(pager_ep, boot_cap::space, pg, rights::send | rights::grant, badge) != Status::ok)
    return 0;
  if (handler_ep && (!hd || cap_mint(handler_ep, boot_cap::space, hd, rights::send, badge) != Status::ok))
    return 0;
  ThreadOpts o;
  o.pager = pg;
  o.handler = hd;
  return spawn(fn, 0, o);
}

// Answer the refusal's exception: the thread goes on in after_refusal, on its own stack.
Status resume_elsewhere(const Refused &r) {
  set_tag(0, 2);
  u()->mr[1] = word(&after_refusal);
  u()->mr[2] = (r.sp & ~word(15)) - 64;
  return reply();
}
} // namespace

ARC_TEST(PF0007, "a refused fault reaches the handler once: vector, reason, address; it resumes the thread elsewhere") {
  vic = Victim{};
  vic.addr = 0x48106010;   // never touched by us
  CapSlot pep = make(ObjType::endpoint), hep = make(ObjType::endpoint);
  REQUIRE(pep && hep);
  CapSlot t = start_refused(pep, hep, 0xf7);
  REQUIRE(t);
  word addr = 0;
  REQUIRE_OK(refuse_next(pep, refusal::no_such_memory, &addr));
  REQUIRE_EQ(addr, 0x48106010ul);
  Refused r;
  REQUIRE_OK(get_refused(hep, &r));
  REQUIRE_EQ(r.badge, 0xf7ul);
  REQUIRE_EQ(r.untyped, 6ul);
  REQUIRE_EQ(r.vector, exc_vector::fault_refused);
  REQUIRE_EQ(r.error, refusal::no_such_memory);
  REQUIRE_EQ(r.addr, 0x48106010ul);
  REQUIRE_EQ(r.ip, word(ktest_load_insn));
  // Not asked again while the handler decides.
  word badge = 0;
  REQUIRE_EQ(recv(pep, &badge, ipc::timeouts(0, 20)), Status::timeout);
  REQUIRE_OK(resume_elsewhere(r));
  REQUIRE(wait_for(vic.done, 1000));
  REQUIRE_EQ(vic.result, 0ul);   // the load never completed
}

ARC_TEST(PF0008, "a refused fault without a handler stops the thread (dead), the pager asked once") {
  vic = Victim{};
  vic.addr = 0x48107020;
  CapSlot pep = make(ObjType::endpoint);
  REQUIRE(pep);
  CapSlot t = start_refused(pep, 0, 0xf8);
  REQUIRE(t);
  word addr = 0;
  REQUIRE_OK(refuse_next(pep, refusal::exhausted, &addr));
  REQUIRE_EQ(addr, 0x48107020ul);
  REQUIRE(wait_state(t, ThreadState::dead, 1000));
  word badge = 0;
  REQUIRE_EQ(recv(pep, &badge, ipc::timeouts(0, 50)), Status::timeout);
  REQUIRE_EQ(thread_done(t), false);
}

ARC_TEST(PF0009, "sigma0 refuses the null page as no such memory (a null pointer is not a fresh page)") {
  vic = Victim{};
  vic.addr = 0x10;
  CapSlot hep = make(ObjType::endpoint), hd = slot();
  REQUIRE(hep && hd);
  REQUIRE_OK(cap_mint(hep, boot_cap::space, hd, rights::send, 0xf9));
  ThreadOpts o;   // paged by sigma0, as our own threads are
  o.handler = hd;
  CapSlot t = spawn(load_main, 0, o);
  REQUIRE(t);
  Refused r;
  REQUIRE_OK(get_refused(hep, &r));
  REQUIRE_EQ(r.badge, 0xf9ul);
  REQUIRE_EQ(r.vector, exc_vector::fault_refused);
  REQUIRE_EQ(r.error, refusal::no_such_memory);
  REQUIRE_EQ(r.addr, 0x10ul);
  REQUIRE_OK(resume_elsewhere(r));
  REQUIRE(wait_for(vic.done, 1000));
  REQUIRE_EQ(vic.result, 0ul);
}

ARC_TEST(PF0010, "a write to a page mapped read-only reaches the pager with access write and present") {
  vic = Victim{};
  vic.addr = align_down(word(&ktest_load_insn), 4096) + 0x40;   // our code: mapped, read-only
  vic.value = 0xbad;
  const word before = vw(vic.addr);
  CapSlot pep = make(ObjType::endpoint), hep = make(ObjType::endpoint);
  REQUIRE(pep && hep);
  CapSlot t = start_refused(pep, hep, 0xfa, store_main);
  REQUIRE(t);
  word badge = 0;
  REQUIRE_OK(recv(pep, &badge, t_2s));
  REQUIRE_EQ(Tag(u()->mr[0]).label(), label::page_fault);
  REQUIRE_EQ(u()->mr[1], vic.addr);
  REQUIRE_EQ(u()->mr[3] & (fault::write | fault::present), fault::write | fault::present);
  set_tag(label::fault_refused, 1);
  u()->mr[1] = refusal::no_access;
  REQUIRE_OK(reply());
  Refused r;
  REQUIRE_OK(get_refused(hep, &r));
  REQUIRE_EQ(r.error, refusal::no_access);
  REQUIRE_EQ(r.addr, vic.addr);
  REQUIRE_OK(resume_elsewhere(r));
  REQUIRE(wait_for(vic.done, 1000));
  REQUIRE_EQ(vw(vic.addr), before);
}

ARC_TEST(PF0011, "sigma0 refuses a write to the root task's code as access not allowed: the code stays") {
  vic = Victim{};
  vic.addr = align_down(word(&ktest_load_insn), 4096) + 0x80;
  vic.value = 0xbad;
  const word before = vw(vic.addr);
  CapSlot hep = make(ObjType::endpoint), hd = slot();
  REQUIRE(hep && hd);
  REQUIRE_OK(cap_mint(hep, boot_cap::space, hd, rights::send, 0xfb));
  ThreadOpts o;   // paged by sigma0
  o.handler = hd;
  CapSlot t = spawn(store_main, 0, o);
  REQUIRE(t);
  Refused r;
  REQUIRE_OK(get_refused(hep, &r));
  REQUIRE_EQ(r.vector, exc_vector::fault_refused);
  REQUIRE_EQ(r.error, refusal::no_access);
  REQUIRE_EQ(r.addr, vic.addr);
  REQUIRE_EQ(r.ip, word(ktest_store_insn));
  REQUIRE_OK(resume_elsewhere(r));
  REQUIRE(wait_for(vic.done, 1000));
  REQUIRE_EQ(vw(vic.addr), before);
}
