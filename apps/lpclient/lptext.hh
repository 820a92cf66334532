// The text lpclient prints (and the host builds the expected print-out from, tests/qemu): numbered
// lines of varying length and content, so that a lost, repeated or shifted byte shows in a
// byte-for-byte comparison. Deterministic, no library calls: the same code on Arc and the host.
//
//   0000 |abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU...|
//   0001 |hijklmnopqrstuvwxyz0123...|
#pragma once

namespace lptext {

constexpr unsigned line_count = 160;
constexpr unsigned max_line = 96;   // bytes of the longest line, its newline included

// Line i (0-based) into buf (at least max_line bytes); returns its length, newline included.
inline unsigned line(unsigned i, char *buf) {
  constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  constexpr unsigned alpha = sizeof(alphabet) - 1;
  unsigned n = 0;
  buf[n++] = char('0' + i / 1000 % 10);
  buf[n++] = char('0' + i / 100 % 10);
  buf[n++] = char('0' + i / 10 % 10);
  buf[n++] = char('0' + i % 10);
  buf[n++] = ' ';
  buf[n++] = '|';
  const unsigned body = 8 + (i * 37) % 73;          // 8..80 characters
  for (unsigned k = 0; k < body; ++k) buf[n++] = alphabet[(i * 7 + k) % alpha];
  buf[n++] = '|';
  buf[n++] = '\n';
  return n;
}

// Bytes of the whole text.
inline unsigned total() {
  char buf[max_line];
  unsigned sum = 0;
  for (unsigned i = 0; i < line_count; ++i) sum += line(i, buf);
  return sum;
}

} // namespace lptext
