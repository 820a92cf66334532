// Secure domains (docs/domains.md), as the boot root task runs them. Each `domain` block of the
// boot configuration is a kernel domain (kernel/object/domain.hh) with a memory partition taken
// from ours and its own root task: the root program again, started and paged by us, which reads
// its block of the configuration and starts its servers as we start ours. To its root task we
// are sigma0: it takes its memory in chunks from its partition, its boot modules and device pages
// through us. Nothing of a domain reaches another: the kernel refuses every capability, map or
// grant across, and we hand out only what the configuration says (devices=, watch-domains=).
//
// A domain's root task that fails (an exception, a fault we have no page for) loses its thread:
// the domain monitor (SecDom0, servers/secdom0), which holds a perfmon capability on that thread,
// finds it gone, or finds it running without progress (a panic loop), and asks us to restart the
// domain: we delete the domain's factory, which destroys everything the domain had, free its
// partition, and start its root task again from the boot image.
#pragma once
#include "process.hh"
#include <arc/proto/root.hh>
#include <arc/server.hh>

namespace rt {

// Start every domain of the configuration (at boot; after our servers' name service exists).
void domains_start(const bootcfg::Config &config, const arc::BootInfo &ours);
// What a domain's root task sent us (p->domain_root): its page faults, its exceptions and the
// sigma0 protocol. False: no answer (it failed).
bool domain_root_message(Process *p, arc::Utcb *u);
// root::domains, root::domain_watch and root::domain_restart.
arc::Status domain_info(arc::word index, arc::Reply &rep);
// The reply carries the domain root task's thread, perfmon right only.
arc::Status domain_watch(Process *caller, arc::word index, arc::Reply &rep);
arc::Status domain_restart(Process *caller, arc::word index, arc::word generation, arc::word cause,
                           arc::word *new_generation);

// The secure domain we are the root task of ("" for the boot root task).
void set_secure_domain(const char *name);
const char *secure_domain();

// In a domain's root task: the test fault its boot line armed (fault=KIND:MS in its command
// line), carried out once its time has come. How long the root task may wait (0: none due).
void domain_fault_arm(const char *spec);
arc::word domain_fault_timeout_ms();
void domain_fault_tick();

} // namespace rt
