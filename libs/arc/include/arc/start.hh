// Program start-up services of libs/arc.
#pragma once
#include <arc/abi.hh>

namespace arc {
// The boot information page of an initial task (null for other programs).
const BootInfo *boot_info();
// End the calling thread; prints the status on the console first.
[[noreturn]] void exit(int status);
}
