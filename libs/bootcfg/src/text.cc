// The boot configuration's text helpers: strings, tokens, numbers, durations, names. Every
// read is bounded by the length given.
#include "parser.hh"

namespace bootcfg::detail {

size_t slen(const char *s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

bool seq(const char *a, const char *b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

bool teq(const Token &t, const char *s) {
  if (t.quoted) return false;
  size_t i = 0;
  for (; i < t.n; ++i)
    if (s[i] != t.p[i]) return false;
  return s[i] == 0;
}

// Copies the token's text (escapes undone) into dst[cap]; false when longer than cap - 1.
bool copy_token(const Token &t, char *dst, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < t.n; ++i) {
    char c = t.p[i];
    if (t.quoted && c == '\\' && i + 1 < t.n) c = t.p[++i];
    if (o + 1 >= cap) return false;
    dst[o++] = c;
  }
  dst[o] = 0;
  return true;
}

// ---- numbers

bool is_digit(char c) { return c >= '0' && c <= '9'; }
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses a decimal or 0x-hex number from [p, p + n); *used is how many bytes it took. Returns
// no_number when there are no digits or the value does not fit in 63 bits.
uint64_t parse_number_prefix(const char *p, size_t n, size_t *used) {
  size_t i = 0;
  uint64_t v = 0;
  const uint64_t limit = (1ull << 63) - 1;
  if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    i = 2;
    const size_t start = i;
    for (; i < n && hex_value(p[i]) >= 0; ++i) {
      if (v > (limit >> 4)) return no_number;
      v = v << 4 | uint64_t(hex_value(p[i]));
    }
    if (i == start) return no_number;
  } else {
    for (; i < n && is_digit(p[i]); ++i) {
      const uint64_t d = uint64_t(p[i] - '0');
      if (v > (limit - d) / 10) return no_number;
      v = v * 10 + d;
    }
    if (i == 0) return no_number;
  }
  *used = i;
  return v;
}

// The whole of [p, p + n) is a number.
uint64_t parse_number(const char *p, size_t n) {
  size_t used = 0;
  const uint64_t v = parse_number_prefix(p, n, &used);
  return v != no_number && used == n ? v : no_number;
}

bool suffix_is(const char *p, size_t n, const char *s) {
  const size_t k = slen(s);
  if (n != k) return false;
  for (size_t i = 0; i < k; ++i)
    if (p[i] != s[i]) return false;
  return true;
}

// "250ms", "10s" -> milliseconds (fits in 32 bits); no_number otherwise. *unit_missing is set when
// the text is a bare number.
uint64_t parse_duration(const char *p, size_t n, bool *unit_missing) {
  size_t used = 0;
  const uint64_t v = parse_number_prefix(p, n, &used);
  *unit_missing = false;
  if (v == no_number) return no_number;
  uint64_t ms;
  if (suffix_is(p + used, n - used, "ms")) ms = v;
  else if (suffix_is(p + used, n - used, "s")) ms = v > 0xffffffffull ? no_number : v * 1000;
  else {
    *unit_missing = used == n;
    return no_number;
  }
  return ms <= 0xffffffffull ? ms : no_number;
}

// ---- names

bool valid_name(const char *s) {
  size_t n = 0;
  for (; s[n]; ++n) {
    const char c = s[n];
    if (!(is_digit(c) || (c >= 'a' && c <= 'z') || c == '_' || c == '-')) return false;
  }
  return n >= 1 && n <= max_name_len;
}

} // namespace bootcfg::detail
