// The pager's frame source for host tests (unit_pager_image, unit_pager_checkpoint): page frames
// from the host heap, zeroed, at most `limit` at a time; releasing one it did not give fails.
#pragma once
#include <p3/image.hh>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <set>

struct HostFrames final : p3::FrameSource {
  static constexpr arc::word page = 0x1000;
  unsigned limit;
  std::set<arc::word> live;
  explicit HostFrames(unsigned l) : limit(l) {}
  ~HostFrames() {
    for (arc::word f : live) std::free(reinterpret_cast<void *>(f));
  }
  arc::word alloc() override {
    if (live.size() >= limit) return 0;
    void *p = std::aligned_alloc(page, page);
    std::memset(p, 0, page);
    live.insert(arc::word(p));
    return arc::word(p);
  }
  void release(arc::word addr) override {
    REQUIRE(live.erase(addr) == 1);
    std::free(reinterpret_cast<void *>(addr));
  }
};
