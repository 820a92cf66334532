// ktest: the in-Arc kernel API test suite.
//
// A test is a function registered with ARC_TEST(ID, "name"); main() runs them in link order
// (one file per kernel feature, see CMakeLists.txt) and prints one line per test:
//
//   TEST IPC0001 ok call and reply, same space
//   TEST IPC0002 FAIL ipc.cc:57 st == Status::ok (got timeout(5))
//
// then `KTEST: <N> passed, <M> failed, <R> ran of <T> registered` and exits through kdebug with 0
// when nothing failed and the counts agree, 1 otherwise. The counts agree when every selected test
// reported once (without arguments: every registered test), the tests registered are as many as
// the ARC_TEST lines of the sources (count-tests.cmake), and no id is registered twice; a
// `KTEST: FAIL ...` line says which did not.
//
// An id means the same test on every architecture: generic tests take the feature's prefix
// (EXC0001), tests only one architecture has add the architecture (EXCX86_0001, EXCARM_0001).
//
// REQUIRE* checks stop the test at the first failure (they `return` from the test function), so
// they may only be used in the test function itself. Helper threads record what they saw in
// shared variables and the test function checks those.
//
// Every capability slot a test takes with ktest::slot() and every thread it starts with
// ktest::spawn() is deleted when the test ends, pass or fail, so tests do not leak into each
// other.
#pragma once
#include <arc/sys.hh>
#include "arch.hh"

namespace ktest {

using arc::word;
using arc::CapSlot;
using arc::Status;

// ---- registry ----------------------------------------------------------------------------
struct TestCase {
  const char *id;
  const char *name;
  void (*fn)();
};

#define ARC_TEST(ID, NAME)                                                                     \
  static void ID##_fn();                                                                      \
  static const ::ktest::TestCase ID##_case{#ID, NAME, ID##_fn};                               \
  [[gnu::used, gnu::section("ktest_cases")]] static const ::ktest::TestCase *const ID##_ptr = \
      &ID##_case;                                                                             \
  static void ID##_fn()

// ---- checks ------------------------------------------------------------------------------
// Values are printed as words; statuses also by name.
inline word as_word(word v) { return v; }
inline word as_word(Status s) { return word(s); }
inline word as_word(arc::ThreadState s) { return word(s); }
inline word as_word(arc::ObjType t) { return word(t); }
inline word as_word(int v) { return word(v); }
inline word as_word(unsigned v) { return word(v); }
inline word as_word(bool v) { return v; }
inline word as_word(long long v) { return word(v); }
inline word as_word(unsigned long long v) { return word(v); }
template <typename T> inline word as_word(T *p) { return word(p); }

enum class Kind { plain, status, other };
inline Kind kind_of(Status) { return Kind::status; }
template <typename T> inline Kind kind_of(const T &) { return Kind::other; }

void fail(const char *file, int line, const char *expr, word got, Kind kind);
const char *status_name(Status s);

#define REQUIRE(cond)                                                                         \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      ::ktest::fail(__FILE__, __LINE__, #cond, 0, ::ktest::Kind::plain);                      \
      return;                                                                                 \
    }                                                                                         \
  } while (0)

#define REQUIRE_EQ(a, b)                                                                      \
  do {                                                                                        \
    auto _ka = (a);                                                                           \
    auto _kb = (b);                                                                           \
    if (!(_ka == _kb)) {                                                                      \
      ::ktest::fail(__FILE__, __LINE__, #a " == " #b, ::ktest::as_word(_ka),                  \
                    ::ktest::kind_of(_ka));                                                   \
      return;                                                                                 \
    }                                                                                         \
  } while (0)

#define REQUIRE_NE(a, b)                                                                      \
  do {                                                                                        \
    auto _ka = (a);                                                                           \
    auto _kb = (b);                                                                           \
    if (_ka == _kb) {                                                                         \
      ::ktest::fail(__FILE__, __LINE__, #a " != " #b, ::ktest::as_word(_ka),                  \
                    ::ktest::kind_of(_ka));                                                   \
      return;                                                                                 \
    }                                                                                         \
  } while (0)

// Where the ABI leaves two answers reasonable (docs/kernel-abi.md decides), accept either.
#define REQUIRE_ONE_OF(a, b, c)                                                               \
  do {                                                                                        \
    auto _ka = (a);                                                                           \
    if (!(_ka == (b) || _ka == (c))) {                                                        \
      ::ktest::fail(__FILE__, __LINE__, #a " in {" #b ", " #c "}", ::ktest::as_word(_ka),     \
                    ::ktest::kind_of(_ka));                                                   \
      return;                                                                                 \
    }                                                                                         \
  } while (0)

// a <= v <= b
#define REQUIRE_RANGE(v, lo, hi)                                                              \
  do {                                                                                        \
    auto _kv = (v);                                                                           \
    decltype(_kv) _klo = (lo), _khi = (hi);                                                   \
    if (_kv < _klo || _kv > _khi) {                                                           \
      ::ktest::fail(__FILE__, __LINE__, #lo " <= " #v " <= " #hi, ::ktest::as_word(_kv),      \
                    ::ktest::Kind::plain);                                                    \
      return;                                                                                 \
    }                                                                                         \
  } while (0)

#define REQUIRE_OK(expr) REQUIRE_EQ((expr), ::arc::Status::ok)

// ---- capability slots ----------------------------------------------------------------------
// Infrastructure slots (alive for the whole run).
namespace slots {
constexpr CapSlot pager_ep = 16;      // endpoint served by the generic pager thread
constexpr CapSlot pager_thread = 17;
constexpr CapSlot perm_first = 18;    // more permanent slots from here (perm_slot())
constexpr CapSlot test_first = 32;    // per-test slots (slot())
constexpr CapSlot test_end = 256;
}
// A free slot, deleted again when the current test ends. 0 when none is left.
CapSlot slot();
CapSlot perm_slot();
// Create an object in a fresh slot (0 on failure; the status in *st if given).
CapSlot make(arc::ObjType type, word arg = 0, Status *st = nullptr);

// ---- threads -----------------------------------------------------------------------------
struct ThreadOpts {
  CapSlot space = arc::boot_cap::space;
  CapSlot pager = arc::boot_cap::pager;   // slot in our cspace; 0 = none
  CapSlot handler = 0;                    // slot in our cspace; 0 = none
  word prio = 100;
  word slice = 10;
  bool start = true;
};
// Start fn(arg) in a new thread on a stack of its own; the thread halts itself when fn returns
// (thread_done() then says so). Returns the thread's capability slot, 0 on failure.
CapSlot spawn(void (*fn)(word), word arg, const ThreadOpts &o = ThreadOpts());
// The stack top and entry point spawn() would use (for tests that start threads themselves).
bool thread_done(CapSlot thread);
// Entry point and initial stack pointer for a thread that runs fn(arg) (stack from the pool).
bool prepare(void (*fn)(word), word arg, word *ip, word *sp, int *index);

// Wait (sleeping 1 ms at a time) until flag is non-zero or ms milliseconds passed.
bool wait_for(const volatile word &flag, word ms = 2000);
bool wait_done(CapSlot thread, word ms = 2000);
// Wait until the thread reaches the given state (thread_ctl info).
bool wait_state(CapSlot thread, arc::ThreadState s, word ms = 2000);
arc::ThreadState state_of(CapSlot thread);

// ---- spaces ------------------------------------------------------------------------------
// A new space (2^8 slots) whose faults the generic pager answers by mapping our own page at the
// same address: threads in it run our code and see our globals. *pager gets an endpoint
// capability minted with `badge` for its threads' set_pager.
CapSlot make_space(word badge, CapSlot *pager);

// The generic pager's log of faults it saw.
struct FaultRecord { word badge, addr, ip, access; };
constexpr unsigned fault_log_size = 64;
extern volatile unsigned fault_count;                // total, never reset
extern FaultRecord fault_log[fault_log_size];       // fault_log[i % size]
// Faults at this page are answered without a mapping the first `refuse_count` times.
extern volatile word pager_refuse_page;
extern volatile word pager_refuse_count;
// The next pager_unmapped_count faults on pager_refuse_page are answered with a one-page map
// item of pager_unmapped_from, a page the pager has not got: nothing can be mapped.
extern volatile word pager_unmapped_count;
extern volatile word pager_unmapped_from;
// Find the newest logged fault at an address in [lo, hi) from the given badge, seen at or after
// index `since` (a value of fault_count). Returns null when there is none.
const FaultRecord *find_fault(unsigned since, word badge, word lo, word hi);

// ---- exchange registers ------------------------------------------------------------------
// abi.hh declares both a namespace arc::exregs (the flags) and sys.hh a function arc::exregs,
// which cannot coexist; ktest calls the system call directly so it builds whichever is renamed.
namespace xr {
constexpr word set_ip = 1, set_sp = 2, set_flags = 4, abort_ipc = 8, halt = 16, resume = 32;
}
// -> r[0] old ip, r[1] old sp, r[2] old flags, r[3] state
inline arc::Result xregs(CapSlot thread, word flags, word ip = 0, word sp = 0, word uf = 0) {
  return arc::syscall(arc::Sys::exregs, thread, flags, ip, sp, uf);
}

// ---- misc --------------------------------------------------------------------------------
inline arc::Utcb *u() { return arc::utcb(); }
inline void set_tag(word label, unsigned untyped, unsigned typed = 0) {
  u()->mr[0] = arc::Tag(label, untyped, typed).raw;
}
inline arc::Tag tag() { return arc::Tag(u()->mr[0]); }
inline arc::Result thread_info(CapSlot t) {
  return arc::syscall(arc::Sys::thread_ctl, t, word(arc::ThreadOp::info));
}
// An empty slot: identify says invalid_cap or type none (docs/kernel-abi.md decides which).
inline bool is_empty(CapSlot s) {
  arc::Result r = arc::cap_identify(s);
  return r.status == Status::invalid_cap ||
         (r.status == Status::ok && r.r[0] == word(arc::ObjType::none));
}
// Make sure a page of ours is mapped (write-touch unless it is in our text).
void touch(word addr, bool write);
word align_down(word a, word size);

// ---- per architecture (arch/<arch>/) -------------------------------------------------------
// Fault sites in arch/<arch>/sites.S: the instruction at the *_insn label faults.
extern "C" {
word ktest_load(word addr);      // a word load from addr
word ktest_store(word addr, word v);
extern char ktest_load_insn[], ktest_store_insn[];
}
// The initial IP and SP of a thread that runs entry(arg) on a stack ending at top.
void arch_start_frame(word top, word entry, word arg, word *ip, word *sp);
// Write a function at addr that just returns (for instruction-fetch faults).
void write_return_stub(word addr);
// Some bits that differ from run to run (the fuzzer's default seed).
word entropy();
// BootInfo::arch of this architecture ("ia32", "armv7").
extern const char arch_name[];
// Do user-level flags as exregs reports them (EFLAGS, CPSR) say user mode with interrupts on?
bool user_flags_ok(word flags);

// The interrupt source of the IRQ tests (arch/<arch>/board-<board>.cc): a device the kernel
// does not use, which user level can make interrupt.
struct IrqSource {
  unsigned timer_line;      // the kernel's timer line (irq_ctl get says busy)
  unsigned line;            // the device's line
  word wait_ms;             // longest wait for the first interrupt after start()
  bool (*setup)();          // give us access to the device (per test)
  void (*start)();          // make it interrupt
  void (*clear)();          // acknowledge at the device, so it may interrupt again soon
  void (*stop)();           // quiet, nothing pending
};
extern const IrqSource irq_source;

// Run by main for `ktest fuzz N [seed]`.
int fuzz_main(int argc, char **argv);
// Run by main for `ktest exhaust`: sigma0's memory taken to the last frame (exhaust.cc).
int exhaust_main();
int insns_main();   // `ktest insns` (perfmon.cc): the instruction counter against a known loop

} // namespace ktest
