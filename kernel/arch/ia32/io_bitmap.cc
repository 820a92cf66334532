#include "arch/io_bitmap.hh"
#include "arch/cpu.hh"
#include "arch/mmu.hh"
#include "arch/switch.hh"
#include "lib/string.hh"
#include "mem/pool.hh"

namespace kern::arch {

Status IoBitmap::set(word first, word count, bool allow, const Frames &frames, bool running) {
  if (first + count > 0x10000 || first + count < first) return Status::invalid_arg;
  for (uint8_t *&half : half_) {
    if (half) continue;
    const word fr = frames.alloc(frames.ctx);
    if (!fr) return Status::no_memory;
    half = pool::kva<uint8_t>(fr);
    memset(half, 0xff, page_size);
  }
  for (word p = first; p < first + count; ++p) {
    uint8_t &byte = half_[p >> 15][(p & 0x7fff) >> 3];
    if (allow) byte &= uint8_t(~(1u << (p & 7)));
    else byte |= uint8_t(1u << (p & 7));
  }
  // The TSS holds a copy: refresh it now if we are the running space, else at the next switch.
  io_bitmap_changed();
  if (running) load();
  return Status::ok;
}

void IoBitmap::release(const Frames &frames) {
  for (uint8_t *&half : half_)
    if (half) {
      frames.free(frames.ctx, virt_to_phys(reinterpret_cast<word>(half)));
      half = nullptr;
    }
  io_bitmap_changed();
}

void IoBitmap::load() const {
  const uint8_t *io[2] = {half_[0], half_[1]};
  load_io_bitmap(io);
}

} // namespace kern::arch
