// Interface of ckpt-counter (apps/ckpttest): a counter whose value is in ordinary memory, which
// only a checkpoint keeps (a hot or warm restart loses it: its memory comes from the image again).
//
//   add      MR1 = delta                      -> MR2 the new value (exactly once under replay)
//   get      (none)                           -> MR2 the value
//   touch    MR1 = pages (1..16)              writes that many pages of a buffer -> MR2 the value
//   mark     (none)                           a restore point of the server's own after this
//                                             request (checkpoint=marked) -> MR2 the value
//   scribble (none)                           damages the server's .pdata and crashes (a replay
//                                             does neither) -> MR2 the value
//   stats    (none)                           -> MR2 number of the last checkpoint the framework
//                                             saw taken, MR3 its pages copied, MR4 pages clean
//   pair     (none)                           -> MR2 the value, MR3 the back server's value
//                                             (a front started with a back server's name, whose
//                                             adds it forwards times ten; else invalid_arg)
//   sum      MR1 = session id, MR2 = n (1..64) adds the first n words of the client's session
//                                             region to the value -> MR2 the new value
//   scribble_sessions (none)                  damages the framework's session table and crashes
//                                             (a replay does neither) -> MR2 the value
//
// ckpt-irq (apps/ckpttest/irqdev.cc), a driver of a device the kernel does not use (the CMOS
// RTC's periodic interrupt on the PC, the PL031's alarm on the virt board), counting its
// interrupts in ordinary memory:
//   irq_count  (none)                         -> MR2 interrupts counted
//   irq_mark   (none)                         a restore point after this request -> MR2 the count
//   irq_detach (none)                         detaches its interrupt, then crashes (a replay does
//                                             neither): what only a restore's re-attach undoes
//
// ckpt-threads (apps/ckpttest/threads.cc), two helper threads whose state is in their registers:
//   thr_step   MR1 = steps                    each helper takes that many more -> MR2 0 if both
//                                             took them (1: one is stuck), MR3.. as thr_get
//   thr_get    (none)                         -> MR2/MR3 the first helper's steps and value,
//                                             MR4/MR5 the second's
//   thr_mark   (none)                         a restore point after this request -> as thr_get
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>

namespace ckpt {

using arc::word;
enum Label : word { add = 0x780, get = 0x781, touch = 0x782, mark = 0x783, scribble = 0x784, stats = 0x785,
                   pair = 0x786, sum = 0x787, scribble_sessions = 0x788,
                   irq_count = 0x790, irq_mark = 0x791, irq_detach = 0x792,
                   thr_step = 0x7a0, thr_get = 0x7a1, thr_mark = 0x7a2 };
constexpr word max_sum = 64;
constexpr word max_touch = 16;

template <class S> constexpr auto handlers = arc::handler_table<S>({
  {add, 1, 1, &S::Add, "add"},
  {get, 0, 0, &S::Get, "get"},
  {touch, 1, 1, &S::Touch, "touch"},
  {mark, 0, 0, &S::Mark, "mark"},
  {scribble, 0, 0, &S::Scribble, "scribble"},
  {stats, 0, 0, &S::Stats, "stats"},
  {pair, 0, 0, &S::Pair, "pair"},
  {sum, 2, 2, &S::Sum, "sum"},
  {scribble_sessions, 0, 0, &S::ScribbleSessions, "scribble_sessions"},
});

} // namespace ckpt
