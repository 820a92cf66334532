// Restart scenario client: calls the demo counter while the monitor injects failures into it
// (crash, panic) and checks that every call still gets the right answer — a hot or warm restart
// that replays the interrupted request is invisible to clients. Argument: the kind of restart the
// counter's policy gives ("hot", the default, or "warm"), checked in the monitor's log; "hang"
// injects an endless loop and then a stall instead of a crash and a panic (the counter's boot
// line has a heartbeat bound: the monitor finds both hung and restarts it hot); "deadline" an
// endless loop and then a lost request (taken, never answered, while the counter goes on
// taking messages: only its request deadline finds it). Further modes: corrupt, pager, root,
// exhaust, ladder, renew and complain (below).
#include "../demo/counter_iface.hh"
#include <arc/process.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/reconnect.hh>
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
  ::printf("RESTART %s %s %s (got %ld)\n", id, ok ? "ok" : "FAIL", what, got);
}

Status inject(const char *server, word kind, word after) { return inject_fault(server, kind, after); }

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
// last domain restart (the log outlives the domain; we do not). other_causes: entries of any
// other cause instead, whatever their kind and outcome.
unsigned logged(const char *server, root::Action kind, root::Cause cause, bool other_causes = false) {
  unsigned n = 0;
  Utcb *u = utcb();
  for (word i = 0; i < 64; ++i) {
    u->mr[0] = Tag(root::restarts, 1, 0).raw;
    u->mr[1] = i;
    if (call(proc::root) != Status::ok || u->mr[1] != word(Status::ok)) break;
    char name[24];
    proc::unpack(&u->mr[7], 6, name, sizeof(name));
    if (u->mr[4] == word(root::Action::domain) && u->mr[6] == word(root::Outcome::done)) n = 0;
    if (strcmp(name, server)) continue;
    if (other_causes) n += u->mr[3] != word(cause);
    else if (u->mr[4] == word(kind) && u->mr[3] == word(cause) &&
             u->mr[6] == word(root::Outcome::done))
      ++n;
  }
  return n;
}

// Mode "corrupt": the counter damages its persistent record, then crashes. The hot restart finds
// the damage before Recover(), the monitor passes over hot and warm and restarts it cold: the
// interrupted call fails with partner_gone (the explicit "server reset"), the client looks the
// name up again and carries on with a counter that started over. Nothing freezes.
int corrupt_mode(CapSlot ep) {
  demo::counter::Client c(ep);
  (void)add_run(c, 0, 5, "C01");
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
  (void)add_run(c, 0, 5, "C06");
  check("C07", logged("counter", root::Action::cold, root::Cause::corrupt) == 1,
        "the restart log shows the cold restart for corrupt persistent memory");
  ::printf("RESTART: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
// Frames the root task has handed out (its `mem` query); 0 if it does not answer.
word frames_used() {
  Utcb *u = utcb();
  u->mr[0] = Tag(root::mem, 0, 0).raw;
  return call(proc::root) == Status::ok && u->mr[1] == word(Status::ok) ? u->mr[4] : 0;
}

// Whether the log holds a completed domain restart that `server`'s failure of `cause` asked for.
bool domain_restarted_for(const char *server, root::Cause cause) {
  Utcb *u = utcb();
  for (word i = 0; i < 64; ++i) {
    u->mr[0] = Tag(root::restarts, 1, 0).raw;
    u->mr[1] = i;
    if (call(proc::root) != Status::ok || u->mr[1] != word(Status::ok)) return false;
    char name[24];
    proc::unpack(&u->mr[7], 6, name, sizeof(name));
    if (!strcmp(name, server) && u->mr[3] == word(cause) &&
        u->mr[4] == word(root::Action::domain) && u->mr[6] == word(root::Outcome::done))
      return true;
  }
  return false;
}

// Mode "pager": a pager is the trusted base of its process (docs/restarts.md). The root task
// makes the counter's pager fail (a wild jump). The counter's pages and persistent memory were
// the pager's, so the monitor passes over hot and warm and restarts it cold with a new pager: the
// client's next call reports the reset, it finds the name again, the counter starts over, and
// the old process and pager leave no memory behind. Then the name service's pager fails: its
// policy in test-pager.cfg has only hot and warm (both passed over), so the policy's end
// (on-exhausted=domain) restarts the domain; this program starts again with it and,
// finding that domain restart in the log, checks that everything answers.
int pager_mode(CapSlot ep) {
  demo::counter::Client c(ep);
  if (domain_restarted_for("names", root::Cause::pager)) {
    (void)add_run(c, 0, 3, "G10");
    check("G11", true, "after the name service's pager failed, the domain came back and answers");
    ::printf("RESTART: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
  }
  (void)add_run(c, 0, 5, "G01");
  const word before = frames_used();
  Status st = inject("counter", server_label::inject_pager, 0);
  check("G02", st == Status::ok, "the counter's pager is made to fail", long(st));
  long got = 0;
  for (unsigned i = 0; i < 200 && st == Status::ok; ++i) {   // until the root task replaced it
    st = c.Add(1, &got);
    if (st == Status::ok) sleep_ms(5);
  }
  check("G03", server_lost(st), "a call after the pager failed reports the server reset", long(st));
  (void)cap_delete(ep);
  st = name_wait(demo::counter::service_name, ep, 10000);
  check("G04", st == Status::ok, "the restarted counter is found under its name again", long(st));
  long value = -1;
  word adds = ~word(0);
  st = c.Get(&value, &adds);
  check("G05", st == Status::ok && value == 0 && adds == 0,
        "it started over: its pages and persistent memory were the failed pager's", value);
  (void)add_run(c, 0, 5, "G06");
  check("G07", logged("counter", root::Action::cold, root::Cause::pager) == 1,
        "the restart log shows a cold restart because its pager failed");
  const word after = frames_used();
  check("G08", before && after && after <= before + 8,
        "the old process and its pager left no memory behind (frames in use before, after)",
        long(after) - long(before));
  ::printf("RESTART: %u passed, %u failed\n", passed, failed);
  st = inject("names", server_label::inject_pager, 0);
  check("G09", st == Status::ok, "the name service's pager is made to fail", long(st));
  for (;;) sleep_ms(1000);   // the domain restart ends us
}

// Mode "root": the root task fails (`inject root crash`: a null pointer right after it answers).
// It runs the monitor and pages every pager, and nothing can start it again: sigma0, its
// exception handler, reboots the machine, and the boot configuration starts from the beginning
// (this program with it, which fails it again: the scenario stops after the second boot).
int root_mode() {
  // Its answer may never be printed: it fails as soon as it has answered.
  const Status st = inject("root", server_label::inject_crash, 0);
  check("Q01", st == Status::ok, "the root task is made to fail", long(st));
  for (;;) sleep_ms(1000);   // the reboot ends us
}

// Mode "exhaust": the counter crashes at every request from now on (armed again after each
// restart). Its policy allows 2 hot restarts in 10 s: the first two crashes are replayed, the
// third exhausts the policy (on-exhausted=stop): the counter is stopped, the interrupted call
// fails, and the rest of the system (root task, name service) keeps serving.
// Mode "complain": a client that depends on the counter (its boot line: after=counter) tells the
// monitor the counter failed it; the monitor restarts it by its policy (hot here), and the
// counter goes on with its state. A complaint about a server the client does not depend on (the
// name service) is refused, and so is one about a process that is not running.
int complain_mode(CapSlot ep) {
  demo::counter::Client c(ep);
  long v = add_run(c, 0, 5, "K01");
  Status st = complain(ep, Status::invalid_arg);
  check("K02", st == Status::ok, "a complaint from a dependent is taken", long(st));
  v = add_run(c, v, 5, "K03");   // answered by the restarted counter, the count kept
  sleep_ms(100);                 // the log entry is completed when the pager reports
  check("K04", logged("counter", root::Action::hot, root::Cause::complaint) == 1,
        "the restart log shows a hot restart for the complaint");
  st = complain(proc::names, Status::invalid_arg);
  check("K05", st == Status::no_rights, "a complaint about a server we do not depend on is refused",
        long(st));
  Rpc rpc(root::complain);
  rpc.put(999).put(word(Status::invalid_arg));
  st = rpc.call(proc::root);
  check("K06", st == Status::invalid_arg, "a complaint about no process is refused", long(st));
  check("K07", logged("counter", root::Action::hot, root::Cause::complaint) == 1 && v == 10,
        "nothing else restarted", v);
  ::printf("RESTART: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}

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
// Mode "ladder": the counter crashes at every request from now on, and its policy
// (tests/qemu/restart/test-ladder.cfg: restart=hot,warm,cold,group intensity=1/60s) climbs a rung at
// each crash: hot, warm, cold, group, then the domain. The client calls on regardless: a hot or
// warm restart answers its call (replayed), after a cold or group one it looks the counter up
// again. It prints each call's outcome; the scenario checks the monitor's lines.
int ladder_mode(CapSlot ep) {
  demo::counter::Client c(ep);
  long first = 0;
  if (c.Get(&first) != Status::ok) return 1;   // it serves: the monitor can reach it too
  for (unsigned i = 1; i <= 5; ++i) {
    if (inject("counter", 1, 0) != Status::ok) break;
    long got = 0;
    const Status st = c.Add(1, &got);
    ::printf("RESTART ladder %u: %s\n", i, status_name(st));
    if (st != Status::ok) {   // reset by a cold or group restart: find the new counter
      (void)cap_delete(ep);
      if (name_wait(demo::counter::service_name, ep, 5000) != Status::ok) break;
      // Published is not yet serving: the new counter publishes its name before its first
      // receive, and the monitor arms an injection only in a server that has started serving.
      // A request is queued until it receives, so one answered means it serves.
      if (c.Get(&first) != Status::ok) break;
    }
  }
  return 0;
}
// Mode "renew KIND MIN MAX_PAGES [crash]": the counter leaks a page per add (its `leak`
// argument) and its boot line has renew-pages= or renew-every=: the monitor restarts it (KIND:
// hot or warm) at quiet points while this client adds, paced, 200 times. A renewal is not a
// failure and clients see nothing: every add is answered, in order, without an error; at least
// MIN renewals happen (the counter's restart count and the monitor's log, cause renew, agree);
// each renewal that found leaked pages took them back (fewer pages after it); the counter never
// holds more than MAX_PAGES pages (its pager's count); and no renewal found a request in
// progress (the counter counts those it served again): a renewal waits for a quiet point, so
// there is nothing to replay. With `crash`, a crash follows the renewals: still a hot restart
// (replayed), since renewals fill no intensity window.
int renew_mode(CapSlot ep, root::Action kind, unsigned min_renewals, word max_pages, bool crash) {
  demo::counter::Client c(ep);
  // Its restarts, as the framework reports them (server_label::info: pid, restarts, served).
  auto framework_info = [ep](word *restarts) {
    Rpc rpc(server_label::info);
    const Status st = rpc.call(ep);
    *restarts = rpc.result(1);
    return st == Status::ok;
  };
  word replays = 0;   // as of the last look
  auto pages = [&c, &replays](word *out) {
    demo::counter::Client::Where w{};
    const Status st = c.Info(&w);
    *out = w.resident_pages;
    replays = w.replays;
    return st == Status::ok;
  };
  // Its pages and restart count from one incarnation: asked again if a renewal came between.
  auto snapshot = [&](word *r, word *p) {
    for (;;) {
      word before = 0;
      if (!framework_info(&before) || !pages(p) || !framework_info(r)) return false;
      if (*r == before) return true;
    }
  };
  constexpr unsigned adds = 200;
  constexpr word pace_ms = 10;
  long v = 0;
  word seen_restarts = 0, last_pages = 0, most_pages = 0;
  bool queries = c.Get(&v) == Status::ok && snapshot(&seen_restarts, &last_pages);
  const word first_restarts = seen_restarts;
  unsigned wrong = 0, since_renewal = 0, renewals_freeing = 0, renewals_not_freeing = 0;
  for (unsigned i = 0; i < adds; ++i) {
    long got = -1;
    const Status st = c.Add(1, &got);
    if (st != Status::ok || got != v + 1) {
      ++wrong;
      ::printf("RESTART N02: add #%u: status %lu, value %ld, expected %ld\n", i, word(st), got, v + 1);
    }
    v = got;
    ++since_renewal;
    word r = 0, now_pages = 0;
    queries &= snapshot(&r, &now_pages);
    if (now_pages > most_pages) most_pages = now_pages;
    if (r != seen_restarts) {
      // Renewed since the last look. With at least 8 pages leaked since the one before, the
      // leak must be gone: fewer pages now than at the last look, though this add leaked again.
      ::printf("RESTART N: renewal seen after add #%u: %lu pages before, %lu after\n", i,
               last_pages, now_pages);
      if (since_renewal > 8) {
        if (now_pages < last_pages) ++renewals_freeing;
        else ++renewals_not_freeing;
      }
      since_renewal = 0;
      seen_restarts = r;
    }
    last_pages = now_pages;
    sleep_ms(pace_ms);
  }
  long value = -1;
  word total = 0;
  const Status got = c.Get(&value, &total);
  check("N01", queries, "every get, info and restart-count query answered");
  check("N02", wrong == 0, "every add answered in order, no error", long(wrong));
  check("N03", got == Status::ok && value == v && total == word(v),
        "no add lost or applied twice across the renewals (value, adds)", value);
  const word renewed = seen_restarts - first_restarts;
  check("N04", renewed >= min_renewals, "the counter was renewed often enough", long(renewed));
  check("N05", renewals_freeing >= min_renewals && renewals_not_freeing == 0,
        "each renewal took the leaked pages back", long(renewals_freeing));
  check("N06", most_pages <= max_pages, "its pages stayed bounded", long(most_pages));
  check("N07", replays == 0, "no renewal found a request in progress (nothing replayed)",
        long(replays));
  // The monitor's log: renewals of the policy's kind, all done, and nothing else.
  sleep_ms(200);   // a renewal's log entry is completed when its pager reports
  const unsigned in_log = logged("counter", kind, root::Cause::renew);
  check("N08", in_log >= renewed, "the monitor's log shows the renewals (cause renew, done)",
        long(in_log));
  check("N09", logged("counter", kind, root::Cause::renew, true) == 0,
        "and no restart for any other cause");
  if (crash) {
    // Renewals are not failures: the policy (hot, at most 2 in 10 s) still restarts a crash hot.
    const Status ist = inject("counter", server_label::inject_crash, 0);
    long after = -1;
    const Status st = ist == Status::ok ? c.Add(1, &after) : ist;
    word now_pages = 0;
    const bool asked = pages(&now_pages);
    check("N10", st == Status::ok && after == v + 1 && asked && replays == 1,
          "a crash after the renewals: restarted hot, the add replayed", after);
    sleep_ms(100);   // its log entry is completed when its pager reports
    check("N11", logged("counter", root::Action::hot, root::Cause::crash) == 1,
          "the log shows the crash's hot restart: the renewals filled no intensity window");
  }
  ::printf("RESTART: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
} // namespace

int main(int argc, char **argv) {
  const bool warm = argc > 1 && !strcmp(argv[1], "warm");
  const bool deadline = argc > 1 && !strcmp(argv[1], "deadline");
  const bool hang = deadline || (argc > 1 && !strcmp(argv[1], "hang"));
  const word first_fault = hang ? server_label::inject_hang : server_label::inject_crash;
  const word second_fault = deadline ? server_label::inject_lose
                            : hang   ? server_label::inject_stall
                                     : server_label::inject_panic;
  const root::Action kind = warm ? root::Action::warm : root::Action::hot;
  const char *kind_name = warm ? "warm" : "hot";
  if (argc > 1 && !strcmp(argv[1], "root")) return root_mode();
  const CapSlot ep = slot_alloc();
  if (name_wait(demo::counter::service_name, ep, 10000) != Status::ok) {
    ::printf("RESTART: no counter\n");
    return 1;
  }
  if (argc > 1 && !strcmp(argv[1], "corrupt")) return corrupt_mode(ep);
  if (argc > 1 && !strcmp(argv[1], "pager")) return pager_mode(ep);
  if (argc > 1 && !strcmp(argv[1], "exhaust")) return exhaust_mode(ep);
  if (argc > 1 && !strcmp(argv[1], "complain")) return complain_mode(ep);
  if (argc > 1 && !strcmp(argv[1], "ladder")) return ladder_mode(ep);
  if (argc > 4 && !strcmp(argv[1], "renew"))
    return renew_mode(ep, strcmp(argv[2], "warm") ? root::Action::hot : root::Action::warm,
                      unsigned(atoi(argv[3])), word(atoi(argv[4])),
                      argc > 5 && !strcmp(argv[5], "crash"));
  demo::counter::Client c(ep);
  long v = 0;
  check("R01", c.Get(&v) == Status::ok, "the counter answers", v);
  v = add_run(c, v, 10, "R02");
  Status ist = inject("counter", first_fault, 3);
  check("R03", ist == Status::ok, hang ? "an endless loop is armed for the 4th request"
                                       : "a crash is armed for the 4th request", long(ist));
  v = add_run(c, v, 10, "R04");   // the counter fails in the 4th: restart, replay
  ist = inject("counter", second_fault, 2);
  check("R05", ist == Status::ok, deadline ? "a lost request is armed for the 3rd request"
                                 : hang   ? "a stall is armed for the 3rd request"
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
