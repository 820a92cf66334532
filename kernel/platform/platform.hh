// The board interface: console, interrupt controller, timer, exit. Each board implements it in
// kernel/platform/<board>/.
#pragma once
#include "lib/types.hh"

namespace kern::platform {

void init_console();
void console_putc(char c);
// n bytes of a user's text (Sys::kdebug puts), '\n' sent as "\r\n": a UART with a transmit
// FIFO fills it without asking again per byte (log lines are printed on the way to a restarted
// server's reply, so every instruction a character counts there).
void console_write(const char *s, word n);
void init();                          // interrupt controller and timer
extern const unsigned timer_irq;      // the line the kernel timer uses (not for users)
extern const unsigned irq_lines;
extern const word tick_ms;
extern const char *const board_name;
// Device memory above the end of RAM that sigma0 may hand out (base and size in bytes, page
// aligned; size 0: none): the mapping database keeps frames for it (mdb/mapdb.hh).
extern const word device_aperture_base, device_aperture_size;

bool irq_begin(unsigned line);        // acknowledge at the controller; false if spurious
void irq_end(unsigned line);          // end of interrupt
void irq_mask(unsigned line);
void irq_unmask(unsigned line);

[[noreturn]] void halt_system(word status);   // leave the emulator with a status, or stop
bool reset_system();                  // reboot the machine; false: the board cannot
} // namespace kern::platform
