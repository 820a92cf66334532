// Program start-up services of libs/arc.
#pragma once
#include <arc/abi.hh>

namespace arc {
// The boot information page of an initial task (null for other programs).
const BootInfo *boot_info();
namespace proc { struct Info; }
// The information page of a process started by the root task (null for initial tasks).
const proc::Info *proc_info();
// End the calling thread; prints the status on the console first.
[[noreturn]] void exit(int status);
}
