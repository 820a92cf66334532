// Host tests of the checkpoint file format (libs/p3 ckptfile; docs/restarts.md, "Checkpoints in
// files"): a file encoded as the pager writes it decodes and passes every check; each kind of
// damage — truncated, too long, another magic, version, architecture, program, build, a bad
// table, a bad capabilities part (its threads too), a flipped byte anywhere — is refused with its
// own error.
#include <p3/ckptfile.hh>

#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

using namespace p3::ckptfile;

namespace {

const Expect counter{3, "ckpt-counter", 123456, 0xdeadbeef, 0x0804c000, 0x0804e000};

namespace cc = arc::ckpt_caps;

// A driver's record: its interrupt (line 8 in slot 20, to the endpoint in slot 4) and two sessions.
cc::Record driver_caps() {
  cc::Record r{};
  r.magic = cc::magic;
  r.n_irqs = 1;
  r.irqs[0] = {8, 20, 4};
  r.n_sessions = 2;
  r.sessions[0] = {0x101, 0x30, 7, 0x1234, 0x70000000, 4096};
  r.sessions[1] = {0x203, 0x31, 9, 0x5678, 0x70010000, 100};
  return r;
}
constexpr uint32_t caps_at = 0x10000200;   // in the file's first page

// A file of n pages as the pager writes it: header, table, capabilities, pages (page i filled
// with i + 1).
std::vector<unsigned char> encode(unsigned n, const Expect &e = counter, const cc::Record &r = driver_caps()) {
  unsigned char caps[max_caps_bytes];
  const uint32_t cb = encode_caps(r, caps);
  Header h = make_header(e, n, 7, 0x08048123, 0x0fffeff0, cb, r.magic && n ? caps_at : 0);
  std::vector<uint32_t> vas(n);
  std::vector<std::vector<unsigned char>> pages(n, std::vector<unsigned char>(page_bytes));
  for (unsigned i = 0; i < n; ++i) {
    vas[i] = 0x10000000 + i * page_bytes;
    std::memset(pages[i].data(), int(i + 1), page_bytes);
  }
  h.checksum = checksum(h, [&](uint32_t i) { return vas[i]; }, caps,
                        [&](uint32_t i) { return static_cast<const void *>(pages[i].data()); });
  std::vector<unsigned char> f(sizeof h);
  std::memcpy(f.data(), &h, sizeof h);
  for (uint32_t v : vas) f.insert(f.end(), reinterpret_cast<unsigned char *>(&v), reinterpret_cast<unsigned char *>(&v) + 4);
  f.insert(f.end(), caps, caps + cb);
  for (auto &p : pages) f.insert(f.end(), p.begin(), p.end());
  return f;
}

// Every check the pager makes, in its order, on a whole file.
Error decode(const std::vector<unsigned char> &f, const Expect &e = counter) {
  Header h;
  if (f.size() < sizeof h) return check_short(f.data(), f.size());
  std::memcpy(&h, f.data(), sizeof h);
  if (Error r = check_header(h, e); r != Error::none) return r;
  if (Error r = check_length(h, f.size()); r != Error::none) return r;
  const uint32_t *vas = reinterpret_cast<const uint32_t *>(f.data() + sizeof h);
  if (Error r = check_table(h, vas); r != Error::none) return r;
  const unsigned char *caps = f.data() + sizeof h + 4 * h.pages;
  const unsigned char *pages = caps + h.caps_bytes;
  const uint32_t sum = checksum(h, [&](uint32_t i) { return vas[i]; }, caps,
                                [&](uint32_t i) { return static_cast<const void *>(pages + i * page_bytes); });
  if (sum != h.checksum) return Error::bad_checksum;
  cc::Record r;
  return decode_caps(h, caps, &r);
}

Header header_of(std::vector<unsigned char> &f) {
  Header h;
  std::memcpy(&h, f.data(), sizeof h);
  return h;
}
void put_header(std::vector<unsigned char> &f, const Header &h) { std::memcpy(f.data(), &h, sizeof h); }

} // namespace

TEST_CASE("CKFL0001 a file as the pager writes it passes every check", "[ckptfile]") {
  for (unsigned n : {0u, 1u, 3u, 17u}) {
    auto f = encode(n, counter, n ? driver_caps() : cc::Record{});
    const uint32_t cb = n ? caps_part_bytes(1, 2, 0) : caps_part_bytes(0, 0, 0);
    CHECK(f.size() == file_bytes(n, cb));
    CHECK(f.size() == sizeof(Header) + n * 4100 + cb);
    CHECK(decode(f) == Error::none);
    const Header h = header_of(f);
    CHECK(std::memcmp(h.magic, "ARCCKPT\n", 8) == 0);
    CHECK(h.version == version);
    CHECK(h.pages == n);
    CHECK(h.resume_ip == 0x08048123);
    CHECK(h.resume_sp == 0x0fffeff0);
    CHECK(std::string(h.program) == "ckpt-counter");
  }
}

TEST_CASE("CKFL0002 truncated or too long: refused", "[ckptfile]") {
  auto f = encode(3);
  for (size_t cut : {size_t(0), size_t(10), sizeof(Header) - 1, sizeof(Header), sizeof(Header) + 5, f.size() - 1}) {
    auto t = f;
    t.resize(cut);
    CHECK(decode(t) == Error::truncated);
  }
  auto longer = f;
  longer.push_back(0);
  CHECK(decode(longer) == Error::too_long);
}

TEST_CASE("CKFL0003 another magic, version, architecture, program, build: each its error", "[ckptfile]") {
  auto f = encode(2);
  Header h = header_of(f);
  SECTION("magic") {
    h.magic[0] = 'X';
    put_header(f, h);
    CHECK(decode(f) == Error::bad_magic);
  }
  SECTION("a text file, long or shorter than a header") {
    std::vector<unsigned char> text(200, 'a');
    CHECK(decode(text) == Error::bad_magic);
    text.resize(17);
    CHECK(decode(text) == Error::bad_magic);
    text.resize(3);
    CHECK(decode(text) == Error::bad_magic);
  }
  SECTION("version") {
    h.version = 1;   // the first format: no capabilities part
    put_header(f, h);
    CHECK(decode(f) == Error::bad_version);
    CHECK(std::string(error_name(Error::bad_version)) == "of another format version (an old file?)");
    h.version = 2;   // the second: no threads
    put_header(f, h);
    CHECK(decode(f) == Error::bad_version);
    h.version = 4;   // a later one
    put_header(f, h);
    CHECK(decode(f) == Error::bad_version);
  }
  SECTION("architecture") {
    CHECK(decode(f, Expect{40, counter.program, counter.image_bytes, counter.image_hash,
                           counter.parc_start, counter.parc_end}) == Error::wrong_machine);
  }
  SECTION("program") {
    CHECK(decode(f, Expect{3, "ckpttest", counter.image_bytes, counter.image_hash,
                           counter.parc_start, counter.parc_end}) == Error::wrong_program);
    CHECK(decode(f, Expect{3, "ckpt-counter2", counter.image_bytes, counter.image_hash,
                           counter.parc_start, counter.parc_end}) == Error::wrong_program);
  }
  SECTION("build") {
    CHECK(decode(f, Expect{3, counter.program, counter.image_bytes, counter.image_hash ^ 1,
                           counter.parc_start, counter.parc_end}) == Error::wrong_image);
    CHECK(decode(f, Expect{3, counter.program, counter.image_bytes + 1, counter.image_hash,
                           counter.parc_start, counter.parc_end}) == Error::wrong_image);
  }
  SECTION("lengths that do not add up") {
    h.pages = 3;   // total_bytes still says 2
    put_header(f, h);
    CHECK(decode(f) == Error::bad_header);
  }
  SECTION("too many pages") {
    h.pages = max_pages + 1;
    h.total_bytes = file_bytes(h.pages, h.caps_bytes);
    put_header(f, h);
    CHECK(decode(f) == Error::bad_header);
  }
  SECTION("a program name without its end") {
    std::memset(h.program, 'x', sizeof h.program);
    put_header(f, h);
    CHECK(decode(f) == Error::bad_header);
  }
  SECTION("the framework's area elsewhere") {
    h.parc_start += page_bytes;
    put_header(f, h);
    CHECK(decode(f) == Error::bad_header);
  }
}

TEST_CASE("CKFL0004 a bad table: unaligned, repeated or in the framework's area", "[ckptfile]") {
  const Header h = make_header(counter, 3, 1, 0, 0, caps_part_bytes(0, 0, 0), 0);
  uint32_t ok[] = {0x10000000, 0x10001000, 0x20000000};
  CHECK(check_table(h, ok) == Error::none);
  uint32_t unaligned[] = {0x10000000, 0x10001004, 0x20000000};
  CHECK(check_table(h, unaligned) == Error::bad_table);
  uint32_t twice[] = {0x10000000, 0x20000000, 0x10000000};
  CHECK(check_table(h, twice) == Error::bad_table);
  uint32_t parc[] = {0x10000000, counter.parc_start + page_bytes, 0x20000000};
  CHECK(check_table(h, parc) == Error::bad_table);
  uint32_t zero[] = {0, 0x10001000, 0x20000000};
  CHECK(check_table(h, zero) == Error::bad_table);
}

TEST_CASE("CKFL0005 one flipped byte anywhere after the checked fields: checksum mismatch", "[ckptfile]") {
  const auto f = encode(2);
  // Table and pages: every 97th byte (a flip in the header fails its own checks first, or the
  // checksum: both refuse).
  for (size_t at = sizeof(Header); at < f.size(); at += 97) {
    auto g = f;
    g[at] ^= 0x40;
    const Error e = decode(g);
    CHECK(e != Error::none);
    if (at >= sizeof(Header) + 8) CHECK(e == Error::bad_checksum);
  }
  // The header's informational fields are covered by the checksum too.
  auto g = f;
  Header h = header_of(g);
  h.number ^= 1;
  put_header(g, h);
  CHECK(decode(g) == Error::bad_checksum);
  h = header_of(g = f);
  h.resume_ip += 4;
  put_header(g, h);
  CHECK(decode(g) == Error::bad_checksum);
}

TEST_CASE("CKFL0006 locate: header, table, capabilities, pages, end", "[ckptfile]") {
  const uint32_t hb = sizeof(Header), cb = caps_part_bytes(1, 2, 0);
  Place p = locate(2, cb, 0);
  CHECK((p.part == Place::header && p.within == 0 && p.left == hb));
  p = locate(2, cb, hb - 1);
  CHECK((p.part == Place::header && p.left == 1));
  p = locate(2, cb, hb + 5);
  CHECK((p.part == Place::table && p.index == 1 && p.within == 5 && p.left == 3));
  p = locate(2, cb, hb + 8);
  CHECK((p.part == Place::caps && p.within == 0 && p.left == cb));
  p = locate(2, cb, hb + 8 + cb - 1);
  CHECK((p.part == Place::caps && p.within == cb - 1 && p.left == 1));
  p = locate(2, cb, hb + 8 + cb);
  CHECK((p.part == Place::page && p.index == 0 && p.within == 0 && p.left == page_bytes));
  p = locate(2, cb, hb + 8 + cb + page_bytes + 10);
  CHECK((p.part == Place::page && p.index == 1 && p.within == 10 && p.left == page_bytes - 10));
  p = locate(2, cb, file_bytes(2, cb));
  CHECK(p.part == Place::end);
  CHECK(hash("a", 1) == 0xe40c292cu);   // FNV-1a 32 of "a" (its published test vector)
  CHECK(std::string(error_name(Error::wrong_program)) == "of another program");
}

TEST_CASE("CKFL0007 the capabilities part: interrupts and sessions back as recorded", "[ckptfile]") {
  const cc::Record r = driver_caps();
  unsigned char part[max_caps_bytes];
  const uint32_t n = encode_caps(r, part);
  CHECK(n == caps_part_bytes(1, 2, 0));
  CHECK(n == 16 + 12 + 2 * 24);
  Header h = make_header(counter, 1, 1, 0, 0, n, caps_at);
  cc::Record back;
  REQUIRE(decode_caps(h, part, &back) == Error::none);
  CHECK(back.magic == cc::magic);
  CHECK(back.loaded == 0);
  REQUIRE(back.n_irqs == 1);
  CHECK((back.irqs[0].line == 8 && back.irqs[0].slot == 20 && back.irqs[0].ep == 4));
  REQUIRE(back.n_sessions == 2);
  CHECK((back.sessions[1].id == 0x203 && back.sessions[1].badge == 0x31 && back.sessions[1].owner_pid == 9 &&
         back.sessions[1].token == 0x5678 && back.sessions[1].addr == 0x70010000 && back.sessions[1].bytes == 100));
  // A record never filled in (no magic): an empty part, which decodes to nothing.
  CHECK(encode_caps(cc::Record{}, part) == caps_part_bytes(0, 0, 0));
  h = make_header(counter, 1, 1, 0, 0, caps_part_bytes(0, 0, 0), 0);
  REQUIRE(decode_caps(h, part, &back) == Error::none);
  CHECK((back.n_irqs == 0 && back.n_sessions == 0));
  // A whole file with them passes every check; one with the part's counts changed does not.
  CHECK(decode(encode(2)) == Error::none);
}

TEST_CASE("CKFL0008 a bad capabilities part is refused: counts, lengths, where its record is", "[ckptfile]") {
  unsigned char part[max_caps_bytes];
  const uint32_t n = encode_caps(driver_caps(), part);
  cc::Record back;
  SECTION("the counts do not give the part's length") {
    const Header h = make_header(counter, 1, 1, 0, 0, n + 24, caps_at);
    CHECK(decode_caps(h, part, &back) == Error::bad_caps);
  }
  SECTION("more interrupts or sessions than a record holds") {
    uint32_t too_many = cc::max_irqs + 1;
    std::memcpy(part, &too_many, 4);
    const Header h = make_header(counter, 1, 1, 0, 0, caps_part_bytes(too_many, 2, 0), caps_at);
    CHECK(decode_caps(h, part, &back) == Error::bad_caps);
  }
  SECTION("associations recorded, but no record in the pages") {
    const Header h = make_header(counter, 1, 1, 0, 0, n, 0);
    CHECK(decode_caps(h, part, &back) == Error::bad_caps);
  }
  SECTION("a record not on its alignment (it could straddle two pages)") {
    const Header h = make_header(counter, 1, 1, 0, 0, n, caps_at + 4);
    CHECK(decode_caps(h, part, &back) == Error::bad_caps);
  }
  SECTION("a part too long for the header's checks") {
    Header h = make_header(counter, 1, 1, 0, 0, max_caps_bytes + 4, caps_at);
    CHECK(check_header(h, counter) == Error::bad_header);
    h = make_header(counter, 1, 1, 0, 0, 4, caps_at);
    CHECK(check_header(h, counter) == Error::bad_header);
  }
  SECTION("a flipped count in a whole file: the checksum refuses it first") {
    auto f = encode(2);
    f[sizeof(Header) + 8] ^= 1;
    CHECK(decode(f) == Error::bad_checksum);
  }
  CHECK(std::string(error_name(Error::missing_irq)) == "an interrupt line the process does not have here");
}

// A multi-threaded server's record: two helper threads besides the main one.
cc::Record threaded_caps() {
  cc::Record r{};
  r.magic = cc::magic;
  r.n_threads = 2;
  r.thread_resume = 0x08049a40;
  r.threads[0] = {1, 0x0805f3c0};
  r.threads[1] = {2, 0x080603c0};
  return r;
}

TEST_CASE("CKFL0009 the helper threads: numbers, stacks and the resume address back as recorded", "[ckptfile]") {
  unsigned char part[max_caps_bytes];
  const uint32_t n = encode_caps(threaded_caps(), part);
  CHECK(n == caps_part_bytes(0, 0, 2));
  CHECK(n == 16 + 2 * 8);
  const Header h = make_header(counter, 1, 1, 0, 0, n, caps_at);
  cc::Record back;
  REQUIRE(decode_caps(h, part, &back) == Error::none);
  CHECK((back.n_irqs == 0 && back.n_sessions == 0));
  REQUIRE(back.n_threads == 2);
  CHECK(back.thread_resume == 0x08049a40);
  CHECK((back.threads[0].number == 1 && back.threads[0].sp == 0x0805f3c0));
  CHECK((back.threads[1].number == 2 && back.threads[1].sp == 0x080603c0));
  // Everything at once, at the most a record holds: still the header's bound.
  cc::Record full = driver_caps();
  full.n_threads = cc::max_threads;
  full.thread_resume = 0x08049a40;
  for (uint32_t i = 0; i < cc::max_threads; ++i) full.threads[i] = {i + 1, 0x08100000 + i * 0x1000};
  CHECK(encode_caps(full, part) == caps_part_bytes(1, 2, cc::max_threads));
  CHECK(caps_part_bytes(cc::max_irqs, cc::max_sessions, cc::max_threads) == max_caps_bytes);
  // A whole file with threads passes every check.
  CHECK(decode(encode(2, counter, threaded_caps())) == Error::none);
  CHECK(decode(encode(2, counter, full)) == Error::none);
}

TEST_CASE("CKFL0010 bad threads are refused: a number out of range or repeated, no stack, no resume address, too many", "[ckptfile]") {
  unsigned char part[max_caps_bytes];
  cc::Record r = threaded_caps();
  cc::Record back;
  SECTION("number 0 (the main thread is not a helper)") { r.threads[1].number = 0; }
  SECTION("a number beyond the pager's") { r.threads[1].number = cc::max_threads + 1; }
  SECTION("one number twice") { r.threads[1].number = 1; }
  SECTION("no stack pointer") { r.threads[0].sp = 0; }
  SECTION("threads without a resume address") { r.thread_resume = 0; }
  const uint32_t n = encode_caps(r, part);
  const Header h = make_header(counter, 1, 1, 0, 0, n, caps_at);
  CHECK(decode_caps(h, part, &back) == Error::bad_caps);
  CHECK(back.n_threads == 0);   // nothing half decoded is left for the caller
}

TEST_CASE("CKFL0011 more threads than a record holds, or threads without a record: refused, and version 2 files", "[ckptfile]") {
  unsigned char part[max_caps_bytes];
  const uint32_t n = encode_caps(threaded_caps(), part);
  cc::Record back;
  SECTION("a thread count beyond max_threads") {
    const uint32_t too_many = cc::max_threads + 1;
    std::memcpy(part + 8, &too_many, 4);
    const Header h = make_header(counter, 1, 1, 0, 0, caps_part_bytes(0, 0, too_many), caps_at);
    CHECK(decode_caps(h, part, &back) == Error::bad_caps);
  }
  SECTION("threads recorded, but no record in the pages") {
    const Header h = make_header(counter, 1, 1, 0, 0, n, 0);
    CHECK(decode_caps(h, part, &back) == Error::bad_caps);
  }
  SECTION("a file of the second version (no threads): refused as an old format") {
    auto f = encode(2, counter, threaded_caps());
    Header h = header_of(f);
    CHECK(h.version == 3);
    h.version = 2;
    put_header(f, h);
    CHECK(decode(f) == Error::bad_version);
    CHECK(std::string(error_name(Error::bad_version)) == "of another format version (an old file?)");
  }
  CHECK(std::string(error_name(Error::missing_thread)) == "a thread the process has not started here");
}
