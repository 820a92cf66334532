// pl111: the ARM PrimeCell PL111 colour LCD controller (CLCD) as the `fb` server, on QEMU's
// realview-pb-a8 (registers at 0x10020000). The controller reads its picture from RAM, by
// physical address (LCDUPBASE), on its own: the surface is the process's DMA buffer (dma=),
// contiguous, with a known physical address, big enough for the largest mode it accepts.
//
// Boot configuration:   server fb pl111 mem=0x10020000-0x10021000 dma=1200KiB
//
// Restarts: what is on the screen is the surface, and the surface is frames of this process,
// which hot and warm restarts keep (the controller goes on scanning them meanwhile): nothing to
// redraw. The mode and the surface's physical address are in persistent memory; Recover() checks
// that the buffer is the same one and programs the controller again from them (the same values:
// the picture stays). Fill and blit are idempotent (fb/surface.hh), so the request a crash
// interrupted is simply replayed. A cold restart loses the picture: the new process's surface is
// zeroed frames, and clients must set the mode and draw again (docs/framebuffer.md).
#include <arc/iface/fb.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <fb/surface.hh>
#include <fb/text.hh>

#include <stdio.h>

using namespace arc;

namespace {

constexpr word clcd_base = 0x10020000;   // realview-pb-a8's CLCD
// Register offsets (PL111 TRM): the PL111 has the control register at 0x18 (the PL110 at 0x1c).
enum Reg : word { timing0 = 0x00, timing1 = 0x04, timing2 = 0x08, timing3 = 0x0c, upbase = 0x10,
                  lpbase = 0x14, control = 0x18, imsc = 0x1c, periph_id0 = 0xfe0,
                  periph_id1 = 0xfe4 };
// LCDControl: enable, 24 bits per pixel in a 32-bit word (LcdBpp 0b101), a TFT panel, power on.
// BGR (bit 8) swaps red and blue: without it the PL111 takes the low byte of a word as red, and the
// interface's pixels are 0x00RRGGBB, blue in the low byte.
constexpr uint32_t ctl_enable = 1u << 0, ctl_bpp24 = 5u << 1, ctl_tft = 1u << 5, ctl_bgr = 1u << 8,
                   ctl_power = 1u << 11;

struct ClcdState {
  word magic;
  word width, height;   // 0: no mode set yet
  word mode_sets, drawn;
  word surface_phys;    // the DMA buffer the controller scans (LCDUPBASE)
  fbtext::State text;   // the text console's cursor
};
constexpr word state_magic = 0x4c434454;   // "LCDT"
ARC_PDATA ClcdState g_lcd = {};

} // namespace

class Pl111 : public ArcServer<Pl111> {
public:
  Pl111() : ArcServer("fb") {}

  Status Initialize() {
    if (Status st = Attach(); st != Status::ok) return st;
    // After a cold restart the controller may still be on, scanning what the last driver gave it.
    // Our surface is fresh frames, zeroed: when they are the same run (the root task hands out the
    // lowest free one, so after a cold restart it is), the screen now shows black until a client
    // sets a mode and draws; when they are not, the controller would scan frames no longer ours,
    // so it is turned off.
    if ((Read(control) & ctl_enable) && Read(upbase) != uint32_t(phys_)) Write(control, 0);
    g_lcd = ClcdState{state_magic, 0, 0, 0, 0, phys_, {}};
    if (Status st = RegisterName(fb::service_name); st != Status::ok)
      ::printf("[fb] cannot register with the name service (status %lu)\n", word(st));
    ::printf("[fb] PL111 at %#lx, surface %lu KiB at physical %#lx: ready\n", clcd_base,
             bytes_ / 1024, phys_);
    return Status::ok;
  }

  Recovery Recover() {
    if (g_lcd.magic != state_magic || g_lcd.width > fb::max_width || g_lcd.height > fb::max_height)
      return Recovery::cold;
    if (Attach() != Status::ok) return Recovery::cold;
    // Another buffer would mean the picture is gone (only a cold restart frees the frames).
    if (phys_ != g_lcd.surface_phys) {
      ::printf("[fb] the surface moved (%#lx, was %#lx): starting afresh\n", phys_,
               g_lcd.surface_phys);
      return Recovery::cold;
    }
    if (g_lcd.width && g_lcd.width * g_lcd.height * 4 > bytes_) return Recovery::cold;
    // A driver gone wrong may have written the registers: the mode again, from what we keep.
    surface_.width = g_lcd.width;
    surface_.height = g_lcd.height;
    if (g_lcd.width) Program();
    RegisterName(fb::service_name);
    ::printf("[fb] recovered: %lux%lu, %lu pixels drawn\n", g_lcd.width, g_lcd.height, g_lcd.drawn);
    return Recovery::resume;
  }

  static constexpr auto Handlers() { return fb::handlers<Pl111>; }

  Status SetMode(const Request &req, Reply &rep) {
    const word w = req.arg(1), h = req.arg(2);
    // The PL111 counts pixels per line in 16s and lines up to 1024.
    if (w < 16 || h < 8 || w > fb::max_width || h > fb::max_height || w % 16 || w * h * 4 > bytes_)
      return Status::invalid_arg;
    g_lcd.width = surface_.width = w;
    g_lcd.height = surface_.height = h;
    Program();
    ++g_lcd.mode_sets;
    rep.put(w * 4);
    return Status::ok;
  }

  Status Info(const Request &, Reply &rep) {
    const word out[] = {g_lcd.width, g_lcd.height, g_lcd.width * 4, g_lcd.mode_sets, g_lcd.drawn};
    for (word v : out) rep.put(v);
    return Status::ok;
  }

  Status Fill(const Request &req, Reply &) { return surface_.Fill(req, &g_lcd.drawn); }
  Status Blit(const Request &req, Reply &) { return surface_.Blit(req, sessions(), &g_lcd.drawn); }
  Status Text(const Request &req, Reply &rep) {
    return fbtext::Text(surface_, &g_lcd.text, &g_lcd.drawn, req, rep);
  }

private:
  volatile uint32_t *regs_ = nullptr;
  fbdraw::Surface surface_;
  word phys_ = 0, bytes_ = 0;

  void Write(Reg r, uint32_t v) const { regs_[r / 4] = v; }
  uint32_t Read(Reg r) const { return regs_[r / 4]; }

  // The controller off, the timings of the mode (VGA's porches and sync widths: QEMU reads only
  // the pixels per line and the lines), the surface, then on again.
  void Program() {
    const word w = g_lcd.width, h = g_lcd.height;
    Write(control, 0);
    Write(imsc, 0);   // no interrupts: nothing waits for a frame
    // Timing0: HBP-1 [31:24], HFP-1 [23:16], HSW-1 [15:8], pixels per line / 16 - 1 [7:2].
    Write(timing0, (47u << 24) | (15u << 16) | (95u << 8) | uint32_t((w / 16 - 1) << 2));
    // Timing1: VBP [31:24], VFP [23:16], VSW-1 [15:10], lines per panel - 1 [9:0].
    Write(timing1, (33u << 24) | (10u << 16) | (1u << 10) | uint32_t(h - 1));
    // Timing2: clocks per line - 1 [25:16], bypass the clock divider (26), inverted syncs (12, 11).
    Write(timing2, (1u << 26) | uint32_t((w - 1) << 16) | (1u << 12) | (1u << 11));
    Write(timing3, 0);
    Write(upbase, uint32_t(phys_));
    Write(lpbase, 0);
    Write(control, ctl_enable | ctl_bpp24 | ctl_tft | ctl_bgr | ctl_power);
  }

  // The registers (mem=) and the surface (dma=).
  Status Attach() {
    const proc::Resource *mem = nullptr;
    for (unsigned i = 0; const proc::Resource *r = find_resource(proc::Resource::mem, i); ++i)
      if (r->first == clcd_base && r->count >= 0x1000 && r->va) mem = r;
    if (!mem) {
      ::printf("[fb] needs mem=%#lx-%#lx (the CLCD's registers)\n", clcd_base, clcd_base + 0x1000);
      return Status::invalid_cap;
    }
    regs_ = reinterpret_cast<volatile uint32_t *>(mem->va);
    // PrimeCell identification: part number 0x111 in PeriphID0 and the low half of PeriphID1.
    const uint32_t part = (Read(periph_id0) & 0xff) | (Read(periph_id1) & 0xf) << 8;
    if (part != 0x111) {
      ::printf("[fb] no PL111 at %#lx (part number %#lx)\n", clcd_base, word(part));
      return Status::not_supported;
    }
    const proc::Resource *dma = find_resource(proc::Resource::dma);
    if (!dma || !dma->va || dma->count < 16 * 8 * 4) {
      ::printf("[fb] needs dma=NKiB: the surface the controller scans\n");
      return Status::invalid_cap;
    }
    surface_.base = reinterpret_cast<volatile uint32_t *>(dma->va);
    phys_ = dma->first;
    bytes_ = dma->count;
    return Status::ok;
  }
};

int main() {
  static Pl111 server;
  return server.Run();
}
