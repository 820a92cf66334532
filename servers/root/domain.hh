// The domain: every process this root task runs (the boot root task's, or a secure domain's:
// secure.hh). A domain restart is the last rung of the monitor's ladder (on-exhausted=domain):
// every process goes, persistent memory with it, and the configuration starts again from
// nothing. Domain restarts have their own intensity (`set domain-restarts R/T`); past it, the
// boot root task reboots the machine, and a secure domain's root task fails on purpose, so that
// the domain monitor (SecDom0) restarts the domain whole.
#pragma once
#include "process.hh"

namespace rt {

// Start the boot configuration's servers in their order (at boot, and again after a domain
// restart). The configuration must outlive the root task's loop.
void domain_start(const bootcfg::Config &config);
// The monitor gave up on `culprit`: restart the domain once `backoff_ms` have passed. False if
// none is scheduled: one is already coming, or there were too many (then the machine reboots,
// and false means the board could not).
bool domain_restart_later(Process *culprit, word backoff_ms);
// How long the root task may wait for its next message before a due domain restart (0: none).
word domain_timeout_ms();
// Carry out a domain restart that is due (from the root task's loop, between messages). True if
// one was done: every process, and so every capability the loop held, is new.
bool domain_tick();
// Reset the machine (on-exhausted=reboot, or too many domain restarts); returns only if the board
// cannot, having said so.
void reboot_machine(const char *who);

} // namespace rt
