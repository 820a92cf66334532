// Basic kernel types and helpers shared by all kernel code.
#pragma once
#include <arc/abi.hh>
#include <stddef.h>
#include <stdint.h>

namespace kern {
using arc::word;
using arc::Status;
using arc::ObjType;

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

constexpr word page_size = 4096;
constexpr word page_shift = 12;
constexpr word page_mask = page_size - 1;
constexpr word align_down(word v, word a) { return v & ~(a - 1); }
constexpr word align_up(word v, word a) { return (v + a - 1) & ~(a - 1); }

// Objects the kernel must never copy.
struct NoCopy {
  NoCopy() = default;
  NoCopy(const NoCopy &) = delete;
  NoCopy &operator=(const NoCopy &) = delete;
};
} // namespace kern

// Placement new for constructing objects in slab or pool memory (the host tests get the
// library's).
#if __STDC_HOSTED__
#include <new>
#else
inline void *operator new(size_t, void *p) noexcept { return p; }
#endif
