// The ext2 server's post-conditions: what a request's result must satisfy, given only the request
// and the file as it is afterwards, checked before the server replies (ext2.cc).
//
// Fault injection found the server's largest class of undetected faults to be results that are
// consistent but wrong (docs/fault-injection.md): a length or an offset taken from the wrong
// register, a count that is not what was done. libs/ext2's audit sees only the file system's own
// consistency; these compare the result with the request. A violation is this server's own code
// gone wrong (the library reported success, or a count it cannot have), so ext2.cc panics: the
// monitor restarts the server and the framework replays the request. Pure functions, host-tested
// (unit_ext2_postcond).
#pragma once
#include <stdint.h>

namespace ext2srv {

// A read of n bytes at `off` from a file of `size` bytes that succeeded returned exactly the
// bytes the file has there: n, or up to its end, or none past it.
inline bool read_result_ok(uint64_t off, uint32_t n, uint64_t size, uint32_t got) {
  const uint64_t left = off < size ? size - off : 0;
  return got == (left < n ? left : n);
}

// A write of n bytes at `off`: one that succeeded wrote all n and the file reaches at least its
// end (size_after); one that failed wrote at most n, and the file reaches past what it wrote.
inline bool write_result_ok(uint64_t off, uint32_t n, bool ok, uint32_t done, uint64_t size_after) {
  if (ok && done != n) return false;
  if (done > n) return false;
  return done == 0 || size_after >= off + done;
}

// A truncate to `want` that succeeded leaves the file exactly that long.
inline bool truncate_result_ok(uint64_t want, bool ok, uint64_t size_after) {
  return !ok || size_after == want;
}

} // namespace ext2srv

namespace ext2srv {

// A directory's census: its live entries (".", ".." and the names) and the sum of their inode
// numbers (mod 2^32). A name operation must move it by exactly what it asked for — one entry
// more with the new name's inode, one less with the removed one's, an entry that now names
// another inode — and nothing else: fault injection found directory code that removed the
// neighbour of the name too, or added the name twice, which e2fsck saw only after the change had
// committed (docs/fault-injection.md). Checked before the transaction commits (ext2.cc).
struct Census {
  uint32_t entries;
  uint32_t ino_sum;
};

// The census moved by `entries` and `sum` (mod 2^32) from before to after.
inline bool census_moved(const Census &before, const Census &after, int32_t entries, uint32_t sum) {
  return after.entries == before.entries + uint32_t(entries) && after.ino_sum == before.ino_sum + sum;
}

// What a rename of inode `moved` onto a name that held `target` (0: none) must do to the two
// directories' censuses: from loses the moved name, to gains it or has its entry changed from the
// target to the moved inode. In one directory the two add up.
struct RenameMove {
  int32_t from_entries, to_entries;
  uint32_t from_sum, to_sum;
};
inline RenameMove rename_move(uint32_t moved, uint32_t target) {
  RenameMove m{-1, target ? 0 : 1, 0u - moved, target ? moved - target : moved};
  return m;
}
inline RenameMove rename_move_same_dir(uint32_t moved, uint32_t target) {
  const RenameMove m = rename_move(moved, target);
  return RenameMove{m.from_entries + m.to_entries, 0, m.from_sum + m.to_sum, 0};
}

} // namespace ext2srv
