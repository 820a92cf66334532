// The text fbdemo writes to the framebuffer's text console (fbdemo -- text). The host computes the
// screen from these lines, the console's font and geometry (drivers/include/fb/text.hh) and the
// demo's background (picture.hh): tests/qemu/devices/check-text.py. The second line holds every
// printable character and is longer than a row (80 cells at 640x480): it wraps.
#pragma once

namespace fbpic {

constexpr const char *text_lines[] = {
    "Arc: a text console drawn into the framebuffer, 8x16 cells, a 5x7 font of its own.",
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    "",
    "The driver is crashed and panics while it draws these lines; each time it is",
    "restarted hot and the request is replayed. Its stream position is persistent,",
    "so no character is drawn twice and none is lost.",
    "",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG 0123456789",
    "the quick brown fox jumps over the lazy dog (9876543210)",
    "{[<a+b=c>]} | ~x & y ^ z | @arc #12 $5 %50 'ok' \"ok\" `ok`",
    "msh> echo hello; ps; inject fb crash",
    "last line.",
};

} // namespace fbpic
