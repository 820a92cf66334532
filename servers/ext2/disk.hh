// The ext2 server's disk: libs/ext2's BlockDevice over the `block` server, with each file-system
// operation's metadata writes gathered into a transaction in persistent memory.
//
// Between begin() and commit() metadata writes (bitmaps, inodes, directories, indirect blocks,
// superblock, group descriptors) are kept in the transaction and read back from it; file contents
// go straight to the disk (write_data: idempotent, and a new block is still free on disk until the
// transaction that allocates it commits). commit() marks the transaction committed, then writes
// it out — its blocks sorted, each run of adjacent ones in one request — and flushes the disk's
// write cache, or, for an operation that only added to a file (ext2::Commit::deferred), leaves
// the flush to a later commit, at most max_unflushed of them later. After a restart, Redo()
// writes a committed transaction again (idempotent) and drops an uncommitted one — the disk is
// then as before the operation, which the replayed request carries out again. A transaction that
// does not fit is written through (not atomic, counted in spills).
#pragma once
#include "carried.hh"

#include <arc/iface/block.hh>
#include <arc/session.hh>
#include <ext2/ext2.hh>

namespace ext2srv {

constexpr word tx_bytes = 256 * 1024;         // data area in the persistent heap (8 KiB blocks)
constexpr word area_bytes = 32 * 1024;        // the session with the block server
constexpr word area_sectors = area_bytes / 512;
// Transactions written without a flush of the disk's cache before one is made anyway. The flush
// is what a transaction costs most on PATA (docs/benchmarks.md, "The disk path"); this bounds
// what a power failure can take of the writes that were answered (a server restart loses
// nothing: the transaction is in persistent memory). 1: every transaction flushed.
constexpr word max_unflushed = 64;

// The transaction's record (TxState, carried.hh) is part of the state a swap carries (Carried,
// ext2.cc): Disk::tx() names it there. Its data is in the persistent heap.

class Disk : public ext2::BlockDevice {
public:
  // Connect: find "block", open the session (both kept in persistent memory across restarts;
  // the connection, arc::Connection, finds the server again after its cold restart). `fresh`
  // makes a new connection and session; the transaction record is left alone (the first start
  // clears it, a swap settles it: carried.hh).
  arc::Status Connect(bool fresh);
  word sectors() const { return sectors_; }

  // The request the next transaction belongs to.
  void SetSeq(word seq);
  // A post-condition of the request in progress (ext2.cc), run once just before its transaction
  // commits, while the disk is still as it was before the request (for its metadata): false
  // panics the server, the restart drops the transaction and the request is replayed.
  // Not significant (volatile): set by the handler before it calls the library, cleared by
  // commit() and by SetCheck(nullptr). `if_ok`: only when the operation reports success
  // (outcome(); a name not made because the disk is full is no violation).
  void SetCheck(bool (*check)(), bool if_ok = false) {
    check_ = check;
    check_if_ok_ = if_ok;
    op_ok_ = true;
  }
  // After a restart: finish a committed transaction, forget an open one.
  ext2::Error Redo();
  static TxState &tx();   // defined with the carried state (ext2.cc)

  ext2::Error read(uint32_t lba, uint32_t count, void *buf) override;
  ext2::Error write(uint32_t lba, uint32_t count, const void *buf) override;
  ext2::Error write_data(uint32_t lba, uint32_t count, const void *buf) override;
  void begin() override;
  void outcome(ext2::Error e) override { op_ok_ = e == ext2::Error::ok; }
  ext2::Error commit(ext2::Commit how) override;

private:
  ext2::Error DiskRead(uint32_t lba, uint32_t count, void *buf);
  ext2::Error Failed(arc::Status st);   // a transfer the block server failed: complain, once
  ext2::Error DiskWrite(uint32_t lba, uint32_t count, const void *buf);
  ext2::Error WriteRun(const word *order, word k);
  ext2::Error Apply(ext2::Commit how);
  word sectors_ = 0;
  bool (*check_)() = nullptr;
  bool check_if_ok_ = false, op_ok_ = true;
};

} // namespace ext2srv
