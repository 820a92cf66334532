// ktest's armv7 specifics: thread start frames, an instruction-fetch stub, entropy, device pages.
#include "ktest.hh"
#include <arc/proto/sigma0.hh>

using namespace arc;

namespace ktest {

void arch_start_frame(word top, word entry, word arg, word *ip, word *sp) {
  // New threads start with every register 0: a trampoline takes the argument and the entry.
  word *s = reinterpret_cast<word *>(top - 8);
  s[0] = arg;
  s[1] = entry;
  *sp = top - 8;
  *ip = word(&ktest_thread_trampoline);
}

// bx lr. The kernel makes the data visible to instruction fetches when it maps the page
// executable somewhere (arch/armv7/mmu.cc).
void write_return_stub(word addr) { *reinterpret_cast<volatile word *>(addr) = 0xe12fff1e; }

word entropy() {
  word t = kd_ticks();
  return t * 2654435761u ^ word(&t);
}

word map_device_page(word phys) {
  static word next_va = 0x7f000000;   // a window nothing else of ours uses
  const word va = next_va;
  Utcb *ut = u();
  const word window = ut->rcv_window;
  ut->rcv_window = fpage(va, 12, fpage_rights::rwx);
  ut->mr[0] = Tag(sigma0::label_map_device, 2, 0).raw;
  ut->mr[1] = phys;
  ut->mr[2] = va;
  Status st = call(boot_cap::pager);
  const Tag t(ut->mr[0]);
  ut->rcv_window = window;
  if (st != Status::ok || t.typed() != 2 || t.map_failed()) return 0;
  next_va += 0x1000;
  return va + (phys & 0xfff);
}

const char arch_name[] = "armv7";

// CPSR: user mode, IRQs not masked.
bool user_flags_ok(word flags) { return (flags & 0x1f) == 0x10 && !(flags & 0x80); }

} // namespace ktest
