// Fault injection in the pager (docs/fault-injection.md; the boot configuration's fault= key). The
// host tools pick a code site and, for a load-time fault, the bytes to put there; the pager
// plants a one-shot breakpoint at the site before the process first runs, in a private copy of
// the site's page, and when the process traps on it (an exception IPC to us) puts the right
// bytes in place and lets the thread run the site:
//
//   load   the mutated bytes (a transient fault: the private page is volatile, so the first
//          hot or warm restart brings the pristine page back from the image);
//   watch  the image's own bytes, which already hold the mutation (an install-time fault: a
//          persistent bug; the pager only reports that it ran).
//
// Either way the trap tells the campaign whether the fault was activated. A restart before the
// trap drops the breakpoint with the page: never activated.
#pragma once
#include <arc/proto/pager_info.hh>
#include <p3/image.hh>

namespace p3 {

class FaultSite {
public:
  // Plant the breakpoint; null when armed, else why not (the process then runs without it).
  const char *arm(const Info &info, Image &image);
  // An exception of the process: vector and IP as the kernel reports them (for a breakpoint, the
  // IP after it). True when it is our breakpoint: the site then holds the bytes it is to run,
  // the breakpoint is gone, and *resume is where the thread goes on (the site itself; on ARM
  // bit 0 set for Thumb code, as the kernel's exception reply wants it).
  bool hit(word vector, word ip, word *resume);
  // A restart discarded the private page, and the breakpoint with it.
  void drop() { armed_ = false; }

  word site() const { return site_; }   // without the Thumb bit
  bool load() const { return len_ != 0; }

private:
  static constexpr unsigned max_bytes = sizeof(Info::fault_bytes);
  const char *breakpoint(const Info &info);   // chooses bp_[] for the machine, or refuses
  unsigned char *byte_at(word va) const;       // our copy of the process's byte at va

  bool armed_ = false, thumb_ = false;
  word site_ = 0;
  unsigned bp_len_ = 0, len_ = 0;
  unsigned char bp_[4] = {}, saved_[4] = {}, bytes_[max_bytes] = {};
  // The private pages the site and its mutation cover (at most two: 16 bytes may cross a page).
  word page_va_[2] = {}, page_addr_[2] = {};
  unsigned n_pages_ = 0;
};

} // namespace p3
