// Host tests of the kernel's own ELF check (kernel/lib/elf.cc), which decides whether a boot
// module becomes sigma0 or the root task: real programs of the ia32 build pass, each malformed
// header or segment is refused with its reason, and random damage never makes the check read
// outside the file or pass something the loader could not load safely.
#include "lib/elf.hh"

#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

using namespace elf;
using Bytes = std::vector<uint8_t>;

namespace {
constexpr uint32_t limit = 0xbfeff000;   // arc::boot_info_addr: the loader's upper bound

Bytes read_file(const char *path) {
  std::ifstream f(path, std::ios::binary);
  INFO(path);
  REQUIRE(f.good());
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

Ehdr ehdr(const Bytes &b) {
  Ehdr h;
  memcpy(&h, b.data(), sizeof h);
  return h;
}
template <typename F> void edit_ehdr(Bytes &b, F f) {
  Ehdr h = ehdr(b);
  f(h);
  memcpy(b.data(), &h, sizeof h);
}
Phdr get_phdr(const Bytes &b, unsigned i) {
  Phdr p;
  memcpy(&p, b.data() + ehdr(b).phoff + i * sizeof(Phdr), sizeof p);
  return p;
}
template <typename F> void edit_load(Bytes &b, unsigned n, F f) {
  for (unsigned i = 0; i < ehdr(b).phnum; ++i) {
    Phdr p = get_phdr(b, i);
    if (p.type != pt_load || n-- != 0) continue;
    f(p);
    memcpy(b.data() + ehdr(b).phoff + i * sizeof(Phdr), &p, sizeof p);
    return;
  }
  FAIL("no such PT_LOAD");
}

std::string why(const Bytes &b, uint16_t machine = em_386) {
  Bytes exact(b);   // exactly sized: AddressSanitizer sees a read past the end
  const char *r = check(exact.data(), uint32_t(exact.size()), machine, limit);
  return r ? r : "ok";
}
} // namespace

TEST_CASE("KELF0001 the real programs of the build pass", "[kernel-elf]") {
  CHECK(why(read_file(ARC_SIGMA0_ELF)) == "ok");
  CHECK(why(read_file(ARC_KTEST_ELF)) == "ok");
  CHECK(why(read_file(ARC_SIGMA0_ELF), em_arm) == "wrong machine");
}

TEST_CASE("KELF0002 every malformed header is refused with its reason", "[kernel-elf]") {
  const Bytes good = read_file(ARC_SIGMA0_ELF);
  Bytes b = good;
  b.resize(sizeof(Ehdr) - 1);
  CHECK(why(b) == "truncated header");
  b = good; b[1] = 'X';
  CHECK(why(b) == "not an ELF file");
  b = good; b[4] = 2;
  CHECK(why(b) == "not a 32-bit ELF file");
  b = good; b[5] = 2;
  CHECK(why(b) == "not little-endian");
  b = good; edit_ehdr(b, [](Ehdr &h) { h.type = 3; });
  CHECK(why(b) == "not an executable");
  b = good; edit_ehdr(b, [](Ehdr &h) { h.phentsize = 20; });
  CHECK(why(b) == "bad program header size");
  b = good; edit_ehdr(b, [](Ehdr &h) { h.phoff += 2; });
  CHECK(why(b) == "misaligned program headers");
  b = good; edit_ehdr(b, [](Ehdr &h) { h.phnum = 0; });
  CHECK(why(b) == "bad number of program headers");
  b = good; edit_ehdr(b, [](Ehdr &h) { h.phnum = max_phdrs + 1; });
  CHECK(why(b) == "bad number of program headers");
  b = good; edit_ehdr(b, [&](Ehdr &h) { h.phoff = uint32_t(good.size()) - 4; });
  CHECK(why(b) == "program headers outside the file");
  b = good; edit_ehdr(b, [](Ehdr &h) { h.phoff = 0xfffffff0; });
  CHECK(why(b) == "program headers outside the file");
  b = good; edit_ehdr(b, [](Ehdr &h) { h.entry = 0x10; });
  CHECK(why(b) == "entry point not in an executable segment");
}

TEST_CASE("KELF0003 every malformed segment is refused with its reason", "[kernel-elf]") {
  const Bytes good = read_file(ARC_SIGMA0_ELF);
  Bytes b = good;
  edit_load(b, 0, [](Phdr &p) { p.filesz = p.memsz + 1; });
  CHECK(why(b) == "segment file size exceeds memory size");
  b = good;
  edit_load(b, 0, [&](Phdr &p) { p.offset = uint32_t(good.size()) - 16; });
  CHECK(why(b) == "segment outside the file");
  b = good;
  edit_load(b, 0, [](Phdr &p) { p.offset = 0xfffff000; });
  CHECK(why(b) == "segment outside the file");
  b = good;
  edit_load(b, 0, [](Phdr &p) { p.vaddr = limit - 0x1000; p.memsz = p.filesz = 0x2000; p.offset = 0; });
  CHECK(why(b) == "segment outside user space");
  b = good;
  edit_load(b, 0, [](Phdr &p) { p.vaddr = 0xfffff000; p.memsz = 0x2000; p.filesz = 0; });
  CHECK(why(b) == "segment outside user space");   // wraps past 4 GiB
  b = good;
  edit_load(b, 0, [](Phdr &p) { p.vaddr += 4; });
  CHECK(why(b) == "misaligned segment");
  b = good;
  const Phdr first = get_phdr(b, 0);
  edit_load(b, 1, [&](Phdr &p) { p.vaddr = first.vaddr + 0x10 + (p.offset & 0xfff) - 0x10; });
  CHECK(why(b) == "overlapping segments");
  b = good;
  for (unsigned i = 0; i < ehdr(b).phnum; ++i) {
    Phdr p = get_phdr(b, i);
    p.type = 6;   // PT_PHDR: nothing to load
    memcpy(b.data() + ehdr(b).phoff + i * sizeof(Phdr), &p, sizeof p);
  }
  CHECK(why(b) == "no loadable segment");
}

TEST_CASE("KELF0004 random damage never reads outside the file or passes an unsafe image", "[kernel-elf]") {
  std::mt19937 rng(7);
  const Bytes good = read_file(ARC_SIGMA0_ELF);
  unsigned passed = 0, refused = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    Bytes b = good;
    const int flips = 1 + int(rng() % 6);
    for (int k = 0; k < flips; ++k) b[rng() % 256] = uint8_t(rng());   // where the headers are
    if (rng() % 8 == 0) b.resize(rng() % b.size());
    Bytes exact(b);
    const char *r = check(exact.data(), uint32_t(exact.size()), em_386, limit);
    if (r) {
      ++refused;
      continue;
    }
    ++passed;
    // What the loader then trusts: every loadable segment inside the file and below the limit.
    const Ehdr h = ehdr(exact);
    REQUIRE(h.phoff % 4 == 0);
    for (unsigned i = 0; i < h.phnum; ++i) {
      const Phdr p = get_phdr(exact, i);
      if (p.type != pt_load) continue;
      REQUIRE(uint64_t(p.offset) + p.filesz <= exact.size());
      REQUIRE(uint64_t(p.vaddr) + p.memsz <= limit);
      REQUIRE(p.filesz <= p.memsz);
    }
  }
  CHECK(passed > 0);
  CHECK(refused > 0);
}
