// Host tests of libs/ext2 on damaged file systems: images made by mke2fs -d, then damaged on
// purpose with debugfs (sif, set_bg) or by writing bytes at computed offsets. Every damage must
// come back as Error::corrupt (never a crash, never another file's or the metadata's bytes).
#include "ext2_image.hh"

namespace {

uint32_t block_of(Image &img, const std::string &p, unsigned index) {
  // debugfs "blocks": the data blocks of a file, in order.
  const std::string out = img.debugfs("blocks " + p);
  unsigned long b = 0;
  const char *s = out.c_str();
  for (unsigned i = 0; i <= index; ++i) b = strtoul(s, const_cast<char **>(&s), 10);
  REQUIRE(b != 0);
  return uint32_t(b);
}

Error read_err(ext2::Fs &fs, const char *p, std::string *data = nullptr) {
  uint32_t ino;
  if (Error e = fs.lookup(p, &ino); e != Error::ok) return e;
  ext2::Inode in;
  if (Error e = fs.get(ino, in); e != Error::ok) return e;
  std::string s(in.size(), 0);
  uint32_t got = 0;
  const Error e = fs.read(in, 0, s.data(), uint32_t(s.size()), &got);
  if (data) *data = s.substr(0, got);
  return e;
}

} // namespace

TEST_CASE("EXT2-0301 block pointers outside the disk are corrupt, not followed", "[ext2]") {
  Image img;
  img.debugfs("");   // the image is fine before
  run(tool("debugfs") + " -w -R 'sif /direct.bin block[2] 99999999' " + img.path);
  run(tool("debugfs") + " -w -R 'sif /indirect.bin block[IND] 4000000000' " + img.path);
  run(tool("debugfs") + " -w -R 'sif /double.bin block[DIND] 0xffffffff' " + img.path);
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  CHECK(read_err(fs, "/direct.bin") == Error::corrupt);
  CHECK(read_err(fs, "/indirect.bin") == Error::corrupt);
  CHECK(read_err(fs, "/double.bin") == Error::corrupt);
  // Writing into them is refused the same way, and the sound files still read.
  uint32_t ino;
  REQUIRE(fs.lookup("/direct.bin", &ino) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  uint32_t done = 7;
  CHECK(fs.write(in, 2048, "x", 1, &done) == Error::corrupt);
  CHECK(done == 0);
  std::string hello;
  CHECK(read_err(fs, "/hello.txt", &hello) == Error::ok);
  CHECK(hello == "hello, ext2\n");
}

TEST_CASE("EXT2-0302 directories with bad entries are corrupt", "[ext2]") {
  Image img;
  const uint32_t b = block_of(img, "/sub", 0);
  // The first entry of /sub is "." (rec_len 12), the second ".." at byte 12: damage "..".
  auto poke16 = [&](uint32_t byte, uint16_t v) {
    REQUIRE(pwrite(img.fd, &v, 2, off_t(b) * 1024 + byte) == 2);
  };
  auto poke8 = [&](uint32_t byte, uint8_t v) {
    REQUIRE(pwrite(img.fd, &v, 1, off_t(b) * 1024 + byte) == 1);
  };
  uint16_t rec;
  REQUIRE(pread(img.fd, &rec, 2, off_t(b) * 1024 + 12 + 4) == 2);
  ext2::DirEntry e;
  auto readdir_all = [&]() {
    ext2::Fs fs;
    REQUIRE(fs.mount(img) == Error::ok);
    uint32_t ino;
    REQUIRE(fs.lookup("/sub", &ino) == Error::ok);
    ext2::Inode d;
    REQUIRE(fs.get(ino, d) == Error::ok);
    uint64_t pos = 0;
    Error r;
    unsigned n = 0;
    while ((r = fs.readdir(d, &pos, &e)) == Error::ok && n < 1000) ++n;
    CHECK(n < 1000);   // always ends
    uint32_t found;
    const Error l = fs.lookup("/sub/deeper", &found);
    return std::make_pair(r, l);
  };
  SECTION("rec_len 0") {
    poke16(12 + 4, 0);
    const auto [r, l] = readdir_all();
    CHECK(r == Error::corrupt);
    CHECK(l == Error::corrupt);
  }
  SECTION("name_len past rec_len") {
    poke8(12 + 6, 200);
    const auto [r, l] = readdir_all();
    CHECK(r == Error::corrupt);
    CHECK(l == Error::corrupt);
  }
  SECTION("an entry crossing the end of the block") {
    poke16(12 + 4, uint16_t(rec + 1024));
    const auto [r, l] = readdir_all();
    CHECK(r == Error::corrupt);
    CHECK(l == Error::corrupt);
  }
  SECTION("an entry naming an inode past the last") {
    uint32_t big = 0x7fffffff;
    REQUIRE(pwrite(img.fd, &big, 4, off_t(b) * 1024 + 12 + 12) == 4);   // "deeper", the third
    ext2::Fs fs;
    REQUIRE(fs.mount(img) == Error::ok);
    uint32_t found;
    CHECK(fs.lookup("/sub/deeper", &found) == Error::corrupt);
    CHECK(fs.lookup("/sub/deeper/note", &found) == Error::corrupt);
  }
}

TEST_CASE("EXT2-0303 a block claimed twice, or metadata claimed as data", "[ext2]") {
  Image img;
  // /indirect.bin's first block given to /direct.bin too: two live files claim it, and reading
  // one would show the other's data. Mount refuses it and says which block and inode.
  const uint32_t shared = block_of(img, "/indirect.bin", 0);
  run(tool("debugfs") + " -w -R 'sif /direct.bin block[0] " + std::to_string(shared) + "' " +
      img.path);
  {
    ext2::Fs fs;
    CHECK(fs.mount(img) == Error::corrupt);
    const std::string why = fs.why();
    CHECK(why.find("block " + std::to_string(shared) + " claimed twice: again by inode ") == 0);
  }
  // /indirect.bin removed behind our back (debugfs frees its blocks): the block is free in the
  // bitmap while /direct.bin still names it. One claim: it mounts; freeing /direct.bin frees the
  // block a second time: corrupt, and the file system is not left with it counted free twice.
  run(tool("debugfs") + " -w -R 'rm /indirect.bin' " + img.path);
  {
    ext2::Fs fs;
    REQUIRE(fs.mount(img) == Error::ok);
    CHECK(fs.claims_checked());
    const uint32_t free_blocks = fs.info().free_blocks;
    CHECK(fs.unlink("/direct.bin") == Error::corrupt);
    CHECK(fs.info().free_blocks <= free_blocks + 9);
  }
  // An inode table claimed as a file's data block: the inodes of other files never reach a
  // reader as data. Group 0's inode table, from the descriptor (debugfs "stats").
  const std::string stats = img.debugfs("stats");
  const size_t at = stats.find("inode table at ");
  REQUIRE(at != std::string::npos);
  const unsigned long itable = strtoul(stats.c_str() + at + 15, nullptr, 10);
  run(tool("debugfs") + " -w -R 'sif /hello.txt block[0] " + std::to_string(itable) + "' " +
      img.path);
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  std::string got;
  CHECK(read_err(fs, "/hello.txt", &got) == Error::corrupt);
  CHECK(got.empty());
}

TEST_CASE("EXT2-0304 damaged superblocks and descriptors refuse the mount with a reason",
          "[ext2]") {
  struct Case {
    const char *damage, *why;
    Error err;
  };
  const Case cases[] = {
    {"set_bg 0 inode_table 99999999", "group descriptor points outside the disk", Error::corrupt},
    {"set_bg 0 block_bitmap 0", "group descriptor points outside the disk", Error::corrupt},
    {"ssv inodes_count 12345", "inode count does not match the groups", Error::corrupt},
    {"ssv blocks_per_group 0", "implausible superblock", Error::corrupt},
    {"ssv log_block_size 7", "block size over 8 KiB", Error::unsupported},
    {"ssv first_ino 0", "implausible superblock", Error::corrupt},
  };
  for (const Case &c : cases) {
    INFO(c.damage);
    Image img(8192, "-t ext2", false);
    run(tool("debugfs") + " -w -R '" + c.damage + "' " + img.path);
    ext2::Fs fs;
    CHECK(fs.mount(img) == c.err);
    CHECK(std::string(fs.why()) == c.why);
    CHECK_FALSE(fs.mounted());
  }
  // A descriptor of a later group (257 groups: its block is not one mount reads) is found when
  // it is first used: corrupt then, the rest of the file system still usable.
  Image img(2100000, "-t ext2 -b 1024", false);
  run(tool("debugfs") + " -w -R 'set_bg 100 inode_table 99999999' " + img.path);
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  ext2::Inode in;
  CHECK(fs.get(100 * (fs.info().inodes / fs.info().groups) + 1, in) == Error::corrupt);
  uint32_t ino;
  CHECK(fs.lookup("/", &ino) == Error::ok);
  CHECK(fs.mkdir("/d", 0755, &ino) == Error::ok);
}
