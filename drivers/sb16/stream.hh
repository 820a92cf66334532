// The Sound Blaster 16 driver's stream (drivers/sb16): the queue of written data, the two halves
// of the DMA buffer and how they are refilled, all in persistent memory (AudioState), apart from
// the hardware. `Card` is the hardware's side: sb16.cc drives the real card, the host tests
// (tests/unit/test_sb16.cc) a fake one whose faults strike in the middle of copies.
//
//   word Card::position()         offset in the DMA buffer of the next byte the card reads
//   uint8_t *Card::buffer()       the DMA buffer (two halves of AudioState::half bytes)
//   void Card::step()             a point in the middle of a copy where a fault may strike
//   void Card::start(const AudioState &)   program the controller and the DSP, play from 0
//   void Card::stop(const AudioState &)
//   word Card::now_ms()           a clock
//
// The rules that make restarts invisible (docs/audio.md): a write names its stream position and
// commits with one store (`taken`) after its copy; a refill is decided by the card's position,
// not by the interrupt, its numbers are prepared before any is applied and it commits with one
// store (`cycle`) after its copy; a start is redone from its first byte until the card runs.
#pragma once
#include "audio/ring.hh"
#include <stdint.h>
#include <string.h>

namespace sb16 {

using word = unsigned long;

constexpr word queue_bytes = 32 * 1024;   // written data not yet in the DMA buffer
constexpr word state_magic = 0x53423136;   // "SB16"
constexpr word step_bytes = 512;           // a fault may strike after each such piece of a copy

// One half's refill, prepared before any of it is applied: a refill cut short by a crash is done
// again with the same numbers (for_cycle says which refill they belong to).
struct Refill {
  word for_cycle;      // cycle + 1 of the refill these numbers are for; 0: none
  word start, data;    // stream position and bytes of data the half gets (the rest: silence)
  word played;         // bytes played once the card finished the half being refilled
  word silence;        // silence inserted so far, counting this refill's
};

struct AudioState {
  word magic;
  // The stream: its format and where it stands.
  bool open, running, starting, draining;
  word rate, bits, channels;
  word taken;          // stream position up to which data was written (bytes since open)
  word queued_from;    // stream position of the first byte not yet moved to the DMA buffer
  word played;         // bytes the card has finished playing (whole halves)
  word silence;        // bytes of silence the driver put in while the stream wanted data
  // The DMA buffer: what each half holds.
  word half;           // bytes per half
  word half_start[2], half_data[2];
  word cycle;          // halves the card has finished since the start; it plays half cycle % 2
  word start_from;     // starting: the stream position the first half begins with
  Refill refill;
  // Where the card was when the driver last looked (each request and interrupt): Recover()
  // tells how far it has played since, i.e. how long the driver was away in the card's time.
  word seen_cycle, seen_pos, seen_ms;
  word overruns;       // restarts that took longer than the buffer lasts (the card replayed)
  // Counters.
  word irqs, refills, restarts, irq_slot;
  uint8_t queue[queue_bytes];   // stream position p is queue[p % queue_bytes]
};

enum class Taken { ok, refused };

template <class Card> class Stream {
public:
  Stream(AudioState &s, Card &card) : g(s), card_(card) {}

  word frame() const { return g.channels * g.bits / 8; }
  word per_ms() const { return g.open && g.rate * frame() >= 1000 ? g.rate * frame() / 1000 : 1; }

  // A new stream (the card stopped first), with halves of `half` bytes.
  void Open(word rate, word bits, word channels, word half) {
    Stop();
    g.rate = rate;
    g.bits = bits;
    g.channels = channels;
    g.half = half;
    g.taken = g.queued_from = g.played = g.silence = g.cycle = 0;
    g.half_start[0] = g.half_start[1] = g.half_data[0] = g.half_data[1] = 0;
    g.refill = Refill{};
    g.draining = false;
    g.open = true;
  }

  // `bytes` of `src` that belong at stream position `pos`: what the queue has already is
  // skipped, what does not fit waits for the client's next try; playing starts once the queue
  // holds both halves. `refused`: no stream, a drained one, not whole frames, or a gap.
  Taken Write(const uint8_t *src, word bytes, word pos) {
    if (!g.open || g.draining ||
        !audio_ring::take<word>(g.queue, queue_bytes, &g.taken, g.queued_from, frame(), step_bytes,
                                src, bytes, pos, [this] { card_.step(); }))
      return Taken::refused;
    if (!g.running && g.taken - g.queued_from >= 2 * g.half) Start();
    return Taken::ok;
  }

  // The stream ends with what is queued; playing starts even if it fills no whole buffer.
  void Drain() {
    g.draining = true;
    if (!g.running && g.taken > g.queued_from) Start();
  }

  // The card's interrupt (and Recover): refill what it finished; stop once a drained stream has
  // been played whole.
  void Interrupt() {
    if (!g.running) return;
    Sync();
    Look();
    if (g.draining && g.played >= g.taken) Stop();
  }

  // The card finished the half it was playing when it now plays the other one: that half gets
  // the next data. Decided by the hardware's position, so running it again changes nothing.
  // A refill prepared and not committed (cut short by a failure) was decided when the card had
  // left its half: it is due even if the card is in that half again, i.e. went round while the
  // driver was away (QEMU's card reads ahead of what it plays, by a few hundred ms); once it is
  // done, the half the card has since finished is refilled too.
  void Sync() {
    for (;;) {
      const word now = card_.position() >= g.half ? 1 : 0;
      const word h = g.cycle % 2;
      if (now == h && g.refill.for_cycle != g.cycle + 1) return;
      RefillHalf(h);
    }
  }

private:
  void RefillHalf(word h) {
    if (g.refill.for_cycle != g.cycle + 1) {
      const word data = NextData(g.queued_from);
      // Silence the stream did not ask for: data was still to come (not drained yet).
      const word gap = g.draining ? 0 : g.half - data;
      g.refill = Refill{g.cycle + 1, g.queued_from, data, g.played + g.half_data[h], g.silence + gap};
    }
    const Refill r = g.refill;
    Fill(h, r.start, r.data);
    g.half_start[h] = r.start;
    g.half_data[h] = r.data;
    g.queued_from = r.start + r.data;
    g.played = r.played;
    g.silence = r.silence;
    g.cycle = r.for_cycle;   // the commit
    ++g.refills;
  }

public:

  // Both halves from the queue, then the card. `starting` stays set until the card runs: a
  // crash half-way starts it all again from start_from.
  void Start() {
    if (!g.starting) {
      g.start_from = g.queued_from;
      g.starting = true;
    }
    const word d0 = NextData(g.start_from), d1 = NextData(g.start_from + d0);
    Fill(0, g.start_from, d0);
    Fill(1, g.start_from + d0, d1);
    g.half_start[0] = g.start_from;
    g.half_data[0] = d0;
    g.half_start[1] = g.start_from + d0;
    g.half_data[1] = d1;
    g.queued_from = g.start_from + d0 + d1;
    g.cycle = 0;
    g.refill = Refill{};
    card_.start(g);
    g.seen_cycle = g.seen_pos = 0;
    g.seen_ms = card_.now_ms();
    g.running = true;
    g.starting = false;
  }

  void Stop() {
    if (!g.running && !g.starting) return;
    card_.stop(g);
    g.running = g.starting = false;
  }

  // Notes where the card is (after Sync, or in a half Sync has not caught up with yet: the
  // position within the cycle it belongs to) and when.
  void Look() {
    if (!g.running) return;
    const word pos = card_.position();
    g.seen_cycle = g.cycle + ((pos >= g.half) != (g.cycle % 2));
    g.seen_pos = pos % g.half;
    g.seen_ms = card_.now_ms();
  }

  // After a restart, before Sync: the bytes the card played since the driver last looked
  // (0 when it went round: the position cannot tell how often), and through `overrun` whether
  // it was away about as long as the buffer held or longer (it may have played old data again),
  // by the clock, with a margin for how far the card reads ahead of what it plays.
  word Away(word margin_ms, bool *overrun, word *away_ms, word *left_ms) const {
    const word ahead = g.seen_cycle == g.cycle ? g.half : 0;
    *left_ms = (g.half - g.seen_pos + ahead) / per_ms();
    *away_ms = card_.now_ms() - g.seen_ms;
    *overrun = *away_ms + margin_ms >= *left_ms;
    // Back in the half whose refill was cut short: the card went round, whatever the clock says.
    if (g.refill.for_cycle == g.cycle + 1 && (card_.position() >= g.half) == (g.cycle % 2 == 1))
      *overrun = true;
    const word pos = card_.position();
    const word now_cycle = g.cycle + ((pos >= g.half) != (g.cycle % 2));
    const word away = (now_cycle - g.seen_cycle) * g.half + pos % g.half - g.seen_pos;
    return away > 2 * g.half ? 0 : away;
  }

  // Does the persistent state hold together (for a buffer of dma_bytes)?
  bool Plausible(word dma_bytes) const {
    return g.magic == state_magic && g.taken - g.queued_from <= queue_bytes &&
           g.queued_from >= g.played &&
           (!g.open || (g.half == dma_bytes / 2 && (g.bits == 8 || g.bits == 16) &&
                        (g.channels == 1 || g.channels == 2))) &&
           g.half_data[0] <= g.half && g.half_data[1] <= g.half;
  }

private:
  AudioState &g;
  Card &card_;

  uint8_t Silence() const { return g.bits == 16 ? 0 : 0x80; }

  word NextData(word from) const {
    const word left = g.taken - from;
    return left < g.half ? left : g.half;
  }

  // Moves `data` bytes of the queue from stream position `from` into half h, silence after them.
  void Fill(word h, word from, word data) {
    uint8_t *dst = card_.buffer() + h * g.half;
    for (word done = 0; done < data;) {
      card_.step();   // a crash may leave the half part old, part new: it is filled again
      const word p = (from + done) % queue_bytes;
      word n = data - done;
      if (n > step_bytes) n = step_bytes;
      if (n > queue_bytes - p) n = queue_bytes - p;
      memcpy(dst + done, g.queue + p, n);
      done += n;
    }
    memset(dst + data, Silence(), g.half - data);
  }
};

} // namespace sb16
