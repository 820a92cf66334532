// Restart scenario client: calls the demo counter while the monitor injects failures into it
// (crash, panic) and checks that every call still gets the right answer — a hot or warm restart
// that replays the interrupted request is invisible to clients. Argument: the kind of restart the
// counter's policy gives ("hot", the default, or "warm"), checked in the monitor's log.
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
} // namespace

int main(int argc, char **argv) {
  const bool warm = argc > 1 && !strcmp(argv[1], "warm");
  const root::Action kind = warm ? root::Action::warm : root::Action::hot;
  const char *kind_name = warm ? "warm" : "hot";
  const CapSlot ep = slot_alloc();
  if (name_wait(demo::counter::service_name, ep, 10000) != Status::ok) {
    ::printf("RESTART: no counter\n");
    return 1;
  }
  demo::counter::Client c(ep);
  long v = 0;
  check("R01", c.Get(&v) == Status::ok, "the counter answers", v);
  v = add_run(c, v, 10, "R02");
  Status ist = inject("counter", 1, 3);
  check("R03", ist == Status::ok, "a crash is armed for the 4th request", long(ist));
  v = add_run(c, v, 10, "R04");   // the counter crashes in the 4th: hot restart, replay
  ist = inject("counter", 3, 2);
  check("R05", ist == Status::ok, "a panic is armed for the 3rd request", long(ist));
  v = add_run(c, v, 5, "R06");
  long value = 0;
  word adds = 0;
  check("R07", c.Get(&value, &adds) == Status::ok && value == v && adds == word(v),
        "persistent state survived both restarts (value, adds)", value);
  // The monitor's log: two restarts of the counter of the expected kind, both done.
  unsigned done = 0;
  Utcb *u = utcb();
  for (word i = 0; i < 64; ++i) {
    u->mr[0] = Tag(root::restarts, 1, 0).raw;
    u->mr[1] = i;
    if (call(proc::root) != Status::ok || u->mr[1] != word(Status::ok)) break;
    char name[24];
    proc::unpack(&u->mr[7], 6, name, sizeof(name));
    if (!strcmp(name, "counter") && u->mr[4] == word(kind) && u->mr[6]) ++done;
  }
  char what[64];
  snprintf(what, sizeof(what), "the restart log shows two completed %s restarts", kind_name);
  check("R08", done == 2, what, done);
  ::printf("RESTART: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
