#include "share.hh"
#include "memory.hh"

namespace rt {

using namespace arc;

namespace {
// Shared frames are charged to no single process: an owner's exit must not free pages that
// others still hold. They go when the last holder drops the region.
constexpr word shared_owner = 0xfffe;
Region regions[64];
word next_token = 0x5100;

Region *find(word token) {
  for (Region &r : regions)
    if (r.token && r.token == token) return &r;
  return nullptr;
}

bool add(word *set, word pid) {
  for (unsigned i = 0; i < 4; ++i)
    if (set[i] == pid) return true;
  for (unsigned i = 0; i < 4; ++i)
    if (!set[i]) { set[i] = pid; return true; }
  return false;
}

void release(Region &r) {
  for (unsigned i = 0; i < r.pages; ++i) frame_free(r.frames[i], shared_owner);
  r = Region{};
}
} // namespace

Status share_new(word owner, unsigned pages, Region **out) {
  if (!pages || pages > max_share_pages) return Status::invalid_arg;
  Region *r = nullptr;
  for (Region &q : regions)
    if (!q.token) { r = &q; break; }
  if (!r) return Status::no_memory;
  *r = Region{};
  for (unsigned i = 0; i < pages; ++i) {
    r->frames[i] = frame_alloc(shared_owner);
    if (!r->frames[i]) {
      r->owner = owner;
      r->pages = i;
      release(*r);
      return Status::no_memory;
    }
  }
  r->token = next_token++;
  r->owner = owner;
  r->pages = pages;
  r->holders[0] = owner;
  *out = r;
  return Status::ok;
}

Status share_allow(word owner, word token, word pid) {
  Region *r = find(token);
  if (!r || r->owner != owner || !pid) return Status::invalid_arg;
  return add(r->allowed, pid) ? Status::ok : Status::no_memory;
}

Status share_attach(word pid, word owner, word token, Region **out) {
  Region *r = find(token);
  if (!r || r->owner != owner) return Status::invalid_arg;
  bool allowed = false;
  for (word a : r->allowed) allowed |= a == pid;
  if (!allowed) return Status::no_rights;
  if (!add(r->holders, pid)) return Status::no_memory;
  *out = r;
  return Status::ok;
}

void share_drop(word pid, word token) {
  Region *r = find(token);
  if (!r) return;
  bool left = false;
  for (word &h : r->holders) {
    if (h == pid) h = 0;
    left |= h != 0;
  }
  if (!left) release(*r);
}

void share_drop_all(word pid) {
  for (Region &r : regions)
    if (r.token) share_drop(pid, r.token);
}

} // namespace rt
