// ktest exceptions on ia32: the hooks of the generic tests (exception.cc) and the cases only ia32
// has (ids EXCX86_*).
#include "exception.hh"

using namespace arc;
using namespace ktest;

namespace ktest {
const ExcArch exc_arch = {
    6,                                      // #UD
    3,                                      // #BP
    [](word) { return true; },              // no error code to check
    [](word flags) { return (flags & 0x2) != 0; },   // the always-one bit of EFLAGS
};
} // namespace ktest

ARC_TEST(EXCX86_0001, "divide by zero: vector 0 at the div instruction") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_div0, ep, 0xe4);
  REQUIRE(t);
  ExcMsg m;
  REQUIRE_OK(get_exception(ep, &m));
  REQUIRE_EQ(m.vector, 0ul);
  REQUIRE_EQ(m.ip, word(ktest_div0_insn));
  REQUIRE_OK(resume_at(word(ktest_div0_after), m.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 2ul);
}

ARC_TEST(EXCX86_0002, "hlt at user level: general protection, vector 13, error code 0") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_hlt, ep, 0xe5);
  REQUIRE(t);
  ExcMsg m;
  REQUIRE_OK(get_exception(ep, &m));
  REQUIRE_EQ(m.vector, 13ul);
  REQUIRE_EQ(m.error, 0ul);
  REQUIRE_EQ(m.ip, word(ktest_hlt_insn));
  REQUIRE_OK(resume_at(word(ktest_hlt_after), m.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 4ul);
}
