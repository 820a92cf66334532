// Host tests of the boot configuration parser (libs/bootcfg): a full example, every error path,
// and random input (the build runs this under AddressSanitizer: no read outside the text).
#include "bootcfg/bootcfg.hh"

#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace bootcfg;

namespace {

struct Result {
  std::unique_ptr<Config> cfg = std::make_unique<Config>();
  ErrorSink errors;
  unsigned n = 0;
  std::string error(unsigned i) const { return errors[i].text; }
};

// Parses from an exactly-sized heap copy, so ASan catches a read past the end.
std::unique_ptr<Result> parse_text(const std::string &s) {
  auto r = std::make_unique<Result>();
  std::unique_ptr<char[]> copy(new char[s.size() ? s.size() : 1]);
  memcpy(copy.get(), s.data(), s.size());
  r->n = parse(copy.get(), s.size(), *r->cfg, &r->errors);
  REQUIRE(r->n == r->errors.count());
  return r;
}

// The one error a one-line file produces.
std::string only_error(const std::string &line) {
  auto r = parse_text(line);
  INFO(line);
  REQUIRE(r->n == 1);
  return r->error(0);
}

} // namespace

TEST_CASE("BCFG0001 full example", "[bootcfg]") {
  const std::string text =
      "# Arc boot configuration\n"
      "set shell msh\n"
      "set banner \"Arc \\\"test\\\" boot\"   # a quoted value\n"
      "\n"
      "server names   names\n"
      "server console drivers/uart ports=0x3f8-0x3ff irq=4 prio=200 restart=hot,warm,cold "
      "intensity=5/10s backoff=100ms on-exhausted=reboot heartbeat=500ms deadline=2s quota=64KiB\n"
      "\tserver disk disk ports=0x1f0-0x1f7,0x3f6 ports=0x170-0x177 irq=14,15 "
      "mem=0xfee00000-0xfee01000 mem=0xa0000-0xc0000 after=names after=console -- -v \"a b\" "
      "x#notcomment\n"
      "server fs fs restart=warm,group intensity=3/10000ms on-exhausted=domain after=disk,names "
      "quota=2MiB -- --root=/ \"\" \n"
      "server shell msh after=fs   # the shell\r\n";
  auto r = parse_text(text);
  CHECK(r->n == 0);
  const Config &c = *r->cfg;
  REQUIRE(c.nservers == 5);
  REQUIRE(c.nsettings == 2);
  CHECK(std::string(c.setting("shell")) == "msh");
  CHECK(std::string(c.setting("banner")) == "Arc \"test\" boot");
  CHECK(c.setting("nope") == nullptr);

  const Server &names = *c.find("names");
  CHECK(std::string(names.program) == "names");
  CHECK(names.line == 5);
  CHECK(names.prio == default_prio);
  CHECK(names.nrestart == 0);
  CHECK(names.intensity_restarts == default_intensity_restarts);
  CHECK(names.intensity_ms == default_intensity_ms);
  CHECK(names.on_exhausted == OnExhausted::stop);
  CHECK(names.given == 0);

  const Server &con = *c.find("console");
  CHECK(std::string(con.program) == "drivers/uart");
  REQUIRE(con.nports == 1);
  CHECK(con.ports[0].first == 0x3f8);
  CHECK(con.ports[0].last == 0x3ff);
  REQUIRE(con.nirqs == 1);
  CHECK(con.irqs[0] == 4);
  CHECK(con.prio == 200);
  REQUIRE(con.nrestart == 3);
  CHECK(con.restart[0] == RestartKind::hot);
  CHECK(con.restart[1] == RestartKind::warm);
  CHECK(con.restart[2] == RestartKind::cold);
  CHECK(con.intensity_restarts == 5);
  CHECK(con.intensity_ms == 10000);
  CHECK(con.backoff_ms == 100);
  CHECK(con.on_exhausted == OnExhausted::reboot);
  CHECK(con.heartbeat_ms == 500);
  CHECK(con.deadline_ms == 2000);
  CHECK(con.quota_kib == 64);
  CHECK(con.given == (given_prio | given_restart | given_intensity | given_backoff |
                      given_on_exhausted | given_heartbeat | given_deadline | given_quota));

  const Server &disk = *c.find("disk");
  REQUIRE(disk.nports == 3);
  CHECK((disk.ports[1].first == 0x3f6 && disk.ports[1].last == 0x3f6));
  CHECK((disk.ports[2].first == 0x170 && disk.ports[2].last == 0x177));
  REQUIRE(disk.nirqs == 2);
  CHECK(disk.irqs[1] == 15);
  REQUIRE(disk.nmem == 2);
  CHECK(disk.mem[0].base == 0xfee00000);
  CHECK(disk.mem[0].end == 0xfee01000);
  CHECK(disk.mem[1].base == 0xa0000);
  REQUIRE(disk.nafter == 2);
  CHECK(disk.after[0] == c.index_of("names"));
  CHECK(disk.after[1] == c.index_of("console"));
  CHECK(std::string(disk.after_names[1]) == "console");
  REQUIRE(disk.nargs == 3);
  CHECK(std::string(disk.args[0]) == "-v");
  CHECK(std::string(disk.args[1]) == "a b");
  CHECK(std::string(disk.args[2]) == "x");  // '#' starts a comment

  const Server &fs = *c.find("fs");
  REQUIRE(fs.nrestart == 2);
  CHECK(fs.restart[1] == RestartKind::group);
  CHECK(fs.intensity_restarts == 3);
  CHECK(fs.intensity_ms == 10000);
  CHECK(fs.on_exhausted == OnExhausted::domain);
  CHECK(fs.quota_kib == 2048);
  REQUIRE(fs.nargs == 2);
  CHECK(std::string(fs.args[0]) == "--root=/");
  CHECK(std::string(fs.args[1]).empty());

  // Start order: every server after the ones it names.
  std::vector<int> pos(c.nservers);
  for (unsigned i = 0; i < c.nservers; ++i) pos[c.order[i]] = int(i);
  for (unsigned i = 0; i < c.nservers; ++i)
    for (unsigned k = 0; k < c.servers[i].nafter; ++k) CHECK(pos[c.servers[i].after[k]] < pos[i]);
  CHECK(c.order[0] == c.index_of("names"));
  CHECK(c.order[4] == c.index_of("shell"));
  CHECK(std::string(name_of(RestartKind::group)) == "group");
  CHECK(std::string(name_of(OnExhausted::domain)) == "domain");
}

TEST_CASE("BCFG0002 empty, blank and comment-only files", "[bootcfg]") {
  for (const char *t : {"", "\n\n", "   \t \r\n# only a comment\n  # indented\n", "#"}) {
    auto r = parse_text(t);
    CHECK(r->n == 0);
    CHECK(r->cfg->nservers == 0);
  }
  // No trailing newline, CRLF line ends.
  auto r = parse_text("server a a\r\nserver b b");
  CHECK(r->n == 0);
  CHECK(r->cfg->nservers == 2);
}

TEST_CASE("BCFG0003 number syntax", "[bootcfg]") {
  auto r = parse_text("server a a ports=0x10-0X20,30-40 irq=0xf prio=0 quota=0x10KiB\n");
  REQUIRE(r->n == 0);
  const Server &s = r->cfg->servers[0];
  CHECK(s.ports[0].first == 16);
  CHECK(s.ports[0].last == 32);
  CHECK(s.ports[1].first == 30);
  CHECK(s.irqs[0] == 15);
  CHECK(s.prio == 0);
  CHECK(s.quota_kib == 16);
  auto r2 = parse_text("server a a prio=254 ports=65535 mem=0xfffff000-0x100000000\n");
  CHECK(r2->n == 0);
  CHECK(r2->cfg->servers[0].mem[0].end == 0x100000000ull);
}

TEST_CASE("BCFG0004 error messages carry file and line", "[bootcfg]") {
  auto r = parse_text("server a a\n\n# x\n\n\n\nserver b b prot=1\nserver c c\n");
  REQUIRE(r->n == 1);
  CHECK(r->error(0) == "boot.cfg:7: unknown key 'prot'");
  CHECK(r->errors[0].line == 7);
  // The malformed line is skipped, the rest kept.
  CHECK(r->cfg->nservers == 2);
  CHECK(r->cfg->find("b") == nullptr);
  CHECK(r->cfg->find("c") != nullptr);

  Config cfg;
  ErrorSink sink;
  const char text[] = "bogus\n";
  CHECK(parse(text, sizeof text - 1, cfg, &sink, "my.cfg") == 1);
  CHECK(std::string(sink[0].text) == "my.cfg:1: unknown directive 'bogus'");
  // A null sink only counts.
  CHECK(parse(text, sizeof text - 1, cfg, nullptr) == 1);
}

TEST_CASE("BCFG0005 every line error", "[bootcfg]") {
  struct Case {
    const char *line, *message;
  };
  const std::string long_name(24, 'a'), long_prog(64, 'p'), long_arg(64, 'x');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"frobnicate x", "unknown directive 'frobnicate'"},
      {"\"server\" a a", "unknown directive 'server'"},
      {"server", "'server' needs a name and a program"},
      {"server a", "missing program for server 'a'"},
      {"server a -- x", "missing program for server 'a'"},
      {"server a ports=1-2", "missing program for server 'a'"},
      {"server a \"\"", "missing program for server 'a'"},
      {"server A a", "bad server name 'A'"},
      {"server a.b a", "bad server name 'a.b'"},
      {"server \"a\" a", "bad server name 'a'"},
      {"server " + long_name + " a", "bad server name '" + long_name + "'"},
      {"server a " + long_prog, "program name too long '" + long_prog.substr(0, 29) + "...'"},
      {"server a a prot=1", "unknown key 'prot'"},
      {"server a a ports", "expected key=value, got 'ports'"},
      {"server a a \"ports=1\"", "expected key=value, got 'ports=1'"},
      {"server a a ports=", "empty value for 'ports'"},
      {"server a a ports=1,,2", "empty list element"},
      {"server a a ports=x-2", "bad port range 'x-2'"},
      {"server a a ports=1-", "bad port range '1-'"},
      {"server a a ports=1-2-3", "bad port range '1-2-3'"},
      {"server a a ports=0x-2", "bad port range '0x-2'"},
      {"server a a ports=+1", "bad port range '+1'"},
      {"server a a ports=9-8", "reversed port range '9-8'"},
      {"server a a ports=1-0x10000", "port out of range (max 0xffff): '1-0x10000'"},
      {"server a a ports=99999999999999999999", "bad port range '99999999999999999999'"},
      {"server a a ports=0xffffffffffffffffff", "bad port range '0xffffffffffffffffff'"},
      {"server a a ports=1,2,3,4,5,6,7,8,9", "too many port ranges"},
      {"server a a ports=1,2,3,4 ports=5,6,7,8,9", "too many port ranges"},
      {"server a a irq=x", "bad number 'x'"},
      {"server a a irq=256", "irq out of range (max 255): '256'"},
      {"server a a irq=1,2,3,4,5", "too many irqs"},
      {"server a a irq=1 irq=1", "duplicate irq '1'"},
      {"server a a mem=0x1000", "bad memory range (BASE-END) '0x1000'"},
      {"server a a mem=0x1000-0x2001", "memory range not page-aligned: '0x1000-0x2001'"},
      {"server a a mem=0x1800-0x2000", "memory range not page-aligned: '0x1800-0x2000'"},
      {"server a a mem=0x2000-0x1000", "reversed or empty memory range '0x2000-0x1000'"},
      {"server a a mem=0x2000-0x2000", "reversed or empty memory range '0x2000-0x2000'"},
      {"server a a mem=0x1000-0x100001000", "memory range above 4 GiB: '0x1000-0x100001000'"},
      {"server a a mem=0-0x1000,0-0x1000,0-0x1000,0-0x1000,0-0x1000", "too many memory ranges"},
      {"server a a prio=255", "priority out of range (0..254): '255'"},
      {"server a a prio=-1", "bad number '-1'"},
      {"server a a prio=1 prio=2", "duplicate key 'prio'"},
      {"server a a restart=tepid", "unknown restart kind 'tepid'"},
      {"server a a restart=hot,hot", "restart kind listed twice: 'hot'"},
      {"server a a restart=hot restart=cold", "duplicate key 'restart'"},
      {"server a a restart=hot,", "empty list element"},
      {"server a a intensity=5", "intensity is R/T (restarts/window), got '5'"},
      {"server a a intensity=x/10s", "bad number 'x'"},
      {"server a a intensity=5/10", "missing unit (ms or s) in '5/10'"},
      {"server a a intensity=5/10m", "bad duration '5/10m'"},
      {"server a a intensity=5/0ms", "intensity window must not be zero: '5/0ms'"},
      {"server a a intensity=5/99999999999s", "bad duration '5/99999999999s'"},
      {"server a a backoff=100", "missing unit (ms or s) in backoff: '100'"},
      {"server a a backoff=ms", "bad duration for backoff: 'ms'"},
      {"server a a heartbeat=5h", "bad duration for heartbeat: '5h'"},
      {"server a a deadline=4294968s", "bad duration for deadline: '4294968s'"},
      {"server a a deadline=4294967296ms", "bad duration for deadline: '4294967296ms'"},
      {"server a a on-exhausted=panic", "unknown on-exhausted action 'panic'"},
      {"server a a restart=hot renew-pages=x", "bad number 'x'"},
      {"server a a restart=hot renew-pages=-1", "bad number '-1'"},
      {"server a a restart=hot renew-pages=64p", "bad number '64p'"},
      {"server a a restart=hot renew-pages=0", "renew-pages out of range (1..4294967295): '0'"},
      {"server a a restart=hot renew-pages=4294967296",
       "renew-pages out of range (1..4294967295): '4294967296'"},
      {"server a a restart=hot renew-pages=1 renew-pages=2", "duplicate key 'renew-pages'"},
      {"server a a restart=hot renew-every=500", "missing unit (ms or s) in renew-every: '500'"},
      {"server a a restart=hot renew-every=2m", "bad duration for renew-every: '2m'"},
      {"server a a restart=hot renew-every=0ms", "renew-every must not be zero: '0ms'"},
      {"server a a restart=hot renew-every=0s", "renew-every must not be zero: '0s'"},
      {"server a a restart=hot renew-every=1s renew-every=2s", "duplicate key 'renew-every'"},
      // A renewal must be invisible to clients: only hot or warm, through the process's pager.
      {"server a a renew-pages=64",
       "'renew-pages' needs a hot or warm kind in restart= (renewals never go cold)"},
      {"server a a renew-every=1s restart=cold,group",
       "'renew-every' needs a hot or warm kind in restart= (renewals never go cold)"},
      {"server a a renew-every=1s renew-pages=9 restart=cold",
       "'renew-pages' needs a hot or warm kind in restart= (renewals never go cold)"},
      {"server a a restart=hot renew-every=1s pager=root",
       "'renew-every' needs the process's own pager (pager=own)"},
      {"server a a fault=1000", "fault address is 0x hexadecimal: '1000'"},
      {"server a a fault=0x", "fault address is 0x hexadecimal: '0x'"},
      {"server a a fault=0x12g4", "fault address is 0x hexadecimal: '0x12g4'"},
      {"server a a fault=:cc", "fault address is 0x hexadecimal: ''"},
      {"server a a fault=0x-10", "fault address is 0x hexadecimal: '0x-10'"},
      {"server a a fault=0x100000000", "fault address out of range (32 bits): '0x100000000'"},
      {"server a a fault=0x1000:", "fault bytes: 2 to 32 hex digits, even count: ''"},
      {"server a a fault=0x1000:c", "fault bytes: 2 to 32 hex digits, even count: 'c'"},
      {"server a a fault=0x1000:ccc", "fault bytes: 2 to 32 hex digits, even count: 'ccc'"},
      {"server a a fault=0x1000:0xcc", "fault bytes: 2 to 32 hex digits, even count: '0xcc'"},
      {"server a a fault=0x1000:cc:cc", "fault bytes: 2 to 32 hex digits, even count: 'cc:cc'"},
      {"server a a fault=0x1000:" + std::string(34, 'a'),
       "fault bytes: 2 to 32 hex digits, even count: '" + std::string(29, 'a') + "...'"},
      {"server a a fault=0x1000 fault=0x2000", "duplicate key 'fault'"},
      // Only a per-process pager plants a fault, whichever comes first on the line.
      {"server a a fault=0x1000 pager=root", "'fault' needs the process's own pager (pager=own)"},
      {"server a a pager=root fault=0x1000:cc", "'fault' needs the process's own pager (pager=own)"},
      {"server a a quota=64", "quota needs a unit (KiB or MiB): '64'"},
      {"server a a quota=64kb", "quota needs a unit (KiB or MiB): '64kb'"},
      {"server a a quota=KiB", "bad number 'KiB'"},
      {"server a a quota=4194304MiB", "quota too large: '4194304MiB'"},
      {"server a a after=a", "server cannot start after itself: 'a'"},
      {"server a a after=B", "bad server name 'B'"},
      {"server a a after=b,b", "duplicate after 'b'"},
      {"server a a after=b,c,d,e,f,g,h,i,j", "too many 'after' entries"},
      {"server a a -- 1 2 3 4 5 6 7 8 9", "too many arguments"},
      {"server a a -- " + long_arg, "argument too long '" + long_arg.substr(0, 29) + "...'"},
      {"server a a -- \"unterminated", "unterminated quote"},
      {"server a a -- \"a\"b", "missing space after closing quote"},
      {"server a a -- a\"b\"", "quote inside a word"},
      {"server a a\x01", "invalid character"},
      {std::string("server a a\0", 11), "invalid character"},
      {"server a a\x7f", "invalid character"},
      {"set", "'set' needs a key and a value"},
      {"set shell", "'set' needs a key and a value"},
      {"set shell msh extra", "unexpected word after the value 'extra'"},
      {"set Shell msh", "bad setting name 'Shell'"},
      {"set \"shell\" msh", "bad setting name 'shell'"},
      {"set shell " + long_arg, "value too long '" + long_arg.substr(0, 29) + "...'"},
      {"set domain-restarts 3", "domain-restarts is R/T (restarts/window), got '3'"},
      {"set domain-restarts 3/0s", "domain-restarts window must not be zero: '3/0s'"},
      {"set domain-restarts x/60s", "bad number 'x'"},
      {"set domain-restarts 3/60", "missing unit (ms or s) in '3/60'"},
  };
  for (const auto &[line, message] : cases) {
    INFO(line);
    CHECK(only_error(line + "\n") == "boot.cfg:1: " + message);
    auto r = parse_text(line);
    CHECK(r->cfg->nservers == 0);  // skipped
    CHECK(r->cfg->nsettings == 0);
  }
}

TEST_CASE("BCFG0006 errors that involve several lines", "[bootcfg]") {
  SECTION("duplicate server") {
    auto r = parse_text("server a a\nserver a b\n");
    REQUIRE(r->n == 1);
    CHECK(r->error(0) == "boot.cfg:2: duplicate server 'a'");
    CHECK(std::string(r->cfg->servers[0].program) == "a");
  }
  SECTION("duplicate setting") {
    auto r = parse_text("set shell a\nset shell b\n");
    REQUIRE(r->n == 1);
    CHECK(r->error(0) == "boot.cfg:2: duplicate setting 'shell'");
    CHECK(std::string(r->cfg->setting("shell")) == "a");
  }
  SECTION("too many servers") {
    std::string t;
    for (unsigned i = 0; i <= max_servers; ++i) t += "server s" + std::to_string(i) + " p\n";
    auto r = parse_text(t);
    REQUIRE(r->n == 1);
    CHECK(r->error(0) == "boot.cfg:33: too many servers");
    CHECK(r->cfg->nservers == max_servers);
  }
  SECTION("too many settings") {
    std::string t;
    for (unsigned i = 0; i <= max_settings; ++i) t += "set k" + std::to_string(i) + " v\n";
    auto r = parse_text(t);
    REQUIRE(r->n == 1);
    CHECK(r->error(0) == "boot.cfg:17: too many settings");
  }
  SECTION("unknown after target: reported, dropped, server kept") {
    auto r = parse_text("server a a after=ghost,b\nserver b b\n");
    REQUIRE(r->n == 1);
    CHECK(r->error(0) == "boot.cfg:1: server 'a' starts after unknown server 'ghost'");
    const Server &a = *r->cfg->find("a");
    REQUIRE(a.nafter == 1);
    CHECK(a.after[0] == 1);
    CHECK(std::string(a.after_names[0]) == "b");
    CHECK(r->cfg->order[0] == 1);  // forward reference honoured
    CHECK(r->cfg->order[1] == 0);
  }
  SECTION("after a skipped server") {
    auto r = parse_text("server a a bad=1\nserver b b after=a\n");
    REQUIRE(r->n == 2);
    CHECK(r->error(1) == "boot.cfg:2: server 'b' starts after unknown server 'a'");
  }
  SECTION("dependency cycle") {
    auto r = parse_text("server a a after=c\nserver b b after=a\nserver c c after=b\nserver d d\n");
    REQUIRE(r->n == 1);
    CHECK(r->error(0) == "boot.cfg:1: dependency cycle through server 'a'");
    const Config &c = *r->cfg;
    CHECK(c.servers[0].nafter == 0);  // the cycle is broken there
    std::vector<int> order(c.order, c.order + c.nservers);
    CHECK(order == std::vector<int>{3, 0, 1, 2});
  }
  SECTION("many errors: each line reported, sink keeps the first ones") {
    std::string t;
    for (int i = 0; i < 40; ++i) t += "oops\n";
    auto r = parse_text(t);
    CHECK(r->n == 40);
    CHECK(r->errors.count() == 40);
    CHECK(r->errors.stored() == ErrorSink::capacity);
    CHECK(r->error(15) == "boot.cfg:16: unknown directive 'oops'");
  }
  SECTION("too many words") {
    std::string t = "server a a --";
    for (unsigned i = 0; i < max_tokens; ++i) t += " x";
    CHECK(only_error(t) == "boot.cfg:1: too many words on the line");
  }
  SECTION("message quoting of odd bytes") {
    CHECK(only_error("server a a k\xff=1") == "boot.cfg:1: unknown key 'k?'");
  }
}

TEST_CASE("BCFG0007 a reused Config is reset", "[bootcfg]") {
  Config cfg;
  ErrorSink sink;
  const std::string a = "server a a\nset x y\n";
  parse(a.data(), a.size(), cfg, &sink);
  CHECK(cfg.nservers == 1);
  parse("", 0, cfg, &sink);
  CHECK(cfg.nservers == 0);
  CHECK(cfg.nsettings == 0);
}

TEST_CASE("BCFG0009 module= names a boot module mapped writable", "[bootcfg]") {
  auto r = parse_text("server disk ramdisk module=disk.img restart=hot\nserver other x\n");
  CHECK(r->n == 0);
  REQUIRE(r->cfg->nservers == 2);
  const Server &disk = r->cfg->servers[0];
  CHECK(std::string(disk.module) == "disk.img");
  CHECK((disk.given & given_module) != 0);
  CHECK(std::string(r->cfg->servers[1].module).empty());
  CHECK((r->cfg->servers[1].given & given_module) == 0);

  const std::string long_module(64, 'm');
  CHECK(only_error("server d r module=a module=b") == "boot.cfg:1: duplicate key 'module'");
  CHECK(only_error("server d r module=dir/disk.img") ==
        "boot.cfg:1: bad module name 'dir/disk.img'");
  CHECK(only_error("server d r module=a,b") == "boot.cfg:1: bad module name 'a,b'");
  // (the message is cut at its 95 characters)
  CHECK(only_error("server d r module=" + long_module).rfind("boot.cfg:1: module name too long: 'mmm", 0) == 0);
  CHECK(only_error("server d r module=") == "boot.cfg:1: empty value for 'module'");
}

TEST_CASE("BCFG0011 domain restarts allowed before a reboot", "[bootcfg]") {
  auto d = parse_text("server a a\n");
  CHECK(d->cfg->domain_restarts == default_domain_restarts);
  CHECK(d->cfg->domain_window_ms == default_domain_window_ms);
  auto r = parse_text("set domain-restarts 2/30s\nserver a a\n");
  CHECK(r->n == 0);
  CHECK(r->cfg->domain_restarts == 2);
  CHECK(r->cfg->domain_window_ms == 30000);
  CHECK(std::string(r->cfg->setting("domain-restarts")) == "2/30s");
  // A bad value is a line error and leaves the defaults; a reused Config gets them back.
  auto bad = parse_text("set domain-restarts 2/0ms\n");
  CHECK(bad->n == 1);
  CHECK(bad->cfg->domain_restarts == default_domain_restarts);
  CHECK(bad->cfg->setting("domain-restarts") == nullptr);
  Config cfg;
  ErrorSink sink;
  const std::string a = "set domain-restarts 9/1s\n";
  parse(a.data(), a.size(), cfg, &sink);
  CHECK(cfg.domain_restarts == 9);
  parse("", 0, cfg, &sink);
  CHECK(cfg.domain_restarts == default_domain_restarts);
  CHECK(cfg.domain_window_ms == default_domain_window_ms);
}

TEST_CASE("BCFG0013 the name service restarts hot, warm or cold, never as a group", "[bootcfg]") {
  auto good = parse_text("server names names restart=hot,warm,cold on-exhausted=domain\n");
  CHECK(good->n == 0);
  REQUIRE(good->cfg->nservers == 1);
  CHECK(good->cfg->servers[0].nrestart == 3);
  CHECK(parse_text("server names names restart=cold\n")->n == 0);
  CHECK(only_error("server names names restart=hot,group\n") ==
        "boot.cfg:1: names: restart=group has no group to restart (hot, warm, cold)");
  CHECK(only_error("server names names restart=hot pager=root\n") ==
        "boot.cfg:1: names: a restart policy needs the process's own pager (pager=own)");
  // Any other server may restart as a group, and names without a policy is as before.
  CHECK(parse_text("server fs ext2 restart=group\nserver names names\n")->n == 0);
}

TEST_CASE("BCFG0014 backoff-max: a back-off that doubles up to a cap", "[bootcfg]") {
  auto good = parse_text("server a a restart=hot backoff=50ms backoff-max=1s\n");
  CHECK(good->n == 0);
  REQUIRE(good->cfg->nservers == 1);
  CHECK(good->cfg->servers[0].backoff_ms == 50);
  CHECK(good->cfg->servers[0].backoff_max_ms == 1000);
  CHECK(parse_text("server a a backoff=10ms\n")->cfg->servers[0].backoff_max_ms == 0);
  CHECK(only_error("server a a backoff-max=1s\n") ==
        "boot.cfg:1: backoff-max needs backoff= (its first step), no larger than it");
  CHECK(only_error("server a a backoff=2s backoff-max=1s\n") ==
        "boot.cfg:1: backoff-max needs backoff= (its first step), no larger than it");
  CHECK(only_error("server a a backoff=1s backoff-max=1s backoff-max=2s\n") ==
        "boot.cfg:1: duplicate key 'backoff-max'");
}

TEST_CASE("BCFG0010 renew-pages and renew-every: proactive restarts", "[bootcfg]") {
  auto r = parse_text(
      "server leaky counter renew-pages=64 restart=cold,warm\n"   // restart= after the key
      "server tidy counter restart=hot renew-every=500ms\n"
      "server both counter restart=group,hot,cold renew-every=2s renew-pages=0x100\n"
      "server plain counter restart=hot\n");
  CHECK(r->n == 0);
  REQUIRE(r->cfg->nservers == 4);
  const Server &leaky = *r->cfg->find("leaky");
  CHECK(leaky.renew_pages == 64);
  CHECK(leaky.renew_every_ms == 0);
  CHECK(leaky.given == (given_restart | given_renew_pages));
  const Server &tidy = *r->cfg->find("tidy");
  CHECK(tidy.renew_pages == 0);
  CHECK(tidy.renew_every_ms == 500);
  CHECK(tidy.given == (given_restart | given_renew_every));
  const Server &both = *r->cfg->find("both");
  CHECK(both.renew_pages == 256);
  CHECK(both.renew_every_ms == 2000);
  const Server &plain = *r->cfg->find("plain");
  CHECK(plain.renew_pages == 0);
  CHECK(plain.renew_every_ms == 0);
  CHECK((plain.given & (given_renew_pages | given_renew_every)) == 0);

  // A refused renewal takes the whole line with it; the other lines stay.
  auto bad = parse_text("server a counter renew-pages=8 restart=cold\nserver b counter restart=warm "
                        "renew-every=4294967295ms\n");
  REQUIRE(bad->n == 1);
  CHECK(bad->error(0) ==
        "boot.cfg:1: 'renew-pages' needs a hot or warm kind in restart= (renewals never go cold)");
  CHECK(bad->cfg->find("a") == nullptr);
  REQUIRE(bad->cfg->find("b") != nullptr);
  CHECK(bad->cfg->find("b")->renew_every_ms == 4294967295u);
}

TEST_CASE("BCFG0012 fault=: a code site the pager watches or mutates", "[bootcfg]") {
  auto r = parse_text(
      "server watched counter fault=0x0804a1c0 restart=hot\n"             // install time
      "server loaded counter fault=0x8000:A100000000 pager=own\n"         // load time
      "server thumb counter fault=0X80011235:0020\n"                      // bit 0 kept (Thumb)
      "server longest counter fault=0xffffffff:00112233445566778899aabbccddeeff\n"
      "server zeros counter fault=0x0000000000001000:00\n"
      "server plain counter\n");
  CHECK(r->n == 0);
  REQUIRE(r->cfg->nservers == 6);
  const Server &watched = *r->cfg->find("watched");
  CHECK(watched.given == (given_fault | given_restart));
  CHECK(watched.fault_addr == 0x0804a1c0u);
  CHECK(watched.fault_len == 0);
  const Server &loaded = *r->cfg->find("loaded");
  CHECK(loaded.fault_addr == 0x8000u);
  REQUIRE(loaded.fault_len == 5);
  const uint8_t mov_eax_0[] = {0xa1, 0, 0, 0, 0};
  CHECK(memcmp(loaded.fault_bytes, mov_eax_0, 5) == 0);
  const Server &thumb = *r->cfg->find("thumb");
  CHECK(thumb.fault_addr == 0x80011235u);
  REQUIRE(thumb.fault_len == 2);
  CHECK(thumb.fault_bytes[0] == 0x00);
  CHECK(thumb.fault_bytes[1] == 0x20);
  const Server &longest = *r->cfg->find("longest");
  CHECK(longest.fault_addr == 0xffffffffu);
  REQUIRE(longest.fault_len == max_fault_bytes);
  for (unsigned i = 0; i < max_fault_bytes; ++i) CHECK(longest.fault_bytes[i] == 0x11 * i);
  const Server &zeros = *r->cfg->find("zeros");   // leading zeros: still 32 bits
  CHECK(zeros.fault_addr == 0x1000u);
  CHECK(zeros.fault_len == 1);
  const Server &plain = *r->cfg->find("plain");
  CHECK((plain.given & given_fault) == 0);
  CHECK(plain.fault_len == 0);

  // A bad fault takes its line with it; the other lines stay.
  auto bad = parse_text("server a counter fault=0x1000:1\nserver b counter fault=0x2000\n");
  REQUIRE(bad->n == 1);
  CHECK(bad->error(0) == "boot.cfg:1: fault bytes: 2 to 32 hex digits, even count: '1'");
  CHECK(bad->cfg->find("a") == nullptr);
  REQUIRE(bad->cfg->find("b") != nullptr);
  CHECK(bad->cfg->find("b")->fault_addr == 0x2000u);
}

TEST_CASE("BCFG0008 random bytes never crash or read out of bounds", "[bootcfg]") {
  std::mt19937 rng(1234);
  // Pieces of valid syntax make the random lines reach deep into the parser.
  const std::vector<std::string> pieces = {
      "server ", "set ", "a ", "b ", "prog ", "ports=", "irq=", "mem=", "prio=", "restart=",
      "intensity=", "backoff=", "on-exhausted=", "after=", "heartbeat=", "deadline=", "quota=",
      "renew-pages=", "renew-every=", "fault=", ":", "pager=", "root", "cc",
      "0x", "1", "9", "f", "-", ",", "/", "ms", "s", "KiB", "MiB", "hot", "warm", "cold", "group",
      "stop", "\"", "\\", "#", " ", "\t", "\n", "\r", "--", "=", "\0", "\xff", "0x1000-0x2000 "};
  auto cfg = std::make_unique<Config>();
  unsigned total_servers = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const int n = int(rng() % 200);
    for (int i = 0; i < n; ++i) {
      if (rng() % 3 == 0) s += char(rng() % 256);
      else s += pieces[rng() % pieces.size()];
    }
    std::unique_ptr<char[]> buf(new char[s.size() + 1]);
    memcpy(buf.get(), s.data(), s.size());
    ErrorSink sink;
    parse(buf.get(), s.size(), *cfg, &sink);
    // Whatever was accepted is within the limits and consistent.
    REQUIRE(cfg->nservers <= max_servers);
    for (unsigned i = 0; i < cfg->nservers; ++i) {
      const Server &sv = cfg->servers[i];
      REQUIRE(strlen(sv.name) >= 1);
      REQUIRE(strlen(sv.name) <= max_name_len);
      REQUIRE(strlen(sv.program) >= 1);
      REQUIRE(sv.nports <= max_port_ranges);
      REQUIRE(sv.nafter <= max_afters);
      for (unsigned k = 0; k < sv.nafter; ++k) REQUIRE(sv.after[k] < cfg->nservers);
      for (unsigned k = 0; k < sv.nports; ++k) REQUIRE(sv.ports[k].first <= sv.ports[k].last);
      if (sv.renew_pages || sv.renew_every_ms) {   // only with a kind that clients do not see
        bool hot_or_warm = false;
        for (unsigned k = 0; k < sv.nrestart; ++k)
          hot_or_warm |= sv.restart[k] == RestartKind::hot || sv.restart[k] == RestartKind::warm;
        REQUIRE(hot_or_warm);
      }
      if (sv.given & given_fault) {   // only through a per-process pager
        REQUIRE(sv.pager == PagerKind::own);
        REQUIRE(sv.fault_len <= max_fault_bytes);
      }
    }
    total_servers += cfg->nservers;
  }
  CHECK(total_servers > 0);  // the generator does reach valid lines
  // One very long line without newline.
  std::string big(1 << 20, 'a');
  parse(big.data(), big.size(), *cfg, nullptr);
  CHECK(cfg->nservers == 0);
}

TEST_CASE("BCFG0015 may=: what a process may ask of the root task", "[bootcfg]") {
  auto good = parse_text("server shell msh may=spawn,kill,inject\nserver inj injector may=inject\n"
                         "server plain demo\n");
  CHECK(good->n == 0);
  REQUIRE(good->cfg->nservers == 3);
  CHECK(good->cfg->servers[0].may == (bootcfg::may_spawn | bootcfg::may_kill | bootcfg::may_inject));
  CHECK(good->cfg->servers[1].may == bootcfg::may_inject);
  CHECK(good->cfg->servers[2].may == 0);
  CHECK(only_error("server a a may=reboot\n") ==
        "boot.cfg:1: unknown may= request (spawn, kill, inject, swap or restore): 'reboot'");
  CHECK(only_error("server a a may=kill,kill\n") == "boot.cfg:1: duplicate may= request 'kill'");
  CHECK(only_error("server a a may=kill may=spawn\n") == "boot.cfg:1: duplicate key 'may'");
  CHECK(only_error("server a a may=kill,\n") == "boot.cfg:1: empty list element");
}

TEST_CASE("BCFG0016 ha=: what the HA workers watch, how, and what the monitor does", "[bootcfg]") {
  auto good = parse_text(
      "server a demo ha=loop,deadlock,dead restart=hot\n"
      "server b demo ha=loop ha-period=20ms ha-loop=80/90/8 ha-deadlock=2s restart=warm\n"
      "server c demo ha=deadlock ha-action=delay\n"
      "server d demo ha=dead ha-action=delay:1s\n"
      "server e demo\n");
  CHECK(good->n == 0);
  REQUIRE(good->cfg->nservers == 5);
  const bootcfg::Server *s = good->cfg->servers;
  CHECK(s[0].ha == (bootcfg::ha_loop | bootcfg::ha_deadlock | bootcfg::ha_dead));
  CHECK(s[0].ha_period_ms == bootcfg::default_ha_period_ms);
  CHECK(s[0].ha_beta_pct == 90);
  CHECK(s[0].ha_limit_pct == 95);
  CHECK(s[0].ha_samples == 5);
  CHECK(s[0].ha_deadlock_ms == bootcfg::default_ha_deadlock_ms);
  CHECK(s[0].ha_action == bootcfg::HaAction::restart);
  CHECK(s[1].ha == bootcfg::ha_loop);
  CHECK(s[1].ha_period_ms == 20);
  CHECK(s[1].ha_beta_pct == 80);
  CHECK(s[1].ha_limit_pct == 90);
  CHECK(s[1].ha_samples == 8);
  CHECK(s[1].ha_deadlock_ms == 2000);
  CHECK(s[2].ha_action == bootcfg::HaAction::delay);
  CHECK(s[2].ha_delay_ms == 200);
  CHECK(s[3].ha_delay_ms == 1000);
  CHECK(s[4].ha == 0);

  CHECK(only_error("server a a ha=spin restart=hot\n") ==
        "boot.cfg:1: unknown ha= worker (dead, deadlock or loop): 'spin'");
  CHECK(only_error("server a a ha=loop,loop restart=hot\n") == "boot.cfg:1: duplicate ha= worker 'loop'");
  CHECK(only_error("server a a ha-period=20ms\n") ==
        "boot.cfg:1: ha-period, ha-loop, ha-deadlock and ha-action need ha=");
  CHECK(only_error("server a a ha=loop\n") ==
        "boot.cfg:1: ha= with ha-action=restart needs restart=");
  CHECK(only_error("server a a ha=loop ha-period=5ms ha-action=delay\n") ==
        "boot.cfg:1: out of range (10ms..60s): '5ms'");
  CHECK(only_error("server a a ha=loop ha-loop=90/95 ha-action=delay\n") ==
        "boot.cfg:1: ha-loop is B/L/T (percent/percent/samples), got '90/95'");
  CHECK(only_error("server a a ha=loop ha-loop=100/95/5 ha-action=delay\n") ==
        "boot.cfg:1: ha-loop out of range (B 1..99, L 1..100, T 1..16): '100/95/5'");
  CHECK(only_error("server a a ha=loop ha-loop=90/95/x ha-action=delay\n") ==
        "boot.cfg:1: bad number in ha-loop: '90/95/x'");
  CHECK(only_error("server a a ha=loop ha-action=pause\n") ==
        "boot.cfg:1: unknown ha-action (restart or delay[:DURATION]): 'pause'");
  CHECK(only_error("server a a ha=loop ha-action=delay:0ms\n") ==
        "boot.cfg:1: delay out of range (1ms..60s): 'delay:0ms'");
}

TEST_CASE("BCFG0017 dma=: a contiguous buffer a device reads by physical address", "[bootcfg]") {
  // Up to 64 KiB for ISA DMA, larger for a bus master such as the PL111 (its whole surface).
  auto good = parse_text("server snd sb16 dma=64KiB\nserver b b dma=4KiB\nserver c c dma=0x10KiB\n"
                         "server plain demo\nserver lcd pl111 dma=1200KiB\nserver e e dma=4096KiB\n");
  CHECK(good->n == 0);
  REQUIRE(good->cfg->nservers == 6);
  CHECK(good->cfg->servers[0].dma_kib == 64);
  CHECK((good->cfg->servers[0].given & given_dma) != 0);
  CHECK(good->cfg->servers[1].dma_kib == 4);
  CHECK(good->cfg->servers[2].dma_kib == 16);
  CHECK(good->cfg->servers[3].dma_kib == 0);
  CHECK((good->cfg->servers[3].given & given_dma) == 0);
  CHECK(good->cfg->servers[4].dma_kib == 1200);
  CHECK(good->cfg->servers[5].dma_kib == 4096);
  // The line with a bad value is refused whole: the server is not started without its buffer.
  CHECK(only_error("server a a dma=64") == "boot.cfg:1: dma needs the unit KiB: '64'");
  CHECK(only_error("server a a dma=1MiB") == "boot.cfg:1: dma needs the unit KiB: '1MiB'");
  CHECK(only_error("server a a dma=KiB") == "boot.cfg:1: bad number 'KiB'");
  CHECK(only_error("server a a dma=0KiB") ==
        "boot.cfg:1: dma out of range (4..4096KiB, whole pages): '0KiB'");
  CHECK(only_error("server a a dma=6KiB") ==
        "boot.cfg:1: dma out of range (4..4096KiB, whole pages): '6KiB'");
  CHECK(only_error("server a a dma=1202KiB") ==
        "boot.cfg:1: dma out of range (4..4096KiB, whole pages): '1202KiB'");
  CHECK(only_error("server a a dma=4100KiB") ==
        "boot.cfg:1: dma out of range (4..4096KiB, whole pages): '4100KiB'");
  CHECK(only_error("server a a dma=8KiB dma=8KiB") == "boot.cfg:1: duplicate key 'dma'");
  CHECK(only_error("server a a dma=") == "boot.cfg:1: empty value for 'dma'");
  auto bad = parse_text("server a a dma=3KiB\nserver b b\n");
  CHECK(bad->cfg->find("a") == nullptr);
  CHECK(bad->cfg->find("b") != nullptr);
}

namespace {
std::unique_ptr<Result> parse_domain(const std::string &s, const char *domain) {
  auto r = std::make_unique<Result>();
  std::unique_ptr<char[]> copy(new char[s.size() ? s.size() : 1]);
  memcpy(copy.get(), s.data(), s.size());
  r->n = parse(copy.get(), s.size(), *r->cfg, &r->errors, "boot.cfg", domain);
  REQUIRE(r->n == r->errors.count());
  return r;
}

const std::string two_domains =
    "server names names\n"
    "domain a mem=16MiB devices=yes {\n"
    "  server names names\n"
    "  server ext2 ext2 after=names restart=hot\n"
    "  set shell msh\n"
    "}\n"
    "domain b mem=4MiB quota=1MiB fault=panic:3s {\n"
    "  server counter demo-counter\n"
    "}\n"
    "server secdom0 secdom0 watch-domains=b,a\n";
} // namespace

TEST_CASE("BCFG0018 domain blocks: each root task reads its own lines", "[bootcfg]") {
  // The boot root task (top level): its servers, every domain's line, none of their servers.
  auto top = parse_domain(two_domains, nullptr);
  CHECK(top->n == 0);
  REQUIRE(top->cfg->nservers == 2);
  CHECK(std::string(top->cfg->servers[0].name) == "names");
  CHECK(std::string(top->cfg->servers[1].name) == "secdom0");
  CHECK(top->cfg->servers[1].watch_domains == 3);
  CHECK(top->cfg->nsettings == 0);
  REQUIRE(top->cfg->ndomains == 2);
  const bootcfg::Domain *d = top->cfg->domains;
  CHECK(std::string(d[0].name) == "a");
  CHECK(d[0].ok);
  CHECK(d[0].mem_kib == 16384);
  CHECK(d[0].quota_kib == bootcfg::default_domain_quota_kib);
  CHECK(d[0].devices);
  CHECK(d[0].nservers == 2);
  CHECK(d[0].fault == bootcfg::DomainFault::none);
  CHECK(d[1].mem_kib == 4096);
  CHECK(d[1].quota_kib == 1024);
  CHECK(!d[1].devices);
  CHECK(d[1].fault == bootcfg::DomainFault::panic);
  CHECK(d[1].fault_after_ms == 3000);
  CHECK(d[1].nservers == 1);
  CHECK(top->cfg->domain_index("b") == 1);
  CHECK(top->cfg->domain_index("c") == -1);

  // Domain a's root task: its block's servers and settings, the same name may recur.
  auto a = parse_domain(two_domains, "a");
  CHECK(a->n == 0);
  REQUIRE(a->cfg->nservers == 2);
  CHECK(std::string(a->cfg->servers[0].name) == "names");
  CHECK(std::string(a->cfg->servers[1].name) == "ext2");
  CHECK(a->cfg->servers[1].nafter == 1);
  CHECK(a->cfg->setting("shell"));
  CHECK(std::string(a->cfg->domain) == "a");
  auto b = parse_domain(two_domains, "b");
  CHECK(b->n == 0);
  REQUIRE(b->cfg->nservers == 1);
  CHECK(std::string(b->cfg->servers[0].program) == "demo-counter");

  // A domain not in the file.
  auto c = parse_domain(two_domains, "c");
  REQUIRE(c->n == 1);
  CHECK(c->error(0) == "boot.cfg: no domain 'c' in the file");
  CHECK(c->cfg->nservers == 0);
}

TEST_CASE("BCFG0019 domain block errors", "[bootcfg]") {
  CHECK(only_error("domain a {\n}\n") == "boot.cfg:1: domain needs mem= 'a'");
  CHECK(only_error("domain a mem=16MiB\n") ==
        "boot.cfg:1: 'domain' needs a name, its keys and '{' at the end of the line");
  CHECK(only_error("domain a mem=1MiB {\n}\n") ==
        "boot.cfg:1: domain mem= out of range (2..256MiB, whole MiB): '1MiB'");
  CHECK(only_error("domain a mem=2500KiB {\n}\n") ==
        "boot.cfg:1: domain mem= out of range (2..256MiB, whole MiB): '2500KiB'");
  CHECK(only_error("domain a mem=16 {\n}\n") == "boot.cfg:1: needs a unit (KiB or MiB): '16'");
  CHECK(only_error("domain a mem=4MiB colour=red {\n}\n") == "boot.cfg:1: unknown domain key 'colour'");
  CHECK(only_error("domain a mem=4MiB mem=8MiB {\n}\n") == "boot.cfg:1: duplicate key 'mem'");
  CHECK(only_error("domain a mem=4MiB devices=maybe {\n}\n") == "boot.cfg:1: devices is yes or no, got 'maybe'");
  CHECK(only_error("domain a mem=4MiB fault=melt:1s {\n}\n") ==
        "boot.cfg:1: domain fault is crash, panic or scribble, a colon and a duration, got 'melt:1s'");
  CHECK(only_error("domain A mem=4MiB {\n}\n") == "boot.cfg:1: bad domain name 'A'");
  CHECK(only_error("domain a mem=4MiB {\n}\ndomain a mem=4MiB {\n}\n") == "boot.cfg:3: duplicate domain 'a'");
  CHECK(only_error("domain a mem=4MiB {\ndomain b mem=4MiB {\n}\n") ==
        "boot.cfg:2: a domain block cannot hold another: missing '}' before 'domain'");
  CHECK(only_error("}\n") == "boot.cfg:1: '}' outside a domain block");
  CHECK(only_error("domain a mem=4MiB {\n} x\n") == "boot.cfg:2: unexpected word after '}' 'x'");
  CHECK(only_error("domain a mem=4MiB {\nserver x demo\n") == "boot.cfg:1: domain 'a' has no closing '}'");
  // Checked by the root task that reads the block (the top level skips it).
  auto inside = parse_domain("domain a mem=4MiB {\nserver x demo watch-domains=a\n}\n", "a");
  REQUIRE(inside->n == 1);
  CHECK(inside->error(0) == "boot.cfg:2: watch-domains is for servers outside every domain block");
  CHECK(only_error("server x demo watch-domains=z\n") == "boot.cfg:1: server 'x' watches unknown domain 'z'");
  CHECK(only_error("server x demo watch-domains=a,a\ndomain a mem=4MiB {\n}\n") ==
        "boot.cfg:1: duplicate watch-domains entry 'a'");
  // A block whose line is wrong still holds its lines: they never become the top level's.
  auto r = parse_text("domain a mem=4MiB colour=red {\nserver x demo\n}\nserver y demo\n");
  CHECK(r->n == 1);
  REQUIRE(r->cfg->nservers == 1);
  CHECK(std::string(r->cfg->servers[0].name) == "y");
  REQUIRE(r->cfg->ndomains == 1);
  CHECK(!r->cfg->domains[0].ok);
  // Too many domains: the fifth block's lines are skipped, not kept.
  std::string five;
  for (char c = 'a'; c <= 'e'; ++c) five += std::string("domain ") + c + " mem=4MiB {\nserver x demo\n}\n";
  auto f = parse_text(five);
  CHECK(f->n == 1);
  CHECK(f->error(0) == "boot.cfg:13: too many domains");
  CHECK(f->cfg->nservers == 0);
  CHECK(f->cfg->ndomains == 4);
}

TEST_CASE("BCFG0020 alternates= and restart=swap: another program for the same interface", "[bootcfg]") {
  auto good = parse_text("server disk pata restart=warm,swap,cold alternates=pata-poll,pata-b\n"
                         "server plain demo restart=hot\n"
                         "server shell msh may=spawn,swap\n");
  CHECK(good->n == 0);
  REQUIRE(good->cfg->nservers == 3);
  const Server &d = good->cfg->servers[0];
  REQUIRE(d.nrestart == 3);
  CHECK(d.restart[1] == RestartKind::swap);
  CHECK(std::string(name_of(d.restart[1])) == "swap");
  REQUIRE(d.nalternates == 2);
  CHECK(std::string(d.alternates[0]) == "pata-poll");
  CHECK(std::string(d.alternates[1]) == "pata-b");
  CHECK((d.given & given_alternates) != 0);
  CHECK(good->cfg->servers[1].nalternates == 0);
  CHECK((good->cfg->servers[1].given & given_alternates) == 0);
  CHECK(good->cfg->servers[2].may == (may_spawn | may_swap));
  // Alternates without swap in the ladder are fine: an administrator may still swap online.
  CHECK(parse_text("server disk pata alternates=pata-poll\n")->n == 0);
  // Every kind once: five fit.
  auto all = parse_text("server c c restart=hot,warm,swap,cold,group alternates=d\n");
  CHECK(all->n == 0);
  CHECK(all->cfg->servers[0].nrestart == 5);
}

TEST_CASE("BCFG0021 alternates= and restart=swap errors", "[bootcfg]") {
  CHECK(only_error("server a a restart=warm,swap\n") == "boot.cfg:1: restart=swap needs alternates=");
  CHECK(only_error("server a a restart=swap alternates=b pager=root\n") ==
        "boot.cfg:1: restart=swap needs the process's own pager (pager=own)");
  CHECK(only_error("server a a restart=swap,swap alternates=b\n") ==
        "boot.cfg:1: restart kind listed twice: 'swap'");
  CHECK(only_error("server a a alternates=a\n") ==
        "boot.cfg:1: alternate is the server's own program: 'a'");
  CHECK(only_error("server a a alternates=b,b\n") == "boot.cfg:1: duplicate alternate 'b'");
  CHECK(only_error("server a a alternates=b,c,d,e\n") == "boot.cfg:1: too many alternates (at most 3)");
  CHECK(only_error("server a a alternates=b alternates=c\n") == "boot.cfg:1: duplicate key 'alternates'");
  CHECK(only_error("server a a alternates=x/y\n") == "boot.cfg:1: bad alternate program 'x/y'");
  CHECK(only_error("server a a alternates=b,\n") == "boot.cfg:1: empty list element");
  CHECK(only_error("server a a may=swap,swap\n") == "boot.cfg:1: duplicate may= request 'swap'");
  // The server is not started with a bad line: nothing of it is kept.
  auto r = parse_text("server a a restart=swap\nserver b b\n");
  CHECK(r->n == 1);
  CHECK(r->cfg->nservers == 1);
}

namespace {
const char grants_cfg[] =
    "grant a:counter to b,c as count\n"
    "grant console to b\n"
    "domain a mem=4MiB {\n"
    "server counter demo-counter\n"
    "}\n"
    "domain b mem=4MiB {\n"
    "server user domtest\n"
    "}\n"
    "domain c mem=4MiB {\n"
    "server user domtest\n"
    "}\n"
    "server console serial\n";
} // namespace

TEST_CASE("BCFG0025 grant lines: an endpoint of one domain published in others", "[bootcfg]") {
  // Every root task sees every grant, with its domains resolved (blocks after the line included).
  for (const char *who : {"", "a", "b", "c"}) {
    auto r = parse_domain(grants_cfg, who);
    INFO("parsed as domain '" << who << "'");
    CHECK(r->n == 0);
    REQUIRE(r->cfg->ngrants == 2);
    const bootcfg::Grant &g = r->cfg->grants[0];
    CHECK(g.from == 0);
    CHECK(std::string(g.from_name) == "a");
    CHECK(std::string(g.server) == "counter");
    CHECK(std::string(g.as) == "count");
    CHECK(g.to == 0b110);
    const bootcfg::Grant &h = r->cfg->grants[1];
    CHECK(h.from == bootcfg::top_level);
    CHECK(std::string(h.server) == "console");
    CHECK(std::string(h.as) == "console");   // its own name unless `as` says another
    CHECK(h.to == 0b010);
  }
}

TEST_CASE("BCFG0026 grant errors", "[bootcfg]") {
  const std::string blocks = "domain a mem=4MiB {\nserver counter demo\n}\ndomain b mem=4MiB {\n}\n";
  auto err = [&](const std::string &line) { return only_error(line + blocks); };
  CHECK(err("grant a:counter b\n") == "boot.cfg:1: 'grant' needs [DOMAIN:]SERVER to DOMAIN[,DOMAIN...] [as NAME]");
  CHECK(err("grant a:counter to b as\n") == "boot.cfg:1: 'grant' needs [DOMAIN:]SERVER to DOMAIN[,DOMAIN...] [as NAME]");
  CHECK(err("grant a:counter into b\n") == "boot.cfg:1: 'grant' needs [DOMAIN:]SERVER to DOMAIN[,DOMAIN...] [as NAME]");
  CHECK(err("grant A:counter to b\n") == "boot.cfg:1: bad domain name 'A'");
  CHECK(err("grant a:Counter to b\n") == "boot.cfg:1: bad server name 'Counter'");
  CHECK(err("grant a:counter to b,b\n") == "boot.cfg:1: duplicate grant target 'b'");
  CHECK(err("grant a:counter to a\n") == "boot.cfg:1: grant to the server's own domain 'a'");
  CHECK(err("grant a:counter to b as X\n") == "boot.cfg:1: bad name to publish 'X'");
  CHECK(err("grant z:counter to b\n") == "boot.cfg:1: grant from unknown domain 'z'");
  CHECK(err("grant a:counter to z\n") == "boot.cfg:1: grant to unknown domain 'z'");
  CHECK(err("grant a:counter to b\ngrant a:counter to b\n") ==
        "boot.cfg:2: name 'counter' granted twice to domain 'b'");
  // The same server under another name is a second grant, not a duplicate.
  CHECK(parse_text("grant a:counter to b\ngrant a:counter to b as c2\n" + blocks)->n == 0);
  // A block's lines are its own root task's: the top level cannot see a:counter, a can.
  CHECK(parse_text("grant a:nothing to b\n" + blocks)->n == 0);
  auto in_a = parse_domain("grant a:nothing to b\n" + blocks, "a");
  REQUIRE(in_a->n == 1);
  CHECK(in_a->error(0) == "boot.cfg:1: grant of unknown server 'nothing' of domain 'a'");
  CHECK(in_a->cfg->ngrants == 0);
  CHECK(err("grant nothing to b\n") == "boot.cfg:1: grant of unknown server 'nothing'");
  auto inside = parse_text("domain a mem=4MiB {\ngrant a:x to b\n}\n");
  REQUIRE(inside->n == 1);
  CHECK(inside->error(0) == "boot.cfg:2: grant is for the top level, outside every domain block");
  std::string many = blocks;
  for (int i = 0; i < 9; ++i) many += "grant a:counter to b as n" + std::to_string(i) + "\n";
  CHECK(only_error(many) == "boot.cfg:14: too many grants");
}

TEST_CASE("BCFG0022 restart=restore and checkpoint=: back to the last checkpoint", "[bootcfg]") {
  auto good = parse_text("server c demo-counter restart=warm,restore,cold checkpoint=500ms\n"
                         "server d demo checkpoint=marked,2s\n"
                         "server e demo restart=restore checkpoint=marked\n"
                         "server f demo restart=hot\n");
  CHECK(good->n == 0);
  REQUIRE(good->cfg->nservers == 4);
  const Server &c = good->cfg->servers[0];
  REQUIRE(c.nrestart == 3);
  CHECK(c.restart[1] == RestartKind::restore);
  CHECK(std::string(name_of(c.restart[1])) == "restore");
  CHECK(c.checkpoint_ms == 500);
  CHECK(!c.checkpoint_marked);
  CHECK((c.given & given_checkpoint) != 0);
  CHECK(good->cfg->servers[1].checkpoint_ms == 2000);
  CHECK(good->cfg->servers[1].checkpoint_marked);
  CHECK(good->cfg->servers[1].nrestart == 0);   // checkpoints for the shell's restore only
  CHECK(good->cfg->servers[2].checkpoint_ms == 0);
  CHECK(good->cfg->servers[2].checkpoint_marked);
  CHECK(good->cfg->servers[3].checkpoint_ms == 0);
  CHECK(parse_text("server s msh may=restore\n")->cfg->servers[0].may == may_restore);
  CHECK(!good->cfg->servers[3].checkpoint_marked);
  CHECK((good->cfg->servers[3].given & given_checkpoint) == 0);
  // Every kind once: six fit.
  auto all = parse_text("server c c restart=hot,warm,restore,swap,cold,group alternates=d\n");
  CHECK(all->n == 0);
  CHECK(all->cfg->servers[0].nrestart == 6);
}

TEST_CASE("BCFG0023 restart=restore and checkpoint= errors", "[bootcfg]") {
  CHECK(only_error("server a a restart=restore pager=root\n") ==
        "boot.cfg:1: restart=restore needs the process's own pager (pager=own)");
  CHECK(only_error("server a a checkpoint=1s pager=root\n") ==
        "boot.cfg:1: checkpoint= needs the process's own pager (pager=own)");
  CHECK(only_error("server a a restart=restore,restore\n") ==
        "boot.cfg:1: restart kind listed twice: 'restore'");
  CHECK(only_error("server a a checkpoint=0ms\n") ==
        "boot.cfg:1: checkpoint period must not be zero: '0ms'");
  CHECK(only_error("server a a checkpoint=5\n") ==
        "boot.cfg:1: missing unit (ms or s) in checkpoint: '5'");
  CHECK(only_error("server a a checkpoint=often\n") ==
        "boot.cfg:1: bad duration for checkpoint: 'often'");
  CHECK(only_error("server a a checkpoint=1s,2s\n") ==
        "boot.cfg:1: checkpoint= has one period: '2s'");
  CHECK(only_error("server a a checkpoint=marked,marked\n") ==
        "boot.cfg:1: duplicate checkpoint= item 'marked'");
  CHECK(only_error("server a a checkpoint=1s checkpoint=2s\n") ==
        "boot.cfg:1: duplicate key 'checkpoint'");
  // The server is not started with a bad line: nothing of it is kept.
  auto r = parse_text("server a a checkpoint=0s\nserver b b\n");
  CHECK(r->n == 1);
  CHECK(r->cfg->nservers == 1);
}
