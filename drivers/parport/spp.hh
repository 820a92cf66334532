// The standard parallel port (SPP) of a PC and the IEEE 1284 compatibility-mode ("Centronics")
// handshake, for the parport driver (parport.hh). No system calls here: the port I/O and the
// delays come from an Env (parport.cc for the hardware, tests/unit/test_parport.cc a fake
// printer).
//
// Registers (LPT1 at 0x378):
//   base + 0  data     the eight data lines
//   base + 1  status   bit 3 nERROR, 4 SELECT, 5 PAPER END, 6 nACK, 7 BUSY (inverted by the
//                      port: 1 = not busy)
//   base + 2  control  bit 0 STROBE, 1 AUTOFD, 2 nINIT, 3 SELECT IN, 4 IRQ enable, 5 direction
//                      (bits 0, 1 and 3 are inverted at the connector: writing 1 drives the
//                      active-low line low, i.e. asserts it)
//
// Compatibility mode, one byte (host side):
//   1. wait until BUSY is low (status bit 7 set)
//   2. put the byte on the data lines; wait the setup time
//   3. assert nSTROBE (control bit 0 = 1); hold it for the pulse width
//   4. release nSTROBE; keep the data for the hold time
//   The printer raises BUSY when it sees the strobe, pulses nACK when it has taken the byte and
//   drops BUSY when it can take the next one; we wait for that before the next byte (step 1).
// Timing (SMSC FDC37C669 parallel port timing, IEEE 1284 compatibility mode): data valid to
// nSTROBE active >= 600 ns, nSTROBE pulse >= 600 ns, data hold after nSTROBE >= 450 ns. We use
// 1 us for each (as Linux's compatibility-mode writer does), measured in port reads: a read on
// the ISA or LPC bus takes about a microsecond.
#pragma once
#include <stdint.h>

namespace parport {

constexpr uint16_t lpt1 = 0x378;
constexpr uint16_t port_count = 3;   // data, status, control

enum Reg : uint16_t { reg_data = 0, reg_status = 1, reg_control = 2 };

// status
constexpr uint8_t st_error_off = 0x08;
constexpr uint8_t st_select = 0x10;
constexpr uint8_t st_paper_out = 0x20;
constexpr uint8_t st_not_ack = 0x40;
constexpr uint8_t st_not_busy = 0x80;

// control
constexpr uint8_t ctl_strobe = 0x01;
constexpr uint8_t ctl_autofd = 0x02;
constexpr uint8_t ctl_not_init = 0x04;    // 0 resets the printer
constexpr uint8_t ctl_select_in = 0x08;
constexpr uint8_t ctl_irq = 0x10;
constexpr uint8_t ctl_idle = ctl_not_init | ctl_select_in;   // selected, not resetting, no strobe

// Times in microseconds.
constexpr unsigned setup_us = 1, strobe_us = 1, hold_us = 1;
constexpr unsigned init_us = 50;         // nINIT pulse when (re)initialising the printer
constexpr unsigned ready_spins = 1000;   // status reads before waiting by the millisecond

// The port at `base`. Env: static in(port), out(port, value), delay_us(n), sleep_ms(n).
template <class Env> struct Port {
  uint16_t base = lpt1;

  uint8_t status() const { return Env::in(uint16_t(base + reg_status)); }
  uint8_t control() const { return Env::in(uint16_t(base + reg_control)); }
  void set_control(uint8_t v) const { Env::out(uint16_t(base + reg_control), v); }
  void set_data(uint8_t v) const { Env::out(uint16_t(base + reg_data), v); }
  uint8_t data() const { return Env::in(uint16_t(base + reg_data)); }   // the output latch

  static bool ready(uint8_t st) { return st & st_not_busy; }

  // Step 1: wait for the printer to take a byte, spinning first, then by the millisecond for at
  // most timeout_ms. False when it stayed busy.
  bool wait_ready(unsigned timeout_ms) const {
    for (unsigned i = 0; i < ready_spins; ++i)
      if (ready(status())) return true;
    for (unsigned ms = 0; ms < timeout_ms; ++ms) {
      Env::sleep_ms(1);
      if (ready(status())) return true;
    }
    return false;
  }

  // After a strobe: wait for the printer's acknowledge, the nACK pulse (low, then high again)
  // with BUSY low, spinning first, then by the millisecond for at most timeout_ms. A pulse too
  // short for the spinning reads to see is not waited for: past the spins, a printer that is
  // ready again has taken the byte. False when neither came.
  bool wait_ack(unsigned timeout_ms) const {
    bool pulse = false;
    auto acked = [&pulse](uint8_t st) {
      if (!(st & st_not_ack)) pulse = true;
      else if (pulse && ready(st)) return true;
      return false;
    };
    for (unsigned i = 0; i < ready_spins; ++i)
      if (acked(status())) return true;
    for (unsigned ms = 0; ms < timeout_ms; ++ms) {
      Env::sleep_ms(1);
      const uint8_t st = status();
      if (acked(st) || ((st & st_not_ack) && ready(st))) return true;
    }
    return false;
  }

  // Reset the printer (nINIT low for init_us) and leave the lines idle.
  void reset() const {
    set_control(ctl_select_in);
    Env::delay_us(init_us);
    set_control(ctl_idle);
  }
};

} // namespace parport
