// ckpt-counter NAME: a counter whose value lives in ordinary memory (apps/ckpttest/iface.hh).
// A restart that starts from the image loses it; a restore brings back the value of the last
// checkpoint. Its .pdata holds only a guard word, which `scribble` damages: Recover() then
// refuses the persistent state (the monitor passes over hot and warm restarts for the next rung).
// `ckpt-counter NAME BACK` is a front: each add is forwarded to the counter BACK (times ten), so
// that the two are connected servers with state in ordinary memory (a group checkpoint's test).
#include "iface.hh"

#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/session.hh>

#include <stdio.h>
#include <string.h>

using namespace arc;

namespace {
constexpr word guard_ok = 0x434b5054;   // "CKPT"
ARC_PDATA word g_guard = guard_ok;

// Ordinary memory: what only a checkpoint keeps.
long g_value;
word g_applied_seq;      // the last add applied (exactly once when it is replayed) ...
long g_applied_value;    // ... and the value it produced
volatile unsigned char g_buffer[ckpt::max_touch][4096] __attribute__((aligned(4096)));
const char *g_name = "ckpt";
const char *g_back_name;   // a front's back server, else null
CapSlot g_back;            // its endpoint (looked up at start: the name service records it)

// The back server's answer to one call with at most one argument; -1 if it failed.
long back_call(word label, bool with_arg = false, word arg = 0) {
  Rpc rpc(label);
  if (with_arg) rpc.put(arg);
  return rpc.call(g_back) == Status::ok ? long(rpc.result(0)) : -1;
}
} // namespace

class CkptCounter : public ArcServer<CkptCounter> {
public:
  CkptCounter() : ArcServer(g_name) {}

  Status Initialize() {
    g_guard = guard_ok;
    if (g_back_name) {
      g_back = slot_alloc();
      if (name_wait(g_back_name, g_back, 5000) != Status::ok) {
        ::printf("[ckpt-counter] %s: no %s to forward to\n", g_name, g_back_name);
        return Status::cancelled;
      }
    }
    RegisterName(g_name);
    ::printf("[ckpt-counter] %s: ready\n", g_name);
    return Status::ok;
  }
  Recovery Recover() {
    if (g_guard != guard_ok) {
      ::printf("[ckpt-counter] %s: persistent guard damaged (%lx)\n", g_name, g_guard);
      return Recovery::cold;
    }
    ::printf("[ckpt-counter] %s: recovered: the value is lost (ordinary memory)\n", g_name);
    return Recovery::resume;
  }
  static constexpr auto Handlers() { return ckpt::handlers<CkptCounter>; }

  Status Add(const Request &req, Reply &rep) {
    if (!(req.replayed && req.seq == g_applied_seq)) {
      g_applied_value = g_value + long(req.arg(1));
      g_applied_seq = req.seq;
      if (g_back && back_call(ckpt::add, true, req.arg(1) * 10) < 0) return Status::cancelled;
    }
    g_value = g_applied_value;
    rep.put(word(g_value));
    return Status::ok;
  }
  Status Get(const Request &, Reply &rep) {
    rep.put(word(g_value));
    return Status::ok;
  }
  Status Touch(const Request &req, Reply &rep) {
    const word n = req.arg(1);
    if (!n || n > ckpt::max_touch) return Status::invalid_arg;
    for (word i = 0; i < n; ++i) g_buffer[i][req.seq % 4096] = static_cast<unsigned char>(req.seq);
    rep.put(word(g_value));
    return Status::ok;
  }
  Status Mark(const Request &, Reply &rep) {
    MarkRestorePoint();
    rep.put(word(g_value));
    return Status::ok;
  }
  Status Scribble(const Request &req, Reply &rep) {
    if (!req.replayed) {
      ::printf("[ckpt-counter] %s: scribbling over .pdata, then crashing\n", g_name);
      g_guard = 0xbad;
      *reinterpret_cast<volatile word *>(0x10) = 0;
    }
    rep.put(word(g_value));
    return Status::ok;
  }
  // The client's session: its words added to the value (copied out first: the client may change
  // shared memory at any time).
  Status Sum(const Request &req, Reply &rep) {
    const word n = req.arg(2);
    SessionEntry *e = sessions().Find(req.badge, req.arg(1));
    if (!e || !n || n > ckpt::max_sum) return Status::invalid_arg;
    word words[ckpt::max_sum];
    if (!e->Get(0, words, n * sizeof(word))) return Status::invalid_arg;
    if (!(req.replayed && req.seq == g_applied_seq)) {
      long total = g_value;
      for (word i = 0; i < n; ++i) total += long(words[i]);
      g_applied_value = total;
      g_applied_seq = req.seq;
    }
    g_value = g_applied_value;
    rep.put(word(g_value));
    return Status::ok;
  }
  // A stray write over the framework's session table (its generation beyond what ids can have:
  // the table no longer passes its check), then a crash.
  Status ScribbleSessions(const Request &req, Reply &rep) {
    if (!req.replayed) {
      ::printf("[ckpt-counter] %s: scribbling over the session table, then crashing\n", g_name);
      sessions().generation = 0xbad0000u;
      *reinterpret_cast<volatile word *>(0x10) = 0;
    }
    rep.put(word(g_value));
    return Status::ok;
  }
  Status Pair(const Request &, Reply &rep) {
    if (!g_back) return Status::invalid_arg;
    const long back = back_call(ckpt::get);
    if (back < 0) return Status::cancelled;
    rep.put(word(g_value));
    rep.put(word(back));
    return Status::ok;
  }
  Status Stats(const Request &, Reply &rep) {
    word number, copied, clean;
    LastCheckpoint(&number, &copied, &clean);
    rep.put(number);
    rep.put(copied);
    rep.put(clean);
    return Status::ok;
  }
};

int main(int argc, char **argv) {
  if (argc > 1) g_name = argv[1];
  if (argc > 2) g_back_name = argv[2];
  static CkptCounter server;
  return server.Run();
}
