// Freestanding string routines (the compiler emits calls to memcpy/memset itself).
#include "lib/string.hh"
#include <stdint.h>

extern "C" {
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memcpy(void *d, const void *s, size_t n) {
  auto *dp = static_cast<unsigned char *>(d);
  auto *sp = static_cast<const unsigned char *>(s);
  // Whole words when both ends and the length allow (page directories, message registers).
  if (!((reinterpret_cast<uintptr_t>(dp) | reinterpret_cast<uintptr_t>(sp) | n) &
        (sizeof(unsigned long) - 1))) {
    auto *wd = reinterpret_cast<unsigned long *>(dp);
    auto *ws = reinterpret_cast<const unsigned long *>(sp);
    for (size_t i = 0; i < n / sizeof(unsigned long); ++i) wd[i] = ws[i];
    return d;
  }
  while (n--) *dp++ = *sp++;
  return d;
}
// Never let the compiler turn these loops into calls to themselves.
__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *memset(void *d, int c, size_t n) {
  auto *dp = static_cast<unsigned char *>(d);
  // Whole words first: zeroing frames for slabs and page tables is the common case.
  if (!((reinterpret_cast<uintptr_t>(dp) | n) & (sizeof(unsigned long) - 1))) {
    unsigned long v = static_cast<unsigned char>(c);
    v |= v << 8;
    v |= v << 16;
    auto *wp = reinterpret_cast<unsigned long *>(dp);
    for (size_t i = 0; i < n / sizeof(unsigned long); ++i) wp[i] = v;
    return d;
  }
  while (n--) *dp++ = static_cast<unsigned char>(c);
  return d;
}
int memcmp(const void *a, const void *b, size_t n) {
  auto *ap = static_cast<const unsigned char *>(a);
  auto *bp = static_cast<const unsigned char *>(b);
  for (; n--; ++ap, ++bp)
    if (*ap != *bp) return *ap - *bp;
  return 0;
}
size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}
}

namespace kern {
void strlcpy(char *dst, const char *src, size_t n) {
  if (!n) return;
  size_t i = 0;
  for (; i + 1 < n && src[i]; ++i) dst[i] = src[i];
  dst[i] = 0;
}
} // namespace kern
