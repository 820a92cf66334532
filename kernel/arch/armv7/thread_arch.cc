// armv7 thread set-up and the low-level part of a context switch.
#include "arch/thread_arch.hh"
#include "arch/cpu.hh"
#include "object/thread.hh"
#include "lib/string.hh"

extern "C" void thread_start_user();

namespace kern::arch {

namespace {
// What arch_switch pops: r4..r11, then lr (where it "returns" to).
word make_switch_frame(word sp, void (*to)()) {
  word *s = reinterpret_cast<word *>(sp) - 9;
  for (int i = 0; i < 8; ++i) s[i] = 0;
  s[8] = reinterpret_cast<word>(to);
  return reinterpret_cast<word>(s);
}
} // namespace

void init_user_thread(Thread *t) {
  UserFrame *f = user_frame_of(t);
  memset(f, 0, sizeof(*f));
  f->cpsr = 0x10;   // user mode, ARM state, interrupts on
  t->arch.ksp = make_switch_frame(reinterpret_cast<word>(f), thread_start_user);
}

void init_kernel_thread(Thread *t, void (*entry)()) {
  t->arch.ksp = make_switch_frame(t->kstack_top(), entry);
}

namespace {
// Clean the data caches to the point of unification by set/way, then empty the instruction
// cache and branch predictor (ARM ARM B4.2.1: levels below CLIDR.LoUU).
void sync_caches_all() {
  const uint32_t clidr = ARC_CP15_READ(c0, 1, c0, 1);
  const unsigned louu = (clidr >> 27) & 7;
  for (unsigned level = 0; level < louu; ++level) {
    if (((clidr >> (level * 3)) & 7) < 2) continue;   // no data cache at this level
    ARC_CP15_WRITE(c0, 2, c0, 0, level << 1);          // CSSELR
    isb();
    const uint32_t ccsidr = ARC_CP15_READ(c0, 1, c0, 0);
    const unsigned line_shift = (ccsidr & 7) + 4;
    const unsigned max_way = (ccsidr >> 3) & 0x3ff, max_set = (ccsidr >> 13) & 0x7fff;
    const unsigned way_shift = max_way ? __builtin_clz(max_way) : 0;
    for (unsigned w = 0; w <= max_way; ++w)
      for (unsigned set = 0; set <= max_set; ++set)
        ARC_CP15_WRITE(c7, 0, c10, 2, (w << way_shift) | (set << line_shift) | (level << 1));   // DCCSW
  }
  dsb();
  ARC_CP15_WRITE(c7, 0, c5, 0, 0);   // ICIALLU
  ARC_CP15_WRITE(c7, 0, c5, 6, 0);   // BPIALL
  dsb();
  isb();
}
bool images_synced;
} // namespace

} // namespace kern::arch

// The first user thread ever to run: the kernel copied the boot modules' code into their frames
// after mapping them (boot/init.cc), so make it visible to instruction fetches once. Later code
// reaches a space through pd_map, which does this per page.
extern "C" void arm_thread_first_run() {
  if (kern::arch::images_synced) return;
  kern::arch::sync_caches_all();
  kern::arch::images_synced = true;
}
