// Host tests of a process's address space as its pager sees it (libs/p3/src/image.cc): where
// each page comes from, and a fault the pager cannot serve told apart by why — nothing may be
// there (invalid) or no memory is left for it (exhausted).
#include "host_frames.hh"
#include <p3/image.hh>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <set>
#include <vector>

using namespace p3;
using arc::word;
namespace fr = arc::fpage_rights;

namespace {
constexpr word page = 0x1000;

// A program of three pages in the file: text at 0x8048000 (one page), data at 0x8049000 (one
// page of file, two of memory: the second is bss), a zero range for the heap.
struct Program {
  std::vector<unsigned char> file = std::vector<unsigned char>(3 * page);
  HostFrames frames;
  std::vector<Image::Page> pages;
  Image img;
  Program(unsigned frame_limit = 64, unsigned capacity = 64) : frames(frame_limit), pages(capacity) {
    for (word i = 0; i < file.size(); ++i) file[i] = static_cast<unsigned char>(i * 7 + 1);
    img.init(file.data(), file.size(), &frames, pages.data(), capacity);
    REQUIRE(img.add_segment({0x8048000, page, page, page, fr::r | fr::x}));
    REQUIRE(img.add_segment({0x8049000, 2 * page, 2 * page, page, fr::r | fr::w}));
    REQUIRE(img.add_zero_range(0x10000000, 0x10100000, false));
  }
  const unsigned char *file_at(word off) const { return file.data() + off; }
};
} // namespace

TEST_CASE("PIMG0001 text from the image and data copy-on-write and zero bss and heap", "[pager]") {
  Program p;
  Source s = p.img.resolve(0x8048010, arc::fault::exec);
  CHECK(s.kind == Source::image);
  CHECK(s.addr == word(p.file_at(page)));
  CHECK(s.rights == (fr::r | fr::x));

  s = p.img.resolve(0x8049004, arc::fault::read);   // data, read: shared without w
  CHECK(s.kind == Source::image);
  CHECK(s.rights == fr::r);
  s = p.img.resolve(0x8049004, arc::fault::write);  // then written: a private copy
  REQUIRE(s.kind == Source::frame);
  CHECK(s.rights == (fr::r | fr::w));
  CHECK(std::memcmp(reinterpret_cast<void *>(s.addr), p.file_at(2 * page), page) == 0);

  for (word va : {word(0x804a000), word(0x10000000)}) {   // bss, heap
    s = p.img.resolve(va, arc::fault::write);
    REQUIRE(s.kind == Source::frame);
    const auto *b = reinterpret_cast<const unsigned char *>(s.addr);
    CHECK(std::all_of(b, b + page, [](unsigned char c) { return c == 0; }));
  }
  CHECK(p.frames.live.size() == 3);
}

TEST_CASE("PIMG0002 nothing there or not with that access is invalid and takes no frame", "[pager]") {
  Program p;
  CHECK(p.img.resolve(0x20000000, arc::fault::read).kind == Source::invalid);   // no segment
  CHECK(p.img.resolve(0x0, arc::fault::read).kind == Source::invalid);          // the null page
  CHECK(p.img.resolve(0x8048000, arc::fault::write).kind == Source::invalid);   // text written
  CHECK(p.frames.live.empty());
}

TEST_CASE("PIMG0003 no frame left is exhaustion (not invalid) and the next fault after a release is served", "[pager]") {
  Program p(1);
  REQUIRE(p.img.resolve(0x10000000, arc::fault::write).kind == Source::frame);
  CHECK(p.img.resolve(0x10001000, arc::fault::write).kind == Source::exhausted);   // heap
  CHECK(p.img.resolve(0x8049000, arc::fault::write).kind == Source::exhausted);    // COW copy
  CHECK(p.img.resolve(0x804a000, arc::fault::read).kind == Source::exhausted);     // bss
  CHECK(p.img.private_copy(0x8048000) == 0);
  // Still invalid where nothing may be, even with no memory left.
  CHECK(p.img.resolve(0x20000000, arc::fault::read).kind == Source::invalid);
  // Shared image pages need no frame.
  CHECK(p.img.resolve(0x8048000, arc::fault::read).kind == Source::image);
  CHECK(p.img.discard_volatile() == 1);
  CHECK(p.img.resolve(0x10001000, arc::fault::write).kind == Source::frame);
}

TEST_CASE("PIMG0004 a full page table is exhaustion too and gives the frame back", "[pager]") {
  Program p(64, 4);   // room for 3 pages (3/4 of 4 slots)
  for (word i = 0; i < 3; ++i)
    REQUIRE(p.img.resolve(0x10000000 + i * page, arc::fault::write).kind == Source::frame);
  CHECK(p.img.resolve(0x10003000, arc::fault::write).kind == Source::exhausted);
  CHECK(p.frames.live.size() == 3);   // the frame taken for the fourth went back
  CHECK(p.img.resident() == 3);
}

TEST_CASE("PIMG0005 the copied last page of a read-only segment is kept over a restart until it is changed", "[pager]") {
  for (const bool listed : {true, false}) {
    Program p;
    std::vector<word> vas(64);
    p.img.init(p.file.data(), p.file.size(), &p.frames, p.pages.data(), 64,
               listed ? vas.data() : nullptr);
    // Read-only data whose file part ends inside its page: the pager copies that page.
    REQUIRE(p.img.add_segment({0x8050000, 0x800, 2 * page, 0x800, fr::r}));
    REQUIRE(p.img.add_zero_range(0x10000000, 0x10100000, false));
    const Source ro = p.img.resolve(0x8050010, arc::fault::read);
    REQUIRE(ro.kind == Source::frame);
    CHECK(ro.rights == fr::r);
    const auto *b = reinterpret_cast<const unsigned char *>(ro.addr);
    CHECK(std::memcmp(b, p.file_at(2 * page), 0x800) == 0);
    CHECK(std::all_of(b + 0x800, b + page, [](unsigned char c) { return c == 0; }));
    CHECK(p.img.resolve(0x8050000, arc::fault::write).kind == Source::invalid);
    REQUIRE(p.img.resolve(0x10000000, arc::fault::write).kind == Source::frame);
    // A restart drops the heap page only; the copy comes back as it was, without a new frame.
    CHECK(p.img.discard_volatile() == 1);
    CHECK(p.frames.live.size() == 1);
    CHECK(p.img.resolve(0x8050000, arc::fault::read).addr == ro.addr);
    // Changed (fault injection's private copy): volatile from then on, and the next restart
    // brings the page back from the image.
    CHECK(p.img.private_copy(0x8050000) == ro.addr);
    CHECK(p.img.discard_volatile() == 1);
    CHECK(p.frames.live.empty());
    CHECK(p.img.resolve(0x8050000, arc::fault::read).kind == Source::frame);
  }
}

TEST_CASE("PIMG0006 a hot restart makes the first pages touched pristine in place and drops the rest", "[pager]") {
  Program p;
  std::vector<word> vas(64);
  p.img.init(p.file.data(), p.file.size(), &p.frames, p.pages.data(), 64, vas.data());
  REQUIRE(p.img.add_segment({0x8048000, page, page, page, fr::r | fr::x}));
  REQUIRE(p.img.add_segment({0x8049000, 2 * page, 2 * page, 0x800, fr::r | fr::w}));   // half file
  REQUIRE(p.img.add_zero_range(0x10000000, 0x10100000, false));
  // Touched in this order: data (written), heap, bss, a second heap page; the text's private copy
  // (fault injection) is executable.
  const Source data = p.img.resolve(0x8049000, arc::fault::write);
  const Source heap = p.img.resolve(0x10000000, arc::fault::write);
  const Source bss = p.img.resolve(0x804a000, arc::fault::write);
  REQUIRE(p.img.resolve(0x10001000, arc::fault::write).kind == Source::frame);
  const word text = p.img.private_copy(0x8048000);
  REQUIRE((data.kind == Source::frame && heap.kind == Source::frame && bss.kind == Source::frame && text));
  for (word a : {data.addr, heap.addr, bss.addr}) std::memset(reinterpret_cast<void *>(a), 0xee, page);
  std::vector<word> revoked;
  static std::vector<word> *seen;
  seen = &revoked;
  unsigned reset = 99;
  // Keep three: the data, heap and bss pages; the second heap page and the text copy go.
  CHECK(p.img.reset_volatile(3, &reset, [](word a) { seen->push_back(a); }) == 2);
  CHECK(reset == 3);
  CHECK(revoked.size() == 2);
  CHECK(std::find(revoked.begin(), revoked.end(), text) != revoked.end());
  CHECK(p.frames.live.size() == 3);
  CHECK(p.img.resident() == 3);
  // Their contents are as the image gives them, in the same frames, mapped as before.
  const auto *d = reinterpret_cast<const unsigned char *>(data.addr);
  CHECK(std::memcmp(d, p.file_at(2 * page), 0x800) == 0);
  CHECK(std::all_of(d + 0x800, d + page, [](unsigned char c) { return c == 0; }));
  for (word a : {heap.addr, bss.addr}) {
    const auto *b = reinterpret_cast<const unsigned char *>(a);
    CHECK(std::all_of(b, b + page, [](unsigned char c) { return c == 0; }));
  }
  CHECK(p.img.resolve(0x8049000, arc::fault::write).addr == data.addr);
  CHECK(p.img.resolve(0x8048000, arc::fault::exec).kind == Source::image);   // the pristine text
  // Still volatile: the next restart (keeping none) drops them.
  CHECK(p.img.reset_volatile(0, &reset) == 3);
  CHECK(reset == 0);
  CHECK(p.frames.live.empty());
}
