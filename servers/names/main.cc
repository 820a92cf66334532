// The name service: string names to endpoint capabilities. A server publishes its endpoint
// under a name; a client looks the name up and receives a send capability. Every lookup is
// recorded (client pid -> server name): the reincarnation monitor restarts connected processes
// together.
//
// An ArcServer like any other, so it can be restarted hot or warm: its records (registry.hh)
// are persistent, the endpoints they name stay in its capability space (kept by a hot restart,
// moved over whole by a warm one), and its own endpoint belongs to the root task, so no client's
// capability to it ever changes. A cold restart discards the records but not the capabilities:
// the root task moves the registry's slots into the new process (every client's copy derives
// from them), tells each server that had published to publish again, and each publication finds
// its kept endpoint and the clients' capabilities minted from it with cap_same, so that the
// records are rebuilt and nobody's connection is cut (docs/restarts.md, "The name service").
#include "registry.hh"

#include <arc/libc.h>
#include <arc/message.hh>
#include <arc/proto/names.hh>
#include <arc/pdata.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <string.h>

using namespace arc;

// The name service is what a console lookup asks: its console is the kernel's.
ARC_CONSOLE_KDEBUG_ONLY;

static_assert(namesvc::name_bytes == arc::names::name_words * sizeof(word), "names fit the words");
static_assert(namesvc::first_slot == names::kept_first && namesvc::client_end == names::kept_end &&
                  namesvc::end_slot == namesvc::client_first,
              "the root task keeps exactly the registry's slots over a cold restart");

namespace {

ARC_PDATA namesvc::Registry g_reg = {};

// Lookups waiting for a name to be published (names::find_wait): the reply right of each and the
// name it waits for. Persistent like the records, so a hot or warm restart keeps them (their
// reply rights stay in our capability space); a cold restart loses them, and their callers'
// calls fail and they ask again. A place whose caller gave up (its call timed out) is taken back
// when a new one is needed or the name comes.
constexpr unsigned max_waiters = 16;
struct Waiter {
  Deferred d;
  char name[namesvc::name_bytes];
};
ARC_PDATA Waiter g_waiters[max_waiters] = {};

// A waiter as a restart finds it: empty, or holding a reply right in a slot the framework's
// allocator hands out (never one of the registry's) and a valid name.
bool waiter_sane(const Waiter &w) {
  if (!w.d.pending()) return true;
  return w.d.slot < namesvc::first_slot && w.d.label == arc::names::lookup_wait &&
         w.name[namesvc::name_bytes - 1] == 0 && namesvc::valid_name(w.name);
}

bool holds_endpoint(CapSlot s) { return cap_identify(s).r[0] == word(ObjType::endpoint); }
bool empty(CapSlot s) { return cap_identify(s).r[0] == word(ObjType::none); }

class Names : public ArcServer<Names> {
public:
  Names() : ArcServer("names") {}

  Status Initialize() {
    g_reg.Reset();
    for (Waiter &w : g_waiters) w = Waiter{};   // a cold start: their reply rights are gone
    // Capabilities the root task kept over a cold restart: claimed as their servers publish again.
    unsigned kept = 0;
    for (CapSlot s = names::kept_first; s < names::kept_end; ++s) kept += !empty(s);
    if (kept) printf("[names] started cold with %u capabilities kept: matched as servers publish again\n", kept);
    Arm();
    return Status::ok;
  }

  Recovery Recover() {
    if (!g_reg.Valid()) {
      printf("[names] records damaged: cannot recover\n");
      return Recovery::cold;
    }
    // The slot armed for the interrupted request may hold the capability it brought: keep it
    // for the replay. Only one an entry already keeps must be replaced.
    // A damaged waiter is forgotten (its caller's call times out and it asks again); its slot is
    // not trusted enough to be released.
    for (Waiter &w : g_waiters)
      if (!waiter_sane(w)) w = Waiter{};
    if (!g_reg.armed || g_reg.Holds(g_reg.armed)) Arm();
    else ReceiveCapsInto(g_reg.armed);
    unsigned n = 0;
    while (g_reg.At(n)) ++n;
    printf("[names] recovered: %u names, %lu connections\n", n, g_reg.n_conns);
    return Recovery::resume;
  }

  static constexpr auto Handlers() {
    return handler_table<Names>({
        {arc::names::reg, arc::names::name_words, arc::names::name_words, &Names::Register, "register"},
        {arc::names::lookup, arc::names::name_words, arc::names::name_words, &Names::Lookup, "lookup"},
        {arc::names::lookup_wait, arc::names::name_words, arc::names::name_words, &Names::LookupWait,
         "lookup-wait"},
        {arc::names::list, 1, 1, &Names::List, "list"},
        {arc::names::connections, 1, 1, &Names::Connections, "connections"},
    });
  }

  Status Register(const Request &req, Reply &) {
    if (req.seq == g_reg.last_reg_seq) return Status(g_reg.last_reg_status);   // replayed, done
    const Status st = Publish(req);
    g_reg.last_reg_status = word(st);
    g_reg.last_reg_seq = req.seq;
    // The armed slot now belongs to an entry (or was emptied): the next capability goes elsewhere.
    Arm();
    return st;
  }

  Status Lookup(const Request &req, Reply &rep) {
    DropStray(req);
    char name[namesvc::name_bytes];
    namesvc::Entry *e = req.string(1, arc::names::name_words, name, sizeof(name)) ? g_reg.Find(name)
                                                                                 : nullptr;
    // A server restarted cold is gone until it publishes again: its endpoint (and so our
    // copy) went with it. Not found, for now; name_wait() asks again.
    if (!e || !holds_endpoint(e->slot)) return Status::invalid_arg;
    rep.put_cap(Answer(req.badge, *e), rights::send);
    return Status::ok;
  }

  // A lookup that may wait: answered at once when the name is there, else kept until it is
  // published (Publish answers it) or its caller gives up. With no place left it is answered
  // as a plain lookup would be, and the caller asks again later.
  Status LookupWait(const Request &req, Reply &rep) {
    const Status st = Lookup(req, rep);
    if (st != Status::invalid_arg) return st;
    char name[namesvc::name_bytes];
    if (!req.string(1, arc::names::name_words, name, sizeof(name)) || !namesvc::valid_name(name))
      return Status::invalid_arg;
    Waiter *w = FreeWaiter();
    if (!w || Defer(req, rep, w->d) != Status::ok) return Status::invalid_arg;
    memcpy(w->name, name, sizeof(name));
    return Status::ok;
  }

  Waiter *FreeWaiter() {
    for (int pass = 0; pass < 2; ++pass)
      for (Waiter &w : g_waiters) {
        if (!w.d.pending()) return &w;
        if (pass == 1 && release_abandoned(w.d)) return &w;
      }
    return nullptr;
  }

  // `e` was just published: answer everyone waiting for its name, as a lookup would.
  void Wake(namesvc::Entry &e) {
    for (Waiter &w : g_waiters) {
      if (!w.d.pending() || strcmp(w.name, e.name)) continue;
      if (release_abandoned(w.d)) continue;   // its caller gave up
      const CapSlot cap = Answer(w.d.badge, e);
      (void)Complete(w.d, Status::ok, [&](Reply &r) { r.put_cap(cap, rights::send); });
    }
  }

  // What a lookup of e by `client` answers, now or when it waited: the connection is recorded
  // (the restart machinery's dependants) and the client's capability returned.
  CapSlot Answer(word client, namesvc::Entry &e) {
    if (!g_reg.Connect(client, e, empty) && g_reg.dropped == 1)
      printf("[names] connection table full: later lookups are not recorded\n");
    return ClientCap(client, e);
  }

  // The capability a client gets: minted from the server's endpoint with the client's pid as
  // its badge, so that the server's req.badge tells its clients apart (their sessions, open
  // files, blocked reads are theirs alone). Kept in the connection's slot: deleting it would take
  // the client's copy along. Without a slot (more connections than slots) the server's own
  // endpoint, which every such client shares (said once).
  //
  // An endpoint another domain granted ours (docs/domains.md, `grant`) comes badged already: its
  // server tells our domain from its own clients by that badge, and no other can be set. Every
  // client of ours gets it as it is.
  CapSlot ClientCap(word client, const namesvc::Entry &e) {
    if (cap_identify(e.slot).r[2] != 0) return e.slot;
    const CapSlot s = g_reg.ClientSlot(client, e);
    if (s) {
      const Result r = cap_identify(s);
      if (r.ok() && r.r[0] == word(ObjType::endpoint) && r.r[2] == client && cap_same(s, e.slot))
        return s;   // still good
      if (!empty(s)) (void)cap_delete(s);
      if (cap_mint(e.slot, proc::space, s, rights::send, client) == Status::ok) return s;
    }
    if (!shared_told_) {
      shared_told_ = true;
      printf("[names] no slot for a per-client capability: pid %lu gets %s's shared endpoint\n",
             client, e.name);
    }
    return e.slot;
  }
  bool shared_told_ = false;

  Status List(const Request &req, Reply &rep) {
    DropStray(req);
    const namesvc::Entry *e = g_reg.At(req.arg(1));
    if (!e) return Status::invalid_arg;
    rep.put(e->owner);
    rep.put(e->connections);
    rep.put_string(e->name, arc::names::name_words);
    return Status::ok;
  }

  Status Connections(const Request &req, Reply &rep) {
    DropStray(req);
    const word i = req.arg(1);
    if (i >= g_reg.n_conns) return Status::invalid_arg;
    rep.put(g_reg.conns[i].client);
    rep.put_string(g_reg.entries[g_reg.conns[i].entry].name, arc::names::name_words);
    return Status::ok;
  }

private:
  Status Publish(const Request &req) {
    const CapSlot got = g_reg.armed;
    const Tag tag(req.mr[0]);
    const bool have_cap = got && req.typed == 2 && !tag.map_failed() && holds_endpoint(got);
    char name[namesvc::name_bytes];
    if (!req.string(1, arc::names::name_words, name, sizeof(name)) || !namesvc::valid_name(name) ||
        !have_cap) {
      DropStray(req);
      return Status::invalid_arg;
    }
    // Published again with the endpoint it has (a server's Recover(), or told to after our cold
    // restart while we already had it): nothing changes, and the copy is not kept twice.
    if (namesvc::Entry *e = g_reg.Find(name); e && holds_endpoint(e->slot) && cap_same(e->slot, got)) {
      (void)cap_delete(got);
      e->owner = req.badge;
      return Status::ok;
    }
    // After our cold restart: the endpoint we had before is kept in an unclaimed slot, and the
    // clients' capabilities derive from that copy, not from the one just sent. Claim it.
    const CapSlot kept = KeptEndpoint(got);
    if (kept) (void)cap_delete(got);
    namesvc::Entry *e = g_reg.Publish(name, kept ? kept : got, req.badge);
    if (!e) {
      if (!kept) (void)cap_delete(got);
      return Status::no_memory;
    }
    if (!kept) {
      printf("[names] '%s' published by pid %lu\n", name, req.badge);
      Wake(*e);
      return Status::ok;
    }
    const unsigned clients = ClaimClients(*e);
    printf("[names] '%s' published again by pid %lu: its kept endpoint and %u clients' capabilities\n",
           name, req.badge, clients);
    Wake(*e);
    return Status::ok;
  }

  // A kept endpoint capability (unclaimed, with the badge a publication has) to the same endpoint as
  // the one in `got`, or 0.
  CapSlot KeptEndpoint(CapSlot got) {
    for (CapSlot s = namesvc::first_slot; s < namesvc::end_slot; ++s) {
      if (s == got || g_reg.Holds(s) || !holds_endpoint(s)) continue;
      // Unbadged as published, or badged as a granted endpoint is (the same badge).
      if (cap_identify(s).r[2] == cap_identify(got).r[2] && cap_same(s, got)) return s;
    }
    return 0;
  }

  // The kept capabilities minted from e's endpoint for clients (their pid is the badge) become
  // their connection records again: a group restart finds them, and a lookup hands out the same
  // capability. Returns how many.
  unsigned ClaimClients(const namesvc::Entry &e) {
    unsigned n = 0;
    for (CapSlot s = namesvc::client_first; s < namesvc::client_end; ++s) {
      if (g_reg.ClientSlotUsed(s) || !holds_endpoint(s)) continue;
      const word client = cap_identify(s).r[2];
      if (client && cap_same(s, e.slot) && g_reg.Adopt(client, e, s)) ++n;
    }
    return n;
  }

  // A capability sent with anything but a good registration is not kept.
  void DropStray(const Request &) {
    const CapSlot s = g_reg.armed;
    if (s && !g_reg.Holds(s) && !empty(s)) (void)cap_delete(s);
  }

  // The next incoming capability goes into an empty slot no entry keeps.
  void Arm() {
    g_reg.armed = 0;
    for (CapSlot s = namesvc::first_slot; s < namesvc::end_slot && !g_reg.armed; ++s)
      if (!g_reg.Holds(s) && empty(s)) g_reg.armed = s;
    ReceiveCapsInto(g_reg.armed);   // 0: every slot is taken; registrations fail until one frees
  }
};

} // namespace

int main() {
  static Names server;
  return server.Run();
}
