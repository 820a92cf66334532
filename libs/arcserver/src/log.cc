// arc::log_line (<arc/server.hh>): a server's log line, formatted by the small formatter.
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

namespace arc {

int log_line(const char *fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  const int n = vformat(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n < 0) return n;
  if (unsigned(n) >= sizeof(line)) {   // cut off: the whole text through stdio instead
    va_start(ap, fmt);
    const int m = ::vprintf(fmt, ap);
    va_end(ap);
    return m;
  }
  // What stdio still holds of an unfinished line goes first, so that the output keeps its order.
  if (stdout->_p && stdout->_p != stdout->_bf._base) fflush(stdout);
  return ::write(STDOUT_FILENO, line, size_t(n)) == n ? n : -1;
}

} // namespace arc
