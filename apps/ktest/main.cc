// ktest main: run the registered tests (all, or those whose id starts with one of the arguments)
// or the fuzzer (`ktest fuzz N [seed [plant|domains]]`), or sigma0's memory taken to the end
// (`ktest exhaust`), or the instruction counter against a known loop (`ktest insns`).
#include "ktest.hh"
#include <arc/start.hh>

using namespace arc;

extern "C" const ktest::TestCase *const __start_ktest_cases[];
extern "C" const ktest::TestCase *const __stop_ktest_cases[];

namespace ktest {
extern const unsigned expected_tests;   // ARC_TEST lines in the sources (expected_tests.cc)
extern const char *current_id;
extern bool current_failed;
void end_test_cleanup();
bool start_infrastructure();
}

namespace {
bool str_eq(const char *a, const char *b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}
bool starts_with(const char *s, const char *prefix) {
  while (*prefix && *s == *prefix) ++s, ++prefix;
  return !*prefix;
}
} // namespace

int main(int argc, char **argv) {
  // A boot line that repeats the program's name ("<path> ktest ...") passes it on as well.
  if (argc >= 1 && str_eq(argv[0], "ktest")) --argc, ++argv;
  if (argc >= 1 && str_eq(argv[0], "fuzz")) {
    int r = ktest::fuzz_main(argc, argv);
    kd_exit(word(r));
  }
  if (argc >= 1 && str_eq(argv[0], "insns")) kd_exit(word(ktest::insns_main()));
  if (argc >= 1 && str_eq(argv[0], "exhaust")) {
    if (!ktest::start_infrastructure()) kd_exit(1);
    kd_exit(word(ktest::exhaust_main()));
  }
  const unsigned registered = unsigned(__stop_ktest_cases - __start_ktest_cases);
  printf("KTEST: Arc kernel API suite, %u tests registered, %d arguments:", registered, argc);
  for (int i = 0; i < argc; ++i) printf(" '%s'", argv[i]);
  printf("\n");
  if (!ktest::start_infrastructure()) {
    printf("KTEST: cannot start the generic pager\n");
    printf("KTEST: 0 passed, 1 failed, 0 ran of %u registered\n", registered);
    kd_exit(1);
  }
  // The registry against the sources, and ids that must mean one test: a test that does not
  // register, or two with one id, fails the run.
  bool registry_ok = registered == ktest::expected_tests;
  if (!registry_ok)
    printf("KTEST: FAIL %u tests registered but the sources define %u (ARC_TEST lines)\n",
           registered, ktest::expected_tests);
  for (const ktest::TestCase *const *p = __start_ktest_cases; p < __stop_ktest_cases; ++p)
    for (const ktest::TestCase *const *q = __start_ktest_cases; q < p; ++q)
      if (str_eq((*p)->id, (*q)->id)) {
        printf("KTEST: FAIL id %s registered twice\n", (*p)->id);
        registry_ok = false;
      }
  unsigned selected = 0, passed = 0, failed = 0;
  for (const ktest::TestCase *const *p = __start_ktest_cases; p < __stop_ktest_cases; ++p) {
    const ktest::TestCase &tc = **p;
    if (argc > 0) {
      bool want = false;
      for (int i = 0; i < argc; ++i) want |= starts_with(tc.id, argv[i]);
      if (!want) continue;
    }
    ++selected;
    ktest::current_id = tc.id;
    ktest::current_failed = false;
    tc.fn();
    ktest::end_test_cleanup();
    if (ktest::current_failed) {
      ++failed;
    } else {
      ++passed;
      printf("TEST %s ok %s\n", tc.id, tc.name);
    }
  }
  // Every selected test reported once (all of them without arguments).
  unsigned ran = passed + failed;
  bool count_ok = ran == selected && (argc > 0 || ran == registered);
  if (!count_ok)
    printf("KTEST: FAIL %u tests ran, %u were selected of %u registered\n", ran, selected,
           registered);
  printf("KTEST: %u passed, %u failed, %u ran of %u registered\n", passed, failed, ran,
         registered);
  kd_exit(failed || !count_ok || !registry_ok ? 1 : 0);
}
