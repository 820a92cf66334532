// The name service's records (servers/names/registry.cc): publishing, replacing, connection
// records, listing, and the consistency check a restart relies on.
#include "registry.hh"

#include <catch2/catch.hpp>
#include <cstring>

using namespace namesvc;

TEST_CASE("NAMES0001 names are lowercase letters, digits, - and _", "[names]") {
  CHECK(valid_name("console"));
  CHECK(valid_name("fs-2_a"));
  CHECK_FALSE(valid_name(""));
  CHECK_FALSE(valid_name("Console"));
  CHECK_FALSE(valid_name("a b"));
  char full[name_bytes];
  std::memset(full, 'a', sizeof(full));
  CHECK_FALSE(valid_name(full));   // not terminated within the name's words
  full[name_bytes - 1] = 0;
  CHECK(valid_name(full));
}

TEST_CASE("NAMES0002 publish, replace, find, list", "[names]") {
  static Registry r;
  r.Reset();
  CHECK(r.Valid());
  Entry *c = r.Publish("console", 96, 2);
  REQUIRE(c);
  CHECK(r.Find("console") == c);
  CHECK(r.Find("fs") == nullptr);
  CHECK(r.Holds(96));
  REQUIRE(r.Publish("fs", 97, 5));
  // A server restarted cold publishes again: the same entry, the new capability and owner.
  Entry *again = r.Publish("console", 98, 7);
  CHECK(again == c);
  CHECK(c->slot == 98);
  CHECK(c->owner == 7);
  CHECK_FALSE(r.Holds(96));
  REQUIRE(r.At(0));
  CHECK(std::strcmp(r.At(0)->name, "console") == 0);
  CHECK(std::strcmp(r.At(1)->name, "fs") == 0);
  CHECK(r.At(2) == nullptr);
  CHECK(r.Valid());
}

TEST_CASE("NAMES0003 a connection is recorded once per client and name", "[names]") {
  static Registry r;
  r.Reset();
  Entry *fs = r.Publish("fs", 96, 5);
  REQUIRE(fs);
  CHECK(r.Connect(9, *fs));
  CHECK(r.Connect(9, *fs));   // a client that looks the name up again (after a reset)
  CHECK(r.Connect(10, *fs));
  CHECK(r.n_conns == 2);
  CHECK(fs->connections == 2);
  // Full table: refused and counted, nothing overwritten.
  for (word c = 100; r.n_conns < max_connections; ++c) REQUIRE(r.Connect(c, *fs));
  CHECK_FALSE(r.Connect(99, *fs));
  CHECK(r.dropped == 1);
  CHECK(r.conns[0].client == 9);
  CHECK(r.Valid());
}

TEST_CASE("NAMES0004 a full table refuses a new name and keeps the old ones", "[names]") {
  static Registry r;
  r.Reset();
  char name[8];
  for (unsigned i = 0; i < max_names; ++i) {
    std::snprintf(name, sizeof(name), "n%u", i);
    REQUIRE(r.Publish(name, CapSlot(first_slot + i), i));
  }
  CHECK(r.Publish("one-more", CapSlot(first_slot + max_names), 1) == nullptr);
  CHECK(r.Publish("n3", CapSlot(first_slot + max_names + 1), 1) != nullptr);   // replacing still works
  CHECK(r.Valid());
}

TEST_CASE("NAMES0005 damaged records are refused", "[names]") {
  static Registry r;
  auto fresh = [] {
    r.Reset();
    Entry *e = r.Publish("console", 96, 2);
    r.Publish("fs", 97, 3);
    r.Connect(4, *e);
    r.armed = 98;
  };
  fresh();
  CHECK(r.Valid());
  fresh();
  r.magic ^= 1;
  CHECK_FALSE(r.Valid());
  fresh();
  r.n_conns = max_connections + 1;
  CHECK_FALSE(r.Valid());
  fresh();
  r.conns[0].entry = max_names;
  CHECK_FALSE(r.Valid());
  fresh();
  r.conns[0].entry = 5;   // an unused entry
  CHECK_FALSE(r.Valid());
  fresh();
  r.entries[1].slot = 96;   // two names, one slot
  CHECK_FALSE(r.Valid());
  fresh();
  r.entries[0].slot = 3;    // a slot outside the registry's range
  CHECK_FALSE(r.Valid());
  fresh();
  std::memset(r.entries[0].name, 'x', name_bytes);   // not terminated
  CHECK_FALSE(r.Valid());
  fresh();
  std::strcpy(r.entries[1].name, "console");   // the same name twice
  CHECK_FALSE(r.Valid());
  fresh();
  r.armed = 300;
  CHECK_FALSE(r.Valid());
}

TEST_CASE("NAMES0010 each connection record has its slot for the client's minted capability, while slots last", "[names]") {
  Registry r;
  r.Reset();
  Entry *fs = r.Publish("fs", first_slot, 6);
  Entry *blk = r.Publish("block", first_slot + 1, 5);
  REQUIRE(fs);
  REQUIRE(blk);
  CHECK(r.ClientSlot(9, *fs) == 0);        // no record yet
  REQUIRE(r.Connect(9, *fs));
  REQUIRE(r.Connect(10, *fs));
  REQUIRE(r.Connect(9, *blk));
  CHECK(r.ClientSlot(9, *fs) == client_first);
  CHECK(r.ClientSlot(10, *fs) == client_first + 1);
  CHECK(r.ClientSlot(9, *blk) == client_first + 2);
  CHECK(r.ClientSlot(9, *fs) == client_first);   // looked up again: the same record, the same slot
  REQUIRE(r.Connect(9, *fs));
  CHECK(r.ClientSlot(9, *fs) == client_first);
  // Past the last slot: no slot (the client shares the server's own endpoint).
  for (word c = 100; r.n_conns < client_end - client_first; ++c) REQUIRE(r.Connect(c, *fs));
  REQUIRE(r.Connect(5000, *fs));
  CHECK(r.ClientSlot(5000, *fs) == 0);
  CHECK(r.ClientSlot(100, *fs) == client_first + 3);
  CHECK(first_slot < end_slot);
  CHECK(end_slot <= client_first);
}

TEST_CASE("NAMES0011 a new record skips slots the server finds occupied (kept over a cold restart)", "[names]") {
  Registry r;
  r.Reset();
  Entry *fs = r.Publish("fs", first_slot, 6);
  REQUIRE(fs);
  // The server's view of its capability space: the first two client slots hold kept capabilities.
  auto usable = [](CapSlot s) { return s != client_first && s != client_first + 1; };
  REQUIRE(r.Connect(9, *fs, usable));
  CHECK(r.ClientSlot(9, *fs) == client_first + 2);
  REQUIRE(r.Connect(10, *fs, usable));
  CHECK(r.ClientSlot(10, *fs) == client_first + 3);
  CHECK(r.ClientSlotUsed(client_first + 2));
  CHECK_FALSE(r.ClientSlotUsed(client_first));
  CHECK_FALSE(r.ClientSlotUsed(0));
  // Nothing usable: a record without a slot (the shared endpoint), still recorded.
  REQUIRE(r.Connect(11, *fs, [](CapSlot) { return false; }));
  CHECK(r.ClientSlot(11, *fs) == 0);
  CHECK(fs->connections == 3);
  CHECK(r.Valid());
}

TEST_CASE("NAMES0012 kept client capabilities become connection records again, once", "[names]") {
  Registry r;
  r.Reset();
  Entry *fs = r.Publish("fs", first_slot + 4, 6);   // the kept endpoint, claimed
  Entry *con = r.Publish("console", first_slot + 7, 2);
  REQUIRE(fs);
  REQUIRE(con);
  REQUIRE(r.Adopt(9, *fs, client_first + 5));
  REQUIRE(r.Adopt(12, *fs, client_first));
  CHECK(r.ClientSlot(9, *fs) == client_first + 5);
  CHECK(r.ClientSlot(12, *fs) == client_first);
  CHECK(fs->connections == 2);
  CHECK(r.n_conns == 2);
  // A slot already claimed, one outside the client range, a second slot for one connection: no.
  CHECK_FALSE(r.Adopt(13, *fs, client_first + 5));
  CHECK_FALSE(r.Adopt(13, *fs, first_slot + 9));
  CHECK_FALSE(r.Adopt(9, *fs, client_first + 6));
  CHECK(r.n_conns == 2);
  // A lookup after the claim finds the record with its slot; a new client gets a free slot.
  REQUIRE(r.Connect(9, *fs));
  CHECK(r.ClientSlot(9, *fs) == client_first + 5);
  CHECK(r.n_conns == 2);
  REQUIRE(r.Connect(20, *con));
  CHECK(r.ClientSlot(20, *con) == client_first + 1);
  // A client that looked the name up before its capability was claimed: the record gets the slot.
  REQUIRE(r.Connect(30, *fs, [](CapSlot) { return false; }));
  CHECK(r.ClientSlot(30, *fs) == 0);
  REQUIRE(r.Adopt(30, *fs, client_first + 9));
  CHECK(r.ClientSlot(30, *fs) == client_first + 9);
  CHECK(fs->connections == 3);
  CHECK(r.Valid());
  // Damaged slots in the records are refused by a restart.
  r.conns[0].slot = 7;
  CHECK_FALSE(r.Valid());
  r.conns[0].slot = r.conns[1].slot;
  CHECK_FALSE(r.Valid());
}
