// sigma0's protocol (besides page faults, which it answers with a fresh zeroed page, or refuses),
// spoken by the root task (servers/root) and, as a root task, by ktest.
#pragma once
#include <arc/abi.hh>

namespace arc::sigma0 {
// MR1 = physical address of a page inside a boot module; reply maps it read-only (and executable)
// at the receiver's window (hot spot MR2). Refused (MR1 = error) for anything else.
constexpr arc::word label_map_module = 1;
// Reply MR1 = number of free frames left.
constexpr arc::word label_free_frames = 2;
// MR1 = log2 of a chunk size (12..22): reply maps a naturally aligned chunk of free memory that
// size at the receiver's window (hot spot = its physical address), MR1 = physical address.
// Reply untyped MR1 = Status::no_memory when no chunk that large is left.
constexpr arc::word label_alloc_chunk = 3;
// MR1 = physical address of a device page (outside every memory region of the boot information,
// e.g. a timer's registers on ARM); reply maps it read-write, uncached (the kernel maps memory
// outside RAM as device memory), at the receiver's window (hot spot MR2). Refused for RAM.
constexpr arc::word label_map_device = 4;
// As label_map_module, but read-write and not executable: a module that a process uses as data
// (module= in the boot configuration, e.g. a RAM disk's image), changed in place.
constexpr arc::word label_map_module_rw = 5;
} // namespace arc::sigma0
