// Interface of apps/swapbench's defer-echo (a benchmark's server, not a service of the system):
//
//   deferred  MR1 = value  -> MR2 = value + 1, answered through a deferred reply (Defer(), then
//                             Complete() at once: the path a driver's queued request takes)
//   direct    MR1 = value  -> MR2 = value + 1, answered by the handler (no deferral)
//
// Registered under the name its first argument gives.
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>

namespace swapbench {

using arc::word;
enum Label : word { deferred = 0x780, direct = 0x781 };

template <class S> constexpr auto handlers = arc::handler_table<S>({
  {deferred, 1, 1, &S::Deferred, "deferred"},
  {direct, 1, 1, &S::Direct, "direct"},
});

} // namespace swapbench
