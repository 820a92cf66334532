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
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>

namespace ckpt {

using arc::word;
enum Label : word { add = 0x780, get = 0x781, touch = 0x782, mark = 0x783, scribble = 0x784, stats = 0x785,
                   pair = 0x786 };
constexpr word max_touch = 16;

template <class S> constexpr auto handlers = arc::handler_table<S>({
  {add, 1, 1, &S::Add, "add"},
  {get, 0, 0, &S::Get, "get"},
  {touch, 1, 1, &S::Touch, "touch"},
  {mark, 0, 0, &S::Mark, "mark"},
  {scribble, 0, 0, &S::Scribble, "scribble"},
  {stats, 0, 0, &S::Stats, "stats"},
  {pair, 0, 0, &S::Pair, "pair"},
});

} // namespace ckpt
