// The name service: string names to endpoint capabilities. It records who looked up whom, so
// the reincarnation monitor can find the processes connected to a failed server.
#pragma once
#include <arc/abi.hh>

namespace arc::names {

constexpr unsigned name_words = 6;   // names of at most 23 characters, packed in MR1..MR6

// The slots of the name service's capability space that a cold restart of it keeps: the
// endpoints servers published and the capabilities minted from them for clients. The clients'
// copies derive from these, so destroying them would cut every connection in the system; the
// root task moves them into the new name service, which matches them with what the servers
// publish again (docs/restarts.md, "The name service").
constexpr CapSlot kept_first = 96, kept_end = 256;

enum Label : word {
  reg = 0x300,        // MR1..6 name, one capability item (an endpoint with send right)
  lookup = 0x301,     // MR1..6 name; reply: one capability item into our rcv_cap_slot
  list = 0x302,       // MR1 = index; reply MR1 owner pid, MR2 connections, MR3..8 name
  connections = 0x303,// MR1 = index; reply MR1 client pid, MR2..7 server name
  lookup_wait = 0x304,// as lookup, but an unpublished name is answered when it is published
};

} // namespace arc::names

// ---- client stubs
#include <arc/proto/process.hh>
#include <arc/sys.hh>

namespace arc::names {

// Publish `ep` (a slot of ours holding an endpoint) under `name`.
inline Status publish(const char *name, CapSlot ep) {
  Utcb *u = utcb();
  u->mr[0] = Tag(reg, name_words, 2).raw;
  proc::pack(&u->mr[1], name, name_words);
  u->mr[1 + name_words] = ep;
  u->mr[2 + name_words] = (rights::send << 8) | item::cap;
  Status st = call(proc::names);
  return st != Status::ok ? st : Status(u->mr[1]);
}

// Find `name` and put a send capability to it into our empty slot `into`.
inline Status find(const char *name, CapSlot into) {
  Utcb *u = utcb();
  u->mr[0] = Tag(lookup, name_words, 0).raw;
  proc::pack(&u->mr[1], name, name_words);
  u->rcv_cap_slot = into;
  Status st = call(proc::names);
  u->rcv_cap_slot = 0;
  if (st != Status::ok) return st;
  if (Status(u->mr[1]) != Status::ok) return Status(u->mr[1]);
  return Tag(u->mr[0]).map_failed() ? Status::invalid_cap : Status::ok;
}

// As find, but a name not published yet is waited for, up to ms milliseconds (the call's
// timeouts): the name service answers as soon as it is published, so a client starting with its
// server is not held up by a polling interval. timeout when it was not published in time;
// invalid_arg at once when the name service has no place to keep the request (ask again later).
inline Status find_wait(const char *name, CapSlot into, word ms) {
  Utcb *u = utcb();
  u->mr[0] = Tag(lookup_wait, name_words, 0).raw;
  proc::pack(&u->mr[1], name, name_words);
  u->rcv_cap_slot = into;
  const word t = ms < ipc::t_never ? ms : ipc::t_never - 1;
  Status st = call(proc::names, ipc::timeouts(t, t));
  u->rcv_cap_slot = 0;
  if (st != Status::ok) return st;
  if (Status(u->mr[1]) != Status::ok) return Status(u->mr[1]);
  return Tag(u->mr[0]).map_failed() ? Status::invalid_cap : Status::ok;
}

} // namespace arc::names
