// ia32 descriptor tables, TSS with its I/O bitmap, FPU set-up.
#include "arch/cpu.hh"
#include "lib/console.hh"
#include "lib/string.hh"

extern "C" {
void trap_syscall();
#define DECL(n) void trap_##n();
DECL(0) DECL(1) DECL(2) DECL(3) DECL(4) DECL(5) DECL(6) DECL(7) DECL(8) DECL(9) DECL(10)
DECL(11) DECL(12) DECL(13) DECL(14) DECL(15) DECL(16) DECL(17) DECL(18) DECL(19)
DECL(32) DECL(33) DECL(34) DECL(35) DECL(36) DECL(37) DECL(38) DECL(39) DECL(40) DECL(41)
DECL(42) DECL(43) DECL(44) DECL(45) DECL(46) DECL(47)
#undef DECL
}

namespace kern::arch {

uint64_t gdt[7];
Tss tss __attribute__((aligned(4096)));
word io_live;   // arch/io_bitmap.hh

namespace {

struct __attribute__((packed)) Pseudo { uint16_t limit; uint32_t base; };

uint64_t idt[256];
const uint8_t *io_loaded[2];   // whose bitmap the TSS holds
constexpr uint16_t iomap_off = offsetof(Tss, iomap);
constexpr uint16_t iomap_none = sizeof(Tss) + 1;   // beyond the limit: every port denied
char name[49];

uint64_t seg(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
  return (limit & 0xffffull) | (uint64_t(base & 0xffffff) << 16) | (uint64_t(access) << 40) |
         (uint64_t((limit >> 16) & 0xf) << 48) | (uint64_t(flags & 0xf) << 52) |
         (uint64_t(base >> 24) << 56);
}

void gate(unsigned v, void (*fn)(), unsigned dpl) {
  uint32_t a = reinterpret_cast<uint32_t>(fn);
  idt[v] = (a & 0xffff) | (uint64_t(0x08) << 16) | (uint64_t(0x8e | (dpl << 5)) << 40) |
           (uint64_t(a >> 16) << 48);
}

} // namespace

void cpu_init() {
  uint32_t a, b, c, d;
  cpuid(0, &a, &b, &c, &d);
  cpuid(1, &a, &b, &c, &d);
  // tsc(4) pse(3) pge(13) fxsr(24): the pentium3 baseline the benchmarks use.
  const uint32_t need = (1u << 4) | (1u << 3) | (1u << 13) | (1u << 24);
  if ((d & need) != need) panic("CPU lacks TSC, PSE, PGE or FXSR (cpuid.1 edx=%x)", d);
  cpuid(0x80000000, &a, &b, &c, &d);
  if (a >= 0x80000004) {
    auto *w = reinterpret_cast<uint32_t *>(name);
    for (uint32_t i = 0; i < 3; ++i) cpuid(0x80000002 + i, &w[i * 4], &w[i * 4 + 1], &w[i * 4 + 2], &w[i * 4 + 3]);
  } else {
    strlcpy(name, "unknown ia32", sizeof(name));
  }

  gdt[0] = 0;
  gdt[1] = seg(0, 0xfffff, 0x9a, 0xc);   // 0x08 kernel code
  gdt[2] = seg(0, 0xfffff, 0x92, 0xc);   // 0x10 kernel data
  gdt[3] = seg(0, 0xfffff, 0xfa, 0xc);   // 0x1b user code
  gdt[4] = seg(0, 0xfffff, 0xf2, 0xc);   // 0x23 user data
  gdt[5] = seg(reinterpret_cast<uint32_t>(&tss), sizeof(Tss) - 1, 0x89, 0x0);   // 0x28 TSS
  gdt[6] = seg(0, arc::utcb_size - 1, 0xf2, 0x4);   // 0x33 UTCB (%gs), byte granular

  memset(&tss, 0, sizeof(tss));
  tss.ss0 = 0x10;
  tss.iomap_base = iomap_none;
  memset(tss.iomap, 0xff, sizeof(tss.iomap));
  tss.iomap_end = 0xff;

  void (*const exc[20])() = {trap_0, trap_1, trap_2, trap_3, trap_4, trap_5, trap_6, trap_7,
                             trap_8, trap_9, trap_10, trap_11, trap_12, trap_13, trap_14,
                             trap_15, trap_16, trap_17, trap_18, trap_19};
  void (*const irq[16])() = {trap_32, trap_33, trap_34, trap_35, trap_36, trap_37, trap_38,
                             trap_39, trap_40, trap_41, trap_42, trap_43, trap_44, trap_45,
                             trap_46, trap_47};
  for (unsigned v = 0; v < 20; ++v) gate(v, exc[v], (v == 3 || v == 4) ? 3 : 0);
  for (unsigned i = 0; i < 16; ++i) gate(32 + i, irq[i], 0);
  gate(0x30, trap_syscall, 3);

  Pseudo g{sizeof(gdt) - 1, reinterpret_cast<uint32_t>(gdt)};
  Pseudo i{sizeof(idt) - 1, reinterpret_cast<uint32_t>(idt)};
  asm volatile("lgdt %0\n"
               "ljmp $0x08, $1f\n"
               "1: mov $0x10, %%ax\n mov %%ax, %%ss\n"
               // the kernel's data accesses go through the flat user data selector (entry.S)
               "mov $0x23, %%ax\n mov %%ax, %%ds\n mov %%ax, %%es\n"
               "xor %%ax, %%ax\n mov %%ax, %%fs\n mov %%ax, %%gs\n"
               "lidt %1\n"
               "mov $0x28, %%ax\n ltr %%ax"
               :: "m"(g), "m"(i) : "eax", "memory");

  // FPU: native error reporting, fxsave/fxrstor; TS set so the first use traps (lazy switch).
  word cr0, cr4;
  asm volatile("mov %%cr0, %0" : "=r"(cr0));
  cr0 = (cr0 | (1u << 5) | (1u << 1) | (1u << 3)) & ~(1u << 2);   // NE, MP, TS; clear EM
  asm volatile("mov %0, %%cr0" ::"r"(cr0));
  asm volatile("mov %%cr4, %0" : "=r"(cr4));
  cr4 |= (1u << 9) | (1u << 10);   // OSFXSR, OSXMMEXCPT
  cr4 &= ~(1u << 2);               // TSD off: rdtsc allowed at user level (benchmarks)
  asm volatile("mov %0, %%cr4" ::"r"(cr4));
}

uint64_t utcb_descriptor(word base) { return seg(base, arc::utcb_size - 1, 0xf2, 0x4); }

void load_io_bitmap(const uint8_t *const halves[2]) {
  if (!halves[0]) {
    tss.iomap_base = iomap_none;
    io_live = 0;
    return;
  }
  if (io_loaded[0] != halves[0] || io_loaded[1] != halves[1]) {
    memcpy(tss.iomap, halves[0], 4096);
    memcpy(tss.iomap + 4096, halves[1], 4096);
    io_loaded[0] = halves[0];
    io_loaded[1] = halves[1];
  }
  tss.iomap_base = iomap_off;
  io_live = 1;
}

void io_bitmap_changed() { io_loaded[0] = io_loaded[1] = nullptr; }

const char *cpu_name() {
  const char *p = name;
  while (*p == ' ') ++p;
  return p;
}

} // namespace kern::arch
