#include "fault.hh"
#include <arc/sys.hh>
#include <stdint.h>
#include <string.h>

namespace p3 {

using namespace arc;

namespace {
constexpr word page = 0x1000;
constexpr uint16_t em_386 = 3, em_arm = 40;   // ELF machines (Info::machine)
// The exception vector a breakpoint raises, the same on every architecture: int3 (IDT vector 3,
// a trap user level may raise) and ARM's BKPT (a prefetch abort with a debug event, which the
// kernel reports as vector 3). Both report the IP after the breakpoint.
constexpr word breakpoint_vector = 3;

void put_le(unsigned char *to, uint32_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) to[i] = static_cast<unsigned char>(v >> (8 * i));
}
} // namespace

const char *FaultSite::breakpoint(const Info &info) {
  if (info.machine == em_386) {
    bp_[0] = 0xcc;   // int3
    bp_len_ = 1;
    return nullptr;
  }
  if (info.machine != em_arm) return "no breakpoint for this machine";
  // The ARM targets run little-endian; code is stored as such in both states.
  if (thumb_) {
    put_le(bp_, 0xbe00, 2);            // BKPT #0 (T1)
    bp_len_ = 2;
  } else {
    if (site_ & 3) return "an ARM (A32) site must be 4-byte aligned";
    put_le(bp_, 0xe1200070, 4);        // BKPT #0 (A1)
    bp_len_ = 4;
  }
  return nullptr;
}

unsigned char *FaultSite::byte_at(word va) const {
  for (unsigned i = 0; i < n_pages_; ++i)
    if (va - page_va_[i] < page) return reinterpret_cast<unsigned char *>(page_addr_[i] + (va - page_va_[i]));
  return nullptr;   // not reached: arm() made every page of the span private
}

const char *FaultSite::arm(const Info &info, Image &image) {
  thumb_ = info.machine == em_arm && (info.fault_addr & 1);
  site_ = info.machine == em_arm ? info.fault_addr & ~word(1) : info.fault_addr;
  len_ = info.fault_mode == Info::fault_load ? info.fault_len : 0;
  if (info.fault_mode == Info::fault_load && (len_ < 1 || len_ > max_bytes)) return "bad length of the fault bytes";
  memcpy(bytes_, info.fault_bytes, len_);
  if (!image.in_code(site_, len_ ? len_ : 1)) return "not in the program's code";
  if (const char *why = breakpoint(info)) return why;
  const word span = len_ > bp_len_ ? len_ : bp_len_;
  if (!image.in_code(site_, span)) return "not in the program's code";
  // The page is normally mapped straight from the read-only image: patch a private copy.
  n_pages_ = 0;
  for (word va = site_ & ~(page - 1); va < site_ + span; va += page) {
    const word addr = image.private_copy(va);
    if (!addr) return "no memory for a private copy of the code";
    page_va_[n_pages_] = va;
    page_addr_[n_pages_++] = addr;
  }
  for (unsigned i = 0; i < bp_len_; ++i) {
    unsigned char *b = byte_at(site_ + i);
    saved_[i] = *b;
    *b = bp_[i];
  }
  // No cache maintenance needed here: the process has not run, and the kernel makes the
  // instruction cache coherent with a page whenever it maps it executable (ARM: D-cache clean of
  // the frame, I-cache invalidate; kernel/arch/armv7/mmu.cc pd_map).
  armed_ = true;
  return nullptr;
}

bool FaultSite::hit(word vector, word ip, word *resume) {
  if (!armed_ || vector != breakpoint_vector || ip != site_ + bp_len_) return false;
  armed_ = false;
  for (unsigned i = 0; i < bp_len_; ++i) *byte_at(site_ + i) = saved_[i];
  for (unsigned i = 0; i < len_; ++i) *byte_at(site_ + i) = bytes_[i];
  // The process has these pages mapped and may have the breakpoint in its instruction cache.
  // The kernel offers no cache maintenance system call, but it cleans and invalidates when it
  // maps an executable page: revoke the process's mapping, and the fetch at the site faults the
  // page in again through the kernel's map (pd_map syncs the I-cache). Under QEMU TCG and on
  // ia32 (coherent instruction fetch, and the return to user mode serialises) this is not needed
  // for correctness; it costs one page fault per patched page, once.
  for (unsigned i = 0; i < n_pages_; ++i)
    (void)unmap(fpage(page_addr_[i], 12, fpage_rights::rwx), false);
  *resume = site_ | (thumb_ ? 1 : 0);
  return true;
}

} // namespace p3
