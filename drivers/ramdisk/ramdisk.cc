// ramdisk: a disk image passed as a boot module, served as the `block` interface (the same
// that drivers/pata serves), for boards where Arc has no disk driver (the ARM boards).
//
// Boot configuration:   server ramdisk ramdisk module=disk.img restart=hot,warm,cold
//
// Three programs of the same interface are built from this source, for swaps (docs/restarts.md,
// "Swap"):
//   ramdisk       copies with the C library's memcpy;
//   ramdisk-word  (RAMDISK_WORDS) its own copy loop, a sector at a time, eight aligned words per
//                 step (no memcpy: another code path, as a second implementation of a driver is);
//   ramdisk-bug   (RAMDISK_DEFECT) ramdisk with a persistent defect: every 96th read or write
//                 after a start it writes through a stale pointer, so a restart of the same code
//                 fails again the same way (the kind of bug a swap is for).
//
// The root task maps the module read-write at the process's device window (module= key,
// docs/boot-config.md) and the pager maps it as it is, like device memory: it is never one of the
// process's private pages, so a hot or warm restart (which discards the private volatile pages)
// leaves the disk's contents alone, as it would leave a real disk's. The image is changed in
// place; after a run its contents can be read back from the guest's memory at the physical
// address the ready line prints (tests/qemu: the monitor's pmemsave).
//
// Requests are served at once, by copying between the image and the client's session area:
// nothing waits, so there are no deferred replies. A request interrupted by a failure is
// replayed by the framework and copies the same sectors again (idempotent).
//
// Persistent (STYLE 13): which image this is (its physical address and size: a restarted server
// that finds another one starts cold) and the counters; the clients' sessions are the framework's
// persistent table.
#include <arc/iface/block.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>

#include <stdio.h>
#include <string.h>

using namespace arc;

namespace {

constexpr word state_magic = 0x4b534452;   // "RDSK"

struct RamdiskState {
  word magic;
  word phys, bytes;   // the image: physical address of its first byte, its size
  word reads, writes, flushes;
  word sectors_read, sectors_written;
};
ARC_PDATA RamdiskState g_disk = {};
// Which clients the root task said may use the disk (persistent: a replay need not ask again).
ARC_PDATA ClientAccess g_access = {};

// The image in our space: rebuilt from the information page at every start.
char *g_image;

#ifdef RAMDISK_WORDS
constexpr const char *copy_kind = ", copying by words";
// Eight words per step when both ends are word-aligned (the image and the session areas are
// page-aligned; a client's byte offset need not be, and then bytes are copied one by one).
void copy_words(void *to, const void *from, word bytes) {
  auto *d = static_cast<word *>(to);
  const auto *s = static_cast<const word *>(from);
  for (word n = bytes / sizeof(word); n >= 8; n -= 8, d += 8, s += 8) {
    const word a = s[0], b = s[1], c = s[2], e = s[3], f = s[4], g = s[5], h = s[6], i = s[7];
    d[0] = a; d[1] = b; d[2] = c; d[3] = e; d[4] = f; d[5] = g; d[6] = h; d[7] = i;
    asm volatile("" ::: "memory");   // keep the compiler from turning the loop into memcpy
  }
}
#else
constexpr const char *copy_kind = "";
#endif

// Copy whole sectors between the image and a session area.
void copy_sectors(void *to, const void *from, word bytes) {
#ifdef RAMDISK_WORDS
  if (((reinterpret_cast<word>(to) | reinterpret_cast<word>(from)) & (sizeof(word) - 1)) == 0)
    return copy_words(to, from, bytes);   // bytes: whole sectors, a multiple of 8 words
  auto *d = static_cast<volatile char *>(to);
  const auto *s = static_cast<const char *>(from);
  for (word i = 0; i < bytes; ++i) d[i] = s[i];
  return;
#endif
  memcpy(to, from, bytes);
}

#ifdef RAMDISK_DEFECT
// The defect (ramdisk-bug): a stale pointer written every 96th transfer since the start, which
// no restart of this code can cure (volatile memory: the count starts again at each start).
void defect() {
  static word transfers;
  if (++transfers % 96 == 0) {
    ::printf("[ramdisk] defect: transfer %lu since the start\n", transfers);
    *reinterpret_cast<volatile word *>(0x24) = transfers;
  }
}
#else
void defect() {}
#endif

} // namespace

class Ramdisk : public ArcServer<Ramdisk> {
public:
  Ramdisk() : ArcServer("ramdisk") {}

  Status Initialize() {
    g_disk = RamdiskState{};
    const proc::Resource *m = Image();
    if (!m) return Status::invalid_cap;
    g_disk.phys = m->first;
    g_disk.bytes = m->count;
    g_disk.magic = state_magic;
    if (Status st = RegisterName(block::service_name); st != Status::ok)
      ::printf("[ramdisk] cannot register with the name service (status %lu)\n", word(st));
    ::printf("[ramdisk] image of %lu sectors (%lu bytes) at physical %#lx: ready%s\n", Sectors(),
             g_disk.bytes, g_disk.phys, copy_kind);
    return Status::ok;
  }

  Recovery Recover() {
    const proc::Resource *m = Image();
    if (!m || g_disk.magic != state_magic || g_disk.phys != m->first || g_disk.bytes != m->count)
      return Recovery::cold;
    RegisterName(block::service_name);
    ::printf("[ramdisk] recovered: %lu reads, %lu writes so far\n", g_disk.reads, g_disk.writes);
    return Recovery::resume;
  }

  static constexpr auto Handlers() { return block::handlers<Ramdisk>; }

  // ---- block interface ------------------------------------------------------------------------
  // Only the processes configured to use the disk (after=ramdisk: the file server) may.
  Status Info(const Request &req, Reply &rep) {
    if (Status st = g_access.Check(req.badge, "ramdisk"); st != Status::ok) return st;
    rep.put(Sectors());
    rep.put(block::sector_size);
    rep.put(block::max_sectors);
    return Status::ok;
  }

  Status Read(const Request &req, Reply &) {
    if (Status st = g_access.Check(req.badge, "ramdisk"); st != Status::ok) return st;
    char *area;
    word lba, count;
    if (Status st = Check(req, &area, &lba, &count); st != Status::ok) return st;
    defect();
    copy_sectors(area, g_image + lba * block::sector_size, count * block::sector_size);
    ++g_disk.reads;
    g_disk.sectors_read += count;
    return Status::ok;
  }

  Status Write(const Request &req, Reply &) {
    if (Status st = g_access.Check(req.badge, "ramdisk"); st != Status::ok) return st;
    char *area;
    word lba, count;
    if (Status st = Check(req, &area, &lba, &count); st != Status::ok) return st;
    defect();
    copy_sectors(g_image + lba * block::sector_size, area, count * block::sector_size);
    ++g_disk.writes;
    g_disk.sectors_written += count;
    return Status::ok;
  }

  // Every write is in memory when it is answered: nothing is cached on the way.
  Status Flush(const Request &req, Reply &) {
    if (Status st = g_access.Check(req.badge, "ramdisk"); st != Status::ok) return st;
    ++g_disk.flushes;
    return Status::ok;
  }

private:

  static word Sectors() { return g_disk.bytes / block::sector_size; }

  // The module resource, and g_image set to it; null with a message when the line has none.
  static const proc::Resource *Image() {
    const proc::Resource *m = find_resource(proc::Resource::module);
    if (!m || !m->va || m->count < block::sector_size) {
      ::printf("[ramdisk] no disk image (boot configuration: module=<boot module>)\n");
      return nullptr;
    }
    g_image = reinterpret_cast<char *>(m->va);
    return m;
  }

  // The request's session area and sectors, all checked (the client can change the shared area,
  // never the arguments we copied).
  Status Check(const Request &req, char **area, word *lba, word *count) {
    const word session = req.arg(1), offset = req.arg(2);
    *lba = req.arg(3);
    *count = req.arg(4);
    SessionEntry *s = sessions().Find(req.badge, session);
    if (!s || *count < 1 || *count > block::max_sectors || offset > s->bytes ||
        *count * block::sector_size > s->bytes - offset)
      return Status::invalid_arg;
    if (*lba >= Sectors() || *count > Sectors() - *lba) return Status::invalid_arg;
    *area = static_cast<char *>(s->data()) + offset;
    return Status::ok;
  }
};

int main() {
  static Ramdisk server;
  return server.Run();
}
