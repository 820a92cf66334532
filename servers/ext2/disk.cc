// The ext2 server's disk (disk.hh): block-server client and persistent metadata transactions.
#include "disk.hh"

#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/proto/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <string.h>

namespace ext2srv {

using arc::Status;
using ext2::Error;

namespace {
struct DiskState {
  TxState tx;
  arc::Session session;   // plain data: the area's address and size, the server, the id
  arc::CapSlot block_slot;
};
ARC_PDATA DiskState g_disk = {};

// The transaction's data: the first tx_bytes of the persistent heap (zero pages on demand, kept
// across hot and warm restarts like .pdata).
char *tx_data() { return reinterpret_cast<char *>(arc::proc::pheap_base); }
} // namespace

TxState &Disk::tx() { return g_disk.tx; }

Status Disk::Connect(bool fresh) {
  if (fresh || !g_disk.block_slot) {
    g_disk = DiskState{};
    g_disk.block_slot = arc::slot_alloc();
    if (Status st = arc::name_wait(arc::block::service_name, g_disk.block_slot, 20000);
        st != Status::ok)
      return st;
  }
  blk_.bind(g_disk.block_slot);
  word max = 0;
  Status info = blk_.Info(&sectors_, &max);
  if (!fresh && (info == Status::invalid_cap || info == Status::partner_gone)) {
    // The block server was restarted cold (we are restarted with it, as a group): its endpoint
    // and our session went with it. Connect again, keeping the transaction record for Redo().
    (void)g_disk.session.End();   // the server's half is gone; this gives our pages back
    (void)arc::cap_delete(g_disk.block_slot);
    if (Status st = arc::name_wait(arc::block::service_name, g_disk.block_slot, 20000);
        st != Status::ok)
      return st;
    info = blk_.Info(&sectors_, &max);
  }
  if (info != Status::ok) return info;
  if (max < area_sectors) return Status::not_supported;
  if (!g_disk.session.active())
    if (Status st = g_disk.session.Begin(g_disk.block_slot, area_bytes); st != Status::ok)
      return st;
  return Status::ok;
}

void Disk::SetSeq(word seq) { g_disk.tx.seq = seq; }

// The block server failed a transfer. It may be the disk, or the driver gone wrong while it
// still takes every request (a fault that misprograms the controller: every read then fails,
// and this server, unable to mount, would be restarted again and again while the driver never
// is). Only its clients can tell, so we complain to the monitor (root::complain; we start after
// it in the boot configuration), once per start: its policy decides, and a restarted driver
// reprograms the controller. Only for what the block interface calls a device error
// (`cancelled`): `invalid_arg` is our own request's fault (a campaign found ext2's mutated block
// client blaming the driver for refusing its malformed request), `busy` a full queue, and a
// server that is gone (partner_gone, invalid_cap) was restarted cold: Connect() finds the new
// one. Not again after a complaint was answered; one refused because the driver is being
// restarted (busy) may be made again.
Error Disk::Failed(Status st) {
  static bool complained;   // volatile memory: once per start
  if (complained || st != Status::cancelled) return Error::io;
  const Status c = arc::complain(g_disk.block_slot, st);
  complained = c != Status::busy && c != Status::timeout;
  ::printf("[ext2] the block server failed a transfer (%s): complaint %s\n", arc::status_name(st),
           c == Status::ok ? "taken" : arc::status_name(c));
  return Error::io;
}

Error Disk::DiskRead(uint32_t lba, uint32_t count, void *buf) {
  char *out = static_cast<char *>(buf);
  while (count) {
    const uint32_t n = count < area_sectors ? count : area_sectors;
    arc::fault_step();   // an injected fault may strike between two transfers of a request
    if (Status st = blk_.Read(g_disk.session.id(), 0, lba, n); st != Status::ok) return Failed(st);
    if (!g_disk.session.Get(0, out, n * 512)) return Error::io;
    out += n * 512;
    lba += n;
    count -= n;
  }
  return Error::ok;
}

Error Disk::DiskWrite(uint32_t lba, uint32_t count, const void *buf) {
  const char *in = static_cast<const char *>(buf);
  while (count) {
    const uint32_t n = count < area_sectors ? count : area_sectors;
    arc::fault_step();
    if (!g_disk.session.Put(0, in, n * 512)) return Error::io;
    if (Status st = blk_.Write(g_disk.session.id(), 0, lba, n); st != Status::ok) return Failed(st);
    in += n * 512;
    lba += n;
    count -= n;
  }
  return Error::ok;
}

Error Disk::read(uint32_t lba, uint32_t count, void *buf) {
  if (Error e = DiskRead(lba, count, buf); e != Error::ok) return e;
  TxState &t = g_disk.tx;
  if (t.state != TxState::open) return Error::ok;
  // What this transaction wrote, in order (a later entry overrides an earlier one).
  for (word i = 0; i < t.n; ++i) {
    const TxEntry &e = t.entry[i];
    const uint32_t from = lba > e.lba ? lba : e.lba;
    const uint32_t to = lba + count < e.lba + e.count ? lba + count : e.lba + e.count;
    if (from >= to) continue;
    memcpy(static_cast<char *>(buf) + (from - lba) * 512, tx_data() + e.offset + (from - e.lba) * 512,
           (to - from) * 512);
  }
  return Error::ok;
}

Error Disk::write(uint32_t lba, uint32_t count, const void *buf) {
  TxState &t = g_disk.tx;
  if (t.state != TxState::open) return DiskWrite(lba, count, buf);
  for (word i = 0; i < t.n; ++i)
    if (t.entry[i].lba == lba && t.entry[i].count == count) {
      memcpy(tx_data() + t.entry[i].offset, buf, count * 512);
      return Error::ok;
    }
  if (t.n < tx_entries && t.used + count * 512 <= tx_bytes) {
    memcpy(tx_data() + t.used, buf, count * 512);
    t.entry[t.n] = TxEntry{lba, count, t.used};
    t.used += count * 512;
    ++t.n;   // counts from here on
    return Error::ok;
  }
  // Too big for one transaction: write what we have and go on without one.
  ++t.spills;
  if (Error e = Apply(); e != Error::ok) return e;
  t.state = TxState::idle;
  return DiskWrite(lba, count, buf);
}

Error Disk::write_data(uint32_t lba, uint32_t count, const void *buf) {
  return DiskWrite(lba, count, buf);
}

void Disk::begin() {
  TxState &t = g_disk.tx;
  t.n = 0;
  t.used = 0;
  t.state = TxState::open;
}

Error Disk::Apply() {
  TxState &t = g_disk.tx;
  for (word i = 0; i < t.n; ++i)
    if (Error e = DiskWrite(t.entry[i].lba, t.entry[i].count, tx_data() + t.entry[i].offset);
        e != Error::ok)
      return e;
  if (t.n && blk_.Flush() != Status::ok) return Error::io;
  return Error::ok;
}

Error Disk::commit() {
  TxState &t = g_disk.tx;
  if (t.state != TxState::open) return Error::ok;   // spilled: already on the disk
  t.state = TxState::committed;                     // the commit point
  const Error e = Apply();
  if (e != Error::ok) return e;                     // stays committed: a restart redoes it
  t.applied_seq = t.seq;
  t.state = TxState::idle;
  t.n = 0;
  ++t.commits;
  return Error::ok;
}

Error Disk::Redo() {
  TxState &t = g_disk.tx;
  if (t.n > tx_entries || t.used > tx_bytes) {
    t = TxState{};
    return Error::corrupt;
  }
  if (t.state == TxState::committed) {
    ++t.redos;
    if (Error e = Apply(); e != Error::ok) return e;
    t.applied_seq = t.seq;
  }
  t.state = TxState::idle;
  t.n = 0;
  return Error::ok;
}

} // namespace ext2srv
