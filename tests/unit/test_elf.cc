// Host tests of the user-level ELF loader logic (libs/elf) against real programs of the ia32 build
// (ktest, sigma0), a probe linked with libs/pmem/pdata.ld, and files corrupted or built here: every
// rejection reason has a test.
#include "elf/elf.hh"

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

constexpr uint32_t user_low = 0x1000;
constexpr uint64_t user_high = 0xc0000000;

Bytes read_file(const char *path) {
  std::ifstream f(path, std::ios::binary);
  INFO(path);
  REQUIRE(f.good());
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

template <typename T> T get(const Bytes &b, size_t off) {
  T v;
  REQUIRE(off + sizeof v <= b.size());
  memcpy(&v, b.data() + off, sizeof v);
  return v;
}
template <typename T> void put(Bytes &b, size_t off, const T &v) {
  REQUIRE(off + sizeof v <= b.size());
  memcpy(b.data() + off, &v, sizeof v);
}

Ehdr ehdr(const Bytes &b) { return get<Ehdr>(b, 0); }
Phdr phdr(const Bytes &b, unsigned i) { return get<Phdr>(b, ehdr(b).phoff + i * sizeof(Phdr)); }
void set_phdr(Bytes &b, unsigned i, const Phdr &p) { put(b, ehdr(b).phoff + i * sizeof(Phdr), p); }
Shdr shdr(const Bytes &b, unsigned i) { return get<Shdr>(b, ehdr(b).shoff + i * sizeof(Shdr)); }
void set_shdr(Bytes &b, unsigned i, const Shdr &s) { put(b, ehdr(b).shoff + i * sizeof(Shdr), s); }
template <typename F> void edit_ehdr(Bytes &b, F f) {
  Ehdr h = ehdr(b);
  f(h);
  put(b, 0, h);
}

// Index of the n-th PT_LOAD program header.
unsigned load_index(const Bytes &b, unsigned n) {
  for (unsigned i = 0; i < ehdr(b).phnum; ++i)
    if (phdr(b, i).type == pt_load && n-- == 0) return i;
  FAIL("no such PT_LOAD");
  return 0;
}

int section_index(const Bytes &b, const char *name) {
  const Ehdr h = ehdr(b);
  const Shdr strs = shdr(b, h.shstrndx);
  for (unsigned i = 0; i < h.shnum; ++i)
    if (!strcmp(reinterpret_cast<const char *>(b.data() + strs.offset + shdr(b, i).name), name))
      return int(i);
  return -1;
}

Error open_error(const Bytes &b, uint16_t machine = em_386, uint32_t low = user_low,
                 uint64_t high = user_high) {
  Image img;
  Error e = Error::none;
  const bool ok = img.open(b.data(), b.size(), machine, low, high, &e);
  CHECK(ok == (e == Error::none));
  CHECK(img.is_open() == ok);
  return e;
}

// The memory image the ELF file describes, built straight from the program headers, compared
// page by page with what page_info() tells a pager to do.
void check_paging(const Bytes &file, const Image &img) {
  for (unsigned i = 0; i < ehdr(file).phnum; ++i) {
    const Phdr p = phdr(file, i);
    if (p.type != pt_load || p.memsz == 0) continue;
    for (uint64_t page = p.vaddr & ~0xfffull; page < uint64_t(p.vaddr) + p.memsz; page += 4096) {
      PageInfo info;
      // Any address inside the page gives the same plan.
      const uint32_t va = uint32_t(page + ((page >> 12) * 97 % 4096));
      REQUIRE(img.page_info(va, &info));
      CHECK(info.page == page);
      const Segment &s = img.segment(info.segment);
      CHECK(s.vaddr == p.vaddr);
      CHECK(info.rights == (p.flags & 7));
      CHECK(info.inside == (va >= p.vaddr && va < uint64_t(p.vaddr) + p.memsz));
      REQUIRE(info.copy_bytes <= 4096);
      REQUIRE(info.page_offset + info.copy_bytes <= 4096);
      REQUIRE(uint64_t(info.file_offset) + info.copy_bytes <= file.size());
      uint8_t built[4096] = {};
      memcpy(built + info.page_offset, file.data() + info.file_offset, info.copy_bytes);
      for (uint32_t k = 0; k < 4096; ++k) {
        const uint64_t a = page + k;
        if (a < p.vaddr || a >= uint64_t(p.vaddr) + p.memsz) continue;
        const uint8_t want = a < uint64_t(p.vaddr) + p.filesz ? file[p.offset + (a - p.vaddr)] : 0;
        if (built[k] != want) {
          INFO("address " << std::hex << a);
          REQUIRE(built[k] == want);
        }
      }
    }
  }
}

// A hand-made executable: ELF header, program headers, then each segment's file bytes at an offset
// congruent to its address (filled with 0x11 * (index + 1)).
struct Seg {
  uint32_t vaddr, filesz, memsz, flags;
  uint32_t type = pt_load;
};
Bytes build(const std::vector<Seg> &segs, uint32_t entry, uint16_t machine = em_386) {
  Bytes b(sizeof(Ehdr) + segs.size() * sizeof(Phdr));
  Ehdr h{};
  memcpy(h.ident, "\x7f" "ELF\x01\x01\x01", 7);
  h.type = 2;
  h.machine = machine;
  h.version = 1;
  h.entry = entry;
  h.phoff = sizeof(Ehdr);
  h.ehsize = sizeof(Ehdr);
  h.phentsize = sizeof(Phdr);
  h.phnum = uint16_t(segs.size());
  put(b, 0, h);
  for (size_t i = 0; i < segs.size(); ++i) {
    const Seg &s = segs[i];
    uint32_t off = 0;
    if (s.filesz) {
      off = uint32_t((b.size() + 4095) & ~size_t(4095)) + (s.vaddr & 4095);
      b.resize(off + s.filesz, uint8_t(0x11 * (i + 1)));
    }
    put(b, sizeof(Ehdr) + i * sizeof(Phdr), Phdr{s.type, off, s.vaddr, s.vaddr, s.filesz, s.memsz, s.flags, 4096});
  }
  return b;
}

// A minimal section table appended to b: null, the string table, then (name, type, flags, addr,
// offset, size) for each entry of `secs`.
struct Sec {
  std::string name;
  uint32_t type, flags, addr, offset, size;
};
void add_sections(Bytes &b, const std::vector<Sec> &secs) {
  std::string strtab(1, '\0');
  std::vector<uint32_t> names;
  names.push_back(uint32_t(strtab.size()));
  strtab += ".shstrtab";
  strtab += '\0';
  for (const Sec &s : secs) {
    names.push_back(uint32_t(strtab.size()));
    strtab += s.name;
    strtab += '\0';
  }
  const uint32_t stroff = uint32_t(b.size());
  b.insert(b.end(), strtab.begin(), strtab.end());
  while (b.size() % 4) b.push_back(0);
  const uint32_t shoff = uint32_t(b.size());
  std::vector<Shdr> sh(2);
  sh[1] = Shdr{names[0], sht_strtab, 0, 0, stroff, uint32_t(strtab.size()), 0, 0, 1, 0};
  for (size_t i = 0; i < secs.size(); ++i)
    sh.push_back(Shdr{names[i + 1], secs[i].type, secs[i].flags, secs[i].addr, secs[i].offset,
                      secs[i].size, 0, 0, 4, 0});
  for (const Shdr &s : sh) {
    const auto *p = reinterpret_cast<const uint8_t *>(&s);
    b.insert(b.end(), p, p + sizeof s);
  }
  edit_ehdr(b, [&](Ehdr &h) {
    h.shoff = shoff;
    h.shentsize = sizeof(Shdr);
    h.shnum = uint16_t(sh.size());
    h.shstrndx = 1;
  });
}

} // namespace

TEST_CASE("ELF0001 real programs open and page correctly", "[elf]") {
  for (const char *path : {ARC_KTEST_ELF, ARC_SIGMA0_ELF, ARC_PDATA_PROBE}) {
    INFO(path);
    const Bytes file = read_file(path);
    Image img;
    Error e = Error::bad_magic;
    REQUIRE(img.open(file.data(), file.size(), em_386, user_low, user_high, &e));
    CHECK(e == Error::none);
    CHECK(img.entry() == ehdr(file).entry);
    unsigned loads = 0;
    for (unsigned i = 0; i < ehdr(file).phnum; ++i)
      if (phdr(file, i).type == pt_load && phdr(file, i).memsz) ++loads;
    REQUIRE(img.segment_count() == loads);
    bool entry_in_x = false;
    for (unsigned i = 0; i < img.segment_count(); ++i) {
      const Segment &s = img.segments()[i];
      if ((s.rights & pf_x) && img.entry() >= s.vaddr && img.entry() < s.vaddr + s.memsz)
        entry_in_x = true;
    }
    CHECK(entry_in_x);
    check_paging(file, img);
    // Outside every segment.
    CHECK_FALSE(img.page_info(0, nullptr));
    CHECK_FALSE(img.page_info(0xfffff000, nullptr));
    // The same file for the other machine, or above the caller's window, is refused.
    CHECK(open_error(file, em_arm) == Error::bad_machine);
    CHECK(open_error(file, em_386, img.segment(0).vaddr + 4096) == Error::outside_range);
    CHECK(open_error(file, em_386, 0, img.segment(0).vaddr + 1) == Error::outside_range);
    // .text is found and lies in an executable segment.
    Section text;
    REQUIRE(img.find_section(".text", &text) == Error::none);
    CHECK((img.segment(text.segment).rights & pf_x));
    CHECK(img.find_section(".no-such-section", &text) == Error::no_section);
  }
}

TEST_CASE("ELF0002 ARC_PERSISTENT variables land in a page-aligned .pdata", "[elf][pmem]") {
  // The probe, and ktest: every user program has persistent variables now (the C library's
  // console and file state, libs/newlib-glue), so every one is linked with pdata.ld.
  const char *const files[] = {ARC_PDATA_PROBE, ARC_KTEST_ELF};
  for (const char *name : files) {
    INFO(name);
    const Bytes file = read_file(name);
    Image img;
    REQUIRE(img.open(file.data(), file.size(), em_386, user_low, user_high, nullptr));
    Section pd;
    REQUIRE(img.find_section(".pdata", &pd) == Error::none);
    CHECK(pd.addr % 4096 == 0);
    CHECK(pd.size % 4096 == 0);
    if (name == files[0]) CHECK(pd.size >= 8192);  // int + char[5000], rounded up to pages
    CHECK(pd.type != sht_nobits);
    const Segment &s = img.segment(pd.segment);
    CHECK((s.rights & pf_w));
    // No other section shares its pages.
    const Ehdr h = ehdr(file);
    for (unsigned i = 1; i < h.shnum; ++i) {
      const Shdr x = shdr(file, i);
      if (!(x.flags & 2) || int(i) == section_index(file, ".pdata") || !x.size) continue;
      const uint64_t lo = x.addr & ~0xfffull, hi = (uint64_t(x.addr) + x.size + 4095) & ~0xfffull;
      CHECK((hi <= pd.addr || lo >= uint64_t(pd.addr) + pd.size));
    }
  }
}

TEST_CASE("ELF0003 header rejections", "[elf]") {
  const Bytes good = read_file(ARC_KTEST_ELF);
  REQUIRE(open_error(good) == Error::none);
  Bytes b;
  SECTION("truncated") {
    CHECK(open_error(Bytes(good.begin(), good.begin() + 51)) == Error::truncated);
    CHECK(open_error(Bytes()) == Error::truncated);
    Image img;
    CHECK_FALSE(img.open(nullptr, 100, em_386, 0, user_high, nullptr));
  }
  SECTION("bad magic") {
    b = good;
    b[1] = 'e';
    CHECK(open_error(b) == Error::bad_magic);
  }
  SECTION("bad class") {
    b = good;
    b[4] = 2;
    CHECK(open_error(b) == Error::bad_class);
  }
  SECTION("bad endianness") {
    b = good;
    b[5] = 2;
    CHECK(open_error(b) == Error::bad_endian);
  }
  SECTION("not an executable") {
    b = good;
    edit_ehdr(b, [](Ehdr &h) { h.type = 3; });
    CHECK(open_error(b) == Error::bad_type);
  }
  SECTION("wrong machine") {
    CHECK(open_error(good, em_arm) == Error::bad_machine);
    CHECK(open_error(build({{0x8000, 16, 16, pf_r | pf_x}}, 0x8000, em_arm), em_arm) == Error::none);
    CHECK(open_error(build({{0x8000, 16, 16, pf_r | pf_x}}, 0x8000, em_arm)) == Error::bad_machine);
  }
  SECTION("program header size") {
    b = good;
    edit_ehdr(b, [](Ehdr &h) { h.phentsize = 40; });
    CHECK(open_error(b) == Error::bad_phentsize);
  }
  SECTION("number of program headers") {
    b = good;
    edit_ehdr(b, [](Ehdr &h) { h.phnum = 0; });
    CHECK(open_error(b) == Error::bad_phnum);
    edit_ehdr(b, [](Ehdr &h) { h.phnum = max_phdrs + 1; });
    CHECK(open_error(b) == Error::bad_phnum);
    edit_ehdr(b, [](Ehdr &h) { h.phnum = 0xffff; });
    CHECK(open_error(b) == Error::bad_phnum);
  }
  SECTION("program headers outside the file") {
    b = good;
    edit_ehdr(b, [&](Ehdr &h) { h.phoff = uint32_t(b.size()) - 16; });
    CHECK(open_error(b) == Error::phdrs_outside_file);
    edit_ehdr(b, [](Ehdr &h) { h.phoff = 0xffffffe0; });  // would wrap in 32 bits
    CHECK(open_error(b) == Error::phdrs_outside_file);
  }
}

TEST_CASE("ELF0004 segment rejections on a real file", "[elf]") {
  const Bytes good = read_file(ARC_KTEST_ELF);
  Bytes b = good;
  const unsigned first = load_index(good, 0), second = load_index(good, 1);
  Phdr p = phdr(good, first);
  SECTION("interpreter or dynamic section") {
    for (uint32_t type : {pt_interp, pt_dynamic}) {
      b = good;
      unsigned other = 0;
      while (phdr(b, other).type == pt_load) ++other;  // a non-load header (GNU_STACK)
      Phdr q = phdr(b, other);
      q.type = type;
      set_phdr(b, other, q);
      CHECK(open_error(b) == Error::dynamic);
    }
  }
  SECTION("no loadable segment") {
    for (unsigned i = 0; i < ehdr(b).phnum; ++i) {
      Phdr q = phdr(b, i);
      if (q.type == pt_load) q.type = 0x6474e551;
      set_phdr(b, i, q);
    }
    CHECK(open_error(b) == Error::no_segments);
  }
  SECTION("file size exceeds memory size") {
    p.filesz = p.memsz + 1;
    set_phdr(b, first, p);
    CHECK(open_error(b) == Error::filesz_exceeds_memsz);
  }
  SECTION("segment outside the file") {
    p.offset = uint32_t(good.size() - p.filesz + 1);
    set_phdr(b, first, p);
    CHECK(open_error(b) == Error::segment_outside_file);
  }
  SECTION("file range wraps") {
    p.offset = 0xffffff00;
    p.filesz = p.memsz = 0x1000;
    set_phdr(b, first, p);
    CHECK(open_error(b) == Error::overflow);
  }
  SECTION("memory range wraps") {
    p.vaddr = 0xfffff000 + (p.vaddr & 0xfff);
    p.filesz = 0x10;
    p.memsz = 0x2000;
    set_phdr(b, first, p);
    CHECK(open_error(b, em_386, 0, 1ull << 40) == Error::overflow);
  }
  SECTION("outside the caller's window") {
    p.vaddr = 0xc0000000 + (p.vaddr & 0xfff);
    set_phdr(b, first, p);
    CHECK(open_error(b) == Error::outside_range);
    CHECK(open_error(good, em_386, 0x10000000) == Error::outside_range);
  }
  SECTION("offset and address misaligned") {
    p.vaddr += 4;
    set_phdr(b, first, p);
    CHECK(open_error(b) == Error::misaligned);
  }
  SECTION("overlapping segments") {
    Phdr q = phdr(good, second);
    q.vaddr = p.vaddr + 0x10;
    q.offset = (q.offset & ~0xfffu) | (q.vaddr & 0xfff);
    set_phdr(b, second, q);
    CHECK(open_error(b) == Error::overlap);
  }
  SECTION("entry not in an executable segment") {
    edit_ehdr(b, [](Ehdr &h) { h.entry = 0; });
    CHECK(open_error(b) == Error::entry_not_executable);
    // Inside a segment, but not an executable one.
    b = good;
    for (unsigned i = 0; i < ehdr(b).phnum; ++i) {
      const Phdr q = phdr(b, i);
      if (q.type == pt_load && !(q.flags & pf_x)) {
        edit_ehdr(b, [&](Ehdr &h) { h.entry = q.vaddr; });
        break;
      }
    }
    CHECK(open_error(b) == Error::entry_not_executable);
  }
}

TEST_CASE("ELF0005 hand-made files", "[elf]") {
  SECTION("minimal") {
    const Bytes b = build({{0x10000, 0x1800, 0x3000, pf_r | pf_x}, {0x20010, 0x10, 0x2000, pf_r | pf_w}},
                          0x10004);
    Image img;
    REQUIRE(img.open(b.data(), b.size(), em_386, 0x10000, 0x30000, nullptr));
    check_paging(b, img);
    PageInfo info;
    // Second page of the text: 0x800 bytes from the file, the rest zero.
    REQUIRE(img.page_info(0x11234, &info));
    CHECK(info.copy_bytes == 0x800);
    CHECK(info.page_offset == 0);
    CHECK(info.file_offset == img.segment(0).offset + 0x1000);
    // Third page: bss only.
    REQUIRE(img.page_info(0x12000, &info));
    CHECK(info.copy_bytes == 0);
    // Data starts 0x10 into its page; below it the page belongs to the segment but va does not.
    REQUIRE(img.page_info(0x20004, &info));
    CHECK(info.segment == 1);
    CHECK_FALSE(info.inside);
    CHECK(info.page_offset == 0x10);
    CHECK(info.copy_bytes == 0x10);
    CHECK(info.rights == (pf_r | pf_w));
    CHECK_FALSE(img.page_info(0x13000, &info));
    CHECK(img.page_info(0x22fff, &info));  // the data's last page reaches 0x22010
    CHECK_FALSE(img.page_info(0x23000, &info));
  }
  SECTION("zero-size segments are ignored") {
    const Bytes b = build({{0x10000, 0x10, 0x10, pf_r | pf_x}, {0x10000, 0, 0, pf_r}}, 0x10000);
    Image img;
    REQUIRE(img.open(b.data(), b.size(), em_386, 0x1000, 0x30000, nullptr));
    CHECK(img.segment_count() == 1);
  }
  SECTION("segments sharing a page") {
    CHECK(open_error(build({{0x10000, 0x10, 0x100, pf_r | pf_x}, {0x10800, 0x10, 0x10, pf_r | pf_w}},
                           0x10000)) == Error::shared_page);
    // Touching page boundaries are fine.
    CHECK(open_error(build({{0x10000, 0x10, 0x1000, pf_r | pf_x}, {0x11000, 0x10, 0x10, pf_r | pf_w}},
                           0x10000)) == Error::none);
  }
  SECTION("overlapping segments") {
    CHECK(open_error(build({{0x10000, 0x10, 0x2000, pf_r | pf_x}, {0x11000, 0x10, 0x10, pf_r | pf_w}},
                           0x10000)) == Error::overlap);
  }
  SECTION("too many segments") {
    std::vector<Seg> segs;
    for (unsigned i = 0; i <= max_segments; ++i) segs.push_back({0x10000 + 0x1000 * i, 0, 0x10, pf_r | pf_x});
    CHECK(open_error(build(segs, 0x10000)) == Error::too_many_segments);
    segs.pop_back();
    CHECK(open_error(build(segs, 0x10000)) == Error::none);
  }
  SECTION("misaligned only matters with file bytes") {
    Bytes b = build({{0x10000, 0x10, 0x10, pf_r | pf_x}, {0x20000, 0, 0x10, pf_r | pf_w}}, 0x10000);
    Phdr q = phdr(b, 1);
    q.offset = 0x123;
    set_phdr(b, 1, q);
    CHECK(open_error(b) == Error::none);
  }
}

TEST_CASE("ELF0006 section table rejections", "[elf]") {
  Bytes base = build({{0x10000, 0x100, 0x100, pf_r | pf_x}, {0x20000, 0x20, 0x3000, pf_r | pf_w}},
                     0x10000);
  const uint32_t data_off = phdr(base, 1).offset;
  add_sections(base, {{".text", 1, 6, 0x10000, phdr(base, 0).offset, 0x100},
                      {".pdata", 1, 3, 0x20000, data_off, 0x20},
                      {".bss", sht_nobits, 3, 0x20020, 0, 0x2fe0},
                      {".comment", 1, 0, 0, data_off, 4}});
  auto find = [](const Bytes &b, const char *name, Section *out = nullptr) {
    Image img;
    Error e;
    REQUIRE(img.open(b.data(), b.size(), em_386, 0x1000, user_high, &e));
    Section s;
    return img.find_section(name, out ? out : &s);
  };
  Section s;
  REQUIRE(find(base, ".pdata", &s) == Error::none);
  CHECK(s.addr == 0x20000);
  CHECK(s.size == 0x20);
  CHECK(s.offset == data_off);
  CHECK(s.segment == 1);
  REQUIRE(find(base, ".bss", &s) == Error::none);
  CHECK(s.type == sht_nobits);
  REQUIRE(find(base, ".comment", &s) == Error::none);
  CHECK(s.segment == max_segments);  // not allocated: no segment
  CHECK(find(base, ".pdat") == Error::no_section);
  CHECK(find(base, ".pdata.x") == Error::no_section);
  CHECK(find(base, "") == Error::no_section);  // the null section's name is not looked at
  const int pdata = section_index(base, ".pdata");
  Bytes b = base;
  SECTION("no section table") {
    edit_ehdr(b, [](Ehdr &h) { h.shnum = 0; });
    CHECK(find(b, ".pdata") == Error::no_section);
  }
  SECTION("image not open") {
    Image img;
    CHECK(img.find_section(".pdata", &s) == Error::not_open);
  }
  SECTION("section header size") {
    edit_ehdr(b, [](Ehdr &h) { h.shentsize = 32; });
    CHECK(find(b, ".pdata") == Error::bad_shentsize);
  }
  SECTION("section headers outside the file") {
    edit_ehdr(b, [&](Ehdr &h) { h.shoff = uint32_t(b.size()) - 40; });
    CHECK(find(b, ".pdata") == Error::shdrs_outside_file);
    edit_ehdr(b, [&](Ehdr &h) { h.shoff = 0xfffffff0; });
    CHECK(find(b, ".pdata") == Error::shdrs_outside_file);
    b = base;
    edit_ehdr(b, [&](Ehdr &h) { h.shnum = 0xffff; });
    CHECK(find(b, ".pdata") == Error::shdrs_outside_file);
  }
  SECTION("string table index") {
    edit_ehdr(b, [](Ehdr &h) { h.shstrndx = 0; });
    CHECK(find(b, ".pdata") == Error::bad_shstrndx);
    edit_ehdr(b, [&](Ehdr &h) { h.shstrndx = h.shnum; });
    CHECK(find(b, ".pdata") == Error::bad_shstrndx);
    edit_ehdr(b, [&](Ehdr &h) { h.shstrndx = uint16_t(pdata); });  // not a string table
    CHECK(find(b, ".pdata") == Error::bad_shstrndx);
  }
  SECTION("string table outside the file") {
    Shdr st = shdr(b, 1);
    st.offset = uint32_t(b.size()) - 2;
    set_shdr(b, 1, st);
    CHECK(find(b, ".pdata") == Error::strtab_outside_file);
    st.offset = 0xfffffff0;
    set_shdr(b, 1, st);
    CHECK(find(b, ".pdata") == Error::strtab_outside_file);
  }
  SECTION("name offset outside the string table") {
    Shdr x = shdr(b, unsigned(pdata));
    x.name = shdr(b, 1).size;
    set_shdr(b, unsigned(pdata), x);
    CHECK(find(b, ".pdata") == Error::bad_name);
    x.name = 0xffffffff;
    set_shdr(b, unsigned(pdata), x);
    CHECK(find(b, ".text") == Error::bad_name);  // a bad name anywhere refuses the table
  }
  SECTION("name not terminated inside the string table") {
    Shdr st = shdr(b, 1);
    st.size -= 1;  // cuts the NUL of the last name (".comment")
    set_shdr(b, 1, st);
    CHECK(find(b, ".comment") == Error::bad_name);
    CHECK(find(b, ".pdata") == Error::bad_name);
  }
  SECTION("section bytes outside the file") {
    Shdr x = shdr(b, unsigned(pdata));
    x.offset = uint32_t(b.size());
    set_shdr(b, unsigned(pdata), x);
    CHECK(find(b, ".pdata") == Error::section_outside_file);
    x.offset = 0xffffffff;
    set_shdr(b, unsigned(pdata), x);
    CHECK(find(b, ".text") == Error::section_outside_file);
  }
  SECTION("allocated section outside the segments") {
    Shdr x = shdr(b, unsigned(pdata));
    x.addr = 0x30000;
    set_shdr(b, unsigned(pdata), x);
    CHECK(find(b, ".pdata") == Error::section_outside_segments);
    x.addr = 0x22ff0;  // straddles the end of the data segment
    set_shdr(b, unsigned(pdata), x);
    CHECK(find(b, ".pdata") == Error::section_outside_segments);
    x.addr = 0xfffffff0;  // would wrap
    set_shdr(b, unsigned(pdata), x);
    CHECK(find(b, ".pdata") == Error::section_outside_segments);
  }
}

TEST_CASE("ELF0007 every error has a description", "[elf]") {
  for (int e = int(Error::none); e <= int(Error::not_open); ++e)
    CHECK(std::string(describe(Error(e))) != "unknown error");
}

TEST_CASE("ELF0008 random corruption never crashes or reads out of bounds", "[elf]") {
  std::mt19937 rng(42);
  const Bytes good = read_file(ARC_SIGMA0_ELF);
  // The headers are where the loader looks: corrupt the first 4 KiB and the section table.
  const size_t shoff = ehdr(good).shoff;
  unsigned opened = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    Bytes b = good;
    const int flips = 1 + int(rng() % 8);
    for (int k = 0; k < flips; ++k) {
      size_t at = rng() % 2 ? rng() % 4096 : shoff + rng() % (good.size() - shoff);
      if (at >= b.size()) at = rng() % b.size();
      b[at] = uint8_t(rng());
    }
    if (rng() % 8 == 0) b.resize(rng() % b.size());
    Bytes exact(b);  // exactly sized copy: ASan sees a read past the end
    Image img;
    Error e;
    if (!img.open(exact.data(), exact.size(), em_386, user_low, user_high, &e)) continue;
    ++opened;
    for (unsigned i = 0; i < img.segment_count(); ++i) {
      const Segment &s = img.segment(i);
      REQUIRE(uint64_t(s.offset) + s.filesz <= exact.size());
      PageInfo info;
      for (uint64_t va = s.vaddr; va < uint64_t(s.vaddr) + s.memsz; va += 4096) {
        REQUIRE(img.page_info(uint32_t(va), &info));
        REQUIRE(uint64_t(info.file_offset) + info.copy_bytes <= exact.size());
      }
    }
    Section sec;
    img.find_section(".text", &sec);
    img.find_section(".pdata", &sec);
  }
  CHECK(opened > 0);
}
