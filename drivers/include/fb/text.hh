// The text half of an `fb` server (arc/iface/fb.hh, request `text`): a console of 8x16 cells drawn
// into the surface with a built-in font, the same for every device. The font is this project's
// own 5x7 design (below, one string per row, '#' a lit pixel), drawn in the middle of each cell
// with every font pixel two rows tall. tests/qemu/devices/check-text.py reads the same table and
// the same constants to compute the screen on the host.
//
// The console is a stream: the client sends its text with the stream position of its first byte
// and the driver answers where its stream now ends, so a request replayed after a restart (or
// sent twice by a client that restarted) draws nothing twice. '\n' moves to the start of the next
// row, and so does a character in the last column; a row is cleared when the cursor enters it.
// After the last row the console starts again at the top (no scrolling: a scroll replayed would
// move the text twice). Each character is drawn whole (every pixel of its
// cell, arc::fault_step() before each row, so a replay redraws it the same), then committed: the
// cursor and the count are written to the other of two slots, and one word names the slot in use,
// so a crash leaves either the old or the new cursor, never half of each.
#pragma once
#include <arc/iface/fb.hh>
#include <arc/message.hh>
#include <arc/server.hh>

#include <stdint.h>

namespace fbtext {

using arc::word;

constexpr uint32_t cell_w = 8, cell_h = 16;       // a character cell, in pixels
constexpr uint32_t glyph_x = 1, glyph_y = 1;      // where the 5x7 glyph starts in its cell
constexpr uint32_t text_fg = 0xe0e0d0, text_bg = 0x102040;
constexpr word max_chunk = arc::fb::max_text;      // bytes of text in one request

// Printable ASCII, ' ' (32) to '~' (126): seven rows of five pixels each.
constexpr const char *font[95][7] = {
    {".....", ".....", ".....", ".....", ".....", ".....", "....."}, // ' '
    {"..#..", "..#..", "..#..", "..#..", "..#..", ".....", "..#.."}, // '!'
    {".#.#.", ".#.#.", ".#.#.", ".....", ".....", ".....", "....."}, // '"'
    {".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#."}, // '#'
    {"..#..", ".####", "#.#..", ".###.", "..#.#", "####.", "..#.."}, // '$'
    {"##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"}, // '%'
    {".##..", "#..#.", "#.#..", ".#...", "#.#.#", "#..#.", ".##.#"}, // '&'
    {"..#..", "..#..", ".#...", ".....", ".....", ".....", "....."}, // '\''
    {"...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."}, // '('
    {".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."}, // ')'
    {".....", "..#..", "#.#.#", ".###.", "#.#.#", "..#..", "....."}, // '*'
    {".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."}, // '+'
    {".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."}, // ','
    {".....", ".....", ".....", "#####", ".....", ".....", "....."}, // '-'
    {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."}, // '.'
    {".....", "....#", "...#.", "..#..", ".#...", "#....", "....."}, // '/'
    {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}, // '0'
    {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}, // '1'
    {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}, // '2'
    {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."}, // '3'
    {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}, // '4'
    {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}, // '5'
    {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}, // '6'
    {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}, // '7'
    {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}, // '8'
    {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}, // '9'
    {".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."}, // ':'
    {".....", ".##..", ".##..", ".....", ".##..", "..#..", ".#..."}, // ';'
    {"....#", "...#.", "..#..", ".#...", "..#..", "...#.", "....#"}, // '<'
    {".....", ".....", "#####", ".....", "#####", ".....", "....."}, // '='
    {"#....", ".#...", "..#..", "...#.", "..#..", ".#...", "#...."}, // '>'
    {".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."}, // '?'
    {".###.", "#...#", "....#", ".##.#", "#.#.#", "#.#.#", ".###."}, // '@'
    {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}, // 'A'
    {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."}, // 'B'
    {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."}, // 'C'
    {"###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."}, // 'D'
    {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}, // 'E'
    {"#####", "#....", "#....", "####.", "#....", "#....", "#...."}, // 'F'
    {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"}, // 'G'
    {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}, // 'H'
    {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}, // 'I'
    {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."}, // 'J'
    {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"}, // 'K'
    {"#....", "#....", "#....", "#....", "#....", "#....", "#####"}, // 'L'
    {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"}, // 'M'
    {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"}, // 'N'
    {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}, // 'O'
    {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."}, // 'P'
    {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"}, // 'Q'
    {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"}, // 'R'
    {".####", "#....", "#....", ".###.", "....#", "....#", "####."}, // 'S'
    {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}, // 'T'
    {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."}, // 'U'
    {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."}, // 'V'
    {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."}, // 'W'
    {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"}, // 'X'
    {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."}, // 'Y'
    {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"}, // 'Z'
    {".###.", ".#...", ".#...", ".#...", ".#...", ".#...", ".###."}, // '['
    {".....", "#....", ".#...", "..#..", "...#.", "....#", "....."}, // '\\'
    {".###.", "...#.", "...#.", "...#.", "...#.", "...#.", ".###."}, // ']'
    {"..#..", ".#.#.", "#...#", ".....", ".....", ".....", "....."}, // '^'
    {".....", ".....", ".....", ".....", ".....", ".....", "#####"}, // '_'
    {".#...", "..#..", "...#.", ".....", ".....", ".....", "....."}, // '`'
    {".....", ".....", ".###.", "....#", ".####", "#...#", ".####"}, // 'a'
    {"#....", "#....", "#.##.", "##..#", "#...#", "#...#", "####."}, // 'b'
    {".....", ".....", ".###.", "#....", "#....", "#...#", ".###."}, // 'c'
    {"....#", "....#", ".##.#", "#..##", "#...#", "#...#", ".####"}, // 'd'
    {".....", ".....", ".###.", "#...#", "#####", "#....", ".###."}, // 'e'
    {"..##.", ".#..#", ".#...", "###..", ".#...", ".#...", ".#..."}, // 'f'
    {".....", ".####", "#...#", "#...#", ".####", "....#", ".###."}, // 'g'
    {"#....", "#....", "#.##.", "##..#", "#...#", "#...#", "#...#"}, // 'h'
    {"..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."}, // 'i'
    {"...#.", ".....", "..##.", "...#.", "...#.", "#..#.", ".##.."}, // 'j'
    {"#....", "#....", "#..#.", "#.#..", "##...", "#.#..", "#..#."}, // 'k'
    {".##..", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}, // 'l'
    {".....", ".....", "##.#.", "#.#.#", "#.#.#", "#...#", "#...#"}, // 'm'
    {".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#"}, // 'n'
    {".....", ".....", ".###.", "#...#", "#...#", "#...#", ".###."}, // 'o'
    {".....", ".....", "####.", "#...#", "####.", "#....", "#...."}, // 'p'
    {".....", ".....", ".##.#", "#..##", ".####", "....#", "....#"}, // 'q'
    {".....", ".....", "#.##.", "##..#", "#....", "#....", "#...."}, // 'r'
    {".....", ".....", ".###.", "#....", ".###.", "....#", "####."}, // 's'
    {".#...", ".#...", "###..", ".#...", ".#...", ".#..#", "..##."}, // 't'
    {".....", ".....", "#...#", "#...#", "#...#", "#..##", ".##.#"}, // 'u'
    {".....", ".....", "#...#", "#...#", "#...#", ".#.#.", "..#.."}, // 'v'
    {".....", ".....", "#...#", "#...#", "#.#.#", "#.#.#", ".#.#."}, // 'w'
    {".....", ".....", "#...#", ".#.#.", "..#..", ".#.#.", "#...#"}, // 'x'
    {".....", ".....", "#...#", "#...#", ".####", "....#", ".###."}, // 'y'
    {".....", ".....", "#####", "...#.", "..#..", ".#...", "#####"}, // 'z'
    {"...##", "..#..", "..#..", ".#...", "..#..", "..#..", "...##"}, // '{'
    {"..#..", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."}, // '|'
    {"##...", "..#..", "..#..", "...#.", "..#..", "..#..", "##..."}, // '}'
    {".....", ".....", ".#...", "#.#.#", "...#.", ".....", "....."}, // '~'
};

// Lit pixel (x, y) of a cell (8x16) for character c (printable ASCII).
constexpr bool Lit(char c, uint32_t x, uint32_t y) {
  if (x < glyph_x || x >= glyph_x + 5 || y < glyph_y || y >= glyph_y + 14) return false;
  return font[c - 32][(y - glyph_y) / 2][x - glyph_x] == '#';
}

struct Cursor {
  word taken;   // bytes of the stream drawn
  word cell;    // row * columns + column of the next character
};
// Persistent (in the driver's .pdata): two cursors and the one in use.
struct State {
  Cursor slot[2];
  word current;
  const Cursor &now() const { return slot[current & 1]; }
  void Commit(const Cursor &c) {
    slot[(current & 1) ^ 1] = c;
    current = (current & 1) ^ 1;   // one word: the new cursor is in use, or the old one still is
  }
};

// text: MR1 stream position of the first byte, MR2 length (<= max_chunk), MR3.. the bytes
// (printable ASCII or '\n') -> MR2 the stream's end. A position past the end draws nothing (the
// client resends from the end it is told); bytes before the end are skipped.
template <class Surface>
arc::Status Text(const Surface &s, State *st, word *drawn, const arc::Request &req, arc::Reply &rep) {
  const char *data = nullptr;
  unsigned len = 0;
  if (!req.bytes(2, &data, &len) || len > max_chunk) return arc::Status::invalid_arg;
  const word cols = s.width / cell_w, rows = s.height / cell_h;
  if (!cols || !rows) return arc::Status::invalid_arg;   // no mode set
  char text[max_chunk];
  for (unsigned i = 0; i < len; ++i) {   // copied, then checked: the whole request or nothing
    text[i] = data[i];
    if (text[i] != '\n' && (text[i] < 32 || text[i] > 126)) return arc::Status::invalid_arg;
  }
  const word pos = req.arg(1);
  Cursor c = st->now();
  if (c.cell >= cols * rows) c.cell = 0;   // a mode smaller than the one the text was drawn in
  for (unsigned i = 0; i < len && pos <= c.taken; ++i) {
    if (pos + i < c.taken) continue;   // drawn before
    word next;
    if (text[i] == '\n') {
      next = (c.cell / cols + 1) % rows * cols;
    } else {
      const word x0 = c.cell % cols * cell_w, y0 = c.cell / cols * cell_h;
      for (uint32_t y = 0; y < cell_h; ++y) {
        arc::fault_step();
        volatile uint32_t *p = s.Row(y0 + y) + x0;
        for (uint32_t x = 0; x < cell_w; ++x) p[x] = Lit(text[i], x, y) ? text_fg : text_bg;
      }
      *drawn += cell_w * cell_h;
      next = (c.cell + 1) % (cols * rows);
    }
    if (next % cols == 0) {   // a new row (after '\n', or the last column): cleared
      for (uint32_t y = 0; y < cell_h; ++y) {
        arc::fault_step();
        volatile uint32_t *p = s.Row(next / cols * cell_h + y);
        for (uint32_t x = 0; x < cols * cell_w; ++x) p[x] = text_bg;
      }
      *drawn += cols * cell_w * cell_h;
    }
    c.taken += 1;
    c.cell = next;
    st->Commit(c);
  }
  rep.put(st->now().taken);
  return arc::Status::ok;
}

} // namespace fbtext
