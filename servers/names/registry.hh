// The name service's records: which name stands for which endpoint capability (a slot of the
// name service's own capability space), who published it, and who looked it up. Plain data,
// kept in persistent memory so that a hot or warm restart of the name service keeps every name
// and every connection record (the capabilities themselves stay in its capability space, which
// a hot restart keeps and a warm one moves over whole, in the same slots).
//
// No system calls here: the server (main.cc) checks the capabilities; the host tests
// (tests/unit/test_names.cc) drive this directly.
#pragma once
#include <arc/abi.hh>

namespace namesvc {

using arc::CapSlot;
using arc::word;

constexpr unsigned max_names = 64, max_connections = 256;
constexpr unsigned name_bytes = 24;   // arc::names::name_words words of 32 bits (main.cc checks)
// The slots the registry keeps endpoints in: above the framework's own allocator
// (proc::first_free .. +63). Above them, to the end of the 256-slot capability space, the slots
// for the capabilities minted for clients (their pid as the badge, so that a server tells its
// clients apart), one per connection record while there are free ones. The whole range is what
// a cold restart keeps (arc::names::kept_first .. kept_end): the clients' copies derive from it.
constexpr CapSlot first_slot = 96, end_slot = 192;
constexpr CapSlot client_first = 192, client_end = 256;

struct Entry {
  char name[name_bytes];
  CapSlot slot;       // our copy of the endpoint (0: unused entry)
  word owner;         // pid that published it
  word connections;   // distinct clients that looked it up
};

struct Connection {
  word client;        // pid (the badge of its capability to us)
  word entry;         // index into entries
  CapSlot slot;       // where the capability minted for it is kept (0: none, it shares the
                      // server's own endpoint)
};

// Lowercase letters, digits, '-' and '_', 1 to name_bytes - 1 of them.
bool valid_name(const char *name);

struct Registry {
  word magic;
  Entry entries[max_names];
  Connection conns[max_connections];
  word n_conns;
  word dropped;        // lookups not recorded because the table was full
  // Registration is applied once: the request number of the last one and its answer (a
  // registration replayed after a restart that had already done it answers the same).
  word last_reg_seq;
  word last_reg_status;
  CapSlot armed;       // where the next incoming capability lands

  void Reset();
  // The records are consistent (names terminated and valid, slots in range and distinct,
  // connections pointing at used entries). A restart refuses inconsistent records.
  bool Valid() const;

  Entry *Find(const char *name);
  // Publish `name` for the endpoint in `slot`: a new entry, or the existing one's capability
  // replaced (a restarted server publishes again). Null when the table is full.
  Entry *Publish(const char *name, CapSlot slot, word owner);
  // Record that `client` looked `e` up; once per client and name. A new record gets the lowest
  // client slot that no record uses and `usable` accepts (the server passes "empty in my
  // capability space": a slot still holding a capability kept over a cold restart is taken), or
  // none. False when the table is full.
  bool Connect(word client, const Entry &e, bool (*usable)(CapSlot) = nullptr);
  // After a cold restart: the capability in `slot`, kept from before and minted for `client` from
  // e's endpoint, becomes that connection's again (a record is made, or given its slot). False
  // when the table is full or the connection already has another slot.
  bool Adopt(word client, const Entry &e, CapSlot slot);
  // The slot for the capability minted for `client` to `e` (its connection record's), or 0
  // when it has no record or the record has no slot.
  CapSlot ClientSlot(word client, const Entry &e) const;
  // Some connection record keeps its client's capability in `slot`.
  bool ClientSlotUsed(CapSlot slot) const;
  // The index-th used entry (list order), or null.
  const Entry *At(word index) const;
  // Some entry keeps its endpoint in `slot`.
  bool Holds(CapSlot slot) const;
};

} // namespace namesvc
