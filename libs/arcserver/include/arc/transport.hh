// The IPC primitives the ArcServer framework and the client helpers use, as plain functions.
//
// On Arc they are the kernel's (src/transport_kernel.cc, a few lines each over libs/arc). The
// host unit tests link their own definitions instead (a fake transport that feeds messages and
// records replies), which is how the dispatch, replay and session logic is tested without Arc.
// Every function works on the calling thread's message registers, mr().
#pragma once
#include <arc/abi.hh>

namespace arc::ckpt_caps { struct Record; }

namespace arc::transport {

word *mr();                                      // MR0..MR63 of the calling thread
Status wait(CapSlot ep, word *badge);            // open receive on ep
Status reply_wait(CapSlot ep, word *badge);      // reply with mr(), then receive on ep
Status reply();                                  // reply with mr() to the pending caller, no wait
Status reply_to(CapSlot reply_cap);              // send mr() to a saved reply capability; the
                                                 // slot is empty afterwards
Status save_reply(CapSlot slot);                 // move the pending caller's reply right to slot
bool caller_waits(CapSlot reply_cap);            // a saved reply right's caller still waits
void drop(CapSlot slot);                         // delete a capability of ours
Status call(CapSlot ep, word timeouts);          // call ep with mr(); the reply lands in mr()
void set_rcv_cap_slot(CapSlot slot);             // where an incoming capability item goes
Status irq_attach(CapSlot irq, CapSlot ep);      // deliver irq's interrupt to ep, then unmask it
Status irq_detach(CapSlot irq);                  // deliver it nowhere (the `irq` injection)
unsigned long long cycles();                     // a time stamp (guest instructions under
                                                 // -icount; 0 where user code has no counter)
// The helper threads (start_thread) at a checkpoint (src/park.cc): each stopped with its
// registers pushed on its stack, their numbers and stack pointers into the record; false (none
// left stopped) when one cannot be kept: no checkpoint may be taken then.
bool park_threads(ckpt_caps::Record *r);
void unpark_threads();                           // after the checkpoint: they go on

} // namespace arc::transport
