// pl041: the ARM PrimeCell PL041 AACI with its LM4549 AC'97 codec (QEMU's realview-pb-a8:
// registers at 0x10004000, GIC line 19) as the `audio` server (arc/iface/audio.hh), the same
// interface as drivers/sb16: one PCM stream, 8-bit unsigned or 16-bit signed, mono or stereo, at
// any rate the codec's DAC takes with variable rate audio on (4000..48000 Hz).
//
// Boot configuration:   server audio pl041 mem=0x10004000-0x10005000 irq=19 restart=hot,warm
//
// There is no DMA (QEMU's model has none): the driver writes every frame into channel 1's
// transmit FIFO itself, as stereo 16-bit pairs in compact mode (a mono sample goes to both
// sides, an 8-bit one is moved to 16 bits), while the FIFO is half empty, at its interrupt.
//
// Restarts. The hardware holds only what is in the FIFO (and, in QEMU, the codec's buffer): it
// plays that on while the driver is down, then waits. The stream is persistent (format, queue,
// the position of the next frame for the FIFO, each frame committed as it is pushed), the
// hardware is not set up again while a stream is open (that would empty the FIFO), and Recover()
// only gives the FIFO what it wants (stream.hh: decided by the FIFO's status, so an interrupt
// served twice pushes nothing twice). A restart longer than the FIFO lasts leaves silence
// between two frames, never a frame lost or repeated; Recover() says how long it was away.
#include "aaci.hh"
#include "stream.hh"

#include <arc/iface/audio.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdio.h>

using namespace arc;
using pl041::AaciState;

namespace {

constexpr word aaci_base = 0x10004000;   // realview-pb-a8's AACI
constexpr word poll_limit = 100000;      // slot reads and writes: tries before giving up
constexpr uint32_t main_on = aaci::main_enable | aaci::main_sl1_rx | aaci::main_sl1_tx |
                             aaci::main_sl2_rx | aaci::main_sl2_tx;

ARC_PDATA AaciState g = {};

// The real AACI: channel 1's FIFO and the codec's registers through slots 1 and 2.
struct Aaci {
  volatile uint32_t *regs = nullptr;

  uint32_t read(aaci::Reg r) const { return regs[r / 4]; }
  void write(aaci::Reg r, uint32_t v) const { regs[r / 4] = v; }

  bool half_empty() const { return read(aaci::sr1) & aaci::sr_tx_half_empty; }
  void push(uint32_t frame) const { write(aaci::dr1, frame); }
  void interrupts(bool on) const { write(aaci::ie1, on ? aaci::int_tx : 0); }
  static void step() { fault_step(); }
  static word now_ms() {
    const auto *info = reinterpret_cast<const proc::Info *>(boot_info_addr);
    return kd_ticks() * (info->tick_ms ? info->tick_ms : 1);
  }

  // A codec register: its address in slot 1 once slot 1 is free, the data in slot 2 first.
  bool slot_free() const {
    for (word i = 0; i < poll_limit; ++i)
      if (!(read(aaci::slfr) & aaci::sl1_tx_busy)) return true;
    return false;
  }
  bool codec_write(unsigned reg, uint16_t v) const {
    if (!slot_free()) return false;
    write(aaci::sl2tx, aaci::slot2(v));
    write(aaci::sl1tx, aaci::slot1(reg));
    return slot_free();
  }
  // -1 when the codec does not answer.
  long codec_read(unsigned reg) const {
    if (!slot_free()) return -1;
    write(aaci::sl1tx, aaci::slot1(reg) | aaci::slot1_read);
    const uint32_t valid = aaci::sl1_rx_valid | aaci::sl2_rx_valid;
    for (word i = 0; i < poll_limit; ++i)
      if ((read(aaci::slfr) & valid) == valid) return long((read(aaci::sl2rx) >> 4) & 0xffff);
    return -1;
  }
};

}  // namespace

class Pl041 : public ArcServer<Pl041> {
public:
  Pl041() : ArcServer("audio") {}

  Status Initialize() {
    g = AaciState{};
    g.magic = pl041::state_magic;
    if (Status st = Attach(); st != Status::ok) return st;
    // The interface on with its codec slots, channel 1 off until a stream opens, the codec reset.
    aaci_.interrupts(false);
    aaci_.write(aaci::txcr1, 0);
    aaci_.write(aaci::maincr, main_on);
    if (!aaci_.codec_write(aaci::codec::reset, 0)) {
      ::printf("[pl041] the codec does not take its reset\n");
      return Status::not_supported;
    }
    const long v1 = aaci_.codec_read(aaci::codec::vendor_id1);
    const long v2 = aaci_.codec_read(aaci::codec::vendor_id2);
    const long ext = aaci_.codec_read(aaci::codec::ext_audio_id);
    if (v1 < 0 || v2 < 0 || ext < 0 || !(ext & aaci::codec::vra)) {
      ::printf("[pl041] no AC'97 codec with variable rate audio answers (vendor %#lx %#lx, "
               "extended audio %#lx)\n", v1, v2, ext);
      return Status::not_supported;
    }
    if (Status st = RegisterName(audio::service_name); st != Status::ok)
      ::printf("[pl041] cannot register with the name service (status %lu)\n", word(st));
    ::printf("[pl041] AACI at %#lx, irq %lu, AC'97 codec %04lx %04lx: ready\n", aaci_base,
             IrqLine(), word(v1), word(v2));
    return Status::ok;
  }

  Recovery Recover() {
    if (Attach() != Status::ok) return Recovery::cold;
    if (!stream_.Plausible()) {
      ::printf("[pl041] persistent state is implausible: starting over\n");
      return Recovery::cold;
    }
    ++g.restarts;
    stream_.Recover();
    irq_ctl(IrqOp::ack, g.irq_slot);
    RegisterName(audio::service_name);
    ::printf("[pl041] recovered: %s, %lu bytes taken, %lu sent; the FIFO was alone for %lu ms "
             "(longest %lu ms, silence at most %lu ms in all)\n", g.open ? "open" : "idle",
             g.taken, g.sent, g.away_ms, g.away_max_ms, g.silence_ms);
    return Recovery::resume;
  }

  static constexpr auto Handlers() {
    return audio::handlers<Pl041> + handler_table<Pl041>({{label::irq, 0, 1, &Pl041::Irq, "irq"}});
  }

  // A new stream: the codec's DAC to the rate (variable rate audio on), channel 1 on in compact
  // 16-bit mode on the PCM slots. A rate the DAC does not keep is refused, with a line saying so.
  Status Open(const Request &req, Reply &rep) {
    const word rate = req.arg(1), bits = req.arg(2), channels = req.arg(3);
    if ((bits != 8 && bits != 16) || (channels != 1 && channels != 2)) return Status::invalid_arg;
    if (rate < aaci::codec::min_rate || rate > aaci::codec::max_rate) {
      ::printf("[pl041] open: %lu Hz refused: the LM4549 plays %u..%u Hz\n", rate,
               aaci::codec::min_rate, aaci::codec::max_rate);
      return Status::invalid_arg;
    }
    stream_.Open(rate, bits, channels);
    // The interface off and on again: the old stream's FIFO is emptied.
    aaci_.write(aaci::txcr1, 0);
    aaci_.write(aaci::maincr, 0);
    aaci_.write(aaci::maincr, main_on);
    const long ctrl = aaci_.codec_read(aaci::codec::ext_audio_ctrl);
    const bool set = ctrl >= 0 &&
                     aaci_.codec_write(aaci::codec::ext_audio_ctrl, uint16_t(ctrl | aaci::codec::vra)) &&
                     aaci_.codec_write(aaci::codec::dac_rate, uint16_t(rate)) &&
                     aaci_.codec_write(aaci::codec::master_volume, aaci::codec::volume_0db) &&
                     aaci_.codec_write(aaci::codec::pcm_out_volume, aaci::codec::pcm_gain_0db);
    const long now = aaci_.codec_read(aaci::codec::dac_rate);
    if (!set || now != long(rate)) {
      ::printf("[pl041] open: the codec keeps %ld Hz, not %lu Hz: refused\n", now, rate);
      stream_.Close();
      return Status::not_supported;
    }
    aaci_.write(aaci::txcr1, aaci::tx_enable | aaci::tx_slot3 | aaci::tx_slot4 | aaci::tx_size16 |
                                 aaci::tx_compact | aaci::tx_fifo_enable);
    ::printf("[pl041] open: %lu Hz, %lu bits, %lu channel(s), up to %lu frames per interrupt\n",
             rate, bits, channels, pl041::batch_frames);
    rep.put(pl041::batch_frames * stream_.frame());
    return Status::ok;
  }

  Status Write(const Request &req, Reply &rep) {
    const word id = req.arg(1), off = req.arg(2), bytes = req.arg(3), pos = req.arg(4);
    const SessionEntry *s = sessions().Find(req.badge, id);
    if (!s || off > s->bytes || bytes > s->bytes - off) return Status::invalid_arg;
    const auto *src = static_cast<const uint8_t *>(s->data()) + off;
    if (stream_.Write(src, bytes, pos) != pl041::Taken::ok) return Status::invalid_arg;
    rep.put(g.taken);
    return Status::ok;
  }

  // played: bytes in the FIFO (the hardware plays them without the driver); silence: the driver
  // inserts none (the FIFO waits when there is no data); running: until a drained stream's
  // closing silence has played.
  Status Info(const Request &, Reply &rep) {
    const word out[] = {g.taken, g.sent, 0, word(stream_.Playing()), g.restarts};
    for (word w : out) rep.put(w);
    return Status::ok;
  }

  Status Drain(const Request &, Reply &) {
    if (!g.open) return Status::invalid_arg;
    stream_.Drain();
    return Status::ok;
  }

  Status Close(const Request &, Reply &) {
    stream_.Close();
    ::printf("[pl041] closed: %lu bytes played, %lu irqs, %lu restarts, the FIFO alone for at "
             "most %lu ms at a restart, silence at most %lu ms in all\n", g.sent, g.irqs,
             g.restarts, g.away_max_ms, g.silence_ms);
    return Status::ok;
  }

  Status Irq(const Request &, Reply &) {
    ++g.irqs;
    stream_.Feed();
    irq_ctl(IrqOp::ack, g.irq_slot);
    return Status::ok;
  }

private:
  Aaci aaci_;
  pl041::Stream<Aaci> stream_{g, aaci_};

  static word IrqLine() {
    const proc::Resource *r = find_resource(proc::Resource::irq);
    return r ? r->first : 0;
  }

  // The registers (mem=) and the interrupt (irq=).
  Status Attach() {
    const proc::Resource *mem = nullptr;
    for (unsigned i = 0; const proc::Resource *r = find_resource(proc::Resource::mem, i); ++i)
      if (r->first == aaci_base && r->count >= 0x1000 && r->va) mem = r;
    const proc::Resource *irq = find_resource(proc::Resource::irq);
    if (!mem || !irq) {
      ::printf("[pl041] needs mem=%#lx-%#lx irq=19 (the AACI's registers and interrupt)\n",
               aaci_base, aaci_base + 0x1000);
      return Status::invalid_cap;
    }
    aaci_.regs = reinterpret_cast<volatile uint32_t *>(mem->va);
    const uint32_t part = (aaci_.read(aaci::periph_id0) & 0xff) |
                          (aaci_.read(aaci::periph_id1) & 0xf) << 8;
    if (part != aaci::part_number) {
      ::printf("[pl041] no PL041 at %#lx (part number %#lx)\n", aaci_base, word(part));
      return Status::not_supported;
    }
    g.irq_slot = irq->slot;
    return AttachIrq(irq->slot);   // attached, acknowledged and recorded: a checkpoint carries it
  }
};

int main() {
  static Pl041 server;
  return server.Run();
}
