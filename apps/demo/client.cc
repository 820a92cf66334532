// demo-client: uses demo-counter and checks what the ArcServer framework, sessions and
// persistent variables promise. Each check prints one line, then a summary (the QEMU test
// ia32-demo looks for them):
//   DEMO: D01 ok <what> [<values>]        or   DEMO: D01 FAIL <what> (<values>)
//   DEMO: N passed, 0 failed
//
//   D01-D07  requests and replies through the server's handler table (arguments checked by the
//            framework: word counts, unknown labels)
//   D08-D14  a shared-memory session: the area is made by our pager (share_create/allow), the
//            server's pager attaches it (share_attach), both sides see each other's writes
//   D15-D19  persistent variables (.pdata): the server's state and ours lie in .pdata, start
//            with their image values, and the pagers count their pages as persistent
#include "counter_iface.hh"

#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/proto/pager.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/session.hh>

#include <stdarg.h>
#include <stdio.h>

using arc::Status;
using arc::word;

namespace {

// Persistent variables of the client: one with a value from the image, and a page of its own
// that nothing touches before check D18.
ARC_PDATA volatile word g_seed = 0x5eed;
ARC_PDATA alignas(4096) volatile char g_fresh_page[4096];

unsigned passed, failed;

void check(const char *id, bool ok, const char *fmt, ...) {
  char text[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  if (ok) ++passed;
  else ++failed;
  printf("DEMO: %s %s %s\n", id, ok ? "ok" : "FAIL", text);
}

// Our pager's counts (arc/proto/pager.hh): 0 resident, 1 persistent. ~0 when it does not answer.
word my_pages(unsigned which) {
  arc::Rpc rpc(arc::pager::counts);
  return rpc.call(arc::proc::pager) == Status::ok ? rpc.result(which) : ~word(0);
}

// The root task's ps line of `pid`: persistent pages (~0 when not found or unknown).
word ps_pdata_of(word pid) {
  for (word i = 0;; ++i) {
    arc::Rpc rpc(arc::root::ps);
    rpc.put(i);
    if (rpc.call(arc::proc::root) != Status::ok) return ~word(0);
    if (rpc.result(0) == pid) return rpc.result(3);
  }
}

// The pid the name service hands out for a name is not visible to us: find the server by its
// name in the root task's process list.
word pid_of(const char *name) {
  for (word i = 0;; ++i) {
    arc::Rpc rpc(arc::root::ps);
    rpc.put(i);
    if (rpc.call(arc::proc::root) != Status::ok) return 0;
    char n[32];
    rpc.result_string(5, 6, n, sizeof(n));
    bool same = true;
    for (unsigned k = 0; same && (n[k] || name[k]); ++k) same = n[k] == name[k];
    if (same && arc::root::PState(rpc.result(1)) == arc::root::PState::running) return rpc.result(0);
  }
}

} // namespace

// The way out when the counter cannot be found: never taken in a good run. The fault scenarios
// arm a fault here (tests/qemu, tests/qemu/fault-injection/test-fault-*.cfg) that must never be activated.
extern "C" __attribute__((noipa)) int demo_client_no_counter(unsigned n_passed, unsigned n_failed) {
  printf("DEMO: %u passed, %u failed\n", n_passed, n_failed);
  return 1;
}

int main(int, char **) {
  // ---- the name service, requests and replies through the handler table
  const arc::CapSlot slot = arc::slot_alloc();
  Status st = arc::name_wait(demo::counter::service_name, slot, 10000);
  check("D01", st == Status::ok, "name service: found '%s' (%s)", demo::counter::service_name,
        arc::status_name(st));
  if (st != Status::ok) return demo_client_no_counter(passed, failed);
  demo::counter::Client counter(slot);
  long v = 0;
  st = counter.Add(5, &v);
  check("D02", st == Status::ok && v == 5, "add 5 -> %ld (%s)", v, arc::status_name(st));
  st = counter.Add(37, &v);
  check("D03", st == Status::ok && v == 42, "add 37 -> %ld (%s)", v, arc::status_name(st));
  word adds = 0;
  st = counter.Get(&v, &adds);
  check("D04", st == Status::ok && v == 42 && adds == 2, "get: counter %ld after %lu adds", v, adds);

  // Malformed requests get an error from the framework, and the server goes on serving.
  st = arc::Rpc(demo::counter::add).call(slot);
  check("D05", st == Status::invalid_arg, "add without argument -> %s", arc::status_name(st));
  {
    arc::Rpc rpc(demo::counter::add);
    rpc.put(1).put(2);
    st = rpc.call(slot);
  }
  check("D06", st == Status::invalid_arg, "add with two arguments -> %s", arc::status_name(st));
  st = arc::Rpc(0x7ff).call(slot);
  word adds_after = 0;
  const Status st2 = counter.Get(&v, &adds_after);
  check("D07", st == Status::invalid_arg && st2 == Status::ok && v == 42 && adds_after == 2,
        "unknown label 0x7ff -> %s, counter still %ld after %lu adds", arc::status_name(st), v,
        adds_after);

  // ---- a session: shared memory through the pagers
  arc::Session session;
  st = session.Begin(slot, 4096);
  const word base = 0x70000000;   // the pagers' share area in a process (servers/pager)
  check("D08", st == Status::ok && session.id() != 0 && session.addr >= base &&
                   session.addr < base + 0x01000000 && session.bytes >= 4096,
        "session begin: id %lu, %lu bytes at %#lx (%s)", session.id(), session.bytes,
        session.addr, arc::status_name(st));
  if (st == Status::ok) {
    for (long i = 1; i <= 10; ++i) session.Put((i - 1) * sizeof(long), &i, sizeof(i));
    long total = 0, written = 0;
    st = counter.Sum(session.id(), 10, &total);
    session.Get(10 * sizeof(long), &written, sizeof(written));
    check("D09", st == Status::ok && total == 55 && written == 55,
          "session sum 1..10 = %ld, the server wrote %ld into the shared area", total, written);
    // Written in place through the plain pointer: the server reads the same page, not a copy.
    volatile long *area = reinterpret_cast<volatile long *>(session.addr);
    for (long i = 0; i < 10; ++i) area[i] = (i + 1) * 100;
    st = counter.Sum(session.id(), 10, &total);
    check("D10", st == Status::ok && total == 5500 && area[10] == 5500,
          "after the client changed the area: sum %ld, server wrote %ld", total, long(area[10]));
    st = counter.Sum(session.id() + 1, 10, &total);
    check("D11", st == Status::invalid_arg, "sum on an unknown session id -> %s",
          arc::status_name(st));
    st = counter.Sum(session.id(), 4096 / sizeof(long), &total);
    check("D12", st == Status::invalid_arg, "sum whose result would land past the area -> %s",
          arc::status_name(st));
    const word id = session.id();
    st = session.End();
    const Status late = counter.Sum(id, 10, &total);
    check("D13", st == Status::ok, "session end -> %s", arc::status_name(st));
    check("D14", late == Status::invalid_arg, "sum on the ended session -> %s",
          arc::status_name(late));
  }

  // ---- persistent variables
  demo::counter::Client::Where where{};
  st = counter.Info(&where);
  check("D15", st == Status::ok && where.state_in_pdata && where.persistent_pages >= 1,
        "server: counter state in .pdata, %lu persistent of %lu resident pages (%s)",
        where.persistent_pages, where.resident_pages, arc::status_name(st));
  const arc::proc::Info *info = arc::process_info();
  const word seed_at = word(&g_seed), fresh_at = word(&g_fresh_page[0]);
  check("D16", info && info->pdata_end > info->pdata_start && seed_at >= info->pdata_start &&
                   seed_at < info->pdata_end && fresh_at >= info->pdata_start &&
                   fresh_at + sizeof(g_fresh_page) <= info->pdata_end,
        "client: persistent variables in .pdata [%#lx, %#lx)", info ? info->pdata_start : 0,
        info ? info->pdata_end : 0);
  check("D17", g_seed == 0x5eed, "a persistent variable starts with its image value %#lx",
        word(g_seed));
  const word before = my_pages(1);
  g_fresh_page[100] = 'p';
  const word after = my_pages(1);
  check("D18", before != ~word(0) && after == before + 1 && g_fresh_page[100] == 'p',
        "touching a new .pdata page: persistent pages %lu -> %lu", before, after);
  const word counter_pid = pid_of("counter");
  const word counter_pdata = counter_pid ? ps_pdata_of(counter_pid) : ~word(0);
  const word my_pdata = ps_pdata_of(arc::my_pid());
  check("D19", counter_pid && counter_pdata != ~word(0) && counter_pdata >= 1 && my_pdata == after,
        "root's ps: counter (pid %lu) %lu persistent pages, client %lu", counter_pid,
        counter_pdata, my_pdata);

  printf("DEMO: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
