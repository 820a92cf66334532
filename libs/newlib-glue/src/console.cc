// The console of descriptors 0, 1 and 2: the `console` server (drivers/serial) when the system
// has one, the kernel debug console otherwise (see arc/libc.h for the rules).
//
// Which one is decided lazily, at the first write or read, so that a program that never prints
// never asks the name service, and a program that starts before the console server has
// registered still gets there: until then its output goes to the kernel console and the lookup
// is tried again (at most every retry_ms, for ARC_CONSOLE_WAIT_MS). Nothing here blocks a write
// for the console: systems without one (every test configuration but the shell's, all of ARM)
// print as fast as before.
#include "glue.hh"

#include <arc/iface/console.hh>
#include <arc/libc.h>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/start.hh>
#include <arc/sys.hh>

extern "C" __attribute__((weak)) const int arc_console_kdebug_only = 0;

namespace {

using namespace arc;

enum class Mode : word { unknown = 0, server = 1, kdebug = 2 };
enum class Found { yes, not_yet, never };

constexpr unsigned retry_ms = 10;   // between lookups while the console is not there yet
constexpr unsigned poll_ms = 20;    // sleep between lookups when a reader waits

// Persistent (STYLE 13): after a hot or warm restart the program still has its console (the
// slot stays taken in the persistent slot map, so it must not be allocated again) and the typed
// input it had not read yet. The rest of the program's stdio state is rebuilt anyway.
struct ConsoleState {
  Mode mode;
  CapSlot slot;                        // the console's endpoint once found (0: none held)
  bool tried;                          // first_try_ms is set
  unsigned long long first_try_ms;     // the wait for the console runs from here
  unsigned long long last_try_ms;
  char input[console::max_bytes + 2];  // one line read, with its '\n' ...
  word input_pos, input_len;           // ... and how much of it read() has handed out
};
ARC_PDATA constinit ConsoleState g_con = {};

bool kdebug_only() { return *static_cast<const volatile int *>(&arc_console_kdebug_only) != 0; }

void drop_slot() {
  if (!g_con.slot) return;
  if (cap_identify(g_con.slot).r[0] != word(ObjType::none)) (void)cap_delete(g_con.slot);
  slot_free(g_con.slot);
  g_con.slot = 0;
}

Mode settle(Mode m) {
  if (m == Mode::kdebug) drop_slot();
  return g_con.mode = m;
}

// One lookup of "console" into our slot.
Found lookup() {
  if (!g_con.slot && !(g_con.slot = slot_alloc())) return Found::never;
  if (cap_identify(g_con.slot).r[0] != word(ObjType::none)) (void)cap_delete(g_con.slot);
  const Status st = name_lookup(console::service_name, g_con.slot);
  if (st == Status::ok && cap_identify(g_con.slot).r[0] == word(ObjType::endpoint))
    return Found::yes;
  // Not registered (yet), or registered by a server that has gone since (its endpoint did not
  // arrive): it may come. Anything else means there is no name service to ask.
  if (st == Status::ok || st == Status::invalid_arg || st == Status::no_partner ||
      st == Status::timeout)
    return Found::not_yet;
  return Found::never;
}

// Where console I/O goes now. `wait`: sleep until it is decided (a reader); otherwise a write
// that finds the console not there yet goes to the kernel console and asks again next time.
Mode resolve(bool wait) {
  if (g_con.mode != Mode::unknown) return g_con.mode;
  if (kdebug_only() || !proc_info()) return settle(Mode::kdebug);
  for (;;) {
    const unsigned long long now = glue::uptime_ms();
    if (!g_con.tried) {
      g_con.tried = true;
      g_con.first_try_ms = now;
      g_con.last_try_ms = now - retry_ms;
    }
    if (now - g_con.last_try_ms >= retry_ms) {
      g_con.last_try_ms = now;
      switch (lookup()) {
      case Found::yes: return settle(Mode::server);
      case Found::never: return settle(Mode::kdebug);
      case Found::not_yet: break;
      }
    }
    if (now - g_con.first_try_ms >= ARC_CONSOLE_WAIT_MS) return settle(Mode::kdebug);
    if (!wait) return Mode::unknown;
    sleep_ms(poll_ms);
  }
}

// A call to the console failed: the server was restarted (a cold restart makes a new endpoint)
// or is gone. Look it up once more, giving it time to register again.
bool reconnect() {
  for (unsigned long long start = glue::uptime_ms();;) {
    if (const Found f = lookup(); f == Found::yes) return true;
    else if (f == Found::never) break;
    if (glue::uptime_ms() - start >= ARC_CONSOLE_RESTART_WAIT_MS) break;
    sleep_ms(poll_ms);
  }
  settle(Mode::kdebug);
  return false;
}

} // namespace

extern "C" {

ssize_t arc_kd_console_write(const void *buf, size_t n) {
  const auto *src = static_cast<const char *>(buf);
  Utcb *u = utcb();
  constexpr size_t chunk_max = sizeof(u->mr);   // what kdebug(puts) takes: 256 bytes
  glue::SavedMrs keep;
  for (size_t done = 0; done < n;) {
    const size_t len = glue::line_piece(src + done, n - done, chunk_max);
    char *dst = reinterpret_cast<char *>(u->mr);
    for (size_t i = 0; i < len; ++i) dst[i] = src[done + i];
    const Status st = syscall(Sys::kdebug, word(KdOp::puts), len).status;
    if (st != Status::ok) return done ? ssize_t(done) : glue::fail(EIO);
    done += len;
  }
  return ssize_t(n);
}

ssize_t arc_server_console_write(const void *buf, size_t n) {
  glue::SavedMrs keep;   // first: resolving may ask the name service (a server prints while it
                         // holds a request or a reply in its message registers)
  if (resolve(false) != Mode::server) return arc_kd_console_write(buf, n);
  const auto *src = static_cast<const char *>(buf);
  for (size_t done = 0; done < n;) {
    const size_t len = glue::line_piece(src + done, n - done, console::max_bytes);
    auto send = [&] { return console::Client(g_con.slot).Write(src + done, unsigned(len)); };
    if (send() != Status::ok && (!reconnect() || send() != Status::ok)) {
      settle(Mode::kdebug);   // the rest, and everything after it, to the kernel console
      const ssize_t rest = arc_kd_console_write(src + done, n - done);
      return rest < 0 ? (done ? ssize_t(done) : rest) : ssize_t(done) + rest;
    }
    done += len;
  }
  return ssize_t(n);
}

ssize_t arc_server_console_read(void *buf, size_t n) {
  if (!n) return 0;
  if (g_con.input_pos >= g_con.input_len) {
    glue::SavedMrs keep;
    if (resolve(true) != Mode::server) return 0;   // no console: end of file
    g_con.input_pos = g_con.input_len = 0;
    Status st = console::Client(g_con.slot).ReadLine(g_con.input, sizeof(g_con.input) - 1);
    if (st != Status::ok && reconnect())
      st = console::Client(g_con.slot).ReadLine(g_con.input, sizeof(g_con.input) - 1);
    if (st != Status::ok) {
      settle(Mode::kdebug);
      return 0;
    }
    word len = 0;
    while (g_con.input[len]) ++len;   // the console hands out no NUL: it drops control bytes
    g_con.input[len++] = '\n';
    g_con.input_len = len;
  }
  auto *dst = static_cast<char *>(buf);
  size_t got = 0;
  while (got < n && g_con.input_pos < g_con.input_len) dst[got++] = g_con.input[g_con.input_pos++];
  return ssize_t(got);
}

int arc_console_uses_server(void) { return g_con.mode == Mode::server; }

__attribute__((weak)) ssize_t (*arc_console_read)(void *, size_t) = arc_server_console_read;
__attribute__((weak)) ssize_t (*arc_console_write)(const void *, size_t) = arc_server_console_write;

} // extern "C"
