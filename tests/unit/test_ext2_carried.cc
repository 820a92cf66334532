// The ext2 server's state that a swap carries to its alternate (servers/ext2/carried.hh): the
// swapped-in program takes the clients' open files over when the layout is its own and the tables
// hold up, rolls back a request interrupted while changing them, and settles the transaction
// record whose data stayed with the old program.
#include "carried.hh"

#include <catch2/catch.hpp>

using namespace ext2srv;

namespace {

// Two clients with a file each open, both on one inode, and a directory open by the first.
Carried two_clients() {
  Carried c{};
  c.stamp = carried_stamp;
  c.fs.magic = state_magic;
  c.fs.generation = 3;
  c.fs.inodes[0].refs = 2;
  c.fs.inodes[0].inode.ino = 12;
  c.fs.inodes[0].inode.d.mode = ext2::s_ifreg | 0644;
  c.fs.inodes[1].refs = 1;
  c.fs.inodes[1].inode.ino = 2;
  c.fs.inodes[1].inode.d.mode = ext2::s_ifdir | 0755;
  c.fs.files[0] = OpenFile{(1u << 8) | 1, 0x100, 0, 7};
  c.fs.files[1] = OpenFile{(2u << 8) | 2, 0x200, 0, 9};
  c.fs.files[4] = OpenFile{(3u << 8) | 5, 0x100, 1, 11};
  c.fs.done = Done{11, 0, {0, 0}};
  c.tx.applied_seq = 10;
  c.tx.commits = 40;
  return c;
}

} // namespace

TEST_CASE("ECS0001 a swapped-in program takes the open files over", "[ext2][carried]") {
  Carried c = two_clients();
  const SwapIn in = take_over(c);
  CHECK(in.usable);
  CHECK(in.rolled_back == 0);
  CHECK(in.tx == SwapTx::none);
  CHECK(open_files(c.fs) == 3);
  // The handles the clients hold are the same, and the record answers a replay.
  CHECK(c.fs.files[1].id == ((2u << 8) | 2));
  CHECK(c.fs.files[4].badge == 0x100);
  CHECK(c.fs.done.seq == 11);
  CHECK(c.tx.applied_seq == 10);
  CHECK(c.tx.commits == 40);
}

TEST_CASE("ECS0002 another layout or damaged tables: start afresh", "[ext2][carried]") {
  SECTION("nothing carried (a first start's zeros)") {
    Carried c{};
    CHECK_FALSE(take_over(c).usable);
  }
  SECTION("another layout's stamp") {
    Carried c = two_clients();
    c.stamp = carried_stamp ^ 1;
    CHECK_FALSE(take_over(c).usable);
  }
  SECTION("an entry out of its place") {
    Carried c = two_clients();
    c.fs.files[1].id = (2u << 8) | 3;
    CHECK_FALSE(take_over(c).usable);
  }
  SECTION("a file on a free inode slot") {
    Carried c = two_clients();
    c.fs.files[0].slot = 5;
    CHECK_FALSE(take_over(c).usable);
  }
  SECTION("a slot past the table") {
    Carried c = two_clients();
    c.fs.files[0].slot = max_inodes;
    CHECK_FALSE(take_over(c).usable);
  }
  SECTION("an open slot that is neither a file nor a directory") {
    Carried c = two_clients();
    c.fs.inodes[0].inode.d.mode = ext2::s_iflnk | 0777;
    CHECK_FALSE(take_over(c).usable);
  }
  SECTION("a generation past 24 bits") {
    Carried c = two_clients();
    c.fs.generation = 0x1000000;
    CHECK_FALSE(take_over(c).usable);
  }
}

TEST_CASE("ECS0003 a request interrupted while changing the tables is rolled back", "[ext2][carried]") {
  Carried c = two_clients();
  // An open in progress: the undo record is the tables before it; the open had written a bad
  // entry (a slot past the table) when the old program failed.
  c.undo.seq = 12;
  c.undo.generation = c.fs.generation;
  for (word i = 0; i < max_open; ++i) c.undo.files[i] = c.fs.files[i];
  for (word i = 0; i < max_inodes; ++i) c.undo.inodes[i] = c.fs.inodes[i];
  c.fs.generation = 4;
  c.fs.files[2] = OpenFile{(4u << 8) | 3, 0x300, 99, 12};
  CHECK_FALSE(plausible(c.fs));
  const SwapIn in = take_over(c);
  CHECK(in.usable);
  CHECK(in.rolled_back == 12);
  CHECK(c.undo.seq == 0);
  CHECK(c.fs.generation == 3);
  CHECK(c.fs.files[2].id == 0);
  CHECK(open_files(c.fs) == 3);
}

TEST_CASE("ECS0004 the transaction record after a swap", "[ext2][carried]") {
  SECTION("an open transaction is dropped: the replay does it again") {
    Carried c = two_clients();
    c.tx.state = TxState::open;
    c.tx.seq = 12;
    c.tx.n = 3;
    c.tx.used = 3 * 1024;
    const SwapIn in = take_over(c);
    CHECK(in.usable);
    CHECK(in.tx == SwapTx::dropped);
    CHECK(c.tx.state == TxState::idle);
    CHECK(c.tx.n == 0);
    CHECK(c.tx.applied_seq == 10);   // request 12 did not reach the disk
  }
  SECTION("a committed one without its data is lost, never written from the new heap") {
    Carried c = two_clients();
    c.tx.state = TxState::committed;
    c.tx.seq = 12;
    c.tx.n = 2;
    c.tx.used = 2048;
    const SwapIn in = take_over(c);
    CHECK(in.usable);
    CHECK(in.tx == SwapTx::lost);
    CHECK(c.tx.state == TxState::idle);
    CHECK(c.tx.n == 0);
    CHECK(c.tx.used == 0);
  }
  SECTION("an idle record stays as it is") {
    Carried c = two_clients();
    const SwapIn in = take_over(c);
    CHECK(in.tx == SwapTx::none);
    CHECK(c.tx.applied_seq == 10);
  }
  SECTION("unusable tables leave the record alone (the fresh start clears it)") {
    Carried c = two_clients();
    c.stamp = 0;
    c.tx.state = TxState::committed;
    CHECK_FALSE(take_over(c).usable);
    CHECK(c.tx.state == TxState::committed);
  }
}
