// A process's address space as its pager sees it: where each page of the process comes from.
//
// The ELF image stays pristine in the pager's space (mapped read-only from the boot module).
// Read-only pages that hold only file bytes are mapped straight from it; writable file pages
// are shared read-only until the first write, then copied (copy-on-write); everything else —
// bss, heap, stack, persistent heap — is a zero page on first touch. Private pages are
// remembered, with whether they are persistent (.pdata and the persistent heap), so a restart
// can discard or keep them. Used by the per-process pager (for its client) and by the root
// task (for the pagers themselves).
#pragma once
#include <arc/abi.hh>

namespace p3 {

using arc::word;

struct Segment {
  word vaddr, memsz;      // in the process
  word offset, filesz;    // in the image
  word rights;            // fpage rights r=4 w=2 x=1
};

// Where a page of the process comes from.
struct Source {
  // invalid: nothing may be there (or not with that access); exhausted: there may, but no frame
  // (or no room in the page table) was left to put it in.
  enum Kind { invalid, image, frame, exhausted } kind = invalid;
  word addr = 0;          // in our space: the image page or the private frame
  word rights = 0;        // to map with
};

// Frames a pager can fill: root's frame pool, or frames the pager got from the root task.
class FrameSource {
public:
  virtual word alloc() = 0;          // address of a zeroed 4 KiB frame in our space, or 0
  virtual void release(word addr) = 0;
protected:
  ~FrameSource() = default;
};

// Zero [at, at + n): frames made pristine or handed out again. On ARM eight words at a time
// with a store-multiple (newlib's memset took some 1,800 instructions a page on the Cortex-A15);
// on ia32 sixteen bytes a store with SSE (`rep stos` counts 1,024 instructions a page).
void zero(void *at, arc::word n);
// Copy n bytes (the image's part of a page made pristine): on ia32 with SSE, 128 bytes a round,
// where memcpy's `rep movs` counts an instruction a word; elsewhere memcpy.
void copy(void *to, const void *from, arc::word n);

class Image {
public:
  static constexpr unsigned max_segments = 8;
  static constexpr unsigned max_ranges = 8;
  // pristine: a copy of an image page of a read-only segment (its last page, which the file
  // does not fill: the rest is zeroed), never writable, so as undamaged after a failure as the
  // image pages mapped straight from the file: a restart keeps it, like them.
  struct Page { word va, addr, rights; bool persistent, pristine; };

  // image: the ELF file, mapped read-only at `image` in our space. pages: room to remember
  // private pages (the caller sizes it: a process, or a pager paged by the root); capacity must
  // be a power of two, and the table holds at most 3/4 of it (an open-addressing hash by
  // address, so a fault finds its page in a probe or two however many pages there are).
  // volatile_vas (optional, `capacity` words): a list of the volatile pages, so a restart
  // visits only those instead of the whole table.
  void init(const unsigned char *image, word size, FrameSource *frames, Page *pages,
            unsigned capacity, word *volatile_vas = nullptr);
  bool add_segment(const Segment &s);
  // A range of zero-fill memory (bss beyond segments, heap, stack); persistent ranges survive
  // hot and warm restarts.
  bool add_zero_range(word start, word end, bool persistent);
  void set_persistent(word start, word end);   // .pdata: file-backed but kept
  // Fixed pages (information pages, device memory, a boot module): [va, va + size) is mapped
  // from [addr, addr + size) in our space as given, not owned.
  bool add_fixed(word va, word addr, word size, word rights);

  // Resolve a fault at va with access (arc::fault bits). Allocates and fills a private page
  // when the page needs one. kind invalid: the process touched what it must not; exhausted: no
  // memory for the page.
  Source resolve(word va, word access);

  // Fault injection (fault.hh): whether [va, va + len) lies in the file part of an executable
  // segment (and outside the persistent range), and a private copy of va's page, made from the
  // image now if the process has none yet, that may then be changed: our address of it, or 0.
  // The copy is volatile like any changed private page (a pristine copy of the page becomes
  // volatile): a restart discards it, and the page comes back pristine from the image.
  bool in_code(word va, word len) const;
  // Whether va's page may be a private page the process writes (a writable segment or a zero
  // range, not a fixed page): what a checkpoint loaded from a file may hold.
  bool may_write(word va) const;
  word private_copy(word va);

  struct Counts { word resident, persistent, image_shared, cow_copies; };
  Counts counts() const;            // walks the table (for the persistent count)
  word resident() const { return n_pages_; }   // at no cost (inside a timed restart)

  // For restarts: drop every private page that is neither persistent nor pristine (returns how many);
  // before_release(addr) runs for each, e.g. to revoke the process's mapping of it.
  unsigned discard_volatile(void (*before_release)(word addr) = nullptr);
  // For a hot restart after a failure: like discard_volatile, except that the first `keep`
  // volatile pages the process touched (in the order it touched them: those its start touches
  // again), unless executable, stay mapped with their contents made pristine again in place
  // (zero, plus their part of the file): the restarted process finds them as the image gives
  // them without a page fault each, and the pager pays no revocation for them. Returns how many
  // it dropped; `reset` is how many it made pristine in place.
  unsigned reset_volatile(unsigned keep, unsigned *reset, void (*before_release)(word addr) = nullptr);
  // For a restore to a checkpoint: drop every private page, persistent ones too, except those in
  // [keep_start, keep_end) (the framework's area); before_release as above.
  unsigned discard_all_but(word keep_start, word keep_end, void (*before_release)(word addr) = nullptr);
  // Visit every private page (for remapping after a restart).
  template <class F> void each_private(F f) const {
    for (unsigned i = 0; i < capacity_; ++i)
      if (pages_[i].va) f(pages_[i].va, pages_[i].addr, pages_[i].rights, pages_[i].persistent);
  }

private:
  struct Range { word start, end; bool persistent; };
  struct Fixed { word va, addr, size, rights; };
  const Segment *segment_of(word va) const;
  Page *page_of(word va);
  void erase(unsigned slot);
  unsigned slot_of(word va) const { return unsigned((va >> 12) * 2654435761u) & (capacity_ - 1); }
  bool persistent_at(word va) const;
  word fill_from_image(const Segment &s, word va);   // private copy of an image page
  Page *remember(word va, word addr, word rights, bool pristine = false);

  const unsigned char *image_ = nullptr;
  word image_size_ = 0;
  FrameSource *frames_ = nullptr;
  Segment segs_[max_segments];
  unsigned n_segs_ = 0;
  Range ranges_[max_ranges];
  unsigned n_ranges_ = 0;
  Range persistent_[2];
  unsigned n_persistent_ = 0;
  Fixed fixed_[16];
  unsigned n_fixed_ = 0;
  Page *pages_ = nullptr;
  unsigned capacity_ = 0;
  unsigned n_pages_ = 0;
  unsigned n_volatile_ = 0;   // of which not persistent: a restart's scan stops when none is left
  word *volatile_vas_ = nullptr;
  word image_shared_ = 0, cow_ = 0;
};

} // namespace p3
