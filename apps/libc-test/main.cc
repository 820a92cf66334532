// libc-test: newlib inside Arc, booted as the root task (sigma0 is its pager).
//
// Checks formatted output (printf to the console, snprintf into buffers, floating point), the
// heap (malloc/free/realloc/calloc of many sizes: every new heap page is a page fault that sigma0
// answers with a fresh zero page), C++ new/delete, strtol, qsort, sscanf, the string functions
// on unaligned buffers, errno through the system-call glue, and time. Prints
// "LIBC: N passed, M failed" and ends the QEMU run with status 0 when nothing failed.
#include <arc/libc.h>
#include <arc/sys.hh>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <new>

namespace {

int passed, failed;

void check(bool ok, const char *what, int line) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    printf("LIBC FAIL line %d: %s\n", line, what);
  }
}
#define CHECK(cond) check((cond), #cond, __LINE__)

bool fmt_is(const char *expected, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool fmt_is(const char *expected, const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  const int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n == int(strlen(expected)) && strcmp(buf, expected) == 0) return true;
  printf("LIBC: format \"%s\" gave \"%s\" (%d), want \"%s\"\n", fmt, buf, n, expected);
  return false;
}

uint32_t rng = 12345;
uint32_t next_random() {
  rng = rng * 1103515245u + 12345u;
  return rng >> 8;
}

void test_printf() {
  CHECK(fmt_is("42 -7 ff 0x1f 00017", "%d %i %x %#x %05u", 42, -7, 255u, 31u, 17u));
  CHECK(fmt_is("[  abc] [abc  ] [ab]", "[%5s] [%-5s] [%.2s]", "abc", "abc", "abcdef"));
  CHECK(fmt_is("-9223372036854775807 18446744073709551615", "%lld %llu",
               -9223372036854775807LL, 18446744073709551615ULL));
  CHECK(fmt_is("z %", "%c %%", 'z'));
#ifdef _WANT_IO_C99_FORMATS   // our ia32 build has them; Debian's ARM newlib does not
  CHECK(fmt_is("12345678 3", "%zu %hhd", size_t(12345678), 259));
#endif
  CHECK(fmt_is("0xdeadbeef", "%p", reinterpret_cast<void *>(0xdeadbeef)));
  const char *volatile null_string = nullptr;
  CHECK(fmt_is("(null)", "%s", null_string));

  // Truncation: the return value is what would have been written.
  char small[8];
  CHECK(snprintf(small, sizeof(small), "%s", "0123456789") == 10);
  CHECK(strcmp(small, "0123456") == 0);
  CHECK(snprintf(nullptr, 0, "%d", 123456) == 6);

  // Floating point: the x87 through the kernel's lazy FPU switch.
  CHECK(fmt_is("3.142 -0.50 1.000000e+06 2.5", "%.3f %.2f %e %g", 3.14159265, -0.5, 1e6, 2.5));
  volatile double x = 1.0;
  for (int i = 0; i < 10; ++i) x = x * 3.0 / 2.0;
  CHECK(fmt_is("57.665", "%.3f", x));

  // stdout itself: line buffered, written through the glue to the kernel console.
  const int n = printf("LIBC: printf to stdout works (%s, %d)\n", "newlib", 2024);
  CHECK(n == int(strlen("LIBC: printf to stdout works (newlib, 2024)\n")));
  CHECK(fputs("LIBC: fputs to stderr works\n", stderr) >= 0);
  CHECK(fflush(stdout) == 0);
  // One write longer than a kdebug(puts) chunk (256 bytes): comes out in pieces, in order.
  char line[400];
  memset(line, '=', sizeof(line));
  memcpy(line, "LIBC: long line ", 16);
  line[sizeof(line) - 2] = '|';
  line[sizeof(line) - 1] = '\n';
  CHECK(write(1, line, sizeof(line)) == ssize_t(sizeof(line)));
}

void test_malloc() {
  void *base, *brk0, *limit;
  arc_heap_info(&base, &brk0, &limit);
  CHECK(base != nullptr && limit > base);

  // Many sizes at once, each filled with its own pattern, then checked and freed out of order.
  constexpr int count = 400;
  static unsigned char *blocks[count];
  static size_t sizes[count];
  bool all_ok = true;
  for (int i = 0; i < count; ++i) {
    sizes[i] = (i % 7 == 0) ? (next_random() % 20000) : (next_random() % 300) + 1;
    blocks[i] = static_cast<unsigned char *>(malloc(sizes[i]));
    if (!blocks[i] || reinterpret_cast<uintptr_t>(blocks[i]) % 8 != 0) all_ok = false;
    else memset(blocks[i], i & 0xff, sizes[i]);
  }
  CHECK(all_ok);
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = pass; i < count; i += 2) {
      bool ok = blocks[i] != nullptr;
      for (size_t j = 0; ok && j < sizes[i]; ++j) ok = blocks[i][j] == (i & 0xff);
      if (!ok) all_ok = false;
      free(blocks[i]);
      blocks[i] = nullptr;
    }
  }
  CHECK(all_ok);

  // A big block: hundreds of fresh heap pages, each one a page fault answered by sigma0.
  constexpr size_t big = 3 << 20;
  auto *p = static_cast<uint32_t *>(malloc(big));
  CHECK(p != nullptr);
  if (p) {
    for (size_t i = 0; i < big / 4; i += 1024) p[i] = uint32_t(i * 2654435761u);
    bool ok = true;
    for (size_t i = 0; i < big / 4; i += 1024) ok = ok && p[i] == uint32_t(i * 2654435761u);
    CHECK(ok);
    void *brk1;
    arc_heap_info(nullptr, &brk1, nullptr);
    CHECK(static_cast<char *>(brk1) - static_cast<char *>(brk0) >= ptrdiff_t(big));
    free(p);   // may give the top of the heap back (sbrk with a negative increment)
  }

  // calloc zeroes, realloc keeps the contents.
  auto *z = static_cast<unsigned char *>(calloc(1000, 3));
  bool zero = z != nullptr;
  for (int i = 0; zero && i < 3000; ++i) zero = z[i] == 0;
  CHECK(zero);
  auto *r = static_cast<char *>(malloc(10));
  strcpy(r, "realloc!");
  r = static_cast<char *>(realloc(r, 100000));
  CHECK(r != nullptr && strcmp(r, "realloc!") == 0);
  free(r);
  free(z);

  // More than the heap holds: malloc says no (ENOMEM), it does not crash.
  errno = 0;
  void *huge = malloc(ARC_HEAP_DEFAULT_SIZE + (1 << 20));
  CHECK(huge == nullptr && errno == ENOMEM);
}

struct Counted {
  static int live;
  int value;
  explicit Counted(int v) : value(v) { ++live; }
  ~Counted() { --live; }
};
int Counted::live;

void test_new() {
  Counted *c = new Counted(7);
  CHECK(c->value == 7 && Counted::live == 1);
  delete c;
  CHECK(Counted::live == 0);
  int *a = new int[1000]();
  bool zero = true;
  for (int i = 0; i < 1000; ++i) zero = zero && a[i] == 0;
  CHECK(zero);
  delete[] a;
  struct alignas(64) Wide { char b[64]; };
  Wide *w = new Wide;
  CHECK(reinterpret_cast<uintptr_t>(w) % 64 == 0);
  delete w;
  struct alignas(16) Vec { float f[4]; };
  bool aligned16 = true;
  for (int i = 0; i < 20; ++i) {
    Vec *v = new Vec[i + 1];
    aligned16 = aligned16 && reinterpret_cast<uintptr_t>(v) % 16 == 0;
    delete[] v;
  }
  CHECK(aligned16);
  alignas(Counted) unsigned char storage[sizeof(Counted)];
  Counted *placed = new (storage) Counted(3);
  CHECK(static_cast<void *>(placed) == storage && placed->value == 3);
  placed->~Counted();
}

void test_strtol_scanf() {
  char *end;
  CHECK(strtol("  -1234xyz", &end, 10) == -1234 && strcmp(end, "xyz") == 0);
  CHECK(strtol("0x1f", nullptr, 0) == 31);
  CHECK(strtol("077", nullptr, 0) == 63);
  CHECK(strtol("zz", nullptr, 36) == 35 * 36 + 35);
  CHECK(strtoul("4294967295", nullptr, 10) == 4294967295ul);
  errno = 0;
  CHECK(strtol("99999999999999999999", nullptr, 10) == LONG_MAX && errno == ERANGE);
  CHECK(strtoll("-9000000000", nullptr, 10) == -9000000000LL);
  CHECK(atoi("  56") == 56);

  int a = 0;
  unsigned b = 0;
  char word[16] = {};
  CHECK(sscanf("12 ff hello", "%d %x %15s", &a, &b, word) == 3);
  CHECK(a == 12 && b == 255 && strcmp(word, "hello") == 0);
  CHECK(toupper('q') == 'Q' && isdigit('7') && !isalpha('7'));
}

int compare_ints(const void *a, const void *b) {
  const int x = *static_cast<const int *>(a), y = *static_cast<const int *>(b);
  return (x > y) - (x < y);
}
int compare_strs(const void *a, const void *b) {
  return strcmp(*static_cast<const char *const *>(a), *static_cast<const char *const *>(b));
}

void test_qsort() {
  constexpr int n = 2000;
  static int v[n];
  long long sum = 0;
  for (int i = 0; i < n; ++i) sum += v[i] = int(next_random() % 100000) - 50000;
  qsort(v, n, sizeof(v[0]), compare_ints);
  bool sorted = true;
  long long after = 0;
  for (int i = 0; i < n; ++i) {
    after += v[i];
    if (i && v[i - 1] > v[i]) sorted = false;
  }
  CHECK(sorted && after == sum);
  const char *names[] = {"sigma0", "root", "pager", "monitor", "ext2", "shell", "arc"};
  qsort(names, 7, sizeof(names[0]), compare_strs);
  CHECK(strcmp(names[0], "arc") == 0 && strcmp(names[6], "squirrel") < 0 &&
        strcmp(names[6], "sigma0") == 0);
  const int key = v[n / 2];
  CHECK(bsearch(&key, v, n, sizeof(v[0]), compare_ints) != nullptr);
}

void test_strings() {
  // memcpy/memmove/memset/memcmp at every alignment of source and destination.
  static unsigned char src[300], dst[300], ref[300];
  for (int i = 0; i < 300; ++i) src[i] = static_cast<unsigned char>(i * 7 + 1);
  bool ok = true;
  for (int so = 0; so < 8; ++so)
    for (int doff = 0; doff < 8; ++doff)
      for (int len = 0; len < 140; len += (len < 20 ? 1 : 13)) {
        memset(dst, 0xaa, sizeof(dst));
        memcpy(dst + doff, src + so, len);
        for (int i = 0; i < 300; ++i)
          ref[i] = (i >= doff && i < doff + len) ? src[so + i - doff] : 0xaa;
        if (memcmp(dst, ref, sizeof(dst)) != 0) ok = false;
      }
  CHECK(ok);

  // Overlapping moves, both directions.
  for (int i = 0; i < 300; ++i) dst[i] = static_cast<unsigned char>(i);
  memmove(dst + 3, dst + 1, 200);
  ok = dst[0] == 0 && dst[1] == 1 && dst[2] == 2;
  for (int i = 3; i < 203; ++i) ok = ok && dst[i] == i - 2;
  memmove(dst + 1, dst + 3, 200);
  for (int i = 1; i < 201; ++i) ok = ok && dst[i] == i;
  CHECK(ok);
  memset(dst + 5, 0x5c, 77);
  ok = dst[4] == 4 && dst[82] == 82;
  for (int i = 5; i < 82; ++i) ok = ok && dst[i] == 0x5c;
  CHECK(ok);

  char text[64];
  strcpy(text + 1, "hello, arc world");
  CHECK(strlen(text + 1) == 16);
  CHECK(strchr(text + 1, ',') == text + 6 && strrchr(text + 1, 'o') == text + 13);
  CHECK(strstr(text + 1, "arc") == text + 8);
  CHECK(strncmp(text + 1, "help", 3) == 0 && strcmp("abc", "abd") < 0);
  char *dup = strdup(text + 1);
  CHECK(dup && strcmp(dup, "hello, arc world") == 0);
  free(dup);
  char tok[] = "a:bb::ccc";
  char *save;
  const char *t1 = strtok_r(tok, ":", &save), *t2 = strtok_r(nullptr, ":", &save),
             *t3 = strtok_r(nullptr, ":", &save);
  CHECK(strcmp(t1, "a") == 0 && strcmp(t2, "bb") == 0 && strcmp(t3, "ccc") == 0);
}

void test_syscalls() {
  errno = 0;
  CHECK(write(7, "x", 1) == -1 && errno == EBADF);
  errno = 0;
  CHECK(fopen("/etc/motd", "r") == nullptr && errno == ENOSYS);
  char c;
  CHECK(read(0, &c, 1) == 0);                 // no console input yet: end of file
  CHECK(getchar() == EOF && feof(stdin));
  CHECK(isatty(1) == 1 && isatty(9) == 0);
  CHECK(getpid() > 0);
  CHECK(strcmp(strerror(ENOMEM), "Not enough space") == 0 || strlen(strerror(ENOMEM)) > 0);

  timeval a, b;
  CHECK(gettimeofday(&a, nullptr) == 0);
  arc::sleep_ms(30);
  CHECK(gettimeofday(&b, nullptr) == 0);
  const long long us = (b.tv_sec - a.tv_sec) * 1000000LL + (b.tv_usec - a.tv_usec);
  CHECK(us >= 20000 && us < 5000000);
  CHECK(clock() != clock_t(-1));
}

} // namespace

int main(int argc, char **argv) {
  printf("LIBC: newlib %s\n", _NEWLIB_VERSION);
  test_printf();
  test_malloc();
  test_new();
  test_strtol_scanf();
  test_qsort();
  test_strings();
  test_syscalls();
  printf("LIBC: %d passed, %d failed\n", passed, failed);
  fflush(stdout);
  arc::kd_exit(failed ? 1 : 0);
}
