// PSCI (ARM DEN 0022, the Power State Coordination Interface): the firmware calls of QEMU's virt
// machine. Only SYSTEM_RESET is used, for reset_system().
#pragma once
#include "lib/types.hh"

namespace kern::platform::psci {

// SYSTEM_RESET (SMC32 function id 0x84000009): resets the machine and does not return. Returns
// if the call did (an error, or no PSCI behind the conduit).
void system_reset();

} // namespace kern::platform::psci
