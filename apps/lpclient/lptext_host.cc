// lptext: writes the text apps/lpclient prints (lptext.hh) to a file, for the host to compare
// with QEMU's parallel-port output (tests/qemu, ia32-parport).   lptext OUTPUT
#include "lptext.hh"

#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lptext OUTPUT\n");
    return 2;
  }
  std::FILE *f = std::fopen(argv[1], "wb");
  if (!f) {
    std::perror(argv[1]);
    return 1;
  }
  char buf[lptext::max_line];
  for (unsigned i = 0; i < lptext::line_count; ++i) std::fwrite(buf, 1, lptext::line(i, buf), f);
  return std::fclose(f) == 0 ? 0 : 1;
}
