// Kernel console: formatted output to the platform's debug UART. Every kernel line starts with
// "[arc] " so tests can tell kernel messages from user output.
#pragma once
#include <stdarg.h>

namespace kern {
void kputc(char c);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
// A kernel line: "[arc] " + text + newline.
void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
} // namespace kern

#define KASSERT(c) do { if (!(c)) ::kern::panic("assertion '%s' failed at %s:%d", #c, __FILE__, __LINE__); } while (0)
