#include "modules.hh"
#include <arc/sys.hh>
#include <string.h>
#include <arc/proto/sigma0.hh>

namespace rt {

using namespace arc;

namespace {
constexpr word module_window = 0x90000000;
Module mods[max_boot_modules];
unsigned n_mods;

// Ask sigma0 for one page of a module, read-only, at va.
bool map_module_page(word phys, word va) {
  Utcb *u = utcb();
  u->rcv_window = fpage(va, 12, fpage_rights::r);
  u->mr[0] = Tag(sigma0::label_map_module, 2, 0).raw;
  u->mr[1] = phys;
  u->mr[2] = va;
  Status st = call(boot_cap::pager);
  u->rcv_window = 0;
  return st == Status::ok && Tag(u->mr[0]).typed() == 2 && !Tag(u->mr[0]).map_failed();
}
} // namespace

void modules_init(const BootInfo &bi) {
  word va = module_window;
  for (unsigned i = 0; i < bi.n_modules && n_mods < max_boot_modules; ++i) {
    const BootInfo::Module &m = bi.modules[i];
    const word first = m.base & ~word(0xfff), end = m.base + m.size;
    Module &out = mods[n_mods];
    out.name = m.name;
    out.args = m.cmdline;
    out.addr = va;
    out.offset = m.base - first;
    out.size = m.size;
    out.phys = first;
    bool ok = true;
    for (word p = first; p < end && ok; p += 0x1000, va += 0x1000) ok = map_module_page(p, va);
    if (!ok) {
      printf("[root] module '%s' cannot be mapped; ignored\n", m.name);
      continue;
    }
    va += 0x1000;   // a guard page between modules
    ++n_mods;
  }
}

const Module *module_index(unsigned i) { return i < n_mods ? &mods[i] : nullptr; }

const Module *module_find(const char *name) {
  for (unsigned i = 0; i < n_mods; ++i)
    if (!strcmp(mods[i].name, name)) return &mods[i];
  return nullptr;
}

} // namespace rt
