#include "grants.hh"
#include "process.hh"
#include "watchdog.hh"
#include <arc/message.hh>
#include <arc/proto/names.hh>
#include <arc/proto/process.hh>
#include <arc/proto/sigma0.hh>
#include <arc/sys.hh>
#include <stdio.h>
#include <string.h>

namespace rt {

using namespace arc;

namespace {

constexpr word retry_ms = 20;    // something is still to be done
constexpr word look_ms = 100;    // everything is in place: is it still?
// Our name service takes a publication at once or not now (it may be waiting for its pager, and
// its pager for us): we never wait to send, and wait for its answer this long.
constexpr word publish_wait_ms = 100;

const bootcfg::Config *cfg;
uint8_t ours = bootcfg::top_level;   // our domain's index, top_level for the boot root task

struct Export {
  CapSlot kept = 0;    // a copy of the endpoint last exported: is it still the server's?
  bool refused_told = false;
};
struct Import {
  CapSlot cap = 0;     // the granted endpoint (our copy: gone when the endpoint goes)
  bool published = false;
  word imports = 0;
  bool waiting_told = false;
};
// The boot root task's: the endpoint of each grant, as last exported.
struct Held {
  CapSlot cap = 0;
  word exports = 0;
};

Export exports[bootcfg::max_grants];
Import imports[bootcfg::max_grants];
Held held[bootcfg::max_grants];
bool pending = false;
word last_look;   // now_ms() of the last grants_tick()

bool live(CapSlot s) { return s && cap_identify(s).r[0] == word(ObjType::endpoint); }

bool exporter(const bootcfg::Grant &g) { return g.from == ours; }
bool importer(const bootcfg::Grant &g) { return ours != bootcfg::top_level && (g.to & (1u << ours)); }

const char *domain_name(uint8_t index) {
  return index == bootcfg::top_level ? "the top level" : cfg->domains[index].name;
}

// The process of the grant's server line, while it has an endpoint.
Process *server_of(const bootcfg::Grant &g) {
  unsigned n;
  Process *t = process_table(&n);
  for (unsigned i = 0; i < n; ++i)
    if (t[i].pid && t[i].config && t[i].service && t[i].state != root::PState::failed &&
        !strcmp(t[i].config->name, g.server))
      return &t[i];
  return nullptr;
}

// The boot root task holds the endpoint in `got` (ours) for grant i from now on.
void hold(unsigned i, CapSlot got) {
  const bootcfg::Grant &g = cfg->grants[i];
  Held &h = held[i];
  if (live(h.cap) && cap_same(h.cap, got)) {   // the same endpoint again: nothing changes
    slot_free(got);
    return;
  }
  // The old copy's endpoint is gone (a cold restart, a domain restart): deleting our copy
  // revokes nothing that still works.
  slot_free(h.cap);
  h.cap = got;
  ++h.exports;
  // One printf, one line: another task's line cannot land inside it.
  char to[bootcfg::max_domains * (bootcfg::max_name_len + 1) + 1] = "";
  for (unsigned k = 0; k < cfg->ndomains; ++k)
    if (g.to & (1u << k)) {
      strlcat(to, " ", sizeof to);
      strlcat(to, cfg->domains[k].name, sizeof to);
    }
  ::printf("[domains] %s: '%s' exported (#%lu), granted as '%s' to%s\n", domain_name(g.from), g.server,
         h.exports, g.as, to);
}

// One grant whose server is ours: export its endpoint again if the one exported is not its own
// any more (or none was). False while it is still to be done.
bool export_one(unsigned i) {
  const bootcfg::Grant &g = cfg->grants[i];
  Export &e = exports[i];
  Process *s = server_of(g);
  if (!s) return true;   // not running: exported when it runs
  if (live(e.kept) && cap_same(e.kept, s->service)) return true;
  slot_free(e.kept);
  CapSlot copy = slot_alloc();
  if (!copy || cap_copy(s->service, boot_cap::space, copy, rights::send) != Status::ok) {
    slot_free(copy);
    return false;
  }
  if (ours == bootcfg::top_level) {
    hold(i, copy);
  } else {
    Utcb *u = utcb();
    u->mr[0] = Tag(sigma0::label_export, 2, 0).raw;
    u->mr[1] = i;
    u->mr[2] = copy;
    Status st = call(boot_cap::pager);
    if (st == Status::ok) st = Status(u->mr[1]);
    slot_free(copy);   // taken by the boot root task (or, refused, deleted)
    if (st != Status::ok) {
      if (!e.refused_told) ::printf("[root] export of '%s' refused: %s\n", g.server, status_name(st));
      e.refused_told = true;
      return st != Status::busy;   // a refusal is final until the endpoint changes
    }
    ::printf("[root] '%s' (pid %lu) exported to the boot root task for grant '%s'\n", g.server, s->pid, g.as);
  }
  // What we compare with at the next look.
  e.kept = slot_alloc();
  if (e.kept && cap_copy(s->service, boot_cap::space, e.kept, rights::send) != Status::ok) slot_free(e.kept);
  return true;
}

// Publish the granted endpoint in our name service, as a server of ours publishes its own.
bool publish(const bootcfg::Grant &g, CapSlot cap) {
  const CapSlot names = names_endpoint();
  if (!names) return false;
  Rpc rpc(arc::names::reg);
  word w[arc::names::name_words] = {};   // the name service takes all its words, padded
  proc::pack(w, g.as, arc::names::name_words);
  for (word x : w) rpc.put(x);
  rpc.put_cap(cap, rights::send);
  return rpc.call(names, ipc::timeouts(0, publish_wait_ms)) == Status::ok;
}

// One grant to our domain: import it if our copy is gone (or we never had one), and publish it.
// False while it is still to be done.
bool import_one(unsigned i) {
  const bootcfg::Grant &g = cfg->grants[i];
  Import &m = imports[i];
  if (!live(m.cap)) {
    slot_free(m.cap);
    m.published = false;
    m.cap = slot_alloc();
    if (!m.cap) return false;
    Utcb *u = utcb();
    u->mr[0] = Tag(sigma0::label_import, 2, 0).raw;
    u->mr[1] = i;
    u->mr[2] = m.cap;
    Status st = call(boot_cap::pager);
    if (st == Status::ok) st = Status(u->mr[1]);
    if (st != Status::ok) {
      slot_free(m.cap);
      if (st != Status::busy) {
        ::printf("[root] import of '%s' refused: %s\n", g.as, status_name(st));
        return true;
      }
      if (!m.waiting_told) ::printf("[root] '%s' of %s not exported yet: waiting for it\n", g.as, domain_name(g.from));
      m.waiting_told = true;
      return false;
    }
    m.waiting_told = false;
    ++m.imports;
  }
  if (m.published) return true;
  if (!publish(g, m.cap)) return false;
  m.published = true;
  ::printf("[root] '%s' of %s imported (#%lu) and published in our name service\n", g.as,
         domain_name(g.from), m.imports);
  return true;
}

} // namespace

void grants_init(const bootcfg::Config &config) {
  cfg = &config;
  ours = config.domain[0] ? uint8_t(config.domain_index(config.domain)) : bootcfg::top_level;
  pending = false;
  for (unsigned i = 0; i < config.ngrants; ++i)
    pending |= exporter(config.grants[i]) || importer(config.grants[i]);
}

void grants_tick() {
  if (!cfg || !grants_timeout_ms()) return;
  last_look = now_ms();
  Utcb *u = utcb();
  word saved[mr_count];
  for (unsigned i = 0; i < mr_count; ++i) saved[i] = u->mr[i];
  pending = false;
  for (unsigned i = 0; i < cfg->ngrants; ++i) {
    const bootcfg::Grant &g = cfg->grants[i];
    if (exporter(g)) pending |= !export_one(i);
    if (importer(g)) pending |= !import_one(i);
  }
  for (unsigned i = 0; i < mr_count; ++i) u->mr[i] = saved[i];
}

bool grants_due() {
  const word t = grants_timeout_ms();
  return t && now_ms() - last_look >= t;
}

word grants_timeout_ms() {
  if (!cfg) return 0;
  bool any = false;
  for (unsigned i = 0; i < cfg->ngrants && !any; ++i)
    any = exporter(cfg->grants[i]) || importer(cfg->grants[i]);
  return !any ? 0 : pending ? retry_ms : look_ms;
}

void grants_names_restarted() {
  for (Import &m : imports) m.published = false;
  pending = true;
}

void grants_serve(unsigned index, CapSlot space, Utcb *u) {
  const word label = Tag(u->mr[0]).label();
  const word i = u->mr[1], slot = u->mr[2];
  auto answer = [u](Status st) {
    u->mr[0] = Tag(0, 1, 0).raw;
    u->mr[1] = word(st);
  };
  if (!cfg || i >= cfg->ngrants || Tag(u->mr[0]).untyped() != 2) return answer(Status::invalid_arg);
  const bootcfg::Grant &g = cfg->grants[i];
  if (label == sigma0::label_export) {
    if (g.from != index) return answer(Status::no_rights);
    CapSlot got = slot_alloc();
    if (!got) return answer(Status::no_memory);
    const Result r = cap_take(space, slot, cap_self, got);
    // An endpoint, unbadged (we badge it for each importer), that it may send to: nothing else
    // is taken for a grant.
    const Result id = cap_identify(got);
    if (!r.ok() || r.r[0] != 1 || id.r[0] != word(ObjType::endpoint) || id.r[2] != 0 ||
        !(id.r[1] & rights::send)) {
      slot_free(got);
      return answer(Status::invalid_arg);
    }
    hold(i, got);
    return answer(Status::ok);
  }
  // label_import
  if (!(g.to & (1u << index))) return answer(Status::no_rights);
  if (!live(held[i].cap)) return answer(Status::busy);
  const Status st = cap_mint(held[i].cap, space, slot, rights::send, sigma0::import_badge(index));
  if (st == Status::ok)
    ::printf("[domains] %s: given '%s' of %s (#%lu)\n", cfg->domains[index].name, g.as,
           domain_name(g.from), held[i].exports);
  answer(st);
}

} // namespace rt
