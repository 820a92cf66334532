#include "cap/cspace.hh"

namespace kern {

void CSpace::init(Cap *const *pages, unsigned npages, void *owner) {
  if (npages > max_pages) npages = max_pages;
  count_ = npages * per_page;
  owner_ = owner;
  for (unsigned p = 0; p < npages; ++p) {
    pages_[p] = pages[p];
    for (unsigned i = 0; i < per_page; ++i) {
      pages[p][i] = Cap{};
      pages[p][i].home = this;
    }
  }
}

namespace {

void link_child(Cap &parent, Cap &c) {
  c.parent = &parent;
  c.prev = nullptr;
  c.next = parent.child;
  if (parent.child) parent.child->prev = &c;
  parent.child = &c;
}

void unlink(Cap &c) {
  if (c.prev) c.prev->next = c.next;
  else if (c.parent) c.parent->child = c.next;
  if (c.next) c.next->prev = c.prev;
  c.parent = c.next = c.prev = nullptr;
}

// Empty a slot that has no children.
void clear_leaf(Cap &c) {
  cap_hook_cleared(c);
  Kobject *obj = c.obj;
  ObjType type = c.type;
  bool original = c.original;
  unlink(c);
  CSpace *home = c.home;
  c = Cap{};
  c.home = home;
  if (original) cap_hook_destroy(obj, type);
}

} // namespace

namespace cdt {

void insert_original(Cap &dst, Cap *parent, Kobject *obj, ObjType type, word rights, word badge,
                     word extra) {
  dst.obj = obj;
  dst.type = type;
  dst.rights = uint8_t(rights);
  dst.original = true;
  dst.enabled = false;
  dst.badge = badge;
  dst.extra = extra;
  dst.child = nullptr;
  if (parent) link_child(*parent, dst);
  else dst.parent = dst.next = dst.prev = nullptr;
}

Status derive(Cap &src, Cap &dst, word rights_mask, bool mint, word badge) {
  if (src.empty() || !dst.empty()) return Status::invalid_cap;
  // A reply right names one pending request: it can move but not multiply.
  if (src.type == ObjType::reply) return Status::invalid_arg;
  if (mint) {
    if ((src.type != ObjType::endpoint && src.type != ObjType::irq) || src.badge != 0 || badge == 0)
      return Status::invalid_arg;
  }
  dst.obj = src.obj;
  dst.type = src.type;
  dst.rights = uint8_t(src.rights & rights_mask);
  dst.original = false;
  dst.enabled = false;
  dst.badge = mint ? badge : src.badge;
  dst.extra = src.extra;
  dst.child = nullptr;
  link_child(src, dst);
  return Status::ok;
}

void move(Cap &src, Cap &dst) {
  if (&src == &dst) return;
  CSpace *home = dst.home;
  dst = src;
  dst.home = home;
  // Re-point everything that referred to src.
  if (dst.prev) dst.prev->next = &dst;
  else if (dst.parent) dst.parent->child = &dst;
  if (dst.next) dst.next->prev = &dst;
  for (Cap *c = dst.child; c; c = c->next) c->parent = &dst;
  CSpace *src_home = src.home;
  src = Cap{};
  src.home = src_home;
}

void revoke(Cap &c) {
  // Iterative post-order walk: always delete a deepest leaf, so the kernel stack stays flat
  // however deep the tree.
  while (c.child) {
    Cap *n = c.child;
    while (n->child) n = n->child;
    clear_leaf(*n);
  }
}

void remove(Cap &c) {
  if (c.empty()) return;
  revoke(c);
  clear_leaf(c);
}

} // namespace cdt
} // namespace kern
