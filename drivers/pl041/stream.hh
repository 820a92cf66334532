// The PL041 driver's stream (drivers/pl041): the queue of written data and how much of it went
// into the AACI's transmit FIFO, all in persistent memory (AaciState), apart from the hardware.
// `Fifo` is the hardware's side: pl041.cc drives the real AACI, the host tests
// (tests/unit/test_pl041.cc) a fake one whose faults strike between pushes.
//
//   bool Fifo::half_empty()        the transmit FIFO takes at least `batch_frames` more frames
//   void Fifo::push(uint32_t)      one stereo frame into the FIFO (left: low half, right: high)
//   void Fifo::interrupts(bool)    the half-empty interrupt on or off
//   void Fifo::step()              a point between pushes where a fault may strike
//   word Fifo::now_ms()            a clock
//
// There is no DMA: the driver writes every frame into the FIFO itself, at the half-empty
// interrupt, so the hardware holds little ahead of what it plays (the FIFO, a few ms). What
// makes restarts lose and repeat nothing (docs/audio.md): a write names its stream position and
// commits with one store (`taken`) after its copy; each frame pushed into the FIFO is committed
// at once (`sent`), so the stream position of the next frame is always known; whether to push
// is decided by the FIFO's status, not by the interrupt, so an interrupt served twice pushes
// nothing twice.
#pragma once
#include "audio/ring.hh"
#include <stdint.h>
#include <string.h>

namespace pl041 {

using word = unsigned long;

constexpr word queue_bytes = 32 * 1024;   // written data not yet in the FIFO
constexpr word state_magic = 0x41414349;   // "AACI"
constexpr word copy_step = 512;            // a fault may strike after each such piece of a copy
constexpr word push_step = 64;             // ... and after each so many frames pushed
// Frames a half-empty FIFO surely takes: QEMU's AACI has 512 entries, a compact frame takes two
// and the last two entries are never filled, so from half full 127 frames fit.
constexpr word batch_frames = 127;
// Silence pushed after a drained stream's end. QEMU's AACI hands its FIFO to the codec only when
// it is half full, its LM4549 passes samples on only from a full block of 512 frames, and what the
// audio backend holds behind it is written out by the clock: the last 1000 or so frames pushed
// never come out (measured: 78 to 147 frames of the stream's end missing behind 1024 frames of
// silence). 4096 frames (186 ms at 22050 Hz) of silence carry the stream's end past them.
constexpr word pad_frames = 4096;
// How long a drained stream still plays once its closing silence is all in the FIFO: the
// silence, and what the audio path behind the codec holds.
constexpr word tail_ms = 200;

struct AaciState {
  word magic;
  bool open, draining;
  word rate, bits, channels;
  word taken;      // stream position up to which data was written (bytes since open)
  word sent;       // stream position of the next byte to go into the FIFO
  word padded;     // frames of silence pushed after a drained stream's end
  word end_ms;     // when the last of them has played (the clock), so the stream's last frames too
  // When the driver last pushed frames while the stream had data, and whether it left the FIFO
  // more than half full: Recover() tells how long the hardware was left alone.
  word seen_ms;
  bool seen_full;
  word away_ms, away_max_ms, silence_ms;   // the last restart's, the longest, their sum (bounds)
  // Counters.
  word irqs, restarts, irq_slot;
  uint8_t queue[queue_bytes];   // stream position p is queue[p % queue_bytes]
};

enum class Taken { ok, refused };

template <class Fifo> class Stream {
public:
  Stream(AaciState &s, Fifo &fifo) : g(s), fifo_(fifo) {}

  word frame() const { return g.channels * g.bits / 8; }

  // A new stream: nothing queued, nothing sent.
  void Open(word rate, word bits, word channels) {
    fifo_.interrupts(false);
    g.rate = rate;
    g.bits = bits;
    g.channels = channels;
    g.taken = g.sent = g.padded = 0;
    g.draining = false;
    g.seen_full = false;
    g.open = true;
  }

  // `bytes` of `src` that belong at stream position `pos`: what the queue has already is
  // skipped, what does not fit waits for the client's next try; then the FIFO gets what it
  // takes. `refused`: no stream, a drained one, not whole frames, or a gap.
  Taken Write(const uint8_t *src, word bytes, word pos) {
    if (!g.open || g.draining ||
        !audio_ring::take<word>(g.queue, queue_bytes, &g.taken, g.sent, frame(), copy_step, src,
                                bytes, pos, [this] { fifo_.step(); }))
      return Taken::refused;
    Feed();
    return Taken::ok;
  }

  // The stream ends with what is queued: once it is in the FIFO, silence pushes it out.
  void Drain() {
    g.draining = true;
    Feed();
  }

  void Close() {
    fifo_.interrupts(false);
    g.open = g.draining = false;
  }

  // Is there anything left to push (data, or a drained stream's closing silence)?
  bool Wanted() const { return g.open && (g.sent < g.taken || (g.draining && g.padded < pad_frames)); }
  // ... or to play: a drained stream plays until its closing silence has played.
  bool Playing() const {
    return Wanted() || (g.open && g.draining && long(fifo_.now_ms() - g.end_ms) < 0);
  }

  // Pushes frames while the FIFO is half empty and there is something to push; the interrupt
  // stays on only while there is (it holds as long as the FIFO is half empty). Decided by the
  // FIFO's status, so running it again pushes nothing twice. Returns the frames pushed.
  word Feed() {
    word pushed = 0;
    bool had_data = g.sent < g.taken;
    while (Wanted() && fifo_.half_empty()) {
      for (word n = 0; n < batch_frames && Wanted(); ++n) {
        if (g.sent < g.taken) {
          fifo_.push(FrameAt(g.sent));
          g.sent += frame();   // the commit of this frame
        } else {
          fifo_.push(0);
          ++g.padded;
        }
        if (++pushed % push_step == 0) fifo_.step();
      }
    }
    if (pushed && g.draining && g.padded == pad_frames)   // the closing silence is all in
      g.end_ms = fifo_.now_ms() + pad_frames * 1000 / g.rate + tail_ms;
    if (had_data && pushed) {
      g.seen_ms = fifo_.now_ms();
      g.seen_full = !fifo_.half_empty();
    }
    fifo_.interrupts(Wanted());
    return pushed;
  }

  // After a restart: how long the FIFO was left alone while the stream had data (the clock,
  // from the driver's last push), and a bound of the silence that left: the time away beyond
  // what the FIFO surely held then (half of it, if the driver left it more than half full;
  // nothing else). Then the FIFO gets what it wants.
  void Recover() {
    g.away_ms = 0;
    if (g.open && g.sent < g.taken && g.seen_ms) {
      g.away_ms = fifo_.now_ms() - g.seen_ms;
      const word held = g.seen_full ? batch_frames * 1000 / g.rate : 0;
      g.silence_ms += g.away_ms > held ? g.away_ms - held : 0;
      if (g.away_ms > g.away_max_ms) g.away_max_ms = g.away_ms;
    }
    Feed();
  }

  // Does the persistent state hold together?
  bool Plausible() const {
    return g.magic == state_magic && g.sent <= g.taken && g.taken - g.sent <= queue_bytes &&
           g.padded <= pad_frames &&
           (!g.open || ((g.bits == 8 || g.bits == 16) && (g.channels == 1 || g.channels == 2) &&
                        g.rate && g.sent % frame() == 0 && g.taken % frame() == 0));
  }

  // The FIFO word of the frame at stream position `pos`: 16-bit signed samples, a mono sample on
  // both sides, an 8-bit (unsigned) one moved to 16 bits.
  uint32_t FrameAt(word pos) const {
    const uint8_t *b = g.queue + pos % queue_bytes;   // frames never straddle the queue's end
    uint16_t left, right;
    if (g.bits == 16) {
      left = uint16_t(b[0] | b[1] << 8);
      right = g.channels == 2 ? uint16_t(b[2] | b[3] << 8) : left;
    } else {
      left = uint16_t((b[0] - 128) << 8);
      right = g.channels == 2 ? uint16_t((b[1] - 128) << 8) : left;
    }
    return uint32_t(left) | uint32_t(right) << 16;
  }

private:
  AaciState &g;
  Fifo &fifo_;
};

}  // namespace pl041
