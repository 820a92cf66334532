// Boot modules, mapped read-only into the root task (from sigma0) so that pagers can be given
// their program's image.
#pragma once
#include <arc/abi.hh>

namespace rt {

using arc::word;

struct Module {
  const char *name;
  const char *args;
  word addr;      // in our space (page-aligned start of the module's first page)
  word offset;    // of the module's first byte within that page
  word size;
  word phys;      // physical address of the module's first page
};

void modules_init(const arc::BootInfo &bi);
const Module *module_find(const char *name);
const Module *module_index(unsigned i);   // the i-th module we mapped, or null

} // namespace rt
