// The name service: string names to endpoint capabilities. A server publishes its endpoint
// under a name; a client looks the name up and receives a send capability. Every lookup is
// recorded (client pid → server name): the reincarnation monitor restarts connected processes
// together.
#include <arc/libc.h>
#include <arc/proto/names.hh>
#include <arc/proto/process.hh>
#include <arc/start.hh>
#include <arc/sys.hh>
#include <string.h>

using namespace arc;

// The name service is what a console lookup asks: its console is the kernel's.
ARC_CONSOLE_KDEBUG_ONLY;

namespace {

constexpr unsigned max_names = 64, max_connections = 256;
constexpr CapSlot first_slot = proc::first_free;

struct Entry {
  char name[names::name_words * sizeof(word)];
  CapSlot slot;      // our copy of the endpoint (0: unused entry)
  word owner;        // pid that published it
  word connections;
};
struct Connection { word client; unsigned entry; };

Entry entries[max_names];
Connection conns[max_connections];
unsigned n_conns;

Entry *find(const char *name) {
  for (Entry &e : entries)
    if (e.slot && !strcmp(e.name, name)) return &e;
  return nullptr;
}

void reply_status(Utcb *u, Status s, unsigned results = 0) {
  u->mr[0] = Tag(0, 1 + results, 0).raw;
  u->mr[1] = word(s);
}

bool valid_name(const char *n) {
  if (!*n) return false;
  for (; *n; ++n)
    if (!((*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '-' || *n == '_')) return false;
  return true;
}

} // namespace

int main(int, char **) {
  Utcb *u = utcb();
  word badge = 0;
  // One slot stands ready for an incoming capability at all times.
  unsigned spare = 0;
  auto arm = [&] { u->rcv_cap_slot = first_slot + spare; };
  arm();
  Status st = recv(proc::service, &badge);
  for (;;) {
    if (st != Status::ok) {
      arm();
      st = recv(proc::service, &badge);
      continue;
    }
    const Tag tag(u->mr[0]);
    char name[names::name_words * sizeof(word)];
    proc::unpack(&u->mr[1], tag.untyped() < names::name_words ? tag.untyped() : names::name_words,
                 name, sizeof(name));
    switch (tag.label()) {
    case names::reg: {
      const CapSlot got = first_slot + spare;
      bool have_cap = tag.typed() == 2 && !tag.map_failed() &&
                      cap_identify(got).r[0] == word(ObjType::endpoint);
      if (!valid_name(name) || tag.untyped() != names::name_words || !have_cap) {
        if (have_cap || cap_identify(got).r[0] != word(ObjType::none)) (void)cap_delete(got);
        reply_status(u, Status::invalid_arg);
        break;
      }
      Entry *e = find(name);
      if (e) {
        // A restarted server publishes again: the new capability replaces the old one. The old
        // one is not deleted: clients' copies derive from it. After a cold restart its endpoint
        // is gone and the slot empties itself; after a hot or warm one it still works.
        e->slot = got;
        e->owner = badge;
      } else {
        for (Entry &f : entries)
          if (!f.slot) { e = &f; break; }
        if (!e) { (void)cap_delete(got); reply_status(u, Status::no_memory); break; }
        strcpy(e->name, name);
        e->slot = got;
        e->owner = badge;
        e->connections = 0;
      }
      // The next free slot for the next incoming capability: empty, and no entry's.
      for (spare = 0; spare < 200; ++spare) {   // our space has 256 slots
        CapSlot s = first_slot + spare;
        bool used = cap_identify(s).r[0] != word(ObjType::none);
        for (Entry &f : entries) used |= f.slot == s;
        if (!used) break;
      }
      printf("[names] '%s' published by pid %lu\n", name, badge);
      reply_status(u, Status::ok);
      break;
    }
    case names::lookup: {
      Entry *e = find(name);
      // A server restarted cold is gone until it publishes again: its endpoint (and so our
      // copy) went with it. Not found, for now; name_wait() asks again.
      if (!e || cap_identify(e->slot).r[0] != word(ObjType::endpoint)) {
        reply_status(u, Status::invalid_arg);
        break;
      }
      ++e->connections;
      if (n_conns < max_connections) conns[n_conns++] = {badge, unsigned(e - entries)};
      reply_status(u, Status::ok);
      u->mr[0] = Tag(0, 1, 2).raw;
      u->mr[2] = e->slot;
      u->mr[3] = (rights::send << 8) | item::cap;
      break;
    }
    case names::list: {
      word i = u->mr[1];
      unsigned k = 0;
      Entry *e = nullptr;
      for (Entry &f : entries)
        if (f.slot && k++ == i) { e = &f; break; }
      if (!e) { reply_status(u, Status::invalid_arg); break; }
      reply_status(u, Status::ok, 2);
      u->mr[2] = e->owner;
      u->mr[3] = e->connections;
      unsigned w = proc::pack(&u->mr[4], e->name, names::name_words);
      u->mr[0] = Tag(0, 3 + w, 0).raw;
      break;
    }
    case names::connections: {
      word i = u->mr[1];
      if (i >= n_conns) { reply_status(u, Status::invalid_arg); break; }
      reply_status(u, Status::ok, 1);
      u->mr[2] = conns[i].client;
      unsigned w = proc::pack(&u->mr[3], entries[conns[i].entry].name, names::name_words);
      u->mr[0] = Tag(0, 2 + w, 0).raw;
      break;
    }
    default:
      reply_status(u, Status::invalid_arg);
    }
    arm();
    st = reply_wait(proc::service, &badge);
  }
}
