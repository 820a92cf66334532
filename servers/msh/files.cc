// msh file commands: ls, cat, write, append, mkdir, rm, stat, mv, through the `fs` server
// (servers/ext2). The server is looked up at the first file command, through a connection that
// outlives its restarts (arc/reconnect.hh): after a cold restart (a new endpoint) the shell
// opens a new session and the command goes on; while it is gone a command fails at once with
// one line. File data and long paths travel through the session's shared memory: paths in its
// first fs::session_path_bytes, data after them.
#include "msh.hh"

#include <arc/iface/fs.hh>
#include <arc/message.hh>
#include <arc/proto/root.hh>
#include <p3/ckptfile.hh>
#include <arc/process.hh>
#include <arc/reconnect.hh>
#include <arc/session.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <string.h>

namespace msh {

namespace {

using arc::CapSlot;
using arc::Status;
using arc::word;
namespace fs = arc::fs;

constexpr word data_at = fs::session_path_bytes;   // the data part of the session's area
constexpr word data_bytes = 4096;

arc::Connection *g_fs;
arc::Session g_session;

// After the file server's cold restart: its sessions went with it; open ours again.
Status reopen(void *, CapSlot ep) {
  (void)g_session.End();   // the old server is gone: this only gives our pages back
  return g_session.Begin(ep, data_at + data_bytes);
}

bool connected() {
  if (g_fs) return true;
  static arc::Connection con(fs::service_name, arc::slot_alloc(), arc::Backoff{10, 500, 3000});
  Status st = con.Connect();
  if (st == Status::ok) st = g_session.Begin(con.endpoint(), data_at + data_bytes);
  if (st != Status::ok) {
    out("msh: no file server (%s): is ext2 in the boot configuration?\n", arc::status_name(st));
    return false;
  }
  con.OnReconnect(reopen, nullptr);
  g_fs = &con;
  return true;
}

// One fs call through the connection. *err: the file system's error, if that is what failed.
template <class F> Status fs_call(F &&f, fs::Error *err) {
  fs::Error e = fs::Error::none;
  const Status st = g_fs->Call([&](CapSlot ep) {
    fs::Client c(ep);
    c.use_session(&g_session);
    const Status s = f(c);
    e = c.last_error();
    return s;
  });
  *err = e;
  return st;
}

// The file server takes absolute paths; the shell has no current directory, so a relative
// path is taken from the root. Returns a buffer of its own (one per argument position).
const char *absolute(const char *path, unsigned which = 0) {
  static char buf[2][fs::max_path];
  if (path[0] == '/') return path;
  snprintf(buf[which], sizeof(buf[which]), "/%s", path);
  return buf[which];
}

void report(const char *cmd, const char *path, Status st, fs::Error e) {
  if (st == Status::not_supported && e != fs::Error::none)
    out("msh: %s: %s: %s\n", cmd, path, fs::error_name(e));
  else
    out("msh: %s: %s: %s\n", cmd, path, arc::status_name(st));
}

char type_char(word mode) {
  switch (mode & 0170000) {
  case 0040000: return 'd';
  case 0120000: return 'l';
  case 0100000: return '-';
  default: return '?';
  }
}

// Writes data to the console in pieces out() takes.
void out_bytes(const char *p, word n) {
  while (n) {
    const int part = int(n < 400 ? n : 400);
    out("%.*s", part, p);
    p += part;
    n -= word(part);
  }
}

void ls_entry(const char *dir, const char *name) {
  static char path[fs::max_path];
  const size_t dl = strlen(dir);
  if (snprintf(path, sizeof(path), "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name) >=
      int(sizeof(path)))
    return (void)out("? %8s %s (path too long)\n", "", name);
  fs::StatInfo si{};
  fs::Error e;
  if (fs_call([&](fs::Client &c) { return c.Lstat(path, &si); }, &e) != Status::ok)
    return (void)out("? %8s %s\n", "", name);
  out("%c %8llu %s%s\n", type_char(si.mode), (unsigned long long)si.size, name,
      type_char(si.mode) == 'd' ? "/" : "");
}

void cmd_ls(unsigned argc, char **argv) {
  if (!connected()) return;
  const char *dir = argc > 1 ? absolute(argv[1]) : "/";
  word h = 0, mode = 0;
  fs::Error e;
  Status st = fs_call([&](fs::Client &c) { return c.Open(dir, 0, &h, nullptr, nullptr, &mode); }, &e);
  if (st != Status::ok) return report("ls", dir, st, e);
  if (type_char(mode) != 'd') {
    (void)fs_call([&](fs::Client &c) { return c.Close(h); }, &e);
    return ls_entry("", dir);
  }
  static fs::DirEntry entries[64];   // listed after the directory is closed: a stat per entry
  unsigned n = 0, more = 0;
  word pos = 0;
  fs::Error end;
  for (;;) {
    fs::DirEntry d;
    st = fs_call([&](fs::Client &c) { return c.Readdir(h, &pos, &d); }, &end);
    if (st != Status::ok) break;
    if (!strcmp(d.name, ".") || !strcmp(d.name, "..")) continue;
    if (n < 64) entries[n++] = d;
    else ++more;
  }
  (void)fs_call([&](fs::Client &c) { return c.Close(h); }, &e);
  if (end != fs::Error::end) report("ls", dir, st, end);
  for (unsigned i = 0; i < n; ++i) ls_entry(dir, entries[i].name);
  if (more) out("(%u more)\n", more);
}

void cmd_cat(unsigned, char **argv) {
  if (!connected()) return;
  argv[1] = const_cast<char *>(absolute(argv[1]));
  word h = 0;
  fs::Error e;
  Status st = fs_call([&](fs::Client &c) { return c.Open(argv[1], 0, &h); }, &e);
  if (st != Status::ok) return report("cat", argv[1], st, e);
  static char buf[data_bytes];
  for (uint64_t off = 0;;) {
    word got = 0;
    st = fs_call([&](fs::Client &c) {
      return c.Read(h, g_session.id(), data_at, off, data_bytes, &got);
    }, &e);
    if (st != Status::ok) {
      report("cat", argv[1], st, e);
      break;
    }
    if (!got || !g_session.Get(data_at, buf, got)) break;
    out_bytes(buf, got);
    off += got;
  }
  (void)fs_call([&](fs::Client &c) { return c.Close(h); }, &e);
}

// write/append PATH WORDS...: the words, separated by spaces, and a line end.
void put_text(const char *cmd, bool append, unsigned argc, char **argv) {
  if (!connected()) return;
  static char text[data_bytes];
  word n = 0;
  for (unsigned i = 2; i < argc; ++i) {
    const int w = snprintf(text + n, sizeof(text) - n, "%s%s", i > 2 ? " " : "", argv[i]);
    if (w < 0 || n + word(w) >= sizeof(text) - 1) return (void)out("msh: %s: text too long\n", cmd);
    n += word(w);
  }
  text[n++] = '\n';
  argv[1] = const_cast<char *>(absolute(argv[1]));
  word h = 0;
  uint64_t size = 0;
  fs::Error e;
  const word flags = word(fs::o_create) | (append ? word(0) : word(fs::o_truncate));
  Status st = fs_call([&](fs::Client &c) { return c.Open(argv[1], flags, &h, &size); }, &e);
  if (st != Status::ok) return report(cmd, argv[1], st, e);
  word done = 0;
  if (!g_session.Put(data_at, text, n)) {
    st = Status::invalid_arg;
  } else {
    const uint64_t at = append ? size : 0;
    st = fs_call([&](fs::Client &c) { return c.Write(h, g_session.id(), data_at, at, n, &done); }, &e);
  }
  if (st != Status::ok) report(cmd, argv[1], st, e);
  else out("%lu bytes %s %s\n", done, append ? "appended to" : "written to", argv[1]);
  (void)fs_call([&](fs::Client &c) { return c.Close(h); }, &e);
}
void cmd_write(unsigned argc, char **argv) { put_text("write", false, argc, argv); }
void cmd_append(unsigned argc, char **argv) { put_text("append", true, argc, argv); }

void cmd_mkdir(unsigned, char **argv) {
  if (!connected()) return;
  argv[1] = const_cast<char *>(absolute(argv[1]));
  fs::Error e;
  const Status st = fs_call([&](fs::Client &c) { return c.Mkdir(argv[1], 0755); }, &e);
  if (st != Status::ok) report("mkdir", argv[1], st, e);
}

void cmd_rm(unsigned, char **argv) {
  if (!connected()) return;
  argv[1] = const_cast<char *>(absolute(argv[1]));
  fs::Error e;
  Status st = fs_call([&](fs::Client &c) { return c.Unlink(argv[1]); }, &e);
  if (st == Status::not_supported && e == fs::Error::is_dir)
    st = fs_call([&](fs::Client &c) { return c.Rmdir(argv[1]); }, &e);
  if (st != Status::ok) report("rm", argv[1], st, e);
}

void cmd_stat(unsigned, char **argv) {
  if (!connected()) return;
  argv[1] = const_cast<char *>(absolute(argv[1]));
  fs::StatInfo si{};
  fs::Error e;
  const Status st = fs_call([&](fs::Client &c) { return c.Lstat(argv[1], &si); }, &e);
  if (st != Status::ok) return report("stat", argv[1], st, e);
  out("%s: inode %lu, mode %c%04lo, %lu links, %llu bytes, %lu blocks, uid %lu, gid %lu, "
      "mtime %lu\n", argv[1], si.ino, type_char(si.mode), si.mode & 07777, si.links,
      (unsigned long long)si.size, si.blocks, si.uid, si.gid, si.mtime);
}

void cmd_mv(unsigned, char **argv) {
  if (!connected()) return;
  argv[1] = const_cast<char *>(absolute(argv[1], 0));
  argv[2] = const_cast<char *>(absolute(argv[2], 1));
  fs::Error e;
  const Status st = fs_call([&](fs::Client &c) { return c.Rename(argv[1], argv[2]); }, &e);
  if (st != Status::ok) report("mv", argv[1], st, e);
}

// ---- checkpoints in files (docs/restarts.md, "Checkpoints in files") --------------------------
// The root task holds the file between us and the server's pager: `--save` has the pager write
// the last checkpoint into it and copies it out to the file; `--load` copies the file in and has
// the pager check it and restore the server to it. A message carries a few hundred bytes.

// root::checkpoint_file for srv: MR7 op, then args; the reply stays in our UTCB. Busy is asked
// again for up to two seconds (the server not at a quiet point, the pager at work).
Status ckfile_call(const char *srv, word op, const word *args, unsigned nargs, unsigned data_words = 0,
                   const word *data = nullptr) {
  Status st = Status::busy;
  for (unsigned tries = 0; st == Status::busy && tries < 400; ++tries) {
    if (tries) arc::sleep_ms(5);
    arc::Utcb *u = arc::utcb();
    memset(&u->mr[1], 0, 6 * sizeof(word));
    strncpy(reinterpret_cast<char *>(&u->mr[1]), srv, 6 * sizeof(word) - 1);
    u->mr[7] = op;
    for (unsigned i = 0; i < nargs; ++i) u->mr[8 + i] = args[i];
    for (unsigned i = 0; i < data_words; ++i) u->mr[8 + nargs + i] = data[i];
    u->mr[0] = arc::Tag(arc::root::checkpoint_file, 7 + nargs + data_words, 0).raw;
    st = arc::call(arc::proc::root);
    if (st == Status::ok) st = Status(u->mr[1]);
  }
  return st;
}

} // namespace


void checkpoint_save(const char *srv, const char *file) {
  if (!connected()) return;
  const char *path = absolute(file);
  Status st = ckfile_call(srv, arc::root::ckfile_export, nullptr, 0);
  if (st == Status::invalid_arg) return (void)out("msh: checkpoint: no running server '%s'\n", srv);
  if (st == Status::not_supported) return (void)out("msh: checkpoint: %s has no checkpoint to save\n", srv);
  if (st != Status::ok) return (void)out("msh: checkpoint: %s: %s\n", srv, arc::status_name(st));
  word h = 0;
  fs::Error e;
  st = fs_call([&](fs::Client &c) { return c.Open(path, word(fs::o_create) | word(fs::o_truncate), &h); }, &e);
  if (st != Status::ok) return report("checkpoint", path, st, e);
  static char page[data_bytes];
  word total = 1, number = 0, off = 0, filled = 0, written = 0;
  while (off < total && st == Status::ok) {
    const word at = off;
    st = ckfile_call(srv, arc::root::ckfile_fetch, &at, 1);
    if (st != Status::ok) break;
    const arc::Utcb *u = arc::utcb();
    total = u->mr[2];
    number = u->mr[3];
    const word n = u->mr[4];
    if (!n || n > data_bytes - filled) { st = Status::invalid_arg; break; }
    memcpy(page + filled, &u->mr[5], n);
    filled += n;
    off += n;
    if (filled + (arc::mr_count - 5) * sizeof(word) > data_bytes || off == total) {
      word done = 0;
      if (!g_session.Put(data_at, page, filled)) st = Status::invalid_arg;
      else st = fs_call([&](fs::Client &c) { return c.Write(h, g_session.id(), data_at, written, filled, &done); }, &e);
      if (st == Status::ok && done != filled) st = Status::no_memory;
      written += done;
      filled = 0;
    }
  }
  (void)fs_call([&](fs::Client &c) { return c.Close(h); }, &e);
  if (st != Status::ok) {
    if (e != fs::Error::none) return report("checkpoint", path, st, e);
    return (void)out("msh: checkpoint: %s: the checkpoint could not be written out (%s)\n", srv,
                     arc::status_name(st));
  }
  out("checkpoint #%lu of %s saved to %s: %lu bytes\n", number, srv, path, written);
}

void checkpoint_load(const char *srv, const char *file) {
  if (!connected()) return;
  const char *path = absolute(file);
  word h = 0;
  uint64_t size = 0;
  fs::Error e;
  Status st = fs_call([&](fs::Client &c) { return c.Open(path, 0, &h, &size); }, &e);
  if (st != Status::ok) return report("restore", path, st, e);
  static char page[data_bytes];
  constexpr word chunk = (arc::mr_count - 10) * sizeof(word);   // MR10.. of a put
  word off = 0;
  while (off < size && st == Status::ok) {
    word got = 0;
    st = fs_call([&](fs::Client &c) { return c.Read(h, g_session.id(), data_at, off, data_bytes, &got); }, &e);
    if (st != Status::ok) break;
    if (!got || !g_session.Get(data_at, page, got)) { st = Status::invalid_arg; break; }
    for (word k = 0; k < got && st == Status::ok;) {
      const word n = got - k < chunk ? got - k : chunk;
      static word words[arc::mr_count];
      memcpy(words, page + k, n);
      const word args[2] = {off + k, n};
      st = ckfile_call(srv, arc::root::ckfile_put, args, 2, unsigned((n + sizeof(word) - 1) / sizeof(word)), words);
      k += n;
    }
    off += got;
  }
  (void)fs_call([&](fs::Client &c) { return c.Close(h); }, &e);
  if (st == Status::invalid_arg && e == fs::Error::none && !off)
    return (void)out("msh: restore: no running server '%s'\n", srv);
  if (st != Status::ok) {
    if (e != fs::Error::none) return report("restore", path, st, e);
    return (void)out("msh: restore: %s: %s could not be passed on (%s)\n", srv, path, arc::status_name(st));
  }
  if (!size) return (void)out("msh: restore: %s: empty file; %s left as it was\n", path, srv);
  const word total = word(size);
  st = ckfile_call(srv, arc::root::ckfile_load, &total, 1);
  if (st == Status::ok) st = ckfile_call(srv, arc::root::ckfile_result, nullptr, 0);
  if (st != Status::ok) return (void)out("msh: restore: %s: %s\n", srv, arc::status_name(st));
  const auto err = p3::ckptfile::Error(arc::utcb()->mr[2]);
  if (err != p3::ckptfile::Error::none)
    return (void)out("msh: restore: %s: %s; %s left as it was\n", path,
                     p3::ckptfile::error_name(err), srv);
  out("restoring %s to the checkpoint in %s (%lu bytes)\n", srv, path, total);
}


const Command file_commands[] = {
    {"ls", "ls [dir]", "list a directory (type, size, name)", 0, 1, cmd_ls},
    {"cat", "cat <file>", "print a file", 1, 1, cmd_cat},
    {"write", "write <file> [words]", "write the words (and a line end) to a file", 1,
     max_args - 1, cmd_write},
    {"append", "append <file> [words]", "append the words (and a line end) to a file", 1,
     max_args - 1, cmd_append},
    {"mkdir", "mkdir <dir>", "make a directory", 1, 1, cmd_mkdir},
    {"rm", "rm <path>", "remove a file or an empty directory", 1, 1, cmd_rm},
    {"stat", "stat <path>", "inode, mode, links, size, times", 1, 1, cmd_stat},
    {"mv", "mv <from> <to>", "rename (replacing <to>)", 2, 2, cmd_mv},
};
const unsigned file_command_count = sizeof(file_commands) / sizeof(file_commands[0]);

} // namespace msh
