// Client recovery (arc/reconnect.hh): the connection logic, and the kernel's environment.
#include <arc/reconnect.hh>

#ifndef ARC_HOST_TEST
#include <arc/proto/names.hh>
#include <arc/sys.hh>
#endif

namespace arc {

namespace {
// A lookup may fail because the name is not published right now (invalid_arg: the server is
// starting or restarting) or the name service is slow; anything else (no name service at all)
// will not get better by waiting.
bool worth_waiting(Status st) {
  return st == Status::invalid_arg || st == Status::timeout || st == Status::no_partner;
}
} // namespace

Status Connection::Found() {
  if (connected_before_) ++reconnects_;
  connected_before_ = true;
  down_ = false;
  reported_ = false;
  return Status::ok;
}

Status Connection::LookupOnce() {
  env_->clear(slot_);
  const Status st = env_->lookup(name_, slot_);
  if (st == Status::ok) return Found();
  down_ = true;
  return st;
}

Status Connection::Connect() {
  const word start = env_->now_ms();
  for (unsigned attempt = 0;; ++attempt) {
    const Status st = LookupOnce();
    if (st == Status::ok || !worth_waiting(st)) return st;
    const word waited = env_->now_ms() - start;
    if (waited >= backoff_.budget_ms) return st;
    const word d = backoff_.delay(attempt), left = backoff_.budget_ms - waited;
    env_->sleep(d < left ? d : left);
  }
}

#ifndef ARC_HOST_TEST
namespace {
Status kernel_lookup(const char *name, CapSlot slot) { return names::find(name, slot); }
void kernel_clear(CapSlot slot) {
  if (cap_identify(slot).r[0] != word(ObjType::none)) (void)cap_delete(slot);
}
void kernel_sleep(word ms) { sleep_ms(ms); }
word kernel_now_ms() {
  const Result r = syscall(Sys::kdebug, word(KdOp::ticks));
  return r.ok() ? r.r[0] * (r.r[1] ? r.r[1] : 1) : 0;
}
} // namespace

const ConnectionEnv kernel_connection_env = {kernel_lookup, kernel_clear, kernel_sleep,
                                             kernel_now_ms};
#endif

} // namespace arc
