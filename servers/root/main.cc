// The root task: owns physical memory (from sigma0), starts the servers of the boot
// configuration (each with its own pager), pages the pagers, and answers process management
// requests (spawn, kill, ps, mem, servers).
#include "ckfile.hh"
#include "ckgroup.hh"
#include "domain.hh"
#include "grants.hh"
#include "ha.hh"
#include "memory.hh"
#include "modules.hh"
#include "monitor.hh"
#include "names_restart.hh"
#include "process.hh"
#include "renew.hh"
#include "restart.hh"
#include "secure.hh"
#include "share.hh"
#include "watchdog.hh"
#include <arc/libc.h>
#include <arc/proto/process.hh>
#include <arc/process.hh>
#include <arc/proto/pager.hh>
#include <arc/proto/root.hh>
#include <arc/server.hh>
#include <arc/start.hh>
#include <arc/sys.hh>
#include <bootcfg/bootcfg.hh>
#include <stdlib.h>
#include <string.h>

using namespace arc;

// The root task starts the console and pages the pagers: its console is the kernel's.
ARC_CONSOLE_KDEBUG_ONLY;

namespace rt {
extern CapSlot root_ep;
}

namespace {

using rt::Process;

bootcfg::Config config;

struct PrintErrors final : bootcfg::ErrorSink {
  void report(const bootcfg::Error &e) override {
    bootcfg::ErrorSink::report(e);
    printf("[root] %s; line skipped\n", e.text);
  }
};

// The secure domain we are the root task of ("" for the boot root task), from our command line.
char our_domain[bootcfg::max_name_len + 1];

void start_servers(const BootInfo &bi) {
  const rt::Module *cfg = rt::module_find("boot.cfg");
  if (!cfg) {
    printf("[root] no boot.cfg module: no servers to start\n");
    return;
  }
  PrintErrors errors;
  bootcfg::parse(reinterpret_cast<const char *>(cfg->addr + cfg->offset), cfg->size, config, &errors,
                 "boot.cfg", our_domain);
  // The domains first: their root tasks run once we wait for messages, and a domain monitor
  // among our servers finds them there.
  if (!our_domain[0]) rt::domains_start(config, bi);
  rt::domain_start(config);
  rt::grants_init(config);
}

// A domain's root task marks its lines, "[b] [root] ...", on the console it shares with every
// other domain.
ssize_t (*console_base)(const void *, size_t);
char line_prefix[bootcfg::max_name_len + 4];
bool at_line_start = true;

ssize_t prefixed_write(const void *buf, size_t n) {
  const char *p = static_cast<const char *>(buf);
  char out[320];
  size_t o = 0;
  for (size_t i = 0; i < n; ++i) {
    if (at_line_start) {
      for (const char *q = line_prefix; *q; ++q) out[o++] = *q;
      at_line_start = false;
    }
    out[o++] = p[i];
    if (p[i] == '\n') at_line_start = true;
    if (o > sizeof out - sizeof line_prefix - 1) {
      (void)console_base(out, o);
      o = 0;
    }
  }
  if (o) (void)console_base(out, o);
  return ssize_t(n);
}

void reply_status(Utcb *u, Status s, unsigned results = 0) {
  u->mr[0] = Tag(0, 1 + results, 0).raw;
  u->mr[1] = word(s);
}

// A page fault of a task we page (a pager, or a process with pager=root), resolved from the
// image we keep for it; false, said on the console, when there is no page for it.
bool pager_fault(Process *p, Utcb *u) {
  word addr = u->mr[1], ip = u->mr[2], access = u->mr[3];
  p3::Source src = p->pager_image.resolve(addr, access);
  if (src.kind != p3::Source::image && src.kind != p3::Source::frame) {
    printf("[root] %s%s: %s %lx ip %lx\n", p->direct ? "" : "pager of ", p->name,
           src.kind == p3::Source::exhausted ? "no memory for the page at" : "invalid access at",
           addr, ip);
    return false;
  }
  // Only pages we hold can be mapped on. Device windows we hold already (sigma0 mapped them),
  // and a read of their first register could take data from the device (a UART's next byte).
  if (!rt::in_device_window(src.addr)) (void)*reinterpret_cast<volatile const char *>(src.addr);
  u->mr[0] = Tag(0, 0, 2).raw;
  u->mr[1] = fpage(src.addr, 12, src.rights);
  u->mr[2] = (addr & ~word(0xfff)) | item::map;
  return true;
}

void give_frames(Process *p, Utcb *u) {
  word count = u->mr[1], base = u->mr[2] & ~word(0xfff);
  if (!count || count > 16) return reply_status(u, Status::invalid_arg);
  // A pager's usual request, a power of two at a base aligned to it: one block, one flexpage
  // (the kernel maps its pages in one item, where one item a frame cost each its decode).
  const unsigned log2 = unsigned(__builtin_ctz(count));
  if (count == (word(1) << log2) && !(base & ((count << 12) - 1))) {
    if (const word va = rt::frames_alloc_block(p->pid, count)) {
      u->mr[0] = Tag(0, 1, 2).raw;
      u->mr[1] = count;
      u->mr[2] = fpage(va, 12 + log2, fpage_rights::rwx);   // rwx: as below
      u->mr[3] = base | item::map;
      return;
    }
  }
  word got = 0;
  word items[32];
  for (; got < count; ++got) {
    word f = rt::frame_alloc(p->pid);
    if (!f) break;
    // rwx: a pager fills frames with code too (a text page that shares its last page with data,
    // or a page the image cannot give whole); without x the process could not execute it on ARM
    // (execute-never), whatever rights the pager asks for.
    items[2 * got] = fpage(f, 12, fpage_rights::rwx);
    items[2 * got + 1] = (base + got * 0x1000) | item::map;
  }
  u->mr[0] = Tag(0, 1, unsigned(2 * got)).raw;
  u->mr[1] = got;
  for (word i = 0; i < 2 * got; ++i) u->mr[2 + i] = items[i];
}

// Map a shared region's frames into a pager's share window at base.
void map_region(Utcb *u, const rt::Region &r, word base, word token) {
  u->mr[0] = Tag(0, 2, 2 * r.pages).raw;
  u->mr[1] = word(Status::ok);
  u->mr[2] = token;
  for (unsigned i = 0; i < r.pages; ++i) {
    u->mr[3 + 2 * i] = fpage(r.frames[i], 12, fpage_rights::r | fpage_rights::w);
    u->mr[4 + 2 * i] = (base + i * 0x1000) | item::map;
  }
}

void serve_share(Process *p, Utcb *u) {
  const word label = Tag(u->mr[0]).label();
  rt::Region *r = nullptr;
  Status st;
  switch (label) {
  case arc::root::share_new:
    st = rt::share_new(p->pid, unsigned(u->mr[1]), &r);
    if (st == Status::ok) return map_region(u, *r, u->mr[2] & ~word(0xfff), r->token);
    return reply_status(u, st);
  case arc::root::share_allow:
    return reply_status(u, rt::share_allow(p->pid, u->mr[1], u->mr[2]));
  case arc::root::share_map: {
    word token = u->mr[1];
    st = rt::share_attach(p->pid, u->mr[2], token, &r);
    if (st != Status::ok) return reply_status(u, st);
    map_region(u, *r, u->mr[3] & ~word(0xfff), r->pages);
    return;
  }
  case arc::root::share_drop:
    rt::share_drop(p->pid, u->mr[1]);
    return reply_status(u, Status::ok);
  }
}

// Split "program arg arg" into program and argv.
unsigned split(char *line, char **program, char args[][64]) {
  unsigned argc = 0;
  char *p = line;
  while (*p == ' ') ++p;
  *program = p;
  while (*p && *p != ' ') ++p;
  while (*p) {
    *p++ = 0;
    while (*p == ' ') ++p;
    if (!*p || argc == 8) break;
    unsigned n = 0;
    while (*p && *p != ' ' && n < 63) args[argc][n++] = *p++;
    args[argc++][n] = 0;
    while (*p && *p != ' ') ++p;
  }
  return argc;
}

// The pager of p failed (an exception, or a fault we have no page for). It is the trusted base
// of its process: the process's pages and persistent memory were its, and nothing of it can be
// trusted now. The monitor decides as for corrupt persistent memory: hot and warm restarts,
// which would keep them, are passed over for the policy's cold or group rung, and past the
// ladder its end (stop, domain restart, reboot). Without a policy the process is stopped and
// everything it had is freed. Nothing to answer: the pager waits for no reply of ours.
void pager_failed(Process *p, word addr, word ip) {
  p->state = arc::root::PState::failed;
  printf("[monitor] %s (pid %lu): its pager failed\n", p->name, p->pid);
  rt::carry_out(p, rt::monitor_decide(p, arc::root::Cause::pager, addr, ip).action);
}

// `inject NAME pager`: make the server's pager fail, as a wild jump would: it leaves its receive
// for an address where it has nothing mapped, and its fault comes to us (pager_failed).
Status fail_pager(Process *p) {
  if (p->direct) return Status::not_supported;   // paged by us: there is no pager to fail
  constexpr word wild_ip = 0x10;                  // the null page: never in a pager's image
  const Result r = exchange_registers(p->pager_thread, exregs::set_ip | exregs::abort_ipc, wild_ip);
  printf("[monitor] inject pager into %s: %s\n", p->name, r.ok() ? "armed" : "failed");
  return r.ok() ? Status::ok : r.status;
}

// `inject root crash`: we fail ourselves, right after answering, as a null pointer would
// (docs/restarts.md: what a failure of the trusted base costs; sigma0 reboots the machine).
bool crash_after_reply;

// Requests of processes (arc/proto/root.hh), on the framework's request and reply types: the
// request is a copy of the caller's words, so a handler may use the message registers (for a
// call of its own) before it puts its results.
using arc::Reply;
using arc::Request;

// Whether the caller may ask for `what` (a bootcfg::May bit); if not, the log says so once.
bool may(Process *c, uint8_t what) {
  if (c->may & what) return true;
  if (!(c->may_refused_told & what)) {
    c->may_refused_told |= what;
    const char *name = what == bootcfg::may_spawn ? "spawn" : what == bootcfg::may_kill ? "kill"
                       : what == bootcfg::may_swap ? "swap" : what == bootcfg::may_restore ? "restore"
                       : "inject";
    printf("[root] %s (pid %lu) may not %s: its boot line has no may=%s\n", c->name, c->pid, name,
           name);
  }
  return false;
}

// Whether c's boot line starts it after p (after=): the configured use of a server by a client.
bool starts_after(const Process *c, const Process *p) {
  if (!c || !p || !c->config) return false;
  for (unsigned i = 0; i < c->config->nafter; ++i)
    if (!strcmp(c->config->after_names[i], p->name)) return true;
  return false;
}

// `spawn "program args"`: a process started from another one gets no more than its spawner may.
Status op_spawn(Process *caller, const Request &req, Reply &rep) {
  if (!may(caller, bootcfg::may_spawn)) return Status::no_rights;
  char line[200];
  if (!req.string(1, req.untyped, line, sizeof(line))) return Status::invalid_arg;
  char *program;
  char args[8][64];
  const unsigned argc = split(line, &program, args);
  if (!*program) return Status::invalid_arg;
  word err;
  Process *p = rt::spawn(program, program, args, argc, nullptr, &err);
  if (!p) return Status(err);
  p->may = caller->may;
  rep.put(p->pid);
  return Status::ok;
}

// `kill PID` from a client (the shell). A server with a restart policy is not simply gone: a
// kill is a failure like a crash, and its policy decides (a hot restart keeps its clients'
// requests; a cold one gives them partner_gone). Without a policy the process ends, except the
// name service: its endpoint would stay with nobody to answer, and every later lookup would wait
// for ever.
Status op_kill(Process *caller, const Request &req, Reply &rep) {
  using arc::root::Action;
  if (!may(caller, bootcfg::may_kill)) return Status::no_rights;
  Process *p = rt::process_by_pid(req.arg(1));
  if (!p || p->state != arc::root::PState::running || p == caller) return Status::invalid_arg;
  if (rt::monitor_restarting(p)) return Status::busy;
  const bool policy = p->config && p->config->nrestart;
  if (!policy && p->name_service) {
    printf("[root] %s (pid %lu): not killed: the name service has no restart policy\n", p->name,
           p->pid);
    return Status::no_rights;
  }
  printf("[root] %s (pid %lu) killed\n", p->name, p->pid);
  Action action = Action::stop;
  if (policy) {
    const word ip = exchange_registers(p->thread, 0).r[0];
    action = rt::monitor_decide(p, arc::root::Cause::killed, 0, ip).action;
    rt::carry_out(p, action);   // stop and domain: killed now (a domain restart comes later)
  } else {
    rt::kill(p);
  }
  rep.put(word(action));
  return Status::ok;
}

// `complain` from a process about a server that failed it: answers that cannot be right (every
// read a device error) from a server that still takes every message, so that no watchdog can
// see it; only its clients can. As MINIX 3's reincarnation server takes complaints only from the
// components it trusts, the monitor takes them only from processes whose boot line starts them
// after the server (they depend on it: the configuration's own edges); anyone else is refused.
// An accepted complaint is a failure of the server, and its policy decides (its intensity bounds
// how often complaints restart it). A complaint about a server being restarted is busy: it is
// most likely about the very failure being repaired.
Status op_complain(Process *caller, const Request &req, Reply &rep) {
  using arc::root::Action;
  Process *p = rt::process_by_pid(req.arg(1));
  if (!p || p->state != arc::root::PState::running || p == caller) return Status::invalid_arg;
  if (!starts_after(caller, p)) return Status::no_rights;
  if (!p->config || !p->config->nrestart) return Status::not_supported;
  if (rt::monitor_restarting(p)) return Status::busy;
  const word seen = req.arg(2);
  printf("[monitor] %s (pid %lu): complaint from %s (pid %lu): it answered %s\n", p->name, p->pid,
         caller->name, caller->pid, seen < word(Status::count) ? arc::status_name(Status(seen)) : "?");
  const word ip = exchange_registers(p->thread, 0).r[0];
  const Action action = rt::monitor_decide(p, arc::root::Cause::complaint, seen, ip).action;
  rt::carry_out(p, action);
  rep.put(word(action));
  return Status::ok;
}

// `depends CLIENT`: whether the client's boot line starts it after the caller (a server that
// serves only the processes configured to use it asks this).
Status op_depends(Process *caller, const Request &req, Reply &) {
  const Process *client = rt::process_by_pid(req.arg(1));
  if (!client) return Status::invalid_arg;
  return starts_after(client, caller) ? Status::ok : Status::no_rights;
}

Status op_ps(Process *, const Request &req, Reply &rep) {
  Process *p = rt::process_at(unsigned(req.arg(1)));
  if (!p) return Status::invalid_arg;
  word c[4] = {};
  const bool have = p->state == arc::root::PState::running && rt::page_counts(p, c);
  rep.put(p->pid);
  rep.put(word(p->state));
  rep.put(have ? c[0] : ~word(0));
  rep.put(have ? c[1] : ~word(0));
  rep.put(p->restarts);
  rep.put_string(p->name, 6);
  return Status::ok;
}

Status op_mem(Process *, const Request &, Reply &rep) {
  rep.put(rt::frames_total());
  rep.put(rt::frames_free());
  rep.put(rt::frames_used());
  return Status::ok;
}

Status op_servers(Process *, const Request &req, Reply &rep) {
  const word i = req.arg(1);
  if (i >= config.nservers) return Status::invalid_arg;
  const bootcfg::Server &s = config.servers[i];
  word pid_running = 0, restarts = 0;
  for (unsigned k = 0; Process *p = rt::process_at(k); ++k)
    if (p->config == &s && p->state == arc::root::PState::running) {
      pid_running = p->pid;
      restarts = p->restarts;
    }
  char text[64];
  unsigned n = 0;
  for (const char *q = s.name; *q && n < 30;) text[n++] = *q++;
  text[n++] = ' ';
  for (const char *q = s.program; *q && n < 62;) text[n++] = *q++;
  text[n] = 0;
  rep.put(pid_running);
  rep.put(restarts);
  rep.put_string(text, 16);
  return Status::ok;
}

Status op_domains(Process *, const Request &req, Reply &rep) { return rt::domain_info(req.arg(1), rep); }

Status op_restarts(Process *, const Request &req, Reply &rep) {
  rt::LogEntry e;
  if (!rt::monitor_log(unsigned(req.arg(1)), &e)) return Status::invalid_arg;
  rep.put(e.pid);
  rep.put(word(e.cause));
  rep.put(word(e.action));
  rep.put(e.insns);
  rep.put(word(e.outcome));
  rep.put_string(e.name, 6);
  return Status::ok;
}

// Fault injection for demos and tests: through a capability to the server's endpoint that
// carries the monitor's badge (the framework accepts injections from nobody else).
Status op_inject(Process *caller, const Request &req, Reply &) {
  if (!may(caller, bootcfg::may_inject)) return Status::no_rights;
  char name[24];
  if (!req.string(1, 6, name, sizeof(name))) return Status::invalid_arg;
  const word kind = req.arg(7), after = req.arg(8);
  const word at = req.untyped >= 9 ? req.arg(9) : server_label::inject_at_request;
  if (!strcmp(name, "root")) {
    if (kind != server_label::inject_crash || after) return Status::not_supported;
    printf("[monitor] inject crash into root: armed\n");
    crash_after_reply = true;
    return Status::ok;
  }
  Process *p = nullptr;
  for (unsigned k = 0; Process *q = rt::process_at(k); ++k)
    if (q->state == arc::root::PState::running && !strcmp(q->name, name)) p = q;
  if (!p || !p->service) return Status::invalid_arg;
  if (kind == server_label::inject_pager) return after ? Status::invalid_arg : fail_pager(p);
  CapSlot tmp = rt::slot_alloc();
  if (!tmp || cap_mint(p->service, boot_cap::space, tmp, rights::send, server_label::monitor_badge) != Status::ok) {
    rt::slot_free(tmp);
    return Status::busy;
  }
  Rpc rpc(server_label::inject);
  rpc.put(kind).put(after).put(at);
  const Status st = rpc.call(tmp, ipc::timeouts(100, 1000));
  rt::slot_free(tmp);
  printf("[monitor] inject %s into %s after %lu %s: %s\n", arc::inject_kind_name(kind), name,
         after, at == server_label::inject_at_step ? "handler steps" : "requests",
         st == Status::ok ? "armed" : "failed");
  return st;
}

// `swap SERVER PROGRAM` (the administrator, from the shell): run another program for a server
// of the boot configuration, online, with its endpoint, sessions and requests (docs/restarts.md,
// "Swap"). Only at a quiet point: busy until the server gets to one.
Status op_swap(Process *caller, const Request &req, Reply &) {
  if (!may(caller, bootcfg::may_swap)) return Status::no_rights;
  char name[24], program[24];
  if (!req.string(1, 6, name, sizeof(name)) || !req.string(7, 6, program, sizeof(program)))
    return Status::invalid_arg;
  Process *p = nullptr;
  for (unsigned k = 0; Process *q = rt::process_at(k); ++k)
    if (q->state == arc::root::PState::running && !strcmp(q->name, name)) p = q;
  const rt::Module *to = rt::module_find(program);
  if (!p || !p->config || !p->service || p == caller || !to || to->offset) return Status::invalid_arg;
  if (p->direct) return Status::not_supported;
  if (p->pending_restart || rt::monitor_restarting(p)) return Status::busy;
  return rt::swap_online(p, to);
}

// A running server of the boot configuration with its own pager, by the name in MR1..6.
Process *server_named(const Request &req, Status *st) {
  char name[24];
  *st = Status::invalid_arg;
  if (!req.string(1, 6, name, sizeof(name))) return nullptr;
  Process *p = nullptr;
  for (unsigned k = 0; Process *q = rt::process_at(k); ++k)
    if (q->state == arc::root::PState::running && !strcmp(q->name, name)) p = q;
  if (!p || !p->config || !p->service) return nullptr;
  *st = p->direct ? Status::not_supported : Status::ok;
  return *st == Status::ok ? p : nullptr;
}

// `checkpoint SERVER` (docs/restarts.md, "Checkpoint and restore"): at its next quiet point,
// now or busy (the shell asks again). The pager reports the checkpoint (root::checkpointed).
Status op_checkpoint(Process *caller, const Request &req, Reply &) {
  if (!may(caller, bootcfg::may_restore)) return Status::no_rights;
  Status st;
  Process *p = server_named(req, &st);
  if (!p) return st;
  if (p == caller) return Status::invalid_arg;
  if (req.untyped >= 7 && (req.mr[7] & arc::root::ckpt_group)) return rt::group_checkpoint(p, caller);
  if (p->pending_restart || rt::monitor_restarting(p)) return Status::busy;
  return rt::checkpoint_knock(p) ? Status::ok : Status::busy;
}

// `restore SERVER`: back to its last checkpoint now (not a failure: logged restore-asked).
Status op_restore(Process *caller, const Request &req, Reply &) {
  if (!may(caller, bootcfg::may_restore)) return Status::no_rights;
  Status st;
  Process *p = server_named(req, &st);
  if (!p) return st;
  if (p == caller) return Status::invalid_arg;
  if (req.untyped >= 7 && (req.mr[7] & arc::root::ckpt_group)) return rt::group_restore(p, caller);
  if (!p->checkpoint) return Status::not_supported;
  if (p->pending_restart || rt::monitor_restarting(p)) return Status::busy;
  rt::restore_asked(p);
  return Status::ok;
}

// `checkpoint --save` / `restore --load` (docs/restarts.md, "Checkpoints in files"): the file
// passes through our buffer between the shell and the server's pager (ckfile.cc).
Status op_checkpoint_file(Process *caller, const Request &req, Reply &rep) {
  if (!may(caller, bootcfg::may_restore)) return Status::no_rights;
  Status st;
  Process *p = server_named(req, &st);
  if (!p) return st;
  if (p == caller) return Status::invalid_arg;
  return rt::ckfile_request(p, req, rep);
}

struct ClientOp {
  word label;
  unsigned min_args, max_args;   // untyped words of the request
  Status (*serve)(Process *caller, const Request &, Reply &);
};
constexpr ClientOp client_ops[] = {
    {arc::root::spawn, 1, arc::mr_count - 1, op_spawn},
    {arc::root::kill, 1, 1, op_kill},
    {arc::root::complain, 2, 2, op_complain},
    {arc::root::depends, 1, 1, op_depends},
    {arc::root::ps, 1, 1, op_ps},
    {arc::root::mem, 0, 0, op_mem},
    {arc::root::servers, 1, 1, op_servers},
    {arc::root::restarts, 1, 1, op_restarts},
    {arc::root::inject, 8, 9, op_inject},
    {arc::root::domains, 1, 1, op_domains},
    {arc::root::swap, 12, 12, op_swap},
    {arc::root::checkpoint, 6, 7, op_checkpoint},   // MR7: ckpt_group
    {arc::root::restore, 6, 7, op_restore},
    {arc::root::checkpoint_file, 7, arc::mr_count - 1, op_checkpoint_file},
};

// Where a capability sent to us lands (root::ha_watch is the one request that carries one): a
// slot of ours, emptied after every message that brought something else.
CapSlot ha_cap_slot;

// A request of process `pid` (the badge of its capability to us): checked against the table
// (known label, argument count, no typed items), then served; anything else is invalid_arg.
void serve_client(word pid, Utcb *u) {
  const Tag tag(u->mr[0]);
  word in[mr_count];
  const unsigned untyped = tag.untyped() < mr_count ? tag.untyped() : mr_count - 1;
  for (unsigned i = 0; i <= untyped; ++i) in[i] = u->mr[i];
  Request req;
  req.label = tag.label();
  req.badge = pid;
  req.untyped = untyped;
  req.typed = tag.typed();
  req.mr = in;
  Reply rep(u->mr);
  Process *caller = rt::process_by_pid(pid);
  Status st = Status::invalid_arg;
  // The two HA requests: one carries a capability (into ha_cap_slot), the other comes from the
  // workers only (ha.cc checks).
  if (caller && req.label == arc::root::ha_watch && untyped == 1 && req.typed == 2 &&
      !tag.map_failed()) {
    st = rt::ha_watch_request(caller, in[1], ha_cap_slot);
    if (st == Status::ok) ha_cap_slot = 0;   // kept by ha.cc
    return rep.finish(st);
  }
  if (caller && req.label == arc::root::ha_report && untyped == 4 && !req.typed)
    return rep.finish(rt::ha_report(caller, in[1], in[2], in[3], in[4]));
  // A domain monitor's requests (secure.cc checks its line's watch-domains=).
  if (caller && req.label == arc::root::domain_watch && untyped == 1 && !req.typed) {
    return rep.finish(rt::domain_watch(caller, in[1], rep));
  }
  if (caller && req.label == arc::root::domain_restart && untyped == 3 && !req.typed) {
    word generation = 0;
    st = rt::domain_restart(caller, in[1], in[2], in[3], &generation);
    if (st == Status::ok) rep.put(generation);
    return rep.finish(st);
  }
  for (const ClientOp &op : client_ops)
    if (op.label == req.label && caller && !req.typed && untyped >= op.min_args &&
        untyped <= op.max_args)
      st = op.serve(caller, req, rep);
  rep.finish(st);
}

} // namespace

int main(int argc, char **argv) {
  const BootInfo *bi = boot_info();
  if (!bi) {
    printf("[root] no boot information\n");
    return 1;
  }
  // domain=NAME: we are that secure domain's root task, started by the boot root task (which
  // is our sigma0); fault=KIND:MS: its test fault, at the domain's first start only.
  const char *fault = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!strncmp(argv[i], "domain=", 7)) strlcpy(our_domain, argv[i] + 7, sizeof our_domain);
    if (!strncmp(argv[i], "fault=", 6)) fault = argv[i] + 6;
  }
  rt::set_secure_domain(our_domain);
  if (our_domain[0]) {
    line_prefix[0] = '[';
    strlcpy(line_prefix + 1, our_domain, sizeof line_prefix - 3);
    strlcat(line_prefix, "] ", sizeof line_prefix);
    set_print_prefix(line_prefix);
    console_base = arc_console_write;
    arc_console_write = prefixed_write;
    printf("[root] Arc root task of secure domain %s\n", our_domain);
  } else {
    printf("[root] Arc root task\n");
  }
  // Our heap (newlib's stdio buffers, whatever the C library allocates later) grows into pages
  // that our pager, sigma0, gives on a fault: once memory_init has taken all its memory it has
  // none left, and a fault there stops us. So the heap's first 64 KiB are touched now (freed, the
  // pages stay ours and the heap reuses them).
  if (void *h = malloc(64u << 10)) {
    memset(h, 0, 64u << 10);
    free(h);
  }
  rt::memory_init(*bi);
  rt::modules_init(*bi);
  rt::root_ep = rt::slot_alloc();
  if (!rt::root_ep || create(boot_cap::factory, ObjType::endpoint, rt::root_ep) != Status::ok) {
    printf("[root] cannot create the root endpoint\n");
    return 1;
  }
  rt::processes_init(*bi);
  start_servers(*bi);
  if (fault) rt::domain_fault_arm(fault);

  Utcb *u = utcb();
  word badge = 0;
  // While a server is watched for hangs, no wait is longer than a watchdog tick; while a domain
  // restart is coming, none lasts past it; while a server is still to be told to publish again
  // (the name service's cold restart), none is longer than the retry.
  auto timeouts = [] {
    const word bounds[] = {rt::watch_timeout_ms(), rt::domain_timeout_ms(), rt::publishers_timeout_ms(),
                           rt::ha_timeout_ms(), rt::domain_fault_timeout_ms(), rt::grants_timeout_ms()};
    word t = 0;
    for (word w : bounds)
      if (w && (!t || w < t)) t = w;
    return t ? ipc::timeouts(0, t) : forever;
  };
  bool brought_items = false;   // the message in hand had typed items (a capability may have landed)
  auto next = [&](bool answer) {
    // Capabilities sent to us land in ha_cap_slot; one left there by a message that was not
    // ha_watch (or was refused) is deleted, so that the next one finds the slot empty.
    if (!ha_cap_slot) ha_cap_slot = rt::slot_alloc();
    else if (brought_items) (void)cap_delete(ha_cap_slot);
    brought_items = false;
    u->rcv_cap_slot = ha_cap_slot;
    return answer ? reply_wait(rt::root_ep, &badge, timeouts()) : recv(rt::root_ep, &badge, timeouts());
  };
  Status st = next(false);
  for (;;) {
    brought_items = st == Status::ok && Tag(u->mr[0]).typed();
    // A wait cut short for the publishers' retry is no watchdog tick (watch_tick still ticks once
    // a tick's time has passed).
    rt::watch_tick(st == Status::timeout && !rt::publishers_timeout_ms() && !rt::grants_timeout_ms());
    rt::ha_tick();
    rt::domain_fault_tick();
    // A domain restart replaces every process: a message in hand is from the old domain.
    if (rt::domain_tick()) {
      st = next(false);
      continue;
    }
    if (st != Status::ok) {
      rt::deliver_pending_restarts();
      rt::tell_publishers();
      rt::grants_tick();
      st = next(false);
      continue;
    }
    bool answer = true;
    Process *kill_after = nullptr, *cold_after = nullptr, *group_after = nullptr,
            *spare_after = nullptr;
    if (badge & rt::direct_badge) {
      // A process we page ourselves (pager=root): what its pager would answer.
      Process *p = rt::process_by_pid(badge & ~rt::direct_badge);
      const word label = Tag(u->mr[0]).label();
      if (!p) {
        answer = false;
      } else if (p->domain_root) {
        answer = rt::domain_root_message(p, u);
      } else if (label == label::page_fault) {
        answer = pager_fault(p, u);
        if (!answer) {
          printf("[root] %s: process stopped\n", p->name);
          p->state = arc::root::PState::failed;
        }
      } else if (label == arc::pager::counts) {
        word c[4];
        (void)rt::page_counts(p, c);   // ours: never fails for a process we page
        reply_status(u, Status::ok, 4);
        for (unsigned i = 0; i < 4; ++i) u->mr[2 + i] = c[i];
      } else if (label == arc::pager::recovered) {
        reply_status(u, Status::ok);   // never restarted here: nothing was timed
      } else if (label == arc::pager::exit) {
        printf("[root] %s (pid %lu) exited with status %ld\n", p->name, p->pid, long(u->mr[1]));
        rt::kill(p);
        answer = false;
      } else {
        printf("[root] %s: exception %lu at %lx; process stopped\n", p->name, u->mr[1], u->mr[3]);
        rt::kill(p);
        answer = false;
      }
    } else if (badge & rt::pager_badge) {
      Process *p = rt::process_by_pid(badge & ~rt::pager_badge);
      const word label = Tag(u->mr[0]).label();
      if (!p) {
        answer = false;
      } else if (p->state == arc::root::PState::failed) {
        answer = false;   // what a failed pager still sends (it is being replaced)
      } else if (label == label::page_fault) {
        answer = pager_fault(p, u);
        if (!answer) pager_failed(p, u->mr[1], u->mr[2]);
      } else if (label == label::exception) {
        printf("[root] pager of %s: exception %lu at %lx\n", p->name, u->mr[1], u->mr[3]);
        answer = false;
        pager_failed(p, 0, u->mr[3]);
      } else if (label == arc::root::frames) {
        give_frames(p, u);
      } else if (label >= arc::root::share_new && label <= arc::root::share_drop) {
        serve_share(p, u);
      } else if (label == arc::root::exited) {
        reply_status(u, Status::ok);
        kill_after = p;
      } else if (label == arc::root::crashed) {
        rt::Decision d = rt::monitor_decide(p, arc::root::Cause(u->mr[1]), u->mr[2], u->mr[3]);
        CapSlot carried = 0;
        if (d.action == arc::root::Action::warm && !rt::restart_warm(p, &carried)) {
          printf("[monitor] %s: warm restart failed: cold restart instead\n", p->name);
          d.action = arc::root::Action::cold;
        }
        if (d.action == arc::root::Action::swap) {
          const rt::Module *to = rt::next_program(p);
          if (!to || !rt::restart_swap(p, to, &carried)) {
            printf("[monitor] %s: swap failed: cold restart instead\n", p->name);
            d.action = arc::root::Action::cold;
          } else {
            printf("[monitor] %s: swapping to %s\n", p->name, to->name);
          }
        }
        reply_status(u, Status::ok, 3);
        u->mr[2] = word(d.action);
        u->mr[3] = d.backoff_ms;
        u->mr[4] = carried;   // warm: where the interrupted caller's reply right is now
        if (d.action == arc::root::Action::stop) kill_after = p;
        else if (d.action == arc::root::Action::cold) cold_after = p;
        else if (d.action == arc::root::Action::group) group_after = p;
      } else if (label == arc::root::checkpointed) {
        rt::monitor_checkpointed(p, u->mr[1], u->mr[2], u->mr[3], u->mr[4]);
        rt::group_checkpointed(p, u->mr[1], Tag(u->mr[0]).untyped() >= 5 ? u->mr[5] : 0);
        reply_status(u, Status::ok);
      } else if (label == arc::root::checkpoint_put || label == arc::root::checkpoint_get ||
                 label == arc::root::checkpoint_loaded) {
        rt::ckfile_pager(p, u);
      } else if (label == arc::root::restarted) {
        const word after = Tag(u->mr[0]).untyped() >= 4 ? u->mr[4] : 0;
        if (after != arc::root::restarted_cleanup)
          rt::monitor_restarted(p, u->mr[1], arc::root::Action(u->mr[2]),
                                Tag(u->mr[0]).untyped() >= 3 ? u->mr[3] : ~word(0));
        // A warm restart's old space and thread go after the replayed reply (restart.hh).
        if (after != arc::root::restarted_cleanup_later) rt::drop_old_space(p);
        reply_status(u, Status::ok);
        // After the replayed reply: the next warm restart's space and thread (restart.hh),
        // made once the pager has its answer.
        if (after == arc::root::restarted_cleanup) spare_after = p;
      } else {
        reply_status(u, Status::invalid_arg);
      }
    } else {
      serve_client(badge, u);
    }
    if (cold_after || group_after) {
      (void)reply(ipc::timeouts(0, 0));
      if (cold_after) (void)rt::restart_cold(cold_after);
      else rt::restart_group(group_after);
      rt::deliver_pending_restarts();
      st = next(false);
    } else if (kill_after) {
      // Answer the pager first (it may be waiting), then take the process down.
      (void)reply(ipc::timeouts(0, 0));
      rt::kill(kill_after);
      st = next(false);
    } else if (crash_after_reply) {
      (void)reply(ipc::timeouts(0, 0));
      *reinterpret_cast<volatile word *>(0x10) = 0;   // the null page: sigma0 refuses it
    } else if (spare_after) {
      if (answer) (void)reply(ipc::timeouts(0, 0));
      rt::prepare_spare(spare_after);
      rt::deliver_pending_restarts();
      rt::tell_publishers();
      rt::grants_tick();
      st = next(false);
    } else if (rt::restarts_waiting() || rt::publishers_due() || rt::grants_due()) {
      // A restart waits for a pager, which may be the caller in hand: answer it first. So may a
      // server still to be told to publish again, or a grant to look at (a busy root task has
      // no timeouts).
      if (answer) (void)reply(ipc::timeouts(0, 0));
      rt::deliver_pending_restarts();
      rt::tell_publishers();
      rt::grants_tick();
      st = next(false);
    } else {
      st = next(answer);
    }
  }
}
