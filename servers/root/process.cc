#include "process.hh"
#include "ckfile.hh"
#include "memory.hh"
#include "modules.hh"
#include "restart.hh"
#include "share.hh"
#include <arc/arch.hh>
#include <arc/proto/pager.hh>
#include <arc/proto/pager_info.hh>
#include <arc/proto/sigma0.hh>
#include <arc/proto/process.hh>
#include <arc/start.hh>
#include <arc/sys.hh>
#include <elf/elf.hh>
#include <string.h>

namespace rt {

using namespace arc;

CapSlot root_ep;   // main.cc

namespace {

Process procs[max_processes];
word next_pid = 1;
CapSlot names_ep;
elf::Image pager_elf;
const Module *pager_module;
word tick_ms = 1;

// Root's capability slots, handed out and taken back.
constexpr unsigned slot_count = 1024;
uint32_t slot_used[slot_count / 32];
} // namespace

CapSlot slot_alloc() {
  for (CapSlot s = boot_cap::first_free; s < slot_count; ++s)
    if (!(slot_used[s / 32] & (1u << (s % 32)))) {
      slot_used[s / 32] |= 1u << (s % 32);
      return s;
    }
  return 0;
}
void slot_free(CapSlot &s) {
  if (!s) return;
  (void)cap_delete(s);
  slot_used[s / 32] &= ~(1u << (s % 32));
  s = 0;
}

namespace {

// Frames for the pager tasks we page ourselves, owned by the process they serve.
class PagerFrames final : public p3::FrameSource {
public:
  word owner = 0;
  word alloc() override { return frame_alloc(owner); }
  void release(word addr) override { frame_free(addr, owner); }
};
PagerFrames pager_frames[max_processes];

word rights_of(uint8_t r) {
  return ((r & elf::pf_r) ? fpage_rights::r : 0) | ((r & elf::pf_w) ? fpage_rights::w : 0) |
         ((r & elf::pf_x) ? fpage_rights::x : 0);
}

void copy_str(char *dst, const char *src, unsigned n) {
  unsigned i = 0;
  for (; i + 1 < n && src[i]; ++i) dst[i] = src[i];
  dst[i] = 0;
}

// Device memory and data modules: sigma0 maps the physical pages into our device window once;
// pagers get them from there. Returns our address of [phys, phys + size), or 0. label: which
// sigma0 service maps a page (device memory, or a boot module read-write).
constexpr word device_window_base = 0xa0000000, device_window_end = 0xb0000000;
word device_window_next = device_window_base;
struct DeviceMap { word phys, size, va; } device_maps[16];
unsigned n_device_maps;

} // namespace

word map_window(word phys, word size, word label) {
  for (unsigned i = 0; i < n_device_maps; ++i)
    if (device_maps[i].phys == phys && device_maps[i].size >= size) return device_maps[i].va;
  if (n_device_maps == 16 || device_window_next + size > device_window_end) return 0;
  const word va = device_window_next;
  Utcb *u = utcb();
  for (word off = 0; off < size; off += 0x1000) {
    u->rcv_window = fpage(va + off, 12, fpage_rights::r | fpage_rights::w);
    u->mr[0] = Tag(label, 2, 0).raw;
    u->mr[1] = phys + off;
    u->mr[2] = va + off;
    Status st = call(boot_cap::pager);
    u->rcv_window = 0;
    if (st != Status::ok || Tag(u->mr[0]).typed() != 2 || Tag(u->mr[0]).map_failed()) return 0;
  }
  device_window_next += (size + 0xffff) & ~word(0xffff);
  device_maps[n_device_maps++] = {phys, size, va};
  return va;
}

namespace {
word map_device(word phys, word size) { return map_window(phys, size, sigma0::label_map_device); }
} // namespace

bool in_device_window(word addr) { return addr >= device_window_base && addr < device_window_next; }

namespace {

// Pages of the one process that may be paged by the root task directly (pager=root, used by the
// benchmark that compares it with a per-process pager).
p3::Image::Page direct_pages[4096];
bool direct_in_use;

void undo(Process *p);
bool ok(Status s);

// Fault injection (fault=): a server's fault is armed at its first start only. Restarts of any
// kind, domain restarts included, must bring back the pristine program, so the entries whose
// fault was handed out are remembered here for as long as the configuration lives.
const bootcfg::Server *faults_given[bootcfg::max_servers];
unsigned n_faults_given;

// Whether config's fault is still to be armed; true once per entry (it is consumed then).
bool take_fault(const bootcfg::Server *config) {
  if (!config || !(config->given & bootcfg::given_fault)) return false;
  for (unsigned i = 0; i < n_faults_given; ++i)
    if (faults_given[i] == config) return false;
  if (n_faults_given == bootcfg::max_servers) return false;
  faults_given[n_faults_given++] = config;
  return true;
}

void give_fault(p3::Info *pi, const bootcfg::Server &config) {
  pi->fault_mode = config.fault_len ? p3::Info::fault_load : p3::Info::fault_watch;
  pi->fault_addr = config.fault_addr;
  pi->fault_len = config.fault_len;
  memcpy(pi->fault_bytes, config.fault_bytes, config.fault_len);
}

bool start_direct(Process *p, const Module *prog, uint8_t prio, word *error) {
  elf::Image elf;
  elf::Error err;
  const uint16_t machine = arc::arch::elf_machine;
  if (direct_in_use) {
    printf("[root] %s: only one process can be paged by the root task\n", p->name);
  } else if (!elf.open(reinterpret_cast<const void *>(prog->addr), prog->size, machine, 0x1000,
                       proc::heap_base_default, &err)) {
    printf("[root] %s: program '%s' refused: %s\n", p->name, prog->name, elf::describe(err));
  } else {
    PagerFrames &pf = pager_frames[p - procs];
    pf.owner = p->pid;
    p->direct = true;
    p->pager_image.init(reinterpret_cast<const unsigned char *>(prog->addr), prog->size, &pf,
                        direct_pages, sizeof(direct_pages) / sizeof(direct_pages[0]));
    for (unsigned i = 0; i < elf.segment_count(); ++i) {
      const elf::Segment &s = elf.segment(i);
      (void)p->pager_image.add_segment({s.vaddr, s.memsz, s.offset, s.filesz, rights_of(s.rights)});
    }
    elf::Section pdata;
    if (elf.find_section(".pdata", &pdata) == elf::Error::none)
      p->pager_image.set_persistent(pdata.addr, pdata.addr + pdata.size);
    p->pager_image.add_zero_range(proc::heap_base_default, proc::heap_base_default + proc::heap_size, false);
    p->pager_image.add_zero_range(proc::stack_top - proc::stack_size, proc::stack_top, false);
    p->pager_image.add_zero_range(proc::pheap_base, proc::pheap_base + proc::pheap_size, true);
    p->pager_image.add_fixed(boot_info_addr, p->client_info, 0x1000, fpage_rights::r);
    if (ok(cap_mint(root_ep, boot_cap::space, p->fault_send, rights::send | rights::grant,
                    p->pid | direct_badge)) &&
        ok(thread_ctl(p->thread, ThreadOp::bind_space, p->space)) &&
        ok(thread_ctl(p->thread, ThreadOp::set_pager, p->fault_send)) &&
        ok(thread_ctl(p->thread, ThreadOp::set_handler, p->fault_send)) &&
        ok(thread_ctl(p->thread, ThreadOp::set_priority, prio, 0)) &&
        ok(thread_ctl(p->thread, ThreadOp::start, elf.entry(), 0))) {
      direct_in_use = true;
      p->state = arc::root::PState::running;
      ++process_generation;
      *error = word(Status::ok);
      return true;
    }
    printf("[root] %s: cannot start it\n", p->name);
  }
  undo(p);
  return false;
}

// Everything a process has goes, whether it ran or its spawn stopped half-way: destroying the
// spaces removes every mapping in them, then the frames are free.
void release(Process *p) {
  if (p->direct && !p->domain_root) direct_in_use = false;
  slot_free(p->spare_thread);
  slot_free(p->spare_space);
  slot_free(p->fault_send);
  slot_free(p->root_send);
  slot_free(p->pager_thread);
  slot_free(p->thread);
  slot_free(p->pager_space);
  slot_free(p->space);
  slot_free(p->service);
  slot_free(p->fault_ep);
  slot_free(p->factory);   // revokes whatever was made from it
  share_drop_all(p->pid);
  frames_free_all(p->pid);
}

// A spawn that failed: its record goes too.
void undo(Process *p) {
  release(p);
  p->pid = 0;
}

bool ok(Status s) { return s == Status::ok; }

} // namespace

void set_names_endpoint(CapSlot ep) { names_ep = ep; }
CapSlot names_endpoint() { return names_ep; }

void processes_init(const BootInfo &bi) {
  tick_ms = bi.tick_ms;
  pager_module = module_find("pager");
  elf::Error err;
  if (!pager_module) {
    printf("[root] no 'pager' module: processes cannot be started\n");
    return;
  }
  const uint16_t machine = arc::arch::elf_machine;
  if (!pager_elf.open(reinterpret_cast<const void *>(pager_module->addr + pager_module->offset),
                      pager_module->size, machine, 0x1000, proc::heap_base_default, &err)) {
    printf("[root] the pager program is refused: %s\n", elf::describe(err));
    pager_module = nullptr;
  }
}

namespace {

// What a process sees beyond its image: device memory and a data module, each a window of ours
// shown to the process from proc::device_base on, and to its pager from p3::device_window on.
struct Windows {
  word src[4] = {}, size[4] = {};
  unsigned n = 0;
};

// Its kernel objects: a factory with its quota, from which its space, main thread and fault
// endpoint are made; its pager's space and thread (charged to us: the pager is ours); and the
// endpoint it serves. The name service's is our own (names_ep, made before any process): it
// outlives every process that serves it, so no client's capability to the name service changes
// when the name service is restarted. Its process record keeps a copy.
// A domain monitor (watch-domains=, docs/domains.md) runs in a secure domain of its own: its
// factory is a domain factory, so nothing it holds reaches another domain but what we give it.
bool make_objects(Process *p, word quota) {
  const ObjType kind = p->config && p->config->watch_domains ? ObjType::domain : ObjType::factory;
  return (p->factory = slot_alloc()) && (p->space = slot_alloc()) && (p->thread = slot_alloc()) &&
         (p->fault_ep = slot_alloc()) && (p->pager_space = slot_alloc()) &&
         (p->pager_thread = slot_alloc()) && (p->fault_send = slot_alloc()) &&
         (p->root_send = slot_alloc()) && (p->service = slot_alloc()) &&
         ok(create(boot_cap::factory, kind, p->factory, quota)) &&
         ok(create(p->factory, ObjType::space, p->space, cspace_log2)) &&
         ok(create(p->factory, ObjType::thread, p->thread)) &&
         ok(create(p->factory, ObjType::endpoint, p->fault_ep)) &&
         ok(create(boot_cap::factory, ObjType::space, p->pager_space, 5)) &&
         ok(create(boot_cap::factory, ObjType::thread, p->pager_thread)) &&
         ok(p->name_service ? cap_copy(names_ep, boot_cap::space, p->service, rights::all)
                            : create(p->factory, ObjType::endpoint, p->service));
}

// The capabilities every process finds in its slots (arc::proc). direct: we page it ourselves.
bool give_capabilities(Process *p, bool direct) {
  const bool good =
      ok(cap_mint(direct ? root_ep : p->fault_ep, p->space, proc::pager,
                  rights::send | rights::grant, direct ? (p->pid | direct_badge) : 1)) &&
      ok(cap_mint(root_ep, p->space, proc::root, rights::send | rights::grant, p->pid)) &&
      ok(cap_copy(p->service, p->space, proc::service, rights::all)) &&
      ok(cap_copy(p->space, p->space, proc::space, rights::all)) &&
      ok(cap_copy(p->thread, p->space, proc::thread, rights::all)) &&
      ok(cap_copy(p->factory, p->space, proc::factory, rights::all));
  return good && (!names_ep || ok(cap_mint(names_ep, p->space, proc::names,
                                           rights::send | rights::grant, p->pid)));
}

// What the caller keeps for it (a cold restart of the name service), in the same slots. A slot
// that cannot be filled ends the move: the process would start without what it needs.
bool carry_in(Process *p, const Carry &c) {
  const Result r = cap_take(c.space, c.first, p->space, c.first, c.count);
  if (!r.ok()) printf("[root] %s: could not carry its capabilities over (%lu moved)\n", p->name, r.r[0]);
  return r.ok();
}

// Its information page (proc::Info): who it is, its arguments, where its memory is.
proc::Info *make_info(Process *p, const char *program, const char args[][64], unsigned argc) {
  p->client_info = frame_alloc(p->pid);
  auto *info = reinterpret_cast<proc::Info *>(p->client_info);
  if (!info) return nullptr;
  info->magic = proc::info_magic;
  info->version = 1;
  info->pid = p->pid;
  copy_str(info->name, p->name, sizeof(info->name));
  copy_str(info->program, program, sizeof(info->program));
  info->argc = argc < 8 ? argc : 8;
  for (unsigned i = 0; i < info->argc; ++i) copy_str(info->argv[i], args[i], 64);
  info->tick_ms = tick_ms;
  info->heap_base = proc::heap_base_default;
  info->heap_limit = proc::heap_base_default + proc::heap_size;
  info->stack_base = proc::stack_top - proc::stack_size;
  info->stack_top = proc::stack_top;
  info->pheap_base = proc::pheap_base;
  info->pheap_limit = proc::pheap_base + proc::pheap_size;
  return info;
}

void add_resource(proc::Info *info, const proc::Resource &r) {
  if (info->n_resources < 12) info->resources[info->n_resources++] = r;
}

// The I/O ports and IRQs of its boot line, as capabilities from proc::first_resource on.
bool give_ports_and_irqs(Process *p, const bootcfg::Server &config, proc::Info *info) {
  CapSlot next = proc::first_resource;
  bool good = true;
  for (unsigned i = 0; good && i < config.nports; ++i, ++next) {
    CapSlot s = slot_alloc();
    const word first = config.ports[i].first, count = config.ports[i].last - first + 1;
    good = s && ok(ioport(IoOp::derive, boot_cap::ioports, first, count, s)) &&
           ok(cap_move(s, p->space, next));
    slot_free(s);
    if (good) add_resource(info, {proc::Resource::ioports, next, first, count, 0});
  }
  for (unsigned i = 0; good && i < config.nirqs; ++i, ++next) {
    CapSlot s = slot_alloc();
    good = s && ok(irq_ctl(IrqOp::get, boot_cap::irq_control, config.irqs[i], s)) &&
           ok(cap_move(s, p->space, next));
    slot_free(s);
    if (good) add_resource(info, {proc::Resource::irq, next, config.irqs[i], 0, 0});
  }
  if (!good) printf("[root] %s: its I/O ports or IRQs are not available\n", p->name);
  return good;
}

// Its device memory, then its data module (module=, e.g. a RAM disk's image), each mapped into
// our device window once and shown to the process through its pager's fixed mappings. The
// module is changed in place and belongs to no process, so its contents outlive every restart
// of the process, as a disk's would. Then its DMA buffer (dma=): frames of the process that
// its pager shows it as a fixed window like device memory, so a hot or warm restart (same
// process record, same pager) keeps the very same physical buffer the device is reading, and
// they are freed with the rest of its frames when it is killed or restarted cold.
bool map_windows(const Process *p, const bootcfg::Server &config, proc::Info *info, Windows *w) {
  word client_va = proc::device_base;
  for (unsigned i = 0; i < config.nmem && w->n < 4; ++i) {
    const word base = word(config.mem[i].base), size = word(config.mem[i].end - config.mem[i].base);
    w->src[w->n] = map_device(base, size);
    w->size[w->n] = size;
    if (!w->src[w->n]) {
      printf("[root] %s: device memory %lx-%lx is not available\n", p->name, base, base + size);
      return false;
    }
    add_resource(info, {proc::Resource::mem, 0, base, size, client_va});
    client_va += (size + 0xfff) & ~word(0xfff);
    ++w->n;
  }
  if (config.module[0]) {
    const Module *m = module_find(config.module);
    const word bytes = m ? (m->offset + m->size + 0xfff) & ~word(0xfff) : 0;
    const word src = m && w->n < 4 ? map_window(m->phys, bytes, sigma0::label_map_module_rw) : 0;
    if (!src) {
      printf("[root] %s: module '%s' %s\n", p->name, config.module,
             m ? "cannot be mapped" : "is not among the boot modules");
      return false;
    }
    w->src[w->n] = src;
    w->size[w->n++] = bytes;
    add_resource(info, {proc::Resource::module, 0, m->phys + m->offset, m->size, client_va + m->offset});
    client_va += bytes;
  }
  if (!config.dma_kib) return true;
  const word bytes = config.dma_kib * 1024;
  word phys = 0;
  const word src = w->n < 4 ? frames_alloc_dma(p->pid, bytes, &phys) : 0;
  if (!src) {
    printf("[root] %s: no %lu KiB DMA buffer%s is free\n", p->name, word(config.dma_kib),
           bytes <= (64u << 10) ? " below 16 MiB" : "");
    return false;
  }
  w->src[w->n] = src;
  w->size[w->n++] = bytes;
  add_resource(info, {proc::Resource::dma, 0, phys, bytes, client_va});
  printf("[root] %s: DMA buffer of %lu KiB at physical %lx\n", p->name, word(config.dma_kib), phys);
  return true;
}

// The main thread: in its space, paged by its pager, which starts it.
bool bind_main_thread(Process *p, uint8_t prio) {
  return ok(cap_mint(p->fault_ep, boot_cap::space, p->fault_send, rights::send | rights::grant, 1)) &&
         ok(thread_ctl(p->thread, ThreadOp::bind_space, p->space)) &&
         ok(thread_ctl(p->thread, ThreadOp::set_pager, p->fault_send)) &&
         ok(thread_ctl(p->thread, ThreadOp::set_handler, p->fault_send)) &&
         ok(thread_ctl(p->thread, ThreadOp::set_priority, prio, 0));
}

// The pager task's information pages (what it serves, its own proc::Info) and capabilities; its
// thread is paged by us and runs just above its process.
bool make_pager(Process *p, const Module *prog, const Windows &w, const bootcfg::Server *config,
                uint8_t prio) {
  p->pager_info = frame_alloc(p->pid);
  p->pager_own_info = p->pager_info ? frame_alloc(p->pid) : 0;
  if (!p->pager_own_info) return false;
  auto *pi = reinterpret_cast<p3::Info *>(p->pager_info);
  pi->magic = p3::info_magic;
  pi->client_pid = p->pid;
  copy_str(pi->client_name, p->name, sizeof(pi->client_name));
  copy_str(pi->program, p->program, sizeof(pi->program));
  pi->image_size = prog->size;
  pi->image_at = p3::image_base;
  p->images[0] = prog;
  pi->n_devices = w.n;
  for (unsigned i = 0, va = proc::device_base; i < w.n; ++i) {
    pi->devices[i] = {va, w.size[i]};
    va += (w.size[i] + 0xfff) & ~word(0xfff);
  }
  pi->machine = arc::arch::elf_machine;
  if (take_fault(config)) give_fault(pi, *config);
  pi->checkpoint_marked = config && config->checkpoint_marked;
  auto *own = reinterpret_cast<proc::Info *>(p->pager_own_info);
  own->magic = proc::info_magic;
  own->pid = p->pid;
  copy_str(own->name, "pager", sizeof(own->name));
  copy_str(own->program, "pager", sizeof(own->program));
  own->argc = 1;
  copy_str(own->argv[0], p->name, 64);
  own->tick_ms = tick_ms;
  return ok(cap_copy(p->space, p->pager_space, p3::client_space, rights::all)) &&
         ok(cap_copy(p->thread, p->pager_space, p3::client_thread, rights::all)) &&
         ok(cap_copy(p->fault_ep, p->pager_space, p3::fault_ep, rights::recv | rights::send)) &&
         ok(cap_mint(root_ep, p->pager_space, proc::root, rights::send | rights::grant,
                     p->pid | pager_badge)) &&
         ok(cap_copy(p->pager_thread, p->pager_space, proc::thread, rights::all)) &&
         ok(cap_mint(root_ep, boot_cap::space, p->root_send, rights::send | rights::grant,
                     p->pid | pager_badge)) &&
         ok(thread_ctl(p->pager_thread, ThreadOp::bind_space, p->pager_space)) &&
         ok(thread_ctl(p->pager_thread, ThreadOp::set_pager, p->root_send)) &&
         ok(thread_ctl(p->pager_thread, ThreadOp::set_handler, p->root_send)) &&
         ok(thread_ctl(p->pager_thread, ThreadOp::set_priority, prio < 99 ? prio + 1 : 100, 0));
}

// How we page the pager: its own image, zero pages, and the fixed windows onto its process's
// image, the information pages and the device windows.
void page_pager(Process *p, const Module *prog, const Windows &w) {
  PagerFrames &pf = pager_frames[p - procs];
  pf.owner = p->pid;
  const unsigned char *pimg = reinterpret_cast<const unsigned char *>(pager_module->addr);
  p->pager_image.init(pimg, pager_module->size, &pf, p->pager_pages, 128);
  for (unsigned i = 0; i < pager_elf.segment_count(); ++i) {
    const elf::Segment &s = pager_elf.segment(i);
    (void)p->pager_image.add_segment({s.vaddr, s.memsz, s.offset, s.filesz, rights_of(s.rights)});
  }
  // Read and execute: the pager maps text pages straight from here (execute-never on ARM without x).
  p->pager_image.add_fixed(p3::image_base, prog->addr, (prog->size + 0xfff) & ~word(0xfff),
                           fpage_rights::r | fpage_rights::x);
  p->pager_image.add_fixed(p3::pager_info_addr, p->pager_info, 0x1000, fpage_rights::r);
  p->pager_image.add_fixed(boot_info_addr, p->pager_own_info, 0x1000, fpage_rights::r);
  p->pager_image.add_fixed(p3::client_info_addr, p->client_info, 0x1000,
                           fpage_rights::r | fpage_rights::w);
  for (unsigned i = 0, off = 0; i < w.n; ++i) {
    p->pager_image.add_fixed(p3::device_window + off, w.src[i], w.size[i],
                             fpage_rights::r | fpage_rights::w);
    off += (w.size[i] + 0xfff) & ~word(0xfff);
  }
}

// A free process record for `name`, or null (said). Records of processes that ended stay for
// `ps` until the table is full; then the oldest goes. (They were never reused: after 32 starts,
// cold restarts included, the root task could start nothing more.)
Process *new_record(const char *name, const char *program, const bootcfg::Server *config) {
  Process *p = nullptr, *oldest_ended = nullptr;
  for (Process &q : procs) {
    if (!q.pid) {
      p = &q;
      break;
    }
    if (q.state == arc::root::PState::exited && (!oldest_ended || q.pid < oldest_ended->pid))
      oldest_ended = &q;
  }
  if (!p && oldest_ended) {
    forget(oldest_ended);
    p = oldest_ended;
  }
  if (!p) {
    printf("[root] %s: too many processes\n", name);
    return nullptr;
  }
  *p = Process{};
  p->may = config ? config->may : 0;   // spawned from a process: the caller sets it
  p->pid = next_pid++;
  copy_str(p->name, name, sizeof(p->name));
  copy_str(p->program, program, sizeof(p->program));
  p->config = config;
  // The name service is the boot line so named: a process started from the shell under that
  // name is an ordinary process, which never serves our names endpoint.
  p->name_service = config && !strcmp(config->name, bootcfg::name_service) && names_ep;
  return p;
}

} // namespace

Process *spawn(const char *name, const char *program, const char args[][64], unsigned argc,
               const bootcfg::Server *config, word *error, const Carry *carry) {
  *error = word(Status::invalid_arg);
  const Module *prog = module_find(program);
  if (!prog || !pager_module) {
    printf("[root] %s: no program '%s'\n", name, program);
    return nullptr;
  }
  if (prog->offset) {
    printf("[root] %s: module '%s' is not page-aligned\n", name, program);
    return nullptr;
  }
  *error = word(Status::no_memory);
  Process *p = new_record(name, program, config);
  if (!p) return nullptr;
  const word quota = (config && config->quota_kib ? config->quota_kib : bootcfg::default_quota_kib) * 1024;
  const uint8_t prio = config ? config->prio : bootcfg::default_prio;
  const bool direct = config && config->pager == bootcfg::PagerKind::root;
  Windows w;
  proc::Info *info = nullptr;
  const bool good = make_objects(p, quota) && give_capabilities(p, direct) &&
                    (!carry || carry_in(p, *carry)) &&
                    (info = make_info(p, program, args, argc)) != nullptr &&
                    (!config || (give_ports_and_irqs(p, *config, info) &&
                                 map_windows(p, *config, info, &w)));
  if (good && direct) return start_direct(p, prog, prio, error) ? p : nullptr;
  if (!good || !bind_main_thread(p, prio) || !make_pager(p, prog, w, config, prio)) {
    printf("[root] %s: cannot create the process (out of memory or capabilities)\n", name);
    undo(p);
    return nullptr;
  }
  page_pager(p, prog, w);
  if (!ok(thread_ctl(p->pager_thread, ThreadOp::start, pager_elf.entry(), 0))) {
    printf("[root] %s: cannot start its pager\n", name);
    undo(p);
    return nullptr;
  }
  p->state = arc::root::PState::running;
  *error = word(Status::ok);
  ++process_generation;
  prepare_spare(p);   // for its first warm restart, if its policy has one
  return p;
}

Process *spawn_domain_root(const char *name, const DomainRootStart &d, word *error) {
  *error = word(Status::no_memory);
  elf::Image elf;
  elf::Error err;
  if (!elf.open(reinterpret_cast<const void *>(d.program->addr), d.program->size, arc::arch::elf_machine,
                0x1000, proc::heap_base_default, &err)) {
    printf("[root] %s: program '%s' refused: %s\n", name, d.program->name, elf::describe(err));
    *error = word(Status::invalid_arg);
    return nullptr;
  }
  Process *p = new_record(name, d.program->name, nullptr);
  if (!p) return nullptr;
  // The kernel objects: the domain's factory (every object of the domain comes from it or from
  // factories made from it, and deleting it destroys them all), the root task's space and
  // thread. Its capability space is as large as the boot root task's: it makes nine slots' worth
  // of objects for every process it starts.
  constexpr unsigned root_cspace_log2 = 10;
  bool good = (p->factory = slot_alloc()) && (p->space = slot_alloc()) && (p->thread = slot_alloc()) &&
              (p->fault_send = slot_alloc()) &&
              ok(create(boot_cap::factory, ObjType::domain, p->factory, d.quota)) &&
              ok(create(p->factory, ObjType::space, p->space, root_cspace_log2)) &&
              ok(create(p->factory, ObjType::thread, p->thread));
  // The slots the kernel fills for an initial task (boot_cap); its pager and exception handler
  // are our endpoint, badged as a process we page. Ports and interrupts only if its line says
  // devices=yes: with them it could take any device of the machine.
  good = good && ok(cap_copy(p->space, p->space, boot_cap::space, rights::all)) &&
         ok(cap_copy(p->thread, p->space, boot_cap::thread, rights::all)) &&
         ok(cap_copy(p->factory, p->space, boot_cap::factory, rights::all)) &&
         ok(cap_mint(root_ep, p->space, boot_cap::pager, rights::send | rights::grant,
                     p->pid | direct_badge)) &&
         (!d.devices || (ok(cap_copy(boot_cap::irq_control, p->space, boot_cap::irq_control, rights::all)) &&
                         ok(cap_copy(boot_cap::ioports, p->space, boot_cap::ioports, rights::all))));
  if (!good) {
    printf("[root] %s: cannot create its domain (out of kernel memory or capabilities)\n", name);
    undo(p);
    return nullptr;
  }
  PagerFrames &pf = pager_frames[p - procs];
  pf.owner = p->pid;
  p->direct = true;
  p->domain_root = true;
  p->client_info = d.boot_info;
  p->pager_image.init(reinterpret_cast<const unsigned char *>(d.program->addr), d.program->size, &pf,
                      d.pages, d.capacity);
  word image_end = 0;
  for (unsigned i = 0; i < elf.segment_count(); ++i) {
    const elf::Segment &s = elf.segment(i);
    (void)p->pager_image.add_segment({s.vaddr, s.memsz, s.offset, s.filesz, rights_of(s.rights)});
    if (s.vaddr + s.memsz > image_end) image_end = s.vaddr + s.memsz;
  }
  // An initial task's heap is after its image (newlib's default, ARC_HEAP_DEFAULT_SIZE); its
  // stack is in its .bss. Nothing at proc::heap_base_default: its window onto physical memory
  // is there, filled by the chunks we give it.
  image_end = (image_end + 0xfff) & ~word(0xfff);
  p->pager_image.add_zero_range(image_end, image_end + (64u << 20), false);
  p->pager_image.add_fixed(boot_info_addr, d.boot_info, 0x1000, fpage_rights::r);
  if (ok(cap_mint(root_ep, boot_cap::space, p->fault_send, rights::send | rights::grant,
                  p->pid | direct_badge)) &&
      ok(thread_ctl(p->thread, ThreadOp::bind_space, p->space)) &&
      ok(thread_ctl(p->thread, ThreadOp::set_pager, p->fault_send)) &&
      ok(thread_ctl(p->thread, ThreadOp::set_handler, p->fault_send)) &&
      ok(thread_ctl(p->thread, ThreadOp::set_priority, d.prio, 0)) &&
      ok(thread_ctl(p->thread, ThreadOp::start, elf.entry(), 0))) {
    p->state = arc::root::PState::running;
    ++process_generation;
    *error = word(Status::ok);
    return p;
  }
  printf("[root] %s: cannot start it\n", name);
  undo(p);
  return nullptr;
}

void kill(Process *p) {
  drop_old_space(p);
  ckfile_forget(p);   // a checkpoint file of it in transfer: its frames go back
  release(p);
  p->state = arc::root::PState::exited;
  ++process_generation;
}

void forget(Process *p) {
  if (p->state != arc::root::PState::exited) return;   // kill it first
  *p = Process{};
  ++process_generation;
}

bool page_counts(Process *p, word out[4]) {
  if (p->direct) {
    const p3::Image::Counts c = p->pager_image.counts();
    out[0] = c.resident;
    out[1] = c.persistent;
    out[2] = c.image_shared;
    out[3] = c.cow_copies;
    return true;
  }
  Utcb *u = utcb();
  u->mr[0] = Tag(arc::pager::counts, 0, 0).raw;
  if (ipc_raw(ipc::send | ipc::call, p->fault_ep, 0, ipc::timeouts(0, 100), nullptr) != Status::ok ||
      u->mr[1] != word(Status::ok))
    return false;
  for (unsigned i = 0; i < 4; ++i) out[i] = u->mr[2 + i];
  return true;
}

Process *process_by_pid(word pid) {
  for (Process &p : procs)
    if (p.pid && p.pid == pid) return &p;
  return nullptr;
}

word process_generation;

Process *process_table(unsigned *count) {
  *count = max_processes;
  return procs;
}

Process *process_at(unsigned index) {
  for (Process &p : procs)
    if (p.pid && !index--) return &p;
  return nullptr;
}

} // namespace rt
