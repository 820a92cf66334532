// The parts of arc/process.hh that touch the information page or sleep (target only; the host
// tests supply their own process_info()).
#include <arc/process.hh>
#include <arc/proto/names.hh>
#include <arc/sys.hh>

namespace arc {

const proc::Info *process_info() {
  const auto *info = reinterpret_cast<const proc::Info *>(boot_info_addr);
  // An initial task has a BootInfo there instead (its magic differs).
  return info->magic == proc::info_magic ? info : nullptr;
}

Status name_wait(const char *name, CapSlot slot, word wait_ms, word poll_ms) {
  const word start = ticks_ms();
  for (;;) {
    const Status st = name_lookup(name, slot);
    const word waited = ticks_ms() - start;
    if (st == Status::ok || waited >= wait_ms) return st;
    if (st != Status::invalid_arg && st != Status::no_partner && st != Status::timeout) return st;
    // Wait for the publication itself rather than for the next poll: the name service answers
    // the moment the name comes (names::find_wait). What it did not wait (no place for the
    // request there, a failed call) is slept, so the look-ups keep at least the poll's pace.
    const word left = wait_ms - waited, t0 = ticks_ms();
    if (names::find_wait(name, slot, left) == Status::ok) return Status::ok;
    if (cap_identify(slot).r[0] != word(ObjType::none)) (void)cap_delete(slot);
    const word spent = ticks_ms() - t0;
    if (spent < poll_ms) sleep_ms(poll_ms - spent < left ? poll_ms - spent : left);
  }
}

} // namespace arc
