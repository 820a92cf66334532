// What a process started by the root task finds: its capability slots and its information page.
#pragma once
#include <arc/abi.hh>

namespace arc::proc {

// Capability slots of every process (the root task and the process's pager fill them).
constexpr CapSlot space = 1;        // own space (control)
constexpr CapSlot thread = 2;       // own main thread (control, perfmon)
constexpr CapSlot factory = 3;      // kernel-memory quota for the process's own objects
constexpr CapSlot pager = 4;        // its pager (P3): faults, memory, counts (badge: thread no.)
constexpr CapSlot names = 8;        // the name service (badge: our pid)
constexpr CapSlot root = 9;         // the root task (badge: our pid)
constexpr CapSlot service = 10;     // our own service endpoint (send/receive), if we serve
constexpr CapSlot carried_reply = 11;   // after a warm restart: the reply right of the request
                                        // that was being served (Info::carried_reply says so)
constexpr CapSlot first_resource = 16;   // I/O ports and IRQs from the boot configuration
constexpr CapSlot first_free = 32;

constexpr word info_magic = 0x434f5250;   // "PROC"

struct Resource {
  enum : word { none = 0, ioports = 1, irq = 2, mem = 3, module = 4, dma = 5 };
  word kind;
  CapSlot slot;        // where its capability is (ioports, irq)
  word first, count;   // ports; IRQ line (first); device memory, module and DMA buffer: physical
                       // address of the first byte, bytes
  word va;             // device memory, module and DMA buffer: where the first byte is in our
                       // space
};

// Read-only, at arc::boot_info_addr in every process; crt0 reads argc/argv from it.
struct Info {
  word magic;
  word version;
  word pid;
  char name[24];           // the server name (boot configuration) or the program name
  char program[24];
  word argc;
  char argv[8][64];
  word n_resources;
  Resource resources[12];
  word tick_ms;
  // Memory layout the pager keeps for us.
  word heap_base, heap_limit;        // sbrk range (zero pages on demand)
  word stack_base, stack_top;        // main thread stack (zero pages on demand)
  word pheap_base, pheap_limit;      // persistent heap (kept across hot/warm restarts)
  word pdata_start, pdata_end;       // the .pdata section (persistent variables)
  // Restart history, kept by the pager.
  word restarts;
  word last_restart_kind;
  word restart_cycles_lo, restart_cycles_hi;   // cycle counter when the last failure arrived
  word carried_reply;      // warm restart: slot of the interrupted caller's reply right (0: none)
};
static_assert(sizeof(Info) <= 4096, "process information must fit one page");

// The user address-space layout of a process.
constexpr word heap_base_default = 0x40000000;
constexpr word heap_size = 0x10000000;          // 256 MiB of address space for sbrk
constexpr word pheap_base = 0x60000000;
constexpr word pheap_size = 0x01000000;         // 16 MiB persistent heap
constexpr word stack_top = 0xbfe00000;          // below the boot-information page
constexpr word stack_size = 0x00100000;         // 1 MiB main stack
constexpr word device_base = 0xa0000000;        // device memory windows

// Copy a string into message registers (packed, NUL-padded); returns the words used.
inline unsigned pack(word *mr, const char *s, unsigned max_words) {
  unsigned n = 0;
  char *d = reinterpret_cast<char *>(mr);
  for (; s[n] && n < max_words * sizeof(word) - 1; ++n) d[n] = s[n];
  unsigned words = (n + sizeof(word)) / sizeof(word);
  for (unsigned i = n; i < words * sizeof(word); ++i) d[i] = 0;
  return words;
}
// Read a packed string of at most `words` message registers into buf (always terminated).
inline void unpack(const word *mr, unsigned words, char *buf, unsigned size) {
  const char *s = reinterpret_cast<const char *>(mr);
  unsigned i = 0;
  for (; i + 1 < size && i < words * sizeof(word) && s[i]; ++i) buf[i] = s[i];
  buf[i] = 0;
}

} // namespace arc::proc
