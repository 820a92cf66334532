#include <p3/image.hh>
#include <string.h>

namespace p3 {

using namespace arc;

namespace {
constexpr word page = 0x1000;
word page_down(word a) { return a & ~(page - 1); }

} // namespace

__attribute__((hot)) void zero(void *at, word n) {
  auto *b = static_cast<unsigned char *>(at);
#if defined(__arm__)
  while (n && (reinterpret_cast<word>(b) & 31)) { *b++ = 0; --n; }
  word blocks = n / 128;
  if (blocks) {
    register word r0 asm("r0") = reinterpret_cast<word>(b);
    register word r1 asm("r1") = blocks;
    asm volatile("mov r2, #0\n\tmov r3, #0\n\tmov r4, #0\n\tmov r5, #0\n\t"
                 "mov r6, #0\n\tmov r7, #0\n\tmov r8, #0\n\tmov r9, #0\n"
                 "1:\n\tstmia r0!, {r2-r9}\n\tstmia r0!, {r2-r9}\n\tstmia r0!, {r2-r9}\n\t"
                 "stmia r0!, {r2-r9}\n\tsubs r1, r1, #1\n\tbne 1b"
                 : "+r"(r0), "+r"(r1)
                 :
                 : "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory", "cc");
    b += blocks * 128;
    n -= blocks * 128;
  }
#elif defined(__i386__)
  // SSE (the benchmark machine's Pentium III has it; the kernel switches its state lazily, with
  // fxsave): sixteen bytes a store, some 350 instructions a page, where `rep stos` counts one
  // instruction a word (1,024 a page). A hot restart makes each of its pages pristine this way.
  // 256 bytes a round (sixteen stores and three for the loop: 304 instructions a page), then
  // at most one round of 128.
  while (n && (reinterpret_cast<word>(b) & 15)) { *b++ = 0; --n; }
  word blocks = n / 256;
  if (blocks) {
    asm volatile("xorps %%xmm0, %%xmm0\n"
                 "1:\n\tmovaps %%xmm0, (%0)\n\tmovaps %%xmm0, 16(%0)\n\tmovaps %%xmm0, 32(%0)\n\t"
                 "movaps %%xmm0, 48(%0)\n\tmovaps %%xmm0, 64(%0)\n\tmovaps %%xmm0, 80(%0)\n\t"
                 "movaps %%xmm0, 96(%0)\n\tmovaps %%xmm0, 112(%0)\n\t"
                 "movaps %%xmm0, 128(%0)\n\tmovaps %%xmm0, 144(%0)\n\tmovaps %%xmm0, 160(%0)\n\t"
                 "movaps %%xmm0, 176(%0)\n\tmovaps %%xmm0, 192(%0)\n\tmovaps %%xmm0, 208(%0)\n\t"
                 "movaps %%xmm0, 224(%0)\n\tmovaps %%xmm0, 240(%0)\n\t"
                 "add $256, %0\n\tdec %1\n\tjnz 1b"
                 : "+r"(b), "+r"(blocks)
                 :
                 : "xmm0", "memory", "cc");
    n &= 255;
  }
  if (n >= 128) {
    asm volatile("xorps %%xmm0, %%xmm0\n\t"
                 "movaps %%xmm0, (%0)\n\tmovaps %%xmm0, 16(%0)\n\tmovaps %%xmm0, 32(%0)\n\t"
                 "movaps %%xmm0, 48(%0)\n\tmovaps %%xmm0, 64(%0)\n\tmovaps %%xmm0, 80(%0)\n\t"
                 "movaps %%xmm0, 96(%0)\n\tmovaps %%xmm0, 112(%0)"
                 :
                 : "r"(b)
                 : "xmm0", "memory");
    b += 128;
    n -= 128;
  }
#endif
#if defined(__arm__) || defined(__i386__)
  while (n) { *b++ = 0; --n; }   // the rest, under 128 bytes (no call: see copy)
#else
  memset(b, 0, n);
#endif
}

__attribute__((hot)) void copy(void *to, const void *from, word n) {
  auto *d = static_cast<unsigned char *>(to);
  auto *f = static_cast<const unsigned char *>(from);
#if defined(__i386__)
  // As zero: SSE, 128 bytes a round (eight loads, eight stores), where `rep movs` counts one
  // instruction a word. The image's bytes need not be aligned (movups); ours are made so.
  while (n && (reinterpret_cast<word>(d) & 15)) { *d++ = *f++; --n; }
  word blocks = n / 128;
  if (blocks) {
    asm volatile("1:\n\t"
                 "movups (%1), %%xmm0\n\tmovups 16(%1), %%xmm1\n\tmovups 32(%1), %%xmm2\n\t"
                 "movups 48(%1), %%xmm3\n\tmovups 64(%1), %%xmm4\n\tmovups 80(%1), %%xmm5\n\t"
                 "movups 96(%1), %%xmm6\n\tmovups 112(%1), %%xmm7\n\t"
                 "movaps %%xmm0, (%0)\n\tmovaps %%xmm1, 16(%0)\n\tmovaps %%xmm2, 32(%0)\n\t"
                 "movaps %%xmm3, 48(%0)\n\tmovaps %%xmm4, 64(%0)\n\tmovaps %%xmm5, 80(%0)\n\t"
                 "movaps %%xmm6, 96(%0)\n\tmovaps %%xmm7, 112(%0)\n\t"
                 "add $128, %0\n\tadd $128, %1\n\tdec %2\n\tjnz 1b"
                 : "+r"(d), "+r"(f), "+r"(blocks)
                 :
                 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "memory", "cc");
    n &= 127;
  }
#elif defined(__arm__)
  // Eight words a load-multiple and a store-multiple, 128 bytes a round (both word-aligned: the
  // image's pages are, as are ours).
  if ((reinterpret_cast<word>(d) | reinterpret_cast<word>(f)) & 3) {
    memcpy(d, f, n);   // not word-aligned: the C library's copy
    return;
  }
  word blocks = n / 128;
  if (blocks) {
    register word r0 asm("r0") = reinterpret_cast<word>(d);
    register word r1 asm("r1") = reinterpret_cast<word>(f);
    register word r10 asm("r10") = blocks;
    asm volatile("1:\n\tldmia r1!, {r2-r9}\n\tstmia r0!, {r2-r9}\n\t"
                 "ldmia r1!, {r2-r9}\n\tstmia r0!, {r2-r9}\n\t"
                 "ldmia r1!, {r2-r9}\n\tstmia r0!, {r2-r9}\n\t"
                 "ldmia r1!, {r2-r9}\n\tstmia r0!, {r2-r9}\n\t"
                 "subs r10, r10, #1\n\tbne 1b"
                 : "+r"(r0), "+r"(r1), "+r"(r10)
                 :
                 : "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory", "cc");
    d += blocks * 128;
    f += blocks * 128;
    n -= blocks * 128;
  }
#endif
#if defined(__arm__) || defined(__i386__)
  // The rest, under 128 bytes, here: no call into the C library, whose code a pager has not
  // necessarily mapped in before a restart (a page fault of its own there costs some 2,000).
  while (n) { *d++ = *f++; --n; }
#else
  memcpy(d, f, n);
#endif
}

void Image::init(const unsigned char *image, word size, FrameSource *frames, Page *pages,
                 unsigned capacity, word *volatile_vas) {
  volatile_vas_ = volatile_vas;
  image_ = image;
  image_size_ = size;
  frames_ = frames;
  pages_ = pages;
  capacity_ = capacity & (capacity - 1) ? 0 : capacity;   // a power of two, or nothing
  for (unsigned i = 0; i < capacity_; ++i) pages_[i] = Page{};
  n_segs_ = n_ranges_ = n_persistent_ = n_fixed_ = n_pages_ = n_volatile_ = 0;
  image_shared_ = cow_ = 0;
}

bool Image::add_segment(const Segment &s) {
  if (n_segs_ == max_segments || s.filesz > s.memsz || s.offset + s.filesz > image_size_ ||
      s.offset + s.filesz < s.offset)
    return false;
  segs_[n_segs_++] = s;
  return true;
}

bool Image::add_zero_range(word start, word end, bool persistent) {
  if (n_ranges_ == max_ranges || end <= start) return false;
  ranges_[n_ranges_++] = {page_down(start), end, persistent};
  return true;
}

void Image::set_persistent(word start, word end) {
  if (n_persistent_ < 2 && end > start) persistent_[n_persistent_++] = {page_down(start), end, true};
}

bool Image::add_fixed(word va, word addr, word size, word rights) {
  if (n_fixed_ == 16 || !size) return false;
  fixed_[n_fixed_++] = {page_down(va), page_down(addr), size, rights};
  return true;
}

// What a restart runs (hot: grouped by GCC with the pagers' restart path, which a pager maps in
// when it starts: servers/pager/main.cc, touch_restart_path).
__attribute__((hot)) const Segment *Image::segment_of(word va) const {
  for (unsigned i = 0; i < n_segs_; ++i)
    if (va >= page_down(segs_[i].vaddr) && va < segs_[i].vaddr + segs_[i].memsz) return &segs_[i];
  return nullptr;
}

__attribute__((hot)) Image::Page *Image::page_of(word va) {
  if (!capacity_ || !va) return nullptr;   // va 0 marks a free slot: never a page
  // Linear probing; va 0 marks a free slot (page 0 is never mapped).
  for (unsigned i = slot_of(va);; i = (i + 1) & (capacity_ - 1)) {
    if (pages_[i].va == va) return &pages_[i];
    if (!pages_[i].va) return nullptr;
  }
}

bool Image::persistent_at(word va) const {
  for (unsigned i = 0; i < n_persistent_; ++i)
    if (va >= persistent_[i].start && va < persistent_[i].end) return true;
  for (unsigned i = 0; i < n_ranges_; ++i)
    if (ranges_[i].persistent && va >= ranges_[i].start && va < ranges_[i].end) return true;
  return false;
}

Image::Page *Image::remember(word va, word addr, word rights, bool pristine) {
  if (!capacity_ || (n_pages_ + 1) * 4 > capacity_ * 3) return nullptr;
  unsigned i = slot_of(va);
  while (pages_[i].va) i = (i + 1) & (capacity_ - 1);
  pages_[i] = {va, addr, rights, persistent_at(va), pristine};
  ++n_pages_;
  if (!pages_[i].persistent && !pristine) {
    if (volatile_vas_) volatile_vas_[n_volatile_] = va;
    ++n_volatile_;
  }
  return &pages_[i];
}

word Image::fill_from_image(const Segment &s, word va) {
  word f = frames_->alloc();
  if (!f) return 0;
  // The bytes of the segment's file part that fall into this page; the rest stays zero.
  word lo = va > s.vaddr ? va : s.vaddr;
  word hi = va + page < s.vaddr + s.filesz ? va + page : s.vaddr + s.filesz;
  if (lo < hi) copy(reinterpret_cast<void *>(f + (lo - va)), image_ + s.offset + (lo - s.vaddr), hi - lo);
  return f;
}

Source Image::resolve(word va, word access) {
  va = page_down(va);
  for (unsigned i = 0; i < n_fixed_; ++i)
    if (va >= fixed_[i].va && va < fixed_[i].va + fixed_[i].size) {
      if ((access & fault::write) && !(fixed_[i].rights & fpage_rights::w)) return {};
      return {Source::frame, fixed_[i].addr + (va - fixed_[i].va), fixed_[i].rights};
    }
  if (Page *p = page_of(va)) {
    // Mapped before (the process lost it to an unmap, or this is a write to a COW page that
    // we already copied): map it again.
    if ((access & fault::write) && !(p->rights & fpage_rights::w)) return {};
    return {Source::frame, p->addr, p->rights};
  }
  if (const Segment *s = segment_of(va)) {
    if ((access & fault::write) && !(s->rights & fpage_rights::w)) return {};
    // A page entirely inside the file part, page-aligned in the file: share the image page.
    const word file_end = s->vaddr + s->filesz;
    const bool whole = va >= s->vaddr && va + page <= file_end &&
                       ((s->offset + (va - s->vaddr)) & (page - 1)) == 0;
    if (whole && !persistent_at(va)) {
      if (!(s->rights & fpage_rights::w)) {
        ++image_shared_;
        return {Source::image, reinterpret_cast<word>(image_) + s->offset + (va - s->vaddr),
                s->rights};
      }
      if (!(access & fault::write)) {   // copy-on-write: read-only until the first write
        ++image_shared_;
        return {Source::image, reinterpret_cast<word>(image_) + s->offset + (va - s->vaddr),
                s->rights & ~fpage_rights::w};
      }
      ++cow_;
    }
    word f = fill_from_image(*s, va);
    if (!f) return {Source::exhausted};
    // Of a read-only segment (its last page, part file, part zero): never written, so kept over
    // restarts like the image pages (a restart that dropped it paid an unmap and a fault again).
    const bool pristine = !(s->rights & fpage_rights::w);
    if (!remember(va, f, s->rights, pristine)) { frames_->release(f); return {Source::exhausted}; }
    return {Source::frame, f, s->rights};
  }
  for (unsigned i = 0; i < n_ranges_; ++i)
    if (va >= ranges_[i].start && va < ranges_[i].end) {
      word f = frames_->alloc();
      if (!f) return {Source::exhausted};
      if (!remember(va, f, fpage_rights::r | fpage_rights::w)) { frames_->release(f); return {Source::exhausted}; }
      return {Source::frame, f, fpage_rights::r | fpage_rights::w};
    }
  return {};
}

bool Image::may_write(word va) const {
  va = page_down(va);
  for (unsigned i = 0; i < n_fixed_; ++i)
    if (va >= fixed_[i].va && va < fixed_[i].va + fixed_[i].size) return false;
  if (const Segment *s = segment_of(va)) return (s->rights & fpage_rights::w) != 0;
  for (unsigned i = 0; i < n_ranges_; ++i)
    if (va >= ranges_[i].start && va < ranges_[i].end) return true;
  return false;
}

bool Image::in_code(word va, word len) const {
  if (!len || va + len < va) return false;
  for (unsigned i = 0; i < n_segs_; ++i) {
    const Segment &s = segs_[i];
    if ((s.rights & fpage_rights::x) && va >= s.vaddr && va + len <= s.vaddr + s.filesz)
      return !persistent_at(va) && !persistent_at(va + len - 1);
  }
  return false;
}

word Image::private_copy(word va) {
  va = page_down(va);
  if (Page *p = page_of(va)) {
    if (p->pristine) {   // to be changed: no longer pristine, a restart must discard it
      p->pristine = false;
      if (!p->persistent) {
        if (volatile_vas_) volatile_vas_[n_volatile_] = va;
        ++n_volatile_;
      }
    }
    return p->addr;
  }
  const Segment *s = segment_of(va);
  if (!s) return 0;
  word f = fill_from_image(*s, va);
  if (!f) return 0;
  if (!remember(va, f, s->rights)) {
    frames_->release(f);
    return 0;
  }
  return f;
}

Image::Counts Image::counts() const {
  Counts c{n_pages_, 0, image_shared_, cow_};
  for (unsigned i = 0; i < capacity_; ++i)
    if (pages_[i].va && pages_[i].persistent) ++c.persistent;
  return c;
}

// Remove slot i from the linear-probing table, shifting later entries of its cluster back so
// that every remaining entry stays reachable from its home slot.
__attribute__((hot)) void Image::erase(unsigned i) {
  const unsigned mask = capacity_ - 1;
  unsigned j = i;
  for (;;) {
    pages_[i] = Page{};
    for (;;) {
      j = (j + 1) & mask;
      if (!pages_[j].va) return;
      const unsigned home = slot_of(pages_[j].va);
      // The entry at j may fill the hole at i unless its home lies cyclically in (i, j].
      const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!stays) break;
    }
    pages_[i] = pages_[j];
    i = j;
  }
}

__attribute__((hot)) unsigned Image::discard_volatile(void (*before_release)(word addr)) {
  unsigned dropped = 0;
  if (volatile_vas_) {   // visit the listed pages only
    for (unsigned k = n_volatile_; k-- > 0;) {
      Page *p = page_of(volatile_vas_[k]);
      if (!p) continue;
      if (before_release) before_release(p->addr);
      frames_->release(p->addr);
      erase(unsigned(p - pages_));
      --n_pages_;
      ++dropped;
    }
    n_volatile_ = 0;
    return dropped;
  }
  for (unsigned i = 0; i < capacity_ && n_volatile_;) {
    if (pages_[i].va && !pages_[i].persistent && !pages_[i].pristine) {
      if (before_release) before_release(pages_[i].addr);
      frames_->release(pages_[i].addr);
      erase(i);   // slot i may now hold a shifted entry: look at it again
      --n_pages_;
      --n_volatile_;
      ++dropped;
    } else {
      ++i;
    }
  }
  return dropped;
}

__attribute__((hot)) unsigned Image::reset_volatile(unsigned keep, unsigned *reset, void (*before_release)(word addr)) {
  *reset = 0;
  if (!volatile_vas_) return discard_volatile(before_release);   // no order known: drop all
  unsigned dropped = 0, kept = 0;
  for (unsigned k = 0; k < n_volatile_; ++k) {
    const word va = volatile_vas_[k];
    Page *p = page_of(va);
    if (!p) continue;
    if (kept < keep && !(p->rights & fpage_rights::x)) {
      // What resolve() would give it now: the file's bytes of a segment's page, zero elsewhere
      // (each byte written once: zeroing is most of the cost).
      auto *b = reinterpret_cast<unsigned char *>(p->addr);
      word lo = 0, hi = 0;   // the file's part of the page, [lo, hi) from its start
      if (const Segment *s = segment_of(va)) {
        const word from = va > s->vaddr ? va : s->vaddr;
        const word to = va + page < s->vaddr + s->filesz ? va + page : s->vaddr + s->filesz;
        if (from < to) {
          lo = from - va;
          hi = to - va;
          copy(b + lo, image_ + s->offset + (from - s->vaddr), hi - lo);
        }
      }
      if (lo) zero(b, lo);
      zero(b + hi, page - hi);
      volatile_vas_[kept++] = va;   // still volatile, in the same order (kept <= k)
      continue;
    }
    if (before_release) before_release(p->addr);
    frames_->release(p->addr);
    erase(unsigned(p - pages_));
    --n_pages_;
    ++dropped;
  }
  n_volatile_ = kept;
  *reset = kept;
  return dropped;
}

unsigned Image::discard_all_but(word keep_start, word keep_end, void (*before_release)(word addr)) {
  unsigned dropped = discard_volatile(before_release);
  for (unsigned i = 0; i < capacity_;) {
    const word va = pages_[i].va;
    if (va && (va < keep_start || va >= keep_end)) {
      if (before_release) before_release(pages_[i].addr);
      frames_->release(pages_[i].addr);
      erase(i);   // slot i may now hold a shifted entry: look at it again
      --n_pages_;
      ++dropped;
    } else {
      ++i;
    }
  }
  return dropped;
}

} // namespace p3
