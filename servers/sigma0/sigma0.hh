// sigma0's protocol (besides page faults, which it answers with a fresh zeroed page).
#pragma once
#include <arc/abi.hh>

namespace sigma0 {
// MR1 = physical address of a page inside a boot module; reply maps it read-only at the
// receiver's window (hot spot MR2). Refused (MR1 = error) for anything else.
constexpr arc::word label_map_module = 1;
// Reply MR1 = number of free frames left.
constexpr arc::word label_free_frames = 2;
} // namespace sigma0
