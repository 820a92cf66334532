// The ext2 server's significant state that is the interface's, not one program's: which client
// has which file open, the inodes of open files, the record of the last request served, the undo
// record of those tables and the metadata transaction's record. Both implementations of the file
// server (ext2 and its alternate ext2-alt, the same source built otherwise: CMakeLists.txt) hold
// it in one variable of this type in the input section .pdata.arc.iface, which libs/pmem/pdata.ld
// places after the framework's area in .parc: a swap from one to the other carries it with the
// area (docs/restarts.md, "Swap"), so the swapped-in program continues the clients' open files
// where a swap used to lose them (`bad handle`, as after a cold restart). Hot and warm restarts
// keep it like any persistent memory; a cold restart starts it afresh.
//
// What does not come over: the transaction's data (the persistent heap, the program's own), and
// libs/ext2's state (read again at mount). So a swap settles the transaction record first
// (settle_after_swap): an open transaction is dropped as a restart drops it (the disk is as before
// the request, which is replayed); a committed one that had not reached the disk whole cannot be
// written again without its data and is reported lost.
//
// Plain data and pure functions (no system calls): host-tested (unit_ext2_carried).
#pragma once
#include <ext2/ext2.hh>

#include <stddef.h>
#include <stdint.h>

namespace ext2srv {

using word = unsigned long;   // a machine word, as arc::word

constexpr word max_open = 32, max_inodes = 16;
constexpr word state_magic = 0x32545845;   // "EXT2"

struct OpenFile {
  word id;          // 0: free; (generation << 8) | (index + 1)
  word badge;       // the client that opened it
  word slot;        // its inode in the inode table
  word open_seq;    // the open request (a replayed open finds its entry)
};

struct InodeSlot {
  word refs;        // open files using it; 0: free
  ext2::Inode inode;
};

// The last request served: a replay of it is answered from here.
struct Done {
  word seq;
  word err;
  word r[2];
};

struct FsState {
  word magic;
  word generation;
  OpenFile files[max_open];
  InodeSlot inodes[max_inodes];
  Done done;
  word ops, replays;
};

// The undo record: the open-file and inode tables as they were before the request in progress
// changed them (Open, Close, Write, Truncate). A fault may write a wrong value into the tables and
// fail only a few instructions later; a restart then puts them back as they were and the replayed
// request changes them again, where it would otherwise refuse the tables and go to a cold
// restart, which loses every client's open files. `seq` is the request; 0 when none is in
// progress (cleared before the reply: a request that replied is never rolled back).
struct Undo {
  word seq;
  word generation;
  OpenFile files[max_open];
  InodeSlot inodes[max_inodes];
};

constexpr word tx_entries = 64;

struct TxEntry {
  word lba, count, offset;   // sectors and where their data is in the area
};

// The metadata transaction of the operation in progress (disk.hh); its data is in the program's
// persistent heap.
struct TxState {
  enum : word { idle = 0, open = 1, committed = 2 };
  word state;
  word seq;            // the request whose operation this is
  word applied_seq;    // the last request whose transaction reached the disk
  word n, used;
  TxEntry entry[tx_entries];
  word unflushed;       // transactions written since the last flush
  word spills, commits, redos, flushes;
};

// All of it, in one variable so that both programs lay it out alike (one object, one struct).
// `stamp` says which layout wrote it: a program whose struct differs (another version of the
// server, another program swapped in by an administrator) does not take it for its own.
struct Carried {
  word stamp;
  FsState fs;
  Undo undo;
  TxState tx;
};
constexpr word carried_version = 1;
constexpr word carried_stamp =
    0x45580000u | (carried_version << 12) | (sizeof(Carried) & 0xfff);

// The tables are self-consistent: every open file's index matches its place and names a used
// inode slot, every used slot holds a regular file or a directory, no count past what could be.
inline bool plausible(const FsState &fs) {
  if (fs.magic != state_magic || fs.generation > 0xffffff) return false;
  for (word i = 0; i < max_open; ++i) {
    const OpenFile &f = fs.files[i];
    if (!f.id) continue;
    if ((f.id & 0xff) != i + 1 || f.slot >= max_inodes || !fs.inodes[f.slot].refs) return false;
  }
  for (const InodeSlot &s : fs.inodes)
    if (s.refs > max_open || (s.refs && (s.inode.ino < 1 || !(s.inode.is_reg() || s.inode.is_dir()))))
      return false;
  return true;
}

// The tables as they were before the interrupted request (Undo). Returns its sequence number.
inline word roll_back(FsState &fs, Undo &undo) {
  const word seq = undo.seq;
  fs.generation = undo.generation;
  for (word i = 0; i < max_open; ++i) fs.files[i] = undo.files[i];
  for (word i = 0; i < max_inodes; ++i) fs.inodes[i] = undo.inodes[i];
  undo.seq = 0;
  return seq;
}

// What the carried transaction record allowed after a swap.
enum class SwapTx { none, dropped, lost };

// After a swap the transaction's data (the old program's persistent heap) is gone. An open
// transaction never reached the disk: dropped, as any restart drops it. A committed one was being
// written out: without its data it cannot be written again (writing the new heap's zeros in its
// place would destroy the metadata), so it is forgotten and reported lost. Either way the record
// is idle afterwards and keeps applied_seq (a replayed request whose transaction did reach the
// disk is answered, not done twice) and the counters.
inline SwapTx settle_after_swap(TxState &t) {
  const word was = t.state;
  t.state = TxState::idle;
  t.n = 0;
  t.used = 0;
  return was == TxState::committed ? SwapTx::lost : was == TxState::open ? SwapTx::dropped : SwapTx::none;
}

// A swapped-in program's start (ext2.cc, Initialize): the carried state is taken over when its
// stamp is this layout's and, once a request interrupted while changing the tables is rolled
// back, the tables hold up; the transaction record is then settled. Not usable: the program starts
// afresh, as a first start (the clients' handles are then unknown to it: `bad handle`).
struct SwapIn {
  bool usable;
  word rolled_back;   // the interrupted request whose table changes were undone, or 0
  SwapTx tx;
};
inline SwapIn take_over(Carried &c) {
  SwapIn r{false, 0, SwapTx::none};
  if (c.stamp != carried_stamp) return r;
  if (c.undo.seq) r.rolled_back = roll_back(c.fs, c.undo);
  if (!plausible(c.fs)) return r;
  r.tx = settle_after_swap(c.tx);
  r.usable = true;
  return r;
}

// Open files the table holds.
inline unsigned open_files(const FsState &fs) {
  unsigned n = 0;
  for (const OpenFile &f : fs.files) n += f.id != 0;
  return n;
}

} // namespace ext2srv
