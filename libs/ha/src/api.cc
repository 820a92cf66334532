// The monitor's side of the HA library: every call is one message to the workers' control
// thread, sent only if it is waiting for one right now (a zero timeout), never a call. The
// monitor is the root task, which pages the workers' pager: waiting for the workers could wait
// for itself. A message not taken (timeout) is the caller's to send again later; what the
// workers make of one they took (a full table, a bad capability) they say on the console.
#include "ha/ha.hh"
#include "ha/proto.hh"
#include <arc/sys.hh>

using namespace arc;

namespace {
CapSlot workers_ep;

Status post() { return ipc_raw(ipc::send, workers_ep, 0, ipc::timeouts(0, 0), nullptr); }
} // namespace

Status HA_start(CapSlot workers) {
  if (workers_ep) return Status::busy;
  if (!workers) return Status::invalid_cap;
  workers_ep = workers;
  return Status::ok;
}

Status HA_stop() {
  if (!workers_ep) return Status::no_partner;
  Utcb *u = utcb();
  u->mr[0] = Tag(ha::proto::stop, 0, 0).raw;
  const Status st = post();
  workers_ep = 0;
  return st;
}

Status HA_monitor(CapSlot thread, word id, const ha::WatchParams &p) {
  if (!workers_ep) return Status::no_partner;
  Utcb *u = utcb();
  u->mr[0] = Tag(ha::proto::watch, ha::proto::watch_args, 2).raw;
  u->mr[1] = id;
  u->mr[2] = p.what;
  u->mr[3] = p.period_ms;
  u->mr[4] = p.loop.beta;
  u->mr[5] = p.loop.limit;
  u->mr[6] = p.loop.samples;
  u->mr[7] = p.deadlock_ms;
  u->mr[8] = thread;
  u->mr[9] = ((rights::perfmon | rights::control) << 8) | item::cap;
  return post();
}

Status HA_unmonitor(word id) {
  if (!workers_ep) return Status::no_partner;
  Utcb *u = utcb();
  u->mr[0] = Tag(ha::proto::unwatch, 1, 0).raw;
  u->mr[1] = id;
  return post();
}
