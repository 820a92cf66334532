// Group checkpoints (docs/restarts.md, "Group checkpoints"): a server and the processes connected
// to it (the group restart's set, from the name service's connection records) checkpointed at
// one consistent point, and restored to it together.
#pragma once
#include "process.hh"

namespace rt {

// Hold every member where it waits for a message, all at once, knock each with the checkpoint
// message while held, and let them go: each takes its checkpoint before anything else. busy when
// one of them is not at a quiet point (the caller asks again); invalid_arg when `caller` is a
// member (it waits in this call: never quiet).
arc::Status group_checkpoint(Process *leader, Process *caller);

// Every member of leader's last group checkpoint back to it: all held first, then each restored
// by its pager. not_supported: no group checkpoint, or one that is no longer whole (a member
// restarted or checkpointed alone since); busy: a member has not reported its part yet.
arc::Status group_restore(Process *leader, Process *caller);

// p's pager reported checkpoint `number` (0: failed) asked with the pager::checkpoint_* bits
// `how`: counted for p's group checkpoint, or the end of any group checkpoint it belongs to.
void group_checkpointed(Process *p, word number, word how);

} // namespace rt
