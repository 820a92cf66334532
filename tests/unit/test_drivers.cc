// Host tests of driver logic that needs no hardware: the keyboard's scancode-set-1 decoder.
#include <scancode.hh>

#include <catch2/catch.hpp>

TEST_CASE("DRV0001 scancode set 1: letters, shift, caps lock, ctrl, releases, 0xe0 keys",
          "[drivers][keyboard]") {
  kbd::Decoder d;
  auto press = [&](uint8_t b) { return kbd::decode(d, b); };
  kbd::Event e = press(0x1e);               // a
  CHECK(e.press);
  CHECK(e.ch == 'a');
  CHECK_FALSE(press(0x9e).press);           // a released
  CHECK_FALSE(press(0x2a).press);           // left shift down
  CHECK(press(0x1e).ch == 'A');
  CHECK(press(0x02).ch == '!');
  press(0xaa);                              // shift up
  CHECK(press(0x02).ch == '1');
  press(0x3a);                              // caps lock on
  press(0xba);
  CHECK(press(0x10).ch == 'Q');
  CHECK(press(0x02).ch == '1');             // caps lock leaves digits alone
  press(0x3a);                              // off again
  press(0x1d);                              // ctrl down
  CHECK(press(0x2e).ch == 3);               // ctrl-c
  press(0x9d);
  CHECK(press(0x1c).ch == '\n');            // enter
  CHECK(press(0x0e).ch == '\b');            // backspace
  e = press(0xe0);
  CHECK_FALSE(e.press);
  e = press(0x48);                          // cursor up (extended)
  CHECK(e.press);
  CHECK(e.ch == 0);
  CHECK(e.code == 0xe048);
  press(0xe0);
  CHECK(press(0x1c).ch == '\n');            // keypad enter
  CHECK(press(0x7f).ch == 0);               // out of the table: no character, no crash
}
