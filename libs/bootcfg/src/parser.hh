// The boot configuration parser's inside, shared by its files: the tokenizer and its tokens,
// error messages, the text helpers (text.cc) and the Parser, whose directives live in
// server_line.cc (server and set lines), domain_line.cc (domain blocks and grants) and
// bootcfg.cc (the line loop, what is resolved after the last line, the public interface).
#pragma once
#include "bootcfg/bootcfg.hh"

namespace bootcfg::detail {

// A token: a view of the line, or of a quoted string (without the quotes, escapes not yet undone).
struct Token {
  const char *p;
  size_t n;
  bool quoted;
};

// ---- text helpers (text.cc; no C library needed)

size_t slen(const char *s);
bool seq(const char *a, const char *b);
bool teq(const Token &t, const char *s);
// Copies the token's text (escapes undone) into dst[cap]; false when longer than cap - 1.
bool copy_token(const Token &t, char *dst, size_t cap);

constexpr uint64_t no_number = ~0ull;
bool is_digit(char c);
// The value of a hex digit, -1 for any other character.
int hex_value(char c);
// Parses a decimal or 0x-hex number from [p, p + n); *used is how many bytes it took. Returns
// no_number when there are no digits or the value does not fit in 63 bits.
uint64_t parse_number_prefix(const char *p, size_t n, size_t *used);
// The whole of [p, p + n) is a number.
uint64_t parse_number(const char *p, size_t n);
bool suffix_is(const char *p, size_t n, const char *s);
// "250ms", "10s" -> milliseconds (fits in 32 bits); no_number otherwise. *unit_missing is set when
// the text is a bare number.
uint64_t parse_duration(const char *p, size_t n, bool *unit_missing);
// A server or domain name: 1 to max_name_len of [a-z0-9_-].
bool valid_name(const char *s);

// ---- error messages

class Message {
public:
  Message(const char *file, unsigned line) {
    str(file);
    if (line) {
      put(':');
      num(line);
    }
    str(": ");
  }
  Message &str(const char *s) {
    while (*s) put(*s++);
    return *this;
  }
  Message &num(uint64_t v) {
    char d[24];
    int n = 0;
    do d[n++] = char('0' + v % 10); while (v /= 10);
    while (n) put(d[--n]);
    return *this;
  }
  // 'text' quoted, non-printable bytes shown as '?', long tokens cut with "...".
  Message &quote(const char *p, size_t n) {
    put('\'');
    const size_t shown = n > 32 ? 29 : n;
    for (size_t i = 0; i < shown; ++i) put(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?');
    if (shown < n) str("...");
    put('\'');
    return *this;
  }
  Message &quote(const Token &t) { return quote(t.p, t.n); }
  Message &quote(const char *s) { return quote(s, slen(s)); }
  Error error;

private:
  unsigned len = 0;
  void put(char c) {
    if (len < max_message_len) error.text[len++] = c;
    error.text[len] = 0;
  }
};

// ---- the parser proper

class Parser {
public:
  Parser(Config &out, ErrorSink *errors, const char *file, unsigned line)
      : cfg(out), sink(errors), file(file), line(line) {}

  unsigned errors = 0;

  Message msg() { return Message(file, line); }
  void report(Message &m) {
    m.error.line = line;
    ++errors;
    if (sink) sink->report(m.error);
  }
  // Reports "<what> 'token'" and returns false, for `return fail(...)`.
  bool fail(const char *what) {
    Message m = msg();
    m.str(what);
    report(m);
    return false;
  }
  bool fail(const char *what, const Token &t, const char *after = "") {
    Message m = msg();
    m.str(what).str(" ").quote(t).str(after);
    report(m);
    return false;
  }

  void set_line(unsigned l) { line = l; }

  // Tokenizes [p, p + n) (one line, without its newline). False (reported) on a malformed line.
  bool tokenize(const char *p, size_t n);

  // Hands the tokenized line to its directive.
  void line_done();

  // The domain whose lines are kept ("" or null: the top level).
  void set_domain(const char *d) { want = d && *d ? d : nullptr; }
  // The end of the file: a block left open, or a wanted domain that is not there.
  void end_of_file();

  // After all lines: resolve `after` names, compute the start order.
  void finish();

private:
  Config &cfg;
  ErrorSink *sink;
  const char *file;
  unsigned line;
  Token tokens[max_tokens];
  unsigned ntokens = 0;
  const char *want = nullptr;   // the domain parsed (null: the top level)
  int open = -1;                // the block we are in (index into cfg.domains), -1: none
  bool want_seen = false;

  bool keeping() const {
    if (!want) return open < 0;
    return open >= 0 && open < int(cfg.ndomains) && seq(cfg.domains[open].name, want);
  }
  void domain_line();
  void close_line();
  void grant_line();
  void finish_grants();
  bool parse_watch_domains(Server &s, const char *p, size_t n);
  bool parse_size_kib(const Token &key, const Token &value, uint32_t *kib);

  void set_line();
  void server_line();
  bool key_value(Server &s, const Token &key, const Token &value, uint32_t &seen);
  bool parse_ports(Server &s, const char *p, size_t n);
  bool parse_irqs(Server &s, const char *p, size_t n);
  bool parse_mem(Server &s, const char *p, size_t n);
  bool parse_restart(Server &s, const char *p, size_t n);
  bool parse_after(Server &s, const char *p, size_t n);
  bool parse_may(Server &s, const char *p, size_t n);
  bool parse_alternates(Server &s, const char *p, size_t n);
  bool parse_checkpoint(Server &s, const char *p, size_t n);
  bool restore_possible(const Server &s);
  bool swap_possible(const Server &s);
  bool parse_ha(Server &s, const char *p, size_t n);
  bool parse_ha_loop(Server &s, const Token &value);
  bool parse_ha_action(Server &s, const Token &value);
  bool parse_ms(const char *key, const char *p, size_t n, uint32_t *out);
  bool parse_intensity(const char *what, const Token &value, uint32_t *restarts, uint32_t *ms);
  bool parse_fault(Server &s, const Token &value);
  bool renewal_possible(const Server &s);
  bool names_policy_possible(const Server &s);
  bool backoff_possible(const Server &s);
  bool ha_possible(const Server &s);
  bool fault_possible(const Server &s);
};

// Calls item(p, n) for each comma-separated part of [p, p + n); false on an empty part or when
// item fails.
template <typename F> bool each_item(Parser &ps, const char *p, size_t n, F item) {
  size_t start = 0;
  for (size_t i = 0; i <= n; ++i) {
    if (i < n && p[i] != ',') continue;
    if (i == start) return ps.fail("empty list element");
    if (!item(p + start, i - start)) return false;
    start = i + 1;
  }
  return true;
}

} // namespace bootcfg::detail
