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
    const size_t nw = n / sizeof(unsigned long);
    size_t i = 0;
    // Eight at a time: a frame copy costs a quarter of the loop overhead.
    for (; i + 8 <= nw; i += 8) {
      wd[i] = ws[i]; wd[i + 1] = ws[i + 1]; wd[i + 2] = ws[i + 2]; wd[i + 3] = ws[i + 3];
      wd[i + 4] = ws[i + 4]; wd[i + 5] = ws[i + 5]; wd[i + 6] = ws[i + 6]; wd[i + 7] = ws[i + 7];
    }
    for (; i < nw; ++i) wd[i] = ws[i];
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
    const size_t nw = n / sizeof(unsigned long);
    size_t i = 0;
    // Eight at a time: every frame the pool hands out is zeroed here.
    for (; i + 8 <= nw; i += 8) {
      wp[i] = v; wp[i + 1] = v; wp[i + 2] = v; wp[i + 3] = v;
      wp[i + 4] = v; wp[i + 5] = v; wp[i + 6] = v; wp[i + 7] = v;
    }
    for (; i < nw; ++i) wp[i] = v;
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
