// The number formatting the kernel's console and the user library's printf share
// (kernel/include/arc/digits.hh).
#include <arc/digits.hh>
#include <catch2/catch.hpp>
#include <string>

namespace {
std::string text(unsigned long long v, unsigned base, int width = 0, char pad = ' ', bool neg = false) {
  char out[24];
  int n = arc::format_reversed(out, v, base, width, pad, neg);
  std::string s;
  while (n) s += out[--n];
  return s;
}
} // namespace

TEST_CASE("digits: decimal and hex, through the 32-bit boundary", "[digits]") {
  CHECK(text(0, 10) == "0");
  CHECK(text(0, 16) == "0");
  CHECK(text(7, 10) == "7");
  CHECK(text(4294967295ull, 10) == "4294967295");
  CHECK(text(4294967296ull, 10) == "4294967296");           // the first value past 32 bits
  CHECK(text(10000000000ull, 10) == "10000000000");
  CHECK(text(18446744073709551615ull, 10) == "18446744073709551615");
  CHECK(text(0x804aad5, 16) == "804aad5");
  CHECK(text(0xffffffffffffffffull, 16) == "ffffffffffffffff");
}

TEST_CASE("digits: width, padding and sign", "[digits]") {
  CHECK(text(42, 10, 5) == "   42");
  CHECK(text(0xab, 16, 8, '0') == "000000ab");
  CHECK(text(42, 10, 0, ' ', true) == "-42");
  CHECK(text(42, 10, 5, ' ', true) == "  -42");
  CHECK(text(42, 10, 1) == "42");                              // width below the length: none
  CHECK(text(1, 10, 99).size() == 24);                         // never past the buffer
}
