#include "object/space.hh"
#include "lib/console.hh"
#include "lib/string.hh"
#include "mdb/mapdb.hh"
#include "mem/slab.hh"
#include "object/factory.hh"
#include "object/thread.hh"
#include "sched/scheduler.hh"
#include "ipc/ipc.hh"
#include "arch/cpu.hh"

namespace kern {

Space *sigma0_space;

namespace {
Slab<Space> slab;
Slab<MapNode, false> node_slab;   // every node is assigned whole (mdb/mapdb.cc)
word next_id = 1;
} // namespace

// Page tables and other per-space frames are charged to the space's factory.
word space_frame_alloc(void *ctx) {
  auto *s = static_cast<Space *>(ctx);
  if (!s->factory()->charge(page_size)) return 0;
  word f = pool::alloc_frame();
  if (!f) s->factory()->uncharge(page_size);
  return f;
}

void space_frame_free(void *ctx, word phys) {
  static_cast<Space *>(ctx)->factory()->uncharge(page_size);
  pool::free_frame(phys);
}

namespace {
arch::IoBitmap::Frames io_frames(Space *s) { return {space_frame_alloc, space_frame_free, s}; }
} // namespace

Space *Space::create(Factory *f, unsigned log2_slots) {
  if (log2_slots < 4 || log2_slots > 12) return nullptr;
  if (!f->charge(sizeof(Space))) return nullptr;
  void *mem = slab.alloc();
  if (!mem) {
    f->uncharge(sizeof(Space));
    return nullptr;
  }
  Space *s = new (mem) Space(f);
  s->id = next_id++;
  unsigned slots = 1u << log2_slots;
  unsigned npages = (slots + CSpace::per_page - 1) / CSpace::per_page;
  bool ok = arch::pd_init(s->pd, space_frame_alloc, s);
  for (unsigned i = 0; ok && i < npages; ++i) {
    word fr = space_frame_alloc(s);
    if (!fr) ok = false;
    else s->cap_pages_[s->cap_npages_++] = pool::kva<Cap>(fr);
  }
  if (!ok) {
    s->destroy();
    return nullptr;
  }
  s->cspace.init(s->cap_pages_, s->cap_npages_, s);
  return s;
}

void Space::destroy() {
  // Threads lose their space (they stay objects, dead, until their capabilities go).
  while (Thread *t = members.front()) {
    ipc::thread_gone(t);
    sched::remove(t);
    unbind(t);
    t->state = Thread::State::dead;
  }
  // Every mapping of ours goes, with everything derived from it.
  if (pd.pde) {
    for (word va = arch::pd_next_mapped(pd, 0, arc::user_top); va < arc::user_top;
         va = arch::pd_next_mapped(pd, va + page_size, arc::user_top)) {
      if (MapNode *n = mapdb.find(this, va)) mapdb.unmap(n, 7, true);
      else arch::pd_unmap(pd, va);
    }
  }
  for (unsigned p = 0; p < cap_npages_; ++p)
    for (unsigned i = 0; i < CSpace::per_page; ++i) cdt::remove(cap_pages_[p][i]);
  for (unsigned p = 0; p < cap_npages_; ++p)
    space_frame_free(this, arch::virt_to_phys(reinterpret_cast<word>(cap_pages_[p])));
  for (word &fr : utcb_frames_)
    if (fr) { space_frame_free(this, fr); fr = 0; }
  io.release(io_frames(this));
  arch::pd_destroy(pd, space_frame_free, this);
  if (this == sigma0_space) sigma0_space = nullptr;
  factory()->uncharge(sizeof(Space));
  slab.free(this);
}

Status Space::bind(Thread *t) {
  unsigned idx = 0;
  while (idx < max_threads && (utcb_bits_[idx / 32] & (1u << (idx % 32)))) ++idx;
  if (idx == max_threads) return Status::no_memory;
  word &frame = utcb_frames_[idx / 8];
  word va_page = arc::utcb_area + (idx / 8) * page_size;
  if (!frame) {
    frame = space_frame_alloc(this);
    if (!frame) return Status::no_memory;
    if (!map_page(va_page, frame >> page_shift, 6)) {
      space_frame_free(this, frame);
      frame = 0;
      return Status::no_memory;
    }
  }
  utcb_bits_[idx / 32] |= 1u << (idx % 32);
  t->utcb_index = idx;
  t->utcb_user = va_page + (idx % 8) * arc::utcb_size;
  t->utcb = reinterpret_cast<arc::Utcb *>(pool::kva<char>(frame) + (idx % 8) * arc::utcb_size);
  memset(t->utcb, 0, arc::utcb_size);
  t->utcb->self = t->utcb_user;
  t->space = this;
  arch::thread_bound(t);
  members.push_back(t);
  return Status::ok;
}

void Space::unbind(Thread *t) {
  utcb_bits_[t->utcb_index / 32] &= ~(1u << (t->utcb_index % 32));
  members.remove(t);
  t->space = nullptr;
  t->utcb = nullptr;
  t->utcb_user = 0;
}

Status Space::io_allow(word first, word count, bool allow) {
  return io.set(first, count, allow, io_frames(this), Thread::current()->space == this);
}

bool Space::map_page(word va, word pfn, unsigned rights) {
  return arch::pd_map(pd, va, pfn, rights, space_frame_alloc, this);
}

void Space::unmap_page(word va) { arch::pd_unmap(pd, va); }

bool Space::prepare(word va) { return arch::pd_prepare(pd, va, space_frame_alloc, this); }

// ---- mapping-database hooks over the architecture's page tables
bool mdb_pte_lookup(Space *s, word va, word *pfn) { return arch::pd_lookup(s->pd, va, pfn); }
void mdb_pte_set(Space *s, word va, word pfn, unsigned rights) {
  // Every caller prepared the page table first (Space::prepare), so this cannot fail.
  if (!s->map_page(va, pfn, rights)) panic("space %lu: page table missing at %lx", s->id, va);
}
void mdb_pte_clear(Space *s, word va) { s->unmap_page(va); }
MapNode *mdb_node_alloc(Space *s) {
  if (s && !s->factory()->charge(sizeof(MapNode))) return nullptr;
  void *m = node_slab.alloc();
  if (!m && s) s->factory()->uncharge(sizeof(MapNode));
  return static_cast<MapNode *>(m);
}
bool mdb_node_recharge(MapNode *n, Space *to) {
  if (n->space == to) return true;
  if (!to->factory()->charge(sizeof(MapNode))) return false;
  if (n->space) n->space->factory()->uncharge(sizeof(MapNode));
  return true;
}
void mdb_node_free(MapNode *n) {
  if (n->space) n->space->factory()->uncharge(sizeof(MapNode));
  node_slab.free(n);
}

} // namespace kern
