// ckpttest: checkpoints and restores of ckpt-counter (apps/ckpttest/iface.hh), two of them:
// `ck1` (restart=restore,cold checkpoint=marked) and `ck2` (restart=warm,restore,cold with a
// checkpoint period). Checks every value it gets and the monitor's log, and prints
// `CKPT Cnn ok|FAIL what (got N)`, then `CKPT: P passed, F failed` (tests/qemu/checkpoint).
// Then the group checkpoint (Gnn): `ckfront` forwards its adds to `ckback`; the two are
// checkpointed as a group and restored together (it talks to ckfront only: a client of ckback
// would be a member of its group itself).
#include "iface.hh"

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
unsigned passed, failed;

void check(const char *id, bool ok, const char *what, long got = 0) {
  if (ok) ++passed;
  else ++failed;
  ::printf("CKPT %s %s %s (got %ld)\n", id, ok ? "ok" : "FAIL", what, got);
}

// One word call of ckpt-counter: the status, *out the first result.
Status op(CapSlot ep, word label, long *out, word arg = 0, bool with_arg = false) {
  Rpc rpc(label);
  if (with_arg) rpc.put(arg);
  const Status st = rpc.call(ep);
  if (st == Status::ok && out) *out = long(rpc.result(0));
  return st;
}
long value(CapSlot ep) {
  long v = -1;
  return op(ep, ckpt::get, &v) == Status::ok ? v : -1;
}
long add(CapSlot ep, long delta, Status *st = nullptr) {
  long v = -1;
  const Status s = op(ep, ckpt::add, &v, word(delta), true);
  if (st) *st = s;
  return s == Status::ok ? v : -1;
}

// root::checkpoint or root::restore of `server` (as the shell's commands: busy means not at a
// quiet point yet, ask again), of its group with `group`.
Status root_ask(word label, const char *server, bool group = false) {
  Status st = Status::busy;
  for (unsigned tries = 0; st == Status::busy && tries < 200; ++tries) {
    if (tries) sleep_ms(5);
    word name[6] = {};   // NUL-padded, all six words: as the root task expects
    strncpy(reinterpret_cast<char *>(name), server, sizeof(name) - 1);
    Rpc rpc(label);
    for (word w : name) rpc.put(w);
    if (group) rpc.put(root::ckpt_group);
    st = rpc.call(proc::root);
  }
  return st;
}

struct Stats { word number, copied, clean; };
Stats stats(CapSlot ep) {
  Rpc rpc(ckpt::stats);
  if (rpc.call(ep) != Status::ok) return {0, 0, 0};
  return {rpc.result(0), rpc.result(1), rpc.result(2)};
}

// Done entries of the monitor's log for `server` with this cause and action.
unsigned logged(const char *server, root::Cause cause, root::Action action) {
  unsigned n = 0;
  Utcb *u = utcb();
  for (word i = 0; i < 64; ++i) {
    u->mr[0] = Tag(root::restarts, 1, 0).raw;
    u->mr[1] = i;
    if (call(proc::root) != Status::ok || u->mr[1] != word(Status::ok)) break;
    char name[24];
    proc::unpack(&u->mr[7], 6, name, sizeof(name));
    if (!strcmp(name, server) && u->mr[3] == word(cause) && u->mr[4] == word(action) &&
        u->mr[6] == word(root::Outcome::done))
      ++n;
  }
  return n;
}

// ckfront's value and ckback's, as "front/back" in one number for the log (front * 1000 + back).
long pair(CapSlot front) {
  Rpc rpc(ckpt::pair);
  if (rpc.call(front) != Status::ok) return -1;
  return long(rpc.result(0)) * 1000 + long(rpc.result(1));
}
// The migration's two halves (tests/qemu/checkpoint, <target>-checkpoint-migrate-*; docs/restarts.md,
// "Checkpoints in files"). `migrate-save N`: ck1 counts to N and is checkpointed there (the shell
// then writes the checkpoint to the disk). `migrate-load N`, in the next boot from that disk: ck1
// starts from 0; once the shell has restored it from the file it must be at N and go on to N + 1.
//
// With `ck3` and `ckirq` in the system too (their capabilities in a file): the first boot opens a
// session with ck3, puts 5 through it and checkpoints ck3 with the session open, and checkpoints
// ckirq with its interrupt attached; the shell writes both out. In the second boot the shell
// loads them: ckirq's interrupt line is attached again by its number and its interrupts go on
// arriving; ck3 has its value of the first boot, its session (whose client was the first boot's
// ckpttest) dropped with a line of the framework's.
void migrate_save_caps(CapSlot ck3, CapSlot ckirq) {
  Session s;
  Status st = s.Begin(ck3, 4096);
  const word five = 5;
  (void)s.Put(0, &five, sizeof five);
  Rpc rpc(ckpt::sum);
  rpc.put(s.id()).put(1);
  const long v = st == Status::ok && rpc.call(ck3) == Status::ok ? long(rpc.result(0)) : -1;
  st = root_ask(root::checkpoint, "ck3");
  ::printf("CKPT MIGRATE %s ck3 checkpointed with a session open at %ld (%s)\n",
           v == 5 && st == Status::ok ? "ok" : "FAIL", v, status_name(st));
  // At least one interrupt before its checkpoint (the PL031 ticks in the host's seconds: under
  // the benchmark's -icount, guest time runs faster than they do).
  long c = 0;
  for (unsigned i = 0; i < 300 && c < 2; ++i, sleep_ms(100)) (void)op(ckirq, ckpt::irq_count, &c);
  st = root_ask(root::checkpoint, "ckirq");
  ::printf("CKPT MIGRATE %s ckirq checkpointed after %ld interrupts (%s)\n",
           c >= 1 && st == Status::ok ? "ok" : "FAIL", c, status_name(st));
  // The session stays open: the checkpoint's file holds it, its client here.
}

void migrate_load_caps(CapSlot ck3, CapSlot ckirq) {
  // Until the shell's restore --load of each (the monitor's log says so).
  for (unsigned tries = 0; tries < 1500 && !logged("ckirq", root::Cause::restore_loaded, root::Action::restore); ++tries)
    sleep_ms(20);
  long c0 = -1, c1 = -1;
  (void)op(ckirq, ckpt::irq_count, &c0);
  for (unsigned i = 0; i < 60 && c1 < c0 + 2; ++i, sleep_ms(100)) (void)op(ckirq, ckpt::irq_count, &c1);
  ::printf("CKPT MIGRATE %s ckirq restored from the file, its interrupts go on (%ld, then %ld)\n",
           logged("ckirq", root::Cause::restore_loaded, root::Action::restore) == 1 && c1 >= c0 + 2 ? "ok" : "FAIL",
           c0, c1);
  for (unsigned tries = 0; tries < 1500 && !logged("ck3", root::Cause::restore_loaded, root::Action::restore); ++tries)
    sleep_ms(20);
  const long v = value(ck3);
  ::printf("CKPT MIGRATE %s ck3 restored from the file at %ld\n", v == 5 ? "ok" : "FAIL", v);
}

int migrate(bool save, long n) {
  const CapSlot ck1 = slot_alloc();
  if (name_wait("ck1", ck1, 5000) != Status::ok) {
    ::printf("CKPT MIGRATE: ck1 is not there\n");
    return 1;
  }
  // ck3 and ckirq where the system has them.
  CapSlot ck3 = slot_alloc(), ckirq = slot_alloc();
  if (name_wait("ck3", ck3, 1000) != Status::ok || name_wait("ckirq", ckirq, 1000) != Status::ok)
    ck3 = ckirq = 0;
  if (save) {
    long v = 0;
    for (long i = 0; i < n; ++i) v = add(ck1, 1);
    const Status st = root_ask(root::checkpoint, "ck1");
    const Stats s = stats(ck1);   // served after the checkpoint: the knock came first
    ::printf("CKPT MIGRATE %s ck1 counted to %ld (got %ld), checkpoint #%lu taken (%s)\n",
             v == n && st == Status::ok && s.number ? "ok" : "FAIL", n, v, s.number, status_name(st));
    if (ck3 && ckirq) migrate_save_caps(ck3, ckirq);
    return 0;
  }
  long v = value(ck1);
  ::printf("CKPT MIGRATE %s ck1 starts afresh at 0 (got %ld)\n", v == 0 ? "ok" : "FAIL", v);
  // Until the shell's restore --load: the value the file holds. (A refused file changes nothing:
  // the value stays 0 meanwhile.)
  for (unsigned tries = 0; v == 0 && tries < 1500; ++tries) {
    sleep_ms(20);
    v = value(ck1);
  }
  const long next = add(ck1, 1);
  ::printf("CKPT MIGRATE %s ck1 restored at %ld, goes on to %ld\n",
           v == n && next == n + 1 ? "ok" : "FAIL", v, next);
  if (ck3 && ckirq) migrate_load_caps(ck3, ckirq);
  return 0;
}
} // namespace

// The capabilities a checkpoint records (tests/qemu/checkpoint, <target>-checkpoint-caps;
// docs/restarts.md, "Checkpoint and restore"): `ck3`, a counter with a session of ours open,
// checkpointed with it; its session table damaged and a crash: the restore makes the session
// again and our data flows through the same shared region, without reconnecting. `ckirq`, a
// driver counting its interrupts, checkpointed; its interrupt detached and a crash: the restore
// attaches it again and interrupts arrive.
int caps() {
  const CapSlot ck3 = slot_alloc(), irqd = slot_alloc();
  if (name_wait("ck3", ck3, 5000) != Status::ok || name_wait("ckirq", irqd, 5000) != Status::ok) {
    ::printf("CKPT: ck3 or ckirq is not there\n");
    return 1;
  }
  // The words put into the shared region, then summed by ck3 from there.
  auto sum = [&](const Session &s, const word *words, word n, Status *st) {
    for (word i = 0; i < n; ++i) (void)s.Put(i * sizeof(word), &words[i], sizeof(word));
    Rpc rpc(ckpt::sum);
    rpc.put(s.id()).put(n);
    *st = rpc.call(ck3);
    return *st == Status::ok ? long(rpc.result(0)) : -1;
  };
  Session s;
  Status st = s.Begin(ck3, 4096);
  check("S01", st == Status::ok, "a session with ck3 opened", long(st));
  const word first[] = {1, 2, 3}, ten[] = {10}, hundred[] = {100};
  long v = sum(s, first, 3, &st);
  check("S02", v == 6, "its data summed through the shared region", v);
  st = op(ck3, ckpt::mark, &v);
  const Stats k = stats(ck3);   // served after its marked checkpoint
  check("S03", st == Status::ok && k.number == 1, "ck3 checkpointed with the session open", long(k.number));
  v = sum(s, ten, 1, &st);
  check("S04", v == 16, "more data after the checkpoint", v);
  v = -1;
  st = op(ck3, ckpt::scribble_sessions, &v);
  check("S05", st == Status::ok && v == 6, "the crashed request answered from the checkpoint", v);
  v = sum(s, hundred, 1, &st);
  check("S06", st == Status::ok && v == 106, "the same session goes on after the restore, not reopened", v);
  st = s.End();
  check("S07", st == Status::ok, "and closes as any other", long(st));

  // The driver: interrupts arrive; checkpointed; its interrupt detached and a crash.
  long n = 0;
  for (unsigned i = 0; i < 60 && n < 2; ++i, sleep_ms(100)) (void)op(irqd, ckpt::irq_count, &n);
  check("I01", n >= 2, "ckirq counts its interrupts", n);
  long at = -1;
  st = op(irqd, ckpt::irq_mark, &at);
  check("I02", st == Status::ok && at >= n, "ckirq marks a restore point (the pager's line says #1)", at);
  long crashed = -1;
  st = op(irqd, ckpt::irq_detach, &crashed);
  check("I03", st == Status::ok && crashed >= at, "the detach-and-crash request answered after the restore", crashed);
  long after = crashed;
  for (unsigned i = 0; i < 60 && after < crashed + 2; ++i, sleep_ms(100)) (void)op(irqd, ckpt::irq_count, &after);
  check("I04", after >= crashed + 2, "interrupts arrive again after the restore", after);
  ::printf("CKPT: %u passed, %u failed\n", passed, failed);
  return 0;
}

// Every thread of a process (tests/qemu/checkpoint, <target>-checkpoint-threads; docs/restarts.md,
// "Checkpoint and restore"): `ckthr`'s two helper threads keep their state in their registers
// (apps/ckpttest/threads.cc). 5 steps, a checkpoint at a marked point, 7 steps more, a restore
// asked of the monitor: both helpers are back at 5 steps, and the next step takes each to 6 and
// its sequence's sixth value. Had only the main thread been put back, a helper's registers would
// still say 12 steps: it would take no step, and T05 would find it stuck at 5.
struct Helpers { long steps[2], value[2]; word stuck; };
Helpers helpers_op(CapSlot ep, word label, word steps = 0) {
  Rpc rpc(label);
  if (label == ckpt::thr_step) rpc.put(steps);
  Helpers h{{-1, -1}, {-1, -1}, 1};
  if (rpc.call(ep) != Status::ok) return h;
  const unsigned at = label == ckpt::thr_step ? 1 : 0;
  h.stuck = label == ckpt::thr_step ? rpc.result(0) : 0;
  for (unsigned i = 0; i < 2; ++i) {
    h.steps[i] = long(rpc.result(at + 2 * i));
    h.value[i] = long(rpc.result(at + 2 * i + 1));
  }
  return h;
}
// The helpers' sequences after n steps: 3n, and 1 then v * 5 + 1 n times.
long first_value(long n) { return 3 * n; }
long second_value(long n) {
  word v = 1;
  for (long i = 0; i < n; ++i) v = v * 5 + 1;
  return long(v);
}
bool helpers_at(const Helpers &h, long n) {
  return !h.stuck && h.steps[0] == n && h.steps[1] == n && h.value[0] == first_value(n) &&
         h.value[1] == second_value(n);
}
int threads() {
  const CapSlot ep = slot_alloc();
  if (name_wait("ckthr", ep, 5000) != Status::ok) {
    ::printf("CKPT: ckthr is not there\n");
    return 1;
  }
  Helpers h = helpers_op(ep, ckpt::thr_step, 5);
  check("T01", helpers_at(h, 5), "both helpers took 5 steps", h.steps[0] * 100 + h.steps[1]);
  h = helpers_op(ep, ckpt::thr_mark);
  check("T02", helpers_at(h, 5), "a restore point marked at 5 steps (the pager's line says #1)", h.steps[0] * 100 + h.steps[1]);
  h = helpers_op(ep, ckpt::thr_step, 7);
  check("T03", helpers_at(h, 12), "7 steps more after the checkpoint: 12", h.steps[0] * 100 + h.steps[1]);
  const Status st = root_ask(root::restore, "ckthr");
  h = helpers_op(ep, ckpt::thr_get);
  check("T04", st == Status::ok && helpers_at(h, 5), "restored: the memory says 5 steps again", h.steps[0] * 100 + h.steps[1]);
  h = helpers_op(ep, ckpt::thr_step, 1);
  ::printf("CKPT helpers after the restore and one step: %ld steps, value %ld; %ld steps, value %ld\n",
           h.steps[0], h.value[0], h.steps[1], h.value[1]);
  check("T05", helpers_at(h, 6), "each helper goes on from its checkpointed registers: 6 steps, the sixth values",
        h.steps[0] * 100 + h.steps[1]);
  h = helpers_op(ep, ckpt::thr_step, 4);
  check("T06", helpers_at(h, 10), "and on: 10 steps", h.steps[0] * 100 + h.steps[1]);
  ::printf("CKPT: %u passed, %u failed\n", passed, failed);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "caps")) return caps();
  if (argc == 2 && !strcmp(argv[1], "threads")) return threads();
  if (argc == 3 && (!strcmp(argv[1], "migrate-save") || !strcmp(argv[1], "migrate-load")))
    return migrate(!strcmp(argv[1], "migrate-save"), strtol(argv[2], nullptr, 10));
  const CapSlot ck1 = slot_alloc(), ck2 = slot_alloc();
  if (name_wait("ck1", ck1, 5000) != Status::ok || name_wait("ck2", ck2, 5000) != Status::ok) {
    ::printf("CKPT: the counters are not there\n");
    return 1;
  }
  // No checkpoint yet: nothing to restore.
  const Status first = root_ask(root::restore, "ck1");
  check("C01", first == Status::not_supported, "no restore without a checkpoint", long(first));

  // Checkpoint, change, restore: the checkpoint's value, though it was only in ordinary memory.
  Status st;
  long v;
  add(ck1, 5);
  check("C02", root_ask(root::checkpoint, "ck1") == Status::ok, "checkpoint of ck1 asked");
  const Stats s1 = stats(ck1);   // served after the checkpoint: the knock came first
  check("C03", s1.number == 1 && s1.copied > 0, "checkpoint #1 taken", long(s1.number));
  v = add(ck1, 7);
  check("C04", v == 12, "changed after the checkpoint", v);
  st = root_ask(root::restore, "ck1");
  check("C05", st == Status::ok, "restore of ck1 asked", long(st));
  v = value(ck1);
  check("C06", v == 5, "restored: the checkpoint's value", v);

  // Incremental: pages written since the last checkpoint are copied, the others kept.
  long t = -1;
  (void)op(ck1, ckpt::touch, &t, 8, true);
  (void)root_ask(root::checkpoint, "ck1");
  const Stats s2 = stats(ck1);
  (void)root_ask(root::checkpoint, "ck1");
  const Stats s3 = stats(ck1);
  ::printf("CKPT incremental: 8 pages written: checkpoint #%lu copied %lu, %lu clean; "
           "nothing written: #%lu copied %lu, %lu clean\n",
           s2.number, s2.copied, s2.clean, s3.number, s3.copied, s3.clean);
  check("C07", s2.number == 2 && s2.copied >= 8, "the 8 written pages copied", long(s2.copied));
  check("C08", s3.number == 3 && s3.copied < 8 && s3.clean >= s2.clean + 8,
        "unwritten pages kept from the last checkpoint", long(s3.copied));

  // A restore point the server marks (checkpoint=marked on ck1's line).
  v = add(ck1, 100);
  check("C09", v == 105, "added", v);
  (void)op(ck1, ckpt::mark, &t);
  const Stats s4 = stats(ck1);
  check("C10", s4.number == 4, "checkpoint #4 at the server's own restore point", long(s4.number));
  (void)add(ck1, 1);
  st = root_ask(root::restore, "ck1");
  v = value(ck1);
  check("C11", st == Status::ok && v == 105, "restored to the marked point", v);

  // The restore rung (ck1: restart=restore,cold): a crash in an add brings back the checkpoint,
  // and the add is served again there: the caller sees no error. What was done after the
  // checkpoint (the add of 2) is gone with it.
  (void)add(ck1, 2);
  check("C12", inject_fault("ck1", server_label::inject_crash, 0) == Status::ok, "a crash armed in ck1");
  v = add(ck1, 3, &st);
  check("C13", st == Status::ok && v == 108, "the crashed add answered from the checkpoint (105 + 3)", v);
  v = value(ck1);
  check("C14", v == 108, "and the counter goes on from there", v);

  // ck2 (restart=warm,restore,cold, checkpoint=100ms): periodic checkpoints; then its .pdata is
  // damaged and it crashes. The warm restart's Recover() refuses the damage, the monitor passes
  // over warm for restore: the checkpoint's memory, .pdata included, and the request answered.
  v = add(ck2, 4);
  check("C15", v == 4, "ck2 added", v);
  sleep_ms(400);
  const Stats s5 = stats(ck2);
  check("C16", s5.number >= 2, "periodic checkpoints of ck2", long(s5.number));
  v = -1;
  st = op(ck2, ckpt::scribble, &v);
  check("C17", st == Status::ok && v == 4, "the crashed request answered after the restore", v);
  v = add(ck2, 1);
  check("C18", v == 5, "ck2 goes on", v);

  // The monitor's log shows them all.
  unsigned n = logged("ck1", root::Cause::checkpoint, root::Action::checkpoint);
  check("C19", n == 2, "ck1 checkpoints logged: one entry for #1, one for #2..#4", long(n));
  n = logged("ck1", root::Cause::restore_asked, root::Action::restore);
  check("C20", n == 2, "asked restores logged", long(n));
  n = logged("ck1", root::Cause::crash, root::Action::restore);
  check("C21", n == 1, "the crash's restore logged", long(n));
  n = logged("ck2", root::Cause::corrupt, root::Action::restore);
  check("C22", n == 1, "ck2's restore logged", long(n));

  // A group checkpoint: ckback and ckfront (connected: ckfront looked ckback up) held at one
  // quiet point, checkpointed, changed together, restored together.
  const CapSlot front = slot_alloc();
  if (name_wait("ckfront", front, 5000) != Status::ok) {
    ::printf("CKPT: ckfront is not there\n");
    return 1;
  }
  st = root_ask(root::restore, "ckback", true);
  check("G01", st == Status::not_supported, "no group restore without a group checkpoint", long(st));
  v = add(front, 3);
  const long p0 = pair(front);
  check("G02", v == 3 && p0 == 3030, "front 3, back 30", p0);
  st = root_ask(root::checkpoint, "ckback", true);
  check("G03", st == Status::ok, "group checkpoint of ckback asked", long(st));
  v = add(front, 4);
  const long p1 = pair(front);
  check("G04", v == 7 && p1 == 7070, "both changed after it: front 7, back 70", p1);
  st = root_ask(root::restore, "ckback", true);   // busy until both parts are reported
  check("G05", st == Status::ok, "group restore of ckback asked", long(st));
  const long p2 = pair(front);
  check("G06", p2 == 3030, "both back at the group checkpoint: front 3, back 30", p2);
  v = add(front, 5);
  check("G07", v == 8, "and they go on from there", v);
  // A member checkpointed alone: the group's checkpoint is no longer one point.
  st = root_ask(root::checkpoint, "ckfront");
  (void)stats(front);   // served after its checkpoint, which the pager reported first
  st = root_ask(root::restore, "ckback", true);
  check("G08", st == Status::not_supported, "no group restore once a member was checkpointed alone",
        long(st));
  const long p3 = pair(front);
  check("G09", p3 == 8080, "nothing restored", p3);
  ::printf("CKPT: %u passed, %u failed\n", passed, failed);
  return 0;
}
