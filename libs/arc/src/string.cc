// The few C string functions the compiler may call in freestanding user code (newlib replaces
// them for programs that link it).
#include <stddef.h>

extern "C" {
__attribute__((weak)) void *memcpy(void *d, const void *s, size_t n) {
  auto *dp = static_cast<unsigned char *>(d);
  auto *sp = static_cast<const unsigned char *>(s);
  while (n--) *dp++ = *sp++;
  return d;
}
__attribute__((weak)) void *memmove(void *d, const void *s, size_t n) {
  auto *dp = static_cast<unsigned char *>(d);
  auto *sp = static_cast<const unsigned char *>(s);
  if (dp < sp) while (n--) *dp++ = *sp++;
  else while (n--) dp[n] = sp[n];
  return d;
}
__attribute__((weak)) void *memset(void *d, int c, size_t n) {
  auto *dp = static_cast<unsigned char *>(d);
  while (n--) *dp++ = static_cast<unsigned char>(c);
  return d;
}
__attribute__((weak)) int memcmp(const void *a, const void *b, size_t n) {
  auto *ap = static_cast<const unsigned char *>(a);
  auto *bp = static_cast<const unsigned char *>(b);
  for (; n--; ++ap, ++bp) if (*ap != *bp) return *ap - *bp;
  return 0;
}
__attribute__((weak)) size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}
__attribute__((weak)) int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) ++a, ++b;
  return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}
__attribute__((weak)) int strncmp(const char *a, const char *b, size_t n) {
  for (; n && *a && *a == *b; --n) ++a, ++b;
  return n ? static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b) : 0;
}
}
