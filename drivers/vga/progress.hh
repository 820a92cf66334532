// Where the VGA console stands, in one word, so that a write crashed half way and replayed puts
// every character on the screen once. A write's characters go out one by one: the cell is
// written (again, after a crash: the same character on the same cell), then one store commits
// the character done together with the cursor it moved. A scroll (the cursor past the last
// row) moves the rows up cell by cell, and the cell it has reached is in the same word: a copy
// done again after a crash copies the same cell (its source, a row further down, is moved only
// later), so the screen never scrolls twice or half.
#pragma once
#include <arc/abi.hh>
#include <stdint.h>

namespace vga {

constexpr unsigned cols = 80, rows = 25, cells = cols * rows;

struct Progress {
  unsigned pos;       // cursor, row * cols + col; >= cells: a scroll is due
  unsigned scrolled;  // cells moved up by the scroll in progress
  unsigned done;      // characters of the current write on the screen

  static Progress of(arc::word w) {
    return {unsigned(w & 0x7ff), unsigned((w >> 11) & 0x7ff), unsigned((w >> 22) & 0x3ff)};
  }
  arc::word word() const {
    return arc::word(pos & 0x7ff) | arc::word(scrolled & 0x7ff) << 11 |
           arc::word(done & 0x3ff) << 22;
  }
  bool plausible() const { return pos < cells + cols && scrolled <= cells - cols; }
};

// The cursor after character c at pos (pos < cells); the cell to draw is pos when printable.
inline unsigned advance(unsigned pos, char c) {
  const unsigned col = pos % cols, row_start = pos - col;
  switch (c) {
  case '\n': return row_start + cols;
  case '\r': return row_start;
  case '\b': return col ? pos - 1 : pos;
  case '\t': {
    const unsigned next = (col + 8) & ~7u;
    return next >= cols ? row_start + cols : row_start + next;
  }
  default: return pos + 1;
  }
}

inline bool printable(char c) { return c != '\n' && c != '\r' && c != '\b' && c != '\t'; }

// The two loops that move the screen, over any cell array (the device's memory; a host test's
// array) and with a hook at each point a fault may strike (arc::fault_step in the server).
// `progress` is the committed word; each store to it is a commit.

// A scroll that is due, from the cell it reached: one row's cells moved up, then that row
// committed; the last row blanked; then the cursor one row up and the scroll done, one store.
template <class Cells, class Step>
void settle(Cells screen, arc::word &progress, uint16_t attr, Step step) {
  Progress p = Progress::of(progress);
  if (p.pos < cells) return;
  while (p.scrolled < cells - cols) {
    for (unsigned i = p.scrolled; i < p.scrolled + cols; ++i) screen[i] = screen[i + cols];
    step();   // a row moved, not committed
    p.scrolled += cols;
    progress = p.word();
  }
  for (unsigned i = cells - cols; i < cells; ++i) screen[i] = uint16_t(attr << 8 | ' ');
  p.pos -= cols;
  p.scrolled = 0;
  progress = p.word();
}

// The rest of a write of n characters, from the committed `done` on: the cell written (again,
// after a crash: the same character on the same cell), then the character committed with the
// cursor it moved, then a scroll if one is due.
template <class Cells, class Step>
void write(Cells screen, arc::word &progress, const char *data, unsigned n, uint16_t attr,
           Step step) {
  settle(screen, progress, attr, step);
  for (Progress p = Progress::of(progress); p.done < n; p = Progress::of(progress)) {
    const char c = data[p.done];
    if (printable(c)) screen[p.pos] = uint16_t(attr << 8 | uint8_t(c));
    step();   // the cell written, not committed
    p.pos = advance(p.pos, c);
    ++p.done;
    progress = p.word();
    settle(screen, progress, attr, step);
  }
}

} // namespace vga
