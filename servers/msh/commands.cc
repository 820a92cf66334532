// msh commands: help, echo, ps, servers, start, kill, mem, uptime, restarts, domains, inject,
// swap (the file commands are in files.cc). System state comes from the root task
// (arc/proto/root.hh; replies: MR1 status, MR2.. results).
#include "msh.hh"

#include <arc/message.hh>
#include <arc/process.hh>
#include <arc/proto/root.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <string.h>

namespace msh {

namespace {

using arc::Rpc;
using arc::Status;
using arc::word;

const char *state_name(word s) {
  switch (arc::root::PState(s)) {
  case arc::root::PState::starting: return "starting";
  case arc::root::PState::running: return "running";
  case arc::root::PState::exited: return "exited";
  case arc::root::PState::failed: return "failed";
  }
  return "?";
}

void failed(const char *what, Status st) { out("msh: %s: %s\n", what, arc::status_name(st)); }

void cmd_help(unsigned, char **);

void cmd_echo(unsigned argc, char **argv) {
  for (unsigned i = 1; i < argc; ++i) out("%s%s", i > 1 ? " " : "", argv[i]);
  out("\n");
}

void cmd_ps(unsigned, char **) {
  out("  PID STATE     PAGES  PDATA  RESTARTS NAME\n");
  for (word i = 0;; ++i) {
    Rpc rpc(arc::root::ps);
    rpc.put(i);
    const Status st = rpc.call(arc::proc::root);
    if (st == Status::invalid_arg) return;   // past the last process
    if (st != Status::ok) return failed("ps", st);
    char name[32];
    rpc.result_string(5, 6, name, sizeof(name));
    char pages[16], pdata[16];
    const word none = ~word(0);
    if (rpc.result(2) == none) strcpy(pages, "-");
    else snprintf(pages, sizeof(pages), "%lu", rpc.result(2));
    if (rpc.result(3) == none) strcpy(pdata, "-");
    else snprintf(pdata, sizeof(pdata), "%lu", rpc.result(3));
    out("%5lu %-9s %6s %6s %9lu %s\n", rpc.result(0), state_name(rpc.result(1)), pages, pdata,
        rpc.result(4), name);
  }
}

void cmd_servers(unsigned, char **) {
  out("NAME             PROGRAM          PID  RESTARTS\n");
  for (word i = 0;; ++i) {
    Rpc rpc(arc::root::servers);
    rpc.put(i);
    const Status st = rpc.call(arc::proc::root);
    if (st == Status::invalid_arg) return;
    if (st != Status::ok) return failed("servers", st);
    char text[72];
    rpc.result_string(2, 16, text, sizeof(text));
    char *program = strchr(text, ' ');
    if (program) *program++ = 0;
    char pid[16];
    if (rpc.result(0)) snprintf(pid, sizeof(pid), "%lu", rpc.result(0));
    else strcpy(pid, "-");
    out("%-16s %-16s %4s %9lu\n", text, program ? program : "", pid, rpc.result(1));
  }
}

void cmd_start(unsigned argc, char **argv) {
  char line[200];
  unsigned n = 0;
  for (unsigned i = 1; i < argc; ++i) {
    const unsigned len = unsigned(strlen(argv[i]));
    if (n + len + 2 > sizeof(line)) {
      out("msh: start: command line too long (at most %u characters)\n", unsigned(sizeof(line) - 1));
      return;
    }
    if (i > 1) line[n++] = ' ';
    memcpy(line + n, argv[i], len);
    n += len;
  }
  line[n] = 0;
  Rpc rpc(arc::root::spawn);
  rpc.put_string(line, arc::words_for(n + 1));
  const Status st = rpc.call(arc::proc::root);
  if (st == Status::invalid_arg) {   // the root task found no such module, or cannot load it
    out("msh: start: cannot start '%s': no such program among the boot modules, or not loadable\n",
        argv[1]);
    return;
  }
  if (st != Status::ok) {
    out("msh: start: cannot start '%s': %s\n", argv[1], arc::status_name(st));
    return;
  }
  out("started %s: pid %lu\n", argv[1], rpc.result(0));
}

const char *cause_name(word c) {
  static const char *const names[] = {"?", "crash", "exception", "panic", "hang", "corrupt", "exit",
                                      "group", "renew", "killed", "complaint", "pager",
                                      "dead-thread", "deadlock", "loop", "swap-asked",
                                      "checkpoint", "restore-asked", "checkpoint-saved",
                                      "restore-loaded"};   // root::Cause
  return c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}
const char *action_name(word a) {
  static const char *const names[] = {"hot",  "warm", "cold",    "group",     "stop",
                                      "domain", "swap", "restore", "checkpoint"};
  return a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}

const char *outcome_name(word o) {
  static const char *const names[] = {"pending", "done", "abandoned"};   // root::Outcome
  return o < 3 ? names[o] : "?";
}

// The pid of the running process called `name` (the root task's process list), or 0.
word pid_of(const char *name) {
  for (word i = 0;; ++i) {
    Rpc rpc(arc::root::ps);
    rpc.put(i);
    if (rpc.call(arc::proc::root) != Status::ok) return 0;
    char found[32];
    rpc.result_string(5, 6, found, sizeof(found));
    if (!strcmp(found, name) && rpc.result(1) == word(arc::root::PState::running)) return rpc.result(0);
  }
}

void cmd_kill(unsigned, char **argv) {
  word pid;
  if (!parse_number(argv[1], &pid) && !(pid = pid_of(argv[1]))) {
    out("msh: kill: '%s' is neither a process id nor the name of a running process\n", argv[1]);
    return;
  }
  if (pid == 0) {
    out("msh: kill: '%s' is not a process id\n", argv[1]);
    return;
  }
  if (pid == arc::my_pid()) {
    out("msh: kill: %lu is this shell itself, not killed\n", pid);
    return;
  }
  Rpc rpc(arc::root::kill);
  rpc.put(pid);
  const Status st = rpc.call(arc::proc::root);
  if (st == Status::invalid_arg) return (void)out("msh: kill: no running process %lu\n", pid);
  if (st == Status::no_rights)
    return (void)out("msh: kill: %lu is the name service and has no restart policy: nothing could "
                     "look a name up again; not killed\n", pid);
  if (st == Status::busy) return (void)out("msh: kill: %lu is being restarted; try again\n", pid);
  if (st != Status::ok) return failed("kill", st);
  const word action = rpc.result(0);
  if (action == word(arc::root::Action::stop)) out("killed %lu\n", pid);
  else out("killed %lu: its policy restarts it (%s)\n", pid, action_name(action));
}

void cmd_mem(unsigned, char **) {
  Rpc rpc(arc::root::mem);
  const Status st = rpc.call(arc::proc::root);
  if (st != Status::ok) return failed("mem", st);
  const word total = rpc.result(0), free_frames = rpc.result(1), used = rpc.result(2);
  out("memory: %lu frames (%lu KiB) total, %lu free (%lu KiB), %lu held by processes\n", total,
      total * 4, free_frames, free_frames * 4, used);
}

void cmd_uptime(unsigned, char **) {
  const arc::Result r = arc::syscall(arc::Sys::kdebug, word(arc::KdOp::ticks));
  if (!r.ok()) return failed("uptime", r.status);
  const unsigned long long ms = (unsigned long long)r.r[0] * (r.r[1] ? r.r[1] : 1);
  out("up %llu.%03llu s (%lu ticks of %lu ms)\n", ms / 1000, ms % 1000, r.r[0], r.r[1]);
}

// The reincarnation monitor's log (the root task keeps the last 64 restarts).
void cmd_restarts(unsigned, char **) {
  unsigned shown = 0;
  for (word i = 0; i < 64; ++i) {
    Rpc rpc(arc::root::restarts);
    rpc.put(i);
    if (rpc.call(arc::proc::root) != Status::ok) break;
    char name[24];
    if (!rpc.result_string(5, 6, name, sizeof(name))) name[0] = 0;
    if (!shown++) out("  PID SERVER           CAUSE      KIND   CYCLES      OUTCOME\n");
    out("%5lu %-16s %-10s %-6s %-11lu %s\n", rpc.result(0), name, cause_name(rpc.result(1)),
        action_name(rpc.result(2)), rpc.result(3), outcome_name(rpc.result(4)));
  }
  if (!shown) out("no restarts\n");
}

// The secure domains of the boot configuration (the boot root task's; a domain's own root task
// has none): their state, memory and restarts by the domain monitor (docs/domains.md).
void cmd_domains(unsigned, char **) {
  unsigned shown = 0;
  for (word i = 0;; ++i) {
    Rpc rpc(arc::root::domains);
    rpc.put(i);
    const Status st = rpc.call(arc::proc::root);
    if (st == Status::invalid_arg) break;   // past the last domain
    if (st != Status::ok) return failed("domains", st);
    char name[40];
    if (!rpc.result_string(6, 8, name, sizeof(name))) name[0] = 0;
    const auto state = arc::root::DState(rpc.result(0));
    const char *state_text = state == arc::root::DState::running ? "running"
                             : state == arc::root::DState::failed ? "failed" : "down";
    char pid[16];
    if (rpc.result(3)) snprintf(pid, sizeof(pid), "%lu", rpc.result(3));
    else strcpy(pid, "-");
    if (!shown++) out("DOMAIN           STATE    MEMORY   ROOT  FRAMES  RESTARTS  LAST CAUSE\n");
    out("%-16s %-8s %4lu MiB %5s %7lu %9lu  %s\n", name, state_text, rpc.result(2) >> 10, pid,
        rpc.result(4), rpc.result(1), rpc.result(5) ? cause_name(rpc.result(5)) : "-");
  }
  if (!shown) out("no secure domains: every process runs in this root task's domain\n");
}

// inject <server> crash|hang|panic|corrupt|stall|lose|pager|irq [after N]: arm a fault in a
// server (demos, tests); pager: the server's pager fails at once (the root task makes it jump
// wild); irq: the server detaches its interrupts and crashes.
void cmd_inject(unsigned argc, char **argv) {
  const word kind = arc::inject_kind(argv[2]);
  word after = 0;
  if (!kind)
    return (void)out("msh: inject: unknown fault '%s' (crash, hang, panic, corrupt, stall, lose, pager, irq)\n", argv[2]);
  // after N: at the N+1-th request; step N: at the N+1-th step inside handlers (arc::fault_step)
  word at = arc::server_label::inject_at_request;
  if (argc == 5) {
    if (!strcmp(argv[3], "step")) at = arc::server_label::inject_at_step;
    if ((strcmp(argv[3], "after") && strcmp(argv[3], "step")) || !parse_number(argv[4], &after))
      return (void)out("msh: inject: usage: inject <server> crash|hang|panic|corrupt|stall|lose|pager|irq [after N|step N]\n");
  } else if (argc != 3) {
    return (void)out("msh: inject: usage: inject <server> crash|hang|panic|corrupt|stall|lose|pager|irq [after N|step N]\n");
  }
  const Status st = arc::inject_fault(argv[1], kind, after, at);
  if (st != Status::ok) return failed("inject", st);
  out("armed: %s in %s after %lu %s\n", argv[2], argv[1], after,
      at == arc::server_label::inject_at_step ? "handler steps" : "requests");
}

// swap <server> <program>: replace a running server's program by another one of the same
// interface, online; its clients keep their connections and requests (root::swap). The root
// task does it only at a quiet point of the server: busy means not yet, so ask again a while.
void cmd_swap(unsigned, char **argv) {
  word name[6] = {}, program[6] = {};   // NUL-padded, as the root task expects
  strncpy(reinterpret_cast<char *>(name), argv[1], sizeof(name) - 1);
  strncpy(reinterpret_cast<char *>(program), argv[2], sizeof(program) - 1);
  Status st = Status::busy;
  for (unsigned tries = 0; st == Status::busy && tries < 200; ++tries) {
    if (tries) arc::sleep_ms(5);
    Rpc rpc(arc::root::swap);
    for (word w : name) rpc.put(w);
    for (word w : program) rpc.put(w);
    st = rpc.call(arc::proc::root);
  }
  if (st == Status::invalid_arg)
    return (void)out("msh: swap: no running server '%s' or no program '%s'\n", argv[1], argv[2]);
  if (st == Status::busy) return (void)out("msh: swap: %s never came to a quiet point; try again\n", argv[1]);
  if (st != Status::ok) return failed("swap", st);
  out("swapped %s to %s\n", argv[1], argv[2]);
}

// checkpoint <server> / restore <server>: have a server checkpointed at its next quiet point (the
// pager copies the pages written since the last one), or brought back to its last checkpoint
// (root::checkpoint, root::restore; docs/restarts.md, "Checkpoint and restore"). With -g, the
// server and the processes connected to it, at one consistent point ("Group checkpoints").
Status name_call(word label, const char *server, bool group = false) {
  word name[6] = {};   // NUL-padded, as the root task expects
  strncpy(reinterpret_cast<char *>(name), server, sizeof(name) - 1);
  Status st = Status::busy;
  for (unsigned tries = 0; st == Status::busy && tries < 200; ++tries) {
    if (tries) arc::sleep_ms(5);
    Rpc rpc(label);
    for (word w : name) rpc.put(w);
    if (group) rpc.put(arc::root::ckpt_group);
    st = rpc.call(arc::proc::root);
  }
  return st;
}

// `<cmd> <srv>` or `<cmd> -g <srv>`: the server's name, *group set for -g; null if malformed.
const char *server_arg(unsigned argc, char **argv, bool *group) {
  *group = argc == 3;
  if (argc == 3 && strcmp(argv[1], "-g")) return nullptr;
  return argv[argc - 1];
}

void cmd_checkpoint(unsigned argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "--save")) return checkpoint_save(argv[2], argv[3]);
  if (argc == 4 || (argc > 1 && !strcmp(argv[1], "--save")))
    return (void)out("usage: checkpoint [-g] <srv> | checkpoint --save <srv> <file>\n");
  bool group;
  const char *srv = server_arg(argc, argv, &group);
  if (!srv) return (void)out("usage: checkpoint [-g] <srv>\n");
  const Status st = name_call(arc::root::checkpoint, srv, group);
  if (st == Status::invalid_arg) return (void)out("msh: checkpoint: no running server '%s'\n", srv);
  if (st == Status::busy)
    return (void)out("msh: checkpoint: %s%s never came to a quiet point; try again\n", srv,
                     group ? " and its group" : "");
  if (st != Status::ok) return failed("checkpoint", st);
  out("checkpoint of %s%s asked (restarts shows it)\n", srv, group ? " and its group" : "");
}

void cmd_restore(unsigned argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "--load")) return checkpoint_load(argv[2], argv[3]);
  if (argc == 4 || (argc > 1 && !strcmp(argv[1], "--load")))
    return (void)out("usage: restore [-g] <srv> | restore --load <srv> <file>\n");
  bool group;
  const char *srv = server_arg(argc, argv, &group);
  if (!srv) return (void)out("usage: restore [-g] <srv>\n");
  const Status st = name_call(arc::root::restore, srv, group);
  if (st == Status::invalid_arg) return (void)out("msh: restore: no running server '%s'\n", srv);
  if (st == Status::not_supported)
    return (void)out(group ? "msh: restore: %s has no whole group checkpoint\n"
                           : "msh: restore: %s has no checkpoint\n", srv);
  if (st == Status::busy) return (void)out("msh: restore: %s's group checkpoint is not complete yet\n", srv);
  if (st != Status::ok) return failed("restore", st);
  out("restoring %s%s to its %scheckpoint\n", srv, group ? " and its group" : "", group ? "group " : "");
}

const Command commands[] = {
    {"help", "help", "this list", 0, 1, cmd_help},
    {"echo", "echo [words]", "print the words", 0, max_args - 1, cmd_echo},
    {"ps", "ps", "processes, their pages and restarts", 0, 0, cmd_ps},
    {"servers", "servers", "servers of the boot configuration", 0, 0, cmd_servers},
    {"start", "start <program> [args]", "start a program from the boot modules", 1, max_args - 1,
     cmd_start},
    {"kill", "kill <pid|name>", "end a process", 1, 1, cmd_kill},
    {"mem", "mem", "physical memory", 0, 0, cmd_mem},
    {"uptime", "uptime", "time since boot", 0, 0, cmd_uptime},
    {"restarts", "restarts", "the restart log of the reincarnation monitor", 0, 0, cmd_restarts},
    {"domains", "domains", "secure domains, their state and restarts", 0, 0, cmd_domains},
    {"inject", "inject <srv> <fault> [after N|step N]", "arm crash|hang|panic|corrupt|stall|lose|pager|irq in a server", 2, 4,
     cmd_inject},
    {"swap", "swap <srv> <program>", "run another program for a server, online", 2, 2, cmd_swap},
    {"checkpoint", "checkpoint [-g] <srv>", "checkpoint a server (-g: with its group, at one point)",
     1, 3, cmd_checkpoint},
    {"checkpoint", "checkpoint --save <srv> <file>", "write a server's last checkpoint to a file",
     3, 3, cmd_checkpoint},
    {"restore", "restore [-g] <srv>", "bring a server (-g: its group) back to its checkpoint", 1, 3,
     cmd_restore},
    {"restore", "restore --load <srv> <file>", "restore a server to a checkpoint file it was saved to",
     3, 3, cmd_restore},
};

void cmd_help(unsigned, char **) {
  for (const Command &c : commands) out("  %-24s %s\n", c.usage, c.help);
  for (unsigned i = 0; i < file_command_count; ++i)
    out("  %-24s %s\n", file_commands[i].usage, file_commands[i].help);
  out("Every server has a restart policy: crash one and watch it come back, e.g.\n"
      "  inject ext2 crash    (then ls: the file server was restarted, nothing lost)\n"
      "  kill names           (a kill is a failure its policy handles; pids: see ps)\n"
      "  restarts             (the monitor's log: cause, kind, cycles)\n");
}

} // namespace

unsigned split(char *line, char **argv) {
  unsigned argc = 0;
  char *p = line;
  for (;;) {
    while (*p == ' ' || *p == '\t') *p++ = 0;
    if (!*p || argc == max_args) break;
    argv[argc++] = p;
    while (*p && *p != ' ' && *p != '\t') ++p;
  }
  argv[argc] = nullptr;
  return argc;
}

bool parse_number(const char *s, word *value) {
  word v = 0;
  unsigned base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  if (!*s) return false;
  for (; *s; ++s) {
    unsigned d;
    if (*s >= '0' && *s <= '9') d = unsigned(*s - '0');
    else if (base == 16 && *s >= 'a' && *s <= 'f') d = unsigned(*s - 'a' + 10);
    else if (base == 16 && *s >= 'A' && *s <= 'F') d = unsigned(*s - 'A' + 10);
    else return false;
    if (v > (~word(0) - d) / base) return false;
    v = v * base + d;
  }
  *value = v;
  return true;
}

void run(char *line) {
  char *argv[max_args + 1];
  const unsigned argc = split(line, argv);
  if (!argc) return;
  const Command *found = nullptr;
  for (const Command &c : commands)   // the first of a name takes it (the others: help lines)
    if (!found && !strcmp(c.name, argv[0])) found = &c;
  for (unsigned i = 0; i < file_command_count && !found; ++i)
    if (!strcmp(file_commands[i].name, argv[0])) found = &file_commands[i];
  if (const Command *cp = found) {
    const Command &c = *cp;
    if (argc - 1 < c.min_args || argc - 1 > c.max_args) {
      out("msh: usage: %s\n", c.usage);
      return;
    }
    c.fn(argc, argv);
    return;
  }
  out("msh: unknown command '%s' (try help)\n", argv[0]);
}

} // namespace msh
