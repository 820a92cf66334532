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
  stepping_ = false;   // a later outage gets a budget of its own
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
    const word pause = d < left ? d : left;
    // Instead of sleeping through the pause, wait for the name itself: the name service answers
    // the moment the server publishes it (a shell starting with its console found it 10 ms
    // late, a fifth of the boot). What the wait does not use (no place at the name service, a
    // call that failed) is slept, so the look-ups keep the back-off's pace.
    if (!env_->wait) {
      env_->sleep(pause);
      continue;
    }
    const word t0 = env_->now_ms();
    env_->clear(slot_);
    if (env_->wait(name_, slot_, pause) == Status::ok) return Found();
    const word spent = env_->now_ms() - t0;
    if (spent < pause) env_->sleep(pause - spent);
  }
}

Status Connection::ConnectStep(word budget_ms) {
  const word now = env_->now_ms();
  if (!stepping_) {
    stepping_ = true;
    step_start_ = now;
    step_due_ = 0;
    step_attempt_ = 0;
  }
  const word waited = now - step_start_;
  const bool spent = waited >= budget_ms;
  if (!spent && waited < step_due_) return Status::busy;
  const Status st = LookupOnce();
  if (st == Status::ok || spent || !worth_waiting(st)) return st;
  step_due_ = waited + backoff_.delay(step_attempt_++);
  return Status::busy;
}

#ifndef ARC_HOST_TEST
namespace {
// The name service checks that a server's endpoint is alive before it answers, but the server
// may die before the answer arrives: the capability is not transferred (invalid_cap, as when
// there is no name service at all). Its name is then not published right now, which is worth
// waiting for: a restarting server publishes it again.
Status kernel_lookup(const char *name, CapSlot slot) {
  const Status st = names::find(name, slot);
  if (st == Status::invalid_cap && cap_identify(proc::names).r[0] == word(ObjType::endpoint))
    return Status::invalid_arg;
  return st;
}
void kernel_clear(CapSlot slot) {
  if (cap_identify(slot).r[0] != word(ObjType::none)) (void)cap_delete(slot);
}
void kernel_sleep(word ms) { sleep_ms(ms); }
Status kernel_wait(const char *name, CapSlot slot, word ms) {
  return names::find_wait(name, slot, ms);
}
word kernel_now_ms() { return ticks_ms(); }
} // namespace

const ConnectionEnv kernel_connection_env = {kernel_lookup, kernel_clear, kernel_sleep,
                                             kernel_now_ms, kernel_wait};
#endif

} // namespace arc
