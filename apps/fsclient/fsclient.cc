// fsclient: writes and reads files through the `fs` server (servers/ext2) for a number of rounds
// and checks that every read returns what was written.
//
//   server fsclient fsclient after=ext2 -- <rounds> [files]
//
// Each round rewrites every file /fsclient/f<i> (opened with create and truncate, written in
// pieces through a shared-memory session), reads it back whole and checks it byte for byte and
// its size with stat; every few rounds it also makes and removes a scratch file and directory.
// The last round's contents stay on the disk, for the host to check after QEMU ends
// (tests/qemu/disk/check-fsclient.py computes the same contents):
//   byte k of f<i> in round r: alphabet[(k * 7 + r * 13 + i * 31) % 36]
//   size of f<i> in round r:   1000 + (r * 7919 + i * 3571) % 30000
// It also checks the files the build put on the disk (tests/qemu/disk/tree). Prints
//   FSCLIENT: round R ok                 (every 10 rounds)
//   FSCLIENT: ERROR <what>               (each error)
//   FSCLIENT: N rounds, E errors
#include <arc/iface/fs.hh>
#include <arc/process.hh>
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
  word h, size;
  if (g_fs.Open(path, 0, &h, &size) != Status::ok) {
    error("%s %s: open", "read", path);
    return ~word(0);
  }
  if (size > max_size) size = max_size;
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
    error("%s %s: stat size %lu, wanted %lu", "stat", path, st.size, size);
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

} // namespace

int main(int argc, char **argv) {
  const unsigned rounds = argc > 1 ? unsigned(strtoul(argv[1], nullptr, 0)) : 20;
  const unsigned files = argc > 2 ? unsigned(strtoul(argv[2], nullptr, 0)) : 3;
  const arc::CapSlot slot = arc::slot_alloc();
  if (arc::name_wait(arc::fs::service_name, slot, 30000) != Status::ok) {
    printf("FSCLIENT: ERROR no fs server\n");
    return 1;
  }
  g_fs.bind(slot);
  if (Status st = g_session.Begin(slot, arc::fs::max_io); st != Status::ok) {
    printf("FSCLIENT: ERROR no session (%s)\n", arc::status_name(st));
    return 1;
  }
  printf("FSCLIENT: %u rounds over %u files\n", rounds, files);
  check_image_files();
  if (g_fs.Mkdir("/fsclient", 0755) != Status::ok &&
      g_fs.last_error() != arc::fs::Error::exists)
    error("%s %s: mkdir", "setup", "/fsclient");
  for (unsigned r = 0; r < rounds; ++r) {
    for (unsigned i = 0; i < files; ++i) {
      char path[32];
      snprintf(path, sizeof(path), "/fsclient/f%u", i);
      const word size = content(r, i, g_want);
      if (write_file(path, g_want, size)) check_file(path, g_want, size);
    }
    if (r % 5 == 4) scratch(r);
    if (r % 10 == 9) printf("FSCLIENT: round %u ok\n", r + 1);
  }
  g_session.End();
  printf("FSCLIENT: %u rounds, %u errors\n", rounds, g_errors);
  return g_errors ? 1 : 0;
}
