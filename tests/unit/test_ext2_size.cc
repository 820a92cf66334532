// Host tests of libs/ext2 against file systems of every size mke2fs makes: more block groups than
// a fixed table would hold, meta_bg, triple-indirect files, 64-bit sizes (large_file), 8 KiB
// blocks, and the fast path (contiguous blocks in one device request). Images are made by
// Debian's mke2fs (-d) as sparse files; every change is checked with e2fsck -fn and debugfs.
#include "ext2_image.hh"

namespace {

// debugfs "stat" of a path: the value after `key` ("Size: ", "Blockcount: " ...).
uint64_t stat_field(Image &img, const std::string &p, const std::string &key) {
  const std::string out = img.debugfs("stat " + p);
  const size_t at = out.find(key);
  INFO(out);
  REQUIRE(at != std::string::npos);
  return strtoull(out.c_str() + at + key.size(), nullptr, 10);
}

std::string dumpe2fs(Image &img) {
  return run(tool("dumpe2fs") + " -h " + img.path + " 2>/dev/null");
}

uint32_t groups_of(ext2::Fs &fs) { return fs.info().groups; }

// Writes a file's worth of `data` at `off` (created first) in 16 KiB pieces, like the server.
void put(ext2::Fs &fs, const char *p, uint64_t off, const std::string &data) {
  uint32_t ino;
  if (fs.lookup(p, &ino) != Error::ok) REQUIRE(fs.create(p, 0644, &ino) == Error::ok);
  write_at(fs, p, off, data, 16384);
}

std::string read_at(ext2::Fs &fs, const char *p, uint64_t off, size_t n) {
  uint32_t ino;
  REQUIRE(fs.lookup(p, &ino) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  std::string s(n, 0);
  uint32_t got = 0;
  REQUIRE(fs.read(in, off, s.data(), uint32_t(n), &got) == Error::ok);
  s.resize(got);
  return s;
}

} // namespace

// The library's memory does not grow with the disk: descriptors come through a window.
static_assert(sizeof(ext2::Fs) < 192 * 1024, "the file system object must stay small");

TEST_CASE("EXT2-0201 a file system of 257 block groups (2 GiB at 1 KiB blocks)", "[ext2]") {
  Image img(2100000, "-t ext2 -b 1024");
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  CHECK(groups_of(fs) == 257);
  CHECK_FALSE(fs.claims_checked());   // past the claim map's 64 Ki blocks: mounted unchecked
  for (auto &[name, data] : img.files) {
    INFO(name);
    CHECK(diff(read_all(fs, ("/" + name).c_str()), data) == "");
  }
  // A directory per group of a spread of groups (new directories go to the emptiest groups in
  // Linux; here the inode goal is the parent's group, so use the files' own allocation) and a
  // file that crosses from one group into the next.
  const std::string big = pattern(9 * 1024 * 1024, 31);
  put(fs, "/big", 0, big);
  CHECK(diff(read_all(fs, "/big"), big) == "");
  uint32_t ino;
  REQUIRE(fs.mkdir("/d", 0755, &ino) == Error::ok);
  put(fs, "/d/f", 0, "in a directory");
  img.check_clean();
  CHECK(diff(img.cat("/big"), big) == "");
  CHECK(img.cat("/d/f") == "in a directory");
  // Freeing gives every block back to its group (e2fsck checks each group's count).
  const uint32_t free_before = fs.info().free_blocks;
  REQUIRE(fs.unlink("/big") == Error::ok);
  CHECK(fs.info().free_blocks > free_before + 9 * 1024);
  img.check_clean();
}

TEST_CASE("EXT2-0202 meta_bg: descriptors in the meta groups, read and written", "[ext2]") {
  // 256 KiB groups: a meta group (32 descriptors of a 1 KiB block) is 8 MiB, so a 20 MiB file
  // uses groups whose descriptors are in three different meta groups.
  Image img(65536, "-t ext2 -b 1024 -g 256 -N 4096 -O meta_bg,^resize_inode");
  const std::string sb = dumpe2fs(img);
  INFO(sb);
  REQUIRE(sb.find("meta_bg") != std::string::npos);
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  CHECK(groups_of(fs) == 256);
  for (auto &[name, data] : img.files) {
    INFO(name);
    CHECK(diff(read_all(fs, ("/" + name).c_str()), data) == "");
  }
  const std::string big = pattern(20 * 1024 * 1024, 41);
  put(fs, "/big", 0, big);
  CHECK(diff(read_all(fs, "/big"), big) == "");
  img.check_clean();
  CHECK(diff(img.cat("/big"), big) == "");
  REQUIRE(fs.unlink("/big") == Error::ok);
  img.check_clean();
  // And mounted again from the disk: the counts in the meta groups' descriptors are right.
  ext2::Fs again;
  REQUIRE(again.mount(img) == Error::ok);
  CHECK(again.info().free_blocks == fs.info().free_blocks);
}

TEST_CASE("EXT2-0203 triple indirection: a 70 MiB file at 1 KiB blocks, sparse far out, "
          "truncated through every level", "[ext2]") {
  Image img(131072, "-t ext2 -b 1024");
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const ext2::FsInfo start = fs.info();
  const std::string big = pattern(70 * 1024 * 1024, 51);
  put(fs, "/big", 0, big);
  CHECK(diff(read_all(fs, "/big"), big) == "");
  img.check_clean();
  CHECK(diff(img.cat("/big"), big) == "");
  // Through the triple-indirect block: debugfs's view of the block tree names it TIND.
  CHECK(img.debugfs("stat /big").find("(TIND)") != std::string::npos);
  // Shrink into the double-indirect range, then the indirect, then to nothing.
  uint32_t ino;
  REQUIRE(fs.lookup("/big", &ino) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  for (uint64_t size : {uint64_t(66 * 1024 * 1024), uint64_t(60 * 1024 * 1024),
                        uint64_t(100 * 1024), uint64_t(5000), uint64_t(0)}) {
    INFO(size);
    REQUIRE(fs.truncate(in, size) == Error::ok);
    img.check_clean();
    CHECK(diff(read_all(fs, "/big"), big.substr(0, size)) == "");
  }
  // A sparse file with a block past 100 MiB (triple indirect) and nothing between.
  put(fs, "/sparse", 0, "head");
  put(fs, "/sparse", 100ull * 1024 * 1024, "tail");
  CHECK(read_at(fs, "/sparse", 100ull * 1024 * 1024 - 2, 6) == std::string("\0\0tail", 6));
  img.check_clean();
  CHECK(stat_field(img, "/sparse", "Size: ") == 100ull * 1024 * 1024 + 4);
  REQUIRE(fs.unlink("/sparse") == Error::ok);
  REQUIRE(fs.unlink("/big") == Error::ok);
  CHECK(fs.info().free_blocks == start.free_blocks);
  img.check_clean();
}

TEST_CASE("EXT2-0204 64-bit sizes: a file past 4 GiB, and large_file set when missing", "[ext2]") {
  SECTION("4 KiB blocks, large_file from mke2fs") {
    Image img(65536, "-t ext2 -b 4096");
    ext2::Fs fs;
    REQUIRE(fs.mount(img) == Error::ok);
    const uint64_t far = 5ull << 30;   // 5 GiB: past 32 bits, in the triple-indirect range
    put(fs, "/huge", far, "end of a big file");
    CHECK(read_at(fs, "/huge", far - 3, 10) == std::string("\0\0\0end of ", 10));
    ext2::Stat st;
    uint32_t ino;
    REQUIRE(fs.lookup("/huge", &ino) == Error::ok);
    REQUIRE(fs.stat(ino, &st) == Error::ok);
    CHECK(st.size == far + 17);
    img.check_clean();
    CHECK(stat_field(img, "/huge", "Size: ") == far + 17);
    // Truncated down to below 4 GiB: the high word goes back to 0.
    ext2::Inode in;
    REQUIRE(fs.get(ino, in) == Error::ok);
    REQUIRE(fs.truncate(in, 3ull << 30) == Error::ok);
    CHECK(in.d.size_high == 0);
    img.check_clean();
  }
  SECTION("a file system without large_file gets it with its first file over 2 GiB") {
    Image img(16384, "-t ext2 -b 1024 -O ^large_file");
    REQUIRE(dumpe2fs(img).find("large_file") == std::string::npos);
    ext2::Fs fs;
    REQUIRE(fs.mount(img) == Error::ok);
    put(fs, "/big", 3ull << 30, "x");
    img.check_clean();
    CHECK(dumpe2fs(img).find("large_file") != std::string::npos);
    CHECK(stat_field(img, "/big", "Size: ") == (3ull << 30) + 1);
  }
  SECTION("past what the block tree reaches is too_big, with nothing written") {
    Image img(16384, "-t ext2 -b 1024");
    ext2::Fs fs;
    REQUIRE(fs.mount(img) == Error::ok);
    uint32_t ino;
    REQUIRE(fs.create("/f", 0644, &ino) == Error::ok);
    ext2::Inode in;
    REQUIRE(fs.get(ino, in) == Error::ok);
    uint32_t done = 1;
    CHECK(fs.write(in, fs.max_file_size(), "x", 1, &done) == Error::too_big);
    CHECK(done == 0);
    CHECK(fs.max_file_size() > (16ull << 30));   // 1 KiB blocks: about 16 GiB
    img.check_clean();
  }
}

TEST_CASE("EXT2-0205 8 KiB blocks work, larger ones are refused with the reason", "[ext2]") {
  {
    Image img(65536, "-t ext2 -b 8192");
    ext2::Fs fs;
    REQUIRE(fs.mount(img) == Error::ok);
    CHECK(fs.info().block_size == 8192);
    for (auto &[name, data] : img.files) {
      INFO(name);
      CHECK(diff(read_all(fs, ("/" + name).c_str()), data) == "");
    }
    const std::string big = pattern(30 * 1024 * 1024 + 123, 61);   // into double indirect
    put(fs, "/big", 0, big);
    CHECK(diff(read_all(fs, "/big"), big) == "");
    uint32_t ino;
    REQUIRE(fs.mkdir("/d", 0755, &ino) == Error::ok);
    img.check_clean();
    CHECK(diff(img.cat("/big"), big) == "");
    REQUIRE(fs.unlink("/big") == Error::ok);
    img.check_clean();
  }
  {
    Image img(65536, "-t ext2 -b 16384", false);
    ext2::Fs fs;
    CHECK(fs.mount(img) == Error::unsupported);
    CHECK(std::string(fs.why()) == "block size over 8 KiB");
  }
}

TEST_CASE("EXT2-0206 contiguous blocks go to the device in one request", "[ext2]") {
  Image img(65536, "-t ext2 -b 1024");
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const std::string big = pattern(4 * 1024 * 1024, 71);
  img.long_writes = 0;
  put(fs, "/big", 0, big);
  // 256 writes of 16 KiB: the data of each in one request, as the blocks are allocated in
  // order, or two where an indirect block lies between them (17 of those in 4 MiB).
  INFO("long writes " << img.long_writes);
  CHECK(img.long_writes >= 256);
  CHECK(img.long_writes <= 256 + 17);
  img.long_writes = 0;
  write_at(fs, "/big", 0, big, 16384);   // overwritten in place: the same runs
  CHECK(img.long_writes >= 256);
  CHECK(img.long_writes <= 256 + 17);
  img.reads = 0;
  const std::string back = read_all(fs, "/big");
  CHECK(diff(back, big) == "");
  // One read for nearly all of it (the blocks follow each other, but for the indirect blocks
  // between them), and the indirect blocks once each (the cache).
  INFO("reads " << img.reads);
  CHECK(img.reads < 64);
  img.check_clean();
}

TEST_CASE("EXT2-0207 a write commits without a flush, what frees or renames with one, and the "
          "superblock is not read again", "[ext2]") {
  Image img(65536, "-t ext2 -b 1024");
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const std::string data = pattern(1024 * 1024, 72);
  uint32_t ino;
  REQUIRE(fs.create("/f", 0644, &ino) == Error::ok);
  CHECK(img.durable_commits == 1);
  img.superblock_reads = 0;
  write_at(fs, "/f", 0, data, 16384);   // 64 allocating writes: the device may defer the flush
  CHECK(img.durable_commits == 1);
  CHECK(img.superblock_reads == 0);     // its counts are changed in the copy read at mount
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  REQUIRE(fs.truncate(in, 4096) == Error::ok);   // frees blocks: flushed before it returns
  CHECK(img.durable_commits == 2);
  REQUIRE(fs.rename("/f", "/g") == Error::ok);
  REQUIRE(fs.unlink("/g") == Error::ok);
  CHECK(img.durable_commits == 4);
  CHECK(img.superblock_reads == 0);
  img.check_clean();
  // The counts the superblock was given are the ones e2fsck finds (check_clean), and a new
  // mount reads them back.
  ext2::Fs again;
  REQUIRE(again.mount(img) == Error::ok);
  CHECK(again.info().free_blocks == fs.info().free_blocks);
  CHECK(again.info().free_inodes == fs.info().free_inodes);
}
