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
