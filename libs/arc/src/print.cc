// A small printf over the kernel debug console, for programs that run before the console server
// (and for the kernel test suite, which must not depend on user-level servers).
#include <arc/digits.hh>
#include <arc/sys.hh>
#include <stdarg.h>

namespace arc {

namespace {
// Output is collected in the UTCB's message registers and flushed with one kdebug(puts) call, so
// a line appears whole even when threads interleave: as long as all the registers hold (256
// bytes), since a line split over two calls lets another task's output in between (the pager's
// restart phases, over 200 bytes, were cut by a client's line: found by ia32-restart-ladder).
struct Out {
  alignas(word) char buf[sizeof(Utcb::mr)];
  unsigned n = 0;
  int total = 0;
  void flush() {
    if (!n) return;
    // The text travels in our message registers; keep what they held, so printing between a
    // receive and its reply (or after a call) changes no message.
    Utcb *u = utcb();
    word saved[(sizeof(buf) + sizeof(word) - 1) / sizeof(word)];
    const unsigned words = (n + sizeof(word) - 1) / sizeof(word);
    for (unsigned i = 0; i < words; ++i) saved[i] = u->mr[i];
    // Whole words (the bytes past n in the last one go along unread): a restart's log lines
    // are printed while it is timed.
    const word *src = reinterpret_cast<const word *>(buf);
    for (unsigned i = 0; i < words; ++i) u->mr[i] = src[i];
    syscall(Sys::kdebug, word(KdOp::puts), n);
    for (unsigned i = 0; i < words; ++i) u->mr[i] = saved[i];
    n = 0;
  }
  void put(char c) {
    if (n == sizeof(buf)) flush();
    buf[n++] = c;
    ++total;
  }
};

void put_num(Out &o, unsigned long long v, unsigned base, int width, char pad, bool neg) {
  char tmp[24];
  int i = arc::format_reversed(tmp, v, base, width, pad, neg);
  while (i) o.put(tmp[--i]);
}


const char *print_prefix;
bool at_line_start = true;   // the last call ended a line (several calls may build one)
} // namespace

void set_print_prefix(const char *prefix) { print_prefix = prefix; }

int vprintf(const char *fmt, va_list ap) {
  Out o;
  if (at_line_start)
    for (const char *q = print_prefix; q && *q; ++q) o.put(*q);
  for (const char *p = fmt; *p; ++p) {
    if (*p != '%') { o.put(*p); continue; }
    ++p;
    char pad = ' ';
    int width = 0, longs = 0;
    if (*p == '0') { pad = '0'; ++p; }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    while (*p == 'l') { ++longs; ++p; }
    switch (*p) {
    case 'd': {
      long long v = longs >= 2 ? va_arg(ap, long long) : va_arg(ap, long);
      put_num(o, v < 0 ? -(unsigned long long)v : v, 10, width, pad, v < 0);
      break;
    }
    case 'u': case 'x': {
      unsigned long long v = longs >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long);
      put_num(o, v, *p == 'x' ? 16 : 10, width, pad, false);
      break;
    }
    case 'p': o.put('0'); o.put('x'); put_num(o, word(va_arg(ap, void *)), 16, 8, '0', false); break;
    case 'c': o.put(char(va_arg(ap, int))); break;
    case 's': { const char *s = va_arg(ap, const char *); for (s = s ? s : "(null)"; *s;) o.put(*s++); break; }
    case '%': o.put('%'); break;
    default: o.put('%'); if (*p) o.put(*p); else --p; break;
    }
  }
  if (o.n) at_line_start = o.buf[o.n - 1] == '\n';
  o.flush();
  return o.total;
}

int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n;
}

void kd_puts(const char *s) { printf("%s", s); }

[[noreturn]] void kd_exit(word status) {
  syscall(Sys::kdebug, word(KdOp::exit), status);
  for (;;) exchange_registers(cap_self, exregs::halt);   // not privileged: stop at least this thread
}

} // namespace arc
