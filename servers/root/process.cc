#include "process.hh"
#include "memory.hh"
#include "modules.hh"
#include "share.hh"
#include "../pager/pager_info.hh"
#include <arc/arch.hh>
#include <arc/proto/pager.hh>
#include <arc/proto/process.hh>
#include <arc/start.hh>
#include <arc/sys.hh>
#include <elf/elf.hh>
#include "../sigma0/sigma0.hh"
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
word device_window_next = 0xa0000000;
struct DeviceMap { word phys, size, va; } device_maps[16];
unsigned n_device_maps;

word map_window(word phys, word size, word label) {
  for (unsigned i = 0; i < n_device_maps; ++i)
    if (device_maps[i].phys == phys && device_maps[i].size >= size) return device_maps[i].va;
  if (n_device_maps == 16 || device_window_next + size > 0xb0000000) return 0;
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
word map_device(word phys, word size) { return map_window(phys, size, sigma0::label_map_device); }

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

// Everything a spawn made so far goes again.
void undo(Process *p) {
  if (p->direct) direct_in_use = false;
  slot_free(p->fault_send);
  slot_free(p->root_send);
  slot_free(p->pager_thread);
  slot_free(p->pager_space);
  slot_free(p->thread);
  slot_free(p->space);
  slot_free(p->service);
  slot_free(p->fault_ep);
  slot_free(p->factory);   // revokes whatever was made from it
  frames_free_all(p->pid);
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

Process *spawn(const char *name, const char *program, const char args[][64], unsigned argc,
               const bootcfg::Server *config, word *error) {
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
  Process *p = nullptr;
  for (Process &q : procs)
    if (!q.pid) { p = &q; break; }
  *error = word(Status::no_memory);
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
  const word quota = (config && config->quota_kib ? config->quota_kib : 1024) * 1024;
  const uint8_t prio = config ? config->prio : bootcfg::default_prio;
  const bool is_names = !strcmp(name, "names") && names_ep;
  const bool direct = config && config->pager == bootcfg::PagerKind::root;

  // ---- kernel objects
  bool good = (p->factory = slot_alloc()) && (p->space = slot_alloc()) &&
              (p->thread = slot_alloc()) && (p->fault_ep = slot_alloc()) &&
              (p->pager_space = slot_alloc()) && (p->pager_thread = slot_alloc()) &&
              (p->fault_send = slot_alloc()) && (p->root_send = slot_alloc()) &&
              ok(create(boot_cap::factory, ObjType::factory, p->factory, quota)) &&
              ok(create(p->factory, ObjType::space, p->space, cspace_log2)) &&
              ok(create(p->factory, ObjType::thread, p->thread)) &&
              ok(create(p->factory, ObjType::endpoint, p->fault_ep)) &&
              ok(create(boot_cap::factory, ObjType::space, p->pager_space, 5)) &&
              ok(create(boot_cap::factory, ObjType::thread, p->pager_thread));
  // The name service's endpoint is our own (names_ep, made before any process): it outlives
  // every process that serves it, so no client's capability to the name service changes when
  // the name service is restarted. Its process record keeps a copy.
  good = good && (p->service = slot_alloc()) &&
         ok(is_names ? cap_copy(names_ep, boot_cap::space, p->service, rights::all)
                     : create(p->factory, ObjType::endpoint, p->service));
  const CapSlot service = p->service;
  p->name_service = is_names;

  // ---- the process's capabilities
  good = good && ok(cap_mint(direct ? root_ep : p->fault_ep, p->space, proc::pager,
                             rights::send | rights::grant, direct ? (p->pid | direct_badge) : 1)) &&
         ok(cap_mint(root_ep, p->space, proc::root, rights::send | rights::grant, p->pid)) &&
         ok(cap_copy(service, p->space, proc::service, rights::all)) &&
         ok(cap_copy(p->space, p->space, proc::space, rights::all)) &&
         ok(cap_copy(p->thread, p->space, proc::thread, rights::all)) &&
         ok(cap_copy(p->factory, p->space, proc::factory, rights::all));
  if (good && names_ep)
    good = ok(cap_mint(names_ep, p->space, proc::names, rights::send | rights::grant, p->pid));

  // ---- its information page
  word ci = good ? frame_alloc(p->pid) : 0;
  p->client_info = ci;
  auto *info = reinterpret_cast<proc::Info *>(ci);
  if (info) {
    info->magic = proc::info_magic;
    info->version = 1;
    info->pid = p->pid;
    copy_str(info->name, name, sizeof(info->name));
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
  } else {
    good = false;
  }

  // ---- resources from the boot configuration: I/O ports and IRQs
  CapSlot next_res = proc::first_resource;
  if (good && config) {
    for (unsigned i = 0; good && i < config->nports; ++i) {
      CapSlot s = slot_alloc();
      word first = config->ports[i].first, count = config->ports[i].last - first + 1;
      good = s && ok(ioport(IoOp::derive, boot_cap::ioports, first, count, s)) &&
             ok(cap_move(s, p->space, next_res));
      if (s) slot_free(s);
      if (good && info->n_resources < 12)
        info->resources[info->n_resources++] = {proc::Resource::ioports, next_res, first, count, 0};
      ++next_res;
    }
    for (unsigned i = 0; good && i < config->nirqs; ++i) {
      CapSlot s = slot_alloc();
      good = s && ok(irq_ctl(IrqOp::get, boot_cap::irq_control, config->irqs[i], s)) &&
             ok(cap_move(s, p->space, next_res));
      if (s) slot_free(s);
      if (good && info->n_resources < 12)
        info->resources[info->n_resources++] = {proc::Resource::irq, next_res, config->irqs[i], 0, 0};
      ++next_res;
    }
    if (!good) printf("[root] %s: its I/O ports or IRQs are not available\n", name);
  }
  // Device memory: mapped into the pager's device window, then into the process at
  // proc::device_base (the pager's fixed mappings; see below).
  word dev_src[4] = {}, dev_size[4] = {};
  unsigned n_dev = 0;
  word client_va = proc::device_base;
  if (good && config) {
    for (unsigned i = 0; good && i < config->nmem && n_dev < 4; ++i) {
      const word base = word(config->mem[i].base), size = word(config->mem[i].end - config->mem[i].base);
      dev_src[n_dev] = map_device(base, size);
      dev_size[n_dev] = size;
      if (!dev_src[n_dev]) {
        printf("[root] %s: device memory %lx-%lx is not available\n", name, base, base + size);
        good = false;
        break;
      }
      if (info->n_resources < 12)
        info->resources[info->n_resources++] = {proc::Resource::mem, 0, base, size, client_va};
      client_va += (size + 0xfff) & ~word(0xfff);
      ++n_dev;
    }
  }
  // A boot module as data (module=, e.g. a RAM disk's image): mapped read-write after the device
  // memory, the same way. It is changed in place and belongs to no process, so its contents
  // outlive every restart of the process, as a disk's would.
  if (good && config && config->module[0]) {
    const Module *m = module_find(config->module);
    const word bytes = m ? (m->offset + m->size + 0xfff) & ~word(0xfff) : 0;
    const word src = m && n_dev < 4 ? map_window(m->phys, bytes, sigma0::label_map_module_rw) : 0;
    if (!src) {
      printf("[root] %s: module '%s' %s\n", name, config->module,
             m ? "cannot be mapped" : "is not among the boot modules");
      good = false;
    } else {
      dev_src[n_dev] = src;
      dev_size[n_dev] = bytes;
      if (info->n_resources < 12)
        info->resources[info->n_resources++] = {proc::Resource::module, 0, m->phys + m->offset,
                                                m->size, client_va + m->offset};
      ++n_dev;
    }
  }

  // ---- pager=root: we page the process ourselves, with the same image logic a pager uses
  if (good && direct)
    return start_direct(p, prog, prio, error) ? p : nullptr;

  // ---- the main thread: bound, paged by its pager; the pager starts it
  good = good && ok(cap_mint(p->fault_ep, boot_cap::space, p->fault_send, rights::send | rights::grant, 1)) &&
         ok(thread_ctl(p->thread, ThreadOp::bind_space, p->space)) &&
         ok(thread_ctl(p->thread, ThreadOp::set_pager, p->fault_send)) &&
         ok(thread_ctl(p->thread, ThreadOp::set_handler, p->fault_send)) &&
         ok(thread_ctl(p->thread, ThreadOp::set_priority, prio, 0));

  // ---- the pager task
  word pi_frame = good ? frame_alloc(p->pid) : 0, own_frame = good ? frame_alloc(p->pid) : 0;
  p->pager_info = pi_frame;
  p->pager_own_info = own_frame;
  if (pi_frame && own_frame) {
    auto *pi = reinterpret_cast<p3::Info *>(pi_frame);
    pi->magic = p3::info_magic;
    pi->client_pid = p->pid;
    copy_str(pi->client_name, name, sizeof(pi->client_name));
    copy_str(pi->program, program, sizeof(pi->program));
    pi->image_size = prog->size;
    pi->n_devices = n_dev;
    for (unsigned i = 0, va = proc::device_base; i < n_dev; ++i) {
      pi->devices[i] = {va, dev_size[i]};
      va += (dev_size[i] + 0xfff) & ~word(0xfff);
    }
    pi->machine = arc::arch::elf_machine;
    if (take_fault(config)) give_fault(pi, *config);
    auto *own = reinterpret_cast<proc::Info *>(own_frame);
    own->magic = proc::info_magic;
    own->pid = p->pid;
    copy_str(own->name, "pager", sizeof(own->name));
    copy_str(own->program, "pager", sizeof(own->program));
    own->argc = 1;
    copy_str(own->argv[0], name, 64);
    own->tick_ms = tick_ms;
  } else {
    good = false;
  }
  good = good &&
         ok(cap_copy(p->space, p->pager_space, p3::client_space, rights::all)) &&
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
  if (!good) {
    printf("[root] %s: cannot create the process (out of memory or capabilities)\n", name);
    undo(p);
    return nullptr;
  }

  // How we page the pager: its own image, zero pages, and the fixed windows onto the client's
  // image and the information pages.
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
  p->pager_image.add_fixed(p3::pager_info_addr, pi_frame, 0x1000, fpage_rights::r);
  p->pager_image.add_fixed(boot_info_addr, own_frame, 0x1000, fpage_rights::r);
  p->pager_image.add_fixed(p3::client_info_addr, ci, 0x1000, fpage_rights::r | fpage_rights::w);
  for (unsigned i = 0, off = 0; i < n_dev; ++i) {
    p->pager_image.add_fixed(p3::device_window + off, dev_src[i], dev_size[i],
                             fpage_rights::r | fpage_rights::w);
    off += (dev_size[i] + 0xfff) & ~word(0xfff);
  }
  if (!ok(thread_ctl(p->pager_thread, ThreadOp::start, pager_elf.entry(), 0))) {
    printf("[root] %s: cannot start its pager\n", name);
    undo(p);
    return nullptr;
  }
  p->state = arc::root::PState::running;
  *error = word(Status::ok);
  ++process_generation;
  return p;
}

void kill(Process *p) {
  if (p->direct) direct_in_use = false;
  // Destroying the spaces removes every mapping in them; then the frames are free.
  slot_free(p->fault_send);
  slot_free(p->root_send);
  slot_free(p->pager_thread);
  slot_free(p->thread);
  slot_free(p->pager_space);
  slot_free(p->space);
  slot_free(p->service);
  slot_free(p->fault_ep);
  slot_free(p->factory);
  share_drop_all(p->pid);
  frames_free_all(p->pid);
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
