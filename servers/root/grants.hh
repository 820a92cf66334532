// Endpoints granted between secure domains (`grant [DOMAIN:]SERVER to DOMAIN,... [as NAME]`,
// docs/domains.md). The kernel lets a capability into a domain's space only from that domain or
// from domain 0, so an endpoint crosses through the boot root task:
//   1. the exporting root task (a domain's, or the boot root task for a server of the top level)
//      copies its server's endpoint, send right only, into a slot of its own and tells the boot
//      root task (sigma0 label_export), which takes the copy out of its space and holds it;
//   2. an importing domain's root task asks for it (label_import) into an empty slot of its own:
//      the boot root task mints it there, badged for the importing domain;
//   3. that root task publishes it in its domain's name service under the grant's name, where
//      the domain's clients look it up like any of their own servers.
// Every copy derives from the server's endpoint: when the endpoint goes (a cold restart of its
// server, a restart of its domain), every importer's copy goes with it. Each root task looks at
// its grants from its loop: an exporter exports again when its server's endpoint changed, an
// importer imports and publishes again when its copy is gone or its name service lost it.
#pragma once
#include <arc/abi.hh>
#include <bootcfg/bootcfg.hh>

namespace arc {
struct Utcb;
}

namespace rt {

using arc::CapSlot;
using arc::word;

// The grants of the configuration we read (the boot root task's or a domain's root task's).
void grants_init(const bootcfg::Config &config);
// The exports and imports that are due (from the loop, between messages; it saves and restores
// the message registers).
void grants_tick();
// How long the loop may wait before grants_tick() is due: short while one is still to be done,
// longer while every grant of ours is in place (a lost copy is found at the next look); 0 when
// we have no grants.
word grants_timeout_ms();
// Whether grants_tick() is due (its timeout has passed since it last ran): a root task that is
// never idle long enough for a timeout still looks.
bool grants_due();
// Our name service was restarted cold: every import is published again.
void grants_names_restarted();

// The boot root task: a domain root task's label_export or label_import (secure.cc), from the
// domain at `index` in the configuration, whose root task's space is `space` (ours to reach).
void grants_serve(unsigned index, CapSlot space, arc::Utcb *u);

} // namespace rt
