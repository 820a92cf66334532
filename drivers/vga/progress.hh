// Where the VGA console stands, in one word, so that a write crashed half way and replayed puts
// every character on the screen once. A write's characters go out one by one: the cell is
// written (again, after a crash: the same character on the same cell), then one store commits
// the character done together with the cursor it moved. A scroll (the cursor past the last
// row) moves the rows up cell by cell, and the cell it has reached is in the same word: a copy
// done again after a crash copies the same cell (its source, a row further down, is moved only
// later), so the screen never scrolls twice or half.
#pragma once
#include <arc/abi.hh>

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
    return arc::word(pos & 0x7ff) | arc::word(scrolled & 0x7ff) << 11 | arc::word(done & 0x3ff) << 22;
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

} // namespace vga
