// The parts of arc/process.hh that touch the information page or sleep (target only; the host
// tests supply their own process_info()).
#include <arc/process.hh>
#include <arc/sys.hh>

namespace arc {

const proc::Info *process_info() {
  const auto *info = reinterpret_cast<const proc::Info *>(boot_info_addr);
  // An initial task has a BootInfo there instead (its magic differs).
  return info->magic == proc::info_magic ? info : nullptr;
}

Status name_wait(const char *name, CapSlot slot, word wait_ms, word poll_ms) {
  for (word waited = 0;; waited += poll_ms) {
    const Status st = name_lookup(name, slot);
    if (st == Status::ok || waited >= wait_ms) return st;
    if (st != Status::invalid_arg && st != Status::no_partner && st != Status::timeout) return st;
    sleep_ms(poll_ms);
  }
}

} // namespace arc
