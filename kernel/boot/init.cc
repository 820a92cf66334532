// Kernel start-up: memory, the mapping database, the first two tasks (sigma0 and the root task)
// from the boot modules, then the scheduler takes over.
#include "arch/cpu.hh"
#include "boot/bootinfo.hh"
#include "lib/console.hh"
#include "lib/elf.hh"
#include "lib/string.hh"
#include "mdb/mapdb.hh"
#include "mem/pool.hh"
#include "object/endpoint.hh"
#include "object/factory.hh"
#include "object/irq.hh"
#include "object/space.hh"
#include "perfmon/perfmon.hh"
#include "platform/platform.hh"
#include "sched/scheduler.hh"

extern "C" char _kernel_end[];
extern "C" void arch_switch(kern::word *save_sp, kern::word new_sp);

namespace kern {

MapDb mapdb;
word kernel_phys_start = arch::kernel_phys_start, kernel_phys_end;

namespace {

BootData boot_data;

using arch::elf_machine;
using arch::arch_name;

[[noreturn]] void idle_loop() {
  for (;;) {
    sched::preempt_point();
    arch::wait_for_interrupt();
  }
}

const char *basename(const char *p, const char *end) {
  const char *b = p;
  for (const char *q = p; q < end; ++q)
    if (*q == '/') b = q + 1;
  return b;
}

// Copy the pages of an ELF image into fresh pool frames of space s. They enter the mapping
// database as the task's own, so it can map them on to other spaces.
const char *load_elf(Space *s, const BootModule &m, word *entry) {
  const auto *img = pool::kva<const uint8_t>(m.start);
  const word size = m.end - m.start;
  if (const char *why = elf::check(img, size, elf_machine, arc::boot_info_addr)) return why;
  const elf::Ehdr *h = elf::header(img);
  for (unsigned i = 0; i < h->phnum; ++i) {
    const elf::Phdr *p = elf::phdr(img, i);
    if (p->type != elf::pt_load) continue;
    unsigned rights = ((p->flags & elf::pf_r) ? 4 : 0) | ((p->flags & elf::pf_w) ? 2 : 0) |
                      ((p->flags & elf::pf_x) ? 1 : 0);
    for (word va = align_down(p->vaddr, page_size); va < p->vaddr + p->memsz; va += page_size) {
      word pfn;
      if (arch::pd_lookup(s->pd, va, &pfn)) {   // a page shared with the previous segment
        MapNode *n = mapdb.find(s, va);
        n->rights = uint8_t(n->rights | rights);
        mdb_pte_set(s, va, pfn, n->rights);
      } else {
        if (!s->factory()->charge(page_size)) return "out of memory";
        word frame = pool::alloc_frame();
        if (!frame) return "out of memory";
        pfn = frame >> page_shift;
        if (!s->prepare(va) || mapdb.add_root(pfn, s, va, rights) != Status::ok) return "out of memory";
      }
      // The file bytes that fall into this page.
      word lo = va > p->vaddr ? va : p->vaddr;
      word hi = va + page_size < p->vaddr + p->filesz ? va + page_size : p->vaddr + p->filesz;
      if (lo < hi)
        memcpy(pool::kva<uint8_t>(pfn << page_shift) + (lo - va), img + p->offset + (lo - p->vaddr), hi - lo);
    }
  }
  *entry = h->entry;
  return nullptr;
}

void fill_boot_info(arc::BootInfo *bi, const BootData &bd, const BootModule &self) {
  bi->magic = arc::boot_info_magic;
  bi->version = 1;
  bi->tick_ms = platform::tick_ms;
  // Physical memory as sigma0 may hand it out: RAM minus the kernel, its pool and the modules.
  auto add = [bi](word base, word size, word kind) {
    if (size && bi->n_regions < 24) bi->regions[bi->n_regions++] = {base, size, kind};
  };
  for (unsigned i = 0; i < bd.n_ram; ++i) {
    // The PC's conventional memory counts from 64 KiB (the real-mode vectors and the BIOS's data
    // lie below; the memory map already leaves out the EBDA and the ROMs): it is most of the RAM
    // an ISA DMA controller reaches, since the pool follows the kernel and fills what else lies
    // below 16 MiB (the root task keeps it for dma=, docs/audio.md).
    word b = bd.ram[i].base < 0x10000 ? 0x10000 : bd.ram[i].base, e = bd.ram[i].end;
    if (b >= e) continue;
    // Carve out [kernel_phys_start, pool end) and the modules: they sit in one block below the pool.
    const word lo = kernel_phys_start, hi = pool::end();
    if (b < lo) add(b, (e < lo ? e : lo) - b, arc::BootInfo::region_free);
    if (e > hi) add(b > hi ? b : hi, e - (b > hi ? b : hi), arc::BootInfo::region_free);
  }
  add(kernel_phys_start, kernel_phys_end - kernel_phys_start, arc::BootInfo::region_kernel);
  add(pool::base(), pool::end() - pool::base(), arc::BootInfo::region_kernel);
  for (unsigned i = 0; i < bd.n_modules && bi->n_modules < arc::max_boot_modules; ++i) {
    const BootModule &m = bd.modules[i];
    arc::BootInfo::Module &o = bi->modules[bi->n_modules++];
    o.base = m.start;
    o.size = m.end - m.start;
    strlcpy(o.name, m.name, sizeof(o.name));
    strlcpy(o.cmdline, m.args, sizeof(o.cmdline));
    add(m.start, m.end - m.start, arc::BootInfo::region_module);
  }
  // The task's own command line: its name (argv[0]) and its arguments.
  strlcpy(bi->cmdline, self.name, sizeof(bi->cmdline));
  if (self.args[0]) {
    const word n = strlen(bi->cmdline);
    if (n + 2 < sizeof(bi->cmdline)) {
      bi->cmdline[n] = ' ';
      strlcpy(bi->cmdline + n + 1, self.args, sizeof(bi->cmdline) - n - 1);
    }
  }
  strlcpy(bi->arch, arch_name, sizeof(bi->arch));
  strlcpy(bi->board, platform::board_name, sizeof(bi->board));
  bi->aperture_phys = platform::device_aperture_base;
  bi->aperture_size = platform::device_aperture_size;
  bi->aperture_va = platform::device_aperture_size ? arc::sigma0_aperture_va : 0;
}

struct Task {
  Space *space;
  Thread *thread;
};

// An initial task: space, first thread, its image and boot information. Null on failure (said).
bool make_task(const BootModule &m, Factory *f, unsigned log2_slots, uint8_t prio, Task &t) {
  t.space = Space::create(f, log2_slots);
  t.thread = t.space ? Thread::create(f) : nullptr;
  if (!t.thread || t.space->bind(t.thread) != Status::ok) {
    klog("boot: no memory for task '%s'", m.name);
    return false;
  }
  t.space->privileged = true;
  word entry;
  if (const char *why = load_elf(t.space, m, &entry)) {
    klog("boot: module '%s' refused: %s", m.name, why);
    return false;
  }
  word bi = pool::alloc_frame();
  if (!bi || !f->charge(page_size) || !t.space->map_page(arc::boot_info_addr, bi >> page_shift, 4)) {
    klog("boot: no memory for task '%s'", m.name);
    return false;
  }
  fill_boot_info(pool::kva<arc::BootInfo>(bi), boot_data, m);
  CSpace &cs = t.space->cspace;
  cdt::insert_original(*cs.slot(arc::boot_cap::space), nullptr, t.space, ObjType::space, arc::rights::all);
  cdt::insert_original(*cs.slot(arc::boot_cap::thread), nullptr, t.thread, ObjType::thread, arc::rights::all);
  cdt::insert_original(*cs.slot(arc::boot_cap::factory), nullptr, f, ObjType::factory, arc::rights::all);
  t.thread->prio = prio;
  t.thread->frame()->set_ip(entry);
  t.thread->frame()->set_sp(0);
  t.thread->frame()->set_start_arg(arc::boot_info_addr);
  klog("boot: task '%s' space %lu entry %lx", m.name, t.space->id, entry);
  return true;
}

} // namespace

void set_module_name(BootModule &m, const char *cmdline) {
  const char *p = cmdline;
  while (*p == ' ') ++p;
  const char *w = p;
  while (*p && *p != ' ') ++p;
  const char *b = basename(w, p);
  word n = word(p - b) < sizeof(m.name) - 1 ? word(p - b) : sizeof(m.name) - 1;
  memcpy(m.name, b, n);
  m.name[n] = 0;
  while (*p == ' ') ++p;
  strlcpy(m.args, p, sizeof(m.args));
}

void boot_start(const BootData &bd) {
  kernel_phys_end = align_up(arch::virt_to_phys(reinterpret_cast<word>(_kernel_end)), page_size);
  word used_end = kernel_phys_end;
  for (unsigned i = 0; i < bd.n_modules; ++i)
    if (bd.modules[i].end > used_end) used_end = bd.modules[i].end;
  used_end = align_up(used_end, page_size);
  // RAM itself, not the span of addresses below its end: on the ARM boards RAM starts high
  // (realview-pb-a8: 256 MiB at 0x70000000), and sizing by ram_end once gave sigma0 the quota of
  // 2 GiB of frames and left the root task too little kernel memory for a seventh process.
  word ram_bytes = 0;
  for (unsigned i = 0; i < bd.n_ram; ++i) ram_bytes += bd.ram[i].end - bd.ram[i].base;
  const word ram_frames = ram_bytes >> page_shift;
  // The kernel pool: a quarter of RAM, at most 32 MiB, right after the kernel and the modules.
  word pool_size = align_down(ram_bytes / 4, page_size);
  if (pool_size > (32u << 20)) pool_size = 32u << 20;
  if (used_end + pool_size > bd.ram_end) panic("not enough memory for the kernel pool");
  pool::init(used_end, used_end + pool_size);
  klog("memory: %lu MiB RAM below %lx, kernel %lx-%lx, pool %lx-%lx", ram_bytes >> 20, bd.ram_end,
       kernel_phys_start, kernel_phys_end, pool::base(), pool::end());

  // One root pointer per physical frame up to the end of RAM, then one per frame of the board's
  // device aperture; the pool's first frames are contiguous.
  const word nframes = bd.ram_end >> page_shift;
  const word aperture_pfn = platform::device_aperture_base >> page_shift;
  const word aperture_frames = platform::device_aperture_size >> page_shift;
  const word table_frames =
      align_up((nframes + aperture_frames) * sizeof(MapNode *), page_size) / page_size;
  word table = 0;
  for (word i = 0; i < table_frames; ++i) {
    word fr = pool::alloc_frame();
    if (!table) table = fr;
  }
  mapdb.init(pool::kva<MapNode *>(table), nframes, aperture_pfn, aperture_frames);

  platform::init();
  perf::init();
  Thread *idle = Thread::create_kernel(reinterpret_cast<void (*)()>(idle_loop));
  sched::init(idle);

  if (bd.n_modules < 2) panic("boot needs two modules, sigma0 and a root task (got %u)", bd.n_modules);
  if (bd.n_ignored)
    klog("boot: %u modules past the first %u ignored: the root task will not find them",
         bd.n_ignored, arc::max_boot_modules);
  const word pool_bytes = pool::free_frames() * page_size;
  // sigma0 holds every frame of RAM once: a mapping node each, page tables for all of RAM, its
  // image (and the few device pages it maps).
  const word sigma0_quota = ram_frames * (sizeof(MapNode) + 4) + (1u << 20);
  Factory *f_sigma0 = Factory::boot(sigma0_quota);
  Factory *f_root = Factory::boot(pool_bytes - sigma0_quota);

  Task s0, root;
  if (!make_task(bd.modules[0], f_sigma0, 6, 250, s0) || !make_task(bd.modules[1], f_root, 10, 100, root)) {
    klog("boot: cannot start the initial tasks; halting");
    platform::halt_system(0x7e);
  }
  sigma0_space = s0.space;
  s0.space->sigma0 = true;

  // sigma0 serves one endpoint; the root task's pager capability points at it.
  Endpoint *ep = Endpoint::create(f_sigma0);
  if (!ep) panic("no memory for sigma0's endpoint");
  Cap &s0ep = *s0.space->cspace.slot(arc::boot_cap::sigma0_ep);
  cdt::insert_original(s0ep, nullptr, ep, ObjType::endpoint, arc::rights::all);
  CSpace &rcs = root.space->cspace;
  Cap &pager = *rcs.slot(arc::boot_cap::pager);
  (void)cdt::derive(s0ep, pager, arc::rights::send | arc::rights::grant, true, root.space->id);
  (void)cdt::derive(pager, root.thread->pager, arc::rights::all, false, 0);
  // sigma0 is also the root task's exception handler: the root task is the trusted base of every
  // process, nobody can start it again, and sigma0 reboots the machine when it fails.
  (void)cdt::derive(s0ep, root.thread->handler, arc::rights::send, true,
                    arc::boot_cap::root_handler_badge);
  cdt::insert_original(*rcs.slot(arc::boot_cap::irq_control), nullptr, &irq_control,
                       ObjType::irq_control, arc::rights::all);
  cdt::insert_original(*rcs.slot(arc::boot_cap::ioports), nullptr, &io_ports, ObjType::ioports,
                       arc::rights::all, 0, 0x10000);

  sched::make_ready(s0.thread);
  sched::make_ready(root.thread);
  klog("boot: %lu KiB of kernel pool free; starting", pool::free_frames() * 4);
  word discard;
  arch_switch(&discard, idle->arch.ksp);
  panic("returned to the boot stack");
}

} // namespace kern

extern "C" [[noreturn]] void kernel_main(kern::word magic, kern::word info) {
  using namespace kern;
  const uint64_t entered = arch::cycles_from_reset ? arch::cycles() : 0;
  platform::init_console();
  klog("Arc microkernel, %s-%s", arch_name, platform::board_name);
  // What the firmware and the boot loader took (tools/arc bench: boot_kernel_entry).
  if (arch::cycles_from_reset) klog("entered at cycle %llu", (unsigned long long)entered);
  arch::cpu_init();
  arch::mmu_init();
  klog("cpu: %s", arch::cpu_name());
  if (const char *why = boot_parse(magic, info, boot_data)) panic("boot: %s", why);
  boot_start(boot_data);
}
