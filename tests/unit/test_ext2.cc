// Host tests of libs/ext2 on real ext2 images: each test makes an image with Debian's
// `mke2fs -t ext2 -d <tree>` in a temporary directory, works on it through the library (an image
// file as the block device), and checks after every change that `e2fsck -fn` finds the image
// clean and that `debugfs -R 'cat /path'` returns what was written.
#include <ext2/ext2.hh>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

using ext2::Error;

namespace {

std::string tool(const char *name) {
  for (const char *dir : {"/usr/sbin/", "/sbin/", "/usr/bin/"}) {
    std::string p = std::string(dir) + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return name;
}

// Runs a shell command; its output (stderr too, unless the command redirects it itself).
std::string run(const std::string &cmd, int *status = nullptr) {
  std::string out;
  const bool own = cmd.find("2>") != std::string::npos;
  FILE *f = popen((own ? cmd : cmd + " 2>&1").c_str(), "r");
  REQUIRE(f);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  const int st = pclose(f);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

std::string pattern(size_t n, unsigned seed) {
  std::string s(n, 0);
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = char('a' + (x >> 16) % 26);
  }
  return s;
}

// A temporary directory with a source tree and an image made from it.
class Image : public ext2::BlockDevice {
public:
  // mkfs_args: extra mke2fs options ("-b 4096", "-I 128", "-t ext4" ...); size in KiB.
  explicit Image(unsigned size_kib = 8192, const std::string &mkfs_args = "-t ext2",
                 bool populate = true) {
    char tmpl[] = "/tmp/arc-ext2-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    dir = tmpl;
    tree = dir + "/tree";
    path = dir + "/disk.img";
    mkdir(tree.c_str(), 0755);
    if (populate) {
      put_file("hello.txt", "hello, ext2\n");
      put_file("empty", "");
      put_file("direct.bin", pattern(9000, 1));        // direct blocks only
      put_file("indirect.bin", pattern(100000, 2));    // into the indirect block (1 KiB blocks)
      put_file("double.bin", pattern(300000, 3));      // into double indirect (1 KiB blocks)
      mkdir((tree + "/sub").c_str(), 0755);
      mkdir((tree + "/sub/deeper").c_str(), 0755);
      put_file("sub/deeper/note", "deep\n");
    }
    int st;
    const std::string out = run(tool("mke2fs") + " -q -F " + mkfs_args + " -d " + tree + " " +
                                    path + " " + std::to_string(size_kib) + "k", &st);
    INFO(out);
    REQUIRE(st == 0);
    fd = open(path.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
  }
  ~Image() {
    if (fd >= 0) close(fd);
    run("rm -rf " + dir);
  }

  void put_file(const std::string &name, const std::string &data) {
    FILE *f = fopen((tree + "/" + name).c_str(), "wb");
    REQUIRE(f);
    fwrite(data.data(), 1, data.size(), f);
    fclose(f);
    files.push_back({name, data});
  }

  Error read(uint32_t lba, uint32_t count, void *buf) override {
    ++reads;
    const ssize_t n = pread(fd, buf, size_t(count) * 512, off_t(lba) * 512);
    return n == ssize_t(count) * 512 ? Error::ok : Error::io;
  }
  Error write(uint32_t lba, uint32_t count, const void *buf) override {
    ++writes;
    if (in_op != 1) ++writes_outside_op;
    const ssize_t n = pwrite(fd, buf, size_t(count) * 512, off_t(lba) * 512);
    return n == ssize_t(count) * 512 ? Error::ok : Error::io;
  }
  void begin() override { ++in_op; }
  Error commit() override {
    --in_op;
    return Error::ok;
  }

  // e2fsck -fn: the image is clean (exit 0).
  void check_clean() {
    int st;
    const std::string out = run(tool("e2fsck") + " -fn " + path, &st);
    INFO("e2fsck -fn:\n" << out);
    CHECK(st == 0);
  }
  std::string debugfs(const std::string &cmd) {
    return run(tool("debugfs") + " -R '" + cmd + "' " + path + " 2>/dev/null");
  }
  std::string cat(const std::string &p) {
    std::string out = run(tool("debugfs") + " -R 'cat " + p + "' " + path + " 2>/dev/null");
    return out;
  }

  std::string dir, tree, path;
  int fd = -1;
  unsigned reads = 0, writes = 0, writes_outside_op = 0;
  int in_op = 0;
  std::vector<std::pair<std::string, std::string>> files;
};

// Compares without printing megabytes when it fails: where they first differ, and the sizes.
std::string diff(const std::string &a, const std::string &b) {
  if (a == b) return "";
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return "sizes " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
         ", first difference at " + std::to_string(i);
}

std::string read_all(ext2::Fs &fs, const char *p) {
  uint32_t ino;
  REQUIRE(fs.lookup(p, &ino) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  std::string s(in.size(), 0);
  uint32_t got = 0;
  REQUIRE(fs.read(in, 0, s.data(), uint32_t(s.size()), &got) == Error::ok);
  REQUIRE(got == s.size());
  return s;
}

// Writes `data` at `off` of an existing file, in pieces of `chunk` bytes.
void write_at(ext2::Fs &fs, const char *p, uint64_t off, const std::string &data,
              size_t chunk = 4096) {
  uint32_t ino;
  REQUIRE(fs.lookup(p, &ino) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  for (size_t at = 0; at < data.size(); at += chunk) {
    const uint32_t n = uint32_t(std::min(chunk, data.size() - at));
    uint32_t done = 0;
    REQUIRE(fs.write(in, off + at, data.data() + at, n, &done) == Error::ok);
    REQUIRE(done == n);
  }
}

void create_file(ext2::Fs &fs, const char *p, const std::string &data, size_t chunk = 4096) {
  uint32_t ino;
  REQUIRE(fs.create(p, 0644, &ino) == Error::ok);
  write_at(fs, p, 0, data, chunk);
}

std::vector<std::string> list(ext2::Fs &fs, const char *p) {
  uint32_t ino;
  REQUIRE(fs.lookup(p, &ino) == Error::ok);
  ext2::Inode d;
  REQUIRE(fs.get(ino, d) == Error::ok);
  std::vector<std::string> names;
  uint64_t pos = 0;
  ext2::DirEntry e;
  Error r;
  while ((r = fs.readdir(d, &pos, &e)) == Error::ok) names.push_back(e.name);
  CHECK(r == Error::end);
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace

TEST_CASE("EXT2-0001 mount an image made by mke2fs -d and read its files", "[ext2]") {
  Image img;
  img.check_clean();
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const ext2::FsInfo info = fs.info();
  CHECK(info.block_size == 1024);
  CHECK(info.writable);
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
