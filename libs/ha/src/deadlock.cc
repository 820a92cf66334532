#include "ha/deadlock.hh"

namespace ha {

uint32_t WaitTrack::Update(bool now_blocked, uint32_t now_pc, uint32_t now_ms) {
  if (!now_blocked || !blocked || now_pc != pc) since_ms = now_ms;
  blocked = now_blocked;
  pc = now_pc;
  return since_ms;
}

namespace {
struct Node {
  uint32_t space;
  bool stuck;
  uint8_t colour;   // 0 unseen, 1 on the path, 2 done
};

int index_of(const Node *nodes, unsigned n, uint32_t space) {
  for (unsigned i = 0; i < n; ++i)
    if (nodes[i].space == space) return int(i);
  return -1;
}
} // namespace

Cycle find_deadlock(const Waiter *w, unsigned n, uint32_t now_ms, uint32_t min_ms) {
  if (n > max_waiters) n = max_waiters;
  // The spaces, each stuck when every watched thread of it is.
  Node nodes[max_waiters];
  unsigned nn = 0;
  for (unsigned i = 0; i < n; ++i) {
    const bool stuck = w[i].blocked && w[i].awaited_space && now_ms - w[i].since_ms >= min_ms;
    const int k = index_of(nodes, nn, w[i].space);
    if (k < 0) nodes[nn++] = {w[i].space, stuck, 0};
    else nodes[k].stuck = nodes[k].stuck && stuck;
  }
  // Depth-first from each stuck space along the awaited edges of its threads; an edge back to a
  // space on the current path closes a cycle. Iterative, with an explicit path (at most nn long).
  Cycle c;
  int path[max_waiters];
  unsigned edge_at[max_waiters];
  for (unsigned start = 0; start < nn; ++start) {
    if (!nodes[start].stuck || nodes[start].colour) continue;
    unsigned depth = 0;
    path[0] = int(start);
    edge_at[0] = 0;
    nodes[start].colour = 1;
    while (true) {
      const Node &at = nodes[path[depth]];
      // The next awaited edge of `at` not yet followed.
      int next = -1;
      while (edge_at[depth] < n && next < 0) {
        const Waiter &x = w[edge_at[depth]++];
        if (x.space != at.space || !x.awaited_space) continue;
        const int k = index_of(nodes, nn, x.awaited_space);
        if (k >= 0 && nodes[k].stuck) next = k;
      }
      if (next < 0) {   // every edge followed: done with it
        nodes[path[depth]].colour = 2;
        if (depth == 0) break;
        --depth;
        continue;
      }
      if (nodes[next].colour == 1) {   // back to the path: the cycle is path[i..depth]
        unsigned i = 0;
        while (path[i] != next) ++i;
        for (; i <= depth; ++i) c.spaces[c.n++] = nodes[path[i]].space;
        return c;
      }
      if (nodes[next].colour == 2) continue;
      nodes[next].colour = 1;
      path[++depth] = next;
      edge_at[depth] = 0;
    }
  }
  return c;
}

} // namespace ha
