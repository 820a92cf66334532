// The `server` and `set` lines of the boot configuration: a server's keys and the checks made
// once its whole line is read (docs/boot-config.md).
#include "parser.hh"

namespace bootcfg::detail {

// R/T: at most R restarts within the duration T (> 0).
bool Parser::parse_intensity(const char *what, const Token &value, uint32_t *restarts, uint32_t *ms) {
  const char *p = value.p;
  const size_t n = value.n;
  size_t slash = 0;
  while (slash < n && p[slash] != '/') ++slash;
  if (slash == n) {
    Message m = msg();
    m.str(what).str(" is R/T (restarts/window), got ").quote(value);
    report(m);
    return false;
  }
  const uint64_t r = parse_number(p, slash);
  if (r == no_number || r > 0xffffffffull) return fail("bad number", Token{p, slash, false});
  bool unit_missing;
  const uint64_t t = parse_duration(p + slash + 1, n - slash - 1, &unit_missing);
  if (t == no_number)
    return fail(unit_missing ? "missing unit (ms or s) in" : "bad duration", value);
  if (t == 0) {
    Message m = msg();
    m.str(what).str(" window must not be zero: ").quote(value);
    report(m);
    return false;
  }
  *restarts = uint32_t(r);
  *ms = uint32_t(t);
  return true;
}

void Parser::set_line() {
  if (ntokens < 3) return void(fail("'set' needs a key and a value"));
  if (ntokens > 3) return void(fail("unexpected word after the value", tokens[3]));
  Setting st{};
  st.line = line;
  if (tokens[1].quoted || !copy_token(tokens[1], st.key, sizeof st.key) || !valid_name(st.key))
    return void(fail("bad setting name", tokens[1]));
  if (!copy_token(tokens[2], st.value, sizeof st.value))
    return void(fail("value too long", tokens[2]));
  if (cfg.setting(st.key)) return void(fail("duplicate setting", tokens[1]));
  if (cfg.nsettings == max_settings) return void(fail("too many settings"));
  // Settings the root task acts on are checked here, so that a bad value is a line error.
  if (seq(st.key, "domain-restarts") &&
      !parse_intensity("domain-restarts", tokens[2], &cfg.domain_restarts, &cfg.domain_window_ms))
    return;
  cfg.settings[cfg.nsettings++] = st;
}

void Parser::server_line() {
  if (ntokens < 2) return void(fail("'server' needs a name and a program"));
  if (cfg.nservers == max_servers) return void(fail("too many servers"));
  const unsigned index = cfg.nservers;
  Server &s = cfg.servers[index];
  s = Server{};
  s.line = line;
  s.prio = default_prio;
  s.intensity_restarts = default_intensity_restarts;
  s.intensity_ms = default_intensity_ms;
  s.on_exhausted = OnExhausted::stop;
  s.ha_period_ms = default_ha_period_ms;
  s.ha_beta_pct = default_ha_beta_pct;
  s.ha_limit_pct = default_ha_limit_pct;
  s.ha_samples = default_ha_samples;
  s.ha_deadlock_ms = default_ha_deadlock_ms;
  if (tokens[1].quoted || !copy_token(tokens[1], s.name, sizeof s.name))
    return void(fail("bad server name", tokens[1]));
  if (!valid_name(s.name)) return void(fail("bad server name", tokens[1]));
  if (cfg.index_of(s.name) >= 0) return void(fail("duplicate server", tokens[1]));
  if (ntokens < 3 || teq(tokens[2], "--") || tokens[2].n == 0)
    return void(fail("missing program for server", tokens[1]));
  {
    // The program is the word after the name; `key=value` there means the program was forgotten.
    const Token &t = tokens[2];
    bool has_eq = false;
    for (size_t i = 0; !t.quoted && i < t.n; ++i) has_eq |= t.p[i] == '=';
    if (has_eq) return void(fail("missing program for server", tokens[1]));
    if (!copy_token(t, s.program, sizeof s.program)) return void(fail("program name too long", t));
  }
  uint32_t seen = 0;
  unsigned i = 3;
  for (; i < ntokens; ++i) {
    const Token &t = tokens[i];
    if (teq(t, "--")) break;
    size_t eq = 0;
    while (eq < t.n && t.p[eq] != '=') ++eq;
    if (t.quoted || eq == t.n) return void(fail("expected key=value, got", t));
    const Token key{t.p, eq, false}, value{t.p + eq + 1, t.n - eq - 1, false};
    if (value.n == 0) return void(fail("empty value for", key));
    if (!key_value(s, key, value, seen)) return;
  }
  if (!renewal_possible(s) || !fault_possible(s) || !names_policy_possible(s) ||
      !backoff_possible(s) || !ha_possible(s) || !swap_possible(s) ||
      !restore_possible(s))
    return;
  if (i < ntokens) {
    for (++i; i < ntokens; ++i) {
      if (s.nargs == max_args) return void(fail("too many arguments"));
      if (!copy_token(tokens[i], s.args[s.nargs], sizeof s.args[0]))
        return void(fail("argument too long", tokens[i]));
      ++s.nargs;
    }
  }
  ++cfg.nservers;
}

bool Parser::key_value(Server &s, const Token &key, const Token &value, uint32_t &seen) {
  const char *p = value.p;
  const size_t n = value.n;
  // Keys that may appear once.
  struct Once {
    const char *name;
    uint32_t bit;
  };
  static const Once once[] = {
      {"prio", given_prio},         {"restart", given_restart},
      {"intensity", given_intensity}, {"backoff", given_backoff},
      {"on-exhausted", given_on_exhausted}, {"heartbeat", given_heartbeat},
      {"deadline", given_deadline}, {"quota", given_quota},
      {"pager", given_pager},         {"module", given_module},
      {"renew-pages", given_renew_pages}, {"renew-every", given_renew_every},
      {"fault", given_fault},       {"backoff-max", given_backoff_max},
      {"may", given_may},           {"ha", given_ha},
      {"ha-period", given_ha_period}, {"ha-loop", given_ha_loop},
      {"ha-deadlock", given_ha_deadlock}, {"ha-action", given_ha_action},
      {"dma", given_dma},           {"watch-domains", given_watch_domains},
      {"alternates", given_alternates}, {"checkpoint", given_checkpoint},
  };
  for (const Once &o : once) {
    if (!teq(key, o.name)) continue;
    if (seen & o.bit) return fail("duplicate key", key);
    seen |= o.bit;
    s.given |= o.bit;
  }

  if (teq(key, "ports")) return parse_ports(s, p, n);
  if (teq(key, "irq")) return parse_irqs(s, p, n);
  if (teq(key, "mem")) return parse_mem(s, p, n);
  if (teq(key, "after")) return parse_after(s, p, n);
  if (teq(key, "restart")) return parse_restart(s, p, n);
  if (teq(key, "backoff")) return parse_ms("backoff", p, n, &s.backoff_ms);
  if (teq(key, "backoff-max")) return parse_ms("backoff-max", p, n, &s.backoff_max_ms);
  if (teq(key, "heartbeat")) return parse_ms("heartbeat", p, n, &s.heartbeat_ms);
  if (teq(key, "deadline")) return parse_ms("deadline", p, n, &s.deadline_ms);
  if (teq(key, "renew-every")) {
    if (!parse_ms("renew-every", p, n, &s.renew_every_ms)) return false;
    if (!s.renew_every_ms) return fail("renew-every must not be zero:", value);
    return true;
  }
  if (teq(key, "renew-pages")) {
    const uint64_t v = parse_number(p, n);
    if (v == no_number) return fail("bad number", value);
    if (v == 0 || v > 0xffffffffull)
      return fail("renew-pages out of range (1..4294967295):", value);
    s.renew_pages = uint32_t(v);
    return true;
  }
  if (teq(key, "prio")) {
    const uint64_t v = parse_number(p, n);
    if (v == no_number) return fail("bad number", value);
    if (v > 254) return fail("priority out of range (0..254):", value);
    s.prio = uint8_t(v);
    return true;
  }
  if (teq(key, "pager")) {
    if (suffix_is(p, n, "own")) s.pager = PagerKind::own;
    else if (suffix_is(p, n, "root")) s.pager = PagerKind::root;
    else return fail("unknown pager (own or root)", value);
    return true;
  }
  if (teq(key, "module")) {
    // A boot module's name as the root task knows it (the basename of its path).
    if (!copy_token(value, s.module, sizeof s.module)) return fail("module name too long:", value);
    for (size_t i = 0; i < n; ++i)
      if (p[i] == '/' || p[i] == ',') return fail("bad module name", value);
    return true;
  }
  if (teq(key, "on-exhausted")) {
    if (suffix_is(p, n, "stop")) s.on_exhausted = OnExhausted::stop;
    else if (suffix_is(p, n, "domain")) s.on_exhausted = OnExhausted::domain;
    else if (suffix_is(p, n, "reboot")) s.on_exhausted = OnExhausted::reboot;
    else return fail("unknown on-exhausted action", value);
    return true;
  }
  if (teq(key, "fault")) return parse_fault(s, value);
  if (teq(key, "watch-domains")) {
    // Only the boot root task's servers may be given another domain's root task.
    if (open >= 0) return fail("watch-domains is for servers outside every domain block");
    return parse_watch_domains(s, p, n);
  }
  if (teq(key, "may")) return parse_may(s, p, n);
  if (teq(key, "alternates")) return parse_alternates(s, p, n);
  if (teq(key, "checkpoint")) return parse_checkpoint(s, p, n);
  if (teq(key, "ha")) return parse_ha(s, p, n);
  if (teq(key, "ha-loop")) return parse_ha_loop(s, value);
  if (teq(key, "ha-action")) return parse_ha_action(s, value);
  if (teq(key, "ha-period") || teq(key, "ha-deadlock")) {
    uint32_t *out = teq(key, "ha-period") ? &s.ha_period_ms : &s.ha_deadlock_ms;
    if (!parse_ms(teq(key, "ha-period") ? "ha-period" : "ha-deadlock", p, n, out)) return false;
    // A worker samples at most every 10 ms (the timer tick is 1 ms, and a sample costs a few
    // system calls per thread); a minute is longer than any hang worth waiting for.
    if (*out < 10 || *out > 60000) return fail("out of range (10ms..60s):", value);
    return true;
  }
  if (teq(key, "intensity")) return parse_intensity("intensity", value, &s.intensity_restarts, &s.intensity_ms);
  if (teq(key, "dma")) {
    // The size of a DMA buffer the root task finds for the process (docs/boot-config.md).
    size_t used = 0;
    const uint64_t v = parse_number_prefix(p, n, &used);
    if (v == no_number) return fail("bad number", value);
    if (!suffix_is(p + used, n - used, "KiB")) return fail("dma needs the unit KiB:", value);
    if (v == 0 || v > max_dma_kib || v % (page_size / 1024))
      return fail("dma out of range (4..4096KiB, whole pages):", value);
    s.dma_kib = uint32_t(v);
    return true;
  }
  if (teq(key, "quota")) {
    size_t used = 0;
    const uint64_t v = parse_number_prefix(p, n, &used);
    if (v == no_number) return fail("bad number", value);
    uint64_t kib;
    if (suffix_is(p + used, n - used, "KiB")) kib = v;
    else if (suffix_is(p + used, n - used, "MiB")) kib = v > (1ull << 40) ? no_number : v * 1024;
    else return fail("quota needs a unit (KiB or MiB):", value);
    if (kib == no_number || kib > 0xffffffffull) return fail("quota too large:", value);
    s.quota_kib = uint32_t(kib);
    return true;
  }
  return fail("unknown key", key);
}

bool Parser::parse_ms(const char *key, const char *p, size_t n, uint32_t *out) {
  bool unit_missing;
  const uint64_t v = parse_duration(p, n, &unit_missing);
  if (v == no_number) {
    Message m = msg();
    m.str(unit_missing ? "missing unit (ms or s) in " : "bad duration for ").str(key).str(": ");
    m.quote(p, n);
    report(m);
    return false;
  }
  *out = uint32_t(v);
  return true;
}

// A renewal (renew-pages, renew-every) is a hot or warm restart through the process's own pager:
// it must be invisible to clients, so a policy that could only restart the server cold (or one
// the root task pages itself, which is never restarted in place) cannot have one. Checked once
// the whole line is read, since restart= may come after the renew keys.
bool Parser::renewal_possible(const Server &s) {
  if (!s.renew_pages && !s.renew_every_ms) return true;
  const char *key = s.renew_pages ? "renew-pages" : "renew-every";
  bool hot_or_warm = false;
  for (unsigned i = 0; i < s.nrestart; ++i)
    hot_or_warm |= s.restart[i] == RestartKind::hot || s.restart[i] == RestartKind::warm;
  Message m = msg();
  if (!hot_or_warm)
    m.quote(key).str(" needs a hot or warm kind in restart= (renewals never go cold)");
  else if (s.pager == PagerKind::root)
    m.quote(key).str(" needs the process's own pager (pager=own)");
  else
    return true;
  report(m);
  return false;
}

// backoff-max makes the back-off grow: it doubles from backoff= with each restart in the
// intensity window, up to backoff-max (as MINIX 3's RS and systemd's RestartSec steps do). It
// needs backoff= as its first step, no larger than itself.
bool Parser::backoff_possible(const Server &s) {
  if (!s.backoff_max_ms) return true;
  if (s.backoff_ms && s.backoff_ms <= s.backoff_max_ms) return true;
  report(msg().str("backoff-max needs backoff= (its first step), no larger than it"));
  return false;
}

// The name service (the server named `names`) may be restarted hot, warm or cold: a cold restart
// keeps the capabilities of its registry (every client's connections derive from them) and the
// servers publish again (docs/restarts.md, "The name service"). A group restart has nobody to
// take along (no process depends on the name service through its records: its clients hold the
// root task's endpoint), so it is refused rather than quietly made a cold one.
bool Parser::names_policy_possible(const Server &s) {
  if (!teq(Token{s.name, slen(s.name), false}, name_service)) return true;
  for (unsigned i = 0; i < s.nrestart; ++i) {
    if (s.restart[i] != RestartKind::group) continue;
    report(msg().str("names: restart=group has no group to restart (hot, warm, cold)"));
    return false;
  }
  if (s.pager == PagerKind::root && s.nrestart) {
    report(msg().str("names: a restart policy needs the process's own pager (pager=own)"));
    return false;
  }
  return true;
}

// fault=ADDR or fault=ADDR:HEX. ADDR is 0x hexadecimal and fits in 32 bits (bit 0 is kept: on
// ARM it marks Thumb code, which only the pager interprets); HEX is 1 to max_fault_bytes bytes as
// an even number of hex digits, in memory order.
bool Parser::parse_fault(Server &s, const Token &value) {
  const char *p = value.p;
  size_t colon = 0;
  while (colon < value.n && p[colon] != ':') ++colon;
  const Token addr{p, colon, false};
  const bool hex_prefix = colon > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
  const uint64_t a = hex_prefix ? parse_number(p, colon) : no_number;
  if (a == no_number) return fail("fault address is 0x hexadecimal:", addr);
  if (a > 0xffffffffull) return fail("fault address out of range (32 bits):", addr);
  s.fault_addr = uint32_t(a);
  s.fault_len = 0;
  if (colon == value.n) return true;   // watch: the image holds the mutation already
  const Token bytes{p + colon + 1, value.n - colon - 1, false};
  if (bytes.n < 2 || bytes.n > 2 * max_fault_bytes || bytes.n % 2)
    return fail("fault bytes: 2 to 32 hex digits, even count:", bytes);
  for (size_t i = 0; i < bytes.n; i += 2) {
    const int hi = hex_value(bytes.p[i]), lo = hex_value(bytes.p[i + 1]);
    if (hi < 0 || lo < 0) return fail("fault bytes: 2 to 32 hex digits, even count:", bytes);
    s.fault_bytes[i / 2] = uint8_t(hi << 4 | lo);
  }
  s.fault_len = uint8_t(bytes.n / 2);
  return true;
}

// Only a per-process pager plants and watches a fault site: the root task pages pager=root
// processes itself and has no such machinery. Checked once the line is read (pager= may follow).
bool Parser::fault_possible(const Server &s) {
  if (!(s.given & given_fault) || s.pager != PagerKind::root) return true;
  Message m = msg();
  m.quote("fault").str(" needs the process's own pager (pager=own)");
  report(m);
  return false;
}

// "A-B" or "A" -> [a, b]; false (not reported) on a syntax or number error.
static bool parse_range(const char *p, size_t n, uint64_t *a, uint64_t *b, bool single_ok) {
  size_t dash = 0;
  while (dash < n && p[dash] != '-') ++dash;
  if (dash == n) {
    if (!single_ok) return false;
    *a = *b = parse_number(p, n);
    return *a != no_number;
  }
  *a = parse_number(p, dash);
  *b = parse_number(p + dash + 1, n - dash - 1);
  return *a != no_number && *b != no_number;
}

bool Parser::parse_ports(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    uint64_t a, b;
    const Token t{q, m, false};
    if (!parse_range(q, m, &a, &b, true)) return fail("bad port range", t);
    if (a > b) return fail("reversed port range", t);
    if (b > max_port) return fail("port out of range (max 0xffff):", t);
    if (s.nports == max_port_ranges) return fail("too many port ranges");
    s.ports[s.nports++] = {uint16_t(a), uint16_t(b)};
    return true;
  });
}

bool Parser::parse_irqs(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    const Token t{q, m, false};
    const uint64_t v = parse_number(q, m);
    if (v == no_number) return fail("bad number", t);
    if (v > max_irq) return fail("irq out of range (max 255):", t);
    for (unsigned i = 0; i < s.nirqs; ++i)
      if (s.irqs[i] == v) return fail("duplicate irq", t);
    if (s.nirqs == max_irqs) return fail("too many irqs");
    s.irqs[s.nirqs++] = uint8_t(v);
    return true;
  });
}

bool Parser::parse_mem(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    uint64_t a, b;
    const Token t{q, m, false};
    if (!parse_range(q, m, &a, &b, false)) return fail("bad memory range (BASE-END)", t);
    if ((a | b) & (page_size - 1)) return fail("memory range not page-aligned:", t);
    if (a >= b) return fail("reversed or empty memory range", t);
    if (b > mem_limit) return fail("memory range above 4 GiB:", t);
    if (s.nmem == max_mem_ranges) return fail("too many memory ranges");
    s.mem[s.nmem++] = {a, b};
    return true;
  });
}

bool Parser::parse_restart(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    const Token t{q, m, false};
    RestartKind k;
    if (suffix_is(q, m, "hot")) k = RestartKind::hot;
    else if (suffix_is(q, m, "warm")) k = RestartKind::warm;
    else if (suffix_is(q, m, "cold")) k = RestartKind::cold;
    else if (suffix_is(q, m, "group")) k = RestartKind::group;
    else if (suffix_is(q, m, "swap")) k = RestartKind::swap;
    else if (suffix_is(q, m, "restore")) k = RestartKind::restore;
    else return fail("unknown restart kind", t);
    for (unsigned i = 0; i < s.nrestart; ++i)
      if (s.restart[i] == k) return fail("restart kind listed twice:", t);
    s.restart[s.nrestart++] = k;  // the six distinct kinds fit
    return true;
  });
}

// may=: spawn, kill, inject, each at most once.
bool Parser::parse_may(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    const Token t{q, m, false};
    const uint8_t bit = teq(t, "spawn") ? may_spawn : teq(t, "kill") ? may_kill
                        : teq(t, "inject") ? may_inject : teq(t, "swap") ? may_swap
                        : teq(t, "restore") ? may_restore : 0;
    if (!bit) return fail("unknown may= request (spawn, kill, inject, swap or restore):", t);
    if (s.may & bit) return fail("duplicate may= request", t);
    s.may |= bit;
    return true;
  });
}

// alternates=PROG[,PROG...]: programs (boot modules) a swap may replace the server's with; none
// the server's own program, none twice.
bool Parser::parse_alternates(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    const Token t{q, m, false};
    char prog[max_string_len + 1];
    if (!copy_token(t, prog, sizeof prog)) return fail("alternate program name too long:", t);
    for (size_t i = 0; i < m; ++i)
      if (q[i] == '/') return fail("bad alternate program", t);
    if (seq(prog, s.program)) return fail("alternate is the server's own program:", t);
    for (unsigned i = 0; i < s.nalternates; ++i)
      if (seq(s.alternates[i], prog)) return fail("duplicate alternate", t);
    if (s.nalternates == max_alternates) return fail("too many alternates (at most 3)");
    copy_token(t, s.alternates[s.nalternates++], max_string_len + 1);
    return true;
  });
}

// A swap replaces the program by one of its alternates: without them there is nothing to swap
// to. Like a warm restart it needs the process's own pager.
bool Parser::swap_possible(const Server &s) {
  bool swap = false;
  for (unsigned i = 0; i < s.nrestart; ++i) swap |= s.restart[i] == RestartKind::swap;
  if (!swap) return true;
  if (!s.nalternates) report(msg().str("restart=swap needs alternates="));
  else if (s.pager == PagerKind::root) report(msg().str("restart=swap needs the process's own pager (pager=own)"));
  else return true;
  return false;
}

// checkpoint=ITEM[,ITEM]: a period (DURATION: a checkpoint that often, at the server's next quiet
// point) and/or `marked` (at the restore points the server marks itself), each at most once.
bool Parser::parse_checkpoint(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    const Token t{q, m, false};
    if (teq(t, "marked")) {
      if (s.checkpoint_marked) return fail("duplicate checkpoint= item", t);
      s.checkpoint_marked = true;
      return true;
    }
    if (s.checkpoint_ms) return fail("checkpoint= has one period:", t);
    if (!parse_ms("checkpoint", q, m, &s.checkpoint_ms)) return false;
    if (!s.checkpoint_ms) return fail("checkpoint period must not be zero:", t);
    return true;
  });
}

// Checkpoints are taken and restored by the process's own pager (it holds the copies), so the
// restore rung and a checkpoint policy need it.
bool Parser::restore_possible(const Server &s) {
  bool restore = false;
  for (unsigned i = 0; i < s.nrestart; ++i) restore |= s.restart[i] == RestartKind::restore;
  if (!restore && !(s.given & given_checkpoint)) return true;
  if (s.pager != PagerKind::root) return true;
  report(msg().str(restore ? "restart=restore" : "checkpoint=")
             .str(" needs the process's own pager (pager=own)"));
  return false;
}

bool Parser::parse_ha(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    const Token t{q, m, false};
    const uint8_t bit = teq(t, "dead") ? ha_dead : teq(t, "deadlock") ? ha_deadlock
                        : teq(t, "loop") ? ha_loop : 0;
    if (!bit) return fail("unknown ha= worker (dead, deadlock or loop):", t);
    if (s.ha & bit) return fail("duplicate ha= worker", t);
    s.ha |= bit;
    return true;
  });
}

// The ha-* settings tune a watch: without ha= there is none, and the line is a mistake. A server
// whose restart the monitor cannot decide (no restart=) may still be watched with
// ha-action=delay; a restart on report needs a policy.
bool Parser::ha_possible(const Server &s) {
  const uint32_t tuning = given_ha_period | given_ha_loop | given_ha_deadlock | given_ha_action;
  if ((s.given & tuning) && !s.ha) return fail("ha-period, ha-loop, ha-deadlock and ha-action need ha=");
  if (s.ha && s.ha_action == HaAction::restart && !s.nrestart)
    return fail("ha= with ha-action=restart needs restart=");
  return true;
}

// ha-loop=B/L/T: the loop predictor's b and L in percent (1..99, 1..100) and T in samples (1..16:
// the worker remembers 16 PCs).
bool Parser::parse_ha_loop(Server &s, const Token &value) {
  const char *p = value.p;
  const size_t n = value.n;
  size_t a = 0;
  while (a < n && p[a] != '/') ++a;
  size_t b = a + 1;
  while (b < n && p[b] != '/') ++b;
  if (a >= n || b >= n) return fail("ha-loop is B/L/T (percent/percent/samples), got", value);
  const uint64_t beta = parse_number(p, a), limit = parse_number(p + a + 1, b - a - 1),
                 samples = parse_number(p + b + 1, n - b - 1);
  if (beta == no_number || limit == no_number || samples == no_number)
    return fail("bad number in ha-loop:", value);
  if (beta < 1 || beta > 99 || limit < 1 || limit > 100 || samples < 1 || samples > 16)
    return fail("ha-loop out of range (B 1..99, L 1..100, T 1..16):", value);
  s.ha_beta_pct = uint8_t(beta);
  s.ha_limit_pct = uint8_t(limit);
  s.ha_samples = uint8_t(samples);
  return true;
}

// ha-action=restart, or delay[:DURATION] (default 200 ms, at most a minute).
bool Parser::parse_ha_action(Server &s, const Token &value) {
  const char *p = value.p;
  const size_t n = value.n;
  if (suffix_is(p, n, "restart")) {
    s.ha_action = HaAction::restart;
    return true;
  }
  if (n >= 5 && suffix_is(p, 5, "delay") && (n == 5 || p[5] == ':')) {
    s.ha_action = HaAction::delay;
    s.ha_delay_ms = 200;
    if (n == 5) return true;
    if (!parse_ms("ha-action delay", p + 6, n - 6, &s.ha_delay_ms)) return false;
    if (s.ha_delay_ms < 1 || s.ha_delay_ms > 60000) return fail("delay out of range (1ms..60s):", value);
    return true;
  }
  return fail("unknown ha-action (restart or delay[:DURATION]):", value);
}

bool Parser::parse_after(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    const Token t{q, m, false};
    char name[max_name_len + 1];
    if (!copy_token(t, name, sizeof name) || !valid_name(name)) return fail("bad server name", t);
    if (seq(name, s.name)) return fail("server cannot start after itself:", t);
    for (unsigned i = 0; i < s.nafter; ++i)
      if (seq(s.after_names[i], name)) return fail("duplicate after", t);
    if (s.nafter == max_afters) return fail("too many 'after' entries");
    copy_token(t, s.after_names[s.nafter++], max_name_len + 1);
    return true;
  });
}

bool Parser::parse_watch_domains(Server &s, const char *p, size_t n) {
  return each_item(*this, p, n, [&](const char *q, size_t m) {
    const Token t{q, m, false};
    char name[max_name_len + 1];
    if (!copy_token(t, name, sizeof name) || !valid_name(name)) return fail("bad domain name", t);
    for (unsigned i = 0; i < s.nwatch; ++i)
      if (seq(s.watch_domain_names[i], name)) return fail("duplicate watch-domains entry", t);
    if (s.nwatch == max_domains) return fail("too many watch-domains entries");
    copy_token(t, s.watch_domain_names[s.nwatch++], max_name_len + 1);
    return true;
  });
}

// SIZE with a unit, KiB or MiB, into KiB.
bool Parser::parse_size_kib(const Token &key, const Token &value, uint32_t *kib) {
  size_t used = 0;
  const uint64_t v = parse_number_prefix(value.p, value.n, &used);
  if (v == no_number) return fail("bad number", value);
  uint64_t k;
  if (suffix_is(value.p + used, value.n - used, "KiB")) k = v;
  else if (suffix_is(value.p + used, value.n - used, "MiB")) k = v > (1ull << 40) ? no_number : v * 1024;
  else return fail("needs a unit (KiB or MiB):", value);
  if (k == no_number || k > 0xffffffffull) return fail("too large:", value);
  (void)key;
  *kib = uint32_t(k);
  return true;
}

} // namespace bootcfg::detail
