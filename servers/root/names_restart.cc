#include "names_restart.hh"
#include "grants.hh"
#include "watchdog.hh"
#include <arc/proto/names.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

namespace rt {

using namespace arc;

namespace {
bool ok(Status s) { return s == Status::ok; }

// A server that is not receiving now (serving a request, calling another server) is asked again
// every retry_ms, for give_up_ms from the restart; then it is said that it was not told.
constexpr word retry_ms = 20, give_up_ms = 3000;
word tell_until;     // now_ms() bound for the marked publishers
word last_try;       // now_ms() of the last round
bool tell_pending;   // some process is marked (the loop's fast path)

// Whether the kept capability in `slot` (ours) is q's endpoint or minted from it.
bool is_endpoint_of(CapSlot slot, const Process &q) {
  return q.pid && q.state == root::PState::running && q.service && cap_same(slot, q.service);
}

// Send q the word to publish again, without waiting: true when it took it.
bool tell(Process *q) {
  CapSlot tmp = slot_alloc();
  if (!tmp || !ok(cap_mint(q->service, boot_cap::space, tmp, rights::send, server_label::monitor_badge))) {
    slot_free(tmp);
    return false;
  }
  Utcb *u = utcb();
  u->mr[0] = Tag(server_label::publish_again, 0, 0).raw;
  const bool taken = ok(ipc_raw(ipc::send, tmp, 0, ipc::timeouts(0, 0), nullptr));
  slot_free(tmp);
  return taken;
}
} // namespace

Carry names_keep(Process *p) {
  Carry c;
  const word count = names::kept_end - names::kept_first;
  CapSlot hold = slot_alloc(), probe = slot_alloc();
  if (!hold || !probe || !ok(create(boot_cap::factory, ObjType::space, hold, cspace_log2))) {
    printf("[monitor] %s: no room to keep its capabilities: every client finds its servers again\n",
           p->name);
    slot_free(hold);
    slot_free(probe);
    return c;
  }
  const Result moved = cap_take(p->space, names::kept_first, hold, names::kept_first, count);
  // Who published: each kept capability passes through our probe slot, is compared with every
  // process's endpoint, and goes back.
  unsigned n_procs;
  Process *t = process_table(&n_procs);
  unsigned publishers = 0;
  for (CapSlot s = names::kept_first; s < names::kept_end; ++s) {
    if (!ok(cap_take(hold, s, cap_self, probe).status)) continue;   // empty
    for (unsigned i = 0; i < n_procs; ++i) {
      if (t[i].publish_told || !is_endpoint_of(probe, t[i])) continue;
      t[i].publish_told = true;
      ++publishers;
    }
    (void)cap_take(cap_self, probe, hold, s);
  }
  slot_free(probe);
  printf("[monitor] %s: %lu capabilities kept, %u servers to publish again\n", p->name,
         moved.ok() ? moved.r[0] : 0ul, publishers);
  c.space = hold;
  c.first = names::kept_first;
  c.count = count;
  return c;
}

void names_kept_done(Carry &carry, bool started) {
  slot_free(carry.space);   // what the new process did not take goes with it
  if (started) grants_names_restarted();   // we published the imported endpoints: again
  unsigned n;
  Process *t = process_table(&n);
  for (unsigned i = 0; i < n; ++i) {
    if (!t[i].publish_told) continue;
    t[i].publish_told = started;   // marked: still to be told
    tell_pending |= started;
  }
  if (!tell_pending) return;
  tell_until = now_ms() + give_up_ms;
  tell_publishers();
}

void tell_publishers() {
  if (!tell_pending) return;
  Utcb *u = utcb();
  word saved[mr_count];
  for (unsigned i = 0; i < mr_count; ++i) saved[i] = u->mr[i];
  const word now = now_ms();
  last_try = now;
  const bool late = word(now - tell_until) < (word(1) << 31);   // past tell_until
  unsigned n;
  Process *t = process_table(&n);
  tell_pending = false;
  for (unsigned i = 0; i < n; ++i) {
    Process *q = &t[i];
    if (!q->publish_told) continue;
    if (!q->pid || q->state != root::PState::running || tell(q)) {
      q->publish_told = false;
    } else if (late) {
      q->publish_told = false;
      printf("[monitor] %s (pid %lu) took no message for %lu ms: not told to publish again\n",
             q->name, q->pid, give_up_ms);
    } else {
      tell_pending = true;
    }
  }
  for (unsigned i = 0; i < mr_count; ++i) u->mr[i] = saved[i];
}

bool publishers_due() { return tell_pending && now_ms() - last_try >= retry_ms; }

word publishers_timeout_ms() { return tell_pending ? retry_ms : 0; }

} // namespace rt
