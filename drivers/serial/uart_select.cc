#include "uart_select.hh"
#include "ns16550.hh"
#include "pl011.hh"

#include <arc/process.hh>
#include <arc/sys.hh>
#include <string.h>

namespace serial {

namespace {
// Constant-initialised: no constructor runs, and a restart builds the choice again from the
// information page.
Ns16550 ns16550;
Pl011 pl011;

// "stride=N" among the arguments after the kind: the distance of the 16550's registers in bytes.
bool StrideShift(const arc::proc::Info &info, unsigned *shift) {
  *shift = 0;
  for (unsigned i = 1; i < info.argc && i < 8; ++i) {
    const char *a = info.argv[i];
    if (strncmp(a, "stride=", 7)) return false;
    const char *v = a + 7;
    if (!strcmp(v, "1")) *shift = 0;
    else if (!strcmp(v, "2")) *shift = 1;
    else if (!strcmp(v, "4")) *shift = 2;
    else return false;
  }
  return true;
}
} // namespace

Uart *SelectUart(const char **error) {
  using arc::proc::Resource;
  const arc::proc::Info *info = arc::process_info();
  if (!info) {
    *error = "no process information page";
    return nullptr;
  }
  const char *kind = info->argc ? info->argv[0] : "";
  if (const Resource *mem = arc::find_resource(Resource::mem)) {
    if (!mem->va) {
      *error = "its device memory is not mapped";
      return nullptr;
    }
    if (!*kind || !strcmp(kind, "pl011")) {
      if (info->argc > 1) {
        *error = "a PL011 takes no further arguments";
        return nullptr;
      }
      pl011.Use(mem->va);
      return &pl011;
    }
    unsigned shift;
    if (!strcmp(kind, "16550") && StrideShift(*info, &shift)) {
      ns16550.UseMmio(mem->va, shift);
      return &ns16550;
    }
    *error = "unknown UART (arguments: pl011, or 16550 [stride=1|2|4])";
    return nullptr;
  }
  for (unsigned i = 0; const Resource *ports = arc::find_resource(Resource::ioports, i); ++i) {
    if (ports->count < 8) continue;
    if (!Ns16550::PortsAvailable()) break;
    if (*kind && strcmp(kind, "16550")) {
      *error = "a UART on I/O ports is a 16550";
      return nullptr;
    }
    if (arc::ioport(arc::IoOp::enable, ports->slot) != arc::Status::ok) {
      *error = "its I/O ports cannot be enabled";
      return nullptr;
    }
    ns16550.UsePorts(uint16_t(ports->first));
    return &ns16550;
  }
  *error = "no UART: give mem=<registers> (and pl011 or 16550 stride=N), or ports=<8 ports>";
  return nullptr;
}

} // namespace serial
