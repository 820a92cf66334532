// The domain: every process the root task runs. Until secure domains exist there is one, and the
// root task is its root task. A domain restart is the last rung of the monitor's ladder
// (on-exhausted=domain): every process goes, persistent memory with it, and the boot
// configuration starts again from nothing, as SecDom0 will restart a failed domain. Domain
// restarts have their own intensity (`set domain-restarts R/T`); past it, the machine reboots.
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
