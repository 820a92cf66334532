// lpclient: prints a known text (lptext.hh: numbered lines, about 8 KB) through the printer
// interface, the first half line by line in the message registers, the rest in one write through
// a shared-memory session, and says how much it sent:
//
//   LPCLIENT: printer: <printed> bytes printed, <requests> requests, <recoveries> recoveries, <resumed> resumed
//   LPCLIENT: <N> bytes sent
//   LPCLIENT: FAIL <what>          on an error (exit status 1)
//
// The test (tests/qemu, ia32-parport) compares QEMU's parallel-port output with the same text.
// Arguments: inject=KIND:N[:TIMES] asks the driver, before the session half, to fail after N
// bytes (printer::inject; KIND crash, panic, hang or soft).
#include "lptext.hh"

#include <arc/iface/printer.hh>
#include <arc/libc.h>
#include <arc/process.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

using arc::Status;
using arc::word;
namespace printer = arc::printer;

namespace {

char g_text[lptext::line_count * lptext::max_line];

int fail(const char *what, Status st) {
  printf("LPCLIENT: FAIL %s (%s)\n", what, arc::status_name(st));
  return 1;
}

bool parse_inject(const char *arg, printer::Fault *kind, word *after, word *times) {
  if (strncmp(arg, "inject=", 7) != 0) return false;
  const char *s = arg + 7;
  *kind = printer::Fault::none;
  for (word k = 1; k < word(printer::Fault::count); ++k) {
    const char *name = printer::fault_name(printer::Fault(k));
    const size_t n = strlen(name);
    if (strncmp(s, name, n) == 0 && s[n] == ':') {
      *kind = printer::Fault(k);
      s += n + 1;
    }
  }
  char *end;
  *after = strtoul(s, &end, 0);
  *times = *end == ':' ? strtoul(end + 1, &end, 0) : 1;
  return *kind != printer::Fault::none && *after && !*end;
}

} // namespace

int main(int argc, char **argv) {
  printer::Fault kind = printer::Fault::none;
  word after = 0, times = 0;
  for (int i = 1; i < argc; ++i)
    if (!parse_inject(argv[i], &kind, &after, &times))
      printf("LPCLIENT: ignoring argument '%s' (inject=KIND:N[:TIMES])\n", argv[i]);

  const arc::CapSlot slot = arc::slot_alloc();
  Status st = arc::name_wait(printer::service_name, slot, 10000);
  if (st != Status::ok) return fail("no printer server", st);
  printer::Client lp(slot);

  unsigned total = 0, offsets[lptext::line_count + 1];
  for (unsigned i = 0; i < lptext::line_count; ++i) {
    offsets[i] = total;
    total += lptext::line(i, g_text + total);
  }
  offsets[lptext::line_count] = total;

  // First half: one request per line, in the message registers.
  word sent = 0;
  unsigned i = 0;
  for (; i < lptext::line_count && offsets[i] < total / 2; ++i) {
    const unsigned n = offsets[i + 1] - offsets[i];
    word printed = 0;
    st = lp.Write(g_text + offsets[i], n, &printed);
    sent += printed;
    if (st != Status::ok || printed != n) {
      printf("LPCLIENT: FAIL line %u: %lu of %u bytes printed (%s)\n", i, printed, n,
             arc::status_name(st));
      return 1;
    }
  }
  if (kind != printer::Fault::none && (st = lp.Inject(kind, after, times)) != Status::ok)
    return fail("inject", st);

  // The rest in one request through a session.
  const word rest = total - offsets[i];
  word printed = 0;
  st = lp.Write(g_text + offsets[i], rest, &printed);
  sent += printed;
  if (st != Status::ok || printed != rest) {
    printf("LPCLIENT: FAIL session write: %lu of %lu bytes printed (%s)\n", printed, rest,
           arc::status_name(st));
    return 1;
  }
  if ((st = lp.End()) != Status::ok) return fail("session end", st);

  printer::Counters c{};
  if ((st = lp.GetCounters(&c)) != Status::ok) return fail("status", st);
  printf("LPCLIENT: printer: %lu bytes printed, %lu requests, %lu recoveries, %lu resumed\n",
         c.printed, c.requests, c.recoveries, c.resumed);
  printf("LPCLIENT: %lu bytes sent\n", sent);
  return 0;
}
