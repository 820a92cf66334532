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
// (proc::first_free .. +63). Above them, to the end of the 256-slot capability space, one slot
// per connection record for the capability minted for that client (its pid as the badge, so
// that a server tells its clients apart): connection i's is client_first + i, while there is one.
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
  // Record that `client` looked `e` up; once per client and name. False when the table is full.
  bool Connect(word client, const Entry &e);
  // The slot for the capability minted for `client` to `e` (its connection record's), or 0
  // when it has no record or the record has no slot.
  CapSlot ClientSlot(word client, const Entry &e) const;
  // The index-th used entry (list order), or null.
  const Entry *At(word index) const;
  // Some entry keeps its endpoint in `slot`.
  bool Holds(CapSlot slot) const;
};

} // namespace namesvc
