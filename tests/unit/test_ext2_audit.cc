// Host tests of libs/ext2's audit (src/audit.cc): every mutating operation passes it, and each
// kind of damage a bug in the library leaves behind fails it with its reason, before anything
// commits. The damage is made the way the bug would make it — a count changed without its bitmap,
// an inode that reads back other than written, a block pointer to a free block, a directory block
// that does not parse, a name that is not where the operation says — through FsProbe, the
// library's friend for tests.
#include "ext2_image.hh"

namespace ext2 {
struct FsProbe {
  Fs &fs;
  void begin() { fs.audit_begin(); }
  const char *end() { return fs.audit_end(); }
  const char *end_failed() { return fs.audit_end(false); }   // an operation that failed
  void freed(uint32_t b) { fs.audit_free_block(b); }                // as free_block records it
  // A bitmap bit changed in the cache, as alloc and free change them.
  void set_bit(uint32_t bitmap, uint32_t i, bool on) {
    const int c = fs.cache_load(bitmap);
    REQUIRE(c >= 0);
    uint8_t *map = fs.cache_[c];
    if (on) map[i / 8] = uint8_t(map[i / 8] | (1u << (i % 8)));
    else map[i / 8] = uint8_t(map[i / 8] & ~(1u << (i % 8)));
    REQUIRE(fs.write_cached(c) == Error::ok);
  }
  GroupDesc *group(uint32_t g) {
    GroupDesc *gd = nullptr;
    REQUIRE(fs.group(g, &gd) == Error::ok);
    return gd;
  }
  // Group g's descriptor, recorded as alloc and free record it before they change its bitmaps.
  GroupDesc *touch(uint32_t g) {
    GroupDesc *gd = group(g);
    fs.audit_group(g, *gd);
    return gd;
  }
  Superblock &sb() { return fs.sb_; }
  Error put(const Inode &in) { return fs.put(in); }
  Fs::AuditInode *recorded(uint32_t ino) { return fs.audit_inode(ino); }
  void name(uint32_t dir, const char *n, uint32_t ino) { fs.audit_name(dir, n, unsigned(strlen(n)), ino); }
  Error write_dir(uint32_t b, const void *buf) { return fs.write_dir_block(b, buf); }
  uint32_t block_size() const { return fs.bs_; }
  // A mutating operation whose body is `body`, ended as every operation is (Fs::Op::end).
  template <class F> Error operation(F body) {
    Fs::Op op(fs);
    body();
    return op.end(Error::ok);
  }
  // A free block of group 0, by its bitmap.
  uint32_t free_block() {
    GroupDesc *gd = group(0);
    for (uint32_t i = 0; i < fs.sb_.blocks_per_group; ++i) {
      bool set = true;
      REQUIRE(fs.bit_in(gd->block_bitmap, i, &set) == Error::ok);
      if (!set) return fs.sb_.first_data_block + i;
    }
    FAIL("no free block");
    return 0;
  }
};
} // namespace ext2

namespace {

using ext2::FsProbe;

ext2::Inode inode_at(ext2::Fs &fs, const char *p) {
  uint32_t ino = 0;
  REQUIRE(fs.lookup(p, &ino) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  return in;
}

} // namespace

TEST_CASE("EXT2-0501 every kind of change passes its audit and the image stays clean", "[ext2][audit]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const uint32_t before = fs.audits();
  uint32_t ino = 0, done = 0;
  const std::string data = pattern(70000, 7);   // direct and indirect blocks
  REQUIRE(fs.create("/a", 0644, &ino) == Error::ok);
  ext2::Inode a;
  REQUIRE(fs.get(ino, a) == Error::ok);
  REQUIRE(fs.write(a, 0, data.data(), uint32_t(data.size()), &done) == Error::ok);
  REQUIRE(fs.write(a, 200000, "x", 1, &done) == Error::ok);   // a hole, then a block far out
  REQUIRE(fs.truncate(a, 5000) == Error::ok);
  REQUIRE(fs.mkdir("/d", 0755) == Error::ok);
  REQUIRE(fs.symlink("/a", "/d/fast") == Error::ok);
  REQUIRE(fs.symlink(std::string(300, 'l').c_str(), "/d/slow") == Error::ok);
  REQUIRE(fs.link("/a", "/d/second") == Error::ok);
  REQUIRE(fs.rename("/d/second", "/b") == Error::ok);
  REQUIRE(fs.rename("/b", "/a") == Error::ok);              // over a name of the same file
  REQUIRE(fs.chmod(ino, 0600) == Error::ok);
  REQUIRE(fs.unlink("/d/fast") == Error::ok);
  REQUIRE(fs.unlink("/d/slow") == Error::ok);
  REQUIRE(fs.rmdir("/d") == Error::ok);
  REQUIRE(fs.unlink("/indirect.bin") == Error::ok);
  CHECK(fs.audits() - before == 15);
  CHECK(fs.mounted());
  img.check_clean();
}

TEST_CASE("EXT2-0502 a free count changed without its bitmap fails the audit", "[ext2][audit]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  FsProbe p{fs};
  SECTION("a group's count") {
    p.begin();
    --p.touch(0)->free_blocks_count;   // an allocation that set no bit
    --p.sb().free_blocks_count;
    CHECK(std::string(p.end()) == "a group's free block count moved apart from its bitmap");
  }
  SECTION("an inode count") {
    p.begin();
    ++p.touch(0)->free_inodes_count;
    ++p.sb().free_inodes_count;
    CHECK(std::string(p.end()) == "a group's free inode count moved apart from its bitmap");
  }
  SECTION("the superblock's") {
    p.begin();
    --p.sb().free_blocks_count;         // the superblock alone, no group changed
    CHECK(std::string(p.end()) == "the superblock's free block count moved apart from the groups'");
  }
  SECTION("nothing changed passes") {
    p.begin();
    (void)p.touch(0);
    CHECK(p.end() == nullptr);
  }
}

TEST_CASE("EXT2-0503 inodes: read back as written, in the bitmap as their links say, sound trees", "[ext2][audit]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  FsProbe p{fs};
  ext2::Inode f = inode_at(fs, "/direct.bin");
  p.begin();
  SECTION("an inode written into another slot reads back other than written") {
    REQUIRE(p.put(f) == Error::ok);
    p.recorded(f.ino)->d.size += 1;   // what the operation meant to write
    CHECK(std::string(p.end()) == "an inode reads back other than written");
  }
  SECTION("a block pointer to a free block") {
    f.d.block[3] = p.free_block();
    REQUIRE(p.put(f) == Error::ok);
    CHECK(std::string(p.end()) == "a block of the file not marked in the bitmap");
  }
  SECTION("a block pointer into the inode table") {
    f.d.block[0] = p.group(0)->inode_table;
    REQUIRE(p.put(f) == Error::ok);
    CHECK(std::string(p.end()) == "a block outside the data area");
  }
  SECTION("i_blocks one block off") {
    f.d.blocks += p.block_size() / 512;
    REQUIRE(p.put(f) == Error::ok);
    CHECK(std::string(p.end()) == "i_blocks not its block count");
  }
  SECTION("an inode freed with links left") {
    REQUIRE(p.put(f) == Error::ok);
    p.recorded(f.ino)->bit |= 2;
    CHECK(std::string(p.end()) == "a freed inode still in use");
  }
  SECTION("written as it was passes") {
    REQUIRE(p.put(f) == Error::ok);
    CHECK(p.end() == nullptr);
  }
}

TEST_CASE("EXT2-0504 directory blocks that do not parse and names out of place fail the audit", "[ext2][audit]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  FsProbe p{fs};
  const ext2::Inode sub = inode_at(fs, "/sub");
  uint32_t pb = 0;
  REQUIRE(fs.bmap(sub, 0, &pb) == Error::ok);
  std::vector<uint8_t> blk(p.block_size());
  REQUIRE(img.read(pb * (p.block_size() / 512), p.block_size() / 512, blk.data()) == Error::ok);
  p.begin();
  SECTION("a record length past the block") {
    blk[12 + 4] = 0xff;   // ".."'s rec_len low byte
    blk[12 + 5] = 0x7f;
    REQUIRE(p.write_dir(pb, blk.data()) == Error::ok);
    CHECK(std::string(p.end()) == "a directory entry of a bad length");
  }
  SECTION("an entry naming an inode past the last") {
    const uint32_t bad = fs.info().inodes + 1;
    memcpy(blk.data(), &bad, 4);   // "."
    REQUIRE(p.write_dir(pb, blk.data()) == Error::ok);
    CHECK(std::string(p.end()) == "a directory entry with a bad inode or name");
  }
  SECTION("a name made that is not there") {
    p.name(ext2::root_ino, "nothere", sub.ino);
    CHECK(std::string(p.end()) == "a name made is not found");
  }
  SECTION("a name removed that is still there") {
    p.name(ext2::root_ino, "sub", 0);
    CHECK(std::string(p.end()) == "a name removed is still there");
  }
  SECTION("the block as it was and names where they are pass") {
    REQUIRE(p.write_dir(pb, blk.data()) == Error::ok);
    p.name(ext2::root_ino, "sub", sub.ino);
    p.name(ext2::root_ino, "gone", 0);
    CHECK(p.end() == nullptr);
  }
}

namespace {
const char *g_failure = nullptr;
void record_failure(const char *why) { g_failure = why; }
} // namespace

TEST_CASE("EXT2-0505 a failed audit commits nothing, tells the handler and unmounts", "[ext2][audit]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  g_failure = nullptr;
  fs.set_audit_failure(record_failure);
  FsProbe p{fs};
  const uint32_t free_before = fs.info().free_blocks;
  // An operation whose body allocated a block by its counts and set no bit.
  CHECK(p.operation([&] {
    --p.touch(0)->free_blocks_count;
    --p.sb().free_blocks_count;
  }) == Error::corrupt);
  REQUIRE(g_failure);
  CHECK(std::string(g_failure) == "a group's free block count moved apart from its bitmap");
  CHECK(img.in_op == 1);   // begun, never committed: the file server's transaction is dropped
  CHECK_FALSE(fs.mounted());
  CHECK(std::string(fs.why()) == g_failure);
  uint32_t ino = 0;
  CHECK(fs.create("/new", 0644, &ino) == Error::not_mounted);
  // Nothing reached the disk: mounted again, the counts are as before and e2fsck finds it clean.
  img.in_op = 0;
  ext2::Fs again;
  REQUIRE(again.mount(img) == Error::ok);
  CHECK(again.info().free_blocks == free_before);
  img.check_clean();
}

TEST_CASE("EXT2-0506 freed blocks are free afterwards, freed inodes hold none, files map nothing past their size", "[ext2][audit]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  FsProbe p{fs};
  ext2::Inode f = inode_at(fs, "/direct.bin");   // 9000 bytes: logical blocks 0..8
  const uint32_t units = p.block_size() / 512;
  const uint32_t last = f.d.block[8];
  REQUIRE(last);
  p.begin();
  // The file cut to 8 blocks, its last one dropped from the tree.
  auto drop_last = [&] {
    f.d.block[8] = 0;
    f.d.blocks -= units;
    f.d.size = 8 * p.block_size();
    REQUIRE(p.put(f) == Error::ok);
    p.freed(last);
  };
  SECTION("a block freed but left marked in the bitmap (the counts unchanged)") {
    drop_last();
    CHECK(std::string(p.end()) == "a freed block still marked in the bitmap");
  }
  SECTION("a block freed and cleared, its counts with it, passes") {
    ext2::GroupDesc *gd = p.touch(0);
    drop_last();
    p.set_bit(gd->block_bitmap, last - p.sb().first_data_block, false);
    ++p.group(0)->free_blocks_count;
    ++p.sb().free_blocks_count;
    CHECK(p.end() == nullptr);
  }
  SECTION("an inode freed with its blocks still in its tree") {
    f.d.links_count = 0;
    f.d.dtime = 1700000000;
    REQUIRE(p.put(f) == Error::ok);
    p.recorded(f.ino)->bit |= 2;
    p.set_bit(p.group(0)->inode_bitmap, (f.ino - 1) % p.sb().inodes_per_group, false);
    CHECK(std::string(p.end()) == "a freed inode still holds blocks");
  }
  SECTION("a regular file mapping blocks past its size") {
    f.d.size = 4000;   // logical blocks 0..3 hold it; 4..8 are past it
    REQUIRE(p.put(f) == Error::ok);
    CHECK(std::string(p.end()) == "a block of the file past its size");
  }
  SECTION("past its size after an operation that failed: not this check's business") {
    f.d.size = 4000;
    REQUIRE(p.put(f) == Error::ok);
    CHECK(p.end_failed() == nullptr);
  }
}
