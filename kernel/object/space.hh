// An address space and the task's capability space: the protection domain of a task. It owns
// its page directory (kernel half shared with every space), its capability slots, the UTCB
// frames of its threads and, for drivers, an I/O-port bitmap.
#pragma once
#include "object/kobject.hh"
#include "cap/cspace.hh"
#include "arch/io_bitmap.hh"
#include "arch/mmu.hh"
#include "object/thread.hh"

namespace kern {

class Thread;

class Space : public Kobject {
public:
  static constexpr ObjType tag = ObjType::space;
  static constexpr unsigned max_threads = 256;

  [[nodiscard]] static Space *create(Factory *f, unsigned log2_slots);
  void destroy();

  CSpace cspace;
  arch::PageDir pd;
  bool privileged = false;   // initial tasks: may use kdebug exit
  bool sigma0 = false;       // faults on physical memory are resolved by the kernel
  word id = 0;

  // A thread joins the space (gets a UTCB) or leaves it.
  [[nodiscard]] Status bind(Thread *t);
  void unbind(Thread *t);
  Queue<Thread, &Thread::space_link> members;

  // The I/O ports this space may use (the architecture's: none on ARM).
  arch::IoBitmap io;
  [[nodiscard]] Status io_allow(word first, word count, bool allow);

  // Page-table frames are charged to the space's factory.
  [[nodiscard]] bool map_page(word va, word pfn, unsigned rights);
  // The page table for va exists afterwards (or false: quota exhausted).
  [[nodiscard]] bool prepare(word va);
  void unmap_page(word va);

private:
  explicit Space(Factory *f) : Kobject(tag, f) {}
  uint32_t utcb_bits_[max_threads / 32] = {};
  word utcb_frames_[max_threads / 8] = {};
  Cap *cap_pages_[CSpace::max_pages] = {};
  unsigned cap_npages_ = 0;
  friend word space_frame_alloc(void *);
  friend void space_frame_free(void *, word);
};

extern Space *sigma0_space;

} // namespace kern
