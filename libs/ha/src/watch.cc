#include "ha/watch.hh"

namespace ha {

const char *name_of(Failure f) {
  switch (f) {
  case Failure::dead: return "dead thread";
  case Failure::deadlock: return "deadlock";
  case Failure::loop: return "endless loop";
  }
  return "?";
}

namespace {
// A worker's part of an entry follows the entry: a new filling (a new thread, or the same one
// watched again after the monitor acted) starts it afresh, due at once.
template <typename Part> void follow(const Watch &w, Part &part) {
  if (part.generation == w.generation) return;
  part = Part{};
  part.generation = w.generation;
}

// Due when its period has passed; the next sample is a period later.
bool due(uint32_t &next_ms, uint32_t now_ms, uint32_t period_ms) {
  if (next_ms && int32_t(now_ms - next_ms) < 0) return false;
  next_ms = now_ms + period_ms;
  return true;
}
} // namespace

bool DueDead(Watch &w, uint32_t now_ms) {
  if (!w.live || !(w.params.what & watch_dead)) return false;
  follow(w, w.dead);
  return !w.dead.reported && due(w.dead.next_ms, now_ms, w.params.period_ms);
}

bool ObserveDead(Watch &w, const Reading &r) {
  if (!r.gone || w.dead.reported) return false;
  w.dead.reported = true;
  return true;
}

bool DueLoop(Watch &w, uint32_t now_ms) {
  if (!w.live || !(w.params.what & watch_loop)) return false;
  if (w.loop.generation != w.generation) {
    w.loop.generation = w.generation;
    w.loop.next_ms = 0;
    w.loop.primed = w.loop.reported = false;
    w.loop.watch = LoopWatch(w.params.loop);
  }
  return !w.loop.reported && due(w.loop.next_ms, now_ms, w.params.period_ms);
}

bool ObserveLoop(Watch &w, const Reading &r, uint32_t now_ticks) {
  Watch::Loop &l = w.loop;
  if (r.gone) return false;   // the dead-thread worker's business
  if (!l.primed) {
    l.primed = true;
    l.ran = r.still_ticks;
    l.received = r.received;
    l.ticks = now_ticks;
    return false;
  }
  LoopObservation o;
  o.period_ticks = now_ticks - l.ticks;
  o.ran_ticks = r.still_ticks - l.ran;
  o.progress = r.received - l.received;
  o.pc = r.pc;
  l.ran = r.still_ticks;
  l.received = r.received;
  l.ticks = now_ticks;
  if (!o.period_ticks) return false;   // two samples in one tick tell nothing
  if (!l.watch.Observe(o) || l.reported) return false;
  l.reported = true;
  return true;
}

bool DueWait(Watch &w, uint32_t now_ms) {
  if (!w.live || !(w.params.what & watch_deadlock)) return false;
  follow(w, w.wait);
  return due(w.wait.next_ms, now_ms, w.params.period_ms);
}

void ObserveWait(Watch &w, const Reading &r, uint32_t now_ms) {
  Waiter &x = w.wait.waiter;
  WaitTrack t{x.blocked, x.pc, x.since_ms};
  const bool blocked = !r.gone && r.blocked;
  x.since_ms = t.Update(blocked, r.pc, now_ms);
  x.thread = w.id;
  x.space = r.space;
  x.blocked = blocked;
  x.awaited_space = blocked ? r.awaited : 0;
  x.pc = r.pc;
}

unsigned FindDeadlocked(Watch *w, unsigned n, uint32_t now_ms, uint32_t *ids_out) {
  Waiter ws[max_watches];
  Watch *of[max_watches];
  unsigned k = 0;
  for (unsigned i = 0; i < n && k < max_watches; ++i) {
    if (!w[i].live || !(w[i].params.what & watch_deadlock) ||
        w[i].wait.generation != w[i].generation || !w[i].wait.waiter.space)
      continue;
    of[k] = &w[i];
    ws[k++] = w[i].wait.waiter;
  }
  // The longest bound among the watches: a cycle counts once every member's has passed.
  uint32_t min_ms = 0;
  for (unsigned i = 0; i < k; ++i)
    if (of[i]->params.deadlock_ms > min_ms) min_ms = of[i]->params.deadlock_ms;
  const Cycle c = find_deadlock(ws, k, now_ms, min_ms);
  unsigned out = 0;
  for (unsigned j = 0; j < c.n; ++j)
    for (unsigned i = 0; i < k; ++i)
      if (ws[i].space == c.spaces[j] && !of[i]->wait.reported) {
        of[i]->wait.reported = true;
        ids_out[out++] = of[i]->id;
      }
  return out;
}

} // namespace ha
