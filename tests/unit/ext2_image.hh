// Host tests of libs/ext2: the image helpers (an image made by Debian's mke2fs -d in a temporary
// directory as the block device, e2fsck -fn, debugfs), shared by the ext2 test files that include
// it. Each includer gets its own copy (everything is in an anonymous namespace).
#pragma once
#include <ext2/ext2.hh>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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
                 bool populate = true, void (*extra)(Image &) = nullptr) {
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
    if (extra) extra(*this);
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
    if (lba <= 2 && lba + count > 2) ++superblock_reads;
    const ssize_t n = pread(fd, buf, size_t(count) * 512, off_t(lba) * 512);
    return n == ssize_t(count) * 512 ? Error::ok : Error::io;
  }
  Error write(uint32_t lba, uint32_t count, const void *buf) override {
    ++writes;
    if (count > 8) ++long_writes;
    if (in_op != 1) ++writes_outside_op;
    const ssize_t n = pwrite(fd, buf, size_t(count) * 512, off_t(lba) * 512);
    return n == ssize_t(count) * 512 ? Error::ok : Error::io;
  }
  void begin() override { ++in_op; }
  Error commit(ext2::Commit how) override {
    --in_op;
    if (how == ext2::Commit::durable) ++durable_commits;
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
  unsigned reads = 0, writes = 0, writes_outside_op = 0, superblock_reads = 0;
  unsigned long_writes = 0;   // of more than 8 sectors (more than a block of up to 4 KiB)
  int in_op = 0;
  unsigned durable_commits = 0;   // operations that asked for a flush (ext2::Commit)
  std::vector<std::pair<std::string, std::string>> files;
};

// Compares without printing megabytes when it fails: where they first differ, and the sizes.
[[maybe_unused]] std::string diff(const std::string &a, const std::string &b) {
  if (a == b) return "";
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return "sizes " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
         ", first difference at " + std::to_string(i);
}

[[maybe_unused]] std::string read_all(ext2::Fs &fs, const char *p) {
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

[[maybe_unused]] void create_file(ext2::Fs &fs, const char *p, const std::string &data, size_t chunk = 4096) {
  uint32_t ino;
  REQUIRE(fs.create(p, 0644, &ino) == Error::ok);
  write_at(fs, p, 0, data, chunk);
}

[[maybe_unused]] std::vector<std::string> list(ext2::Fs &fs, const char *p) {
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
