// The console server's view of a UART: receive with interrupts, transmit by polling. One
// back-end per kind of hardware (ns16550.hh, pl011.hh); uart_select.cc picks the one the boot
// configuration describes. The server (console.cc) holds no hardware knowledge.
#pragma once
#include <stdint.h>

namespace serial {

class Uart {
public:
  // Programs the device for interrupts on received data (and leaves the line settings the
  // kernel console or the boot loader chose: both share the line).
  virtual void Start() = 0;
  // Reading the receiver empty must clear the device's receive interrupt (true of the 16550 and
  // the PL011): the server drains, then acknowledges the line.
  virtual bool RxReady() = 0;
  virtual uint8_t Rx() = 0;
  // Waits, bounded, for room in the transmitter, then sends c.
  virtual void Tx(uint8_t c) = 0;
  virtual const char *Kind() const = 0;   // for the console's ready line

protected:
  ~Uart() = default;
};

} // namespace serial
