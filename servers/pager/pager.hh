// What the pager's files share (servers/pager): its information page from the root task, the
// cycle counter, the process's image, and the mark of the code a restart runs.
#pragma once
#include <arc/arch.hh>
#include <arc/proto/pager_info.hh>
#include <p3/image.hh>

inline const p3::Info &pinfo() { return *reinterpret_cast<const p3::Info *>(p3::pager_info_addr); }

inline unsigned long long cycles() { return arc::arch::cycles(); }

// The code a restart runs (hot: GCC groups it at the start of .text), mapped in when the pager
// starts (touch_restart_path) rather than when the first restart needs it: the root task pages
// us, and one of our own page faults in the middle of a restart cost some 2,000 instructions.
#define ARC_RESTART_PATH __attribute__((hot, noinline))

extern p3::Image image;   // main.cc
