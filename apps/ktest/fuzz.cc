// The system-call fuzzer: `ktest fuzz N [seed]`.
//
// A fuzz thread in a space of its own issues N system calls with random numbers (0..13) and
// random arguments against a small world: a sub-factory with a small quota, a few endpoints, a
// victim thread in a victim space (capabilities with all rights) and I/O ports 0x300..0x30f. It
// never blocks for long (IPC timeouts are forced to at most 2 ms) and it does not print (kdebug
// putc/puts are skipped). A supervisor thread of ours is its pager and exception handler; the
// main thread watches progress in a shared page and unsticks the fuzz thread (resume, abort
// IPC) when it stops moving. A sample of the failed calls is checked for side effects (none
// allowed); at the end every byte the fuzz world cost the kernel must have come back, and the
// kernel must still do IPC and create threads.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
constexpr word fuzz_badge_pager = 1, fuzz_badge_handler = 2, fuzz_badge_victim_pager = 3,
               fuzz_badge_victim_handler = 4;
constexpr word n_status = word(Status::count) + 1;   // last bucket: anything else

struct alignas(4096) Shared {
  volatile word calls;         // calls issued so far
  volatile word target;
  volatile word rng;
  volatile word hist[n_status];
  volatile word per_sys[14];
  volatile word finished;
  volatile word faults, exceptions, refusals;
  volatile word victim_msgs, victim_resets;
  volatile word checked, test_maps, violations, by_kind[3];
  volatile word bad_nr, bad_args[6], bad_status;   // the first failed call that changed something
  volatile word bad_kind;
  volatile word plant;   // `plant`: make the first failed checked calls change something (below)
  volatile word domains; // `domains`: the fuzz world and the victim in two secure domains (below)
};
Shared sh;

alignas(16) char fuzz_stack[16384];
alignas(4096) char victim_stack[8192];   // its own pages: the victim may write only here

word rnd() {
  word x = sh.rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  sh.rng = x;
  return x;
}

word random_fpage() {
  static const word bases[] = {0x40000000, 0x50000000, 0x08048000, 0x60000000, 0};
  word base = bases[rnd() % 5] + (rnd() % 64) * 4096;
  return fpage(base, 12 + rnd() % 8, rnd() & 7);
}

word random_arg() {
  switch (rnd() % 8) {
  case 0: return rnd() % 16;
  case 1: case 2: return rnd() % 41;           // capability slots
  case 3: return 0;
  case 4: return ~word(0);
  case 5: return random_fpage();
  case 6: return rnd();
  default: return rnd() % 256;
  }
}

word small_timeouts() { return ipc::timeouts(rnd() % 3, rnd() % 3); }

// ---- what a failed call must leave alone ----------------------------------------------------
// On a sample of calls the fuzz thread records what it can see of its world before the call and,
// if the call failed, compares: its capability space (each slot's type, rights and badge; its
// factory's account), its test pages (mapped at test_va by the supervisor from pages of ours
// with a known pattern: a probe that faults means the mapping was gone), and the priority and
// space of the victim thread (its own it cannot change: thread_ctl on cap_self is info only). An IPC that failed after its send phase may have
// transferred items (a grant moves the page): its check leaves out what the items could touch.
constexpr word n_check_slots = 42;          // the random slot arguments are 0..40
constexpr word test_va = 0x40000000;        // where random_fpage() often points
constexpr word n_test_pages = 8;
alignas(4096) word test_pages[n_test_pages][1024];

struct Snapshot {
  word cap[n_check_slots][5];
  word victim_prio, victim_space;
};

word pattern(word i) { return 0x7e570000 + i; }

void snapshot(Snapshot *s) {
  for (word i = 0; i < n_check_slots; ++i) {
    Result r = cap_identify(i);
    s->cap[i][0] = word(r.status) << 16 | r.r[0];
    for (unsigned k = 1; k < 5; ++k) s->cap[i][k] = r.r[k];
  }
  Result v = thread_info(6);
  s->victim_prio = v.r[1];
  s->victim_space = v.r[2];
}

// Read every test page; true when none faulted (all were mapped) and each holds its pattern.
bool probe_test_pages() {
  const word maps = sh.test_maps;
  bool same = true;
  for (word i = 0; i < n_test_pages; ++i)
    same &= *reinterpret_cast<volatile word *>(test_va + i * 4096) == pattern(i);
  return same && sh.test_maps == maps;
}

enum Kind : word { k_caps, k_pages, k_victim };
const char *const kind_name[] = {"capability space", "test page mapping", "victim thread"};

void violation(Kind what, word nr, const word *a, Status st) {
  sh.by_kind[what] = sh.by_kind[what] + 1;
  if (!sh.violations) {
    sh.bad_kind = what;
    sh.bad_nr = nr;
    for (unsigned i = 0; i < 6; ++i) sh.bad_args[i] = a[i];
    sh.bad_status = word(st);
  }
  sh.violations = sh.violations + 1;
}

// `ktest fuzz N seed plant` shows that the check can fail: the first three checked calls are
// followed by a change the kernel must never make for a failed call, made here on purpose — a
// capability deleted, a test page unmapped, the victim's priority lowered — and the run must
// fail.
void plant_change() {
  switch (sh.plant) {
  case 1: (void)cap_delete(9); break;
  case 2: (void)unmap(fpage(test_va, 12, fpage_rights::rwx), true); break;
  case 3: (void)thread_ctl(6, ThreadOp::set_priority, 39, 5); break;   // the victim's
  default: return;
  }
  sh.plant = sh.plant + 1;
}

void check_unchanged(const Snapshot &before, word nr, const word *a, Status st, bool sent) {
  if (!sent) plant_change();
  Snapshot after;
  snapshot(&after);
  sh.checked = sh.checked + 1;
  if (!sent) {
    for (word i = 0; i < n_check_slots; ++i)
      for (unsigned k = 0; k < 5; ++k)
        if (before.cap[i][k] != after.cap[i][k]) return violation(k_caps, nr, a, st);
    if (!probe_test_pages()) return violation(k_pages, nr, a, st);
  }
  if (before.victim_prio != after.victim_prio || before.victim_space != after.victim_space)
    return violation(k_victim, nr, a, st);
}

void one_call() {
  const bool sample = rnd() % 32 == 0;
  Snapshot before;
  if (sample) {
    (void)probe_test_pages();   // maps any that were gone
    snapshot(&before);
  }
  bool sent = false;   // an IPC with a send or reply phase
  word nr = rnd() % 14;
  word a[6];
  for (auto &x : a) x = random_arg();
  Status st;
  if (nr == word(Sys::ipc)) {
    Utcb *ut = utcb();
    word flags = (rnd() & 0xf) << 8;
    unsigned untyped = rnd() % 64, typed = (rnd() % 4) * 2;
    if (rnd() % 4 == 0) typed = rnd() % 64;
    ut->mr[0] = Tag(rnd() % 0x10000, untyped, typed).raw;
    for (unsigned i = 1; i < 8; ++i) ut->mr[i] = random_arg();
    if (typed >= 2 && rnd() % 2) {   // a plausible item
      ut->mr[untyped + 1 < 63 ? untyped + 1 : 1] = random_fpage();
      ut->mr[untyped + 2 < 64 ? untyped + 2 : 2] = (rnd() & ~word(0xfff)) | (1 + rnd() % 3);
    }
    ut->rcv_window = rnd() % 2 ? random_fpage() : 0;
    ut->rcv_cap_slot = rnd() % 41;
    st = Status(arch::ipc(flags, a[0], a[1], small_timeouts(), nullptr));
    sent = flags & (ipc::send | ipc::reply);
  } else {
    if (nr == word(Sys::kdebug) && (a[0] == word(KdOp::putc) || a[0] == word(KdOp::puts)))
      a[0] = word(KdOp::ticks);   // keep the log readable
    if (nr == word(Sys::exregs) && a[0] == cap_self)
      a[1] &= ~(xr::set_ip | xr::set_sp | xr::set_flags);   // do not jump into the void
    if (nr == word(Sys::thread_ctl) && a[0] == cap_self &&
        (a[1] == word(ThreadOp::set_pager) || a[1] == word(ThreadOp::set_handler)))
      a[1] = word(ThreadOp::info);   // keep our supervisor
    word out[5];
    st = Status(arc_syscall(nr, a, out));
  }
  word s = word(st) < word(Status::count) ? word(st) : n_status - 1;
  sh.hist[s] = sh.hist[s] + 1;
  sh.per_sys[nr] = sh.per_sys[nr] + 1;
  if (sample && st != Status::ok) check_unchanged(before, nr, a, st, sent);
}

[[noreturn]] void fuzz_entry() {
  while (sh.calls < sh.target) {
    one_call();
    sh.calls = sh.calls + 1;
  }
  sh.finished = 1;
  for (;;) {
    xregs(cap_self, xr::halt);
    sleep_ms(1000);
  }
}

word fuzz_sp() { return word(fuzz_stack + sizeof(fuzz_stack)) - 16; }

// Victim: receives whatever comes, briefly, forever.
[[noreturn]] void victim_entry() {
  for (;;) {
    utcb()->rcv_window = fpage(0x50000000, 20, fpage_rights::rwx);
    utcb()->rcv_cap_slot = 20;
    if (recv(2, nullptr, ipc::timeouts(0, 2)) == Status::ok) sh.victim_msgs = sh.victim_msgs + 1;
  }
}

// Pager and exception handler of the fuzz thread and the victim. Both get pages of our image
// only (code, data, their stacks), so a thread sent to a random IP cannot slide through fresh
// zero pages taking all of memory (it once did: sigma0 ran dry after 250,000 calls); a fault
// anywhere else is refused, and the refusal comes back as an exception that restarts the
// thread at its entry. The victim may write only to its stack and the shared counters.
struct Sup { CapSlot ep, fuzz, victim; };
Sup sup;
extern "C" char __executable_start[], etext[], _end[];

word victim_sp() { return word(victim_stack + sizeof(victim_stack)) - 16; }

bool victim_writable(word page) {
  const word lo = align_down(word(victim_stack), 4096), hi = word(victim_stack) + sizeof(victim_stack);
  return (page >= lo && page < hi) || page == word(&sh);
}

void supervisor_main(word) {
  Utcb *ut = utcb();
  word badge = 0;
  Status st = recv(sup.ep, &badge, forever);
  for (;;) {
    if (st != Status::ok) {
      st = recv(sup.ep, &badge, forever);
      continue;
    }
    Tag t(ut->mr[0]);
    const bool victim = badge == fuzz_badge_victim_pager || badge == fuzz_badge_victim_handler;
    if (t.label() == label::page_fault) {
      word addr = ut->mr[1], ip = ut->mr[2], access = ut->mr[3];
      sh.faults = sh.faults + 1;
      const word page = align_down(addr, 4096);
      const bool ours = addr >= word(__executable_start) && addr < word(_end);
      const bool test_page = !victim && addr >= test_va && addr < test_va + n_test_pages * 4096;
      const bool sane_ip = victim || (ip >= word(__executable_start) && ip < word(etext));
      if (test_page) {   // a test page (the first probe, or a call unmapped it)
        sh.test_maps = sh.test_maps + 1;
        const word src = word(test_pages[(addr - test_va) / 4096]);
        ut->mr[0] = Tag(0, 0, 2).raw;
        ut->mr[1] = fpage(src, 12, fpage_rights::r | fpage_rights::w);
        ut->mr[2] = page | item::map;
      } else if (ours && sane_ip) {
        word r = victim && !victim_writable(page) ? fpage_rights::r | fpage_rights::x : fpage_rights::rwx;
        if ((access & fault::write) && !(r & fpage_rights::w)) {
          ut->mr[0] = Tag(label::fault_refused, 1, 0).raw;
          ut->mr[1] = refusal::no_access;
        } else {
          touch(addr, access & fault::write);
          ut->mr[0] = Tag(0, 0, 2).raw;
          ut->mr[1] = fpage(page, 12, r);
          ut->mr[2] = page | item::map;
        }
      } else {   // runaway: refused; the exception that follows restarts the thread
        ut->mr[0] = Tag(label::fault_refused, 1, 0).raw;
        ut->mr[1] = refusal::no_such_memory;
      }
    } else if (t.label() == label::exception) {
      if (ut->mr[1] == exc_vector::fault_refused) sh.refusals = sh.refusals + 1;
      ut->mr[0] = Tag(0, 2, 0).raw;
      if (victim) {
        sh.victim_resets = sh.victim_resets + 1;
        ut->mr[1] = word(&victim_entry);
        ut->mr[2] = victim_sp();
      } else {
        sh.exceptions = sh.exceptions + 1;
        ut->mr[1] = word(&fuzz_entry);
        ut->mr[2] = fuzz_sp();
      }
    } else {
      st = recv(sup.ep, &badge, forever);
      continue;
    }
    st = reply_wait(sup.ep, &badge, forever);
  }
}

word parse(const char *s, word dflt) {
  if (!s || !*s) return dflt;
  word v = 0;
  bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  for (const char *p = hex ? s + 2 : s; *p; ++p) {
    char c = *p;
    word d = c >= '0' && c <= '9' ? word(c - '0')
             : hex && c >= 'a' && c <= 'f' ? word(c - 'a' + 10)
             : hex && c >= 'A' && c <= 'F' ? word(c - 'A' + 10) : 100;
    if (d == 100) break;
    v = v * (hex ? 16 : 10) + d;
  }
  return v;
}

bool kernel_alive() {
  static Echo e;
  e = Echo{};
  e.ep = make(ObjType::endpoint);
  if (!e.ep) return false;
  if (!spawn(echo_main, word(&e))) return false;
  for (word i = 0; i < 10; ++i) {
    set_tag(0x42, 1);
    utcb()->mr[1] = i;
    if (call(e.ep, t_2s) != Status::ok || utcb()->mr[1] != i + 1) return false;
  }
  set_tag(label_stop, 0);
  if (call(e.ep, t_2s) != Status::ok) return false;
  CapSlot t = make(ObjType::thread);
  return t && thread_ctl(t, ThreadOp::bind_space, boot_cap::space) == Status::ok;
}
} // namespace

namespace ktest {
bool start_infrastructure();
void end_test_cleanup();
extern const char *current_id;

namespace {
// What domain 0 sees of the victim (`domains`): every slot of its capability space (type, rights,
// badge; taken out for a look and put back while the victim cannot be using it: before it starts
// and after the fuzz thread stopped, it only waits on slot 2), its priority and space.
struct VictimView {
  word cap[64][3];
  word prio, space;
  bool operator==(const VictimView &o) const {
    for (unsigned i = 0; i < 64; ++i)
      for (unsigned k = 0; k < 3; ++k)
        if (cap[i][k] != o.cap[i][k]) return false;
    return prio == o.prio && space == o.space;
  }
};
void look_at_victim(CapSlot vs, CapSlot vt, VictimView *v) {
  CapSlot probe = slot();
  for (word i = 0; i < 64; ++i) {
    v->cap[i][0] = v->cap[i][1] = v->cap[i][2] = 0;
    if (!probe || cap_take(vs, i, cap_self, probe).status != Status::ok) continue;
    const Result r = cap_identify(probe);
    v->cap[i][0] = r.r[0];
    v->cap[i][1] = r.r[1];
    v->cap[i][2] = r.r[2];
    (void)cap_take(cap_self, probe, vs, i);
  }
  const Result t = thread_info(vt);
  v->prio = t.r[1];
  v->space = t.r[2];
}
} // namespace

int fuzz_main(int argc, char **argv) {
  word n = argc > 1 ? parse(argv[1], 10000) : 10000;
  word seed = argc > 2 ? parse(argv[2], 0) : entropy();
  if (!seed) seed = 0x2545f491;
  sh.plant = argc > 3 && argv[3][0] == 'p' ? 1 : 0;
  sh.domains = argc > 3 && argv[3][0] == 'd' ? 1 : 0;
  printf("FUZZ: seed %lu%s\n", seed,
         sh.plant ? " (planted changes: this run must fail)"
                  : sh.domains ? " (the fuzz thread in one secure domain, the victim in another)" : "");
  printf("FUZZ: %lu calls\n", n);
  current_id = "FUZZ";
  if (!start_infrastructure()) {
    printf("FUZZ: cannot start the generic pager\n");
    return 1;
  }
  sh.rng = seed;
  sh.target = n;

  // Our own pages all in place first, so that what our factory pays for (page tables, mapping
  // nodes) afterwards is the fuzz world's alone: every byte of it must come back at the end.
  // (A read is enough: what sigma0 maps for bss is writable, and text and data came at boot.)
  for (word a = align_down(word(__executable_start), 4096); a < word(_end); a += 4096) touch(a, false);
  for (word i = 0; i < n_test_pages; ++i) test_pages[i][0] = pattern(i);
  const word used_before = cap_identify(boot_cap::factory).r[4];
  // Planted: an endpoint that outlives the world, as a leak in the kernel would.
  if (sh.plant) {
    CapSlot kept = perm_slot();
    if (!kept || create(boot_cap::factory, ObjType::endpoint, kept) != Status::ok) return 1;
  }

  // The world the fuzz thread plays in. With `domains` the fuzz thread's space and factory are a
  // domain's (X), the victim's space and thread another's (Y), and the fuzz thread holds of the
  // victim what a monitor in another domain is granted: its thread with perfmon only, and (a
  // grant gone wrong) its space with control. Nothing of Y may change over the whole run.
  CapSlot dx = 0, dy = 0;
  if (sh.domains) {
    dx = slot();
    dy = slot();
    if (!dx || !dy || create(boot_cap::factory, ObjType::domain, dx, 256 * 1024) != Status::ok ||
        create(boot_cap::factory, ObjType::domain, dy, 256 * 1024) != Status::ok) {
      printf("FUZZ: setup failed (domains)\n");
      return 1;
    }
  }
  auto make_from = [](CapSlot factory, ObjType type, word arg) -> CapSlot {
    if (!factory) return make(type, arg);
    CapSlot s = slot();
    return s && create(factory, type, s, arg) == Status::ok ? s : 0;
  };
  CapSlot fac = slot(), fs = make_from(dx, ObjType::space, 6), vs = make_from(dy, ObjType::space, 6);
  CapSlot ports = slot(), vpg = slot(), vhd = slot(), fz = slot(), vt = slot(), pg = slot(),
          hd = slot();
  sup.ep = make(ObjType::endpoint);
  if (!fac || !fs || !vs || !ports || !vpg || !vhd || !fz || !vt || !pg || !hd || !sup.ep ||
      create(dx ? dx : boot_cap::factory, ObjType::factory, fac, 64 * 1024) != Status::ok ||
      ioport(IoOp::derive, boot_cap::ioports, 0x300, 16, ports) != Status::ok ||
      cap_mint(sup.ep, boot_cap::space, vpg, rights::send | rights::grant,
               fuzz_badge_victim_pager) != Status::ok ||
      cap_mint(sup.ep, boot_cap::space, vhd, rights::send, fuzz_badge_victim_handler) !=
          Status::ok ||
      cap_mint(sup.ep, boot_cap::space, pg, rights::send | rights::grant, fuzz_badge_pager) !=
          Status::ok ||
      cap_mint(sup.ep, boot_cap::space, hd, rights::send, fuzz_badge_handler) != Status::ok) {
    printf("FUZZ: setup failed\n");
    return 1;
  }
  bool ok = cap_copy(fac, fs, 1, rights::all) == Status::ok;
  for (CapSlot s = 2; s <= 5 && ok; ++s) {
    CapSlot ep = make(ObjType::endpoint);
    ok = ep && cap_copy(ep, fs, s, rights::all) == Status::ok;
    if (ok && s == 2) ok = cap_copy(ep, vs, 2, rights::all) == Status::ok;
    if (ok && s == 3) ok = cap_mint(ep, fs, 9, rights::send, 0x99) == Status::ok;
  }
  // Victim thread in the victim space.
  ok = ok && create(dy ? dy : boot_cap::factory, ObjType::thread, vt) == Status::ok &&
       thread_ctl(vt, ThreadOp::bind_space, vs) == Status::ok &&
       thread_ctl(vt, ThreadOp::set_pager, vpg) == Status::ok &&
       thread_ctl(vt, ThreadOp::set_handler, vhd) == Status::ok &&
       thread_ctl(vt, ThreadOp::set_priority, 40, 5) == Status::ok;
  sup.victim = vt;
  ok = ok && cap_copy(vt, fs, 6, sh.domains ? rights::perfmon : rights::all) == Status::ok &&
       cap_copy(vs, fs, 7, rights::all) == Status::ok &&
       cap_copy(ports, fs, 8, rights::all) == Status::ok;
  // Supervisor and fuzz thread.
  ThreadOpts so;
  so.prio = 100;
  ok = ok && create(boot_cap::factory, ObjType::thread, fz) == Status::ok;
  sup.fuzz = fz;
  ok = ok && spawn(supervisor_main, 0, so) &&
       thread_ctl(vt, ThreadOp::start, word(&victim_entry), victim_sp()) == Status::ok &&
       thread_ctl(fz, ThreadOp::bind_space, fs) == Status::ok &&
       thread_ctl(fz, ThreadOp::set_pager, pg) == Status::ok &&
       thread_ctl(fz, ThreadOp::set_handler, hd) == Status::ok &&
       thread_ctl(fz, ThreadOp::set_priority, 50, 5) == Status::ok;
  if (!ok) {
    printf("FUZZ: setup failed\n");
    return 1;
  }
  VictimView victim_before;
  if (sh.domains) look_at_victim(vs, vt, &victim_before);
  word t_start = kd_ticks();
  if (thread_ctl(fz, ThreadOp::start, word(&fuzz_entry), fuzz_sp()) != Status::ok) {
    printf("FUZZ: cannot start the fuzz thread\n");
    return 1;
  }

  // Watch: unstick the fuzz thread when it stops making progress.
  word last = 0, last_change = kd_ticks(), next_report = n / 4, resumes = 0, aborts = 0;
  bool stuck = false;
  while (!sh.finished) {
    sleep_ms(20);
    word c = sh.calls;
    if (c >= next_report && next_report) {
      printf("FUZZ: %lu/%lu calls\n", c, n);
      next_report += n / 4;
    }
    if (c != last) {
      last = c;
      last_change = kd_ticks();
      continue;
    }
    word idle = kd_ticks() - last_change;
    if (idle < 100) continue;
    Result info = thread_info(fz);
    ThreadState s = ThreadState(info.r[0]);
    if (s == ThreadState::suspended) {
      xregs(fz, xr::resume);
      ++resumes;
    } else if (s == ThreadState::send_blocked || s == ThreadState::recv_blocked ||
               s == ThreadState::wait_reply) {
      xregs(fz, xr::abort_ipc);
      ++aborts;
    }
    if (idle > 3000) {
      printf("FUZZ: fuzz thread stuck after %lu calls (state %lu, status %s)\n", c, info.r[0],
             status_name(info.status));
      stuck = true;
      break;
    }
  }
  word elapsed = kd_ticks() - t_start;
  xregs(fz, xr::halt);
  printf("FUZZ: %lu calls in %lu ms; %lu faults, %lu refused, %lu exceptions, %lu resumes, "
         "%lu aborts, %lu victim messages, %lu victim restarts\n",
         word(sh.calls), elapsed, word(sh.faults), word(sh.refusals), word(sh.exceptions), resumes,
         aborts, word(sh.victim_msgs), word(sh.victim_resets));
  for (word s = 0; s < n_status; ++s)
    printf("FUZZ: status %s %lu\n", s < word(Status::count) ? status_name(Status(s)) : "other",
           word(sh.hist[s]));
  for (word s = 0; s < 14; ++s) printf("FUZZ: syscall %lu %lu\n", s, word(sh.per_sys[s]));
  printf("FUZZ: %lu failed calls checked, %lu changed what they must not\n", word(sh.checked),
         word(sh.violations));
  if (sh.violations) {
    printf("FUZZ: FAIL changed: capability space %lu, test page mapping %lu, victim thread %lu\n",
           word(sh.by_kind[k_caps]), word(sh.by_kind[k_pages]), word(sh.by_kind[k_victim]));
    printf("FUZZ: FAIL the first: syscall %lu (%lx %lx %lx %lx %lx %lx) -> %s changed the %s\n",
           word(sh.bad_nr), word(sh.bad_args[0]), word(sh.bad_args[1]), word(sh.bad_args[2]),
           word(sh.bad_args[3]), word(sh.bad_args[4]), word(sh.bad_args[5]),
           status_name(Status(sh.bad_status)), kind_name[sh.bad_kind]);
  }
  bool victim_changed = false;
  if (sh.domains) {
    VictimView after;
    look_at_victim(vs, vt, &after);
    victim_changed = !(after == victim_before);
    printf("FUZZ: domains: the victim's capability space and thread %s over the run\n",
           victim_changed ? "CHANGED (FAIL)" : "unchanged");
  }
  end_test_cleanup();   // every thread, space, endpoint and factory of the fuzz world destroyed
  const word used_after = cap_identify(boot_cap::factory).r[4];
  const bool leak = used_after != used_before;
  printf("FUZZ: kernel memory charged to us: %lu bytes before the fuzz world, %lu after it is "
         "destroyed%s\n", used_before, used_after, leak ? " (FAIL: not all given back)" : "");
  if (!kernel_alive()) {
    printf("FUZZ: kernel check FAILED after %lu calls\n", word(sh.calls));
    return 1;
  }
  end_test_cleanup();
  if (stuck || leak || sh.violations || victim_changed) return 1;
  printf("FUZZ: %lu calls, kernel alive\n", word(sh.calls));
  return 0;
}
} // namespace ktest
