// Host tests of libs/ext2 on real ext2 images: each test makes an image with Debian's
// `mke2fs -t ext2 -d <tree>` in a temporary directory, works on it through the library (an image
// file as the block device), and checks after every change that `e2fsck -fn` finds the image
// clean and that `debugfs -R 'cat /path'` returns what was written.
#include "ext2_image.hh"

#include <algorithm>

TEST_CASE("EXT2-0001 mount an image made by mke2fs -d and read its files", "[ext2]") {
  Image img;
  img.check_clean();
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const ext2::FsInfo info = fs.info();
  CHECK(info.block_size == 1024);
  CHECK(info.writable);
  CHECK(fs.claims_checked());   // a sound image passes the check of blocks claimed twice
  for (auto &[name, data] : img.files) {
    INFO(name);
    CHECK(diff(read_all(fs, ("/" + name).c_str()), data) == "");
  }
  // Reads at odd offsets and past the end.
  uint32_t ino;
  REQUIRE(fs.lookup("/double.bin", &ino) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  const std::string all = pattern(300000, 3);
  char buf[5000];
  uint32_t got;
  REQUIRE(fs.read(in, 280001, buf, sizeof(buf), &got) == Error::ok);
  CHECK(got == sizeof(buf));
  CHECK(std::string(buf, got) == all.substr(280001, sizeof(buf)));
  REQUIRE(fs.read(in, 299990, buf, sizeof(buf), &got) == Error::ok);
  CHECK(got == 10);
  REQUIRE(fs.read(in, 400000, buf, sizeof(buf), &got) == Error::ok);
  CHECK(got == 0);
  CHECK(img.writes == 0);
}

TEST_CASE("EXT2-0002 lookup, readdir and stat", "[ext2]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  CHECK(list(fs, "/") == std::vector<std::string>{".", "..", "direct.bin", "double.bin",
                                                  "empty", "hello.txt", "indirect.bin",
                                                  "lost+found", "sub"});
  CHECK(list(fs, "/sub/") == std::vector<std::string>{".", "..", "deeper"});
  uint32_t ino, root;
  REQUIRE(fs.lookup("/", &root) == Error::ok);
  CHECK(root == ext2::root_ino);
  REQUIRE(fs.lookup("/sub/deeper/../../sub/./deeper/note", &ino) == Error::ok);
  ext2::Stat st;
  REQUIRE(fs.stat(ino, &st) == Error::ok);
  CHECK(st.size == 5);
  CHECK((st.mode & ext2::s_ifmt) == ext2::s_ifreg);
  CHECK(st.links == 1);
  REQUIRE(fs.lookup("/sub", &ino) == Error::ok);
  REQUIRE(fs.stat(ino, &st) == Error::ok);
  CHECK((st.mode & ext2::s_ifmt) == ext2::s_ifdir);
  CHECK(st.links == 3);
  CHECK(fs.lookup("/nope", &ino) == Error::not_found);
  CHECK(fs.lookup("/hello.txt/x", &ino) == Error::not_dir);
  CHECK(fs.lookup("relative", &ino) == Error::invalid);
  CHECK(fs.lookup(("/" + std::string(256, 'x')).c_str(), &ino) == Error::name_too_long);
}

TEST_CASE("EXT2-0003 create and write small files", "[ext2]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const ext2::FsInfo before = fs.info();
  create_file(fs, "/new.txt", "written by libs/ext2\n");
  create_file(fs, "/sub/deeper/two", pattern(3000, 7), 1000);
  uint32_t ino;
  REQUIRE(fs.create("/empty-new", 0600, &ino) == Error::ok);
  CHECK(fs.create("/new.txt", 0644, &ino) == Error::exists);
  CHECK(fs.create("/no/such/dir/x", 0644, &ino) == Error::not_found);
  CHECK(fs.create("/hello.txt/x", 0644, &ino) == Error::not_dir);
  CHECK(fs.create("/", 0644, &ino) == Error::invalid);
  CHECK(fs.create("/sub/..", 0644, &ino) == Error::invalid);
  CHECK(img.writes_outside_op == 0);
  const ext2::FsInfo after = fs.info();
  CHECK(after.free_inodes == before.free_inodes - 3);
  CHECK(after.free_blocks == before.free_blocks - 1 - 3);
  img.check_clean();
  CHECK(diff(img.cat("/new.txt"), "written by libs/ext2\n") == "");
  CHECK(diff(img.cat("/sub/deeper/two"), pattern(3000, 7)) == "");
  CHECK(diff(img.cat("/empty-new"), "") == "");
  // Mounting again sees the same.
  ext2::Fs again;
  REQUIRE(again.mount(img) == Error::ok);
  CHECK(diff(read_all(again, "/sub/deeper/two"), pattern(3000, 7)) == "");
}

TEST_CASE("EXT2-0004 large files: indirect and double-indirect blocks, holes, overwrite",
          "[ext2]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const std::string big = pattern(700000, 11);
  create_file(fs, "/big", big, 3333);   // odd pieces: partial blocks everywhere
  img.check_clean();
  CHECK(diff(img.cat("/big"), big) == "");
  // A sparse file: a little at 0, a little far out (in the double-indirect range).
  uint32_t ino;
  REQUIRE(fs.create("/sparse", 0644, &ino) == Error::ok);
  write_at(fs, "/sparse", 0, "head");
  write_at(fs, "/sparse", 2000000, "tail");
  std::string expect(2000004, 0);
  memcpy(&expect[0], "head", 4);
  memcpy(&expect[2000000], "tail", 4);
  CHECK(diff(read_all(fs, "/sparse"), expect) == "");
  img.check_clean();
  CHECK(diff(img.cat("/sparse"), expect) == "");
  // Overwrite the middle of a file made by mke2fs, across block boundaries.
  std::string d = pattern(300000, 3);
  const std::string patch = pattern(50000, 12);
  write_at(fs, "/double.bin", 123457, patch, 7000);
  d.replace(123457, patch.size(), patch);
  img.check_clean();
  CHECK(diff(img.cat("/double.bin"), d) == "");
  CHECK(diff(read_all(fs, "/double.bin"), d) == "");
  // Appending to a file made by mke2fs.
  write_at(fs, "/hello.txt", 12, "more\n");
  img.check_clean();
  CHECK(diff(img.cat("/hello.txt"), "hello, ext2\nmore\n") == "");
}

TEST_CASE("EXT2-0005 truncate: shrink into each level, zero tail, extend again", "[ext2]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const ext2::FsInfo start = fs.info();
  const std::string big = pattern(700000, 21);
  create_file(fs, "/t", big, 65536);
  uint32_t ino;
  REQUIRE(fs.lookup("/t", &ino) == Error::ok);
  for (uint64_t size : {500000ull, 280000ull, 200000ull, 12289ull, 5000ull, 0ull}) {
    INFO("size " << size);
    ext2::Inode in;
    REQUIRE(fs.get(ino, in) == Error::ok);
    REQUIRE(fs.truncate(in, size) == Error::ok);
    img.check_clean();
    CHECK(diff(img.cat("/t"), big.substr(0, size)) == "");
  }
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  CHECK(in.d.blocks == 0);
  CHECK(fs.info().free_blocks == start.free_blocks);
  // Shrink to a partial block, then write past the end: the gap reads as zeros.
  write_at(fs, "/t", 0, pattern(3000, 22));
  REQUIRE(fs.get(ino, in) == Error::ok);
  REQUIRE(fs.truncate(in, 1500) == Error::ok);
  write_at(fs, "/t", 2500, "xyz");
  std::string expect = pattern(3000, 22).substr(0, 1500) + std::string(1000, '\0') + "xyz";
  CHECK(diff(read_all(fs, "/t"), expect) == "");
  img.check_clean();
  CHECK(diff(img.cat("/t"), expect) == "");
  // Growing with truncate makes a hole.
  REQUIRE(fs.get(ino, in) == Error::ok);
  REQUIRE(fs.truncate(in, 10000) == Error::ok);
  expect.resize(10000, '\0');
  CHECK(diff(read_all(fs, "/t"), expect) == "");
  img.check_clean();
}

TEST_CASE("EXT2-0006 unlink frees blocks and inodes", "[ext2]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const ext2::FsInfo start = fs.info();
  create_file(fs, "/gone", pattern(400000, 31), 8192);
  REQUIRE(fs.unlink("/gone") == Error::ok);
  CHECK(fs.info().free_blocks == start.free_blocks);
  CHECK(fs.info().free_inodes == start.free_inodes);
  img.check_clean();
  REQUIRE(fs.unlink("/double.bin") == Error::ok);   // a file made by mke2fs
  REQUIRE(fs.unlink("/hello.txt") == Error::ok);    // the first entry after lost+found ...
  REQUIRE(fs.unlink("/empty") == Error::ok);
  uint32_t ino;
  CHECK(fs.lookup("/double.bin", &ino) == Error::not_found);
  CHECK(fs.unlink("/double.bin") == Error::not_found);
  CHECK(fs.unlink("/sub") == Error::is_dir);
  img.check_clean();
  CHECK(diff(img.cat("/direct.bin"), pattern(9000, 1)) == "");
  CHECK(img.debugfs("ls /").find("double.bin") == std::string::npos);
  // The names can be used again.
  create_file(fs, "/double.bin", "again");
  img.check_clean();
  CHECK(diff(img.cat("/double.bin"), "again") == "");
}

TEST_CASE("EXT2-0007 mkdir, many entries, rmdir", "[ext2]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  uint32_t dino;
  REQUIRE(fs.mkdir("/d", 0755, &dino) == Error::ok);
  REQUIRE(fs.mkdir("/d/e", 0755) == Error::ok);
  CHECK(fs.mkdir("/d", 0755) == Error::exists);
  ext2::Stat st;
  REQUIRE(fs.stat(dino, &st) == Error::ok);
  CHECK(st.links == 3);
  CHECK(list(fs, "/d") == std::vector<std::string>{".", "..", "e"});
  img.check_clean();
  // Enough names to need several directory blocks.
  std::vector<std::string> names{".", ".."};
  for (int i = 0; i < 120; ++i) {
    const std::string n = "file-with-a-longish-name-" + std::to_string(i);
    create_file(fs, ("/d/e/" + n).c_str(), n);
    names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  CHECK(list(fs, "/d/e") == names);
  img.check_clean();
  CHECK(diff(img.cat("/d/e/file-with-a-longish-name-77"), "file-with-a-longish-name-77") == "");
  CHECK(fs.rmdir("/d/e") == Error::not_empty);
  CHECK(fs.rmdir("/d/e/file-with-a-longish-name-3") == Error::not_dir);
  for (int i = 0; i < 120; i += 2)
    REQUIRE(fs.unlink(("/d/e/file-with-a-longish-name-" + std::to_string(i)).c_str()) == Error::ok);
  img.check_clean();
  for (int i = 1; i < 120; i += 2)
    REQUIRE(fs.unlink(("/d/e/file-with-a-longish-name-" + std::to_string(i)).c_str()) == Error::ok);
  CHECK(list(fs, "/d/e") == std::vector<std::string>{".", ".."});
  REQUIRE(fs.rmdir("/d/e") == Error::ok);
  REQUIRE(fs.stat(dino, &st) == Error::ok);
  CHECK(st.links == 2);
  img.check_clean();
  REQUIRE(fs.rmdir("/d") == Error::ok);
  REQUIRE(fs.rmdir("/sub/deeper") == Error::not_empty);
  img.check_clean();
}

TEST_CASE("EXT2-0008 4 KiB blocks and 128-byte inodes", "[ext2]") {
  Image img(16384, "-t ext2 -b 4096 -I 128");
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  CHECK(fs.info().block_size == 4096);
  for (auto &[name, data] : img.files) CHECK(diff(read_all(fs, ("/" + name).c_str()), data) == "");
  const std::string big = pattern(5000000, 41);   // double indirect with 4 KiB blocks
  create_file(fs, "/big", big, 100000);
  REQUIRE(fs.mkdir("/dir", 0700) == Error::ok);
  create_file(fs, "/dir/x", "x\n");
  img.check_clean();
  CHECK(diff(img.cat("/big"), big) == "");
  CHECK(diff(img.cat("/dir/x"), "x\n") == "");
  uint32_t ino;
  REQUIRE(fs.lookup("/big", &ino) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  REQUIRE(fs.truncate(in, 4096 * 12 + 5) == Error::ok);
  REQUIRE(fs.unlink("/indirect.bin") == Error::ok);
  img.check_clean();
  CHECK(diff(img.cat("/big"), big.substr(0, 4096 * 12 + 5)) == "");
}

TEST_CASE("EXT2-0009 running out of space leaves a clean file system", "[ext2]") {
  Image img(1024, "-t ext2", false);   // 1 MiB
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  uint32_t ino;
  REQUIRE(fs.create("/fill", 0644, &ino) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  const std::string chunk = pattern(50000, 51);
  uint64_t off = 0;
  Error e = Error::ok;
  uint32_t done = 0;
  for (int i = 0; i < 100 && e == Error::ok; ++i) {
    e = fs.write(in, off, chunk.data(), uint32_t(chunk.size()), &done);
    off += done;
  }
  CHECK(e == Error::no_space);
  CHECK(fs.info().free_blocks == 0);
  CHECK(in.size() == off);
  img.check_clean();
  // Deleting it gives everything back.
  REQUIRE(fs.unlink("/fill") == Error::ok);
  img.check_clean();
  // Inodes run out too.
  e = Error::ok;
  for (int i = 0; i < 1000 && e == Error::ok; ++i)
    e = fs.create(("/i" + std::to_string(i)).c_str(), 0644, &ino);
  CHECK(e == Error::no_space);
  img.check_clean();
}

TEST_CASE("EXT2-0010 unsupported features are refused with a reason", "[ext2]") {
  {
    Image img(8192, "-t ext4", false);
    ext2::Fs fs;
    CHECK(fs.mount(img) == Error::unsupported);
    CHECK(std::string(fs.why()) == "extent");
  }
  {
    Image img(8192, "-t ext2 -O flex_bg", false);
    ext2::Fs fs;
    CHECK(fs.mount(img) == Error::unsupported);
    CHECK(std::string(fs.why()) == "flex_bg");
  }
  {
    Image img(8192, "-t ext3", false);
    ext2::Fs fs;
    REQUIRE(fs.mount(img) == Error::ok);
    CHECK_FALSE(fs.info().writable);
    uint32_t ino;
    CHECK(fs.create("/x", 0644, &ino) == Error::read_only);
    CHECK(std::string(fs.why()).find("journal") != std::string::npos);
  }
  {
    Image img(8192, "-t ext2", false);
    // Not a file system at all.
    char zero[1024] = {};
    REQUIRE(img.write(2, 2, zero) == Error::ok);
    ext2::Fs fs;
    CHECK(fs.mount(img) == Error::corrupt);
  }
}
