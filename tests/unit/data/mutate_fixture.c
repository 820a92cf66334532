/* Fixture of tests/unit/test_mutate.cc (tools/mutate, arc-mutate): small functions whose -O2 code
 * certainly holds each pattern the mutator looks for. Built at build time for IA32 (host gcc
 * -m32), ARM A32 and Thumb-2 (arm-none-eabi-gcc), each from two objects: this file as is (the
 * program's "own" object, listed in its .objects file) and this file with MUTATE_FIXTURE_LIBRARY
 * defined (a stand-in for a library it links, which `--scope own` must leave out).
 * No C library: nothing here may turn into a call of memset or a division routine. */

#define NOINLINE __attribute__((noinline, used))

int library_less(int a, int b);

#ifdef MUTATE_FIXTURE_LIBRARY

NOINLINE int library_less(int a, int b) {
  return a < b ? 11 : 13;
}

#else

#if defined(__i386__)
#define REGPARM __attribute__((regparm(3))) /* arguments in eax, edx, ecx: register moves */
#else
#define REGPARM
#endif

volatile int sink;

/* initialization: constants stored to stack slots (x86 mov [esp + x], imm; ARM mov #imm + str). */
NOINLINE int init_locals(void) {
  volatile int counter = 5;
  volatile short half = 7;
  volatile char flag = 1;
  return counter + half + flag;
}

/* conditional, off-by-one: a signed and an unsigned comparison guarding a store. */
NOINLINE void less_signed(int a, int b) {
  if (a < b)
    sink = 1;
}

NOINLINE void less_unsigned(unsigned a, unsigned b) {
  if (a < b)
    sink = 2;
}

/* A loop: conditional branches no compiler turns into conditional instructions (A32 b<cond>,
 * Thumb b<cond> T1). */
NOINLINE int count_below(int a, int b) {
  int n = 0;
  while (a < b) {
    sink = a;
    a += 3;
    ++n;
  }
  return n;
}

/* A conditional branch over more than 256 bytes: x86 jcc rel32, Thumb b<cond>.w. */
#define STORE4(n) sink = n; sink = n + 1; sink = n + 2; sink = n + 3;
#define STORE16(n) STORE4(n) STORE4(n + 4) STORE4(n + 8) STORE4(n + 12)
NOINLINE void far_branch(int a, int b) {
  if (a > b) {
    STORE16(100) STORE16(200) STORE16(300) STORE16(400)
    STORE16(500) STORE16(600) STORE16(700) STORE16(800)
  }
}

/* Thumb cbz/cbnz. */
NOINLINE int null_check(volatile int *p) {
  if (p == 0)
    return 1;
  return *p + 1;
}

/* A conditional move: x86 cmovcc, A32 movge, Thumb it + mov. */
NOINLINE int min_signed(int a, int b) {
  return a < b ? a : b;
}

/* Not an initialization: the stored value comes from an argument, not from an immediate. */
NOINLINE int copy_argument(int a) {
  volatile int copy = a;
  return copy;
}

/* assignment: a register-to-register move and moves of immediates. */
NOINLINE REGPARM int pass_second(int a, int b) {
  sink = a;
  return b;
}

#if defined(__arm__)
/* Data inside a function (the assembler marks it $d): decoded, these words would be a bne and a
 * mov r0, #5 (A32) or movs/b (Thumb), so a site here means data was taken for code. */
__attribute__((naked, used)) void literal_pool(void) {
  __asm__ volatile("bx lr\n\t.p2align 2\n\t.word 0x1a000000\n\t.word 0xe3a00005\n");
}
#endif

NOINLINE int small_constant(void) { return 42; }
NOINLINE int large_constant(void) { return 12345; }
NOINLINE int shifted_constant(void) { return 0x10000; }

void _start(void) {
  int v = 0;
  volatile int cell = 3;
  v += init_locals();
  less_signed(v, 3);
  less_unsigned((unsigned)v, 3u);
  v += count_below(v, 20);
  far_branch(v, 4);
  v += null_check(&cell);
  v += min_signed(v, 9);
  v += pass_second(v, 1);
  v += small_constant() + large_constant() + shifted_constant();
  v += copy_argument(v) + library_less(v, 2);
  sink = v;
  for (;;) {
  }
}

#endif
