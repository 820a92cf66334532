// The ext2 server's post-conditions (servers/ext2/postcond.hh): what a read, a write and a
// truncate must have done for the request they served, checked before the server replies.
#include "postcond.hh"

#include <catch2/catch.hpp>

using namespace ext2srv;

TEST_CASE("EPC0001 a read returns what the file has at the offset", "[ext2][postcond]") {
  CHECK(read_result_ok(0, 100, 1000, 100));
  CHECK(read_result_ok(950, 100, 1000, 50));     // up to the end
  CHECK(read_result_ok(1000, 100, 1000, 0));     // at the end: nothing
  CHECK(read_result_ok(5000, 100, 1000, 0));     // past it: nothing
  CHECK(read_result_ok((5ull << 30) + 1000, 4096, (5ull << 30) + 5096, 4096));
  CHECK_FALSE(read_result_ok(0, 100, 1000, 99));      // short
  CHECK_FALSE(read_result_ok(950, 100, 1000, 100));   // past the end
  CHECK_FALSE(read_result_ok(1000, 100, 1000, 1));
  CHECK_FALSE(read_result_ok(0, 100, 1000, 0));       // none of what is there
}

TEST_CASE("EPC0002 a write wrote what it says and the file reaches its end", "[ext2][postcond]") {
  CHECK(write_result_ok(0, 7000, true, 7000, 7000));
  CHECK(write_result_ok(7000, 7000, true, 7000, 30000));   // within a longer file
  CHECK(write_result_ok(0, 0, true, 0, 0));
  CHECK(write_result_ok(0, 16000, false, 4096, 4096));     // stopped part-way (no space)
  CHECK(write_result_ok(0, 16000, false, 0, 0));
  CHECK_FALSE(write_result_ok(0, 7000, true, 6999, 7000));   // ok, but not all of it
  CHECK_FALSE(write_result_ok(7000, 7000, true, 7000, 7000)); // the size short of the end
  CHECK_FALSE(write_result_ok(0, 100, false, 200, 200));      // more than asked for
  CHECK_FALSE(write_result_ok(0, 16000, false, 4096, 4095));
  CHECK(write_result_ok((5ull << 30) + 1000, 4096, true, 4096, (5ull << 30) + 5096));
  CHECK_FALSE(write_result_ok((5ull << 30) + 1000, 4096, true, 4096, 1000 + 4096));  // high word lost
}

TEST_CASE("EPC0003 a truncate leaves the size asked for", "[ext2][postcond]") {
  CHECK(truncate_result_ok(0, true, 0));
  CHECK(truncate_result_ok((4ull << 30) + 7, true, (4ull << 30) + 7));
  CHECK(truncate_result_ok(10, false, 999));   // failed: nothing to check
  CHECK_FALSE(truncate_result_ok(0, true, 1));
  CHECK_FALSE(truncate_result_ok((4ull << 30) + 7, true, 7));
}

TEST_CASE("EPC0004 a name operation moves its directory's census by what it asked, no more", "[ext2][postcond]") {
  const Census dir{5, 2 + 2 + 12 + 13 + 14};   // ., .. (the root), three files
  // create: one entry more, the new inode's
  CHECK(census_moved(dir, Census{6, dir.ino_sum + 20}, 1, 20));
  CHECK_FALSE(census_moved(dir, Census{7, dir.ino_sum + 40}, 1, 20));   // added twice
  CHECK_FALSE(census_moved(dir, Census{6, dir.ino_sum + 21}, 1, 20));   // another inode
  // unlink of 13: one less, its inode
  CHECK(census_moved(dir, Census{4, dir.ino_sum - 13}, -1, 0u - 13));
  CHECK_FALSE(census_moved(dir, Census{3, dir.ino_sum - 13 - 14}, -1, 0u - 13));   // the neighbour too
  CHECK_FALSE(census_moved(dir, Census{4, dir.ino_sum - 14}, -1, 0u - 13));        // the wrong one
  // a sum that wraps still compares
  CHECK(census_moved(Census{2, 0xfffffff0u}, Census{3, 0x10u}, 1, 0x20u));
}

TEST_CASE("EPC0005 a rename's moves of the two directories", "[ext2][postcond]") {
  const Census from{4, 2 + 2 + 12 + 13}, to{3, 2 + 2 + 30};
  SECTION("to a new name in another directory") {
    const RenameMove m = rename_move(13, 0);
    CHECK(census_moved(from, Census{3, 2 + 2 + 12}, m.from_entries, m.from_sum));
    CHECK(census_moved(to, Census{4, 2 + 2 + 30 + 13}, m.to_entries, m.to_sum));
    CHECK_FALSE(census_moved(to, Census{3, 2 + 2 + 13}, m.to_entries, m.to_sum));   // replaced 30
  }
  SECTION("onto an existing name in another directory") {
    const RenameMove m = rename_move(13, 30);
    CHECK(census_moved(from, Census{3, 2 + 2 + 12}, m.from_entries, m.from_sum));
    CHECK(census_moved(to, Census{3, 2 + 2 + 13}, m.to_entries, m.to_sum));
    CHECK_FALSE(census_moved(to, Census{4, 2 + 2 + 30 + 13}, m.to_entries, m.to_sum));   // 30 kept
  }
  SECTION("in one directory") {
    const RenameMove plain = rename_move_same_dir(13, 0);
    CHECK(census_moved(from, from, plain.from_entries, plain.from_sum));   // a name for a name
    const RenameMove over = rename_move_same_dir(13, 12);
    CHECK(census_moved(from, Census{3, 2 + 2 + 13}, over.from_entries, over.from_sum));
    CHECK_FALSE(census_moved(from, Census{3, 2 + 2 + 12}, over.from_entries, over.from_sum));
  }
}
