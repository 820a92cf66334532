// pata: the master disk on the PC's primary ATA channel (ports 0x1f0-0x1f7, 0x3f6, IRQ 14), PIO
// with interrupts, as the `block` server (libs/arcserver/include/arc/iface/block.hh).
//
// Boot configuration:   server pata pata ports=0x1f0-0x1f7,0x3f6 irq=14
//
// Commands (ATA-6): IDENTIFY DEVICE 0xEC and SET MULTIPLE MODE 0xC6 at start and after every
// reset (polled), READ MULTIPLE 0xC4 and WRITE MULTIPLE 0xC5 (28-bit LBA, up to 128 sectors per
// request, one interrupt per DRQ block of up to `multiple` sectors: 16 on QEMU's PIIX disk, as
// IDENTIFY word 47 says), FLUSH CACHE 0xE7. A disk without multiple mode (word 47 zero, or SET
// MULTIPLE MODE refused) gets READ SECTORS 0x20 and WRITE SECTORS 0x30, one sector per
// interrupt. The data port is read and written 32 bits at a time (the PIIX splits each access
// in two for the drive): half the I/O instructions of 16-bit transfers.
//
// A request is queued and its reply deferred; the disk is driven from the interrupt handler, one
// DRQ block per interrupt, straight between the data port and the client's session area.
//
// Three programs are built from this file (drivers/pata/CMakeLists.txt), implementations of the
// same interface that a swap can replace one another with (docs/restarts.md, "Swap"):
//   pata       interrupt-driven, as above;
//   pata-poll  (PATA_POLL) polled: the device's interrupt stays masked (nIEN), and each request
//              is carried out within its handler by polling the status register;
//   pata-bug   (PATA_DEFECT) pata with a defect in its interrupt handler: every 64th interrupt
//              after a start it writes through a stale pointer, so a restart of the same code
//              fails again the same way (the persistent bug a swap is for).
//
// Recovery (STYLE 13): what cannot be rebuilt is persistent — the queue of requests with their
// saved reply rights and their progress, the clients' sessions (the framework's table), the disk's
// geometry as IDENTIFY told it. After a hot or warm restart Recover() resets the channel and starts
// the request the disk was working on again from its first sector: reads and writes of whole
// sectors are idempotent, so the client gets exactly the reply it was waiting for.
//
// Checks of our own (docs/fault-injection.md: the mutations no crash revealed): a refusal is
// made only when a second admission of the request, from the framework's record, refuses it
// too (Refuse); a job must say what its request asked, as the reply right's record keeps it,
// before its command goes (CheckJob); the task file is read back before each command
// (CheckTaskFile). A failed check is a panic: the restart serves the request again.
#include <arc/iface/block.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <pc/io.hh>

#include <stdio.h>

using namespace arc;

namespace {

constexpr word base = 0x1f0, control = 0x3f6;
enum Reg : word { data = 0, error = 1, count = 2, lba0 = 3, lba1 = 4, lba2 = 5, drive = 6,
                  status = 7, command = 7 };
constexpr uint8_t st_err = 0x01, st_drq = 0x08, st_df = 0x20, st_bsy = 0x80;
constexpr uint8_t cmd_read = 0x20, cmd_write = 0x30, cmd_flush = 0xe7, cmd_identify = 0xec,
                  cmd_read_multiple = 0xc4, cmd_write_multiple = 0xc5, cmd_set_multiple = 0xc6;
constexpr uint8_t ctl_nien = 0x02, ctl_srst = 0x04;
#ifdef PATA_POLL
constexpr bool polled = true;
#else
constexpr bool polled = false;
#endif
// The device control register's value while running: interrupts on, or masked when polled.
constexpr uint8_t ctl_run = polled ? ctl_nien : 0;

void insl(word port, void *dst, word n) {
  asm volatile("cld; rep insl" : "+D"(dst), "+c"(n) : "d"(port) : "memory");
}
void outsl(word port, const void *src, word n) {
  asm volatile("cld; rep outsl" : "+S"(src), "+c"(n) : "d"(port) : "memory");
}
constexpr word sector_longs = block::sector_size / 4;

// One request: queued, or the one the disk works on (queue[0] while `busy`).
struct Job {
  word seq;          // the framework's request number (a replayed request finds itself queued)
  word op;           // block::read / write / flush
  word badge, session, offset, lba, count;
  word done;         // sectors finished
  Deferred reply;
};

constexpr word queue_size = 8;
constexpr word state_magic = 0x41544150;   // "PATA"

// ---- the significant state, all persistent ---------------------------------------------------
struct PataState {
  word magic;
  word sectors;              // from IDENTIFY
  word max_multiple;         // IDENTIFY word 47: most sectors per DRQ block (0: no multiple mode)
  word multiple;             // sectors per DRQ block set by SET MULTIPLE MODE (1: single sectors)
  char model[41];
  Job queue[queue_size];
  word queued;
  word busy;                 // the disk is working on queue[0]
  CapSlot irq_slot;
  word reads, writes, flushes, irqs, errors, redone;
  word named;                // the name was published at start (CheckReady)
};
ARC_PDATA PataState g_pata = {};
// Which clients the root task said may use the disk (persistent: a replay need not ask again).
ARC_PDATA ClientAccess g_access = {};

uint8_t Status_() { return pc::inb(base + status); }

// Waits until BSY clears; returns the status (BSY still set after the bound: a dead channel).
uint8_t WaitIdle() {
  uint8_t s = Status_();
  for (unsigned spin = 0; (s & st_bsy) && spin < 1000000; ++spin) s = Status_();
  return s;
}

} // namespace

class Pata : public ArcServer<Pata> {
public:
  Pata() : ArcServer("pata") {}

  // A start that says ok has a disk ready, and published: otherwise nobody would ever be
  // served while we take every heartbeat (a campaign found forced branches after the port and
  // interrupt set-up that answered ok having done nothing, and a name taken one byte off:
  // 'lock'; the file server waited for `block` and was restarted again and again, never this
  // driver). The name is looked for among those the framework published, by the interface's
  // constant, not the pointer Bringup() passed. Checked outside Bringup(), where
  // those branches are: a start that lies is a panic, and the restart starts over.
  Status Initialize() {
    const Status st = Bringup();
    if (st == Status::ok) CheckReady();
    return st;
  }
  __attribute__((noinline)) static void CheckReady() {
    if (g_pata.magic != state_magic || g_pata.sectors == 0 || g_pata.irq_slot == 0 ||
        !g_pata.named || !arc::published(block::service_name))
      arc::panic("start answered ok without a disk ready (%lu sectors, irq slot %lu, %s)",
                 g_pata.sectors, word(g_pata.irq_slot), g_pata.named ? "published" : "unpublished");
  }

  Status Bringup() {
    g_pata = PataState{};
    if (Status st = Ports(); st != Status::ok) return st;
    // A loaded host can leave the emulated channel busy longer than the spin bounds: try again
    // a few times before concluding there is no disk.
    bool found = false;
    for (int attempt = 0; attempt < 40 && !found; ++attempt) {
      if (attempt) sleep_ms(50);
      Reset();
      found = Identify();
    }
    if (!found) {
      ::printf("[pata] no ATA disk on the primary channel\n");
      return Status::invalid_arg;
    }
    SetMultiple();
    if (Status st = AttachIrq(); st != Status::ok) return st;
    g_pata.magic = state_magic;
    g_pata.named = RegisterName(block::service_name) == Status::ok;
    if (polled)
      ::printf("[pata] primary master: %lu sectors (%lu KiB), '%s', polled, %lu sectors per "
               "block: ready\n", g_pata.sectors, g_pata.sectors / 2, g_pata.model, g_pata.multiple);
    else
      ::printf("[pata] primary master: %lu sectors (%lu KiB), '%s', irq %lu, %lu sectors per "
               "interrupt: ready\n",
               g_pata.sectors, g_pata.sectors / 2, g_pata.model, IrqLine(), g_pata.multiple);
    return Status::ok;
  }

  // Back at a checkpoint (docs/restarts.md, "Checkpoint and restore"): taken between transfers,
  // so its queue is empty, but the disk may be in the middle of the command the failure left
  // (its task file no longer what the next command writes): reset it, as a recovery does. The
  // framework then re-issues the interrupted request and the deferred ones.
  void Restored() {
    Reset();
    SetMultiple();
    g_pata.busy = 0;
    ::printf("[pata] restored: the channel reset, %lu sectors per interrupt\n", g_pata.multiple);
  }

  Recovery Recover() {
    if (g_pata.magic != state_magic || g_pata.queued > queue_size || g_pata.sectors == 0 ||
        (g_pata.busy && !g_pata.queued) || g_pata.max_multiple > 128)
      return Recovery::cold;
    for (word i = 0; i < g_pata.queued; ++i) {
      Job &j = g_pata.queue[i];
      if (j.done > j.count || !j.reply.pending()) return Recovery::cold;
      // A job that no longer says what its request asked (CheckJob's panic, perhaps) is made
      // again from the request's words its reply right keeps, from its first sector.
      if (!Matches(j)) {
        ::printf("[pata] request %lu made again from its reply's record\n", j.seq);
        FromReply(j);
      }
    }
    if (Ports() != Status::ok || AttachIrq() != Status::ok) return Recovery::cold;
    Reset();
    SetMultiple();   // a reset may have turned multiple mode off
    RegisterName(block::service_name);
    ::printf("[pata] recovered: %lu requests queued%s\n", g_pata.queued,
             g_pata.busy ? ", redoing the one in progress" : "");
    g_pata.busy = 0;
    if (g_pata.queued) {
      g_pata.queue[0].done = 0;   // from its first sector again
      ++g_pata.redone;
      Start();
      Poll();
    }
    return Recovery::resume;
  }

  static constexpr auto Handlers() {
    return block::handlers<Pata> + handler_table<Pata>({{label::irq, 0, 1, &Pata::Irq, "irq"}});
  }

  // ---- block interface ------------------------------------------------------------------------
  // Only the processes configured to use the disk (after=pata: the file server) may: any other
  // could read or overwrite every file (found by the hostile client, docs/fuzzing.md).
  Status Info(const Request &req, Reply &rep) {
    if (Status st = g_access.Check(req.badge, "pata"); st != Status::ok)
      return Refuse(req, block::info, st, "access");
    rep.put(g_pata.sectors);
    rep.put(block::sector_size);
    rep.put(block::max_sectors);
    return Status::ok;
  }
  Status Read(const Request &req, Reply &rep) { return Allowed(req, rep, block::read); }
  Status Write(const Request &req, Reply &rep) { return Allowed(req, rep, block::write); }
  Status Flush(const Request &req, Reply &rep) { return Allowed(req, rep, block::flush); }
  Status Allowed(const Request &req, Reply &rep, word op) {
    if (Status st = g_access.Check(req.badge, "pata"); st != Status::ok)
      return Refuse(req, op, st, "access");
    return Queue(req, rep, op);
  }

  // ---- the interrupt: one sector done (or the command) ----------------------------------------
  Status Irq(const Request &req, Reply &) {
    ++g_pata.irqs;
    const uint8_t s = Status_();   // also clears the device's interrupt
    // Polled, the interrupt is masked: one that was pending when an interrupt-driven program
    // was swapped for this one is acknowledged and nothing more.
    if (!polled && !req.replayed && g_pata.busy && g_pata.queued) Step(s);
    irq_ctl(IrqOp::ack, g_pata.irq_slot);
    return Status::ok;
  }

private:
  static word IrqLine() {
    const proc::Resource *r = find_resource(proc::Resource::irq);
    return r ? r->first : 0;
  }

  Status Ports() {
    const proc::Resource *cmd = find_ports(base, 8), *ctl = find_ports(control, 1);
    if (!cmd || !ctl) {
      ::printf("[pata] needs ports 0x1f0-0x1f7 and 0x3f6 (ports=0x1f0-0x1f7,0x3f6)\n");
      return Status::invalid_cap;
    }
    if (Status st = ioport(IoOp::enable, cmd->slot); st != Status::ok) return st;
    if (ctl->slot != cmd->slot)
      if (Status st = ioport(IoOp::enable, ctl->slot); st != Status::ok) return st;
    return Status::ok;
  }

  Status AttachIrq() {
    const proc::Resource *irq = find_resource(proc::Resource::irq);
    if (!irq) {
      ::printf("[pata] needs an IRQ (irq=14)\n");
      return Status::invalid_cap;
    }
    g_pata.irq_slot = irq->slot;
    // attached, acknowledged and recorded: a checkpoint carries it
    return ServerCore::AttachIrq(irq->slot);
  }

  // Software reset of the channel; interrupts on (nIEN clear) afterwards.
  static void Reset() {
    pc::outb(control, ctl_srst | ctl_nien);
    for (int i = 0; i < 1000; ++i) pc::inb(control);   // > 5 us
    pc::outb(control, ctl_nien);
    for (int i = 0; i < 1000; ++i) pc::inb(control);
    WaitIdle();
    pc::outb(base + drive, 0xe0);
    WaitIdle();
    pc::outb(control, ctl_run);
  }

  // IDENTIFY DEVICE, polled with the interrupt masked at the device.
  static bool Identify() {
    pc::outb(control, ctl_nien);
    pc::outb(base + drive, 0xa0);
    WaitIdle();
    pc::outb(base + command, cmd_identify);
    if (Status_() == 0) return false;   // no device
    uint8_t s = WaitIdle();
    for (unsigned spin = 0; !(s & (st_drq | st_err)) && spin < 1000000; ++spin) s = Status_();
    if ((s & st_err) || !(s & st_drq)) return false;
    uint16_t id[256];
    insl(base + data, id, sector_longs);
    pc::outb(control, ctl_run);
    if (!(id[49] & 0x200)) return false;   // no LBA
    g_pata.sectors = word(id[60]) | (word(id[61]) << 16);
    g_pata.max_multiple = id[47] & 0xff;
    for (unsigned i = 0; i < 20; ++i) {
      g_pata.model[2 * i] = char(id[27 + i] >> 8);
      g_pata.model[2 * i + 1] = char(id[27 + i] & 0xff);
    }
    int n = 40;
    while (n > 0 && (g_pata.model[n - 1] == ' ' || !g_pata.model[n - 1])) --n;
    g_pata.model[n] = 0;
    return g_pata.sectors != 0;
  }

  // SET MULTIPLE MODE to the most the disk allows (a power of two up to 128, the ATA rule),
  // polled with the interrupt masked; single sectors when it has none or refuses.
  static void SetMultiple() {
    g_pata.multiple = 1;
    word n = 1;
    while (n * 2 <= g_pata.max_multiple && n * 2 <= block::max_sectors) n *= 2;
    if (n < 2) return;
    pc::outb(control, ctl_nien);
    pc::outb(base + drive, 0xe0);
    WaitIdle();
    pc::outb(base + count, uint8_t(n));
    pc::outb(base + command, cmd_set_multiple);
    const uint8_t s = WaitIdle();
    pc::outb(control, ctl_run);
    if (!(s & (st_err | st_df | st_bsy))) g_pata.multiple = n;
  }

  // Sectors of the DRQ block that starts at j.done.
  static word BlockAt(const Job &j) {
    const word left = j.count - j.done;
    return left < g_pata.multiple ? left : g_pata.multiple;
  }

  // A refusal is the one answer of ours no restart follows, and the client cannot tell a request
  // of its own gone wrong from a check of ours gone wrong (docs/fault-injection.md: mutations of
  // these checks, of the argument loads before them and of the access check refused every valid
  // request of ext2, which gave up its mount while this driver looked healthy). So before we
  // refuse, the request is admitted once more from scratch, in code of its own, from the
  // framework's record of it (its badge and words as received) and our state read anew. If that
  // admits it, the check that refused it is what went wrong: a panic, and the restart replays
  // the request. A request both admissions refuse is refused.
  __attribute__((noinline)) Status Refuse(const Request &req, word, Status st, const char *check) {
    const Status again = Admit(req);
    if (again != Status::ok) return st;
    arc::panic("refused a valid request (%s check, label %#lx, status %s)", check,
               req.label, arc::status_name(st));
  }
  // ok when the request would be taken; else the refusal. From the record when req is the
  // request in flight (a request re-issued after a swap has only its own copy). The operation
  // too comes from there, not from the caller (a campaign found it taken from a wrong register).
  __attribute__((noinline)) Status Admit(const Request &req) {
    const InFlight &f = in_flight();
    const bool recorded = f.state == InFlight::serving && req.mr == f.mr;
    const word *mr = recorded ? f.mr : req.mr;
    const word badge = recorded ? f.badge : req.badge;
    const word untyped = recorded ? Tag(f.mr[0]).untyped() : req.untyped;
    const word op = Tag(mr[0]).label();
    if (op != block::info && op != block::read && op != block::write && op != block::flush)
      return Status::invalid_arg;
    if (Status st = g_access.Check(badge, "pata"); st != Status::ok) return st;
    if (op == block::info || op == block::flush) return g_pata.queued < queue_size || op == block::info
                                                     ? Status::ok : Status::busy;
    if (untyped < 4) return Status::invalid_arg;
    const word id = mr[1], offset = mr[2], lba = mr[3], count = mr[4];
    const SessionEntry *s = sessions().Find(badge, id);
    if (Status st = block::admit(s ? s->bytes : 0, offset, lba, count, g_pata.sectors);
        st != Status::ok)
      return st;
    if (g_pata.queued >= queue_size) return Status::busy;
    return Status::ok;
  }

  Status Queue(const Request &req, Reply &rep, word op) {
    // A request replayed after a restart may already be queued (its reply right saved).
    if (req.replayed)
      for (word i = 0; i < g_pata.queued; ++i)
        if (g_pata.queue[i].seq == req.seq && g_pata.queue[i].badge == req.badge) {
          rep.defer();
          return Status::ok;
        }
    Job j{};
    j.seq = req.seq;
    j.op = op;
    j.badge = req.badge;
    if (op != block::flush) {
      j.session = req.arg(1);
      j.offset = req.arg(2);
      j.lba = req.arg(3);
      j.count = req.arg(4);
      SessionEntry *s = sessions().Find(req.badge, j.session);
      if (!s || j.count < 1 || j.count > block::max_sectors || j.offset > s->bytes ||
          j.count * block::sector_size > s->bytes - j.offset || (j.offset & 1))
        return Refuse(req, op, Status::invalid_arg, "session area");
      if (j.lba >= g_pata.sectors || j.count > g_pata.sectors - j.lba)
        return Refuse(req, op, Status::invalid_arg, "disk end");
    }
    if (g_pata.queued >= queue_size) return Refuse(req, op, Status::busy, "queue full");
    if (Status st = Defer(req, rep, j.reply); st != Status::ok) return st;
    g_pata.queue[g_pata.queued] = j;
    ++g_pata.queued;   // the commit point: from here on the request is ours to finish
    if (!g_pata.busy) Start();
    Poll();
    return Status::ok;
  }

  // Polled: carry the queue out now, each step when the status register shows the disk done
  // with the last (what the interrupt says otherwise). A disk that never gets there fails the
  // request (cancelled) rather than hold the driver for ever.
  void Poll() {
    if (!polled) return;
    unsigned idle = 0;
    while (g_pata.busy && g_pata.queued) {
      const Job &j = g_pata.queue[0];
      const word queued = g_pata.queued, done = j.done;
      const uint8_t s = WaitIdle();
      if (!(s & st_bsy)) Step(s);
      if (g_pata.queued != queued || g_pata.queue[0].done != done) {
        idle = 0;
      } else if (++idle > 100000) {
        ::printf("[pata] polled request at sector %lu made no progress: status %#x\n",
                 j.lba + j.done, s);
        ++g_pata.errors;
        g_pata.busy = 0;
        Finish(Status::cancelled);
        Start();
        idle = 0;
      }
    }
  }

  // Whether a job says what its request asked: the operation, the client, and its words as the
  // framework kept them with the reply right (Defer()). A job taken from the wrong register in
  // Queue() transfers the wrong sectors, or none, and answers ok; found by fault injection.
  static bool Matches(const Job &j) {
    const Deferred &d = j.reply;
    if (j.op != d.label || j.badge != d.badge) return false;
    if (j.op == block::flush) return true;
    return j.session == d.arg[0] && j.offset == d.arg[1] && j.lba == d.arg[2] &&
           j.count == d.arg[3];
  }
  static void FromReply(Job &j) {
    const Deferred &d = j.reply;
    j.op = d.label;
    j.badge = d.badge;
    j.session = j.op == block::flush ? 0 : d.arg[0];
    j.offset = j.op == block::flush ? 0 : d.arg[1];
    j.lba = j.op == block::flush ? 0 : d.arg[2];
    j.count = j.op == block::flush ? 0 : d.arg[3];
    j.done = 0;
  }
  // Before a job's command goes: a job that does not match its request is our fault (the restart
  // makes it again: Recover()).
  __attribute__((noinline)) static void CheckJob() {
    const Job &j = g_pata.queue[0];
    if (!Matches(j))
      arc::panic("request %lu queued as op %#lx sector %lu count %lu at %lu, not as asked", j.seq,
                 j.op, j.lba, j.count, j.offset);
  }

  // Issue queue[0]'s command for its remaining sectors.
  void Start() {
    while (g_pata.queued) {
      CheckJob();
      Job &j = g_pata.queue[0];
      if (WaitIdle() & st_bsy) {
        Finish(Status::cancelled);
        continue;
      }
      if (j.op == block::flush) {
        pc::outb(base + drive, 0xe0);
        pc::outb(base + command, cmd_flush);
        ++g_pata.flushes;
        g_pata.busy = 1;
        return;
      }
      const word lba = j.lba + j.done, n = j.count - j.done;
      pc::outb(base + drive, uint8_t(0xe0 | ((lba >> 24) & 0x0f)));
      pc::outb(base + count, uint8_t(n));   // 1..128
      pc::outb(base + lba0, uint8_t(lba));
      pc::outb(base + lba1, uint8_t(lba >> 8));
      pc::outb(base + lba2, uint8_t(lba >> 16));
      CheckTaskFile();
      g_pata.busy = 1;
      const bool multiple = g_pata.multiple > 1;
      if (j.op == block::read) {
        pc::outb(base + command, multiple ? cmd_read_multiple : cmd_read);
        ++g_pata.reads;
        return;
      }
      pc::outb(base + command, multiple ? cmd_write_multiple : cmd_write);
      ++g_pata.writes;
      if (!SendBlock(j)) {   // the first block goes without an interrupt
        g_pata.busy = 0;
        Finish(Status::cancelled);
        continue;
      }
      return;
    }
  }

  // The task file read back before the command goes, against queue[0]'s sectors worked out
  // again here: the registers keep what was written while the device is idle (ATA: readable with
  // BSY and DRQ clear). A wrong sector or count would read or write the wrong sectors and answer
  // ok; found by fault injection (a byte taken from the wrong register in Start()). A mismatch
  // is ours, not the disk's: a panic, and the restart starts the request again.
  __attribute__((noinline)) static void CheckTaskFile() {
    const Job &j = g_pata.queue[0];
    const word lba = j.lba + j.done, n = j.count - j.done;
    const uint8_t want[4] = {uint8_t(n), uint8_t(lba), uint8_t(lba >> 8), uint8_t(lba >> 16)};
    const uint8_t got[4] = {pc::inb(base + count), pc::inb(base + lba0), pc::inb(base + lba1),
                            pc::inb(base + lba2)};
    const uint8_t dev = pc::inb(base + drive);
    bool same = (dev & 0x4f) == (0x40 | ((lba >> 24) & 0x0f));
    for (int i = 0; i < 4; ++i) same = same && got[i] == want[i];
    if (!same)
      arc::panic("task file %02x %02x %02x %02x dev %02x, not the request's sector %lu count %lu",
                 got[0], got[1], got[2], got[3], dev, lba, n);
  }

  // A DRQ block about to move: its size and its place in the client's area worked out again
  // here, from queue[0] and the session found anew (a campaign found a wrong register in the
  // size's load: the data landed in the wrong places of the area and the read answered ok).
  __attribute__((noinline)) void CheckBlock(word n, const char *at) {
    const Job &j = g_pata.queue[0];
    const word left = j.count - j.done, want = left < g_pata.multiple ? left : g_pata.multiple;
    const SessionEntry *s = sessions().Find(j.badge, j.session);
    const char *place = s ? static_cast<const char *>(s->data()) + j.offset +
                                j.done * block::sector_size
                          : nullptr;
    if (n != want || n == 0 || at != place)
      arc::panic("block of %lu sectors at %p, not %lu at %p (sector %lu of request %lu)", n,
                 static_cast<const void *>(at), want, static_cast<const void *>(place),
                 j.lba + j.done, j.seq);
  }

  // Writes j's DRQ block at j.done when the disk asks for it (DRQ).
  bool SendBlock(Job &j) {
    uint8_t s = WaitIdle();
    for (unsigned spin = 0; !(s & (st_drq | st_err | st_df)) && spin < 1000000; ++spin)
      s = Status_();
    if (!(s & st_drq) || (s & (st_err | st_df))) return false;
    const SessionEntry *area = Area(j);
    if (!area) return false;
    const word n = BlockAt(j);
    char *from = static_cast<char *>(area->data()) + j.offset + j.done * block::sector_size;
    CheckBlock(n, from);
    outsl(base + data, from, n * sector_longs);
    return true;
  }

  SessionEntry *Area(const Job &j) {
    SessionEntry *s = sessions().Find(j.badge, j.session);
    if (!s || j.offset + j.count * block::sector_size > s->bytes) return nullptr;
    return s;
  }

  // The interrupt of queue[0]'s command, with the status it left.
  void Step(uint8_t s) {
    Job &j = g_pata.queue[0];
    if (s & (st_err | st_df)) {
      ::printf("[pata] %s at sector %lu failed: status %#x error %#x\n",
               j.op == block::read ? "read" : j.op == block::write ? "write" : "flush",
               j.lba + j.done, s, pc::inb(base + error));
      ++g_pata.errors;
      g_pata.busy = 0;
      Finish(Status::cancelled);
      Start();
      return;
    }
    if (s & st_bsy) return;   // not for us yet
    arc::fault_step();        // an injected fault may strike with a transfer half done
#ifdef PATA_DEFECT
    // The defect (pata-bug): a stale pointer written every 64th interrupt since the start, which
    // no restart of this code can cure.
    static word steps;        // volatile memory: counts from each start
    if (++steps % 64 == 0) {
      ::printf("[pata] defect: interrupt %lu since the start\n", steps);
      *reinterpret_cast<volatile word *>(0x24) = steps;
    }
#endif
    if (j.op == block::read) {
      if (!(s & st_drq)) return;
      const word n = BlockAt(j);
      const SessionEntry *area = Area(j);
      if (!area) {   // the client ended its session under us: drain the block, drop the request
        uint32_t sink[sector_longs];
        for (word i = 0; i < n; ++i) insl(base + data, sink, sector_longs);
      } else {
        char *to = static_cast<char *>(area->data()) + j.offset + j.done * block::sector_size;
        CheckBlock(n, to);
        insl(base + data, to, n * sector_longs);
      }
      if ((j.done += n) < j.count) return;
      // The device had no more for us: a read that took fewer sectors than it sent leaves DRQ
      // set (the rest of the request's data still waiting in the device).
      if (WaitIdle() & st_drq)
        arc::panic("read of %lu sectors at %lu done, the device still has data", j.count, j.lba);
    } else if (j.op == block::write) {
      if ((j.done += BlockAt(j)) < j.count) {
        if (!SendBlock(j)) {
          g_pata.busy = 0;
          Finish(Status::cancelled);
          Start();
        }
        return;
      }
    }
    g_pata.busy = 0;
    Finish(Status::ok);
    Start();
  }

  // Answers queue[0] and takes it off the queue.
  void Finish(Status st) {
    Job &j = g_pata.queue[0];
    const Status sent = Complete(j.reply, st);
    if (sent != Status::ok) ::printf("[pata] client gone (status %lu)\n", word(sent));
    for (word i = 1; i < g_pata.queued; ++i) g_pata.queue[i - 1] = g_pata.queue[i];
    --g_pata.queued;
    g_pata.queue[g_pata.queued] = Job{};
  }
};

int main() {
  static Pata server;
  return server.Run();
}
