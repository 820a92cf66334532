// ktest exceptions on armv7: the hooks of the generic tests (exception.cc) and the cases only
// armv7 has (ids EXCARM_*). Vectors (docs/kernel-abi.md): 1 undefined instruction, 3 prefetch
// abort (BKPT: IFSR debug event 0x2, IP after the BKPT), 4 data abort that is no MMU fault (DFSR
// as error code).
#include "exception.hh"

using namespace arc;
using namespace ktest;

namespace ktest {
const ExcArch exc_arch = {
    1,                                                    // undefined instruction
    3,                                                    // prefetch abort
    [](word error) { return (error & 0x40f) == 0x2; },    // IFSR: debug event
    [](word flags) { return (flags & 0x3f) == 0x10; },    // CPSR: user mode, ARM state
};
} // namespace ktest

namespace {
word align_site() { return ktest_align(word(&exc) + 1); }
} // namespace

ARC_TEST(EXCARM_0001, "unaligned ldrex: data abort, vector 4, DFSR alignment fault, IP at the load") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(align_site, ep, 0xe4);
  REQUIRE(t);
  ExcMsg m;
  REQUIRE_OK(get_exception(ep, &m));
  REQUIRE_EQ(m.vector, 4ul);
  REQUIRE_EQ(m.error & 0x40f, 0x1ul);           // DFSR: alignment fault
  REQUIRE_EQ(m.ip, word(ktest_align_insn));
  REQUIRE_OK(resume_at(word(ktest_align_after), m.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 2ul);
}

ARC_TEST(EXCARM_0002, "a CP15 access at user level: undefined instruction, vector 1, error 0") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_priv, ep, 0xe5);
  REQUIRE(t);
  ExcMsg m;
  REQUIRE_OK(get_exception(ep, &m));
  REQUIRE_EQ(m.vector, 1ul);
  REQUIRE_EQ(m.error, 0ul);
  REQUIRE_EQ(m.ip, word(ktest_priv_insn));
  REQUIRE_OK(resume_at(word(ktest_priv_after), m.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 4ul);
}
