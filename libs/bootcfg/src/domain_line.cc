// Domain blocks (`domain NAME ... {` to `}`) and `grant` lines, and the end-of-file checks
// of the blocks (docs/domains.md).
#include "parser.hh"

namespace bootcfg::detail {

// domain NAME key=value ... {
void Parser::domain_line() {
  if (open >= 0) return void(fail("a domain block cannot hold another: missing '}' before", tokens[0]));
  if (ntokens < 3 || !teq(tokens[ntokens - 1], "{"))
    return void(fail("'domain' needs a name, its keys and '{' at the end of the line"));
  if (cfg.ndomains == max_domains) {
    // The block is still a block: its lines must not land at the top level.
    fail("too many domains");
    open = int(max_domains);
    return;
  }
  Domain d{};
  d.line = line;
  d.quota_kib = default_domain_quota_kib;
  // The block opens whatever its line says, so that its server lines stay inside it.
  open = int(cfg.ndomains);
  cfg.domains[cfg.ndomains] = d;
  Domain &nd = cfg.domains[cfg.ndomains++];
  if (tokens[1].quoted || !copy_token(tokens[1], nd.name, sizeof nd.name) || !valid_name(nd.name)) {
    nd.name[0] = 0;
    return void(fail("bad domain name", tokens[1]));
  }
  for (unsigned i = 0; i + 1 < cfg.ndomains; ++i)
    if (seq(cfg.domains[i].name, nd.name)) {
      nd.name[0] = 0;
      return void(fail("duplicate domain", tokens[1]));
    }
  if (want && seq(nd.name, want)) want_seen = true;
  uint32_t seen = 0;
  bool have_mem = false;
  for (unsigned i = 2; i + 1 < ntokens; ++i) {
    const Token &t = tokens[i];
    size_t eq = 0;
    while (eq < t.n && t.p[eq] != '=') ++eq;
    if (t.quoted || eq == t.n || eq + 1 == t.n) return void(fail("expected key=value, got", t));
    const Token key{t.p, eq, false}, value{t.p + eq + 1, t.n - eq - 1, false};
    const uint32_t bit = teq(key, "mem") ? 1 : teq(key, "quota") ? 2 : teq(key, "devices") ? 4
                         : teq(key, "fault") ? 8 : 0;
    if (!bit) return void(fail("unknown domain key", key));
    if (seen & bit) return void(fail("duplicate key", key));
    seen |= bit;
    if (bit == 1) {
      if (!parse_size_kib(key, value, &nd.mem_kib)) return;
      if (nd.mem_kib % 1024 || nd.mem_kib < min_domain_mem_kib || nd.mem_kib > max_domain_mem_kib)
        return void(fail("domain mem= out of range (2..256MiB, whole MiB):", value));
      have_mem = true;
    } else if (bit == 2) {
      if (!parse_size_kib(key, value, &nd.quota_kib)) return;
      if (nd.quota_kib < 256 || nd.quota_kib > (64u << 10))
        return void(fail("domain quota= out of range (256KiB..64MiB):", value));
    } else if (bit == 4) {
      if (teq(value, "yes")) nd.devices = true;
      else if (teq(value, "no")) nd.devices = false;
      else return void(fail("devices is yes or no, got", value));
    } else {
      // fault=crash|panic|scribble:DURATION
      size_t colon = 0;
      while (colon < value.n && value.p[colon] != ':') ++colon;
      const Token kind{value.p, colon, false};
      nd.fault = teq(kind, "crash") ? DomainFault::crash : teq(kind, "panic") ? DomainFault::panic
                 : teq(kind, "scribble") ? DomainFault::scribble : DomainFault::none;
      if (nd.fault == DomainFault::none || colon == value.n)
        return void(fail("domain fault is crash, panic or scribble, a colon and a duration, got", value));
      if (!parse_ms("domain fault", value.p + colon + 1, value.n - colon - 1, &nd.fault_after_ms)) return;
    }
  }
  if (!have_mem) return void(fail("domain needs mem=", tokens[1]));
  nd.ok = true;
}

// grant [DOMAIN:]SERVER to DOMAIN[,DOMAIN...] [as NAME]
// Checked whichever domain is parsed, like a domain line: the domains it names are resolved at
// the end of the file (blocks may follow it), and its server by the root task whose lines hold it.
void Parser::grant_line() {
  if (open >= 0) return void(fail("grant is for the top level, outside every domain block"));
  if ((ntokens != 4 && ntokens != 6) || !teq(tokens[2], "to") || (ntokens == 6 && !teq(tokens[4], "as")))
    return void(fail("'grant' needs [DOMAIN:]SERVER to DOMAIN[,DOMAIN...] [as NAME]"));
  if (cfg.ngrants == max_grants) return void(fail("too many grants"));
  Grant g{};
  g.line = line;
  g.from = top_level;
  const Token &src = tokens[1];
  size_t colon = 0;
  while (colon < src.n && src.p[colon] != ':') ++colon;
  const Token server = colon < src.n ? Token{src.p + colon + 1, src.n - colon - 1, false} : src;
  if (colon < src.n) {
    const Token dom{src.p, colon, false};
    if (src.quoted || !copy_token(dom, g.from_name, sizeof g.from_name) || !valid_name(g.from_name))
      return void(fail("bad domain name", dom));
  }
  if (src.quoted || !copy_token(server, g.server, sizeof g.server) || !valid_name(g.server))
    return void(fail("bad server name", server));
  const bool items = each_item(*this, tokens[3].p, tokens[3].n, [&](const char *q, size_t m) {
    const Token t{q, m, false};
    char name[max_name_len + 1];
    if (!copy_token(t, name, sizeof name) || !valid_name(name)) return fail("bad domain name", t);
    for (unsigned i = 0; i < g.nto; ++i)
      if (seq(g.to_names[i], name)) return fail("duplicate grant target", t);
    if (seq(name, g.from_name)) return fail("grant to the server's own domain", t);
    if (g.nto == max_domains) return fail("too many grant targets");
    copy_token(t, g.to_names[g.nto++], max_name_len + 1);
    return true;
  });
  if (!items) return;
  const Token &as = ntokens == 6 ? tokens[5] : server;
  if (as.quoted || !copy_token(as, g.as, sizeof g.as) || !valid_name(g.as))
    return void(fail("bad name to publish", as));
  cfg.grants[cfg.ngrants++] = g;
}

// The domains of every grant exist, no domain is given one name twice, and the server of a
// grant from the domain parsed (or the top level) is one of its lines.
void Parser::finish_grants() {
  unsigned kept = 0;
  for (unsigned i = 0; i < cfg.ngrants; ++i) {
    Grant g = cfg.grants[i];
    set_line(g.line);
    bool good = true;
    if (g.from_name[0]) {
      const int d = cfg.domain_index(g.from_name);
      if (d < 0) {
        Message m = msg();
        m.str("grant from unknown domain ").quote(g.from_name);
        report(m);
        continue;
      }
      g.from = uint8_t(d);
    }
    for (unsigned k = 0; k < g.nto && good; ++k) {
      const int d = cfg.domain_index(g.to_names[k]);
      if (d < 0) {
        Message m = msg();
        m.str("grant to unknown domain ").quote(g.to_names[k]);
        report(m);
        good = false;
        break;
      }
      for (unsigned j = 0; j < kept && good; ++j) {
        if (!(cfg.grants[j].to & (1u << d)) || !seq(cfg.grants[j].as, g.as)) continue;
        Message m = msg();
        m.str("name ").quote(g.as).str(" granted twice to domain ").quote(g.to_names[k]);
        report(m);
        good = false;
      }
      g.to |= uint8_t(1u << d);
    }
    const bool ours = want ? seq(g.from_name, want) : !g.from_name[0];
    if (good && ours && !cfg.find(g.server)) {
      Message m = msg();
      m.str("grant of unknown server ").quote(g.server);
      if (g.from_name[0]) m.str(" of domain ").quote(g.from_name);
      report(m);
      good = false;
    }
    if (good) cfg.grants[kept++] = g;
  }
  cfg.ngrants = kept;
}

void Parser::close_line() {
  if (open < 0) return void(fail("'}' outside a domain block"));
  open = -1;   // closed even with a word after it: the lines after are the top level's
  if (ntokens > 1) fail("unexpected word after '}'", tokens[1]);
}

void Parser::end_of_file() {
  if (open >= 0 && open < int(cfg.ndomains)) {
    set_line(cfg.domains[open].line);
    Message m = msg();
    m.str("domain ").quote(cfg.domains[open].name).str(" has no closing '}'");
    report(m);
  }
  open = -1;
  if (want && !want_seen) {
    set_line(0);
    Message m = msg();
    m.str("no domain ").quote(want).str(" in the file");
    report(m);
  }
}

} // namespace bootcfg::detail
