// Sessions (arc/session.hh): the client's Begin/End, the server's table, bounds-checked copies.
#include <arc/message.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/session.hh>

namespace arc {

namespace {
bool in_bounds(word bytes, word offset, word n) { return offset <= bytes && n <= bytes - offset; }
void copy(void *dst, const void *src, word n) {
  auto *d = static_cast<volatile char *>(dst);   // shared memory: every byte really read/written
  const auto *s = static_cast<const volatile char *>(src);
  for (word i = 0; i < n; ++i) d[i] = s[i];
}
} // namespace

bool SharedRegion::Get(word offset, void *dst, word n) const {
  if (!addr || !in_bounds(bytes, offset, n)) return false;
  copy(dst, reinterpret_cast<const char *>(addr) + offset, n);
  return true;
}

bool SharedRegion::Put(word offset, const void *src, word n) const {
  if (!addr || !in_bounds(bytes, offset, n)) return false;
  copy(reinterpret_cast<char *>(addr) + offset, src, n);
  return true;
}

// ---- client ---------------------------------------------------------------------------------
Status Session::Begin(CapSlot ep, word bytes) {
  if (active()) return Status::busy;
  if (bytes == 0 || bytes > session_max_bytes) return Status::invalid_arg;
  Rpc info(server_label::info);
  Status st = info.call(ep);
  if (st != Status::ok) return st;
  const word server_pid = info.result(0);

  Rpc create(share_label::create);
  create.put(bytes);
  if ((st = create.call(proc::pager)) != Status::ok) return st;
  const word address = create.result(0), token = create.result(1);
  if (!address || create.results() < 2) return Status::invalid_arg;

  auto undo = [address] {
    Rpc detach(share_label::detach);
    detach.put(address);
    detach.call(proc::pager);
  };
  Rpc allow(share_label::allow);
  allow.put(token).put(server_pid);
  if ((st = allow.call(proc::pager)) != Status::ok) {
    undo();
    return st;
  }
  Rpc begin(server_label::session_begin);
  begin.put(token).put(my_pid()).put(bytes);
  if ((st = begin.call(ep)) != Status::ok) {
    undo();
    return st;
  }
  ep_ = ep;
  id_ = begin.result(0);
  addr = address;
  this->bytes = bytes;
  return Status::ok;
}

Status Session::End() {
  if (!active()) return Status::invalid_arg;
  Rpc end(server_label::session_end);
  end.put(id_);
  const Status st = end.call(ep_);
  Rpc detach(share_label::detach);
  detach.put(addr);
  const Status st2 = detach.call(proc::pager);
  id_ = 0;
  addr = 0;
  bytes = 0;
  return st != Status::ok ? st : st2;
}

// ---- server ---------------------------------------------------------------------------------
Status SessionTable::Open(word badge, word token, word owner_pid, word bytes, word *id) {
  if (bytes == 0 || bytes > session_max_bytes) return Status::invalid_arg;
  SessionEntry *free_entry = nullptr;
  for (SessionEntry &e : entry)
    if (!e.id) { free_entry = &e; break; }
  if (!free_entry) return Status::no_memory;

  Rpc attach(share_label::attach);
  attach.put(token).put(owner_pid);
  const Status st = attach.call(proc::pager);
  if (st != Status::ok) return st;
  const word address = attach.result(0);
  if (!address) return Status::invalid_arg;

  generation = (generation + 1) & 0xffffff;
  if (!generation) generation = 1;
  const unsigned index = unsigned(free_entry - entry);
  SessionEntry &e = *free_entry;
  e.addr = address;
  e.bytes = bytes;
  e.badge = badge;
  e.owner_pid = owner_pid;
  e.token = token;
  e.id = (generation << 8) | (index + 1);   // written last: the entry counts from here on
  *id = e.id;
  return Status::ok;
}

SessionEntry *SessionTable::Find(word badge, word id) {
  const unsigned index = unsigned(id & 0xff);
  if (index < 1 || index > capacity) return nullptr;
  SessionEntry &e = entry[index - 1];
  return e.id == id && id != 0 && e.badge == badge ? &e : nullptr;
}

Status SessionTable::Close(word badge, word id) {
  SessionEntry *e = Find(badge, id);
  if (!e) return Status::invalid_arg;
  Rpc detach(share_label::detach);
  detach.put(e->addr);
  const Status st = detach.call(proc::pager);
  *e = SessionEntry{};
  return st;
}

unsigned SessionTable::count() const {
  unsigned n = 0;
  for (const SessionEntry &e : entry) n += e.id != 0;
  return n;
}

void SessionTable::Reset() {
  for (SessionEntry &e : entry) e = SessionEntry{};
  generation = 0;
}

bool SessionTable::Valid() const {
  if (generation > 0xffffff) return false;
  for (unsigned i = 0; i < capacity; ++i) {
    const SessionEntry &e = entry[i];
    if (!e.id) continue;
    if ((e.id & 0xff) != i + 1 || (e.id >> 8) > generation) return false;
    if (!e.addr || (e.addr & 0xfff) || !e.bytes || e.bytes > session_max_bytes) return false;
    if (e.addr + e.bytes < e.addr) return false;
  }
  return true;
}

} // namespace arc
