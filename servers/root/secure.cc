#include "secure.hh"
#include "grants.hh"
#include "memory.hh"
#include "modules.hh"
#include "watchdog.hh"
#include <arc/arch.hh>
#include <arc/proto/sigma0.hh>
#include <arc/sys.hh>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace rt {

using namespace arc;

namespace {

constexpr unsigned max_runs = 16;
constexpr unsigned root_pages = 2048;   // its page table: the root program touches ~300 pages
constexpr word partition_owner = 0x30000;   // + index: frames of a partition (pids stay below)

struct Run {
  word phys, size, next;   // next: the first byte not yet given to the domain's root task
};

struct SecureDomain {
  const bootcfg::Domain *cfg = nullptr;
  Process *root = nullptr;      // its root task (null: none)
  root::DState state = root::DState::down;
  word generation = 0;          // starts so far
  word restarts = 0;
  root::Cause last_cause{};
  word times[8] = {};           // when the recent restarts were (ms), for the intensity
  unsigned n_times = 0;
  Run runs[max_runs];
  unsigned nruns = 0;
  word boot_info = 0;           // our address of its boot-information frame
  p3::Image::Page pages[root_pages];
};

SecureDomain doms[bootcfg::max_domains];
unsigned ndoms;
const bootcfg::Config *top;
const BootInfo *our_boot;

word owner_of(const SecureDomain &d) { return partition_owner + word(&d - doms); }

// The partition: mem= bytes in naturally aligned runs, as large as they come (4 MiB down to
// 64 KiB), so that the root task's chunks (largest first, as from sigma0) fall inside runs.
bool take_partition(SecureDomain &d) {
  word left = word(d.cfg->mem_kib) << 10;
  d.nruns = 0;
  for (word size = 4u << 20; size >= (64u << 10) && left; size >>= 1) {
    while (left >= size && d.nruns < max_runs) {
      word phys = 0;
      if (!frames_alloc_aligned(owner_of(d), size, size, &phys)) break;
      d.runs[d.nruns++] = {phys, size, phys};
      left -= size;
    }
  }
  if (!left) return true;
  ::printf("[domains] %s: no %lu MiB partition free (runs of 64 KiB at least)\n", d.cfg->name,
         word(d.cfg->mem_kib >> 10));
  frames_free_all(owner_of(d));
  d.nruns = 0;
  return false;
}

// Its boot information: ours, with its partition as the only free memory and its own command
// line (the domain it is the root task of, and the test fault armed at its first start).
bool make_boot_info(SecureDomain &d, bool arm_fault) {
  d.boot_info = frame_alloc(owner_of(d));
  if (!d.boot_info) return false;
  auto *bi = reinterpret_cast<BootInfo *>(d.boot_info);
  *bi = *our_boot;
  unsigned n = 0;
  for (unsigned i = 0; i < d.nruns; ++i) bi->regions[n++] = {d.runs[i].phys, d.runs[i].size, BootInfo::region_free};
  for (unsigned i = 0; i < our_boot->n_regions && n < 24; ++i)
    if (our_boot->regions[i].kind != BootInfo::region_free) bi->regions[n++] = our_boot->regions[i];
  bi->n_regions = n;
  if (arm_fault && d.cfg->fault != bootcfg::DomainFault::none)
    ::snprintf(bi->cmdline, sizeof bi->cmdline, "root domain=%s fault=%s:%lu", d.cfg->name,
             bootcfg::name_of(d.cfg->fault), word(d.cfg->fault_after_ms));
  else
    ::snprintf(bi->cmdline, sizeof bi->cmdline, "root domain=%s", d.cfg->name);
  return true;
}

bool start(SecureDomain &d) {
  const Module *prog = module_find("root");
  if (!prog) {
    ::printf("[domains] %s: no 'root' module to start its root task from\n", d.cfg->name);
    return false;
  }
  if (!take_partition(d)) return false;
  if (!make_boot_info(d, d.generation == 0)) {
    frames_free_all(owner_of(d));
    return false;
  }
  char name[24];
  ::snprintf(name, sizeof name, "root-%s", d.cfg->name);
  DomainRootStart s{prog, word(d.cfg->quota_kib) << 10, d.boot_info, d.cfg->devices,
                    bootcfg::default_prio, d.pages, root_pages};
  word err;
  d.root = spawn_domain_root(name, s, &err);
  if (!d.root) {
    frames_free_all(owner_of(d));
    return false;
  }
  ++d.generation;
  d.state = root::DState::running;
  ::printf("[domains] %s: started (generation %lu): %lu MiB in %u run%s, root task pid %lu%s\n",
         d.cfg->name, d.generation, word(d.cfg->mem_kib >> 10), d.nruns, d.nruns == 1 ? "" : "s",
         d.root->pid, d.cfg->devices ? ", with the devices" : "");
  return true;
}

// Everything of the domain goes: deleting its factory (kill -> release) destroys every object it
// made, wherever their capabilities were; then its partition and its root task's pages are ours.
void stop(SecureDomain &d) {
  if (d.root) {
    kill(d.root);
    forget(d.root);
    d.root = nullptr;
  }
  frames_free_all(owner_of(d));
  d.nruns = 0;
  d.boot_info = 0;
  d.state = root::DState::down;
}

SecureDomain *domain_of_root(const Process *p) {
  for (unsigned i = 0; i < ndoms; ++i)
    if (doms[i].root == p) return &doms[i];
  return nullptr;
}

// The root task failed. Its thread goes, so that whoever watches it (SecDom0) finds it dead; the
// rest of the domain stays as it is until the domain is restarted.
void root_failed(SecureDomain &d, const char *what, word a, word ip) {
  ::printf("[domains] %s: its root task failed (%s %lx, ip %lx): its thread is deleted, the domain "
         "waits for its monitor\n", d.cfg->name, what, a, ip);
  slot_free(d.root->thread);
  d.root->state = root::PState::failed;
  d.state = root::DState::failed;
}

void reply_words(Utcb *u, Status st) {
  u->mr[0] = Tag(0, 1, 0).raw;
  u->mr[1] = word(st);
}

// A chunk of 2^log2 bytes, naturally aligned, from the partition (sigma0's alloc_chunk).
word chunk(SecureDomain &d, unsigned log2) {
  const word size = word(1) << log2;
  for (unsigned i = 0; i < d.nruns; ++i) {
    Run &r = d.runs[i];
    const word base = (r.next + size - 1) & ~(size - 1);
    if (base < r.next || base + size > r.phys + r.size) continue;
    r.next = base + size;
    return base;
  }
  return 0;
}

word frames_left(const SecureDomain &d) {
  word n = 0;
  for (unsigned i = 0; i < d.nruns; ++i) n += (d.runs[i].phys + d.runs[i].size - d.runs[i].next) >> 12;
  return n;
}

const Module *module_at(word phys, word *va) {
  for (unsigned i = 0; i < max_boot_modules; ++i) {
    const Module *m = module_index(i);
    if (!m) break;
    if (phys >= m->phys && phys < m->phys + m->offset + m->size) {
      *va = m->addr + (phys - m->phys);
      return m;
    }
  }
  return nullptr;
}

void map_reply(Utcb *u, word va, unsigned log2, word rights, word hot) {
  u->mr[0] = Tag(0, 0, 2).raw;
  u->mr[1] = fpage(va, log2, rights);
  u->mr[2] = (hot & ~word(0xfff)) | item::map;
}

} // namespace

void domains_start(const bootcfg::Config &config, const BootInfo &ours) {
  top = &config;
  our_boot = &ours;
  ndoms = 0;
  for (unsigned i = 0; i < config.ndomains; ++i) {
    SecureDomain &d = doms[ndoms++];
    d.cfg = &config.domains[i];
    if (!d.cfg->ok) {
      ::printf("[domains] %s: its line has errors; not started\n", d.cfg->name);
      continue;
    }
    (void)start(d);
  }
}

bool domain_root_message(Process *p, Utcb *u) {
  SecureDomain *d = domain_of_root(p);
  if (!d || d->state != root::DState::running) return false;
  const Tag tag(u->mr[0]);
  const word label = tag.label();
  if (label == arc::label::page_fault) {
    const word addr = u->mr[1], ip = u->mr[2], access = u->mr[3];
    const p3::Source src = p->pager_image.resolve(addr, access);
    if (src.kind != p3::Source::image && src.kind != p3::Source::frame) {
      root_failed(*d, src.kind == p3::Source::exhausted ? "no memory for a page at" : "invalid access at",
                  addr, ip);
      return false;
    }
    if (!in_device_window(src.addr)) (void)*reinterpret_cast<volatile const char *>(src.addr);
    map_reply(u, src.addr, 12, src.rights, addr);
    return true;
  }
  if (label == arc::label::exception) {
    root_failed(*d, "exception", u->mr[1], u->mr[3]);
    return false;
  }
  // What sigma0 answers the boot root task, from the domain's partition and our modules.
  switch (label) {
  case sigma0::label_alloc_chunk: {
    const unsigned log2 = unsigned(u->mr[1]);
    const word base = log2 >= 12 && log2 <= 22 ? chunk(*d, log2) : 0;
    if (!base) {
      reply_words(u, Status::no_memory);
      return true;
    }
    u->mr[0] = Tag(0, 1, 2).raw;
    u->mr[1] = base;
    u->mr[2] = fpage(frame_va(base), log2, fpage_rights::rwx);
    u->mr[3] = base | item::map;
    return true;
  }
  case sigma0::label_free_frames:
    u->mr[0] = Tag(0, 1, 0).raw;
    u->mr[1] = frames_left(*d);
    return true;
  case sigma0::label_map_module:
  case sigma0::label_map_module_rw: {
    const word phys = u->mr[1] & ~word(0xfff), hot = u->mr[2];
    word va = 0;
    const Module *m = module_at(phys, &va);
    if (!m) {
      reply_words(u, Status::invalid_arg);
      return true;
    }
    if (label == sigma0::label_map_module) {
      map_reply(u, va, 12, fpage_rights::r | fpage_rights::x, hot);
      return true;
    }
    // Writable: from our read-write window onto the module (a RAM disk's image).
    const word bytes = (m->offset + m->size + 0xfff) & ~word(0xfff);
    const word rw = map_window(m->phys, bytes, sigma0::label_map_module_rw);
    if (!rw) {
      reply_words(u, Status::no_memory);
      return true;
    }
    map_reply(u, rw + (phys - m->phys), 12, fpage_rights::r | fpage_rights::w, hot);
    return true;
  }
  case sigma0::label_map_device: {
    // Only a domain with the devices; never RAM (map_window asks sigma0, which refuses it).
    const word phys = u->mr[1] & ~word(0xfff), hot = u->mr[2];
    const word va = d->cfg->devices ? map_window(phys, 0x1000, sigma0::label_map_device) : 0;
    if (!va) {
      reply_words(u, d->cfg->devices ? Status::invalid_arg : Status::no_rights);
      return true;
    }
    map_reply(u, va, 12, fpage_rights::r | fpage_rights::w, hot);
    return true;
  }
  case sigma0::label_export:
  case sigma0::label_import:
    grants_serve(unsigned(d - doms), d->root->space, u);
    return true;
  default:
    reply_words(u, Status::invalid_arg);
    return true;
  }
}

Status domain_info(word index, Reply &rep) {
  if (index >= ndoms) return Status::invalid_arg;
  const SecureDomain &d = doms[index];
  rep.put(word(d.state));
  rep.put(d.restarts);
  rep.put(d.cfg->mem_kib);
  rep.put(d.root ? d.root->pid : 0);
  rep.put(d.root ? frames_of(d.root->pid) : 0);
  rep.put(word(d.last_cause));
  rep.put_string(d.cfg->name, 8);
  return Status::ok;
}

namespace {
bool may_watch(const Process *caller, word index) {
  return caller && caller->config && index < ndoms && (caller->config->watch_domains & (1u << index));
}
} // namespace

Status domain_watch(Process *caller, word index, Reply &rep) {
  if (index >= ndoms) return Status::invalid_arg;
  if (!may_watch(caller, index)) return Status::no_rights;
  const SecureDomain &d = doms[index];
  if (d.state != root::DState::running || !d.root || !d.root->thread) return Status::busy;
  // The thread, for its counters only: with perfmon a watcher can neither stop nor steer it.
  rep.put(d.generation);
  rep.put_cap(d.root->thread, rights::perfmon);
  return Status::ok;
}

Status domain_restart(Process *caller, word index, word generation, word cause, word *new_generation) {
  if (index >= ndoms) return Status::invalid_arg;
  if (!may_watch(caller, index)) return Status::no_rights;
  if (cause != word(root::Cause::dead_thread) && cause != word(root::Cause::loop)) return Status::invalid_arg;
  SecureDomain &d = doms[index];
  *new_generation = d.generation;
  if (generation != d.generation || d.state == root::DState::down) return Status::ok;   // done already
  const word now = now_ms();
  unsigned kept = 0;
  for (unsigned i = 0; i < d.n_times; ++i)
    if (now - d.times[i] <= top->domain_window_ms) d.times[kept++] = d.times[i];
  d.n_times = kept;
  const char *why = cause == word(root::Cause::loop) ? "its root task loops" : "its root task is dead";
  if (d.n_times >= top->domain_restarts) {
    ::printf("[domains] %s: %s, but it was restarted %u times within %lu ms: it stays down\n",
           d.cfg->name, why, d.n_times, word(top->domain_window_ms));
    stop(d);
    *new_generation = 0;
    return Status::ok;
  }
  if (d.n_times < sizeof(d.times) / sizeof(d.times[0])) d.times[d.n_times++] = now;
  const unsigned long long t0 = arch::cycles();
  const word frames = d.root ? frames_of(d.root->pid) : 0;
  stop(d);
  ++d.restarts;
  d.last_cause = root::Cause(cause);
  const bool started = start(d);
  const word took = word(arch::cycles() - t0);
  // Cycles: guest instructions under -icount; the Cortex-A8's counter does not count in QEMU.
  char cost[32] = "";
  if (took) ::snprintf(cost, sizeof cost, " (%lu cycles)", took);
  ::printf("[domains] %s: restarted (#%lu) because %s, at the monitor's request: %lu frames of its "
           "root task and its %lu MiB partition freed, %s%s\n",
           d.cfg->name, d.restarts, why, frames, word(d.cfg->mem_kib >> 10),
           started ? "its root task started again" : "its root task could not start", cost);
  *new_generation = started ? d.generation : 0;
  return Status::ok;
}

// ---- in a domain's root task -------------------------------------------------------------------

namespace {
const char *our_domain = "";
} // namespace

void set_secure_domain(const char *name) { our_domain = name ? name : ""; }
const char *secure_domain() { return our_domain; }

namespace {
bootcfg::DomainFault fault_kind = bootcfg::DomainFault::none;
word fault_at;   // ms since boot
} // namespace

void domain_fault_arm(const char *spec) {
  const char *colon = strchr(spec, ':');
  if (!colon) return;
  const size_t n = size_t(colon - spec);
  fault_kind = !strncmp(spec, "crash", n) && n == 5      ? bootcfg::DomainFault::crash
               : !strncmp(spec, "panic", n) && n == 5    ? bootcfg::DomainFault::panic
               : !strncmp(spec, "scribble", n) && n == 8 ? bootcfg::DomainFault::scribble
                                                         : bootcfg::DomainFault::none;
  fault_at = now_ms() + strtoul(colon + 1, nullptr, 10);
  if (fault_kind != bootcfg::DomainFault::none)
    ::printf("[root] fault armed: %s in %s ms\n", bootcfg::name_of(fault_kind), colon + 1);
}

word domain_fault_timeout_ms() {
  if (fault_kind == bootcfg::DomainFault::none) return 0;
  const word now = now_ms();
  return fault_at > now ? fault_at - now : 1;
}

void domain_fault_tick() {
  if (fault_kind == bootcfg::DomainFault::none || now_ms() < fault_at) return;
  const bootcfg::DomainFault k = fault_kind;
  fault_kind = bootcfg::DomainFault::none;
  ::printf("[root] injected fault: %s\n", bootcfg::name_of(k));
  switch (k) {
  case bootcfg::DomainFault::crash:
    *reinterpret_cast<volatile word *>(0x10) = 0;   // the null page: our pager refuses it
    break;
  case bootcfg::DomainFault::panic:
    // A panic as VMXL4 saw one: a thread spinning on the spot, alive to the kernel.
    for (;;) asm volatile("");
  case bootcfg::DomainFault::scribble: {
    // Every frame of the domain (its processes' memory, their pagers', what is free), the table
    // of them, and then our own stack above this frame (the whole call chain back to main, which
    // is shallower than 8 KiB): what follows is whatever the pattern makes of it.
    memory_scribble();
    volatile word here = 0;
    for (volatile word *w = &here; w < &here + 2048; ++w) *w = ~word(0);
    break;
  }
  case bootcfg::DomainFault::none: break;
  }
}

} // namespace rt
