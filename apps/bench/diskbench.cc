// diskbench: large sequential writes and reads through the file server (servers/ext2 on the
// `block` server: drivers/pata on ia32, drivers/ramdisk on ARM), in guest instructions per KiB
// (arc::arch::cycles(): instructions under -icount shift=0) and the MB/s they make at one
// instruction per nanosecond (-icount shift=0 runs the virtual clock at that rate).
//
//   server diskbench diskbench after=ext2 -- <KiB> [rounds]
//
// Writes /diskbench.dat (created, truncated) sequentially in fs::max_io pieces, straight from
// the session area, then reads it back the same way; each round is timed alone, the figure is
// the mean of the rounds after the first (which allocates the blocks; the later ones overwrite
// them in place, like a read after a write). Every read piece is checked (one word per KiB, the
// KiB's number and the round), so a fast path that returns the wrong blocks fails the run.
// Prints (boot/configs/bench-disk.cfg, tests/qemu/disk/diskbench.py, docs/benchmarks.md):
//   DISKBENCH: <KiB> KiB, <rounds> rounds
//   DISKBENCH: write <round> begin / end          (the host times them, wall clock)
//   bench <arch> disk_write_first <insns per KiB> insns
//   bench <arch> disk_write_seq <insns per KiB> insns
//   bench <arch> disk_read_seq <insns per KiB> insns
//   bench <arch> disk_write_mbps <MB/s at 1 GHz> mbps    (and disk_read_mbps)
//   DISKBENCH: done, E errors
#include <arc/arch.hh>
#include <arc/iface/fs.hh>
#include <arc/process.hh>
#include <arc/session.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

using arc::Status;
using arc::word;
using arc::arch::cycles;

namespace {

constexpr const char *path = "/diskbench.dat";
constexpr word piece = arc::fs::max_io;

arc::fs::Client g_fs;
arc::Session g_session;
unsigned g_errors;

void fill(word *area, word first_kib, word kib, word round) {
  for (word k = 0; k < kib; ++k) {
    word *w = area + k * 256;
    w[0] = first_kib + k;
    w[1] = round;
    w[255] = ~(first_kib + k);
  }
}

bool check(const word *area, word first_kib, word kib, word round) {
  for (word k = 0; k < kib; ++k) {
    const word *w = area + k * 256;
    if (w[0] != first_kib + k || w[1] != round || w[255] != ~(first_kib + k)) {
      printf("DISKBENCH: ERROR KiB %lu of round %lu reads %lu/%lu\n", first_kib + k, round, w[0],
             w[1]);
      ++g_errors;
      return false;
    }
  }
  return true;
}

// One pass over the file; the instructions it took.
unsigned long long pass(bool write, word h, word kib, word round) {
  word *area = static_cast<word *>(g_session.data());
  unsigned long long spent = 0;
  printf("DISKBENCH: %s %lu begin\n", write ? "write" : "read", round);
  for (word at = 0; at < kib * 1024; at += piece) {
    const word n = kib * 1024 - at < piece ? kib * 1024 - at : piece;
    if (write) fill(area, at / 1024, n / 1024, round);
    word done = 0;
    const unsigned long long t0 = cycles();
    const Status st = write ? g_fs.Write(h, g_session.id(), 0, at, n, &done)
                            : g_fs.Read(h, g_session.id(), 0, at, n, &done);
    spent += cycles() - t0;
    if (st != Status::ok || done != n) {
      printf("DISKBENCH: ERROR %s at %lu: %lu of %lu bytes (%s, %s)\n", write ? "write" : "read",
             at, done, n, arc::status_name(st), arc::fs::error_name(g_fs.last_error()));
      ++g_errors;
      return spent;
    }
    if (!write && !check(area, at / 1024, n / 1024, round)) return spent;
  }
  printf("DISKBENCH: %s %lu end\n", write ? "write" : "read", round);
  return spent;
}

void report(const char *what, unsigned long long insns, word kib) {
  const unsigned long long per_kib = insns / kib;
  // bytes / ns = GB/s; * 1000 = MB/s (10^6 bytes) at one instruction per nanosecond
  const unsigned long long mbps = insns ? (unsigned long long)kib * 1024 * 1000 / insns : 0;
  printf("bench %s disk_%s %llu insns\n", arc::arch::name, what, per_kib);
  if (strcmp(what, "write_first") != 0)
    printf("bench %s disk_%s_mbps %llu mbps\n", arc::arch::name, what[0] == 'w' ? "write" : "read",
           mbps);
}

} // namespace

int main(int argc, char **argv) {
  word kib = argc > 1 ? word(strtoul(argv[1], nullptr, 0)) : 4096;
  word rounds = argc > 2 ? word(strtoul(argv[2], nullptr, 0)) : 2;
  kib = kib < 16 ? 16 : kib - kib % 16;
  if (rounds < 2) rounds = 2;
  const arc::CapSlot slot = arc::slot_alloc();
  if (arc::name_wait(arc::fs::service_name, slot, 30000) != Status::ok) {
    printf("DISKBENCH: ERROR no fs server\n");
    return 1;
  }
  g_fs.bind(slot);
  if (Status st = g_session.Begin(slot, piece); st != Status::ok) {
    printf("DISKBENCH: ERROR no session (%s)\n", arc::status_name(st));
    return 1;
  }
  printf("DISKBENCH: %lu KiB, %lu rounds\n", kib, rounds);
  word h;
  if (g_fs.Open(path, arc::fs::o_create | arc::fs::o_truncate, &h) != Status::ok) {
    printf("DISKBENCH: ERROR open %s (%s)\n", path, arc::fs::error_name(g_fs.last_error()));
    return 1;
  }
  unsigned long long wr = 0, rd = 0;
  for (word r = 0; r < rounds && !g_errors; ++r) {
    const unsigned long long w = pass(true, h, kib, r);
    const unsigned long long d = pass(false, h, kib, r);
    if (r == 0) {
      report("write_first", w, kib);
      continue;
    }
    wr += w;
    rd += d;
  }
  if (!g_errors) {
    report("write_seq", wr / (rounds - 1), kib);
    report("read_seq", rd / (rounds - 1), kib);
  }
  g_fs.Close(h);
  g_session.End();
  printf("DISKBENCH: done, %u errors\n", g_errors);
  return g_errors ? 1 : 0;
}
