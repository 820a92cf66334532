// The ext2 server's disk (disk.hh): block-server client and persistent metadata transactions.
#include "disk.hh"

#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/proto/process.hh>
#include <arc/reconnect.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <string.h>

namespace ext2srv {

using arc::CapSlot;
using arc::Status;
using ext2::Error;

namespace {
// The block server may start after us (it probes its disk first) and, restarted cold, come back
// with a new endpoint: look-ups at most 100 ms apart, for up to 20 s.
constexpr arc::Backoff block_backoff{10, 100, 20000};

struct DiskState {
  arc::Session session;   // plain data: the area's address and size, the server, the id
  arc::Connection block{arc::block::service_name, 0, block_backoff};   // slot 0: not connected
};
ARC_PDATA DiskState g_disk = {};

// The transaction's data: the first tx_bytes of the persistent heap (zero pages on demand, kept
// across hot and warm restarts like .pdata).
char *tx_data() { return reinterpret_cast<char *>(arc::proc::pheap_base); }

// After the block server's cold restart: our session went with its old endpoint. A new one
// before the request is sent again (the connection calls this once it found the new server).
Status reopen_session(void *, CapSlot ep) {
  (void)g_disk.session.End();   // the server's half is gone; this gives our pages back
  return g_disk.session.Begin(ep, area_bytes);
}

// A request to the block server through the connection: a cold restart of the server is looked
// after there (a new endpoint, a new session, the request sent again). So is `cancelled`, sent
// once more: a restarted driver answers it for a request it had not recorded, and a device
// error that happens again is still one (Failed()); transfers are idempotent.
template <class Op> Status block_call(Op &&op) {
  return g_disk.block.Call([&](CapSlot ep) { return op(arc::block::Client(ep)); });
}
} // namespace

Status Disk::Connect(bool fresh) {
  if (fresh || !g_disk.block.endpoint()) {
    g_disk = DiskState{};
    const CapSlot slot = arc::slot_alloc();
    if (!slot) return Status::no_memory;
    g_disk.block = arc::Connection(arc::block::service_name, slot, block_backoff);
    if (Status st = g_disk.block.Connect(); st != Status::ok) return st;
  }
  // After a restart of ours the connection is still there; the block server may have been
  // restarted cold meanwhile (we are restarted with it, as a group): the first call finds its
  // new endpoint and opens a new session, and the transaction record stays for Redo().
  g_disk.block.OnReconnect(reopen_session, nullptr);
  word max = 0;
  if (Status st = block_call([&](arc::block::Client c) { return c.Info(&sectors_, &max); });
      st != Status::ok)
    return st;
  if (max < area_sectors) return Status::not_supported;
  if (!g_disk.session.active())
    if (Status st = g_disk.session.Begin(g_disk.block.endpoint(), area_bytes); st != Status::ok)
      return st;
  return Status::ok;
}

void Disk::SetSeq(word seq) { Disk::tx().seq = seq; }

// The block server failed a transfer. It may be the disk, or the driver gone wrong while it
// still takes every request (a fault that misprograms the controller: every read then fails,
// and this server, unable to mount, would be restarted again and again while the driver never
// is). Only its clients can tell, so we complain to the monitor (root::complain; we start after
// it in the boot configuration), once per start: its policy decides, and a restarted driver
// reprograms the controller. Only for what the block interface calls a device error
// (`cancelled`): `invalid_arg` is our own request's fault (a campaign found ext2's mutated block
// client blaming the driver for refusing its malformed request), `busy` a full queue, and a
// server that is gone (partner_gone, invalid_cap) did not come back within the connection's
// budget: said once per outage, the request fails, and the next one asks for the server again
// without waiting. Not again after a complaint was answered; one refused because the driver is
// being restarted (busy) may be made again.
Error Disk::Failed(Status st) {
  static bool complained;   // volatile memory: once per start
  if (arc::server_lost(st) && g_disk.block.FirstFailure())
    ::printf("[ext2] the block server is gone (%s): I/O errors until it is back\n",
             arc::status_name(st));
  if (complained || st != Status::cancelled) return Error::io;
  const Status c = arc::complain(g_disk.block.endpoint(), st);
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
    if (Status st = block_call([&](arc::block::Client c) {
          return c.Read(g_disk.session.id(), 0, lba, n);
        });
        st != Status::ok)
      return Failed(st);
    if (!g_disk.session.Get(0, out, n * 512)) return Error::io;
    out += n * 512;
    lba += n;
    count -= n;
  }
  return Error::ok;
}

Error Disk::DiskWrite(uint32_t lba, uint32_t count, const void *buf) {
  // The disk changes from here on (even if the write then fails part way): a checkpoint of our
  // memory taken before no longer matches it, and the pager will not restore one.
  arc::ServerCore::DeviceChanged();
  const char *in = static_cast<const char *>(buf);
  while (count) {
    const uint32_t n = count < area_sectors ? count : area_sectors;
    arc::fault_step();
    // Into the session at each try: after a reconnect it is a new one.
    bool put = true;
    const Status st = block_call([&](arc::block::Client c) {
      if (!(put = g_disk.session.Put(0, in, n * 512))) return Status::invalid_arg;
      return c.Write(g_disk.session.id(), 0, lba, n);
    });
    if (!put) return Error::io;
    if (st != Status::ok) return Failed(st);
    in += n * 512;
    lba += n;
    count -= n;
  }
  return Error::ok;
}

Error Disk::read(uint32_t lba, uint32_t count, void *buf) {
  if (Error e = DiskRead(lba, count, buf); e != Error::ok) return e;
  TxState &t = Disk::tx();
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
  TxState &t = Disk::tx();
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
  if (Error e = Apply(ext2::Commit::durable); e != Error::ok) return e;
  t.state = TxState::idle;
  return DiskWrite(lba, count, buf);
}

Error Disk::write_data(uint32_t lba, uint32_t count, const void *buf) {
  return DiskWrite(lba, count, buf);
}

void Disk::begin() {
  TxState &t = Disk::tx();
  t.n = 0;
  t.used = 0;
  t.state = TxState::open;
}

namespace {
// The transaction's entries by ascending LBA, in order[0 .. t.n). False when two of them overlap:
// then the later one must win, and they are written one by one in the order they were made.
bool by_lba(const TxState &t, word *order) {
  for (word i = 0; i < t.n; ++i) {
    word k = i;
    for (; k && t.entry[order[k - 1]].lba > t.entry[i].lba; --k) order[k] = order[k - 1];
    order[k] = i;
  }
  for (word i = 1; i < t.n; ++i) {
    const TxEntry &a = t.entry[order[i - 1]], &b = t.entry[order[i]];
    if (a.lba + a.count > b.lba) return false;
  }
  return true;
}
} // namespace

// Entries order[0 .. k) that follow each other on the disk, in one request (k > 1: at most
// area_sectors together; one entry may be longer and goes in pieces).
Error Disk::WriteRun(const word *order, word k) {
  const TxState &t = Disk::tx();
  const TxEntry &first = t.entry[order[0]];
  if (k == 1) return DiskWrite(first.lba, first.count, tx_data() + first.offset);
  word sectors = 0;
  for (word i = 0; i < k; ++i) sectors += t.entry[order[i]].count;
  arc::fault_step();
  bool put = true;
  const Status st = block_call([&](arc::block::Client c) {
    word at = 0;   // into the session at each try, as DiskWrite does
    for (word i = 0; i < k && put; ++i) {
      const TxEntry &e = t.entry[order[i]];
      put = g_disk.session.Put(at, tx_data() + e.offset, e.count * 512);
      at += e.count * 512;
    }
    if (!put) return Status::invalid_arg;
    return c.Write(g_disk.session.id(), 0, first.lba, sectors);
  });
  if (!put) return Error::io;
  if (st != Status::ok) return Failed(st);
  return Error::ok;
}

// Writes the transaction out: sorted, a request per run of adjacent blocks (the superblock and
// the first descriptor block are one, for instance), then the flush when it is due.
Error Disk::Apply(ext2::Commit how) {
  TxState &t = Disk::tx();
  if (!t.n) return Error::ok;
  word order[tx_entries];
  const bool runs = by_lba(t, order);
  if (!runs)
    for (word i = 0; i < t.n; ++i) order[i] = i;
  for (word i = 0; i < t.n;) {
    word k = 1, sectors = t.entry[order[i]].count;
    while (runs && i + k < t.n) {
      const TxEntry &a = t.entry[order[i + k - 1]], &b = t.entry[order[i + k]];
      if (a.lba + a.count != b.lba || sectors + b.count > area_sectors) break;
      sectors += b.count;
      ++k;
    }
    if (Error e = WriteRun(order + i, k); e != Error::ok) return e;
    i += k;
  }
  // The flush makes this and every transaction before it stable. One that freed something is
  // flushed before it is answered, so that what it released is free on stable storage before a
  // later operation can reuse it (and write another file's data into a freed block).
  if (how == ext2::Commit::durable || ++t.unflushed >= max_unflushed) {
    if (block_call([](arc::block::Client c) { return c.Flush(); }) != Status::ok)
      return Error::io;
    t.unflushed = 0;
    ++t.flushes;
  }
  return Error::ok;
}

Error Disk::commit(ext2::Commit how) {
  TxState &t = Disk::tx();
  if (t.state != TxState::open) return Error::ok;   // spilled: already on the disk
  if (bool (*check)() = check_) {
    check_ = nullptr;
    if ((op_ok_ || !check_if_ok_) && !check())
      arc::panic("post-condition failed before commit (request %lu)", t.seq);
  }
  t.state = TxState::committed;                     // the commit point
  const Error e = Apply(how);
  if (e != Error::ok) return e;                     // stays committed: a restart redoes it
  t.applied_seq = t.seq;
  t.state = TxState::idle;
  t.n = 0;
  ++t.commits;
  return Error::ok;
}

Error Disk::Redo() {
  TxState &t = Disk::tx();
  bool sound = t.n <= tx_entries && t.used <= tx_bytes;
  for (word i = 0; sound && i < t.n; ++i)   // Apply() sorts and copies by these
    sound = t.entry[i].count && t.entry[i].count <= tx_bytes / 512 &&
            t.entry[i].offset <= t.used && t.entry[i].count * 512 <= t.used - t.entry[i].offset;
  if (!sound) {
    t = TxState{};
    return Error::corrupt;
  }
  if (t.state == TxState::committed) {
    ++t.redos;
    if (Error e = Apply(ext2::Commit::durable); e != Error::ok) return e;
    t.applied_seq = t.seq;
  }
  t.state = TxState::idle;
  t.n = 0;
  return Error::ok;
}

} // namespace ext2srv
