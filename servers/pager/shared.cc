// Shared regions of the client (shared.hh).
#include "shared.hh"

#include <arc/proto/pager.hh>
#include <arc/proto/pager_info.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/sys.hh>

using namespace arc;

// Shared regions of the client (sessions): pages the root task gave us for it, mapped on to
// the client at a slot of its share area. Slot i: client_share_base + i * share_slot in the
// client, share_window + i * share_slot in our space.
namespace {
struct Shared { word token, pages; bool used; };
Shared shared[64];
} // namespace

int shared_slot_of(word client_va) {
  if (client_va < p3::client_share_base) return -1;
  word i = (client_va - p3::client_share_base) / p3::share_slot;
  return i < 64 && shared[i].used && client_va < p3::client_share_base + i * p3::share_slot + shared[i].pages * 0x1000
             ? int(i) : -1;
}

namespace {
// Ask the root task for a region (label share_new) or access to one (share_map) into slot i.
Status root_share(word label, word a, word b, int i, word *token_or_pages) {
  Utcb *u = utcb();
  u->rcv_window = fpage(p3::share_window, p3::share_window_log2, fpage_rights::rwx);
  const word base = p3::share_window + word(i) * p3::share_slot;
  if (label == root::share_new) {
    u->mr[0] = Tag(label, 2, 0).raw;
    u->mr[1] = a;
    u->mr[2] = base;
  } else {
    u->mr[0] = Tag(label, 3, 0).raw;
    u->mr[1] = a;
    u->mr[2] = b;
    u->mr[3] = base;
  }
  Status st = call(proc::root);
  u->rcv_window = 0;
  if (st != Status::ok) return st;
  if (Status(u->mr[1]) != Status::ok) return Status(u->mr[1]);
  if (Tag(u->mr[0]).map_failed()) return Status::no_memory;
  *token_or_pages = u->mr[2];
  return Status::ok;
}

int free_shared_slot() {
  for (int i = 0; i < 64; ++i)
    if (!shared[i].used) return i;
  return -1;
}

} // namespace

void serve_share(Utcb *u) {
  const word label = Tag(u->mr[0]).label();
  auto status = [u](Status s, unsigned results = 0) {
    u->mr[0] = Tag(0, 1 + results, 0).raw;
    u->mr[1] = word(s);
  };
  if (label == arc::pager::share_create || label == arc::pager::share_attach) {
    int i = free_shared_slot();
    if (i < 0) return status(Status::no_memory);
    word token, pages;
    Status st;
    if (label == arc::pager::share_create) {
      word bytes = u->mr[1];
      pages = (bytes + 0xfff) / 0x1000;
      if (!bytes || pages > p3::share_slot / 0x1000) return status(Status::invalid_arg);
      st = root_share(root::share_new, pages, 0, i, &token);
    } else {
      token = u->mr[1];
      st = root_share(root::share_map, token, u->mr[2], i, &pages);
    }
    if (st != Status::ok) return status(st);
    shared[i] = {token, pages, true};
    status(Status::ok, 2);
    u->mr[2] = p3::client_share_base + word(i) * p3::share_slot;
    u->mr[3] = token;
    return;
  }
  if (label == arc::pager::share_allow) {
    Utcb *v = u;
    word token = v->mr[1], pid = v->mr[2];
    v->mr[0] = Tag(root::share_allow, 2, 0).raw;
    v->mr[1] = token;
    v->mr[2] = pid;
    Status st = call(proc::root);
    return status(st != Status::ok ? st : Status(v->mr[1]));
  }
  // share_detach: the client's mapping goes (revoked from our page), then our hold.
  int i = shared_slot_of(u->mr[1]);
  if (i < 0 || u->mr[1] != p3::client_share_base + word(i) * p3::share_slot) return status(Status::invalid_arg);
  for (word k = 0; k < shared[i].pages; ++k)
    (void)unmap(fpage(p3::share_window + word(i) * p3::share_slot + k * 0x1000, 12, fpage_rights::rwx), true);
  u->mr[0] = Tag(root::share_drop, 1, 0).raw;
  u->mr[1] = shared[i].token;
  (void)call(proc::root);
  shared[i] = {};
  status(Status::ok);
}
