// Shared memory regions: frames the root task hands to several pagers, so that their processes
// share pages without ever mapping to each other directly. A region belongs to the process that
// made it; it names who may attach; it is freed when the last holder drops it or exits.
#pragma once
#include <arc/abi.hh>

namespace rt {

using arc::word;

constexpr unsigned max_share_pages = 16;

struct Region {
  word token = 0;               // 0: unused
  word owner = 0;
  unsigned pages = 0;
  word frames[max_share_pages]; // in our space
  word allowed[4] = {};
  word holders[4] = {};
};

// The status is the reply's; on success `r` is the region.
arc::Status share_new(word owner, unsigned pages, Region **r);
arc::Status share_allow(word owner, word token, word pid);
arc::Status share_attach(word pid, word owner, word token, Region **r);
void share_drop(word pid, word token);
void share_drop_all(word pid);

} // namespace rt
