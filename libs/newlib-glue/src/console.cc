// The console of descriptors 0, 1 and 2: the `console` server (drivers/serial) when the system
// has one, the kernel debug console otherwise (see arc/libc.h for the rules).
//
// Which one is decided lazily, at the first write or read, so that a program that never prints
// never asks the name service, and a program that starts before the console server has
// registered still gets there: until then its output goes to the kernel console and the
// connection (arc/reconnect.hh) looks the name up again with its back-off, in steps that never
// wait, for ARC_CONSOLE_WAIT_MS. Nothing here blocks a write for the console: systems without
// one (every test configuration but the shell's, all of ARM) print as fast as before. Once found,
// the connection survives the console's restarts (ARC_CONSOLE_RESTART_WAIT_MS for a cold one to
// come back); while it stays away output goes to the kernel console, said there once.
#include "glue.hh"

#include <arc/iface/console.hh>
#include <arc/libc.h>
#include <arc/message.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/reconnect.hh>
#include <arc/start.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <string.h>

extern "C" __attribute__((weak)) const int arc_console_kdebug_only = 0;

namespace {

using namespace arc;

enum class Mode : word { unknown = 0, server = 1, kdebug = 2 };

constexpr unsigned poll_ms = 20;   // between steps of a reader waiting for the console
// Look-ups 10 ms apart at first, then at most 100 ms: a program that printed before the console
// was there reaches it soon after it registers.
constexpr Backoff console_backoff{10, 100, ARC_CONSOLE_RESTART_WAIT_MS};

// Persistent (STYLE 13): after a hot or warm restart the program still has its console (the
// connection's slot stays taken in the persistent slot map, so it must not be allocated again)
// and the typed input it had not read yet. The rest of the program's stdio state is rebuilt.
struct ConsoleState {
  Mode mode;
  char input[console::max_bytes + 2];  // one line read, with its '\n' ...
  word input_pos, input_len;           // ... and how much of it read() has handed out
  Connection con{console::service_name, 0, console_backoff};   // slot 0: none taken yet
  // Set by the server framework while it recovers and replays the interrupted request
  // (arc_console_hold_steps): a write then takes no step towards the console. Persistent, since
  // the framework sets it before Recover(), when the volatile pages are not back yet.
  word steps_held;
};
ARC_PDATA constinit ConsoleState g_con = {};

bool kdebug_only() { return *static_cast<const volatile int *>(&arc_console_kdebug_only) != 0; }

// The connection gets its slot at the first use; the kernel console for good gives it back.
bool take_slot() {
  if (g_con.con.endpoint()) return true;
  const CapSlot slot = slot_alloc();
  if (!slot) return false;
  g_con.con = Connection(console::service_name, slot, console_backoff);
  return true;
}

void drop_slot() {
  const CapSlot slot = g_con.con.endpoint();
  if (!slot) return;
  if (cap_identify(slot).r[0] != word(ObjType::none)) (void)cap_delete(slot);
  slot_free(slot);
  g_con.con = Connection(console::service_name, 0, console_backoff);
}

Mode settle(Mode m) {
  if (m == Mode::kdebug) drop_slot();
  return g_con.mode = m;
}

// Where console I/O goes now. `wait`: sleep until it is decided (a reader); otherwise a write
// that finds the console not there yet goes to the kernel console and asks again next time.
// While a restart's replay is on its way to the waiting client the step waits for the next
// write after the reply: the step (the time, and a name service round trip when one is due)
// cost the demo counter's hot restart some 1,700 instructions between Recover() and the replayed
// reply (docs/benchmarks.md); the output goes to the kernel console either way meanwhile.
Mode resolve(bool wait) {
  if (g_con.mode != Mode::unknown) return g_con.mode;
  if (!wait && g_con.steps_held) return Mode::unknown;
  if (kdebug_only() || !proc_info() || !take_slot()) return settle(Mode::kdebug);
  for (;;) {
    const Status st = g_con.con.ConnectStep(ARC_CONSOLE_WAIT_MS);
    if (st == Status::ok) return settle(Mode::server);
    if (st != Status::busy) return settle(Mode::kdebug);   // no name service, or waited enough
    if (!wait) return Mode::unknown;
    sleep_ms(poll_ms);
  }
}

// A call to the console failed. Lost (not back within the connection's budget, or while it is
// down): said once per outage, on the kernel console, which takes the output meanwhile; the next
// call asks for the console again, without waiting.
void report(Status st) {
  if (!g_con.con.down() || !g_con.con.FirstFailure()) return;
  char line[128];
  const int n = snprintf(line, sizeof(line),
                         "[libc] pid %lu: console lost (%s): the kernel console until it is back\n",
                         my_pid(), status_name(st));
  if (n <= 0) return;
  (void)arc_kd_console_write(line, size_t(n) < sizeof(line) ? size_t(n) : sizeof(line) - 1);
}

// One piece of output through the connection. Output may be repeated after a reconnect: a line
// printed twice beats a line lost.
Status send(const char *s, size_t n) {
  return g_con.con.Call([&](CapSlot ep) { return console::Client(ep).Write(s, unsigned(n)); });
}

Status read_line() {
  return g_con.con.Call([](CapSlot ep) {
    return console::Client(ep).ReadLine(g_con.input, sizeof(g_con.input) - 1);
  });
}

} // namespace

extern "C" {

// The kernel reads the text from the message registers and changes none of them: only the words
// the text covers are kept and put back (the whole set, twice over on the way from printf, cost
// some 700 instructions a line: a server's recovery line is on the way to its replayed reply).
ssize_t arc_kd_console_write(const void *buf, size_t n) {
  const auto *src = static_cast<const char *>(buf);
  Utcb *u = utcb();
  constexpr size_t chunk_max = sizeof(u->mr);   // what kdebug(puts) takes: 256 bytes
  word kept[mr_count];
  for (size_t done = 0; done < n;) {
    const size_t len = glue::line_piece(src + done, n - done, chunk_max);
    const size_t words = (len + sizeof(word) - 1) / sizeof(word);
    for (size_t i = 0; i < words; ++i) kept[i] = u->mr[i];
    memcpy(u->mr, src + done, len);
    const Status st = syscall(Sys::kdebug, word(KdOp::puts), len).status;
    for (size_t i = 0; i < words; ++i) u->mr[i] = kept[i];
    if (st != Status::ok) return done ? ssize_t(done) : glue::fail(EIO);
    done += len;
  }
  return ssize_t(n);
}

ssize_t arc_server_console_write(const void *buf, size_t n) {
  // Decided for the kernel console, or held (a restart's replay): no message but the kernel's.
  if (g_con.mode == Mode::kdebug || (g_con.mode == Mode::unknown && g_con.steps_held))
    return arc_kd_console_write(buf, n);
  glue::SavedMrs keep;   // first: resolving may ask the name service (a server prints while it
                         // holds a request or a reply in its message registers)
  if (resolve(false) != Mode::server) return arc_kd_console_write(buf, n);
  const auto *src = static_cast<const char *>(buf);
  for (size_t done = 0; done < n;) {
    const size_t len = glue::line_piece(src + done, n - done, console::max_bytes);
    if (const Status st = send(src + done, len); st != Status::ok) {
      report(st);   // the rest to the kernel console
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
    if (const Status st = read_line(); st != Status::ok) {
      report(st);
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

int arc_console_uses_server(void) { return g_con.mode == Mode::server && !g_con.con.down(); }

void arc_console_hold_steps(int hold) { g_con.steps_held = hold ? 1 : 0; }

__attribute__((weak)) ssize_t (*arc_console_read)(void *, size_t) = arc_server_console_read;
__attribute__((weak)) ssize_t (*arc_console_write)(const void *, size_t) = arc_server_console_write;

} // extern "C"
