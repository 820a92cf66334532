// msh --fb: the shell's output on the framebuffer's text console too (request `text` of the `fb`
// server, arc/iface/fb.hh; docs/console.md). The serial console stays the primary one: every
// line goes there first, then here; the framebuffer failing costs the screen copy, never a line
// on the serial console.
//
// The console is a stream whose position the shell keeps: each request says where its bytes
// start, so a request the driver replays after a hot or warm restart, or one the connection sends
// again, draws nothing twice. A driver restarted cold starts a new stream with no mode: the shell
// sets the mode again, clears the screen and goes on from the new driver's stream end.
#include "msh.hh"

#include <arc/iface/fb.hh>
#include <arc/process.hh>
#include <arc/reconnect.hh>
#include <arc/sys.hh>
#include <fb/text.hh>

#include <stdio.h>

namespace msh {
namespace {
constexpr arc::word width = 640, height = 480;   // 80x30 cells of 8x16
arc::Connection *g_fb;
arc::word g_pos;   // where our stream ends: the driver has drawn every byte before it

template <class Op> arc::Status fb_call(Op &&op) {
  return g_fb->Call([&](arc::CapSlot ep) { return op(arc::fb::Client(ep)); });
}

// A driver without a mode (the first one, or one restarted cold): ours, on a cleared screen.
arc::Status set_mode() {
  arc::fb::Info info{};
  arc::Status st = fb_call([&](const arc::fb::Client &c) { return c.GetInfo(&info); });
  if (st != arc::Status::ok || info.width) return st;
  st = fb_call([](const arc::fb::Client &c) { return c.SetMode(width, height); });
  if (st != arc::Status::ok) return st;
  return fb_call([](const arc::fb::Client &c) {
    return c.Fill(0, 0, width, height, fbtext::text_bg);
  });
}

void give_up(const char *what, arc::Status st) {
  ::printf("msh: the framebuffer console failed (%s: %s): the serial console only\n", what,
           arc::status_name(st));
  g_fb = nullptr;
}
} // namespace

bool fb_start() {
  static arc::Connection fb(arc::fb::service_name, arc::slot_alloc(), arc::Backoff{10, 1000, 10000});
  if (arc::Status st = fb.Connect(); st != arc::Status::ok) {
    ::printf("msh: no framebuffer (%s): the serial console only\n", arc::status_name(st));
    return false;
  }
  g_fb = &fb;
  if (arc::Status st = set_mode(); st != arc::Status::ok) {
    give_up("set_mode", st);
    return false;
  }
  // An empty request asks where the driver's stream ends: a restarted shell goes on from there.
  if (arc::Status st = fb_call([](const arc::fb::Client &c) { return c.Text(0, "", 0, &g_pos); });
      st != arc::Status::ok) {
    give_up("text", st);
    return false;
  }
  return true;
}

void fb_write(const char *s, unsigned n) {
  if (!g_fb) return;
  // The console draws printable ASCII and '\n' only: a tab is a space, '\r' nothing, the rest '?'.
  char buf[arc::fb::max_text];
  unsigned i = 0, stalls = 0;
  while (i < n && g_fb) {
    unsigned k = 0;
    for (; i < n && k < sizeof(buf); ++i) {
      const char c = s[i];
      if (c == '\r') continue;
      buf[k++] = c == '\n' || (c >= 32 && c <= 126) ? c : c == '\t' ? ' ' : '?';
    }
    unsigned sent = 0;
    while (sent < k) {
      arc::word end = 0;
      const arc::Status st = fb_call([&](const arc::fb::Client &c) {
        return c.Text(g_pos, buf + sent, k - sent, &end);
      });
      if (st == arc::Status::invalid_arg && stalls < 3) {   // no mode: a driver restarted cold
        ++stalls;
        if (arc::Status ms = set_mode(); ms != arc::Status::ok) return give_up("set_mode", ms);
        continue;
      }
      if (st != arc::Status::ok) return give_up("text", st);
      if (end > g_pos && end <= g_pos + (k - sent)) {
        sent += unsigned(end - g_pos);
        stalls = 0;
      } else if (++stalls > 3) {   // a stream that is not ours and does not take our bytes
        return give_up("text", arc::Status::invalid_arg);
      }
      g_pos = end;   // behind us: a new driver's stream, ours goes on from its end
    }
  }
}

} // namespace msh
