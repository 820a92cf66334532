#include "mdb/mapdb.hh"

namespace kern {

namespace {
void link_child(MapNode *parent, MapNode *n) {
  n->parent = parent;
  n->prev = nullptr;
  n->next = parent->child;
  if (parent->child) parent->child->prev = n;
  parent->child = n;
}
} // namespace

void MapDb::init(MapNode **roots, word nframes, word aperture_pfn, word aperture_frames) {
  roots_ = roots;
  nframes_ = nframes;
  // An aperture overlapping the frames below nframes would give a frame two roots: none then.
  const bool apart = aperture_pfn >= nframes;
  aperture_pfn_ = apart ? aperture_pfn : 0;
  aperture_frames_ = apart ? aperture_frames : 0;
  for (word i = 0; i < nframes_ + aperture_frames_; ++i) roots_[i] = nullptr;
}

Status MapDb::add_root(word pfn, Space *s, word va, unsigned rights) {
  MapNode **r = slot(pfn);
  if (!r || *r) return Status::busy;
  MapNode *n = mdb_node_alloc(s);
  if (!n) return Status::no_memory;
  *n = MapNode{s, va, pfn, uint8_t(rights), nullptr, nullptr, nullptr, nullptr};
  *r = n;
  mdb_pte_set(s, va, pfn, rights);
  return Status::ok;
}

MapNode *MapDb::find(Space *s, word va) const {
  word pfn;
  if (!mdb_pte_lookup(s, va, &pfn) || !covers(pfn)) return nullptr;
  // Depth-first walk of the frame's tree without recursion.
  for (MapNode *n = root(pfn); n;) {
    if (n->space == s && n->va == va) return n;
    if (n->child) { n = n->child; continue; }
    while (n && !n->next) n = n->parent;
    if (n) n = n->next;
  }
  return nullptr;
}

Status MapDb::map(MapNode *src, Space *dst, word va, unsigned rights) {
  rights &= src->rights;
  if (!rights) return Status::ok;
  MapNode *old = find(dst, va);
  if (old) {
    if (old == src) return Status::ok;              // mapping a page onto itself
    if (old->pfn == src->pfn && old->parent == src) {
      old->rights = uint8_t(old->rights | rights);   // widen an existing mapping
      mdb_pte_set(dst, va, old->pfn, old->rights);
      return Status::ok;
    }
    // Never let a node replace one of its own ancestors' mappings out from under it.
    for (MapNode *a = src; a; a = a->parent)
      if (a == old) return Status::invalid_arg;
  }
  // Allocate first: a failed map leaves the receiver's old mapping alone (the allocation maps
  // nothing, so `old` is still what the receiver has there).
  MapNode *n = mdb_node_alloc(dst);
  if (!n) return Status::no_memory;
  if (old) unmap(old, 7, true);
  *n = MapNode{dst, va, src->pfn, uint8_t(rights), nullptr, nullptr, nullptr, nullptr};
  link_child(src, n);
  mdb_pte_set(dst, va, n->pfn, rights);
  return Status::ok;
}

Status MapDb::grant(MapNode *src, Space *dst, word va, unsigned rights) {
  if (!(rights & src->rights)) return Status::ok;   // nothing to give: the sender keeps its page
  if (src->space == dst && src->va == va) return Status::ok;
  MapNode *old = find(dst, va);
  if (old)
    for (MapNode *a = src; a; a = a->parent)
      if (a == old) return Status::invalid_arg;
  // The node's memory is the holder's: the receiver pays from now on.
  if (!mdb_node_recharge(src, dst)) return Status::no_memory;
  if (old) unmap(old, 7, true);
  mdb_pte_clear(src->space, src->va);
  src->space = dst;
  src->va = va;
  src->rights = uint8_t(src->rights & rights);
  // Children must not hold more than their parent now holds.
  if (src->rights != 7) unmap(src, unsigned(~src->rights) & 7, false);
  mdb_pte_set(dst, va, src->pfn, src->rights);
  return Status::ok;
}

void MapDb::remove_node(MapNode *n) {
  // n has no children here.
  mdb_pte_clear(n->space, n->va);
  if (n->prev) n->prev->next = n->next;
  else if (n->parent) n->parent->child = n->next;
  else *slot(n->pfn) = n->next;   // roots have no siblings, so this clears the root
  if (n->next) n->next->prev = n->prev;
  mdb_node_free(n);
}

void MapDb::remove_subtree(MapNode *top) {
  // Post-order, iterative: delete a deepest leaf until only top is left, then top.
  while (top->child) {
    MapNode *n = top->child;
    while (n->child) n = n->child;
    remove_node(n);
  }
  remove_node(top);
}

void MapDb::unmap(MapNode *top, unsigned rights, bool self) {
  rights &= 7;
  if (!rights) return;
  // Pre-order walk of the subtree; a node that loses all rights goes with its subtree, so the
  // walk continues at its next sibling.
  MapNode *n = self ? top : top->child;
  while (n) {
    MapNode *after;           // next node in pre-order that is not below n
    {
      MapNode *a = n;
      while (a != top && !a->next) a = a->parent;
      after = (a == top) ? nullptr : a->next;
    }
    unsigned left = n->rights & ~rights;
    if (!left) {
      remove_subtree(n);
      if (n == top) return;
      n = after;
      continue;
    }
    if (left != n->rights) {
      n->rights = uint8_t(left);
      mdb_pte_set(n->space, n->va, n->pfn, left);
    }
    n = n->child ? n->child : after;
  }
}

} // namespace kern
