// What the armv7 arch code needs from an ARM board besides platform/platform.hh.
#pragma once
#include "lib/types.hh"

namespace kern::platform {
// Acknowledge the highest-priority pending interrupt at the controller: its line, or -1 when
// there is none (spurious) or it is no line of ours (then it has been ended already).
int irq_next();
// A 64-bit count in CPU cycles from a board clock, for CPUs whose cycle counter does not count.
uint64_t board_cycles();
} // namespace kern::platform
