// The boot configuration parser. Everything is bounded by the input length and the fixed
// capacities of Config; no byte outside [text, text + len) is read.
#include "parser.hh"

namespace bootcfg {

namespace detail {

bool Parser::tokenize(const char *p, size_t n) {
  ntokens = 0;
  size_t i = 0;
  for (size_t k = 0; k < n; ++k) {
    const unsigned char c = static_cast<unsigned char>(p[k]);
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) return fail("invalid character");
  }
  for (;;) {
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')) ++i;
    if (i == n || p[i] == '#') return true;
    if (ntokens == max_tokens) return fail("too many words on the line");
    Token &t = tokens[ntokens++];
    if (p[i] == '"') {
      const size_t start = ++i;
      while (i < n && p[i] != '"') i += p[i] == '\\' && i + 1 < n ? 2 : 1;
      if (i >= n) return fail("unterminated quote");
      t = {p + start, i - start, true};
      ++i;
      if (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '#')
        return fail("missing space after closing quote");
    } else {
      const size_t start = i;
      while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '#') {
        if (p[i] == '"') return fail("quote inside a word");
        ++i;
      }
      t = {p + start, i - start, false};
    }
  }
}

void Parser::line_done() {
  if (!ntokens) return;
  if (teq(tokens[0], "domain")) return domain_line();
  if (teq(tokens[0], "}")) return close_line();
  if (teq(tokens[0], "grant")) return grant_line();
  const bool known = teq(tokens[0], "server") || teq(tokens[0], "set");
  if (!known) return void(fail("unknown directive", tokens[0]));
  // Lines of another domain's block are its root task's to read and report.
  if (!keeping()) {
    if (open >= 0 && open < int(cfg.ndomains) && teq(tokens[0], "server") &&
        cfg.domains[open].nservers < 255)
      ++cfg.domains[open].nservers;
    return;
  }
  if (open >= 0 && teq(tokens[0], "server")) ++cfg.domains[open].nservers;
  if (teq(tokens[0], "server")) server_line();
  else set_line();
}

void Parser::finish() {
  finish_grants();
  // watch-domains names domains of this file.
  for (unsigned i = 0; i < cfg.nservers; ++i) {
    Server &s = cfg.servers[i];
    set_line(s.line);
    for (unsigned k = 0; k < s.nwatch; ++k) {
      const int d = cfg.domain_index(s.watch_domain_names[k]);
      if (d < 0) {
        Message m = msg();
        m.str("server ").quote(s.name).str(" watches unknown domain ").quote(s.watch_domain_names[k]);
        report(m);
        continue;
      }
      s.watch_domains |= uint8_t(1u << d);
    }
  }
  // Resolve names; a dangling reference is reported and dropped (the server still starts).
  for (unsigned i = 0; i < cfg.nservers; ++i) {
    Server &s = cfg.servers[i];
    set_line(s.line);
    unsigned kept = 0;
    for (unsigned k = 0; k < s.nafter; ++k) {
      const int j = cfg.index_of(s.after_names[k]);
      if (j < 0) {
        Message m = msg();
        m.str("server ").quote(s.name).str(" starts after unknown server ").quote(s.after_names[k]);
        report(m);
        continue;
      }
      if (kept != k) copy_token(Token{s.after_names[k], slen(s.after_names[k]), false},
                                s.after_names[kept], max_name_len + 1);
      s.after[kept++] = uint8_t(j);
    }
    s.nafter = uint8_t(kept);
  }
  // Start order (Kahn). A cycle is reported at its first server, whose `after`s are dropped.
  bool placed[max_servers] = {};
  unsigned done = 0;
  while (done < cfg.nservers) {
    bool progress = false;
    for (unsigned i = 0; i < cfg.nservers; ++i) {
      if (placed[i]) continue;
      bool ready = true;
      for (unsigned k = 0; k < cfg.servers[i].nafter; ++k) ready &= placed[cfg.servers[i].after[k]];
      if (!ready) continue;
      placed[i] = true;
      cfg.order[done++] = uint8_t(i);
      progress = true;
    }
    if (progress) continue;
    for (unsigned i = 0; i < cfg.nservers; ++i) {
      if (placed[i]) continue;
      Server &s = cfg.servers[i];
      set_line(s.line);
      Message m = msg();
      m.str("dependency cycle through server ").quote(s.name);
      report(m);
      s.nafter = 0;
      break;
    }
  }
}


} // namespace detail

using namespace detail;


const char *name_of(RestartKind k) {
  switch (k) {
  case RestartKind::hot: return "hot";
  case RestartKind::warm: return "warm";
  case RestartKind::cold: return "cold";
  case RestartKind::group: return "group";
  case RestartKind::swap: return "swap";
  case RestartKind::restore: return "restore";
  }
  return "?";
}

const char *name_of(OnExhausted e) {
  switch (e) {
  case OnExhausted::stop: return "stop";
  case OnExhausted::domain: return "domain";
  case OnExhausted::reboot: return "reboot";
  }
  return "?";
}

void ErrorSink::report(const Error &e) {
  if (total < capacity) kept[total] = e;
  ++total;
}

int Config::index_of(const char *name) const {
  for (unsigned i = 0; i < nservers; ++i)
    if (seq(servers[i].name, name)) return int(i);
  return -1;
}

const Server *Config::find(const char *name) const {
  const int i = index_of(name);
  return i < 0 ? nullptr : &servers[i];
}

int Config::domain_index(const char *name) const {
  for (unsigned i = 0; i < ndomains; ++i)
    if (domains[i].name[0] && seq(domains[i].name, name)) return int(i);
  return -1;
}

const char *name_of(DomainFault f) {
  switch (f) {
  case DomainFault::none: return "none";
  case DomainFault::crash: return "crash";
  case DomainFault::panic: return "panic";
  case DomainFault::scribble: return "scribble";
  }
  return "?";
}

const char *Config::setting(const char *key) const {
  for (unsigned i = 0; i < nsettings; ++i)
    if (seq(settings[i].key, key)) return settings[i].value;
  return nullptr;
}

unsigned parse(const char *text, size_t len, Config &out, ErrorSink *errors, const char *filename,
               const char *domain) {
  out.nservers = 0;
  out.nsettings = 0;
  out.ndomains = 0;
  out.ngrants = 0;
  out.domain[0] = 0;
  if (domain && *domain) copy_token(Token{domain, slen(domain), false}, out.domain, sizeof out.domain);
  out.domain_restarts = default_domain_restarts;
  out.domain_window_ms = default_domain_window_ms;
  Parser ps(out, errors, filename ? filename : "boot.cfg", 0);
  ps.set_domain(out.domain);
  size_t start = 0;
  unsigned line = 0;
  while (start < len) {
    size_t end = start;
    while (end < len && text[end] != '\n') ++end;
    ps.set_line(++line);
    if (ps.tokenize(text + start, end - start)) ps.line_done();
    start = end + 1;
  }
  ps.end_of_file();
  ps.finish();
  return ps.errors;
}

} // namespace bootcfg
