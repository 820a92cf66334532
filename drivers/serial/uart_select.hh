// Which UART the console drives, from the process's boot-configuration line:
//
//   server console serial ports=0x3f8-0x3ff irq=4                              16550, I/O ports
//   server console serial mem=0x09000000-0x09001000 irq=1 -- pl011             PL011
//   server console serial mem=0x49020000-0x49021000 irq=74 -- 16550 stride=4   16550, MMIO
//
// Device memory (the first mem= range, where the UART's registers start) makes it a
// memory-mapped UART of the kind the first argument names (pl011 when there is none);
// otherwise an I/O-port range of eight ports makes it a PC's 16550 there.
#pragma once
#include "uart.hh"

namespace serial {

// The back-end, ready for Start(); null with *error saying what the line lacks.
Uart *SelectUart(const char **error);

} // namespace serial
