// ktest's ia32 specifics: thread start frames, an instruction-fetch stub, entropy.
#include "ktest.hh"

namespace ktest {

void arch_start_frame(word top, word entry, word arg, word *ip, word *sp) {
  // cdecl entry: (sp) = return address (none), 4(sp) = argument; sp + 4 16-byte aligned.
  word *s = reinterpret_cast<word *>(top - 4);
  s[0] = 0;
  s[1] = arg;
  *sp = top - 4;
  *ip = entry;
}

void write_return_stub(word addr) { *reinterpret_cast<volatile unsigned char *>(addr) = 0xc3; }   // ret

word entropy() {
  unsigned lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return lo ^ hi;
}

const char arch_name[] = "ia32";

bool user_flags_ok(word flags) { return flags & 0x200; }   // EFLAGS.IF

} // namespace ktest
