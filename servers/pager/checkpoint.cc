#include "checkpoint.hh"
#include <string.h>

namespace p3 {

namespace {
constexpr unsigned slot_count = 2 * Checkpoint::max_pages;
unsigned home(word va) { return unsigned((va >> 12) * 2654435761u) & (slot_count - 1); }
} // namespace

int Checkpoint::find(word va) const {
  va &= ~word(0xfff);
  for (unsigned i = home(va), k = 0; k < slot_count; ++k, i = (i + 1) & (slot_count - 1)) {
    if (!slots_[i]) return -1;
    if (entries_[slots_[i] - 1].va == va) return slots_[i] - 1;
  }
  return -1;
}

void Checkpoint::index() {
  memset(slots_, 0, sizeof slots_);
  for (unsigned e = 0; e < n_; ++e) {
    unsigned i = home(entries_[e].va);
    while (slots_[i]) i = (i + 1) & (slot_count - 1);
    slots_[i] = uint16_t(e + 1);
  }
}

Checkpoint::Taken Checkpoint::take(Image &image, FrameSource &frames, word skip_start,
                                   word skip_end, word ip, word sp) {
  static Entry next[max_pages];
  static bool kept[max_pages];
  memset(kept, 0, sizeof kept);
  Taken t{true, 0, 0, 0};
  unsigned m = 0;
  image.each_private([&](word va, word addr, word rights, bool) {
    if (!t.ok) return;
    // Read-only private pages are code (a fault-injection copy): the image has them.
    if (!(rights & arc::fpage_rights::w) || (va >= skip_start && va < skip_end)) return;
    if (m == max_pages) { t.ok = false; return; }
    const int old = find(va);
    if (old >= 0 && !entries_[old].dirty && entries_[old].frame == addr) {
      next[m++] = entries_[old];   // unwritten since the last one: its copy holds
      kept[old] = true;
      ++t.clean;
      return;
    }
    word copy = old >= 0 ? entries_[old].copy : frames.alloc();
    if (old >= 0) kept[old] = true;
    if (!copy) { t.ok = false; return; }
    memcpy(reinterpret_cast<void *>(copy), reinterpret_cast<const void *>(addr), 0x1000);
    next[m++] = {va, copy, addr, false};
    ++t.copied;
  });
  // Copies of pages the process no longer has go back (or, on failure, every copy: a half-made
  // checkpoint must not be restored).
  for (unsigned e = 0; e < n_; ++e)
    if (!kept[e] || !t.ok) frames.release(entries_[e].copy), ++t.dropped;
  if (!t.ok) {
    for (unsigned e = 0; e < m; ++e)
      if (find(next[e].va) < 0) frames.release(next[e].copy);   // new ones, not in entries_
    n_ = 0;
    number_ = 0;
    index();
    return t;
  }
  memcpy(entries_, next, m * sizeof(Entry));
  n_ = m;
  index();
  ++number_;
  ip_ = ip;
  sp_ = sp;
  return t;
}

void Checkpoint::protect(void (*revoke_write)(word addr)) const {
  for (unsigned e = 0; e < n_; ++e) revoke_write(entries_[e].frame);
}

void Checkpoint::written(word va) {
  const int e = find(va);
  if (e >= 0) entries_[e].dirty = true;
}

bool Checkpoint::clean(word va) const {
  const int e = find(va);
  return e >= 0 && !entries_[e].dirty;
}

// On every hot and warm restart: grouped with the restart path (hot), which a pager maps in when
// it starts (main.cc, touch_restart_path).
__attribute__((hot)) void Checkpoint::all_dirty() {
  for (unsigned e = 0; e < n_; ++e) entries_[e].dirty = true;
}

void Checkpoint::drop(FrameSource &frames) {
  for (unsigned e = 0; e < n_; ++e) frames.release(entries_[e].copy);
  n_ = 0;
  number_ = 0;
  epoch_known_ = false;
  index();
}

unsigned char *Checkpoint::copy_at(word va) const {
  const int e = find(va & ~word(0xfff));
  return e < 0 ? nullptr : reinterpret_cast<unsigned char *>(entries_[e].copy) + (va & 0xfff);
}

void Checkpoint::adopt(FrameSource &frames, const word *vas, const word *copies, unsigned n,
                       word ip, word sp, word caps_va) {
  const word number = number_;
  drop(frames);
  for (unsigned e = 0; e < n && e < max_pages; ++e) entries_[e] = {vas[e], copies[e], 0, true};
  n_ = n < max_pages ? n : max_pages;
  index();
  number_ = number + 1;
  ip_ = ip;
  sp_ = sp;
  caps_va_ = caps_va;
}

bool Checkpoint::restore(Image &image) {
  for (unsigned e = 0; e < n_; ++e) {
    const Source src = image.resolve(entries_[e].va, arc::fault::write);
    if (src.kind != Source::frame) return false;
    memcpy(reinterpret_cast<void *>(src.addr), reinterpret_cast<const void *>(entries_[e].copy), 0x1000);
    entries_[e].frame = src.addr;
    entries_[e].dirty = false;   // as the copy again
  }
  return true;
}

} // namespace p3
