// What a process started by the root task can ask about itself, and the name service client.
#pragma once
#include <arc/abi.hh>
#include <arc/proto/process.hh>

namespace arc {

// Our information page (proc::Info at boot_info_addr), or null when it is not there (a program
// started as an initial task gets a BootInfo instead).
const proc::Info *process_info();
word my_pid();                        // 0 when unknown

// The n-th (0-based) resource of a kind from the boot configuration, or null.
const proc::Resource *find_resource(word kind, unsigned n = 0);
// The I/O-port resource that covers [first, first + count), or null.
const proc::Resource *find_ports(word first, word count);

// The name service (proc::names). A name published is remembered (up to 4, in persistent
// memory) for publish_again().
Status name_register(const char *name, CapSlot ep);
// Publish every remembered name again, with the endpoint it was published with: what a server
// does when the monitor tells it (server_label::publish_again) that the name service was
// restarted cold and lost its records. Returns how many were accepted.
unsigned publish_again();
// Forget what was published (ServerCore::DiscardPersistent(): a cold start in the host tests).
void forget_published();
// Whether `name` is among the names we published (a server's check of its own start).
bool published(const char *name);
// Looks `name` up and puts a capability for it into `slot` (empty).
Status name_lookup(const char *name, CapSlot slot);
// name_lookup, waiting at most `wait_ms` for the name to be published (servers start in any
// order): the name service answers when it is (names::find_wait); where it cannot keep the
// request, looked up again every `poll_ms`.
Status name_wait(const char *name, CapSlot slot, word wait_ms, word poll_ms = 20);

// Capability slots for a program's own use (saved reply rights, looked-up names): a small
// allocator over proc::first_free .. proc::first_free + 63. The map is persistent, so slots
// held across a hot/warm restart stay taken.
CapSlot slot_alloc();
void slot_free(CapSlot slot);

// Fault injection through the root task's monitor (root::inject; the shell, apps/injector and
// scenario tests): arm `kind` (server_label::inject_*) in the server named `server` (its boot
// name) for its (after + 1)-th request, or handler step with at = server_label::inject_at_step.
// Returns the status of the arming.
Status inject_fault(const char *server, word kind, word after, word at = 0);
// Tell the monitor that the server behind `ep` failed us (root::complain): it answered `seen`
// where that cannot be right, while it may still take every message. Taken only from a process
// whose boot line starts it after that server; the server's restart policy decides. The status
// of the complaint (no_rights: we do not depend on it by the boot configuration; busy: it is
// being restarted).
Status complain(CapSlot ep, Status seen);
// Whether the client behind `badge` (its pid: the name service mints each client's capability
// with it) is configured to use us: its boot line starts it after us (root::depends). ok or
// no_rights; another status when the root task could not be asked (try again later).
Status client_depends(word badge);
// What a server remembers of client_depends: asked once per client (the last 16), refusals said
// once on the console. Plain data, meant for persistent memory (ARC_PDATA ClientAccess x = {};):
// a request replayed after a restart must not have to ask the root task again, which may at that
// moment be calling us (an injected fault, a heartbeat).
struct ClientAccess {
  struct Seen { word badge, allowed, known; };
  Seen seen[16];
  word next;
  // ok or no_rights; busy when the root task could not be asked (not remembered). `server` is
  // our name, for the console.
  Status Check(word badge, const char *server);
};
// The injection kind called `name` ("crash", "hang", "panic", "corrupt", "stall", "lose"; 0 for
// none), and the name of a kind ("?" for none).
word inject_kind(const char *name);
const char *inject_kind_name(word kind);

} // namespace arc
