// A persistent heap: dynamically allocated objects that survive hot and warm restarts, kept in a
// caller-given memory region (a pager-provided persistent area, or an ARC_PERSISTENT array).
//
// All bookkeeping lives inside the region, as offsets from its start, so after a restart the
// server attaches the same region again and finds its objects. Every alloc() and free() is one
// transaction: its metadata writes are first recorded in a redo journal in the region, the journal
// is committed with one word store, then the writes are applied and the journal is cleared. A crash
// at any point therefore leaves the state before or after the operation: attach() re-applies a
// committed journal and ignores an uncommitted one. attach() and check() validate everything
// (header checksum, journal, every block, the free list against the blocks, the counters) and say
// "corrupt" instead of trusting damaged metadata; alloc() and free() re-check every block they touch.
//
// Not thread-safe: one thread (or a lock held by the caller) at a time.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace pmem {

enum class Status : uint8_t {
  ok,
  invalid_pointer,  // not a pointer returned by alloc() of this heap
  double_free,      // the block is already free
  corrupt,          // the metadata is damaged; nothing was changed
  not_attached,
};
const char *describe(Status s);

struct HeapStats {
  size_t capacity;      // bytes of the block area (headers included)
  size_t free_bytes;    // in free blocks, headers included
  size_t used_bytes;    // in allocated blocks, headers included
  size_t largest_free;  // the largest free block, header included
  uint32_t used_blocks, free_blocks;
  uint32_t generation;  // committed operations since format()
};

class Heap {
public:
  static constexpr size_t min_align = 16;   // every pointer returned is at least this aligned
  static constexpr size_t block_header = 16;
  static constexpr size_t overhead = 512;   // region bytes not available to blocks (header, journal)

  // Lays out an empty heap over [base, base + size) (base 16-byte aligned, size < 4 GiB) and
  // attaches to it. False when the region is too small or misaligned.
  bool format(void *base, size_t size);
  // Attaches to a heap formatted earlier (after a restart). Finishes or discards an interrupted
  // operation, then validates the whole heap; false (and not attached) when it is corrupt.
  // With `size`, the header must also agree with the size the caller knows the region to have;
  // without it, the size recorded in the (checksummed) header is trusted.
  bool attach(void *base, size_t size);
  bool attach(void *base) { return attach(base, 0); }
  void detach() { base = nullptr; }
  bool attached() const { return base != nullptr; }

  // Null when no free block fits (or the heap is corrupt). `align` is a power of two (smaller
  // values than min_align are raised to it).
  void *alloc(size_t size, size_t align = min_align);
  Status free(void *p);

  // Integrity walk; Status::ok or Status::corrupt (never changes anything).
  Status check() const;
  HeapStats stats() const;
  // The usable size of an allocated block (>= the size asked for); 0 for an invalid pointer.
  size_t usable_size(const void *p) const;

private:
  uint8_t *base = nullptr;
  uint32_t size = 0;
  uint32_t start = 0, end = 0;  // the block area, as validated by format()/attach()

  friend class Tx;
  uint32_t rd(uint32_t off) const;
  void wr(uint32_t off, uint32_t v);
  bool valid_block(uint32_t off) const;
  bool recover_journal();
  bool header_ok() const;
  Status walk(HeapStats *st) const;
};

} // namespace pmem
