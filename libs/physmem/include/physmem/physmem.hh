// The root task's table of physical pages: one entry per frame with its state, owner and holder
// count, so memory can be accounted to tasks (`ps`, `mem`), shared between them through their
// pagers, and reclaimed when a task exits.
//
// The caller supplies the storage (an Entry per frame, a pool of Share records for frames held by
// more than their owner); nothing is allocated. Every misuse (double free, releasing a frame one
// does not hold, a frame outside the table, ...) returns an error code and leaves the table as it
// was. Not thread-safe: the root task serializes calls.
//
// Holding model: alloc() makes the caller's task the frame's owner and first holder. share() adds a
// hold for another task (or another hold for the same one). release() drops one hold; when the
// owner's own hold goes while others remain, ownership passes to the next holder (so the frame
// stays charged to a task that uses it); the frame is free again when the last hold goes.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace physmem {

using Frame = uint32_t;  // physical frame number (address >> 12)
using Owner = uint32_t;  // task id; 0 is "nobody" and never a valid owner or holder
constexpr uint32_t frame_size = 4096;
constexpr uint16_t max_holders = 0xffff;

enum class State : uint8_t { absent, free, reserved, allocated, shared };
// What a region is (init) and why a reserved frame is reserved.
enum class Kind : uint8_t { ram, kernel, module, device, firmware };
constexpr unsigned kinds = 5;

enum class Error : uint8_t {
  ok,
  out_of_range,    // the frame is not in the table
  absent,          // no memory there (a hole in the physical map)
  reserved,        // kernel, module, device or firmware memory
  not_free,        // alloc_at: already allocated
  not_allocated,   // release/share of a free frame (a double free)
  not_holder,      // release by a task that does not hold the frame
  bad_owner,       // owner/holder 0
  no_memory,       // alloc: no free frame
  no_share_slots,  // the Share pool is full
  too_many_holders,
  bad_region,      // init: a region with a bad kind or wrapping around
};
const char *describe(Error e);

struct Region {
  uint64_t base, size;  // bytes; RAM is rounded inwards to whole frames, reservations outwards
  Kind kind;
};

struct Entry {
  Owner owner;       // allocated/shared: the task charged with the frame
  uint16_t holders;  // allocated: 1; shared: > 1
  State state;
  Kind kind;         // reserved: why
};

// A hold on a frame by a task other than its owner (or a second hold by the owner).
struct Share {
  Frame frame;
  Owner holder;  // 0: unused slot
  uint32_t count;
};

struct Totals {
  uint32_t frames;                  // entries in the table
  uint32_t absent, free, reserved, allocated, shared;
  uint32_t reserved_by[kinds];      // indexed by Kind (ram stays 0)
  uint32_t share_slots_used;
};

struct Usage {
  uint32_t owned;          // frames charged to the task (allocated or shared)
  uint32_t shared_owned;   // of which shared with others
  uint32_t held;           // frames of other owners it holds through share()
};

class Table {
public:
  // Sets the table up over `nframes` entries for frames [first, first + nframes): every frame is
  // absent, then the RAM regions become free, then the other regions are reserved (a reservation
  // wins over RAM whatever the order). Regions may reach outside the table; they are clipped.
  Error init(Entry *entries, uint32_t nframes, Frame first, const Region *regions,
             unsigned nregions, Share *shares, unsigned nshares);

  Error alloc(Owner owner, Frame *out);      // any free frame (next fit), outside the reserve
                                             // while there are others
  // Frames [begin, end) are kept for alloc_run (memory a device reaches, which single-frame
  // allocations would otherwise scatter): alloc takes them only when nothing else is free.
  void set_reserve(Frame begin, Frame end) { reserve_begin = begin; reserve_end = end; }
  Error alloc_at(Frame f, Owner owner);      // this free frame
  // `count` free frames in a row for a device that reads memory by physical address (ISA DMA):
  // the lowest run that starts at a multiple of `align` frames (a power of two) and ends at or
  // below frame `limit`. All or nothing; *out is the first frame.
  Error alloc_run(Owner owner, uint32_t count, uint32_t align, Frame limit, Frame *out);
  // `count` (a power of two) free frames in a row, starting at a multiple of `count`, outside
  // the reserve: the next such block from where single frames were last taken (next fit, like
  // alloc), not the lowest, so that handing out memory in blocks costs no search of the used
  // part. All or nothing; *out is the first frame. For a pager's stock of frames, which then
  // passes on as one flexpage.
  Error alloc_block(Owner owner, uint32_t count, Frame *out);
  Error share(Frame f, Owner holder);        // one more hold
  Error release(Frame f, Owner holder);      // one hold less; free when none is left
  // Task exit: drops every hold the task has and every frame it owns (frames also held by others
  // pass to them). Returns how many frames became free.
  uint32_t free_all(Owner owner);

  Usage usage(Owner owner) const;
  Totals totals() const { return tot; }
  const Entry *entry(Frame f) const;         // null outside the table
  Frame first() const { return first_; }
  uint32_t size() const { return n; }
  // Whether two holds of `holder` on f exist etc.: the number of holds `holder` has on f.
  uint32_t holds(Frame f, Owner holder) const;
  // Recounts everything and cross-checks entries, shares and totals (for tests and debugging).
  bool check() const;

private:
  Entry *e = nullptr;
  uint32_t n = 0;
  Frame first_ = 0;
  Share *sh = nullptr;
  unsigned nsh = 0;
  uint32_t cursor = 0;
  Frame reserve_begin = 0, reserve_end = 0;
  Totals tot{};

  Entry *at(Frame f, Error *err);
  Share *find_share(Frame f, Owner holder) const;
  Share *first_share(Frame f) const;
  void set_state(Entry &x, State s);
  void take(Entry &x, Owner owner);
};

} // namespace physmem
