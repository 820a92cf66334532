// fsclient: writes and reads files through the `fs` server (servers/ext2) for a number of rounds
// and checks that every read returns what was written.
//
//   server fsclient fsclient after=ext2 -- <rounds> [files] [fill|crash-renames]
//
// Before the rounds it works the names once under /names (names()): symlinks (fast, slow, one
// whose target "x\x01" must not reach another file's data, a loop), a 255-byte name listed by
// readdir with the entries after it, a path of over 1,024 bytes, a hard link, rename (in a
// directory, over a file, a directory across directories), chmod/chown/utime; with `fill`, it
// then fills the disk and checks that the count a failing write reports is what the file holds.
// check-fsclient.py finds the names' results on the disk. With `crash-renames` it then renames a
// file back and forth while ext2 is crashed at each step of the rename in turn (rename_crashes()).
//
// Each round rewrites every file /fsclient/f<i> (opened with create and truncate, written in
// pieces through a shared-memory session), reads it back whole and checks it byte for byte and
// its size with stat; every few rounds it also makes and removes a scratch file and directory.
// The last round's contents stay on the disk, for the host to check after QEMU ends
// (tests/qemu/disk/check-fsclient.py computes the same contents):
//   byte k of f<i> in round r: alphabet[(k * 7 + r * 13 + i * 31) % 36]
//   size of f<i> in round r:   1000 + (r * 7919 + i * 3571) % 30000
// It also checks the files the build put on the disk (tests/qemu/disk/tree).
//
// The work is done in phases (the image's files, the names, the large file, each round), each of
// which can be done again from its start (redo()): one that met a wrong answer complains about
// ext2 to the monitor, which restarts it, and is done once more; only errors of the second
// attempt count. Prints
//   FSCLIENT: round R ok                 (every 10 rounds)
//   FSCLIENT: ERROR <what>               (each error, also those of a first attempt)
//   FSCLIENT: <phase>: N wrong answers, complained about ext2 (<status>), doing it again
//   FSCLIENT: P phases done again after a complaint about ext2   (when P > 0)
//   FSCLIENT: N rounds, E errors
#include <arc/iface/fs.hh>
#include <arc/process.hh>
#include <arc/message.hh>
#include <arc/reconnect.hh>
#include <arc/server.hh>
#include <arc/session.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

using arc::Status;
using arc::word;

namespace {

constexpr const char *alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr word max_size = 31000;
constexpr word piece = 7000;   // odd pieces: writes cross block boundaries

arc::fs::Client g_fs;
arc::Session g_session;
unsigned g_errors;
unsigned g_complaints, g_redone;   // phases done again after a complaint (redo())
char g_want[max_size], g_got[max_size];

void error(const char *fmt, const char *what, const char *path, word a = 0, word b = 0) {
  ++g_errors;
  printf("FSCLIENT: ERROR ");
  printf(fmt, what, path, a, b);
  printf(" (%s)\n", arc::fs::error_name(g_fs.last_error()));
}

word content(unsigned round, unsigned file, char *out) {
  const word size = 1000 + (round * 7919u + file * 3571u) % 30000u;
  for (word k = 0; k < size; ++k) out[k] = alphabet[(k * 7 + round * 13 + file * 31) % 36];
  return size;
}

bool write_file(const char *path, const char *data, word size) {
  word h;
  if (g_fs.Open(path, arc::fs::o_create | arc::fs::o_truncate, &h) != Status::ok) {
    error("%s %s: open", "write", path);
    return false;
  }
  bool ok = true;
  for (word at = 0; ok && at < size; at += piece) {
    const word n = size - at < piece ? size - at : piece;
    word done = 0;
    g_session.Put(0, data + at, n);
    if (g_fs.Write(h, g_session.id(), 0, at, n, &done) != Status::ok || done != n) {
      error("%s %s: wrote %lu of %lu bytes", "write", path, done, n);
      ok = false;
    }
  }
  if (g_fs.Close(h) != Status::ok) {
    error("%s %s: close", "write", path);
    ok = false;
  }
  return ok;
}

// Reads the whole file into g_got; returns its size (~0 on error).
word read_file(const char *path) {
  word h;
  uint64_t size64;
  if (g_fs.Open(path, 0, &h, &size64) != Status::ok) {
    error("%s %s: open", "read", path);
    return ~word(0);
  }
  const word size = size64 > max_size ? word(max_size) : word(size64);
  word at = 0;
  while (at < size) {
    const word n = size - at < arc::fs::max_io ? size - at : arc::fs::max_io;
    word got = 0;
    if (g_fs.Read(h, g_session.id(), 0, at, n, &got) != Status::ok || got != n) {
      error("%s %s: got %lu bytes at %lu", "read", path, got, at);
      break;
    }
    g_session.Get(0, g_got + at, got);
    at += got;
  }
  g_fs.Close(h);
  return at;
}

// ---- names: links, long names and paths, rename, attributes ---------------------------------
void check_file(const char *path, const char *want, word size);
const char link_data[] = "the target of the links\n";
// 61 bytes: a slow link (its target in a data block)
const char slow_target[] = "/names/././././././././././././././././././././././././target";

bool expect_error(Status st, arc::fs::Error want, const char *what, const char *path) {
  if (st == Status::not_supported && g_fs.last_error() == want) return true;
  error("%s %s: not the error expected", what, path);
  return false;
}

word stat_ino(const char *path, bool follow = true, arc::fs::StatInfo *out = nullptr) {
  arc::fs::StatInfo st{};
  if ((follow ? g_fs.Stat(path, &st) : g_fs.Lstat(path, &st)) != Status::ok) {
    error("%s %s: stat", "names", path);
    return 0;
  }
  if (out) *out = st;
  return st.ino;
}

// Offsets and sizes past 4 GiB (the interface's 64-bit fields): a sparse file written at 5 GiB +
// 1000, read back there, its size from stat and open, cut to 4 GiB + 7, then gone. The disk needs
// only the few blocks written (and their indirect blocks).
void large() {
  const char *path = "/names/large";
  constexpr uint64_t at = (5ull << 30) + 1000, cut = (4ull << 30) + 7;
  constexpr word n = 4096;
  word h = 0, got = 0;
  uint64_t size = ~0ull;
  for (word k = 0; k < n; ++k) g_want[k] = alphabet[(k * 11) % 36];
  if (g_fs.Open(path, arc::fs::o_create | arc::fs::o_truncate, &h) != Status::ok)
    return error("%s %s: open", "large", path);
  if (!g_session.Put(0, g_want, n) || g_fs.Write(h, g_session.id(), 0, at, n, &got) != Status::ok ||
      got != n)
    error("%s %s: write at 5 GiB + 1000: %lu bytes", "large", path, got);
  got = 0;
  if (g_fs.Read(h, g_session.id(), 0, at, n, &got) != Status::ok || got != n ||
      !g_session.Get(0, g_got, n) || memcmp(g_got, g_want, n))
    error("%s %s: read back at 5 GiB + 1000: %lu bytes, or not what was written", "large", path, got);
  g_fs.Close(h);
  arc::fs::StatInfo st{};
  if (g_fs.Stat(path, &st) != Status::ok || st.size != at + n)
    error("%s %s: stat size is not 5 GiB + 5096 (low word %lu)", "large", path, word(st.size));
  if (g_fs.Open(path, 0, &h, &size) != Status::ok || size != at + n)
    error("%s %s: open size is not 5 GiB + 5096 (low word %lu)", "large", path, word(size));
  if (g_fs.Truncate(h, cut) != Status::ok) error("%s %s: truncate to 4 GiB + 7", "large", path);
  got = 1;
  if (g_fs.Read(h, g_session.id(), 0, cut, n, &got) != Status::ok || got != 0)
    error("%s %s: read at the new end gave %lu bytes", "large", path, got);
  g_fs.Close(h);
  if (g_fs.Stat(path, &st) != Status::ok || st.size != cut)
    error("%s %s: stat size after truncate is not 4 GiB + 7 (low word %lu)", "large", path, word(st.size));
  if (g_fs.Unlink(path) != Status::ok) error("%s %s: unlink", "large", path);
  printf("FSCLIENT: large ok: 4096 bytes at 5 GiB + 1000 and back, size %llu, cut to %llu\n",
         (unsigned long long)(at + n), (unsigned long long)cut);
}

void names() {
  char name[300], path[1400], buf[300];
  word len = 0;
  if (g_fs.Mkdir("/names", 0755) != Status::ok) return error("%s %s: mkdir", "names", "/names");
  write_file("/names/target", link_data, sizeof(link_data) - 1);
  // Symlinks: followed by open and stat; lstat and readlink see the link.
  if (g_fs.Symlink("target", "/names/fast") != Status::ok ||
      g_fs.Symlink(slow_target, "/names/slow") != Status::ok ||
      g_fs.Symlink("x\x01", "/names/bad") != Status::ok ||
      g_fs.Symlink("loop", "/names/loop") != Status::ok)
    error("%s %s: symlink", "names", "/names/...");
  check_file("/names/fast", link_data, sizeof(link_data) - 1);
  check_file("/names/slow", link_data, sizeof(link_data) - 1);
  arc::fs::StatInfo st{};
  stat_ino("/names/slow", false, &st);
  if ((st.mode & 0xf000) != 0xa000 || st.size != sizeof(slow_target) - 1)
    error("%s %s: lstat mode %lo size %llu", "names", "/names/slow", st.mode, (unsigned long long)st.size);
  if (g_fs.Readlink("/names/slow", buf, sizeof(buf), &len) != Status::ok ||
      len != sizeof(slow_target) - 1 || strcmp(buf, slow_target))
    error("%s %s: readlink (%lu bytes)", "names", "/names/slow", len);
  word h;
  expect_error(g_fs.Open("/names/bad", 0, &h), arc::fs::Error::not_found, "open", "/names/bad");
  expect_error(g_fs.Open("/names/loop", 0, &h), arc::fs::Error::loop, "open", "/names/loop");
  // A 255-byte name, and readdir lists it and everything after it.
  strcpy(name, "/names/");
  memset(name + 7, 'n', 255);
  name[7 + 255] = 0;
  write_file(name, "255\n", 4);
  check_file(name, "255\n", 4);
  for (int i = 0; i < 5; ++i) {
    snprintf(buf, sizeof(buf), "/names/z%d", i);
    write_file(buf, "z", 1);
  }
  unsigned seen = 0, longest = 0;
  word pos = 0;
  arc::fs::DirEntry e;
  if (g_fs.Open("/names", 0, &h) == Status::ok) {
    while (g_fs.Readdir(h, &pos, &e) == Status::ok) {
      ++seen;
      if (strlen(e.name) > longest) longest = unsigned(strlen(e.name));
    }
    if (g_fs.last_error() != arc::fs::Error::end) error("%s %s: readdir", "names", "/names");
    g_fs.Close(h);
  }
  // . .. target fast slow bad loop nnn... z0..z4
  if (seen != 13 || longest != 255)
    error("%s %s: readdir found %lu entries, the longest %lu bytes", "names", "/names", seen,
          longest);
  // A path of over 1,024 bytes: 5 directories with 200-byte names, a 255-byte file name.
  strcpy(path, "/names");
  for (int d = 0; d < 5; ++d) {
    const size_t at = strlen(path);
    path[at] = '/';
    memset(path + at + 1, char('a' + d), 200);
    path[at + 201] = 0;
    if (g_fs.Mkdir(path, 0755) != Status::ok) return error("%s %s: mkdir", "names", "long path");
  }
  strcat(path, name + 6);   // "/nnn..."
  write_file(path, "deep\n", 5);
  check_file(path, "deep\n", 5);
  if (strlen(path) <= 1024) error("%s %s: only %lu bytes", "names", "long path", strlen(path));
  // Hard links and rename.
  const word target = stat_ino("/names/target");
  if (g_fs.Link("/names/target", "/names/hard") != Status::ok)
    error("%s %s: link", "names", "/names/hard");
  write_file("/names/victim", "to be replaced\n", 15);
  if (g_fs.Rename("/names/hard", "/names/renamed") != Status::ok ||
      g_fs.Rename("/names/renamed", "/names/victim") != Status::ok)
    error("%s %s: rename", "names", "/names/victim");
  stat_ino("/names/victim", true, &st);
  if (st.ino != target || st.links != 2)
    error("%s %s: inode %lu with %lu links after rename", "names", "/names/victim", st.ino,
          st.links);
  if (g_fs.Mkdir("/names/d1", 0755) != Status::ok || g_fs.Mkdir("/names/d2", 0755) != Status::ok ||
      g_fs.Rename("/names/d1", "/names/d2/moved") != Status::ok)
    error("%s %s: rename a directory", "names", "/names/d2/moved");
  if (stat_ino("/names/d2/moved/..") != stat_ino("/names/d2"))
    error("%s %s: .. not the new parent", "names", "/names/d2/moved");
  expect_error(g_fs.Rename("/names/d2", "/names/d2/moved/x"), arc::fs::Error::invalid, "rename",
               "into itself");
  // Attributes.
  if (g_fs.Chmod("/names/target", 0600) != Status::ok ||
      g_fs.Chown("/names/target", 1000, 100) != Status::ok ||
      g_fs.Utime("/names/target", 1000000000, 1200000000) != Status::ok)
    error("%s %s: chmod/chown/utime", "names", "/names/target");
  stat_ino("/names/fast", true, &st);
  if ((st.mode & 07777) != 0600 || st.uid != 1000 || st.gid != 100 || st.atime != 1000000000 ||
      st.mtime != 1200000000)
    error("%s %s: stat after chmod/chown/utime", "names", "/names/target");
  printf("FSCLIENT: names ok: symlinks, a 255-byte name, a %lu-byte path, link, rename\n",
         word(strlen(path)));
}

// Fills the disk: every write's count, also the one that fails part-way, adds up to the size.
void fill() {
  constexpr word piece = 16000;   // not a multiple of the block size
  word h, total = 0, last = 0;
  static char data[piece];
  memset(data, 'f', sizeof(data));
  if (g_fs.Open("/names/fill", arc::fs::o_create | arc::fs::o_truncate, &h) != Status::ok)
    return error("%s %s: open", "fill", "/names/fill");
  g_session.Put(0, data, piece);
  Status st = Status::ok;
  while (st == Status::ok && total < 64 * 1024 * 1024) {
    st = g_fs.Write(h, g_session.id(), 0, total, piece, &last);
    total += last;
  }
  g_fs.Close(h);
  if (g_fs.last_error() != arc::fs::Error::none && g_fs.last_error() != arc::fs::Error::no_space)
    error("%s %s: write", "fill", "/names/fill");
  arc::fs::StatInfo info{};
  g_fs.Stat("/names/fill", &info);
  printf("FSCLIENT: disk full: %lu bytes written, the last write %lu of %lu, the file %llu\n",
         total, last, piece, (unsigned long long)info.size);
  if (info.size != total)
    error("%s %s: size %llu, reported %lu", "fill", "/names/fill", (unsigned long long)info.size, total);
  if (g_fs.Unlink("/names/fill") != Status::ok) error("%s %s: unlink", "fill", "/names/fill");
}

void check_file(const char *path, const char *want, word size) {
  const word got = read_file(path);
  if (got == ~word(0)) return;
  if (got != size || memcmp(g_got, want, size) != 0) {
    word at = 0;
    while (at < size && at < got && g_got[at] == want[at]) ++at;
    error("%s %s: read back differs (size %lu, first difference at %lu)", "check", path, got, at);
  }
  arc::fs::StatInfo st{};
  if (g_fs.Stat(path, &st) != Status::ok || st.size != size)
    error("%s %s: stat size %llu, wanted %lu", "stat", path, (unsigned long long)st.size, size);
}

void scratch(unsigned round) {
  char dir[64], file[64];
  snprintf(dir, sizeof(dir), "/fsclient/tmp%u", round);
  snprintf(file, sizeof(file), "%s/x", dir);
  if (g_fs.Mkdir(dir, 0755) != Status::ok) return error("%s %s: mkdir", "scratch", dir);
  if (!write_file(file, "scratch\n", 8)) return;
  check_file(file, "scratch\n", 8);
  if (g_fs.Rmdir(dir) == Status::ok || g_fs.last_error() != arc::fs::Error::not_empty)
    error("%s %s: rmdir of a full directory", "scratch", dir);
  if (g_fs.Unlink(file) != Status::ok) error("%s %s: unlink", "scratch", file);
  if (g_fs.Rmdir(dir) != Status::ok) error("%s %s: rmdir", "scratch", dir);
  arc::fs::StatInfo st;
  if (g_fs.Stat(file, &st) == Status::ok || g_fs.last_error() != arc::fs::Error::not_found)
    error("%s %s: still there after unlink", "scratch", file);
}

// The files the build put on the disk image (tests/qemu/disk/tree).
void check_image_files() {
  const char hello[] = "Hello from the Arc build: this file was put on the disk by mke2fs -d.\n";
  check_file("/hello.txt", hello, sizeof(hello) - 1);
  word h, pos = 0;
  if (g_fs.Open("/", 0, &h) != Status::ok) return error("%s %s: open", "readdir", "/");
  arc::fs::DirEntry e;
  bool seen_hello = false, seen_lost = false;
  while (g_fs.Readdir(h, &pos, &e) == Status::ok) {
    seen_hello = seen_hello || !strcmp(e.name, "hello.txt");
    seen_lost = seen_lost || !strcmp(e.name, "lost+found");
  }
  if (g_fs.last_error() != arc::fs::Error::end || !seen_hello || !seen_lost)
    error("%s %s: entries missing", "readdir", "/");
  g_fs.Close(h);
}


// Removes what a failed attempt at a phase may have left under `path` (a directory): its entries
// one at a time, the first that is not . or .. each time (removing while reading on would depend
// on how the server lays out positions), then the directory itself. Errors are ignored: this is
// tidying before doing the phase again, whose own checks judge the result. Bounded, so a server
// that keeps answering the same entry cannot hold us here.
void remove_tree(char *path, unsigned depth = 0) {
  const size_t len = strlen(path);
  for (unsigned n = 0; n < 64; ++n) {
    word h, pos = 0;
    if (g_fs.Open(path, 0, &h) != Status::ok) break;
    arc::fs::DirEntry e;
    bool found = false;
    for (unsigned k = 0; k < 64 && g_fs.Readdir(h, &pos, &e) == Status::ok; ++k)
      if (strcmp(e.name, ".") && strcmp(e.name, "..")) {
        found = true;
        break;
      }
    g_fs.Close(h);
    if (!found || len + 1 + strlen(e.name) >= arc::fs::max_path) break;
    path[len] = '/';
    strcpy(path + len + 1, e.name);
    arc::fs::StatInfo st{};
    if (g_fs.Lstat(path, &st) == Status::ok && (st.mode & 0xf000) == 0x4000 && depth < 8)
      remove_tree(path, depth + 1);
    else
      g_fs.Unlink(path);
    const bool stays = g_fs.Lstat(path, &st) == Status::ok;
    path[len] = 0;
    if (stays) break;   // it cannot be removed: the phase's own checks will say so
  }
  g_fs.Rmdir(path);
}

// A phase of the work that can be done again from its start (`tidy` first removes what a failed
// attempt left). fsclient checks every answer against what it asked for; a phase that found an
// error has met a server that answered wrongly without failing (a fault that changes what ext2
// computes, not whether it runs: docs/fault-injection.md). Only the server can be at fault — the
// requests were checked here — so the client complains to the monitor (arc::complain, taken
// because the boot line starts fsclient after ext2), which restarts ext2 by its policy, and does
// the phase again, in a new session, as long as it meets wrong answers. The errors of the
// attempts before are printed as they happen; only those of the last count in the summary. At most max_complaints in a run: a bug
// that every restart brings back (one in the program) is left to the policy and reported, not
// retried for ever. Twelve, as the printer client's (arc/iface/printer.hh): such a bug answers
// wrongly after every hot and warm restart, and a ladder of four of each (the campaigns' policy)
// reaches its swap rung, another implementation, only at the ninth complaint; six stopped short
// of it.
constexpr unsigned max_complaints = 12;

template <class Body, class Tidy> void redo(const char *what, Body body, Tidy tidy) {
  const unsigned before = g_errors;
  body();
  // Again after each complaint while the phase still meets wrong answers: a bug in the program
  // answers so after every hot and warm restart, and only the complaints that follow take the
  // ladder to its swap rung, whose other implementation then does the phase right.
  while (g_errors != before && g_complaints < max_complaints) {
    ++g_complaints;
    const Status c = arc::complain(g_fs.endpoint(), Status::not_supported);
    printf("FSCLIENT: %s: %u wrong answers, complained about ext2 (%s), doing it again\n", what,
           g_errors - before, arc::status_name(c));
    g_errors = before;
    ++g_redone;
    // The session is renewed too: the server's record of it (in its persistent memory, kept by
    // a hot restart) may be what went wrong — a campaign found every later write refused.
    g_session.End();
    if (Status st = g_session.Begin(g_fs.endpoint(), arc::fs::max_io); st != Status::ok)
      printf("FSCLIENT: ERROR no new session (%s)\n", arc::status_name(st));
    tidy();
    body();
  }
}
template <class Body> void redo(const char *what, Body body) {
  redo(what, body, [] {});
}
} // namespace

// ---- a crash at every step of a rename -----------------------------------------------------
// ext2 calls arc::fault_step() before each of its disk transfers. Crashing it at step 0, 1, 2 ...
// of a rename in turn (the monitor restarts it hot and the framework replays the rename) must
// leave the rename done exactly once: the new name with the file's contents, the old one gone,
// whether the crash came before the transaction committed (dropped, redone on the unchanged
// disk) or while it was being written out (redone from persistent memory). It stops at the
// first step the rename does not reach (then disarms the fault). Prints
//   FSCLIENT: rename crashed at step S, done once
//   FSCLIENT: renames: crashed at N steps
word restarts_of_fs() {
  arc::Rpc rpc(arc::server_label::info);
  return rpc.call(g_fs.endpoint()) == Status::ok ? rpc.result(1) : ~word(0);
}

void rename_crashes() {
  static const char data[] = "renamed under crashes\n";
  const word size = sizeof(data) - 1;
  const char *names[2] = {"/fsclient/ren-a", "/fsclient/ren-b"};
  if (!write_file(names[0], data, size)) return;
  word step = 0;
  const char *where = names[0];
  for (; step < 40; ++step) {   // ext2 reads the directories before and after (its checks)
    const char *from = names[step % 2], *to = names[(step + 1) % 2];
    where = to;
    const word before = restarts_of_fs();
    if (arc::inject_fault("ext2", arc::server_label::inject_crash, step,
                          arc::server_label::inject_at_step) != Status::ok) {
      error("%s %s: cannot arm a crash", "renames", from);
      return;
    }
    if (g_fs.Rename(from, to) != Status::ok) error("%s %s: rename", "renames", from);
    const bool crashed = restarts_of_fs() != before;
    arc::fs::StatInfo st{};
    if (g_fs.Stat(from, &st) == Status::ok) error("%s %s: the old name is still there", "renames", from);
    check_file(to, data, size);
    if (!crashed) break;
    printf("FSCLIENT: rename crashed at step %lu, done once\n", step);
  }
  (void)arc::inject_fault("ext2", 0, 0);   // disarm what the last rename did not reach
  printf("FSCLIENT: renames: crashed at %lu steps\n", step);
  if (g_fs.Unlink(where) != Status::ok) error("%s %s: unlink", "renames", where);
}

int main(int argc, char **argv) {
  const unsigned rounds = argc > 1 ? unsigned(strtoul(argv[1], nullptr, 0)) : 20;
  const unsigned files = argc > 2 ? unsigned(strtoul(argv[2], nullptr, 0)) : 3;
  // The file server through a connection (arc/reconnect.hh): looked up with a bounded back-off
  // (a server starting may take a while: the disk first), and when it never comes (a mount the
  // server refused: it fails, its policy restarts it, then stops it) one clear error.
  static arc::Connection con(arc::fs::service_name, arc::slot_alloc(),
                             arc::Backoff{10, 1000, 20000});
  if (Status st = con.Connect(); st != Status::ok) {
    if (con.FirstFailure())
      printf("FSCLIENT: ERROR no fs server (%s): no file system to work on\n",
             arc::status_name(st));
    return 1;
  }
  const arc::CapSlot slot = con.endpoint();
  const bool fill_disk = argc > 3 && !strcmp(argv[3], "fill");
  const bool crash_renames = argc > 3 && !strcmp(argv[3], "crash-renames");
  g_fs.bind(slot);
  if (Status st = g_session.Begin(slot, arc::fs::max_io); st != Status::ok) {
    printf("FSCLIENT: ERROR no session (%s)\n", arc::status_name(st));
    return 1;
  }
  g_fs.use_session(&g_session);   // long paths, long names, link targets
  printf("FSCLIENT: %u rounds over %u files\n", rounds, files);
  redo("image files", check_image_files);
  redo("names", names, [] {
    static char tree[arc::fs::max_path] = "/names";
    remove_tree(tree);
  });
  redo("large", large, [] { g_fs.Unlink("/names/large"); });
  if (fill_disk) fill();
  redo("setup", [] {
    if (g_fs.Mkdir("/fsclient", 0755) != Status::ok &&
        g_fs.last_error() != arc::fs::Error::exists)
      error("%s %s: mkdir", "setup", "/fsclient");
  });
  if (crash_renames) rename_crashes();
  for (unsigned r = 0; r < rounds; ++r) {
    char what[32];
    snprintf(what, sizeof(what), "round %u", r + 1);
    redo(what, [&] {
      for (unsigned i = 0; i < files; ++i) {
        char path[32];
        snprintf(path, sizeof(path), "/fsclient/f%u", i);
        const word size = content(r, i, g_want);
        if (write_file(path, g_want, size)) check_file(path, g_want, size);
      }
      if (r % 5 == 4) scratch(r);
    }, [&] {
      char path[64];
      snprintf(path, sizeof(path), "/fsclient/tmp%u/x", r);
      g_fs.Unlink(path);
      path[strlen(path) - 2] = 0;
      g_fs.Rmdir(path);
    });
    if (r % 10 == 9) printf("FSCLIENT: round %u ok\n", r + 1);
  }
  g_session.End();
  if (g_redone)
    printf("FSCLIENT: %u phases done again after a complaint about ext2\n", g_redone);
  printf("FSCLIENT: %u rounds, %u errors\n", rounds, g_errors);
  return g_errors ? 1 : 0;
}
