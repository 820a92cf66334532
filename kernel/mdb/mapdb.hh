// The mapping database: for every physical frame, the tree of mappings derived from its first
// holder. Map makes the receiver's mapping a child of the sender's; grant moves the sender's
// node to the receiver; unmap walks a node's subtree and removes (or reduces) every mapping in
// it, so revoking memory is recursive as in L4.
//
// The database does not know page tables or allocators: it calls the hooks below, which the
// kernel implements over the architecture's page tables (object/space.cc) and the host tests
// over a fake. Rights are fpage rights: r = 4, w = 2, x = 1.
#pragma once
#include "lib/types.hh"

namespace kern {

class Space;

struct MapNode {
  Space *space;
  word va;           // page-aligned virtual address in space
  word pfn;          // physical frame number
  uint8_t rights;
  MapNode *parent, *child, *next, *prev;
};

class MapDb : NoCopy {
public:
  MapDb() = default;
  // roots: one entry per physical frame below nframes (RAM and what lies between), then one per
  // frame of the device aperture [aperture_pfn, aperture_pfn + aperture_frames) above it (device
  // memory past the end of RAM, such as a PCI framebuffer; none: 0), all null.
  void init(MapNode **roots, word nframes, word aperture_pfn = 0, word aperture_frames = 0);
  // Whether frame pfn can be in the database.
  bool covers(word pfn) const { return slot(pfn) != nullptr; }
  MapNode *root(word pfn) const {
    MapNode *const *r = slot(pfn);
    return r ? *r : nullptr;
  }

  // A frame enters the database held by its first owner (sigma0, or the kernel's initial tasks).
  [[nodiscard]] Status add_root(word pfn, Space *s, word va, unsigned rights);
  // The node of the mapping at va in s, or null.
  MapNode *find(Space *s, word va) const;
  // s receives a mapping of src's frame at va with src.rights & rights, as a child of src. A
  // different mapping already at va is unmapped first; the same frame from the same parent only
  // has its rights widened (up to src's).
  [[nodiscard]] Status map(MapNode *src, Space *dst, word va, unsigned rights);
  // Like map, but src's node moves to dst (the sender loses the page, its subtree stays).
  [[nodiscard]] Status grant(MapNode *src, Space *dst, word va, unsigned rights);
  // Remove `rights` from every mapping derived from n (and from n itself if self). A mapping left
  // without rights is deleted along with its subtree.
  void unmap(MapNode *n, unsigned rights, bool self);

private:
  MapNode **slot(word pfn) const {
    if (pfn < nframes_) return &roots_[pfn];
    if (pfn - aperture_pfn_ < aperture_frames_) return &roots_[nframes_ + (pfn - aperture_pfn_)];
    return nullptr;
  }
  void remove_subtree(MapNode *n);
  void remove_node(MapNode *n);
  MapNode **roots_ = nullptr;
  word nframes_ = 0, aperture_pfn_ = 0, aperture_frames_ = 0;
};

// The kernel's one database (defined in boot/init.cc, which fills it at boot; the host tests make
// their own).
extern MapDb mapdb;

// Hooks (kernel: object/space.cc; host tests: a fake page table).
bool mdb_pte_lookup(Space *s, word va, word *pfn);
void mdb_pte_set(Space *s, word va, word pfn, unsigned rights);
void mdb_pte_clear(Space *s, word va);
MapNode *mdb_node_alloc(Space *charged_to);   // charged to the holder's quota
void mdb_node_free(MapNode *n);               // refunded to n->space's
// A granted node changes holder: charge `to`, refund n->space; false if `to` cannot pay.
bool mdb_node_recharge(MapNode *n, Space *to);

} // namespace kern
