// Host tests of the pager's checkpoints (servers/pager/checkpoint.cc; docs/restarts.md,
// "Checkpoint and restore"): which pages a checkpoint copies, which it keeps from the last one,
// and what a restore puts back.
#include "checkpoint.hh"
#include "host_frames.hh"
#include <p3/image.hh>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

using namespace p3;
using arc::word;
namespace fr = arc::fpage_rights;

namespace {
constexpr word page = 0x1000;

// Text (one page), data (one page of file) and a persistent page after it, a heap.
constexpr word text = 0x8048000, data = 0x8049000, pdata = 0x804a000, heap = 0x10000000;
struct Program {
  std::vector<unsigned char> file = std::vector<unsigned char>(4 * page);
  HostFrames frames;
  std::vector<Image::Page> pages = std::vector<Image::Page>(64);
  Image img;
  std::unique_ptr<Checkpoint> ck = std::make_unique<Checkpoint>();
  explicit Program(unsigned frame_limit = 64) : frames(frame_limit) {
    for (word i = 0; i < file.size(); ++i) file[i] = static_cast<unsigned char>(i * 7 + 1);
    img.init(file.data(), file.size(), &frames, pages.data(), 64);
    REQUIRE(img.add_segment({text, page, page, page, fr::r | fr::x}));
    REQUIRE(img.add_segment({data, 2 * page, 2 * page, 2 * page, fr::r | fr::w}));
    img.set_persistent(pdata, pdata + page);
    REQUIRE(img.add_zero_range(heap, heap + 16 * page, false));
  }
  // The process writes `byte` at va: the page is made (or found) writable.
  void write(word va, unsigned char byte) {
    const Source s = img.resolve(va, arc::fault::write);
    REQUIRE(s.kind == Source::frame);
    reinterpret_cast<unsigned char *>(s.addr)[va & (page - 1)] = byte;
    ck->written(va);
  }
  unsigned char read(word va) {
    const Source s = img.resolve(va, arc::fault::read);
    REQUIRE(s.kind != Source::invalid);
    return reinterpret_cast<const unsigned char *>(s.addr)[va & (page - 1)];
  }
  Checkpoint::Taken take(word skip_start = 0, word skip_end = 0) {
    return ck->take(img, frames, skip_start, skip_end, 0x1234, 0x5678);
  }
};
} // namespace

TEST_CASE("PCKP0001 a checkpoint copies the writable private pages, then only those written since", "[pager]") {
  Program p;
  p.write(data + 8, 0xaa);
  p.write(pdata + 8, 0xbb);
  p.write(heap, 0xcc);
  p.write(heap + 3 * page, 0xdd);
  (void)p.img.private_copy(text);   // a code page of its own (fault injection): not copied
  const Checkpoint::Taken t1 = p.take();
  CHECK(t1.ok);
  CHECK(t1.copied == 4);
  CHECK(t1.clean == 0);
  CHECK(p.ck->valid());
  CHECK(p.ck->number() == 1);
  CHECK(p.ck->resume_ip() == 0x1234);
  CHECK(p.ck->resume_sp() == 0x5678);
  CHECK(p.ck->clean(heap));
  CHECK(!p.ck->clean(heap + page));   // never made: not in the checkpoint
  // Nothing written: every copy is kept.
  const Checkpoint::Taken t2 = p.take();
  CHECK(t2.copied == 0);
  CHECK(t2.clean == 4);
  // One page written, one made: those two are copied.
  p.write(heap + 3 * page + 1, 0xee);
  p.write(heap + 5 * page, 0x11);
  CHECK(!p.ck->clean(heap + 3 * page));
  const Checkpoint::Taken t3 = p.take();
  CHECK(t3.copied == 2);
  CHECK(t3.clean == 3);
  CHECK(p.ck->number() == 3);
  // Every frame copied is write-protected afterwards.
  static unsigned protected_pages;
  protected_pages = 0;
  p.ck->protect([](word) { ++protected_pages; });
  CHECK(protected_pages == 5);
  // A restart replaced the pages: every one is copied again.
  p.ck->all_dirty();
  CHECK(p.take().copied == 5);
}

TEST_CASE("PCKP0002 a restore puts the checkpoint's pages back, drops later ones, keeps the skipped range", "[pager]") {
  Program p;
  p.write(data + 8, 1);
  p.write(pdata + 8, 2);   // persistent memory is in the checkpoint too
  p.write(heap, 3);
  // pdata's page stands for the framework's area here: skipped, kept as it is at the restore.
  const Checkpoint::Taken t = p.take(pdata, pdata + page);
  CHECK(t.copied == 2);
  p.write(data + 8, 41);
  p.write(pdata + 8, 42);
  p.write(heap, 43);
  p.write(heap + 7 * page, 44);   // made after the checkpoint
  const unsigned held = unsigned(p.frames.live.size());
  p.img.discard_all_but(pdata, pdata + page);
  CHECK(p.frames.live.size() == held - 3);   // data, heap, heap + 7 pages: pdata and the copies stay
  REQUIRE(p.ck->restore(p.img));
  CHECK(p.read(data + 8) == 1);
  CHECK(p.read(heap) == 3);
  CHECK(p.read(pdata + 8) == 42);       // the skipped range: as it is now
  CHECK(p.read(heap + 7 * page) == 0);  // made after the checkpoint: a fresh zero page
  CHECK(p.read(data + 9) == p.file[2 * page + 9]);   // the rest of the data page from the copy
  // As copied again: clean until written.
  CHECK(p.ck->clean(heap));
  CHECK(p.take(pdata, pdata + page).copied == 1);   // only the fresh heap page (read: made since)
}

TEST_CASE("PCKP0003 a checkpoint without frames for its copies fails and leaves none", "[pager]") {
  Program p(5);   // 3 pages of the process and 2 copies
  p.write(data, 1);
  p.write(heap, 2);
  p.write(heap + page, 3);
  const Checkpoint::Taken t = p.take();
  CHECK(!t.ok);
  CHECK(!p.ck->valid());
  CHECK(p.frames.live.size() == 3);   // the copies made went back
  CHECK(p.ck->restore(p.img));   // nothing to put back
}

TEST_CASE("PCKP0004 dropping a checkpoint gives every copy back", "[pager]") {
  Program p;
  p.write(data, 1);
  p.write(heap, 2);
  REQUIRE(p.take().ok);
  CHECK(p.frames.live.size() == 4);
  p.ck->drop(p.frames);
  CHECK(!p.ck->valid());
  CHECK(p.frames.live.size() == 2);
}

TEST_CASE("PCKP0005 a checkpoint carried to another process of the program (a file): adopted, restored", "[pager]") {
  // Machine A: the state, checkpointed; its pages as a file would carry them.
  Program a;
  a.write(data + 8, 17);
  a.write(pdata + 8, 18);
  a.write(heap + 2 * page, 19);
  REQUIRE(a.take().ok);
  std::vector<word> vas;
  std::vector<std::vector<unsigned char>> bytes;
  for (unsigned i = 0; i < a.ck->pages(); ++i) {
    vas.push_back(a.ck->page_va(i));
    const auto *c = reinterpret_cast<const unsigned char *>(a.ck->page_copy(i));
    bytes.emplace_back(c, c + page);
  }
  REQUIRE(vas.size() == 3);
  // Machine B: the same program, started afresh, with a checkpoint of its own already.
  Program b;
  b.write(heap, 99);
  REQUIRE(b.take().ok);
  CHECK(b.ck->number() == 1);
  for (word va : vas) CHECK(b.img.may_write(va));   // what the pager checks before adopting
  CHECK(!b.img.may_write(text));                    // code: never in a checkpoint
  CHECK(!b.img.may_write(0x5000));                  // nothing there
  CHECK(!b.img.may_write(heap + 16 * page));        // past the heap
  std::vector<word> copies;
  for (auto &pg : bytes) {
    const word f = b.frames.alloc();
    REQUIRE(f);
    std::memcpy(reinterpret_cast<void *>(f), pg.data(), page);
    copies.push_back(f);
  }
  const unsigned before = unsigned(b.frames.live.size());
  b.ck->adopt(b.frames, vas.data(), copies.data(), unsigned(vas.size()), 0xabc0, 0xdef0, heap + 2 * page + 0x200);
  CHECK(b.frames.live.size() == before - 1);   // B's own copy (of its heap page) went back
  CHECK(b.ck->number() == 2);                  // goes on from B's
  CHECK(b.ck->resume_ip() == 0xabc0);
  CHECK(b.ck->resume_sp() == 0xdef0);
  // The framework's record of its capabilities: where the file said, found in the copies.
  CHECK(b.ck->caps_va() == heap + 2 * page + 0x200);
  REQUIRE(b.ck->copy_at(heap + 2 * page) != nullptr);
  CHECK(*b.ck->copy_at(heap + 2 * page) == 19);   // the first byte of the word written
  CHECK(b.ck->copy_at(heap + 5 * page) == nullptr);   // not a page of the checkpoint
  CHECK(!b.ck->clean(heap + 2 * page));        // not the process's page yet
  b.img.discard_all_but(0, 0);
  REQUIRE(b.ck->restore(b.img));
  CHECK(b.read(data + 8) == 17);
  CHECK(b.read(pdata + 8) == 18);
  CHECK(b.read(heap + 2 * page) == 19);
  CHECK(b.read(heap) == 0);                    // B's own change is not in A's checkpoint
  CHECK(b.ck->clean(heap + 2 * page));
}
