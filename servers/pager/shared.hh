// Shared regions of the client (sessions; pager::share_*): the pager's side (servers/pager).
#pragma once
#include <arc/abi.hh>

using arc::word;

// The slot of the region the client address lies in, -1 if none.
int shared_slot_of(word client_va);
// pager::share_create, share_allow, share_attach, share_detach: answered in u.
void serve_share(arc::Utcb *u);
