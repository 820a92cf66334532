// What the boot loader told the kernel: memory, modules, command lines. Each platform fills a
// BootData from its loader's format (multiboot on the PC, a packed module list on ARM).
#pragma once
#include "lib/types.hh"

namespace kern {

struct BootModule {
  word start, end;     // physical
  char name[24];       // basename of the first word of its command line
  char args[96];       // the rest of the command line
};

struct BootData {
  word ram_end = 0;    // first physical address past usable RAM (capped at the direct map)
  struct Range { word base, end; } ram[16];
  unsigned n_ram = 0;
  BootModule modules[arc::max_boot_modules];
  unsigned n_modules = 0;
  unsigned n_ignored = 0;   // given by the loader beyond max_boot_modules
};

// Platform part: fill `out` from the loader's information. Null on success, else why not.
const char *boot_parse(word magic, word info, BootData &out);
// Generic part: create sigma0 and the root task from the modules and start scheduling.
[[noreturn]] void boot_start(const BootData &bd);

void set_module_name(BootModule &m, const char *cmdline);

} // namespace kern
