// defer-echo: the server swapbench times (echo_iface.hh). Every `deferred` request goes the way a
// driver's queued request does — its reply right kept (Defer(): the framework records it for a
// swap to re-issue), then answered (Complete(): the record dropped) — but at once, so that the
// round trip is the framework's path and nothing else.
//
//   server echo-rec   defer-echo -- echo-rec           the framework's record kept (the default)
//   server echo-norec defer-echo -- echo-norec norec   ServerCore::RecordDeferred(false)
#include "echo_iface.hh"

#include <arc/server.hh>

#include <stdio.h>
#include <string.h>

using namespace arc;

namespace {
const char *g_name = "echo";
bool g_record = true;
} // namespace

class Echo : public ArcServer<Echo> {
public:
  Echo() : ArcServer("defer-echo") {}

  Status Initialize() {
    RecordDeferred(g_record);
    if (Status st = RegisterName(g_name); st != Status::ok) {
      ::printf("[defer-echo] cannot register '%s' (status %lu)\n", g_name, word(st));
      return st;
    }
    ::printf("[defer-echo] %s: ready, deferred requests %s\n", g_name,
             g_record ? "recorded" : "not recorded");
    return Status::ok;
  }

  static constexpr auto Handlers() { return swapbench::handlers<Echo>; }

  Status Deferred(const Request &req, Reply &rep) {
    arc::Deferred d;
    if (Status st = Defer(req, rep, d); st != Status::ok) return st;
    const word v = req.arg(1) + 1;
    (void)Complete(d, Status::ok, [v](Reply &r) { r.put(v); });
    return Status::ok;
  }

  Status Direct(const Request &req, Reply &rep) {
    rep.put(req.arg(1) + 1);
    return Status::ok;
  }
};

int main(int argc, char **argv) {
  if (argc > 1) g_name = argv[1];
  for (int i = 2; i < argc; ++i) g_record &= strcmp(argv[i], "norec") != 0;
  static Echo server;
  return server.Run();
}
