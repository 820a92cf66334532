#include "lib/console.hh"
#include "arch/cpu.hh"
#include "platform/platform.hh"
#include <arc/digits.hh>

namespace kern {

void kputc(char c) {
  if (c == '\n') platform::console_putc('\r');
  platform::console_putc(c);
}

namespace {
void put_num(unsigned long long v, unsigned base, int width, char pad, bool neg) {
  char tmp[24];
  int i = arc::format_reversed(tmp, v, base, width, pad, neg);
  while (i) kputc(tmp[--i]);
}
} // namespace

void kvprintf(const char *fmt, va_list ap) {
  for (const char *p = fmt; *p; ++p) {
    if (*p != '%') { kputc(*p); continue; }
    ++p;
    char pad = ' ';
    int width = 0, longs = 0;
    if (*p == '0') { pad = '0'; ++p; }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    while (*p == 'l') { ++longs; ++p; }
    switch (*p) {
    case 'd': {
      long long v = longs >= 2 ? va_arg(ap, long long) : va_arg(ap, long);
      put_num(v < 0 ? -(unsigned long long)v : v, 10, width, pad, v < 0);
      break;
    }
    case 'u': case 'x': {
      unsigned long long v = longs >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long);
      put_num(v, *p == 'x' ? 16 : 10, width, pad, false);
      break;
    }
    case 'p': kputc('0'); kputc('x'); put_num((unsigned long)va_arg(ap, void *), 16, 8, '0', false); break;
    case 'c': kputc(char(va_arg(ap, int))); break;
    case 's': { const char *s = va_arg(ap, const char *); for (s = s ? s : "(null)"; *s;) kputc(*s++); break; }
    case '%': kputc('%'); break;
    default: kputc('%'); if (*p) kputc(*p); else --p; break;
    }
  }
}

void kprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  kvprintf(fmt, ap);
  va_end(ap);
}

void klog(const char *fmt, ...) {
  kprintf("[arc] ");
  va_list ap;
  va_start(ap, fmt);
  kvprintf(fmt, ap);
  va_end(ap);
  kputc('\n');
}

void panic(const char *fmt, ...) {
  kprintf("[arc] panic: ");
  va_list ap;
  va_start(ap, fmt);
  kvprintf(fmt, ap);
  va_end(ap);
  kputc('\n');
  platform::halt_system(0x7f);
}

} // namespace kern
