#include "registry.hh"

#include <string.h>

namespace namesvc {

namespace {
constexpr word registry_magic = 0x4e4d5352;   // "NMSR"

bool terminated(const char *s, unsigned size) { return memchr(s, 0, size) != nullptr; }
} // namespace

bool valid_name(const char *n) {
  if (!terminated(n, name_bytes) || !*n) return false;
  for (; *n; ++n)
    if (!((*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') || *n == '-' || *n == '_'))
      return false;
  return true;
}

void Registry::Reset() {
  memset(this, 0, sizeof(*this));
  magic = registry_magic;
}

bool Registry::Valid() const {
  if (magic != registry_magic || n_conns > max_connections) return false;
  if (armed && (armed < first_slot || armed >= end_slot)) return false;
  for (unsigned i = 0; i < max_names; ++i) {
    const Entry &e = entries[i];
    if (!e.slot) continue;
    if (e.slot < first_slot || e.slot >= end_slot || !valid_name(e.name)) return false;
    for (unsigned j = i + 1; j < max_names; ++j)
      if (entries[j].slot == e.slot || (entries[j].slot && !strcmp(entries[j].name, e.name)))
        return false;
  }
  for (unsigned i = 0; i < n_conns; ++i) {
    const Connection &c = conns[i];
    if (c.entry >= max_names || !entries[c.entry].slot) return false;
    if (c.slot && (c.slot < client_first || c.slot >= client_end)) return false;
    for (unsigned j = i + 1; j < n_conns && c.slot; ++j)
      if (conns[j].slot == c.slot) return false;
  }
  return true;
}

Entry *Registry::Find(const char *name) {
  for (Entry &e : entries)
    if (e.slot && !strcmp(e.name, name)) return &e;
  return nullptr;
}

Entry *Registry::Publish(const char *name, CapSlot slot, word owner) {
  Entry *e = Find(name);
  if (!e) {
    for (Entry &f : entries)
      if (!f.slot) { e = &f; break; }
    if (!e) return nullptr;
    memset(e, 0, sizeof(*e));
    strcpy(e->name, name);   // valid_name: shorter than name_bytes
  }
  // A restarted server publishes again: the new capability replaces the old one. The old one
  // is not deleted: clients' copies derive from it. After a cold restart its endpoint is gone
  // and the slot empties itself; after a hot or warm one it still works.
  e->slot = slot;
  e->owner = owner;
  return e;
}

bool Registry::Connect(word client, const Entry &e, bool (*usable)(CapSlot)) {
  const word index = word(&e - entries);
  for (unsigned i = 0; i < n_conns; ++i)
    if (conns[i].client == client && conns[i].entry == index) return true;
  if (n_conns >= max_connections) {
    ++dropped;
    return false;
  }
  CapSlot slot = 0;
  for (CapSlot s = client_first; s < client_end && !slot; ++s)
    if (!ClientSlotUsed(s) && (!usable || usable(s))) slot = s;
  conns[n_conns++] = {client, index, slot};
  ++entries[index].connections;
  return true;
}

bool Registry::Adopt(word client, const Entry &e, CapSlot slot) {
  const word index = word(&e - entries);
  if (slot < client_first || slot >= client_end || ClientSlotUsed(slot)) return false;
  for (unsigned i = 0; i < n_conns; ++i) {
    Connection &c = conns[i];
    if (c.client != client || c.entry != index) continue;
    if (c.slot) return false;
    c.slot = slot;
    return true;
  }
  if (n_conns >= max_connections) {
    ++dropped;
    return false;
  }
  conns[n_conns++] = {client, index, slot};
  ++entries[index].connections;
  return true;
}

CapSlot Registry::ClientSlot(word client, const Entry &e) const {
  const word index = word(&e - entries);
  for (unsigned i = 0; i < n_conns; ++i)
    if (conns[i].client == client && conns[i].entry == index) return conns[i].slot;
  return 0;
}

bool Registry::ClientSlotUsed(CapSlot slot) const {
  for (unsigned i = 0; i < n_conns; ++i)
    if (conns[i].slot == slot) return slot != 0;
  return false;
}

const Entry *Registry::At(word index) const {
  for (const Entry &e : entries)
    if (e.slot && index-- == 0) return &e;
  return nullptr;
}

bool Registry::Holds(CapSlot slot) const {
  for (const Entry &e : entries)
    if (e.slot == slot) return true;
  return false;
}

} // namespace namesvc
