// Restart scenario client: calls the demo counter while the monitor injects failures into it
// (crash, panic) and checks that every call still gets the right answer — a hot or warm restart
// that replays the interrupted request is invisible to clients. Argument: the kind of restart the
// counter's policy gives ("hot", the default, or "warm"), checked in the monitor's log; "hang"
// injects an endless loop and then a stall instead of a crash and a panic (the counter's boot
// line has a heartbeat bound: the monitor finds both hung and restarts it hot).
#include "../demo/counter_iface.hh"
#include <arc/process.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/sys.hh>
#include <stdio.h>
#include <string.h>

using namespace arc;

namespace {
unsigned passed, failed;

void check(const char *id, bool ok, const char *what, long got = 0) {
  if (ok) ++passed;
  else ++failed;
  ::printf("RESTART %s %s %s (got %ld)\n", id, ok ? "ok" : "FAIL", what, got);
}

Status inject(const char *server, word kind, word after) {
  Utcb *u = utcb();
  u->mr[0] = Tag(root::inject, 8, 0).raw;
  proc::pack(&u->mr[1], server, 6);
  u->mr[7] = kind;
  u->mr[8] = after;
  Status st = call(proc::root);
  return st != Status::ok ? st : Status(u->mr[1]);
}

// Add 1, `n` times, checking each answer; returns the last value.
long add_run(const demo::counter::Client &c, long from, unsigned n, const char *id) {
  long v = from;
  bool all = true;
  for (unsigned i = 0; i < n; ++i) {
    long got = -1;
    Status st = c.Add(1, &got);
    if (st != Status::ok || got != v + 1) {
      all = false;
      ::printf("RESTART %s: add #%u: status %lu, value %ld, expected %ld\n", id, i, word(st), got, v + 1);
    }
    v = got;
  }
  check(id, all, "every add answered in order", v);
  return v;
}
// The monitor's log: entries for `server` with the given kind and cause that are done, since the
// last domain restart (the log outlives the domain; we do not).
unsigned logged(const char *server, root::Action kind, root::Cause cause) {
  unsigned n = 0;
  Utcb *u = utcb();
  for (word i = 0; i < 64; ++i) {
    u->mr[0] = Tag(root::restarts, 1, 0).raw;
    u->mr[1] = i;
    if (call(proc::root) != Status::ok || u->mr[1] != word(Status::ok)) break;
    char name[24];
    proc::unpack(&u->mr[7], 6, name, sizeof(name));
    if (u->mr[4] == word(root::Action::domain) && u->mr[6]) n = 0;
    if (!strcmp(name, server) && u->mr[4] == word(kind) && u->mr[3] == word(cause) && u->mr[6]) ++n;
  }
  return n;
}

// Mode "corrupt": the counter damages its persistent record, then crashes. The hot restart finds
// the damage before Recover(), the monitor passes over hot and warm and restarts it cold: the
// interrupted call fails with partner_gone (the explicit "server reset"), the client looks the
// name up again and carries on with a counter that started over. Nothing freezes.
int corrupt_mode(CapSlot ep) {
  demo::counter::Client c(ep);
  long v = add_run(c, 0, 5, "C01");
  check("C02", inject("counter", 4, 2) == Status::ok, "a corruption is armed for the 3rd request");
  long got = 0;
  Status st = Status::ok;
  for (unsigned i = 0; i < 3 && st == Status::ok; ++i) st = c.Add(1, &got);
  check("C03", st == Status::partner_gone, "the interrupted call reports the server reset", long(st));
  (void)cap_delete(ep);
  st = name_wait(demo::counter::service_name, ep, 10000);
  check("C04", st == Status::ok, "the restarted counter is found under its name again", long(st));
  long value = -1;
  word adds = ~word(0);
  const Status got_st = c.Get(&value, &adds);
  check("C05", got_st == Status::ok && value == 0 && adds == 0,
        "it started over: cold, its damaged state discarded", value);
  v = add_run(c, 0, 5, "C06");
  check("C07", logged("counter", root::Action::cold, root::Cause::corrupt) == 1,
        "the restart log shows the cold restart for corrupt persistent memory");
  ::printf("RESTART: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
// Mode "exhaust": the counter crashes at every request from now on (armed again after each
// restart). Its policy allows 2 hot restarts in 10 s: the first two crashes are replayed, the
// third exhausts the policy (on-exhausted=stop): the counter is stopped, the interrupted call
// fails, and the rest of the system (root task, name service) keeps serving.
int exhaust_mode(CapSlot ep) {
  demo::counter::Client c(ep);
  long v = add_run(c, 0, 3, "E01");
  Status st = Status::ok;
  unsigned answered = 0;
  for (unsigned i = 0; i < 3; ++i) {
    if (inject("counter", 1, 0) != Status::ok) break;
    long got = 0;
    st = c.Add(1, &got);
    if (st != Status::ok) break;
    ++answered;
    v = got;
  }
  check("E02", answered == 2 && v == 5, "two crashes were restarted hot and replayed", long(answered));
  check("E03", st == Status::partner_gone, "the third exhausted the policy: the call fails", long(st));
  long got = 0;
  check("E04", c.Add(1, &got) != Status::ok, "the stopped counter answers no more");
  check("E05", name_lookup(demo::counter::service_name, ep) != Status::ok,
        "its name leads nowhere now");
  Utcb *u = utcb();
  u->mr[0] = Tag(root::mem, 0, 0).raw;
  const Status mem = call(proc::root);
  check("E06", mem == Status::ok && u->mr[1] == word(Status::ok) && u->mr[3] > 0,
        "the root task still serves (mem)", long(mem));
  check("E07", logged("counter", root::Action::stop, root::Cause::crash) == 1,
        "the restart log shows the stop");
  ::printf("RESTART: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
} // namespace

int main(int argc, char **argv) {
  const bool warm = argc > 1 && !strcmp(argv[1], "warm");
  const bool hang = argc > 1 && !strcmp(argv[1], "hang");
  const word first_fault = hang ? 2 : 1, second_fault = hang ? 5 : 3;   // server_label::inject_*
  const root::Action kind = warm ? root::Action::warm : root::Action::hot;
  const char *kind_name = warm ? "warm" : "hot";
  const CapSlot ep = slot_alloc();
  if (name_wait(demo::counter::service_name, ep, 10000) != Status::ok) {
    ::printf("RESTART: no counter\n");
    return 1;
  }
  if (argc > 1 && !strcmp(argv[1], "corrupt")) return corrupt_mode(ep);
  if (argc > 1 && !strcmp(argv[1], "exhaust")) return exhaust_mode(ep);
  demo::counter::Client c(ep);
  long v = 0;
  check("R01", c.Get(&v) == Status::ok, "the counter answers", v);
  v = add_run(c, v, 10, "R02");
  Status ist = inject("counter", first_fault, 3);
  check("R03", ist == Status::ok, hang ? "an endless loop is armed for the 4th request"
                                       : "a crash is armed for the 4th request", long(ist));
  v = add_run(c, v, 10, "R04");   // the counter fails in the 4th: restart, replay
  ist = inject("counter", second_fault, 2);
  check("R05", ist == Status::ok, hang ? "a stall is armed for the 3rd request"
                                       : "a panic is armed for the 3rd request", long(ist));
  v = add_run(c, v, 5, "R06");
  long value = 0;
  word adds = 0;
  const Status get_st = c.Get(&value, &adds);
  check("R07", get_st == Status::ok && value == v && adds == word(v),
        "persistent state survived both restarts (value, adds)", value);
  // The monitor's log: two restarts of the counter of the expected kind, both done.
  const unsigned done = hang ? logged("counter", kind, root::Cause::hang)
                             : logged("counter", kind, root::Cause::crash) +
                                   logged("counter", kind, root::Cause::panic);
  char what[96];
  snprintf(what, sizeof(what), "the restart log shows two completed %s restarts%s", kind_name,
           hang ? " of a hung server" : "");
  check("R08", done == 2, what, done);
  ::printf("RESTART: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
