// Host tests of libs/ext2's names: symbolic links (made by mke2fs -d from host symlinks and by the
// library), hard links, rename, chmod/chown/utime, names of 255 bytes and long paths. Images are
// made by Debian's mke2fs -d; after every change e2fsck -fn must find them clean and debugfs must
// read back what the library wrote (ext2_image.hh).
#include "ext2_image.hh"

#include <set>

namespace {

const std::string long_target = "sub/./././././././././././././././././././././././deeper/note";
const std::string name255(255, 'n');

// Host symlinks that mke2fs -d copies: fast (target in the inode), slow (target in a block),
// absolute, to a directory, dangling, looping, and one whose 2-byte target "x\x01" read as block
// pointers names block 0x178 (another file's data).
void links_tree(Image &img) {
  auto ln = [&](const std::string &target, const std::string &name) {
    REQUIRE(symlink(target.c_str(), (img.tree + "/" + name).c_str()) == 0);
  };
  ln("hello.txt", "fast");
  ln("/sub/deeper/note", "absolute");
  ln(long_target, "slow");
  ln("sub", "dirlink");
  ln("missing", "dangling");
  ln("loop2", "loop1");
  ln("loop1", "loop2");
  ln(std::string("x\x01", 2), "bad");
  // A chain: c0 -> c1 -> ... -> c40 -> hello.txt: c1 needs 40 links followed, c0 41.
  for (int i = 0; i < 40; ++i) ln("c" + std::to_string(i + 1), "c" + std::to_string(i));
  ln("hello.txt", "c40");
  // A 255-byte name in a directory, with names after it.
  mkdir((img.tree + "/names").c_str(), 0755);
  img.put_file("names/a", "a");
  img.put_file("names/" + name255, "longest name");
  for (int i = 0; i < 20; ++i) img.put_file("names/z" + std::to_string(i), "z");
}

ext2::Inode inode_of(ext2::Fs &fs, const char *p, bool follow = true) {
  uint32_t ino;
  INFO(p);
  REQUIRE(fs.lookup(p, &ino, follow) == Error::ok);
  ext2::Inode in;
  REQUIRE(fs.get(ino, in) == Error::ok);
  return in;
}

std::string readlink_of(ext2::Fs &fs, const char *p) {
  const ext2::Inode in = inode_of(fs, p, false);
  char buf[4096];
  uint32_t len = 0;
  REQUIRE(fs.readlink(in, buf, sizeof(buf), &len) == Error::ok);
  return std::string(buf, std::min<uint32_t>(len, sizeof(buf)));
}

ext2::Stat stat_of(ext2::Fs &fs, const char *p, bool follow = true) {
  ext2::Stat st;
  REQUIRE(fs.stat(inode_of(fs, p, follow).ino, &st) == Error::ok);
  return st;
}

// Every name in a directory, in the order readdir gives them (and that it ended with end).
std::vector<std::string> entries(ext2::Fs &fs, const char *p) {
  const ext2::Inode d = inode_of(fs, p);
  std::vector<std::string> names;
  uint64_t pos = 0, last = 0;
  ext2::DirEntry e;
  Error r;
  while ((r = fs.readdir(d, &pos, &e)) == Error::ok) {
    CHECK(pos > last);   // always moves on
    last = pos;
    names.push_back(e.name);
  }
  CHECK(r == Error::end);
  return names;
}

// A device that counts what one operation writes, as the file server's transaction would hold
// it (servers/ext2/disk.hh: at most 48 writes and 64 KiB of metadata).
class CountingImage : public Image {
public:
  using Image::Image;
  Error write(uint32_t lba, uint32_t count, const void *buf) override {
    if (in_op == 1) {
      bool seen = false;
      for (auto &[l, c] : op_writes) seen = seen || (l == lba && c == count);
      if (!seen) op_writes.push_back({lba, count});
    }
    return Image::write(lba, count, buf);
  }
  void begin() override {
    op_writes.clear();
    Image::begin();
  }
  unsigned op_bytes() const {
    unsigned n = 0;
    for (auto &w : op_writes) n += w.second * 512;
    return n;
  }
  std::vector<std::pair<uint32_t, uint32_t>> op_writes;
};

} // namespace

TEST_CASE("EXT2-0101 symlinks made by mke2fs -d are followed, never read as block pointers",
          "[ext2]") {
  Image img(8192, "-t ext2", true, links_tree);
  img.check_clean();
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  // Followed: fast, absolute, slow (a 62-byte target in a data block), to a directory.
  CHECK(read_all(fs, "/fast") == "hello, ext2\n");
  CHECK(read_all(fs, "/absolute") == "deep\n");
  CHECK(read_all(fs, "/slow") == "deep\n");
  CHECK(read_all(fs, "/dirlink/deeper/note") == "deep\n");
  CHECK(read_all(fs, "/dirlink/../fast") == "hello, ext2\n");   // .. of /sub: the root
  CHECK(inode_of(fs, "/dirlink/").is_dir());
  // lstat: the link itself.
  const ext2::Stat fast = stat_of(fs, "/fast", false);
  CHECK((fast.mode & ext2::s_ifmt) == ext2::s_iflnk);
  CHECK(fast.size == 9);
  CHECK(fast.blocks == 0);
  const ext2::Stat slow = stat_of(fs, "/slow", false);
  CHECK((slow.mode & ext2::s_ifmt) == ext2::s_iflnk);
  CHECK(slow.size == long_target.size());
  CHECK(slow.blocks == 2);
  CHECK((stat_of(fs, "/fast").mode & ext2::s_ifmt) == ext2::s_ifreg);
  // readlink: fast and slow; anything else is not a link.
  CHECK(readlink_of(fs, "/fast") == "hello.txt");
  CHECK(readlink_of(fs, "/slow") == long_target);
  CHECK(readlink_of(fs, "/bad") == std::string("x\x01", 2));
  char buf[64];
  uint32_t len;
  CHECK(fs.readlink(inode_of(fs, "/hello.txt"), buf, sizeof(buf), &len) == Error::invalid);
  // A short buffer gets a prefix and the whole length.
  REQUIRE(fs.readlink(inode_of(fs, "/slow", false), buf, 4, &len) == Error::ok);
  CHECK(len == long_target.size());
  CHECK(std::string(buf, 4) == "sub/");
  // The link's own inode cannot be read as a file: not the bytes of block 0x178, not corrupt.
  for (const char *p : {"/bad", "/fast", "/slow"}) {
    INFO(p);
    const ext2::Inode link = inode_of(fs, p, false);
    char data[1024];
    uint32_t got = 99;
    CHECK(fs.read(link, 0, data, sizeof(data), &got) == Error::invalid);
    CHECK(got == 0);
    ext2::Inode copy = link;
    uint32_t done = 99;
    CHECK(fs.write(copy, 0, "x", 1, &done) == Error::invalid);
    CHECK(fs.truncate(copy, 0) == Error::invalid);
  }
  uint32_t ino;
  CHECK(fs.lookup("/bad", &ino) == Error::not_found);   // "x\x01" is no name here
  CHECK(fs.lookup("/dangling", &ino) == Error::not_found);
  CHECK(fs.lookup("/dangling", &ino, false) == Error::ok);
  // Loops and the limit of 40.
  CHECK(fs.lookup("/loop1", &ino) == Error::loop);
  CHECK(fs.lookup("/loop1/x", &ino) == Error::loop);
  CHECK(fs.lookup("/c1", &ino) == Error::ok);
  CHECK(fs.lookup("/c0", &ino) == Error::loop);
  CHECK(fs.lookup("/fast/x", &ino) == Error::not_dir);
  // Names under a link to a directory can be made, and are in the directory.
  create_file(fs, "/dirlink/made-through-link", "via link\n");
  CHECK(img.cat("/sub/made-through-link") == "via link\n");
  // Removing links frees the link, not what it points to (and nothing that its i_block would
  // name as blocks).
  const ext2::FsInfo before = fs.info();
  REQUIRE(fs.unlink("/bad") == Error::ok);
  REQUIRE(fs.unlink("/fast") == Error::ok);
  CHECK(fs.info().free_blocks == before.free_blocks);
  REQUIRE(fs.unlink("/slow") == Error::ok);
  CHECK(fs.info().free_blocks == before.free_blocks + 1);
  CHECK(fs.info().free_inodes == before.free_inodes + 3);
  CHECK(read_all(fs, "/hello.txt") == "hello, ext2\n");
  CHECK(read_all(fs, "/sub/deeper/note") == "deep\n");
  img.check_clean();
}

TEST_CASE("EXT2-0102 symlink makes fast and slow links that e2fsck and debugfs accept",
          "[ext2]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const std::string t59 = "/sub/deeper/" + std::string(59 - 12, 'a');
  const std::string t60 = "/sub/deeper/" + std::string(60 - 12, 'b');
  const std::string t1023 = "/" + std::string(1022, 'c');
  const ext2::FsInfo start = fs.info();
  uint32_t ino;
  REQUIRE(fs.symlink("hello.txt", "/l-fast", &ino) == Error::ok);
  REQUIRE(fs.symlink(t59.c_str(), "/l-59") == Error::ok);
  REQUIRE(fs.symlink(t60.c_str(), "/l-60") == Error::ok);
  REQUIRE(fs.symlink(t1023.c_str(), "/sub/l-1023") == Error::ok);
  REQUIRE(fs.symlink("../hello.txt", "/sub/up") == Error::ok);
  CHECK(fs.symlink("x", "/l-fast") == Error::exists);
  CHECK(fs.symlink("", "/l-empty") == Error::invalid);
  CHECK(fs.symlink(std::string(1024, 'd').c_str(), "/l-1024") == Error::name_too_long);
  // Fast links take no block, slow ones one each.
  CHECK(fs.info().free_blocks == start.free_blocks - 2);
  CHECK(fs.info().free_inodes == start.free_inodes - 5);
  img.check_clean();
  CHECK(img.debugfs("stat /l-fast").find("Fast link dest: \"hello.txt\"") != std::string::npos);
  CHECK(img.debugfs("stat /l-59").find("Fast link dest: \"" + t59 + "\"") != std::string::npos);
  CHECK(img.cat("/l-60") == t60);
  CHECK(img.cat("/sub/l-1023") == t1023);
  CHECK(readlink_of(fs, "/l-59") == t59);
  CHECK(readlink_of(fs, "/l-60") == t60);
  CHECK(readlink_of(fs, "/sub/l-1023") == t1023);
  CHECK(read_all(fs, "/l-fast") == "hello, ext2\n");
  CHECK(read_all(fs, "/sub/up") == "hello, ext2\n");   // relative to the link's directory
  CHECK(fs.lookup("/l-60", &ino) == Error::not_found);
  // Gone again: everything given back.
  for (const char *p : {"/l-fast", "/l-59", "/l-60", "/sub/l-1023", "/sub/up"})
    REQUIRE(fs.unlink(p) == Error::ok);
  CHECK(fs.info().free_blocks == start.free_blocks);
  CHECK(fs.info().free_inodes == start.free_inodes);
  img.check_clean();
}

TEST_CASE("EXT2-0103 names of 255 bytes and paths over 1024 bytes", "[ext2]") {
  Image img(16384, "-t ext2 -b 4096", true, links_tree);   // 4 KiB: link targets to 4095 bytes
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  // readdir lists the 255-byte name made by mke2fs and every entry after it.
  const std::vector<std::string> names = entries(fs, "/names");
  std::set<std::string> want{".", "..", "a", name255};
  for (int i = 0; i < 20; ++i) want.insert("z" + std::to_string(i));
  CHECK(std::set<std::string>(names.begin(), names.end()) == want);
  CHECK(names.size() == want.size());
  CHECK(read_all(fs, ("/names/" + name255).c_str()) == "longest name");
  uint32_t ino;
  CHECK(fs.lookup(("/names/" + name255 + "x").c_str(), &ino) == Error::name_too_long);
  // A path of 6 directories with 250-byte names: 1,5xx bytes.
  std::string p;
  for (int i = 0; i < 6; ++i) {
    p += "/" + std::string(249, char('a' + i)) + std::to_string(i);
    REQUIRE(fs.mkdir(p.c_str(), 0755) == Error::ok);
  }
  const std::string file = p + "/" + std::string(255, 'f');
  REQUIRE(file.size() > 1024);
  create_file(fs, file.c_str(), "at the end of a long path\n");
  CHECK(read_all(fs, file.c_str()) == "at the end of a long path\n");
  REQUIRE(fs.symlink(file.c_str(), "/to-deep") == Error::ok);   // a 1,8xx-byte slow link
  CHECK(read_all(fs, "/to-deep") == "at the end of a long path\n");
  img.check_clean();
  CHECK(img.cat(file) == "at the end of a long path\n");
  CHECK(img.cat("/to-deep") == file);
  // Past the limit: a path of path_max bytes, and links that expand past it.
  std::string too_long = "/";
  while (too_long.size() < ext2::path_max) too_long += "x/";
  CHECK(fs.lookup(too_long.c_str(), &ino) == Error::name_too_long);
  CHECK(fs.create(too_long.c_str(), 0644, &ino) == Error::name_too_long);
  std::string rest;
  while (rest.size() < 2500) rest += "/.";
  REQUIRE(fs.lookup(("/to-deep/.." + rest).c_str(), &ino) != Error::ok);   // not a directory
  REQUIRE(fs.symlink((p + rest).c_str(), "/to-deep-dir") == Error::ok);
  CHECK(fs.lookup(("/to-deep-dir" + rest).c_str(), &ino) == Error::name_too_long);
  img.check_clean();
}

TEST_CASE("EXT2-0104 hard links", "[ext2]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  REQUIRE(fs.link("/hello.txt", "/sub/hello-again") == Error::ok);
  CHECK(stat_of(fs, "/hello.txt").links == 2);
  CHECK(stat_of(fs, "/sub/hello-again").ino == stat_of(fs, "/hello.txt").ino);
  CHECK(fs.link("/hello.txt", "/direct.bin") == Error::exists);
  CHECK(fs.link("/sub", "/sub2") == Error::not_permitted);
  CHECK(fs.link("/nope", "/x") == Error::not_found);
  CHECK(fs.link("/hello.txt", "/nodir/x") == Error::not_found);
  // A link to a symlink is to the link itself.
  REQUIRE(fs.symlink("hello.txt", "/sym") == Error::ok);
  REQUIRE(fs.link("/sym", "/sym2") == Error::ok);
  CHECK(stat_of(fs, "/sym", false).links == 2);
  CHECK(readlink_of(fs, "/sym2") == "hello.txt");
  img.check_clean();
  CHECK(img.cat("/sub/hello-again") == "hello, ext2\n");
  CHECK(img.debugfs("stat /hello.txt").find("Links: 2") != std::string::npos);
  // Removing one name keeps the file; removing the last frees it.
  const ext2::FsInfo before = fs.info();
  REQUIRE(fs.unlink("/hello.txt") == Error::ok);
  CHECK(fs.info().free_inodes == before.free_inodes);
  CHECK(read_all(fs, "/sub/hello-again") == "hello, ext2\n");
  CHECK(stat_of(fs, "/sub/hello-again").links == 1);
  img.check_clean();
  REQUIRE(fs.unlink("/sub/hello-again") == Error::ok);
  CHECK(fs.info().free_inodes == before.free_inodes + 1);
  img.check_clean();
}

TEST_CASE("EXT2-0105 rename: files, directories, replacing targets, refusals", "[ext2]") {
  CountingImage img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  const uint32_t hello = stat_of(fs, "/hello.txt").ino;
  // In one directory, then across directories.
  REQUIRE(fs.rename("/hello.txt", "/greeting") == Error::ok);
  uint32_t ino;
  CHECK(fs.lookup("/hello.txt", &ino) == Error::not_found);
  CHECK(stat_of(fs, "/greeting").ino == hello);
  REQUIRE(fs.rename("/greeting", "/sub/deeper/greeting") == Error::ok);
  CHECK(read_all(fs, "/sub/deeper/greeting") == "hello, ext2\n");
  CHECK(img.op_writes.size() <= 48);   // what the file server's transaction holds
  CHECK(img.op_bytes() <= 64 * 1024);
  img.check_clean();
  CHECK(img.cat("/sub/deeper/greeting") == "hello, ext2\n");
  // Over an existing file: the old one is freed, its name now the moved file's.
  const ext2::FsInfo before = fs.info();
  REQUIRE(fs.rename("/sub/deeper/greeting", "/double.bin") == Error::ok);
  CHECK(read_all(fs, "/double.bin") == "hello, ext2\n");
  CHECK(fs.info().free_inodes == before.free_inodes + 1);
  CHECK(fs.info().free_blocks > before.free_blocks + 290);   // 300,000 bytes of blocks back
  img.check_clean();
  // Over a file with another name: that name keeps it.
  REQUIRE(fs.link("/direct.bin", "/direct-too") == Error::ok);
  REQUIRE(fs.rename("/empty", "/direct.bin") == Error::ok);
  CHECK(stat_of(fs, "/direct-too").links == 1);
  CHECK(read_all(fs, "/direct-too") == pattern(9000, 1));
  CHECK(read_all(fs, "/direct.bin") == "");
  // Onto itself (or another name of itself): nothing happens.
  REQUIRE(fs.link("/direct-too", "/direct-3") == Error::ok);
  CHECK(fs.rename("/direct-too", "/direct-3") == Error::ok);
  CHECK(fs.rename("/direct-too", "/direct-too") == Error::ok);
  CHECK(stat_of(fs, "/direct-3").links == 2);
  img.check_clean();
  // Refusals, each leaving everything as it was.
  REQUIRE(fs.mkdir("/d1", 0755) == Error::ok);
  REQUIRE(fs.mkdir("/d1/inner", 0755) == Error::ok);
  REQUIRE(fs.mkdir("/d2", 0755) == Error::ok);
  create_file(fs, "/d2/f", "f");
  CHECK(fs.rename("/d1", "/direct.bin") == Error::not_dir);     // a directory over a file
  CHECK(fs.rename("/direct.bin", "/d1") == Error::is_dir);      // a file over a directory
  CHECK(fs.rename("/d1", "/d2") == Error::not_empty);           // over a full directory
  CHECK(fs.rename("/d1", "/d1/inner/d1") == Error::invalid);    // below itself
  CHECK(fs.rename("/d1", "/d1/x") == Error::invalid);
  CHECK(fs.rename("/nope", "/x") == Error::not_found);
  CHECK(fs.rename("/direct.bin", "/nodir/x") == Error::not_found);
  CHECK(fs.rename("/", "/x") == Error::invalid);
  CHECK(fs.rename("/d1/.", "/x") == Error::invalid);
  img.check_clean();
  // A directory across directories: its ".." and both parents' link counts follow.
  const uint16_t root_links = stat_of(fs, "/").links;
  const uint16_t sub_links = stat_of(fs, "/sub").links;
  REQUIRE(fs.rename("/d1", "/sub/moved") == Error::ok);
  CHECK(stat_of(fs, "/").links == root_links - 1);
  CHECK(stat_of(fs, "/sub").links == sub_links + 1);
  CHECK(stat_of(fs, "/sub/moved/..").ino == stat_of(fs, "/sub").ino);
  CHECK(stat_of(fs, "/sub/moved/inner/../..").ino == stat_of(fs, "/sub").ino);
  CHECK(img.op_writes.size() <= 48);
  img.check_clean();
  CHECK(img.debugfs("ls /sub/moved").find("inner") != std::string::npos);
  // Over an empty directory elsewhere: it is freed and the counts still add up.
  REQUIRE(fs.mkdir("/empty-dir", 0700) == Error::ok);
  const ext2::FsInfo before_dir = fs.info();
  REQUIRE(fs.rename("/sub/moved", "/empty-dir") == Error::ok);
  CHECK(fs.info().free_inodes == before_dir.free_inodes + 1);
  CHECK(stat_of(fs, "/sub").links == sub_links);
  CHECK(stat_of(fs, "/empty-dir/..").ino == ext2::root_ino);
  img.check_clean();
  // In one directory, over an empty directory.
  REQUIRE(fs.mkdir("/e2", 0700) == Error::ok);
  const uint16_t links = stat_of(fs, "/").links;
  REQUIRE(fs.rename("/empty-dir", "/e2") == Error::ok);
  CHECK(stat_of(fs, "/").links == links - 1);
  CHECK(stat_of(fs, "/e2/inner").ino != 0);
  img.check_clean();
  // Symlinks move as themselves; a target under a link to a directory works.
  REQUIRE(fs.symlink("sub", "/dirlink") == Error::ok);
  REQUIRE(fs.rename("/direct.bin", "/dirlink/renamed-through-link") == Error::ok);
  REQUIRE(fs.rename("/dirlink", "/e2/dirlink") == Error::ok);
  CHECK(readlink_of(fs, "/e2/dirlink") == "sub");
  CHECK(fs.lookup("/e2/dirlink", &ino) == Error::not_found);   // relative: now /e2/sub
  CHECK(img.cat("/sub/renamed-through-link") == "");
  img.check_clean();
}

TEST_CASE("EXT2-0106 chmod, chown, utime and the stat fields", "[ext2]") {
  Image img;
  ext2::Fs fs;
  REQUIRE(fs.mount(img) == Error::ok);
  fs.set_clock([]() -> uint32_t { return 1700000000u; });
  const uint32_t ino = stat_of(fs, "/hello.txt").ino;
  REQUIRE(fs.chmod(ino, 0640) == Error::ok);
  REQUIRE(fs.chown(ino, 70000, 123) == Error::ok);
  REQUIRE(fs.utime(ino, 1000000000u, 1200000000u) == Error::ok);
  const ext2::Stat st = stat_of(fs, "/hello.txt");
  CHECK(st.mode == (ext2::s_ifreg | 0640));
  CHECK(st.uid == 70000);
  CHECK(st.gid == 123);
  CHECK(st.atime == 1000000000u);
  CHECK(st.mtime == 1200000000u);
  CHECK(st.ctime == 1700000000u);
  CHECK(st.links == 1);
  // ~0 keeps an owner; chmod keeps the file type.
  REQUIRE(fs.chown(ino, ~0u, 77) == Error::ok);
  REQUIRE(fs.chmod(ino, 0170755) == Error::ok);
  CHECK(stat_of(fs, "/hello.txt").uid == 70000);
  CHECK(stat_of(fs, "/hello.txt").gid == 77);
  CHECK(stat_of(fs, "/hello.txt").mode == (ext2::s_ifreg | 0755));
  CHECK(fs.chmod(0, 0600) == Error::invalid);
  CHECK(fs.chmod(fs.info().inodes + 1, 0600) == Error::invalid);
  img.check_clean();
  const std::string d = img.debugfs("stat /hello.txt");
  INFO(d);
  CHECK(d.find("Mode:  0755") != std::string::npos);
  CHECK(d.find("User: 70000") != std::string::npos);
  CHECK(d.find("Group:    77") != std::string::npos);
  CHECK(d.find("mtime: 0x47868c00") != std::string::npos);   // 1,200,000,000
  CHECK(img.cat("/hello.txt") == "hello, ext2\n");
}
