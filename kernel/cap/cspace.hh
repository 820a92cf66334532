// Capability spaces and the capability derivation tree (CDT).
//
// A capability is a slot holding (object, type, rights, badge). Every capability except boot ones
// is derived from another: create() puts the new object's *original* capability below the factory
// capability it was made from; copy and mint put the new capability below its source. Revoking a
// capability deletes everything below it; deleting an object's original capability destroys the
// object (after revoking its copies). The tree is kept with parent/first-child/sibling links
// inside the slots, so no operation allocates, and revocation walks it iteratively.
//
// This file knows nothing of the object types; the kernel supplies two hooks (below), which lets
// the host tests run this exact code.
#pragma once
#include "lib/types.hh"

namespace kern {

class Kobject;
class CSpace;

struct Cap {
  Kobject *obj = nullptr;
  ObjType type = ObjType::none;
  uint8_t rights = 0;
  bool original = false;
  bool enabled = false;    // ioports: enabled in the holder's space
  word badge = 0;          // endpoint/irq: badge; reply: caller generation; ioports: first port
  word extra = 0;          // ioports: number of ports
  Cap *parent = nullptr;   // CDT links
  Cap *child = nullptr;
  Cap *next = nullptr;
  Cap *prev = nullptr;
  CSpace *home = nullptr;  // the capability space holding this slot (null: slot inside an object)

  bool empty() const { return type == ObjType::none; }
  bool has(word r) const { return (rights & r) == r; }
};

// Slots live in pages of `per_page` capabilities, so a large capability space needs no
// physically contiguous memory; the page table of a CSpace is at most max_pages long.
class CSpace : NoCopy {
public:
  static constexpr unsigned per_page = 64;
  static constexpr unsigned max_pages = 64;

  CSpace() = default;
  // pages[i] points to per_page slots; count = npages * per_page.
  void init(Cap *const *pages, unsigned npages, void *owner);
  // Slot 0 is never valid, so 0 can mean "no capability" everywhere in the ABI.
  Cap *slot(word idx) const {
    return idx != 0 && idx < count_ ? &pages_[idx / per_page][idx % per_page] : nullptr;
  }
  // The same in two steps, for the IPC fast path: an index in range, then its slot (never null).
  // Slot 0 is in range: it is always empty (every operation that fills a slot finds it through
  // slot(), which refuses 0), so the type check that follows refuses it, one test fewer.
  bool in_range(word idx) const { return idx < count_; }
  Cap &at(word idx) const { return pages_[idx / per_page][idx % per_page]; }
  // A non-empty slot of the given type, or null.
  Cap *lookup(word idx, ObjType t) const {
    Cap *c = slot(idx);
    return c && c->type == t ? c : nullptr;
  }
  unsigned size() const { return count_; }
  void *owner() const { return owner_; }
  Cap *page(unsigned i) const { return pages_[i]; }

private:
  Cap *pages_[max_pages] = {};
  unsigned count_ = 0;
  void *owner_ = nullptr;
};

namespace cdt {
// Fill the empty slot dst with an object's original capability, below `parent` (may be null).
void insert_original(Cap &dst, Cap *parent, Kobject *obj, ObjType type, word rights,
                     word badge = 0, word extra = 0);
// Copy (mint=false) or mint src into the empty slot dst with rights src.rights & mask.
// Minting sets a badge and is allowed once, on an unbadged endpoint or IRQ capability.
[[nodiscard]] Status derive(Cap &src, Cap &dst, word rights_mask, bool mint, word badge);
// Move src into the empty slot dst, keeping its place in the tree.
void move(Cap &src, Cap &dst);
// Delete every capability derived from c.
void revoke(Cap &c);
// Revoke c, then empty it (destroying the object if c was its original).
void remove(Cap &c);
} // namespace cdt

// Hooks supplied by the kernel (object/destroy.cc) or by the host tests.
// Called when an object's original capability goes away: destroy the object (later, not
// recursively: the kernel queues it).
void cap_hook_destroy(Kobject *obj, ObjType type);
// Called just before a slot is emptied (disable I/O ports, abandon a reply ...).
void cap_hook_cleared(Cap &c);

} // namespace kern
