// The block interface's client stub, the part kept out of line (arc/iface/block.hh).
#include <arc/iface/block.hh>
#include <arc/process.hh>

namespace arc::block {

Status Client::Info(word *sectors, word *max) const {
  Status st = Status::ok;
  for (int attempt = 0; attempt <= complaints_max; ++attempt) {
    Rpc rpc(info);
    st = rpc.call(ep_);
    if (st != Status::ok) return st;
    if (info_valid(rpc.results(), rpc.result(0), rpc.result(1), rpc.result(2))) {
      *sectors = rpc.result(0);
      if (max) *max = rpc.result(2);
      return Status::ok;
    }
    if (attempt == complaints_max || complain(ep_, Status::invalid_arg) != Status::ok) break;
  }
  return Status::not_supported;
}

} // namespace arc::block
