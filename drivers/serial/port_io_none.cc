// Architectures without I/O ports (ARM): a UART is memory-mapped there, and the selection
// (uart_select.cc) refuses a port-I/O UART before these could be called.
#include "ns16550.hh"

namespace serial {
bool Ns16550::PortsAvailable() { return false; }
uint8_t Ns16550::PortIn(uint16_t) { return 0xff; }
void Ns16550::PortOut(uint16_t, uint8_t) {}
} // namespace serial
