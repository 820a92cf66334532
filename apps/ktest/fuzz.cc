// The system-call fuzzer: `ktest fuzz N [seed]`.
//
// A fuzz thread in a space of its own issues N system calls with random numbers (0..13) and
// random arguments against a small world: a sub-factory with a small quota, a few endpoints, a
// victim thread in a victim space (capabilities with all rights) and I/O ports 0x300..0x30f. It
// never blocks for long (IPC timeouts are forced to at most 2 ms) and it does not print (kdebug
// putc/puts are skipped). A supervisor thread of ours is its pager and exception handler; the
// main thread watches progress in a shared page and unsticks the fuzz thread (resume, abort
// IPC) when it stops moving. At the end the kernel must still do IPC and create threads.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
constexpr word fuzz_badge_pager = 1, fuzz_badge_handler = 2;
constexpr word n_status = word(Status::count) + 1;   // last bucket: anything else

struct alignas(4096) Shared {
  volatile word calls;         // calls issued so far
  volatile word target;
  volatile word rng;
  volatile word hist[n_status];
  volatile word per_sys[14];
  volatile word finished;
  volatile word faults, exceptions, restarts, wild;
  volatile word victim_msgs;
};
Shared sh;

alignas(16) char fuzz_stack[16384];
alignas(16) char victim_stack[8192];

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

void one_call() {
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
    st = Status(arc_ipc_raw(flags, a[0], a[1], small_timeouts(), nullptr));
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

// Pager and exception handler of the fuzz thread.
struct Sup { CapSlot ep, fuzz; };
Sup sup;
extern "C" char __executable_start[], etext[];

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
    if (t.label() == label::page_fault) {
      word addr = ut->mr[1], ip = ut->mr[2], access = ut->mr[3];
      sh.faults = sh.faults + 1;
      bool sane_ip = ip >= word(__executable_start) && ip < word(etext);
      if (addr < user_top && sane_ip) {
        touch(addr, access & fault::write);
        ut->mr[0] = Tag(0, 0, 2).raw;
        ut->mr[1] = fpage(align_down(addr, 4096), 12, fpage_rights::rwx);
        ut->mr[2] = align_down(addr, 4096) | item::map;
      } else {   // runaway: start the loop again
        sh.wild = sh.wild + 1;
        xregs(sup.fuzz, xr::set_ip | xr::set_sp, word(&fuzz_entry), fuzz_sp());
        ut->mr[0] = Tag(0, 0, 0).raw;
      }
    } else if (t.label() == label::exception) {
      sh.exceptions = sh.exceptions + 1;
      ut->mr[0] = Tag(0, 2, 0).raw;
      ut->mr[1] = word(&fuzz_entry);
      ut->mr[2] = fuzz_sp();
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

int fuzz_main(int argc, char **argv) {
  word n = argc > 1 ? parse(argv[1], 10000) : 10000;
  word seed = argc > 2 ? parse(argv[2], 0) : entropy();
  if (!seed) seed = 0x2545f491;
  printf("FUZZ: seed %lu\n", seed);
  printf("FUZZ: %lu calls\n", n);
  current_id = "FUZZ";
  if (!start_infrastructure()) {
    printf("FUZZ: cannot start the generic pager\n");
    return 1;
  }
  sh.rng = seed;
  sh.target = n;

  // The world the fuzz thread plays in.
  CapSlot fac = slot(), fs = make(ObjType::space, 6), vs = make(ObjType::space, 6);
  CapSlot ports = slot(), vpg = slot(), fz = slot(), vt = slot(), pg = slot(), hd = slot();
  sup.ep = make(ObjType::endpoint);
  if (!fac || !fs || !vs || !ports || !vpg || !fz || !vt || !pg || !hd || !sup.ep ||
      create(boot_cap::factory, ObjType::factory, fac, 64 * 1024) != Status::ok ||
      ioport(IoOp::derive, boot_cap::ioports, 0x300, 16, ports) != Status::ok ||
      cap_mint(slots::pager_ep, boot_cap::space, vpg, rights::send | rights::grant, 0xf0) !=
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
  ok = ok && create(boot_cap::factory, ObjType::thread, vt) == Status::ok &&
       thread_ctl(vt, ThreadOp::bind_space, vs) == Status::ok &&
       thread_ctl(vt, ThreadOp::set_pager, vpg) == Status::ok &&
       thread_ctl(vt, ThreadOp::set_priority, 40, 5) == Status::ok &&
       thread_ctl(vt, ThreadOp::start, word(&victim_entry),
                  word(victim_stack + sizeof(victim_stack)) - 16) == Status::ok;
  ok = ok && cap_copy(vt, fs, 6, rights::all) == Status::ok &&
       cap_copy(vs, fs, 7, rights::all) == Status::ok &&
       cap_copy(ports, fs, 8, rights::all) == Status::ok;
  // Supervisor and fuzz thread.
  ThreadOpts so;
  so.prio = 100;
  ok = ok && create(boot_cap::factory, ObjType::thread, fz) == Status::ok;
  sup.fuzz = fz;
  ok = ok && spawn(supervisor_main, 0, so) &&
       thread_ctl(fz, ThreadOp::bind_space, fs) == Status::ok &&
       thread_ctl(fz, ThreadOp::set_pager, pg) == Status::ok &&
       thread_ctl(fz, ThreadOp::set_handler, hd) == Status::ok &&
       thread_ctl(fz, ThreadOp::set_priority, 50, 5) == Status::ok;
  if (!ok) {
    printf("FUZZ: setup failed\n");
    return 1;
  }
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
  printf("FUZZ: %lu calls in %lu ms; %lu faults, %lu exceptions, %lu wild, %lu resumes, "
         "%lu aborts, %lu victim messages\n",
         word(sh.calls), elapsed, word(sh.faults), word(sh.exceptions), word(sh.wild), resumes,
         aborts, word(sh.victim_msgs));
  for (word s = 0; s < n_status; ++s)
    printf("FUZZ: status %s %lu\n", s < word(Status::count) ? status_name(Status(s)) : "other",
           word(sh.hist[s]));
  for (word s = 0; s < 14; ++s) printf("FUZZ: syscall %lu %lu\n", s, word(sh.per_sys[s]));
  end_test_cleanup();
  if (!kernel_alive()) {
    printf("FUZZ: kernel check FAILED after %lu calls\n", word(sh.calls));
    return 1;
  }
  end_test_cleanup();
  printf("FUZZ: %lu calls, kernel alive\n", word(sh.calls));
  return stuck ? 1 : 0;
}
} // namespace ktest
