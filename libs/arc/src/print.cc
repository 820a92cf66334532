// A small printf over the kernel debug console, for programs that run before the console server
// (and for the kernel test suite, which must not depend on user-level servers).
#include <arc/digits.hh>
#include <arc/sys.hh>
#include <stdarg.h>

// printf's code is marked hot: GCC groups it in .text.hot, beside the pagers' restart path, which
// a pager maps in when it starts (servers/pager/main.cc, touch_restart_path): the pager prints
// while a restart is timed, and a page fault of its own there cost some 2,000 instructions.
#define ARC_PRINT_PATH __attribute__((hot, noinline))

namespace arc {

namespace {
// Output is collected in the UTCB's message registers and flushed with one kdebug(puts) call, so
// a line appears whole even when threads interleave: as long as all the registers hold (256
// bytes), since a line split over two calls lets another task's output in between (the pager's
// restart phases, over 200 bytes, were cut by a client's line: found by ia32-restart-ladder).
struct Console {
  static constexpr unsigned cap = sizeof(Utcb::mr);
  alignas(word) char buf[cap];
  int total = 0;
  // Sends buf[0, n) and says where the next text goes (full: the buffer is sent and starts again).
  unsigned full(unsigned n) {
    flush(n);
    total += int(n);
    return 0;
  }
  ARC_PRINT_PATH void flush(unsigned n) {
    if (!n) return;
    // The text travels in our message registers; keep what they held, so printing between a
    // receive and its reply (or after a call) changes no message.
    Utcb *u = utcb();
    word saved[(cap + sizeof(word) - 1) / sizeof(word)];
    const unsigned words = (n + sizeof(word) - 1) / sizeof(word);
    for (unsigned i = 0; i < words; ++i) saved[i] = u->mr[i];
    // Whole words (the bytes past n in the last one go along unread): a restart's log lines
    // are printed while it is timed.
    const word *src = reinterpret_cast<const word *>(buf);
    for (unsigned i = 0; i < words; ++i) u->mr[i] = src[i];
    syscall(Sys::kdebug, word(KdOp::puts), n);
    for (unsigned i = 0; i < words; ++i) u->mr[i] = saved[i];
  }
};

// A caller's buffer (format): what does not fit is cut off, counted all the same.
struct Buffer {
  char *buf;
  unsigned cap;
  int total = 0;
  unsigned full(unsigned n) {
    total += 1;   // the character that did not fit (the caller stops storing: see put)
    return n;
  }
};

// The formatting, over an output that is a buffer with a `full` rule. Plain text, most of a log
// line, is copied in a loop of a few instructions a character: the restart's log lines are
// printed while restarts are timed (the old loop, through a put() that counted every character,
// cost some 14 a character on ia32).
template <class Out> ARC_PRINT_PATH unsigned format_into(Out &o, unsigned n, const char *fmt, va_list ap) {
  auto put = [&o, &n](char c) {
    if (n == o.cap) {
      n = o.full(n);
      if (n == o.cap) return;   // a buffer: cut off
    }
    o.buf[n++] = c;
  };
  auto put_num = [&put](unsigned long long v, unsigned base, int width, char pad, bool neg) {
    char tmp[24];
    int i = arc::format_reversed(tmp, v, base, width, pad, neg);
    while (i) put(tmp[--i]);
  };
  for (const char *p = fmt;;) {
    // A run of plain text: as much as the room left takes, then the rule for a full output. In
    // locals: a store through a char pointer may alias anything, so the output's fields (and n,
    // which put() shares) would be loaded again after every character.
    char c = *p;
    {
      char *const buf = o.buf;
      const unsigned cap = o.cap;
      unsigned m = n;
      while (c && c != '%') {
        if (m == cap) {
          n = m;
          put(c);
          m = n;
        } else {
          buf[m++] = c;
        }
        c = *++p;
      }
      n = m;
    }
    if (!c) break;
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
    case 'p': put('0'); put('x'); put_num(word(va_arg(ap, void *)), 16, 8, '0', false); break;
    case 'c': put(char(va_arg(ap, int))); break;
    case 's': { const char *s = va_arg(ap, const char *); for (s = s ? s : "(null)"; *s;) put(*s++); break; }
    case '%': put('%'); break;
    default: put('%'); if (*p) put(*p); else --p; break;
    }
    if (*p) ++p;
  }
  return n;
}

const char *print_prefix;
bool at_line_start = true;   // the last call ended a line (several calls may build one)
} // namespace

void set_print_prefix(const char *prefix) { print_prefix = prefix; }

ARC_PRINT_PATH int vprintf(const char *fmt, va_list ap) {
  Console o;
  unsigned n = 0;
  if (at_line_start)
    for (const char *q = print_prefix; q && *q; ++q) {
      if (n == o.cap) n = o.full(n);
      o.buf[n++] = *q;
    }
  n = format_into(o, n, fmt, ap);
  if (n) at_line_start = o.buf[n - 1] == '\n';
  o.flush(n);
  return o.total + int(n);
}

int vformat(char *buf, unsigned size, const char *fmt, va_list ap) {
  if (!size) return 0;
  Buffer o{buf, size - 1};
  const unsigned n = format_into(o, 0, fmt, ap);
  buf[n] = 0;
  return o.total + int(n);
}

int format(char *buf, unsigned size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vformat(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

ARC_PRINT_PATH int printf(const char *fmt, ...) {
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
