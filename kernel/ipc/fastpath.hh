// What the IPC fast paths share: the short forms they recognise and the capability test. Both
// files that include this are compiled with different register conventions (fastpath.cc makes
// the callee-saved registers call-clobbered), so everything here has internal linkage: no
// out-of-line copy may be shared between them.
#pragma once
#include "cap/cspace.hh"
#include "object/thread.hh"

namespace kern::ipc {
namespace {

// A short message: no typed words and at most MR0..MR2 untyped. With untyped in bits 0..5 and
// typed in bits 6..11 of the tag, that is one comparison.
constexpr word tag_counts = 0xfff;
static_assert(arc::Tag(0, 0x3f, 0x3f).raw == tag_counts, "the tag's counts are bits 0..11");
inline bool short_message(word tag) {
  return (tag & tag_counts) < arc::mr_in_regs;
}

// The endpoint capability in slot idx if it carries the one right `right`; else null. Slot 0
// passes the range test and fails the type test (CSpace::in_range).
inline Cap *endpoint_cap(const CSpace &cs, word idx, word right) {
  if (unlikely(!cs.in_range(idx))) return nullptr;
  Cap &c = cs.at(idx);
  if (unlikely(c.type != ObjType::endpoint || !(c.rights & right))) return nullptr;
  return &c;
}

} // namespace

} // namespace kern::ipc
