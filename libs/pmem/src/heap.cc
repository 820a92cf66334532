// The persistent heap. Region layout (all offsets from the region's base, all words 32-bit):
//
//   0    header   magic, version, size, heap_start, heap_end (fixed at format), free_head,
//                 free_bytes, used_bytes, used_blocks, free_blocks, generation, crc (of the 11)
//   64   journal  state (0 idle / committed), count, seq, crc, then `count` {offset, value} pairs
//   512  blocks   up to heap_end: each a 16-byte header {size | used, check, next_free, requested}
//                 and its payload; sizes are multiples of 16, at least 32
//
// Free blocks form a singly linked list sorted by offset; neighbouring free blocks are always
// merged, so the list is exactly the free blocks met by a walk over the area, in order.
#include "pmem/heap.hh"

#include "pmem/persistent.hh"

#ifdef ARC_PMEM_TEST_HOOKS
namespace pmem::test {
void after_store();  // the host tests count stores and snapshot the region after each one
}
#endif

namespace pmem {

namespace {

constexpr uint32_t heap_magic = 0x50484541;  // "PHEA"
constexpr uint32_t heap_version = 1;
constexpr uint32_t block_magic = 0x9e3779b9;
constexpr uint32_t journal_committed = 0x434f4d54;  // "COMT"

// Header words.
constexpr uint32_t h_magic = 0, h_version = 4, h_size = 8, h_start = 12, h_end = 16,
                   h_free_head = 20, h_free_bytes = 24, h_used_bytes = 28, h_used_blocks = 32,
                   h_free_blocks = 36, h_generation = 40, h_crc = 44;
constexpr unsigned header_words = 11;  // covered by the crc
// Journal.
constexpr uint32_t j_state = 64, j_count = 68, j_seq = 72, j_crc = 76, j_entries = 80;
constexpr uint32_t max_entries = 32;
static_assert(j_entries + max_entries * 8 <= Heap::overhead);
// Block header words (relative to the block).
constexpr uint32_t b_size = 0, b_check = 4, b_next = 8, b_req = 12;
constexpr uint32_t used_bit = 1;
constexpr uint32_t min_block = 32;

inline void barrier() { asm volatile("" ::: "memory"); }
constexpr uint32_t block_check(uint32_t off, uint32_t w0) { return w0 ^ off ^ block_magic; }

} // namespace

const char *describe(Status s) {
  switch (s) {
  case Status::ok: return "ok";
  case Status::invalid_pointer: return "invalid pointer";
  case Status::double_free: return "double free";
  case Status::corrupt: return "heap corrupt";
  case Status::not_attached: return "heap not attached";
  }
  return "?";
}

uint32_t Heap::rd(uint32_t off) const {
  return *reinterpret_cast<const volatile uint32_t *>(base + off);
}

void Heap::wr(uint32_t off, uint32_t v) {
  *reinterpret_cast<volatile uint32_t *>(base + off) = v;
#ifdef ARC_PMEM_TEST_HOOKS
  test::after_store();
#endif
}

namespace {

uint32_t header_crc(const uint32_t (&w)[header_words]) { return crc32(w, sizeof w); }

} // namespace

// One operation's metadata writes: recorded in the journal, committed, applied.
class Tx {
public:
  explicit Tx(Heap &h) : h(h) {}

  void write(uint32_t off, uint32_t v) {
    for (uint32_t i = 0; i < n; ++i)
      if (h.rd(j_entries + 8 * i) == off) return h.wr(j_entries + 8 * i + 4, v);
    if (n == max_entries) {  // cannot happen: no operation writes that many words
      full = true;
      return;
    }
    h.wr(j_entries + 8 * n, off);
    h.wr(j_entries + 8 * n + 4, v);
    ++n;
  }
  uint32_t read(uint32_t off) const {
    for (uint32_t i = n; i-- > 0;)
      if (h.rd(j_entries + 8 * i) == off) return h.rd(j_entries + 8 * i + 4);
    return h.rd(off);
  }
  void write_block(uint32_t off, uint32_t size, bool used, uint32_t next, uint32_t req) {
    const uint32_t w0 = size | (used ? used_bit : 0);
    write(off + b_size, w0);
    write(off + b_check, block_check(off, w0));
    write(off + b_next, next);
    write(off + b_req, req);
  }
  // Adds d (modulo 2^32) to a header counter.
  void add(uint32_t off, uint32_t d) { write(off, read(off) + d); }

  bool commit() {
    if (full) return false;
    const uint32_t gen = read(h_generation) + 1;
    write(h_generation, gen);
    uint32_t w[header_words];
    for (unsigned i = 0; i < header_words; ++i) w[i] = read(4 * i);
    write(h_crc, header_crc(w));
    if (full) return false;
    h.wr(j_count, n);
    h.wr(j_seq, gen);
    h.wr(j_crc, journal_crc(h));
    barrier();
    h.wr(j_state, journal_committed);  // the commit point
    barrier();
    apply(h);
    return true;
  }

  static uint32_t journal_crc(const Heap &h) {
    const uint32_t count = h.rd(j_count);
    uint32_t crc = crc32(&count, 4);
    const uint32_t seq = h.rd(j_seq);
    crc = crc32(&seq, 4, crc);
    for (uint32_t i = 0; i < 2 * count; ++i) {
      const uint32_t v = h.rd(j_entries + 4 * i);
      crc = crc32(&v, 4, crc);
    }
    return crc;
  }
  static void apply(Heap &h) {
    const uint32_t count = h.rd(j_count);
    for (uint32_t i = 0; i < count; ++i) h.wr(h.rd(j_entries + 8 * i), h.rd(j_entries + 8 * i + 4));
    barrier();
    h.wr(j_state, 0);
    barrier();
  }

private:
  Heap &h;
  uint32_t n = 0;
  bool full = false;
};

bool Heap::format(void *region, size_t region_size) {
  base = nullptr;
  if (!region || (reinterpret_cast<uintptr_t>(region) & (min_align - 1))) return false;
  if (region_size < overhead + min_block || region_size > 0xfffffff0u) return false;
  base = static_cast<uint8_t *>(region);
  size = uint32_t(region_size);
  start = overhead;
  end = start + ((size - start) & ~uint32_t(15));
  wr(j_state, 0);
  wr(j_count, 0);
  wr(start + b_size, end - start);
  wr(start + b_check, block_check(start, end - start));
  wr(start + b_next, 0);
  wr(start + b_req, 0);
  uint32_t w[header_words] = {heap_magic, heap_version, size, start, end, start, end - start, 0,
                              0, 1, 0};
  for (unsigned i = 1; i < header_words; ++i) wr(4 * i, w[i]);
  wr(h_crc, header_crc(w));
  barrier();
  wr(h_magic, heap_magic);
  barrier();
  return true;
}

bool Heap::recover_journal() {
  const uint32_t state = rd(j_state);
  if (state == 0) return true;
  if (state != journal_committed) return false;
  const uint32_t count = rd(j_count);
  if (count > max_entries) return false;
  if (rd(j_crc) != Tx::journal_crc(*this)) return false;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t off = rd(j_entries + 8 * i);
    // Operations write header words and block headers, nothing else.
    const bool in_header = off < h_crc + 4;
    const bool in_blocks = off >= start && off <= end - 4;
    if ((off & 3) || !(in_header || in_blocks)) return false;
    if (in_header && off <= h_end) return false;  // the fixed fields never change
  }
  Tx::apply(*this);  // the operation completes
  return true;
}

bool Heap::attach(void *region, size_t region_size) {
  base = nullptr;
  if (!region || (reinterpret_cast<uintptr_t>(region) & (min_align - 1))) return false;
  if (region_size && region_size < overhead + min_block) return false;
  base = static_cast<uint8_t *>(region);
  const uint32_t hsize = rd(h_size);
  const bool fixed_ok = rd(h_magic) == heap_magic && rd(h_version) == heap_version &&
                        (!region_size || hsize == region_size) && hsize >= overhead + min_block &&
                        hsize <= 0xfffffff0u && rd(h_start) == overhead &&
                        rd(h_end) == overhead + ((hsize - overhead) & ~uint32_t(15));
  size = hsize;
  start = overhead;
  end = fixed_ok ? rd(h_end) : 0;
  if (!fixed_ok || !recover_journal() || walk(nullptr) != Status::ok) {
    base = nullptr;
    return false;
  }
  return true;
}

bool Heap::header_ok() const {
  uint32_t w[header_words];
  for (unsigned i = 0; i < header_words; ++i) w[i] = rd(4 * i);
  return rd(h_crc) == header_crc(w) && w[2] == size && w[3] == start && w[4] == end &&
         rd(j_state) == 0;
}

bool Heap::valid_block(uint32_t off) const {
  if (off < start || off >= end || (off & 15) || end - off < min_block) return false;
  const uint32_t w0 = rd(off + b_size), sz = w0 & ~uint32_t(15);
  if ((w0 & 15 & ~used_bit) || sz < min_block || sz > end - off) return false;
  if (rd(off + b_check) != block_check(off, w0)) return false;
  return (w0 & used_bit) ? rd(off + b_next) == 0 : true;
}

Status Heap::walk(HeapStats *st) const {
  if (!base) return Status::not_attached;
  if (!header_ok()) return Status::corrupt;
  uint32_t w[header_words];
  for (unsigned i = 0; i < header_words; ++i) w[i] = rd(4 * i);
  HeapStats s{};
  s.capacity = end - start;
  s.generation = w[10];
  uint32_t expect_free = w[5];
  bool prev_free = false;
  uint32_t b = start;
  while (b < end) {
    if (!valid_block(b)) return Status::corrupt;
    const uint32_t w0 = rd(b + b_size), sz = w0 & ~uint32_t(15);
    if (w0 & used_bit) {
      s.used_bytes += sz;
      ++s.used_blocks;
      prev_free = false;
    } else {
      if (prev_free || b != expect_free) return Status::corrupt;
      expect_free = rd(b + b_next);
      s.free_bytes += sz;
      ++s.free_blocks;
      if (sz > s.largest_free) s.largest_free = sz;
      prev_free = true;
    }
    b += sz;
  }
  if (b != end || expect_free != 0) return Status::corrupt;
  if (s.free_bytes != w[6] || s.used_bytes != w[7] || s.used_blocks != w[8] ||
      s.free_blocks != w[9])
    return Status::corrupt;
  if (st) *st = s;
  return Status::ok;
}

Status Heap::check() const { return walk(nullptr); }

HeapStats Heap::stats() const {
  HeapStats s{};
  walk(&s);
  return s;
}

void *Heap::alloc(size_t want, size_t align) {
  if (!base) return nullptr;
  if (align & (align - 1) || align > (size_t(1) << 30)) return nullptr;
  if (align < min_align) align = min_align;
  if (want > size || !header_ok()) return nullptr;
  const uint64_t need = ((uint64_t(want ? want : 1) + 15) & ~uint64_t(15)) + block_header;
  const uintptr_t abs = reinterpret_cast<uintptr_t>(base);

  uint32_t prev = 0;
  for (uint32_t cur = rd(h_free_head); cur; cur = rd(cur + b_next)) {
    if (!valid_block(cur) || (rd(cur + b_size) & used_bit) || cur <= prev) return nullptr;
    const uint32_t csz = rd(cur + b_size);
    const uint64_t cend = uint64_t(cur) + csz;
    // Where the payload can start: aligned, and either at the block's start or far enough in
    // that the bytes before it form a free block of their own.
    uint64_t payload = uint64_t(cur) + block_header;
    uint64_t aligned = ((abs + payload + align - 1) & ~uint64_t(align - 1)) - abs;
    if (aligned != payload && aligned - payload < min_block)
      aligned = ((abs + payload + min_block + align - 1) & ~uint64_t(align - 1)) - abs;
    const uint64_t nb = aligned - block_header;
    if (nb + need > cend) {
      prev = cur;
      continue;
    }
    const uint32_t lead = uint32_t(nb - cur);
    uint32_t bsize = uint32_t(need), tail = uint32_t(cend - nb - need);
    if (tail < min_block) bsize += tail, tail = 0;
    const uint32_t next = rd(cur + b_next);
    const uint32_t tail_off = uint32_t(nb) + bsize;

    Tx tx(*this);
    const uint32_t after = tail ? tail_off : next;
    if (lead) tx.write_block(cur, lead, false, after, 0);
    else tx.write(prev ? prev + b_next : h_free_head, after);
    tx.write_block(uint32_t(nb), bsize, true, 0, uint32_t(want));
    if (tail) tx.write_block(tail_off, tail, false, next, 0);
    tx.add(h_free_bytes, -bsize);
    tx.add(h_used_bytes, bsize);
    tx.add(h_used_blocks, 1);
    tx.add(h_free_blocks, (lead ? 1 : 0) + (tail ? 1 : 0) - 1);
    if (!tx.commit()) return nullptr;
    return base + aligned;
  }
  return nullptr;
}

Status Heap::free(void *p) {
  if (!base) return Status::not_attached;
  const uintptr_t a = reinterpret_cast<uintptr_t>(p), b0 = reinterpret_cast<uintptr_t>(base);
  if (a < b0 + start + block_header || a >= b0 + end || ((a - b0) & 15))
    return Status::invalid_pointer;
  if (!header_ok()) return Status::corrupt;
  const uint32_t off = uint32_t(a - b0) - block_header;

  // The free blocks around it.
  uint32_t prev = 0, next = rd(h_free_head);
  while (next && next < off) {
    if (!valid_block(next) || (rd(next + b_size) & used_bit) || next <= prev) return Status::corrupt;
    prev = next;
    next = rd(next + b_next);
  }
  if (next && (!valid_block(next) || (rd(next + b_size) & used_bit))) return Status::corrupt;
  // Walk the (used) blocks from the previous free block: off must be where one starts.
  uint32_t b = prev ? prev : start, last = b;
  while (b < off) {
    if (!valid_block(b)) return Status::corrupt;
    last = b;
    b += rd(b + b_size) & ~uint32_t(15);
  }
  if (b != off) return (rd(last + b_size) & used_bit) ? Status::invalid_pointer : Status::double_free;
  if (!valid_block(off)) return Status::corrupt;
  if (!(rd(off + b_size) & used_bit)) return Status::double_free;

  const uint32_t sz = rd(off + b_size) & ~uint32_t(15);
  const uint32_t prev_sz = prev ? rd(prev + b_size) & ~uint32_t(15) : 0;
  const bool merge_prev = prev && prev + prev_sz == off;
  const bool merge_next = next && off + sz == next;
  const uint32_t next_sz = next ? rd(next + b_size) & ~uint32_t(15) : 0;
  const uint32_t after = merge_next ? rd(next + b_next) : next;
  const uint32_t merged = (merge_prev ? prev_sz : 0) + sz + (merge_next ? next_sz : 0);

  Tx tx(*this);
  if (merge_prev) {
    tx.write_block(prev, merged, false, after, 0);
    tx.write(off + b_check, 0);  // no longer a block header
  } else {
    tx.write_block(off, merged, false, after, 0);
    tx.write(prev ? prev + b_next : h_free_head, off);
  }
  if (merge_next) tx.write(next + b_check, 0);
  tx.add(h_free_bytes, sz);
  tx.add(h_used_bytes, -sz);
  tx.add(h_used_blocks, -1u);
  tx.add(h_free_blocks, 1u - (merge_prev ? 1 : 0) - (merge_next ? 1 : 0));
  return tx.commit() ? Status::ok : Status::corrupt;
}

size_t Heap::usable_size(const void *p) const {
  if (!base) return 0;
  const uintptr_t a = reinterpret_cast<uintptr_t>(p), b0 = reinterpret_cast<uintptr_t>(base);
  if (a < b0 + start + block_header || a >= b0 + end || ((a - b0) & 15)) return 0;
  const uint32_t off = uint32_t(a - b0) - block_header;
  if (!valid_block(off) || !(rd(off + b_size) & used_bit)) return 0;
  // An aligned allocation's payload starts at its block's header + 16, so this is exact.
  return (rd(off + b_size) & ~uint32_t(15)) - block_header;
}

} // namespace pmem
