// msh, the micro shell: shared declarations of the line reader and the commands.
#pragma once
#include <arc/abi.hh>

namespace msh {

constexpr unsigned max_args = 16;

// Output through the console server (falls back to the kernel console before it is found).
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// The framebuffer's text console as a second output (fbcon.cc, `msh --fb`): fb_start() finds
// the `fb` server and sets its mode when it has none (false: none, the serial console only);
// fb_write() draws n bytes of output there too (nothing without fb_start()).
bool fb_start();
void fb_write(const char *s, unsigned n);
void echo_to_fb(const char *line);   // a line read, and its newline

// One line typed on the PS/2 keyboard (kbdline.cc; `msh --keyboard`), echoed to the console.
arc::Status keyboard_line(char *line, unsigned size);

// Splits line in place into argv (spaces and tabs separate); returns argc (at most max_args).
unsigned split(char *line, char **argv);

// Runs one command line; unknown commands and bad arguments print a message, never fail.
void run(char *line);

// A command: its name, usage and help lines, how many arguments it takes (not counting itself).
struct Command {
  const char *name;
  const char *usage;
  const char *help;
  unsigned min_args, max_args;
  void (*fn)(unsigned argc, char **argv);
};
// The file commands (files.cc), through the `fs` server.
extern const Command file_commands[];
extern const unsigned file_command_count;

// checkpoint --save SRV FILE / restore --load SRV FILE (files.cc): a server's last checkpoint
// written to a file through the file server, or read back from one and the server restored to it
// (docs/restarts.md, "Checkpoints in files").
void checkpoint_save(const char *srv, const char *path);
void checkpoint_load(const char *srv, const char *path);

// Parses a whole decimal or 0x-hex number; false on anything else (empty, junk, overflow).
bool parse_number(const char *s, arc::word *value);

} // namespace msh
