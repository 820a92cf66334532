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
  unsigned n = 0;
  for (unsigned i = since; i < fault_count; ++i) {
    const FaultRecord &f = fault_log[i % fault_log_size];
    if (f.badge == 0xf4 && f.addr == 0x48003008) ++n;
  }
  REQUIRE_EQ(n, 3u);
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
