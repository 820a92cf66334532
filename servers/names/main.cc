// The name service: string names to endpoint capabilities. A server publishes its endpoint
// under a name; a client looks the name up and receives a send capability. Every lookup is
// recorded (client pid -> server name): the reincarnation monitor restarts connected processes
// together.
//
// An ArcServer like any other, so it can be restarted hot or warm: its records (registry.hh)
// are persistent, the endpoints they name stay in its capability space (kept by a hot restart,
// moved over whole by a warm one), and its own endpoint belongs to the root task, so no client's
// capability to it ever changes. A cold restart would lose every published capability (only
// their publishers could give them again): the boot configuration refuses it for `names`
// (docs/restarts.md, "The name service").
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

namespace {

ARC_PDATA namesvc::Registry g_reg = {};

bool holds_endpoint(CapSlot s) { return cap_identify(s).r[0] == word(ObjType::endpoint); }
bool empty(CapSlot s) { return cap_identify(s).r[0] == word(ObjType::none); }

class Names : public ArcServer<Names> {
public:
  Names() : ArcServer("names") {}

  Status Initialize() {
    g_reg.Reset();
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
    if (!g_reg.Connect(req.badge, *e) && g_reg.dropped == 1)
      printf("[names] connection table full: later lookups are not recorded\n");
    rep.put_cap(ClientCap(req.badge, *e), rights::send);
    return Status::ok;
  }

  // The capability a client gets: minted from the server's endpoint with the client's pid as
  // its badge, so that the server's req.badge tells its clients apart (their sessions, open
  // files, blocked reads are theirs alone). Kept in the connection's slot: deleting it would take
  // the client's copy along. Without a slot (more connections than slots) the server's own
  // endpoint, which every such client shares (said once).
  CapSlot ClientCap(word client, const namesvc::Entry &e) {
    const CapSlot s = g_reg.ClientSlot(client, e);
    if (s) {
      const Result r = cap_identify(s);
      if (r.ok() && r.r[0] == word(ObjType::endpoint) && r.r[2] == client) return s;   // still good
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
    if (!g_reg.Publish(name, got, req.badge)) {
      (void)cap_delete(got);
      return Status::no_memory;
    }
    printf("[names] '%s' published by pid %lu\n", name, req.badge);
    return Status::ok;
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
