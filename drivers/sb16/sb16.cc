// sb16: the Sound Blaster 16 (QEMU's -device sb16) as the `audio` server (arc/iface/audio.hh):
// one PCM stream, 8-bit unsigned or 16-bit signed, mono or stereo, 5000..44100 Hz, played by
// auto-initialised ISA DMA from a buffer of two halves. At the end of each half the card
// interrupts; the driver refills the half it has just played from its queue of written data
// while the card plays the other one.
//
// Boot configuration:
//   server audio sb16 ports=0x220-0x22f,0x00-0x0f,0xc0-0xdf,0x81-0x8f irq=5 dma=32KiB
//                     restart=hot,warm
// (QEMU's card: base 0x220, IRQ 5, 8-bit DMA channel 1, 16-bit channel 5.)
//
// Restarts. The card goes on playing while the driver is down: it reads the DMA buffer, which
// the root task keeps for this process across hot and warm restarts (the same physical pages),
// and the DMA controller's address register says where it is. So everything about the stream
// is persistent (format, queue, what each half holds, how many halves the card has finished),
// and the hardware is not programmed again by Recover() while it plays: that would start the
// buffer over and repeat what it holds. Recover() instead acknowledges the card's interrupt
// (unacknowledged, it would never interrupt again) and catches up with the card: a half it
// finished while nobody listened is refilled at once (Sync). Sync decides from the hardware's
// position, not from the interrupt, so an interrupt handled twice (replayed, or arriving after
// Recover caught up) changes nothing, and a refill cut short by a crash is done again from the
// same queue position (it is committed only once complete). A stream that was being started
// when the driver failed is started again from its start. Nothing the card plays is lost or
// repeated as long as the driver is back before the card has played the other half (16 KiB:
// 186 ms at 22050 Hz 16-bit mono); docs/audio.md has the measured gaps.
#include "dsp.hh"
#include "isa_dma.hh"

#include <arc/iface/audio.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <string.h>

using namespace arc;

namespace {

constexpr word queue_bytes = 32 * 1024;   // written data not yet in the DMA buffer
constexpr word state_magic = 0x53423136;   // "SB16"
constexpr isa_dma::Channel dma8{1}, dma16{5};
constexpr word step_bytes = 512;           // a fault may strike after each such piece of a copy
constexpr word overrun_margin_ms = 50;

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
ARC_PDATA AudioState g = {};

}  // namespace

class Sb16 : public ArcServer<Sb16> {
public:
  Sb16() : ArcServer("audio") {}

  Status Initialize() {
    g.magic = state_magic;
    if (Status st = Attach(); st != Status::ok) return st;
    if (!dsp::reset()) {
      ::printf("[sb16] no DSP answers at %#x\n", unsigned(dsp::base));
      return Status::not_supported;
    }
    dsp::write(dsp::version);
    const int major = dsp::read(), minor = dsp::read();
    if (Status st = RegisterName(audio::service_name); st != Status::ok)
      ::printf("[sb16] cannot register with the name service (status %lu)\n", word(st));
    ::printf("[sb16] DSP %d.%02d at %#x, irq %lu, DMA %lu KiB at %#lx: ready\n", major, minor,
             unsigned(dsp::base), IrqLine(), dma_bytes_ / 1024, dma_phys_);
    return Status::ok;
  }

  Recovery Recover() {
    if (Attach() != Status::ok) return Recovery::cold;   // first: Plausible needs the buffer
    if (g.magic != state_magic || !Plausible()) {
      ::printf("[sb16] persistent state is implausible: starting over\n");
      return Recovery::cold;
    }
    ++g.restarts;
    word away = 0;   // bytes the card played since the driver last looked
    const word per_ms = g.open ? g.rate * g.channels * g.bits / 8 / 1000 : 1;
    if (g.starting) {
      Start();   // the card may be half programmed: all of it again, from the stream's start
    } else if (g.running) {
      // What the card had left when the driver last looked: the rest of its half, and the other
      // half unless the card was already in it with its refill still to do (an interrupt
      // waiting behind the request that failed). Away longer, it has gone round into a half
      // nobody refilled and played it again; the position cannot tell how many times, the clock
      // can.
      const word ahead = g.seen_cycle == g.cycle ? g.half : 0;
      const word left_ms = (g.half - g.seen_pos + ahead) / per_ms, away_ms = NowMs() - g.seen_ms;
      // The card reads ahead of what it plays by QEMU's audio buffer (tens of ms): a margin.
      if (away_ms + overrun_margin_ms >= left_ms) {
        ++g.overruns;
        ::printf("[sb16] away for %lu ms, about the %lu ms the buffer held or more: the card may "
                 "have played old data again\n", away_ms, left_ms);
      }
      const word pos = Position();
      // The card is in half cycle % 2, or one further if it finished that one meanwhile.
      const word now_cycle = g.cycle + ((pos >= g.half) != (g.cycle % 2));
      away = (now_cycle - g.seen_cycle) * g.half + pos % g.half - g.seen_pos;
      if (away > 2 * g.half) away = 0;   // gone round: only the clock knows
      dsp::ack(g.bits == 16);
      Sync();
    }
    irq_ctl(IrqOp::ack, g.irq_slot);
    RegisterName(audio::service_name);
    ::printf("[sb16] recovered: %s, %lu bytes taken, %lu played, card in half %lu at %lu, "
             "%lu halves done; it played %lu bytes (%lu ms) since the driver last looked\n",
             g.running ? "playing" : "idle", g.taken, g.played, g.cycle % 2,
             g.running ? Position() : 0, g.cycle, away, away / per_ms);
    return Recovery::resume;
  }

  static constexpr auto Handlers() {
    return audio::handlers<Sb16> + handler_table<Sb16>({{label::irq, 0, 1, &Sb16::Irq, "irq"}});
  }

  Status Open(const Request &req, Reply &rep) {
    const word rate = req.arg(1), bits = req.arg(2), channels = req.arg(3);
    if (rate < audio::min_rate || rate > audio::max_rate || (bits != 8 && bits != 16) ||
        (channels != 1 && channels != 2))
      return Status::invalid_arg;
    Stop();
    g.rate = rate;
    g.bits = bits;
    g.channels = channels;
    g.half = dma_bytes_ / 2;
    g.taken = g.queued_from = g.played = g.silence = g.cycle = 0;
    g.half_start[0] = g.half_start[1] = g.half_data[0] = g.half_data[1] = 0;
    g.refill = Refill{};
    g.draining = false;
    g.open = true;
    ::printf("[sb16] open: %lu Hz, %lu bits, %lu channel(s), halves of %lu bytes\n", rate, bits,
             channels, g.half);
    rep.put(g.half);
    return Status::ok;
  }

  Status Write(const Request &req, Reply &rep) {
    Look();
    const word id = req.arg(1), off = req.arg(2), bytes = req.arg(3), pos = req.arg(4);
    const SessionEntry *s = sessions().Find(req.badge, id);
    const word frame = g.channels * g.bits / 8;
    if (!g.open || g.draining || !s || off > s->bytes || bytes > s->bytes - off ||
        bytes % frame || pos % frame || pos > g.taken)
      return Status::invalid_arg;
    // What the queue has already (a replay, a client sending again) is skipped; what does not
    // fit waits for the client's next try.
    word skip = g.taken - pos, take = bytes > skip ? bytes - skip : 0;
    const word room = queue_bytes - (g.taken - g.queued_from);
    if (take > room) take = room - room % frame;
    const auto *src = static_cast<const uint8_t *>(s->data()) + off + (bytes > skip ? skip : bytes);
    for (word done = 0; done < take;) {
      fault_step();
      const word p = (g.taken + done) % queue_bytes;
      word n = take - done;
      if (n > step_bytes) n = step_bytes;
      if (n > queue_bytes - p) n = queue_bytes - p;
      memcpy(g.queue + p, src + done, n);
      done += n;
    }
    g.taken += take;   // the commit: the bytes are ours from here on
    if (!g.running && g.taken - g.queued_from >= 2 * g.half) Start();
    rep.put(g.taken);
    return Status::ok;
  }

  Status Info(const Request &, Reply &rep) {
    Look();
    const word out[] = {g.taken, g.played, g.silence, word(g.running), g.restarts};
    for (word w : out) rep.put(w);
    return Status::ok;
  }

  Status Drain(const Request &, Reply &) {
    if (!g.open) return Status::invalid_arg;
    g.draining = true;
    if (!g.running && g.taken > g.queued_from) Start();
    return Status::ok;
  }

  Status Close(const Request &, Reply &) {
    Stop();
    g.open = g.draining = false;
    ::printf("[sb16] closed: %lu bytes played, %lu bytes of silence inserted, %lu irqs, "
             "%lu restarts\n", g.played, g.silence, g.irqs, g.restarts);
    return Status::ok;
  }

  Status Irq(const Request &, Reply &) {
    ++g.irqs;
    if (g.running) {
      dsp::ack(g.bits == 16);
      Sync();
      Look();
      // Drained: the card has played every byte of the stream, only silence is left.
      if (g.draining && g.played >= g.taken) Stop();
    } else {
      dsp::ack(true);
      dsp::ack(false);
    }
    irq_ctl(IrqOp::ack, g.irq_slot);
    return Status::ok;
  }

private:
  word dma_phys_ = 0, dma_bytes_ = 0;
  uint8_t *dma_ = nullptr;

  isa_dma::Channel Channel() const { return g.bits == 16 ? dma16 : dma8; }
  word Position() const { return isa_dma::position(Channel(), dma_phys_, dma_bytes_); }
  uint8_t Silence() const { return g.bits == 16 ? 0 : 0x80; }

  bool Plausible() const {
    return g.taken - g.queued_from <= queue_bytes && g.queued_from >= g.played &&
           (!g.open || (g.half == dma_bytes_ / 2 && (g.bits == 8 || g.bits == 16) &&
                        (g.channels == 1 || g.channels == 2))) &&
           g.half_data[0] <= g.half && g.half_data[1] <= g.half;
  }

  // Notes where the card is (after Sync, or in a half Sync has not caught up with yet: the
  // position within the cycle it belongs to).
  void Look() {
    if (!g.running) return;
    const word pos = Position();
    g.seen_cycle = g.cycle + ((pos >= g.half) != (g.cycle % 2));
    g.seen_pos = pos % g.half;
    g.seen_ms = NowMs();
  }

  static word NowMs() {
    const auto *info = reinterpret_cast<const proc::Info *>(boot_info_addr);
    return kd_ticks() * (info->tick_ms ? info->tick_ms : 1);
  }

  // Moves the next data of the queue into half h (silence after it), for refill `r`.
  void Fill(word h, word from, word data) {
    uint8_t *dst = dma_ + h * g.half;
    for (word done = 0; done < data;) {
      fault_step();   // a crash may leave the half part old, part new: it is filled again
      const word p = (from + done) % queue_bytes;
      word n = data - done;
      if (n > step_bytes) n = step_bytes;
      if (n > queue_bytes - p) n = queue_bytes - p;
      memcpy(dst + done, g.queue + p, n);
      done += n;
    }
    memset(dst + data, Silence(), g.half - data);
  }

  word NextData(word from) const {
    const word left = g.taken - from;
    return left < g.half ? left : g.half;
  }

  // The card finished the half it was playing when it now plays the other one: that half gets
  // the next data. Decided by the hardware's position, so running it again changes nothing.
  void Sync() {
    const word now = Position() >= g.half ? 1 : 0;
    const word h = g.cycle % 2;
    if (now == h) return;
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

  // Both halves from the queue, then the DMA controller and the DSP. `starting` stays set until
  // the card runs: a crash half-way starts it all again from start_from.
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
    const bool sixteen = g.bits == 16;
    isa_dma::program(Channel(), dma_phys_, dma_bytes_);
    dsp::write(dsp::set_output_rate);
    dsp::write(uint8_t(g.rate >> 8));
    dsp::write(uint8_t(g.rate));
    dsp::write(sixteen ? dsp::out16_auto : dsp::out8_auto);
    dsp::write(uint8_t((sixteen ? dsp::mode_signed : 0) | (g.channels == 2 ? dsp::mode_stereo : 0)));
    const word count = (sixteen ? g.half / 2 : g.half) - 1;   // per interrupt, in samples
    dsp::write(uint8_t(count));
    dsp::write(uint8_t(count >> 8));
    dsp::write(dsp::speaker_on);
    g.seen_cycle = g.seen_pos = 0;
    g.seen_ms = NowMs();
    g.running = true;
    g.starting = false;
    ::printf("[sb16] playing from byte %lu\n", g.half_start[0]);
  }

  void Stop() {
    if (!g.running && !g.starting) return;
    const bool sixteen = g.bits == 16;
    dsp::write(sixteen ? dsp::pause16 : dsp::pause8);
    dsp::write(sixteen ? dsp::exit_auto16 : dsp::exit_auto8);
    isa_dma::mask(Channel());
    g.running = g.starting = false;
    ::printf("[sb16] stopped: %lu bytes played, %lu bytes of silence inserted\n", g.played, g.silence);
  }

  static word IrqLine() {
    const proc::Resource *r = find_resource(proc::Resource::irq);
    return r ? r->first : 0;
  }

  Status Attach() {
    const proc::Resource *sb = find_ports(dsp::base, dsp::port_count);
    const proc::Resource *d8 = find_ports(0x00, 16), *d16 = find_ports(0xc0, 32);
    const proc::Resource *pages = find_ports(0x81, 11);
    const proc::Resource *irq = find_resource(proc::Resource::irq);
    const proc::Resource *dma = find_resource(proc::Resource::dma);
    if (!sb || !d8 || !d16 || !pages || !irq || !dma) {
      ::printf("[sb16] needs ports=0x220-0x22f,0x00-0x0f,0xc0-0xdf,0x81-0x8f irq=5 dma=NKiB\n");
      return Status::invalid_cap;
    }
    const proc::Resource *const port_ranges[] = {sb, d8, d16, pages};
    for (const proc::Resource *r : port_ranges)
      if (Status st = ioport(IoOp::enable, r->slot); st != Status::ok) return st;
    dma_phys_ = dma->first;
    dma_bytes_ = dma->count & ~word(7);
    dma_ = reinterpret_cast<uint8_t *>(dma->va);
    g.irq_slot = irq->slot;
    const Status st = irq_ctl(IrqOp::attach, irq->slot, endpoint());
    return st == Status::busy ? Status::ok : st;
  }
};

int main() {
  static Sb16 server;
  return server.Run();
}
