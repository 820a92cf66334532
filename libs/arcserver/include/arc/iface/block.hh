// Interface `block`: a disk of 512-byte sectors (drivers/pata: the primary ATA channel of the PC).
//
// Data travels through a shared-memory session (arc::Session, at most 64 KiB): the client opens
// one, then asks for sectors to be read into it or written from it.
//
//   info   (none)                                      -> MR2 sectors, MR3 sector size (512),
//                                                         MR4 most sectors per request
//   read   MR1 session id, MR2 byte offset in the session area, MR3 first sector (LBA),
//          MR4 count (1..max_sectors)                  -> (the sectors are in the area)
//   write  the same, from the area to the disk          -> (on the disk, or in its write cache)
//   flush  (none)                                      -> the disk's write cache is on the medium
//
// Errors: invalid_arg (unknown session, area too small, sectors past the end of the disk, bad
// count), busy (too many requests waiting), cancelled (the device reported an error), no_rights
// (the client's boot line does not start it after the driver: only configured clients, the file
// server, may use the disk).
// Requests are served in order; a request waits in the driver (deferred reply) while the disk
// works. The driver keeps requests in progress in persistent memory: after a hot or warm restart
// it redoes the one the disk was working on (sector reads and writes are idempotent), so clients
// see nothing. Registered with the name service as "block".
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>

namespace arc::block {

enum Label : word { info = 0x800, read = 0x801, write = 0x802, flush = 0x803 };
constexpr word sector_size = 512;
constexpr word max_sectors = 128;          // 64 KiB, one session slot of the pagers
constexpr const char *service_name = "block";

// Whether a transfer of `count` sectors from `lba`, at `offset` in a session area of
// `area_bytes` (0: no such session), fits a disk of `sectors`: ok or invalid_arg. The rule of the
// interface, for a driver's second look at a request it is about to refuse (drivers/pata).
constexpr Status admit(word area_bytes, word offset, word lba, word count, word sectors) {
  if (area_bytes == 0 || count == 0 || count > max_sectors || offset % 2 != 0 ||
      offset > area_bytes || area_bytes - offset < count * sector_size)
    return Status::invalid_arg;
  if (lba >= sectors || sectors - lba < count) return Status::invalid_arg;
  return Status::ok;
}

// Whether an info reply is one the interface allows: three words, a disk of at least one
// sector, 512-byte sectors, 1..max_sectors per request.
constexpr bool info_valid(unsigned results, word sectors, word size, word max) {
  return results == 3 && sectors > 0 && size == sector_size && max >= 1 && max <= max_sectors;
}

template <class S> constexpr auto handlers = handler_table<S>({
  {info, 0, 0, &S::Info, "info"},
  {read, 4, 4, &S::Read, "read"},
  {write, 4, 4, &S::Write, "write"},
  {flush, 0, 0, &S::Flush, "flush"},
});

// ---- client stub ----------------------------------------------------------------------------
class Client {
public:
  explicit Client(CapSlot ep = 0) : ep_(ep) {}
  void bind(CapSlot ep) { ep_ = ep; }
  CapSlot endpoint() const { return ep_; }

  // How many times an impossible answer is complained about and asked again (Info, below).
  static constexpr int complaints_max = 12;

  // An answer the interface rules out (info_valid) shows the server gone wrong, not the request
  // (it has no arguments): the client complains to the monitor (arc::complain, taken when the
  // boot configuration starts it after the driver), which restarts the driver by its policy, and
  // asks again, up to complaints_max times (a bug in the program answers so after every hot and
  // warm restart; the campaigns' ladder swaps at the ninth failure). Still impossible then:
  // not_supported. Found by fault injection: a mutation of the driver's Info answered a wrong
  // most-sectors count, the file server gave up its mount, and nothing was restarted.
  // Out of line (src/block.cc), in the library rather than in each client's own code: a fault
  // injected into a client (its own code, the campaigns' default scope) must not be able to
  // turn this check into a complaint about a driver that answered right.
  Status Info(word *sectors, word *max = nullptr) const;
  Status Read(word session, word offset, word lba, word count) const {
    return Transfer(read, session, offset, lba, count);
  }
  Status Write(word session, word offset, word lba, word count) const {
    return Transfer(write, session, offset, lba, count);
  }
  Status Flush() const { return Rpc(flush).call(ep_); }

private:
  Status Transfer(word label, word session, word offset, word lba, word count) const {
    Rpc rpc(label);
    rpc.put(session).put(offset).put(lba).put(count);
    return rpc.call(ep_);
  }
  CapSlot ep_;
};

} // namespace arc::block
