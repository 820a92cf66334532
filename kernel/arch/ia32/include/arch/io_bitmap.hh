// The I/O ports a space may use: the x86 task state segment's permission bitmap, kept per space
// and copied into the TSS when a space whose threads may use ports runs. Generic code sees only
// this class (ARM's has no ports).
#pragma once
#include "lib/types.hh"

namespace kern::arch {

class IoBitmap {
public:
  // Where the bitmap's frames come from: the space's own, charged to its factory.
  struct Frames {
    word (*alloc)(void *ctx);   // physical address, 0 when the quota is spent
    void (*free)(void *ctx, word phys);
    void *ctx;
  };

  // Whether any port was ever allowed (the bitmap exists).
  bool any() const { return half_[0] != nullptr; }
  // Whether switching to this space must load() the TSS's bitmap: the space has ports, or the
  // TSS still lets the previous space use its own. One load and one OR of io_live, not two
  // tests (the IPC fast path pays it on every switch of spaces).
  bool switch_loads() const;
  // Allow or deny again [first, first + count). `running`: the space runs now, so the TSS copy
  // is refreshed at once (else at its next switch in).
  [[nodiscard]] Status set(word first, word count, bool allow, const Frames &frames, bool running);
  // The space goes: its frames go back.
  void release(const Frames &frames);
  // Our space runs now: its ports, or none, in the TSS.
  void load() const;

private:
  // Ports 0..32767 and 32768..65535, one frame each; bit set = port denied, as in the TSS.
  uint8_t *half_[2] = {};
};

// Nonzero while the TSS's bitmap is live, i.e. lets the running thread use some port
// (load_io_bitmap in cpu.cc keeps it with the TSS's iomap_base).
extern word io_live;
inline bool IoBitmap::switch_loads() const {
  return (reinterpret_cast<word>(half_[0]) | io_live) != 0;
}

} // namespace kern::arch
