// Interface `keyboard`: key presses (drivers/keyboard: the PS/2 keyboard on the i8042).
//
//   read_key   (none)          -> MR2 = character (ASCII; 0 for keys without one), MR3 = scancode
//              (set 1, make code; 0xe0-prefixed keys as 0xe000 | code), MR4 = modifiers;
//              blocks until a key is pressed
//   poll_key   (none)          -> the same, or Status::timeout when no key is waiting
// Errors: busy (too many blocked readers still waiting; readers that gave up make room). Registered as "keyboard".
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>

namespace arc::keyboard {

enum Label : word { read_key = 0x500, poll_key = 0x501 };
namespace mod { constexpr word shift = 1, ctrl = 2, alt = 4, caps = 8; }
constexpr const char *service_name = "keyboard";

template <class S> constexpr auto handlers = handler_table<S>({
  {read_key, 0, 0, &S::ReadKey, "read_key"},
  {poll_key, 0, 0, &S::PollKey, "poll_key"},
});

struct Key {
  char ch;
  word scancode;
  word modifiers;
};

class Client {
public:
  explicit Client(CapSlot ep = 0) : ep_(ep) {}
  void bind(CapSlot ep) { ep_ = ep; }
  Status Read(Key *k, bool block = true) const {
    Rpc rpc(block ? read_key : poll_key);
    const Status st = rpc.call(ep_);
    if (st == Status::ok) *k = Key{char(rpc.result(0)), rpc.result(1), rpc.result(2)};
    return st;
  }

private:
  CapSlot ep_;
};

} // namespace arc::keyboard
