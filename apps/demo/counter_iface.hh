// Interface `counter` (apps/demo): a counter that survives restarts, and a sum over a session.
//
//   add    MR1 = delta (signed)                 -> MR2 = the new value
//   get    (none)                               -> MR2 = the value, MR3 = adds so far
//   sum    MR1 = session id, MR2 = count (1..1024)
//          the client has put `count` words at offset 0 of the session area; the server adds
//          them, writes the sum after them (offset count * 4)      -> MR2 = the sum
//   crash  (none)                               the server panics (for restart demos)
//   info   (none)                               -> MR2 = 1 when the counter's state lies in the
//          server's .pdata (as its information page tells), MR3 = its pager's persistent pages,
//          MR4 = its resident pages, MR5 = how many restarts found a request in progress (and
//          served it again)
// Errors: invalid_arg (bad session id, count out of range). Registered as "counter".
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>

namespace demo::counter {

using arc::word;
enum Label : word { add = 0x700, get = 0x701, sum = 0x702, crash = 0x703, info = 0x704 };
constexpr word max_count = 1024;
constexpr const char *service_name = "counter";

template <class S> constexpr auto handlers = arc::handler_table<S>({
  {add, 1, 1, &S::Add, "add"},
  {get, 0, 0, &S::Get, "get"},
  {sum, 2, 2, &S::Sum, "sum"},
  {crash, 0, 0, &S::Crash, "crash"},
  {info, 0, 0, &S::Info, "info"},
});

class Client {
public:
  explicit Client(arc::CapSlot ep = 0) : ep_(ep) {}
  void bind(arc::CapSlot ep) { ep_ = ep; }
  arc::CapSlot endpoint() const { return ep_; }
  arc::Status Add(long delta, long *value) const {
    arc::Rpc rpc(add);
    rpc.put(word(delta));
    const arc::Status st = rpc.call(ep_);
    if (st == arc::Status::ok) *value = long(rpc.result(0));
    return st;
  }
  arc::Status Get(long *value, word *adds = nullptr) const {
    arc::Rpc rpc(get);
    const arc::Status st = rpc.call(ep_);
    if (st == arc::Status::ok) {
      *value = long(rpc.result(0));
      if (adds) *adds = rpc.result(1);
    }
    return st;
  }
  arc::Status Sum(word session, word count, long *total) const {
    arc::Rpc rpc(sum);
    rpc.put(session).put(count);
    const arc::Status st = rpc.call(ep_);
    if (st == arc::Status::ok) *total = long(rpc.result(0));
    return st;
  }

  struct Where {
    bool state_in_pdata;
    word persistent_pages, resident_pages;
    word replays;
  };
  arc::Status Info(Where *w) const {
    arc::Rpc rpc(info);
    const arc::Status st = rpc.call(ep_);
    if (st == arc::Status::ok)
      *w = Where{rpc.result(0) == 1, rpc.result(1), rpc.result(2), rpc.result(3)};
    return st;
  }

private:
  arc::CapSlot ep_;
};

} // namespace demo::counter
