// hostile: a client that lies. It sends random requests to every server it can find through the
// name service, and to the name service and the root task themselves:
//
//   server hostile hostile -- <calls> <seed> <service>,<service>,... [<process>,...]
//
// Each request goes to one of the services (or `names`, `root`), with a label that is mostly one
// of the interface's own (so the handlers run, not only the dispatcher's refusal), sometimes one
// next to them or any at all; a random number of words (0..63) that are random, small, near a
// session's size, or the id of a real session it opened with that server; sometimes typed items
// (a map item of its own page with random rights, a capability item of its own or a random slot,
// or random words); and timeouts of 0..20 ms, so that many calls are abandoned before the reply
// and many find the server busy. Left out: injecting faults (allowed to us by our boot line for
// the last step). The block driver serves only the file server (after=), so our reads and
// writes of sectors, real session or not, are refused.
//
// At the end it makes one sane request to each service and prints
//   HOSTILE: <calls> calls, <ok> ok, <refused> refused, <timeouts> timed out, <other> other
//   HOSTILE: <service> answers (<status>) after <n> requests     one per service, or
//   HOSTILE: FAIL <service> does not answer (<status>)   or refuses a reader (busy)
// With a list of processes (boot names), it then crashes each at its next request: the hot
// restart's Recover() checks the persistent state the lies left, and every service must answer
// again (HOSTILE: <service> answers after the restarts).
// The scenario (tests/qemu) checks that a well-behaved client running at the same time saw no
// error, every server still answers, any server that crashed was recovered by its policy, and the
// disk is clean.
#include <arc/iface/block.hh>
#include <arc/iface/console.hh>
#include <arc/iface/fs.hh>
#include <arc/iface/keyboard.hh>
#include <arc/iface/printer.hh>
#include <arc/iface/vgacon.hh>
#include <arc/proto/names.hh>
#include <arc/proto/pager.hh>
#include <arc/process.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/server.hh>
#include <arc/session.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

using namespace arc;

namespace {

struct Service {
  const char *name;
  const word *labels;
  unsigned n_labels;
  CapSlot ep = 0;
  Session session;
  word calls = 0;
};

const word names_labels[] = {names::reg, names::lookup, names::list, names::connections};
// The root task's labels: those any process may use, spawn and kill (refused: our boot line
// gives us no may=spawn or may=kill), and the pagers' own labels, which the root task takes only
// from pagers' badges. Left out: inject, which our boot line allows for the last step (below).
const word root_labels[] = {root::ps, root::mem, root::servers, root::restarts, root::complain,
                            root::spawn, root::kill, root::frames, root::share_new,
                            root::share_map, root::crashed};
// Our own pager's labels. Left out: exit and corrupt (the pager would end or restart us: a lie
// about ourselves harms only us, and would end the run), and the kernel's page_fault and
// exception labels, which the pager cannot tell from the kernel's (the same capability).
const word pager_labels[] = {pager::counts, pager::recovered, pager::restart, pager::share_create,
                             pager::share_allow, pager::share_attach, pager::share_detach};
const word console_labels[] = {console::write, console::read, console::read_line, console::poll,
                               console::stats};
const word keyboard_labels[] = {keyboard::read_key, keyboard::poll_key};
const word vgacon_labels[] = {vgacon::write, vgacon::clear, vgacon::set_color, vgacon::cursor};
const word block_labels[] = {block::info, block::read, block::write, block::flush};
const word fs_labels[] = {fs::open, fs::close, fs::read, fs::write, fs::truncate, fs::create,
                          fs::mkdir, fs::unlink, fs::rmdir, fs::stat, fs::readdir, fs::rename,
                          fs::link, fs::symlink, fs::readlink, fs::chmod, fs::chown, fs::utime,
                          fs::lstat};
const word printer_labels[] = {printer::write, printer::write_session, printer::status};
const word common_labels[] = {server_label::session_begin, server_label::session_end};

template <unsigned N> constexpr unsigned count(const word (&)[N]) { return N; }

Service services[12];
unsigned n_services;
word rng;

word rnd() {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

alignas(4096) char scratch[4096];   // the page our map items offer
CapSlot junk_slot;   // where a capability in a reply lands (deleted after)

bool add(const char *name, const word *labels, unsigned n) {
  Service &s = services[n_services];
  s.name = name;
  s.labels = labels;
  s.n_labels = n;
  if (!strcmp(name, "names")) {
    s.ep = proc::names;
  } else if (!strcmp(name, "root")) {
    s.ep = proc::root;
  } else if (!strcmp(name, "pager")) {
    s.ep = proc::pager;
  } else {
    s.ep = slot_alloc();
    Status st = Status::timeout;
    for (int i = 0; i < 100 && st != Status::ok; ++i) {   // it may still be starting
      st = names::find(name, s.ep);
      if (st != Status::ok) sleep_ms(50);
    }
    if (st != Status::ok) {
      ::printf("HOSTILE: FAIL no service '%s' (%s)\n", name, status_name(st));
      return false;
    }
    // A real session too, so that requests can name it (with wrong offsets and sizes).
    if (strcmp(name, "console") && strcmp(name, "keyboard") && strcmp(name, "vgacon"))
      (void)s.session.Begin(s.ep, 4096 << (rnd() % 3));
  }
  ++n_services;
  return true;
}

word random_word(const Service &s) {
  switch (rnd() % 10) {
  case 0: return 0;
  case 1: return ~word(0);
  case 2: return rnd() % 16;
  case 3: return rnd() % 512;
  case 4: return s.session.active() ? s.session.id() : rnd();
  case 5: return s.session.bytes + (rnd() % 64) - 32;   // around the session's end
  case 6: return word(1) << (rnd() % 32);
  default: return rnd();
  }
}

word pick_label(const Service &s) {
  switch (rnd() % 8) {
  case 0: return rnd() % 0xfff0;                                  // any label
  case 1: return s.labels[0] + s.n_labels + rnd() % 4;           // just past the interface
  case 2: return common_labels[rnd() % count(common_labels)];
  default: return s.labels[rnd() % s.n_labels];
  }
}

struct Tally { word ok, refused, timeouts, other; } tally;

void one_request() {
  Service &s = services[rnd() % n_services];
  Utcb *u = utcb();
  const word label = pick_label(s);
  unsigned untyped = rnd() % 4 == 0 ? rnd() % 64 : rnd() % 8;
  unsigned typed = rnd() % 6 == 0 ? 2 : 0;
  if (untyped + typed >= 64) untyped = 61;
  for (unsigned i = 1; i <= untyped; ++i) u->mr[i] = random_word(s);
  // A plausible path for the file server: a name under /hostile (never another client's files).
  if (!strcmp(s.name, "fs") && untyped >= 4 && rnd() % 2) {
    char path[32];
    snprintf(path, sizeof(path), "/hostile/h%lu", rnd() % 8);
    proc::pack(&u->mr[untyped - 3], path, 4);
  }
  if (s.ep == proc::root && label == root::complain) u->mr[1] = rnd() % 12;   // a real pid
  if (typed) {
    switch (rnd() % 3) {
    case 0:
      u->mr[untyped + 1] = fpage(word(scratch), 12, rnd() & 7);
      u->mr[untyped + 2] = (rnd() & ~word(0xfff)) | (rnd() % 2 ? item::map : item::grant);
      break;
    case 1:
      u->mr[untyped + 1] = rnd() % 2 ? proc::space : rnd() % 64;   // our own, or anything
      u->mr[untyped + 2] = (rights::all << 8) | item::cap;
      break;
    default:
      u->mr[untyped + 1] = rnd();
      u->mr[untyped + 2] = rnd();
    }
  }
  u->mr[0] = Tag(label, untyped, typed).raw;
  u->rcv_window = 0;
  u->rcv_cap_slot = junk_slot;
  const word t = ipc::timeouts(rnd() % 21, rnd() % 21);
  // Mostly calls; now and then a send that nobody waits for the answer of.
  const word flags = rnd() % 16 ? ipc::send | ipc::call : ipc::send;
  const Status st = ipc_raw(flags, s.ep, 0, t, nullptr);
  u->rcv_cap_slot = 0;
  (void)cap_delete(junk_slot);
  ++s.calls;
  if (st == Status::timeout) ++tally.timeouts;
  else if (st != Status::ok) ++tally.other;
  else if ((flags & ipc::call) && Tag(u->mr[0]).untyped() >= 1 && u->mr[1] != word(Status::ok)) ++tally.refused;
  else ++tally.ok;
}

// One sane request per service: does it still answer? (The IPC's status; *answer: the reply's,
// e.g. timeout from the keyboard's poll when no key is waiting.)
Status sane(Service &s, Status *answer) {
  *answer = Status::ok;
  Utcb *u = utcb();
  const word t = ipc::timeouts(2000, 2000);
  if (!strcmp(s.name, "names")) {
    const CapSlot c = slot_alloc();
    *answer = names::find("console", c);
    (void)cap_delete(c);
    slot_free(c);
    return *answer;   // "console" is registered: anything but ok is wrong
  }
  word label = 0;
  unsigned untyped = 0;
  // A reader of the console or the keyboard: with no input its request waits (the call times
  // out: deferred) unless the readers' places are all taken (busy) — by the calls this client
  // abandoned, if the server kept them.
  const bool reader = !strcmp(s.name, "console") || !strcmp(s.name, "keyboard");
  if (s.ep == proc::root) label = root::mem;
  else if (s.ep == proc::pager) label = pager::counts;
  else if (!strcmp(s.name, "console")) label = console::read, untyped = 1, u->mr[1] = 16;
  else if (!strcmp(s.name, "keyboard")) label = keyboard::read_key;
  else if (!strcmp(s.name, "vgacon")) label = vgacon::cursor, untyped = 0;
  else if (!strcmp(s.name, "block")) label = block::info;
  else if (!strcmp(s.name, "printer")) label = printer::status;
  else if (!strcmp(s.name, "fs")) {
    fs::Client c(s.ep);
    fs::StatInfo info;
    *answer = c.Stat("/", &info);   // "/" exists: anything but ok is wrong
    return *answer;
  }
  u->mr[0] = Tag(label, untyped, 0).raw;
  Status st = call(s.ep, reader ? ipc::timeouts(2000, 300) : t);
  if (reader && st == Status::timeout) {
    *answer = Status::timeout;   // deferred: waiting for input, as it should
    return Status::ok;
  }
  if (st == Status::ok && Tag(u->mr[0]).untyped() >= 1) *answer = Status(u->mr[1]);
  return st;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    ::printf("hostile: usage: hostile <calls> <seed> <service>,... [<process>,...]\n");
    return 1;
  }
  const word calls = strtoul(argv[1], nullptr, 10);
  rng = strtoul(argv[2], nullptr, 10) | 1;
  junk_slot = slot_alloc();
  bool ok = true;
  // The services: one argument, comma-separated (a boot line has at most 8 arguments).
  static char list[256];
  strncpy(list, argv[3], sizeof(list) - 1);
  for (char *save = nullptr, *n = strtok_r(list, ",", &save); n && n_services < 12;
       n = strtok_r(nullptr, ",", &save)) {
    if (!strcmp(n, "names")) ok &= add(n, names_labels, count(names_labels));
    else if (!strcmp(n, "root")) ok &= add(n, root_labels, count(root_labels));
    else if (!strcmp(n, "pager")) ok &= add(n, pager_labels, count(pager_labels));
    else if (!strcmp(n, "console")) ok &= add(n, console_labels, count(console_labels));
    else if (!strcmp(n, "keyboard")) ok &= add(n, keyboard_labels, count(keyboard_labels));
    else if (!strcmp(n, "vgacon")) ok &= add(n, vgacon_labels, count(vgacon_labels));
    else if (!strcmp(n, "block")) ok &= add(n, block_labels, count(block_labels));
    else if (!strcmp(n, "fs")) ok &= add(n, fs_labels, count(fs_labels));
    else if (!strcmp(n, "printer")) ok &= add(n, printer_labels, count(printer_labels));
    else {
      ::printf("HOSTILE: FAIL unknown service '%s'\n", n);
      ok = false;
    }
  }
  if (!ok || !n_services) return 1;
  ::printf("HOSTILE: %lu calls to %u services, seed %s\n", calls, n_services, argv[2]);
  for (word i = 0; i < calls; ++i) {
    one_request();
    if ((i + 1) % (calls / 4 ? calls / 4 : 1) == 0) ::printf("HOSTILE: %lu calls\n", i + 1);
  }
  ::printf("HOSTILE: %lu calls, %lu ok, %lu refused, %lu timed out, %lu other\n", calls, tally.ok,
         tally.refused, tally.timeouts, tally.other);
  // A server may be restarting after a crash a request caused: give it a moment.
  sleep_ms(500);
  unsigned failed = 0;
  for (unsigned i = 0; i < n_services; ++i) {
    Status st = Status::timeout, answer = Status::ok;
    for (int k = 0; k < 20 && st != Status::ok; ++k) {
      st = sane(services[i], &answer);
      if (st != Status::ok) sleep_ms(100);
    }
    if (st == Status::ok && answer == Status::busy) {
      ::printf("HOSTILE: FAIL %s refuses a reader (busy) after %lu requests\n", services[i].name,
               services[i].calls);
      ++failed;
    } else if (st == Status::ok) {
      const bool reader = !strcmp(services[i].name, "console") || !strcmp(services[i].name, "keyboard");
      ::printf("HOSTILE: %s answers (%s) after %lu requests\n", services[i].name,
               reader && answer == Status::timeout ? "a reader waits" : status_name(answer),
               services[i].calls);
    } else {
      ::printf("HOSTILE: FAIL %s does not answer (%s)\n", services[i].name, status_name(st));
      ++failed;
    }
  }
  // Then each server given as a process name in the fourth argument is crashed at its next
  // request: its hot restart runs Recover(), which checks the persistent state the hostile
  // requests left behind (a refusal would ask for a cold restart, which the scenario fails on),
  // and the interrupted request is replayed. Every service must answer again afterwards.
  if (argc == 5 && !failed) {
    static char procs[256];
    strncpy(procs, argv[4], sizeof(procs) - 1);
    for (char *save = nullptr, *p = strtok_r(procs, ",", &save); p; p = strtok_r(nullptr, ",", &save)) {
      Status st = Status::busy;
      for (int k = 0; k < 50 && st != Status::ok; ++k) {   // busy while it is being restarted
        st = inject_fault(p, inject_kind("crash"), 0);
        if (st != Status::ok) sleep_ms(20);
      }
      ::printf("HOSTILE: %s crashed at its next request (%s)\n", p, status_name(st));
      if (st != Status::ok) ++failed;
      for (unsigned i = 0; i < n_services; ++i) {   // the crash comes with one of these
        Status answer;
        (void)sane(services[i], &answer);
      }
    }
    for (unsigned i = 0; i < n_services; ++i) {
      Status st = Status::timeout, answer = Status::ok;
      for (int k = 0; k < 20 && st != Status::ok; ++k) {
        st = sane(services[i], &answer);
        if (st != Status::ok) sleep_ms(100);
      }
      if (st == Status::ok && answer != Status::busy) {
        ::printf("HOSTILE: %s answers after the restarts\n", services[i].name);
      } else {
        ::printf("HOSTILE: FAIL %s after the restarts (%s, %s)\n", services[i].name,
                 status_name(st), status_name(answer));
        ++failed;
      }
    }
  }
  return failed ? 1 : 0;
}
