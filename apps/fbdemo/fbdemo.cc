// fbdemo: draws a known picture (picture.hh) through the `fb` interface, animating part of it.
// With `crash` (boot line: fbdemo -- crash; needs may=inject) it first arms faults in the driver
// through the monitor, to strike in the middle of its requests: a crash half-way through the
// first blit, a panic half-way through the animation. The driver is restarted by its policy and
// the demo sees nothing: every call answers, and the picture on the screen is exact (the
// scenario compares QEMU's screendump with the picture computed on the host).
// With `cold` it arms the same crash half-way through the first blit in a driver whose policy
// restarts it cold: the new driver knows no mode and shows no picture (docs/framebuffer.md), and
// the pending blit fails with partner_gone (the "server reset"). The demo then looks the driver up
// again, says what it finds (no mode set), waits two seconds (the scenario takes a screendump of
// the lost screen meanwhile) and draws the whole picture again from the start.
// With `text` it writes text.hh's lines to the driver's text console instead, while a crash and
// then a panic armed through the monitor strike the driver in the middle of drawing characters.
#include "picture.hh"
#include "text.hh"

#include <arc/iface/fb.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/session.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <string.h>

using namespace arc;
using namespace fbpic;

namespace {
int failures;
void expect_ok(const char *what, Status st) {
  if (st == Status::ok) return;
  ++failures;
  ::printf("FBDEMO: FAIL %s: %s\n", what, status_name(st));
}
void arm(const char *kind, word after_steps) {
  const Status st = inject_fault("fb", inject_kind(kind), after_steps, server_label::inject_at_step);
  ::printf("FBDEMO: %s armed after %lu rows: %s\n", kind, after_steps, status_name(st));
  if (st != Status::ok) ++failures;
}

// The driver's endpoint after a cold restart: the name again, until the new driver answers
// (the name service may still hand out the old, dead endpoint for a moment).
bool reconnect(CapSlot slot, fb::Client *fb, fb::Info *info) {
  for (int tries = 0; tries < 100; ++tries) {
    if (name_wait(fb::service_name, slot, 10000) == Status::ok) {
      fb->bind(slot);
      if (fb->GetInfo(info) == Status::ok) return true;
    }
    sleep_ms(50);
  }
  return false;
}

// Cold-restart statuses: the call was cut by the driver's destruction (partner_gone), or its
// endpoint is gone (invalid_cap, no_partner).
bool reset(Status st) {
  return st == Status::partner_gone || st == Status::invalid_cap || st == Status::no_partner;
}

// The text console: the background, then text.hh's lines as one stream, in requests of up to
// fb::max_text bytes, each sent from where the driver says its stream ends.
int text_console(const fb::Client &fb) {
  expect_ok("set_mode", fb.SetMode(width, height));
  expect_ok("background", fb.Fill(0, 0, width, height, background));
  static char stream[2048];
  word n = 0;
  for (const char *line : text_lines) {
    for (const char *c = line; *c && n < sizeof(stream) - 1; ++c) stream[n++] = *c;
    if (n < sizeof(stream)) stream[n++] = '\n';
  }
  arm("crash", 16 * 100 + 7);   // in the 101st character's rows
  word pos = 0, requests = 0;
  bool panic_armed = false;
  while (pos < n && !failures) {
    if (!panic_armed && pos >= 3 * fb::max_text) {
      arm("panic", 16 * 60 + 3);
      panic_armed = true;
    }
    const word chunk = n - pos < fb::max_text ? n - pos : fb::max_text;
    word end = 0;
    expect_ok("text", fb.Text(pos, stream + pos, chunk, &end));
    ++requests;
    if (end <= pos || end > pos + chunk) {
      ::printf("FBDEMO: FAIL text at %lu: the driver's stream ends at %lu\n", pos, end);
      ++failures;
    }
    pos = end;
  }
  ::printf("FBDEMO: text: %lu bytes in %lu requests, the console's stream at %lu\n", n, requests, pos);
  ::printf("FBDEMO: %s\n", failures ? "FAIL" : "done");
  return failures ? 1 : 0;
}
} // namespace

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[argc - 1] : "";
  const bool crash = !strcmp(mode, "crash"), cold = !strcmp(mode, "cold");
  const CapSlot slot = slot_alloc();
  if (Status st = name_wait(fb::service_name, slot, 10000); st != Status::ok) {
    ::printf("FBDEMO: FAIL no framebuffer server: %s\n", status_name(st));
    return 1;
  }
  fb::Client fb(slot);
  if (!strcmp(mode, "text")) return text_console(fb);
  Session area;
  bool redrawn = false;
again:
  expect_ok("session", area.Begin(slot, tile * tile * 4));
  expect_ok("set_mode", fb.SetMode(width, height));
  expect_ok("background", fb.Fill(0, 0, width, height, background));
  for (uint32_t i = 0; i < 8; ++i)
    expect_ok("bar", fb.Fill(bar_x0 + i * bar_step, bar_y, bar_w, bar_h, bar_colour[i]));
  // The tile, row by row into the shared area, then two blits of it.
  for (uint32_t y = 0; y < tile; ++y) {
    uint32_t row[tile];
    for (uint32_t x = 0; x < tile; ++x) row[x] = tile_pixel(x, y);
    if (!area.Put(y * tile * 4, row, sizeof(row))) expect_ok("tile", Status::invalid_arg);
  }
  if ((crash || cold) && !redrawn) arm("crash", 64);   // half-way through the first blit's 128 rows
  if (Status st = fb.Blit(area.id(), 0, tile_ax, tile_y, tile, tile); cold && !redrawn && reset(st)) {
    // The driver was restarted cold: its mode, our session and the picture are gone.
    fb::Info fresh{};
    if (!reconnect(slot, &fb, &fresh)) {
      ::printf("FBDEMO: FAIL blit a: %s, and no new driver answers\n", status_name(st));
      return 1;
    }
    ::printf("FBDEMO: blit a: %s: the driver was restarted cold: mode %lux%lu, set %lu time(s), "
             "%lu pixels drawn; drawing again in 2 s\n", status_name(st), fresh.width, fresh.height,
             fresh.mode_sets, fresh.drawn);
    if (fresh.width || fresh.mode_sets || fresh.drawn) ++failures;   // a new driver knows nothing
    sleep_ms(2000);
    area = Session{};   // the old session died with the old driver: a new area, a new session
    redrawn = true;
    goto again;
  } else {
    expect_ok("blit a", st);
  }
  expect_ok("blit b", fb.Blit(area.id(), 0, tile_bx, tile_y, tile, tile));
  if (crash) arm("panic", 10 * sq + sq / 2);   // in the middle of the sixth frame
  for (uint32_t k = 0; k < frames; ++k) {
    const uint32_t x = sq_x0 + k * sq_step;
    if (k) expect_ok("erase", fb.Fill(x - sq_step, sq_y, sq, sq, background));
    expect_ok("square", fb.Fill(x, sq_y, sq, sq, sq_colour));
  }
  fb::Info info{};
  expect_ok("info", fb.GetInfo(&info));
  ::printf("FBDEMO: drawn: mode %lux%lu (pitch %lu), set %lu time(s), %lu pixels drawn\n", info.width,
         info.height, info.pitch, info.mode_sets, info.drawn);
  if (info.width != width || info.height != height || info.mode_sets != 1) ++failures;
  if (cold && !redrawn) {
    ::printf("FBDEMO: FAIL the driver was not restarted cold\n");
    ++failures;
  }
  ::printf("FBDEMO: %s\n", failures ? "FAIL" : "done");
  return failures ? 1 : 0;
}
