// I/O-port access of the 16550 back-end on the PC (the server enables the ports first).
#include "ns16550.hh"
#include <pc/io.hh>

namespace serial {
bool Ns16550::PortsAvailable() { return true; }
uint8_t Ns16550::PortIn(uint16_t port) { return pc::inb(port); }
void Ns16550::PortOut(uint16_t port, uint8_t v) { pc::outb(port, v); }
} // namespace serial
