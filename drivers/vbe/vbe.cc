// vbe: QEMU's standard VGA (PCI 1234:1111) in Bochs DISPI mode as the `fb` server: a linear
// framebuffer of 32-bit pixels. The mode is set through the DISPI index/data ports (0x1ce,
// 0x1cf, 16 bits wide); the framebuffer is the device's BAR 0, which the boot configuration maps (mem=) and the
// driver checks against the device's PCI configuration (ports 0xcf8-0xcff) before it draws.
//
// Boot configuration:   server fb vbe ports=0x1ce-0x1d0,0xcf8-0xcff mem=0xfd000000-0xfd300000
//
// Restarts: the mode is in persistent memory (set again from it after a restart; the DISPI
// "no clear" bit keeps what is on the screen), the screen is device memory. After a cold restart
// the new driver clears the screen an earlier one left (ForgetScreen). Fill and blit set
// pixels to given values, so a replay after a crash in their middle (arc::fault_step() before
// each row) finishes the picture as if nothing had happened (fb/surface.hh, shared with pl111).
#include <arc/iface/fb.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <fb/surface.hh>
#include <fb/text.hh>
#include <pc/io.hh>

#include <stdio.h>
#include <string.h>

using namespace arc;

namespace {

constexpr uint16_t dispi_index = 0x1ce, dispi_data = 0x1cf;
enum Dispi : uint16_t { id = 0, xres = 1, yres = 2, bpp = 3, enable = 4, virt_width = 6,
                        virt_height = 7, x_offset = 8, y_offset = 9 };
constexpr uint16_t enabled = 0x01, lfb = 0x40, no_clear = 0x80;
constexpr uint16_t pci_addr = 0xcf8, pci_data = 0xcfc;
constexpr uint32_t vendor_device = 0x11111234;   // QEMU's std VGA: vendor 0x1234, device 0x1111

struct FbState {
  word magic;
  word width, height;   // 0: no mode set yet
  word mode_sets, drawn;
  fbtext::State text;   // the text console's cursor
};
constexpr word state_magic = 0x46425355;   // "FBSU"
ARC_PDATA FbState g_fb = {};

void dispi_write(Dispi reg, uint16_t v) {
  pc::outw(dispi_index, reg);
  pc::outw(dispi_data, v);
}
uint16_t dispi_read(Dispi reg) {
  pc::outw(dispi_index, reg);
  return pc::inw(dispi_data);
}

// BAR 0 of the first std VGA on bus 0 (0: none found).
uint32_t vga_bar0() {
  for (uint32_t dev = 0; dev < 32; ++dev) {
    const uint32_t addr = 0x80000000u | (dev << 11);
    pc::outl(pci_addr, addr);
    if (pc::inl(pci_data) != vendor_device) continue;
    pc::outl(pci_addr, addr | 0x10);
    return pc::inl(pci_data) & ~0xfu;
  }
  return 0;
}

} // namespace

class Vbe : public ArcServer<Vbe> {
public:
  Vbe() : ArcServer("fb") {}

  Status Initialize() {
    g_fb = FbState{state_magic, 0, 0, 0, 0, {}};
    if (Status st = Attach(); st != Status::ok) return st;
    ForgetScreen();
    if (Status st = RegisterName(fb::service_name); st != Status::ok)
      ::printf("[fb] cannot register with the name service (status %lu)\n", word(st));
    ::printf("[fb] Bochs DISPI %#x, framebuffer %lu KiB at %#lx: ready\n", dispi_read(id),
             window_bytes_ / 1024, bar_);
    return Status::ok;
  }

  Recovery Recover() {
    if (g_fb.magic != state_magic || g_fb.width > fb::max_width || g_fb.height > fb::max_height)
      return Recovery::cold;
    if (Attach() != Status::ok) return Recovery::cold;
    // The device may have been reprogrammed by a driver gone wrong: the mode again, the screen kept.
    surface_.width = g_fb.width;
    surface_.height = g_fb.height;
    if (g_fb.width) Program(g_fb.width, g_fb.height, true);
    RegisterName(fb::service_name);
    ::printf("[fb] recovered: %lux%lu, %lu pixels drawn\n", g_fb.width, g_fb.height, g_fb.drawn);
    return Recovery::resume;
  }

  static constexpr auto Handlers() { return fb::handlers<Vbe>; }

  Status SetMode(const Request &req, Reply &rep) {
    const word w = req.arg(1), h = req.arg(2);
    if (w < 8 || h < 8 || w > fb::max_width || h > fb::max_height || w % 8 ||
        w * h * 4 > window_bytes_)
      return Status::invalid_arg;
    Program(w, h, false);
    g_fb.width = surface_.width = w;
    g_fb.height = surface_.height = h;
    ++g_fb.mode_sets;
    rep.put(w * 4);
    return Status::ok;
  }

  Status Info(const Request &, Reply &rep) {
    const word out[] = {g_fb.width, g_fb.height, g_fb.width * 4, g_fb.mode_sets, g_fb.drawn};
    for (word w : out) rep.put(w);
    return Status::ok;
  }

  Status Fill(const Request &req, Reply &) { return surface_.Fill(req, &g_fb.drawn); }
  Status Blit(const Request &req, Reply &) { return surface_.Blit(req, sessions(), &g_fb.drawn); }
  Status Text(const Request &req, Reply &rep) {
    return fbtext::Text(surface_, &g_fb.text, &g_fb.drawn, req, rep);
  }

private:
  fbdraw::Surface surface_;   // the device's framebuffer, the mode's size
  word window_bytes_ = 0, bar_ = 0;

  void Program(word w, word h, bool keep_screen) {
    dispi_write(enable, 0);
    dispi_write(xres, uint16_t(w));
    dispi_write(yres, uint16_t(h));
    dispi_write(bpp, 32);
    dispi_write(virt_width, uint16_t(w));
    dispi_write(virt_height, uint16_t(h));
    dispi_write(x_offset, 0);
    dispi_write(y_offset, 0);
    dispi_write(enable, enabled | lfb | (keep_screen ? no_clear : 0));
  }

  // A fresh driver on a card that is already in a DISPI mode: an earlier driver of this process
  // was restarted cold (the card, unlike the process, keeps its mode and memory). That picture is
  // no client's any more and may be half-drawn: set the same mode again without "no clear", so
  // the card clears its memory. The screen goes black, as a cold PL111 does, until a client
  // draws; the new driver still knows no mode (the clients set theirs again).
  void ForgetScreen() {
    if (!(dispi_read(enable) & enabled)) return;   // power-on: the card is in VGA text mode
    const uint16_t w = dispi_read(xres), h = dispi_read(yres);
    if (w < 8 || h < 8 || w > fb::max_width || h > fb::max_height || w % 8 ||
        word(w) * h * 4 > window_bytes_) {
      dispi_write(enable, 0);   // a mode this driver would not set: DISPI off, the VGA's own
      ::printf("[fb] the card shows a %ux%u mode left by an earlier driver: turned off\n", w, h);
      return;
    }
    Program(w, h, false);
    ::printf("[fb] the card shows a %ux%u mode left by an earlier driver: cleared\n", w, h);
  }

  // The ports, the device, and the window onto its framebuffer.
  Status Attach() {
    // The data port is 16 bits wide at 0x1cf: its accesses reach 0x1d0 too.
    const proc::Resource *dp = find_ports(dispi_index, 3), *pp = find_ports(pci_addr, 8);
    if (!dp || !pp || ioport(IoOp::enable, dp->slot) != Status::ok ||
        ioport(IoOp::enable, pp->slot) != Status::ok) {
      ::printf("[fb] needs ports=0x1ce-0x1d0,0xcf8-0xcff\n");
      return Status::invalid_cap;
    }
    const uint16_t version = dispi_read(id);
    if (version < 0xb0c0 || version > 0xb0cf) {
      ::printf("[fb] no Bochs DISPI interface (id %#x): not QEMU's standard VGA\n", version);
      return Status::not_supported;
    }
    bar_ = vga_bar0();
    const proc::Resource *mem = nullptr;
    for (unsigned i = 0; const proc::Resource *r = find_resource(proc::Resource::mem, i); ++i)
      if (r->first == bar_) mem = r;
    if (!bar_ || !mem || !mem->va) {
      ::printf("[fb] the framebuffer is at %#lx: the boot configuration maps no window there "
               "(mem=%#lx-%#lx)\n", bar_, bar_, bar_ + 0x300000);
      return Status::invalid_cap;
    }
    surface_.base = reinterpret_cast<volatile uint32_t *>(mem->va);
    window_bytes_ = mem->count;
    return Status::ok;
  }
};

int main() {
  static Vbe server;
  return server.Run();
}
