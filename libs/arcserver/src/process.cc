// Process services (arc/process.hh) that need no system call of their own: resources, the name
// service client (through Rpc), the capability-slot allocator. process_info() itself and
// name_wait() are in info.cc (they touch the information page and sleep).
#include <arc/message.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/proto/names.hh>
#include <arc/proto/root.hh>
#include <arc/server.hh>
#include "area.hh"

#include <stdio.h>
#include <string.h>

namespace arc {

namespace {
using detail::slot_count;
word (&g_slot_map)[sizeof(detail::FrameworkArea::slot_map) / sizeof(word)] = detail::g_area.slot_map;
constexpr unsigned bits = 8 * sizeof(word);

void put_name(Rpc &rpc, const char *name) {
  word w[names::name_words] = {};
  proc::pack(w, name, names::name_words);
  for (word x : w) rpc.put(x);
}
bool name_ok(const char *name) {
  unsigned n = 0;
  while (name[n]) ++n;
  return n > 0 && n < names::name_words * sizeof(word);
}
} // namespace

word my_pid() {
  const proc::Info *info = process_info();
  return info ? info->pid : 0;
}

const proc::Resource *find_resource(word kind, unsigned n) {
  const proc::Info *info = process_info();
  if (!info) return nullptr;
  const unsigned count = info->n_resources < 12 ? unsigned(info->n_resources) : 12;
  for (unsigned i = 0; i < count; ++i)
    if (info->resources[i].kind == kind && n-- == 0) return &info->resources[i];
  return nullptr;
}

const proc::Resource *find_ports(word first, word count) {
  for (unsigned i = 0;; ++i) {
    const proc::Resource *r = find_resource(proc::Resource::ioports, i);
    if (!r) return nullptr;
    if (r->first <= first && first + count <= r->first + r->count) return r;
  }
}

namespace {
// What this program published, so that it can publish it again when the name service lost its
// records (its cold restart: publish_again()). Persistent, like the endpoints it names: a hot or
// warm restart keeps both (the capability space moves over whole), a cold one starts over and
// publishes from Initialize() again.
// (In the framework's persistent area, area.hh: a swap keeps them too.)
using detail::Published;
static_assert(sizeof(Published::name) == names::name_words * sizeof(word), "a packed name");
using detail::max_published;
Published (&g_published)[max_published] = detail::g_area.published;

void remember(const char *name, CapSlot ep) {
  Published *free = nullptr;
  for (Published &p : g_published) {
    if (p.ep && !strcmp(p.name, name)) free = &p;   // the same name, perhaps a new endpoint
    else if (!p.ep && !free) free = &p;
  }
  if (!free) {
    ::printf("[arcserver] more than %u names published: '%s' is not published again after a "
             "cold restart of the name service\n", max_published, name);
    return;
  }
  strcpy(free->name, name);   // name_ok: it fits
  free->ep = ep;
}

// One registration with the name service. partner_gone: it was restarted cold while it had our
// call; its endpoint is the root task's and stays, so the new one takes the call again.
Status send_registration(const char *name, CapSlot ep) {
  Status st = Status::partner_gone;
  for (int i = 0; i < 3 && st == Status::partner_gone; ++i) {
    Rpc rpc(names::reg);
    put_name(rpc, name);
    rpc.put_cap(ep, rights::send);
    st = rpc.call(proc::names);
  }
  return st;
}
} // namespace

Status name_register(const char *name, CapSlot ep) {
  if (!name_ok(name)) return Status::invalid_arg;
  const Status st = send_registration(name, ep);
  if (st == Status::ok) remember(name, ep);
  return st;
}

bool published(const char *name) {
  for (const Published &p : g_published)
    if (p.ep && !strcmp(p.name, name)) return true;
  return false;
}

void forget_published() {
  for (Published &p : g_published) p = Published{};
}

unsigned publish_again() {
  unsigned n = 0;
  for (const Published &p : g_published) {
    if (!p.ep) continue;
    const Status st = send_registration(p.name, p.ep);
    if (st == Status::ok) ++n;
    else ::printf("[arcserver] cannot publish '%s' again: %s\n", p.name, status_name(st));
  }
  return n;
}

Status name_lookup(const char *name, CapSlot slot) {
  if (!name_ok(name) || !slot) return Status::invalid_arg;
  Status st = Status::partner_gone;
  for (int i = 0; i < 3 && st == Status::partner_gone; ++i) {   // as in name_register
    Rpc rpc(names::lookup);
    put_name(rpc, name);
    rpc.receive_cap(slot);
    st = rpc.call(proc::names);
  }
  return st;
}

CapSlot slot_alloc() {
  for (unsigned i = 0; i < slot_count; ++i) {
    word &w = g_slot_map[i / bits];
    const word bit = word(1) << (i % bits);
    if (!(w & bit)) {
      w |= bit;
      return proc::first_free + i;
    }
  }
  return 0;
}

void slot_free(CapSlot slot) {
  if (slot < proc::first_free || slot >= proc::first_free + slot_count) return;
  const unsigned i = unsigned(slot - proc::first_free);
  g_slot_map[i / bits] &= ~(word(1) << (i % bits));
}

namespace {
const char *const inject_kinds[] = {"crash", "hang", "panic", "corrupt", "stall", "lose", "pager", "irq"};
static_assert(sizeof(inject_kinds) / sizeof(inject_kinds[0]) == server_label::inject_kinds);
} // namespace

word inject_kind(const char *name) {
  for (word k = 0; k < server_label::inject_kinds; ++k)
    if (!strcmp(name, inject_kinds[k])) return k + 1;
  return 0;
}

const char *inject_kind_name(word kind) {
  return kind >= 1 && kind <= server_label::inject_kinds ? inject_kinds[kind - 1] : "?";
}

Status inject_fault(const char *server, word kind, word after, word at) {
  word name[6] = {};   // NUL-padded, as the root task expects
  strncpy(reinterpret_cast<char *>(name), server, sizeof(name) - 1);
  Rpc rpc(root::inject);
  for (word w : name) rpc.put(w);
  rpc.put(kind);
  rpc.put(after);
  rpc.put(at);
  return rpc.call(proc::root);
}

Status client_depends(word badge) {
  Rpc rpc(root::depends);
  rpc.put(badge);
  return rpc.call(proc::root, ipc::timeouts(500, 1000));
}

Status ClientAccess::Check(word badge, const char *server) {
  for (const Seen &s : seen)
    if (s.known && s.badge == badge) return s.allowed ? Status::ok : Status::no_rights;
  Status st = Status::timeout;
  // The root task may be calling us right now (it gives up its send after 100 ms): ask again.
  for (int i = 0; i < 5 && st != Status::ok && st != Status::no_rights; ++i) st = client_depends(badge);
  if (st != Status::ok && st != Status::no_rights) return Status::busy;
  seen[next % 16] = {badge, st == Status::ok, 1};
  next = (next + 1) % 16;
  if (st != Status::ok)
    ::printf("[%s] pid %lu is not configured to use us (no after=%s in its boot line): refused\n",
             server, badge, server);
  return st;
}

Status complain(CapSlot ep, Status seen) {
  Rpc who(server_label::info);   // every ArcServer answers with its pid; a hung one may not
  if (Status st = who.call(ep, ipc::timeouts(100, 1000)); st != Status::ok) return st;
  Rpc rpc(root::complain);
  rpc.put(who.result(0)).put(word(seen));
  return rpc.call(proc::root);
}

} // namespace arc
