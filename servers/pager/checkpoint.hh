// A checkpoint of the pager's process, kept in the pager's memory (docs/restarts.md, "Checkpoint
// and restore"): a copy of every writable private page (data, bss, heap, stack, .pdata, the
// persistent heap; not the framework's area, which a restore keeps as it is), and where the
// process's main thread resumes (the framework's restore entry, on the stack it had).
//
// Incremental: after each checkpoint every copied page is write-protected in the process (unmap
// of the write right only), so the first write to it faults to the pager, which marks it dirty
// and maps it writable again. The next checkpoint copies the dirty pages and the new ones; a clean
// page's copy is still right and is kept.
#pragma once
#include <p3/image.hh>
#include <stdint.h>

namespace p3 {

class Checkpoint {
public:
  static constexpr unsigned max_pages = 2048;   // 8 MiB of writable memory

  struct Taken {
    bool ok;
    word copied, clean, dropped;
  };

  bool valid() const { return number_ != 0; }
  word number() const { return number_; }
  word resume_ip() const { return ip_; }
  word resume_sp() const { return sp_; }
  // Where the framework's record of its capabilities lies in the process (arc/proto/
  // ckpt_caps.hh; 0: none), which the checkpoint's pages hold as it was at the restore point.
  word caps_va() const { return caps_va_; }
  void set_caps_va(word va) { caps_va_ = va; }
  // The server's count of its device writes when it was taken (arc/proto/pager.hh,
  // parc_has_device_epoch); false when unknown (its framework keeps none, or it came from a
  // file: the device there is another boot's).
  bool device_epoch(word *out) const {
    if (epoch_known_) *out = epoch_;
    return epoch_known_;
  }
  void set_device_epoch(bool known, word epoch) {
    epoch_known_ = known;
    epoch_ = epoch;
  }
  // Our copy of the checkpoint's byte at va (within a page it holds), or null.
  unsigned char *copy_at(word va) const;

  // Take one: the process's thread waits in its call to us (a restore point). Pages in
  // [skip_start, skip_end) are not copied. Fails (and no checkpoint is left) when no frame is left
  // for a copy or the table is full.
  Taken take(Image &image, FrameSource &frames, word skip_start, word skip_end, word ip, word sp);
  // Write protect every page just copied (the process's mapping loses its write right).
  void protect(void (*revoke_write)(word addr)) const;
  // A write fault at va: the page changes from its copy (the next checkpoint copies it).
  void written(word va);
  // Whether va's page is in the checkpoint and unwritten since (to be mapped read-only).
  bool clean(word va) const;
  // A restart replaced pages behind our back (hot, warm): every copy must be taken again.
  void all_dirty();
  // Forget it, giving the copies back (the process runs another program: a swap).
  void drop(FrameSource &frames);
  // Put the copies back into the process's (emptied) private pages: each is made again through
  // the image and filled from its copy. False when no frame was left for one.
  bool restore(Image &image);

  // Its pages, for writing it out as a file (p3/ckptfile.hh): page i's address in the process
  // and our copy of it.
  unsigned pages() const { return n_; }
  word page_va(unsigned i) const { return entries_[i].va; }
  word page_copy(unsigned i) const { return entries_[i].copy; }
  // Becomes the checkpoint of a file, checked: its n pages at vas[i], in our frames copies[i]
  // (now ours), resuming at ip on sp. The one it replaces is dropped; the number goes on from
  // it. Every page is dirty (the process's pages are not its copies) until restored.
  void adopt(FrameSource &frames, const word *vas, const word *copies, unsigned n, word ip, word sp,
             word caps_va);

private:
  struct Entry { word va, copy, frame; bool dirty; };
  bool epoch_known_ = false;
  word epoch_ = 0;
  int find(word va) const;
  void index();
  Entry entries_[max_pages];
  unsigned n_ = 0;
  uint16_t slots_[2 * max_pages];   // open addressing by page: entry index + 1, 0 empty
  word number_ = 0, ip_ = 0, sp_ = 0, caps_va_ = 0;
};

} // namespace p3
