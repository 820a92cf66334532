// Frames for the pager (servers/pager): fetched from the root task in batches into the frame
// window, given back to a free list when released.
#pragma once
#include <arc/proto/pager_info.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/sys.hh>
#include <p3/image.hh>

// The class is the pager's own, written against libs/arc as the rest of the pager is.
using namespace arc;

// Frames from the root task, fetched in batches into our frame window.
class RootFrames final : public p3::FrameSource {
public:
  word alloc() override {
    if (!free_) refill();
    if (!free_) return 0;
    Free *f = free_;
    free_ = f->next;
    if (f->dirty) p3::zero(f, 0x1000);    // a frame that came back: zero it now, not at release
    else f->next = nullptr;               // from the root task: zero already
    return reinterpret_cast<word>(f);
  }
  // Released frames are zeroed when they are used again: a restart that discards many pages
  // does not pay for zeroing them.
  // Grouped with the restart path (hot), which releases the frames of dropped pages.
  __attribute__((hot)) void release(word addr) override {
    push(addr);
    reinterpret_cast<Free *>(addr)->dirty = 1;
  }

private:
  void push(word addr) {
    auto *f = reinterpret_cast<Free *>(addr);
    f->next = free_;
    free_ = f;
  }
  struct Free { Free *next; word dirty; };
  void refill() {
    constexpr word batch = 16;
    if (next_ + batch * 0x1000 > p3::frame_window + (word(1) << p3::frame_window_log2)) return;
    Utcb *u = utcb();
    u->rcv_window = fpage(p3::frame_window, p3::frame_window_log2, fpage_rights::rwx);
    u->mr[0] = Tag(root::frames, 2, 0).raw;
    u->mr[1] = batch;
    u->mr[2] = next_;
    Status st = call(proc::root);
    u->rcv_window = 0;
    if (st != Status::ok || Tag(u->mr[0]).map_failed()) return;
    word got = u->mr[1];
    for (word i = 0; i < got; ++i) push(next_ + i * 0x1000);   // zero: dirty stays 0
    next_ += got * 0x1000;
  }
  Free *free_ = nullptr;
  word next_ = p3::frame_window;
};


extern RootFrames frames;
