// ktest main: run the registered tests (all, or those whose id starts with one of the arguments)
// or the fuzzer (`ktest fuzz N [seed]`).
#include "ktest.hh"
#include <arc/start.hh>

using namespace arc;

extern "C" const ktest::TestCase *const __start_ktest_cases[];
extern "C" const ktest::TestCase *const __stop_ktest_cases[];

namespace ktest {
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
  printf("KTEST: Arc kernel API suite, %d tests registered, %d arguments:",
         int(__stop_ktest_cases - __start_ktest_cases), argc);
  for (int i = 0; i < argc; ++i) printf(" '%s'", argv[i]);
  printf("\n");
  if (!ktest::start_infrastructure()) {
    printf("KTEST: cannot start the generic pager\n");
    printf("KTEST: 0 passed, 1 failed\n");
    kd_exit(1);
  }
  unsigned passed = 0, failed = 0;
  for (const ktest::TestCase *const *p = __start_ktest_cases; p < __stop_ktest_cases; ++p) {
    const ktest::TestCase &tc = **p;
    if (argc > 0) {
      bool want = false;
      for (int i = 0; i < argc; ++i) want |= starts_with(tc.id, argv[i]);
      if (!want) continue;
    }
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
  printf("KTEST: %u passed, %u failed\n", passed, failed);
  kd_exit(failed ? 1 : 0);
}
