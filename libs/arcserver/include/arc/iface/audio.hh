// Interface `audio`: one PCM output stream (drivers/sb16: the Sound Blaster 16 on the PC;
// drivers/pl041: the PL041 AACI of realview-pb-a8).
//
//   open   MR1 rate (Hz), MR2 bits (8: unsigned, 16: signed little-endian), MR3 channels (1, 2)
//          -> MR2 bytes the driver moves per interrupt (sb16: a DMA half; pl041: what a
//             half-empty FIFO takes). The rates are the hardware's: sb16 min_rate..max_rate
//             below, pl041 4000..48000 Hz (its codec's DAC); another is refused (invalid_arg).
//   write  MR1 session id, MR2 offset in its area, MR3 bytes, MR4 stream position of the first
//          byte (bytes since open) -> MR2 stream position the driver has taken up to
//   info   -> MR2 bytes taken (written), MR3 bytes played (the card finished them; pl041: in its
//             FIFO), MR4 bytes of silence the driver inserted (nothing to play; pl041: none, its
//             FIFO waits), MR5 running (0/1), MR6 restarts seen
//   drain  start playing what is queued even if it fills no whole buffer; the stream ends there
//   close  stop the card; the stream is gone
//
// A write names where its bytes belong in the stream, so it is idempotent: bytes before the
// driver's position are skipped (they were taken already: a request replayed after a restart of
// the driver, or a player restarted that sends its last block again), a write past the position
// is refused (invalid_arg: a gap), and only as much as the driver's queue holds is taken. The
// reply says where the stream now ends: the client goes on from there, and when nothing was
// taken (the queue is full) it waits a little and sends again. Whole frames only (a frame is
// channels * bits / 8 bytes). Registered as "audio".
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>
#include <arc/session.hh>

namespace arc::audio {

enum Label : word { open = 0xb00, write = 0xb01, info = 0xb02, drain = 0xb03, close = 0xb04 };
constexpr const char *service_name = "audio";
// The rates a Sound Blaster 16 plays (DSP command 0x41 takes 5000..44100 Hz).
constexpr word min_rate = 5000, max_rate = 44100;

template <class S> constexpr auto handlers = handler_table<S>({
  {open, 3, 3, &S::Open, "open"},
  {write, 4, 4, &S::Write, "write"},
  {info, 0, 0, &S::Info, "info"},
  {drain, 0, 0, &S::Drain, "drain"},
  {close, 0, 0, &S::Close, "close"},
});

struct Info {
  word taken, played, silence, running, restarts;
};

class Client {
public:
  explicit Client(CapSlot ep = 0) : ep_(ep) {}
  void bind(CapSlot ep) { ep_ = ep; }
  Status Open(word rate, word bits, word channels, word *half_bytes = nullptr) const {
    Rpc rpc(open);
    rpc.put(rate).put(bits).put(channels);
    const Status st = rpc.call(ep_);
    if (st == Status::ok && half_bytes) *half_bytes = rpc.result(0);
    return st;
  }
  // `bytes` at `offset` of session `id`, which belong at stream position `pos`; *end: where the
  // stream now ends (pos + bytes when all was taken).
  Status Write(word id, word offset, word bytes, word pos, word *end) const {
    Rpc rpc(write);
    rpc.put(id).put(offset).put(bytes).put(pos);
    const Status st = rpc.call(ep_);
    if (st == Status::ok && end) *end = rpc.result(0);
    return st;
  }
  Status GetInfo(Info *out) const {
    Rpc rpc(info);
    const Status st = rpc.call(ep_);
    if (st == Status::ok && out)
      *out = Info{rpc.result(0), rpc.result(1), rpc.result(2), rpc.result(3), rpc.result(4)};
    return st;
  }
  Status Drain() const { return Rpc(drain).call(ep_); }
  Status Close() const { return Rpc(close).call(ep_); }

private:
  CapSlot ep_;
};

} // namespace arc::audio
