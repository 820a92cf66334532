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
// when the driver failed is started again from its start. That logic is stream.hh (host tests:
// tests/unit/test_sb16.cc); this file is the card's side of it and the server. Nothing the card
// plays is lost or repeated as long as the driver is back before the card has played what the
// buffer holds ahead, at least one half (16 KiB: 371 ms at 22050 Hz 16-bit mono); docs/audio.md
// has the measured gaps.
#include "dsp.hh"
#include "isa_dma.hh"
#include "stream.hh"

#include <arc/iface/audio.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <string.h>

using namespace arc;
using sb16::AudioState;

namespace {

constexpr isa_dma::Channel dma8{1}, dma16{5};
// The card reads ahead of what it plays by QEMU's audio buffer (tens of ms): a margin when
// telling whether it was left alone longer than its buffer lasts.
constexpr word overrun_margin_ms = 50;

ARC_PDATA AudioState g = {};

// The real card: the DSP, the ISA DMA controller and the buffer the root task gave us (dma=).
struct PcCard {
  word phys = 0, bytes = 0;
  uint8_t *dma = nullptr;

  static isa_dma::Channel channel(const AudioState &s) { return s.bits == 16 ? dma16 : dma8; }
  word position() const { return isa_dma::position(channel(g), phys, bytes); }
  uint8_t *buffer() const { return dma; }
  static void step() { fault_step(); }
  static word now_ms() {
    const auto *info = reinterpret_cast<const proc::Info *>(boot_info_addr);
    return kd_ticks() * (info->tick_ms ? info->tick_ms : 1);
  }

  // The controller first (it waits for the card's requests), then the DSP: rate, auto-init
  // output of one half per interrupt, the speaker on.
  void start(const AudioState &s) const {
    const bool sixteen = s.bits == 16;
    isa_dma::program(channel(s), phys, bytes);
    dsp::write(dsp::set_output_rate);
    dsp::write(uint8_t(s.rate >> 8));
    dsp::write(uint8_t(s.rate));
    dsp::write(sixteen ? dsp::out16_auto : dsp::out8_auto);
    dsp::write(uint8_t((sixteen ? dsp::mode_signed : 0) | (s.channels == 2 ? dsp::mode_stereo : 0)));
    const word count = (sixteen ? s.half / 2 : s.half) - 1;   // per interrupt, in samples
    dsp::write(uint8_t(count));
    dsp::write(uint8_t(count >> 8));
    dsp::write(dsp::speaker_on);
    ::printf("[sb16] playing from byte %lu\n", s.half_start[0]);
  }
  static void stop(const AudioState &s) {
    const bool sixteen = s.bits == 16;
    dsp::write(sixteen ? dsp::pause16 : dsp::pause8);
    dsp::write(sixteen ? dsp::exit_auto16 : dsp::exit_auto8);
    isa_dma::mask(channel(s));
    ::printf("[sb16] stopped: %lu bytes played, %lu bytes of silence inserted\n", s.played, s.silence);
  }
};

}  // namespace

class Sb16 : public ArcServer<Sb16> {
public:
  Sb16() : ArcServer("audio") {}

  Status Initialize() {
    g = AudioState{};
    g.magic = sb16::state_magic;
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
             unsigned(dsp::base), IrqLine(), card_.bytes / 1024, card_.phys);
    return Status::ok;
  }

  Recovery Recover() {
    if (Attach() != Status::ok) return Recovery::cold;   // first: Plausible needs the buffer
    if (!stream_.Plausible(card_.bytes)) {
      ::printf("[sb16] persistent state is implausible: starting over\n");
      return Recovery::cold;
    }
    ++g.restarts;
    word away = 0;   // bytes the card played since the driver last looked
    if (g.starting) {
      stream_.Start();   // the card may be half programmed: all of it again, from the start
    } else if (g.running) {
      // What the card had left when the driver last looked: the rest of its half, and the other
      // half unless the card was already in it with its refill still to do (an interrupt
      // waiting behind the request that failed). Away longer, it has gone round into a half
      // nobody refilled and played it again.
      bool overrun = false;
      word away_ms = 0, left_ms = 0;
      away = stream_.Away(overrun_margin_ms, &overrun, &away_ms, &left_ms);
      if (overrun) {
        ++g.overruns;
        ::printf("[sb16] away for %lu ms, about the %lu ms the buffer held or more: the card may "
                 "have played old data again\n", away_ms, left_ms);
      }
      dsp::ack(g.bits == 16);   // unacknowledged, the card would never interrupt again
      stream_.Sync();
    }
    irq_ctl(IrqOp::ack, g.irq_slot);
    RegisterName(audio::service_name);
    ::printf("[sb16] recovered: %s, %lu bytes taken, %lu played, card in half %lu at %lu, "
             "%lu halves done; it played %lu bytes (%lu ms) since the driver last looked\n",
             g.running ? "playing" : "idle", g.taken, g.played, g.cycle % 2,
             g.running ? card_.position() : 0, g.cycle, away, away / stream_.per_ms());
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
    stream_.Open(rate, bits, channels, card_.bytes / 2);
    ::printf("[sb16] open: %lu Hz, %lu bits, %lu channel(s), halves of %lu bytes\n", rate, bits,
             channels, g.half);
    rep.put(g.half);
    return Status::ok;
  }

  Status Write(const Request &req, Reply &rep) {
    stream_.Look();
    const word id = req.arg(1), off = req.arg(2), bytes = req.arg(3), pos = req.arg(4);
    const SessionEntry *s = sessions().Find(req.badge, id);
    if (!s || off > s->bytes || bytes > s->bytes - off) return Status::invalid_arg;
    const auto *src = static_cast<const uint8_t *>(s->data()) + off;
    if (stream_.Write(src, bytes, pos) != sb16::Taken::ok) return Status::invalid_arg;
    rep.put(g.taken);
    return Status::ok;
  }

  Status Info(const Request &, Reply &rep) {
    stream_.Look();
    const word out[] = {g.taken, g.played, g.silence, word(g.running), g.restarts};
    for (word w : out) rep.put(w);
    return Status::ok;
  }

  Status Drain(const Request &, Reply &) {
    if (!g.open) return Status::invalid_arg;
    stream_.Drain();
    return Status::ok;
  }

  Status Close(const Request &, Reply &) {
    stream_.Stop();
    g.open = g.draining = false;
    ::printf("[sb16] closed: %lu bytes played, %lu bytes of silence inserted, %lu irqs, "
             "%lu restarts\n", g.played, g.silence, g.irqs, g.restarts);
    return Status::ok;
  }

  Status Irq(const Request &, Reply &) {
    ++g.irqs;
    if (g.running) {
      dsp::ack(g.bits == 16);
      stream_.Interrupt();
    } else {
      dsp::ack(true);
      dsp::ack(false);
    }
    irq_ctl(IrqOp::ack, g.irq_slot);
    return Status::ok;
  }

private:
  PcCard card_;
  sb16::Stream<PcCard> stream_{g, card_};

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
    card_.phys = dma->first;
    card_.bytes = dma->count & ~word(7);
    card_.dma = reinterpret_cast<uint8_t *>(dma->va);
    g.irq_slot = irq->slot;
    return AttachIrq(irq->slot);   // attached, acknowledged and recorded: a checkpoint carries it
  }
};

int main() {
  static Sb16 server;
  return server.Run();
}
