// The PC: 16550 UART on COM1 for the kernel console, two 8259 PICs, the 8254 PIT at 1 kHz, and
// QEMU's isa-debug-exit device (port 0xf4) to end a test run with a status.
#include "platform/platform.hh"
#include "arch/cpu.hh"

namespace kern::platform {

// The PCI memory the BIOS assigns first, 16 MiB at 0xfd000000: on QEMU the standard VGA's linear
// framebuffer (BAR 0), which drivers/vbe maps. Not higher: the I/O APIC and local APIC live at
// 0xfec00000 and 0xfee00000, and no user-level driver may be given them.
const word device_aperture_base = 0xfd000000, device_aperture_size = 0x1000000;

using arch::inb;
using arch::outb;

const unsigned timer_irq = 0;
const unsigned irq_lines = 16;
const word tick_ms = 1;
const char *const board_name = "pc";

namespace {
constexpr uint16_t com1 = 0x3f8;
constexpr uint16_t pic1 = 0x20, pic2 = 0xa0;
uint16_t mask = 0xffff;

void write_mask() {
  outb(pic1 + 1, uint8_t(mask));
  outb(pic2 + 1, uint8_t(mask >> 8));
}
} // namespace

void init_console() {
  outb(com1 + 1, 0x00);   // no UART interrupts: the kernel console polls
  outb(com1 + 3, 0x80);   // DLAB
  outb(com1 + 0, 0x01);   // 115200 baud
  outb(com1 + 1, 0x00);
  outb(com1 + 3, 0x03);   // 8N1
  outb(com1 + 2, 0xc7);   // FIFO
  outb(com1 + 4, 0x03);
}

void console_putc(char c) {
  for (int i = 0; i < 100000 && !(inb(com1 + 5) & 0x20); ++i) {}
  outb(com1, uint8_t(c));
}

// With the FIFO on (init_console), LSR.THRE says the 16-byte transmit FIFO is empty: 16 bytes
// go in before the next look, in runs of text up to a newline (which goes out as "\r\n"), each
// found and sent with a string instruction.
void console_write(const char *s, word n) {
  const char *const end = s + n;
  while (s < end) {
    for (int i = 0; i < 100000 && !(inb(com1 + 5) & 0x20); ++i) {}
    word room = 16;
    while (room && s < end) {
      if (*s == '\n') {
        if (room < 2) break;
        outb(com1, '\r');
        outb(com1, '\n');
        room -= 2;
        ++s;
        continue;
      }
      const word left = word(end - s);
      const char *nl = arch::find_byte(s, left < room ? left : room, '\n');
      arch::outsb(com1, s, word(nl - s));
      room -= word(nl - s);
      s = nl;
    }
  }
}

void init() {
  // Remap the PICs to vectors 0x20..0x2f, everything masked but the cascade.
  outb(pic1, 0x11); outb(pic2, 0x11);
  outb(pic1 + 1, 0x20); outb(pic2 + 1, 0x28);
  outb(pic1 + 1, 0x04); outb(pic2 + 1, 0x02);
  outb(pic1 + 1, 0x01); outb(pic2 + 1, 0x01);
  mask = 0xffff & ~(1u << 2);
  write_mask();
  // PIT channel 0, rate generator, 1000 Hz.
  const uint16_t div = 1193182 / 1000;
  outb(0x43, 0x34);
  outb(0x40, uint8_t(div));
  outb(0x40, uint8_t(div >> 8));
  irq_unmask(timer_irq);
}

bool irq_begin(unsigned line) {
  // Spurious IRQ 7/15: the in-service bit is clear.
  if (line == 7 || line == 15) {
    uint16_t port = line == 7 ? pic1 : pic2;
    outb(port, 0x0b);
    if (!(inb(port) & 0x80)) {
      if (line == 15) outb(pic1, 0x20);
      return false;
    }
  }
  return true;
}

void irq_end(unsigned line) {
  if (line >= 8) outb(pic2, 0x20);
  outb(pic1, 0x20);
}

void irq_mask(unsigned line) {
  mask |= uint16_t(1u << line);
  write_mask();
}

void irq_unmask(unsigned line) {
  mask &= uint16_t(~(1u << line));
  write_mask();
}

// The keyboard controller's reset line (command 0xfe on port 0x64), as PCs have always done it.
bool reset_system() {
  for (int tries = 0; tries < 1000; ++tries)
    if (!(inb(0x64) & 2)) break;   // input buffer empty
  outb(0x64, 0xfe);
  for (int spin = 0; spin < 1000000; ++spin) asm volatile("pause");
  return false;
}

void halt_system(word status) {
  outb(0xf4, uint8_t(status));   // QEMU isa-debug-exit: exits with (status << 1) | 1
  for (;;) asm volatile("cli; hlt");
}

} // namespace kern::platform
