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

// Endpoints the boot configuration grants between secure domains (`grant`, docs/domains.md),
// spoken by a domain's root task to the boot root task, which is its sigma0:
// MR1 = grant index (Config::grants), MR2 = a slot of the caller's that holds a send capability
// to the endpoint of the grant's server, which the caller's domain exports. The boot root task
// takes it out of that slot. Reply MR1 = status (no_rights: not this domain's grant).
constexpr arc::word label_export = 6;
// MR1 = grant index, MR2 = an empty slot of the caller's. Reply MR1 = status: ok, the slot now
// holds a send capability to the granted endpoint, badged with import_badge(the caller's
// domain index); busy: its server has not been exported yet (or is restarting); no_rights: the
// grant is not to the caller's domain.
constexpr arc::word label_import = 7;
// The badge a granted endpoint bears in an importing domain: its server sees the whole domain as
// one client, whose badge no process id of its own domain ever takes.
constexpr arc::word import_badge(arc::word domain_index) { return 0xffe0 + domain_index; }
} // namespace arc::sigma0
