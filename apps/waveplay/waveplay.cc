// waveplay: plays a WAV file through the `audio` interface (drivers/sb16, drivers/pl041). The file is read
// whole from the file server (ext2, `fs`) when a path is given, else it is the boot module of
// module= (boards without a disk).
//
//   server player waveplay after=audio,ext2 [may=inject] -- /ramp.wav [crash|selfcrash|underrun]
//   server player waveplay module=ramp.wav after=audio [may=inject] [-- crash|selfcrash|underrun]
//
// Streaming: blocks of the file go through a shared session; each write says where in the
// stream its bytes belong, and the driver answers where the stream now ends, so the player goes
// on from there (a full queue takes nothing: it waits and sends again). Its position is
// persistent, and so is its session: a player restarted hot or warm goes on where it was, and a
// block it sends twice is taken once (the driver skips what it has).
//
// `crash`: through the monitor it arms faults in the driver (needs may=inject), four times in the
// stream, to strike in the middle of a write or of a refill at the card's interrupt; the driver's
// policy restarts it, and the recording must still hold every sample once (check-audio.py).
// `selfcrash`: the player crashes itself once half-way (its policy restarts it).
// `underrun`: half-way it stops sending until the driver has had to play silence (its queue ran
// dry), to show that silence measured the same by the driver and by the host's check.
#include "wav.hh"

#include <arc/iface/audio.hh>
#include <arc/iface/fs.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/session.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

using namespace arc;

namespace {

constexpr word block = 4096;
constexpr word player_magic = 0x57415650;   // "WAVP"

struct PlayerState {
  word magic;
  bool opened;
  word pos;            // stream bytes the driver has taken
  word armed;          // faults armed in the driver so far
  bool crashed;        // selfcrash (or the underrun pause) done
  bool finished;       // the whole file played and the stream closed
  word restarts;       // times we found ourselves restarted
  Session session;     // the shared area (kept: our pager gives it back after a restart)
};
ARC_PDATA PlayerState g = {};

int failures;

// A player with a restart policy must not end: its pager would take the exit for a failure and
// restart it. It waits instead (the scenario is over by then).
[[noreturn]] void park() {
  for (;;) sleep_ms(100000);
}

void expect_ok(const char *what, Status st) {
  if (st == Status::ok) return;
  ++failures;
  ::printf("WAVEPLAY: FAIL %s: %s\n", what, status_name(st));
}

// Where the driver's faults strike: stream fractions (in eighths) and handler steps after the
// arming (512 bytes of a write or a refill each).
struct Arm { word eighth; const char *kind; word steps; };
constexpr Arm arms[] = {{1, "crash", 40}, {3, "panic", 21}, {5, "crash", 70}, {6, "crash", 9}};

// The whole file at `path` from the file server, in memory from malloc; null when it cannot be
// read (said). Read again at every start: only the position in it is persistent.
const uint8_t *read_file(const char *path, word *size) {
  const CapSlot slot = slot_alloc();
  if (Status st = name_wait(fs::service_name, slot, 10000); st != Status::ok) {
    ::printf("WAVEPLAY: FAIL no file server: %s\n", status_name(st));
    return nullptr;
  }
  fs::Client files(slot);
  Session area;
  word h = 0;
  uint64_t size64 = 0;
  if (area.Begin(slot, fs::max_io) != Status::ok || files.Open(path, 0, &h, &size64) != Status::ok) {
    ::printf("WAVEPLAY: FAIL cannot open %s: %s\n", path, fs::error_name(files.last_error()));
    return nullptr;
  }
  auto *data = static_cast<uint8_t *>(size64 < (16u << 20) ? malloc(word(size64)) : nullptr);
  word at = 0;
  while (data && at < word(size64)) {
    const word n = word(size64) - at < fs::max_io ? word(size64) - at : fs::max_io;
    word got = 0;
    if (files.Read(h, area.id(), 0, at, n, &got) != Status::ok || got != n) break;
    area.Get(0, data + at, got);
    at += got;
  }
  files.Close(h);
  area.End();
  if (!data || at != word(size64)) {
    ::printf("WAVEPLAY: FAIL %s: read %lu of %lu bytes\n", path, at, word(size64));
    return nullptr;
  }
  ::printf("WAVEPLAY: read %s from the file server (%lu bytes)\n", path, at);
  *size = at;
  return data;
}

} // namespace

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[argc - 1] : "";
  const bool crash = !strcmp(mode, "crash"), selfcrash = !strcmp(mode, "selfcrash");
  const bool underrun = !strcmp(mode, "underrun");
  const char *path = argc > 1 && argv[1][0] == '/' ? argv[1] : nullptr;
  const uint8_t *file = nullptr;
  word file_size = 0;
  if (path) {
    if (!(file = read_file(path, &file_size))) return 1;
  } else if (const proc::Resource *m = find_resource(proc::Resource::module)) {
    file = reinterpret_cast<const uint8_t *>(m->va);
    file_size = m->count;
  }
  wav::Pcm pcm{};
  const char *why = "no file (boot line: -- /PATH.wav, or module=FILE.wav)";
  if (!file || !wav::parse(file, file_size, &pcm, &why)) {
    ::printf("WAVEPLAY: FAIL %s\n", why);
    return 1;
  }
  const CapSlot slot = slot_alloc();
  if (Status st = name_wait(audio::service_name, slot, 10000); st != Status::ok) {
    ::printf("WAVEPLAY: FAIL no audio server: %s\n", status_name(st));
    return 1;
  }
  audio::Client audio(slot);
  if (g.magic != player_magic) {
    g = PlayerState{};
    g.magic = player_magic;
    ::printf("WAVEPLAY: %lu bytes, %lu Hz, %lu bits, %lu channel(s)\n", word(pcm.bytes),
             word(pcm.rate), word(pcm.bits), word(pcm.channels));
  } else {
    ++g.restarts;
    ::printf("WAVEPLAY: restarted: resuming at byte %lu of %lu\n", g.pos, word(pcm.bytes));
    if (g.finished) park();
  }
  if (!g.session.active()) expect_ok("session", g.session.Begin(slot, block));
  if (!g.opened) {
    word half = 0;
    expect_ok("open", audio.Open(pcm.rate, pcm.bits, pcm.channels, &half));
    g.opened = true;
    ::printf("WAVEPLAY: opened, the driver moves %lu bytes per interrupt\n", half);
  }
  word waits = 0;
  while (g.pos < pcm.bytes && !failures) {
    // The next fault once the last one has struck (a new one would replace it).
    audio::Info now{};
    if (crash && g.armed < sizeof(arms) / sizeof(arms[0]) &&
        g.pos >= pcm.bytes / 8 * arms[g.armed].eighth && audio.GetInfo(&now) == Status::ok &&
        now.restarts >= g.armed) {
      const Arm &a = arms[g.armed];
      const Status st = inject_fault("audio", inject_kind(a.kind), a.steps, server_label::inject_at_step);
      ::printf("WAVEPLAY: %s armed at byte %lu, after %lu steps: %s\n", a.kind, g.pos, a.steps,
               status_name(st));
      if (st != Status::ok) ++failures;
      ++g.armed;
    }
    if (underrun && !g.crashed && g.pos >= pcm.bytes / 2) {
      g.crashed = true;   // once
      audio::Info info{};
      for (word tries = 0; tries < 300 && audio.GetInfo(&info) == Status::ok && !info.silence; ++tries)
        sleep_ms(10);
      ::printf("WAVEPLAY: paused at byte %lu until the driver inserted silence: %lu bytes\n", g.pos,
               info.silence);
    }
    if (selfcrash && !g.crashed && g.pos >= pcm.bytes / 2) {
      g.crashed = true;
      ::printf("WAVEPLAY: crashing on purpose at byte %lu\n", g.pos);
      *reinterpret_cast<volatile word *>(0) = 0;
    }
    word n = pcm.bytes - g.pos;
    if (n > block) n = block;
    if (!g.session.Put(0, pcm.data + g.pos, n)) expect_ok("put", Status::invalid_arg);
    word end = 0;
    expect_ok("write", audio.Write(g.session.id(), 0, n, g.pos, &end));
    if (end == g.pos) {   // the driver's queue is full: the card plays, we wait
      ++waits;
      sleep_ms(20);
    }
    if (end > g.pos) g.pos = end;
  }
  expect_ok("drain", audio.Drain());
  audio::Info info{};
  for (word tries = 0; tries < 1000; ++tries) {   // at most 20 s more
    expect_ok("info", audio.GetInfo(&info));
    if (!info.running || failures) break;
    sleep_ms(20);
  }
  expect_ok("close", audio.Close());
  ::printf("WAVEPLAY: played %lu of %lu bytes of %s%s, %lu bytes of silence inserted, %lu "
           "driver restart(s), %lu player restart(s), %lu waits\n", info.played, word(pcm.bytes),
           path ? path : "the boot module", path ? " (file server)" : "", info.silence,
           info.restarts, g.restarts, waits);
  if (info.played != pcm.bytes) ++failures;
  ::printf("WAVEPLAY: %s\n", failures ? "FAIL" : "done");
  g.finished = true;
  if (selfcrash) park();   // its boot line restarts it (test-audio-player.cfg)
  return failures ? 1 : 0;
}
