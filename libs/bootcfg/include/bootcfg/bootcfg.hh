// The boot configuration (boot module `boot.cfg`): which servers the root task starts, with their
// resources and restart policy. The format is described in docs/boot-config.md.
//
// parse() fills a Config made of fixed-capacity arrays (no allocation, no system calls). A line
// that is malformed is reported to the ErrorSink with its line number and skipped as a whole; the
// rest of the file is still parsed, so one typo does not hide the other errors.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace bootcfg {

constexpr unsigned max_servers = 32;
constexpr unsigned max_port_ranges = 8;
constexpr unsigned max_irqs = 4;
constexpr unsigned max_mem_ranges = 4;
constexpr unsigned max_args = 8;
constexpr unsigned max_afters = 8;
constexpr unsigned max_restart_kinds = 6;
constexpr unsigned max_alternates = 3;  // alternates=: other programs of the same interface
constexpr unsigned max_settings = 16;
constexpr unsigned max_fault_bytes = 16;   // fault=ADDR:HEX writes at most this many bytes
constexpr unsigned max_name_len = 23;    // server names and setting keys: [a-z0-9_-]{1,23}
constexpr unsigned max_string_len = 63;  // program, arguments, setting values
constexpr unsigned max_tokens = 48;      // per line
constexpr unsigned max_irq = 255;
constexpr unsigned max_port = 0xffff;
constexpr uint64_t mem_limit = 1ull << 32;  // device memory lies below 4 GiB
// dma=: in whole 4 KiB pages. Up to 64 KiB the buffer is for ISA DMA (one 64 KiB page below
// 16 MiB, where the controller's address counter reaches without wrapping); a larger one is for a
// bus master that reads a whole surface (the PL111's framebuffer: 1024x768 at 32 bpp is 3 MiB).
constexpr uint32_t max_isa_dma_kib = 64;
constexpr uint32_t max_dma_kib = 4096;
constexpr uint32_t page_size = 4096;
// Secure domains (`domain NAME ... {` ... `}`; docs/domains.md).
constexpr unsigned max_domains = 4;
constexpr uint32_t min_domain_mem_kib = 2048;          // a root task, a pager and a server
constexpr uint32_t max_domain_mem_kib = 256u << 10;
constexpr uint32_t default_domain_quota_kib = 4096;    // kernel memory of the domain's objects

// swap: a warm restart into the next program of the server's alternates (docs/restarts.md).
// restore: back to the process's last checkpoint (docs/restarts.md, "Checkpoint and restore").
enum class RestartKind : uint8_t { hot, warm, cold, group, swap, restore };
enum class OnExhausted : uint8_t { stop, domain, reboot };
// Who pages the process: its own pager task (P3, the default) or the root task itself (used to
// measure what the per-process pager costs).
// The boot line with this name is the name service: the root task gives every process a
// capability to its endpoint, which outlives the process (restarted hot or warm only).
constexpr char name_service[] = "names";

enum class PagerKind : uint8_t { own, root };

const char *name_of(RestartKind k);
const char *name_of(OnExhausted e);

struct PortRange {
  uint16_t first, last;  // inclusive
};
struct MemRange {
  uint64_t base, end;  // [base, end), both page-aligned
};

// Bits of Server::given: which keys the line wrote (everything else holds its default).
enum Given : uint32_t {
  given_prio = 1u << 0,
  given_restart = 1u << 1,
  given_intensity = 1u << 2,
  given_backoff = 1u << 3,
  given_on_exhausted = 1u << 4,
  given_heartbeat = 1u << 5,
  given_deadline = 1u << 6,
  given_quota = 1u << 7,
  given_pager = 1u << 8,
  given_module = 1u << 9,
  given_renew_pages = 1u << 10,
  given_renew_every = 1u << 11,
  given_fault = 1u << 12,
  given_backoff_max = 1u << 13,
  given_may = 1u << 14,
  given_ha = 1u << 15,
  given_ha_period = 1u << 16,
  given_ha_loop = 1u << 17,
  given_ha_deadlock = 1u << 18,
  given_ha_action = 1u << 19,
  given_dma = 1u << 20,
  given_watch_domains = 1u << 21,
  given_alternates = 1u << 22,
  given_checkpoint = 1u << 23,
};

// Bits of Server::may: what the process may ask of the root task beyond what every process may
// (the `may=` key). Processes it starts (spawn) get at most its own.
enum May : uint8_t {
  may_spawn = 1u << 0,    // start programs
  may_kill = 1u << 1,     // end processes (a server's policy may restart it)
  may_inject = 1u << 2,   // arm injected faults in servers
  may_swap = 1u << 3,     // swap a server to another program (root::swap)
  may_restore = 1u << 4,  // checkpoint a server and restore it (root::checkpoint, root::restore)
};

// What the HA workers watch of a server (the `ha=` key; libs/ha, docs/ha.md): bits of Server::ha.
enum HaWatch : uint8_t {
  ha_dead = 1u << 0,       // its threads are probed: a dead one is reported
  ha_deadlock = 1u << 1,   // it is part of the deadlock graph (cycles of blocked calls)
  ha_loop = 1u << 2,       // the loop predictor runs on its counters
};
// What the monitor does when a worker reports one of its threads (`ha-action=`).
enum class HaAction : uint8_t {
  restart,   // the server's restart policy, as for a crash
  delay,     // hold the thread for ha_delay_ms, then let it go on; a second report restarts
};

// Defaults of keys a line does not write.
constexpr uint8_t default_prio = 100;
// Kernel memory a process may use without quota= (its factory's quota, reserved from the root
// task's when it starts). Servers use about a tenth of it (the demo programs 46 KiB, a page of
// mappings about 28 bytes); 1 MiB, as it was, let the root task's share of a 256 MiB board hold
// only about 20 processes.
constexpr uint32_t default_quota_kib = 512;
constexpr uint32_t default_intensity_restarts = 5;
constexpr uint32_t default_intensity_ms = 10000;
// `set domain-restarts R/T`: domain restarts allowed before the machine reboots.
constexpr uint32_t default_domain_restarts = 3;
constexpr uint32_t default_domain_window_ms = 60000;
// HA watching (ha-period, ha-loop, ha-deadlock): a sample every 50 ms; the loop predictor's
// b = 0.90, L = 0.95, T = 5 (libs/ha/include/ha/loop.hh); a cycle blocked for 500 ms.
constexpr uint32_t default_ha_period_ms = 50;
constexpr uint8_t default_ha_beta_pct = 90, default_ha_limit_pct = 95, default_ha_samples = 5;
constexpr uint32_t default_ha_deadlock_ms = 500;

struct Server {
  char name[max_name_len + 1];
  char program[max_string_len + 1];
  unsigned line;  // where it was declared

  PortRange ports[max_port_ranges];
  uint8_t nports;
  uint8_t irqs[max_irqs];
  uint8_t nirqs;
  MemRange mem[max_mem_ranges];
  uint8_t nmem;

  uint8_t prio;                                // 0..254
  RestartKind restart[max_restart_kinds];      // kinds to try, in order; none: not restarted
  uint8_t nrestart;
  uint32_t intensity_restarts;                 // at most this many restarts ...
  uint32_t intensity_ms;                       // ... within this many milliseconds
  uint32_t backoff_ms;                         // between attempts; 0: none
  uint32_t backoff_max_ms;                     // 0: backoff_ms each time; else it doubles with
                                               //   each restart in the intensity window, to this
  OnExhausted on_exhausted;
  uint32_t heartbeat_ms;                       // 0: no heartbeat supervision
  uint32_t deadline_ms;                        // 0: requests have no time bound
  uint32_t quota_kib;                          // 0: no memory quota
  PagerKind pager;                             // own (default) or root
  char module[max_string_len + 1];             // a boot module mapped writable; "" if none
  uint32_t dma_kib;                            // dma=: physically contiguous memory (up to
                                               //   64 KiB: below 16 MiB in one 64 KiB page); 0: none
  // Proactive restarts (renewals) at a quiet point, by the first hot or warm kind of `restart`:
  uint32_t renew_pages;                        // when the process holds more pages; 0: never
  uint32_t renew_every_ms;                     // this long after its start or last restart; 0: never
  // Fault injection (fault=, only when given_fault): the process's pager plants a one-shot
  // breakpoint at the code site fault_addr (on ARM bit 0 set: Thumb code) at the first start,
  // and when it is hit writes fault_bytes there (load time, fault_len > 0) or only reports it
  // (fault_len 0: the image already holds the mutation, install time).
  uint32_t fault_addr;
  uint8_t fault_bytes[max_fault_bytes];
  uint8_t fault_len;                           // 0: watch only
  uint8_t may;                                 // May bits; 0: nothing beyond the common requests
  // HA watching (libs/ha): HaWatch bits (0: not watched), the workers' sample period, the loop
  // predictor's b and L (percent) and T (samples), how long a cycle must stay blocked, and what
  // the monitor does on a report (delay: for ha_delay_ms).
  uint8_t ha;
  uint8_t ha_beta_pct, ha_limit_pct, ha_samples;
  uint32_t ha_period_ms, ha_deadlock_ms, ha_delay_ms;
  HaAction ha_action;

  // watch-domains= (SecDom0, docs/domains.md): bits of Config::domains whose root tasks the
  // process may watch (a perfmon capability on each) and have restarted. Top level only.
  uint8_t watch_domains;
  char watch_domain_names[max_domains][max_name_len + 1];
  uint8_t nwatch;

  // alternates=: the programs a swap cycles through after `program` (same interface).
  char alternates[max_alternates][max_string_len + 1];
  uint8_t nalternates;

  // checkpoint=: when the pager checkpoints the process (for the restore rung): every
  // checkpoint_ms (0: not periodically), and/or at the restore points the server marks.
  uint32_t checkpoint_ms;
  bool checkpoint_marked;

  uint8_t after[max_afters];                   // indices into Config::servers
  char after_names[max_afters][max_name_len + 1];  // the same servers by name
  uint8_t nafter;

  char args[max_args][max_string_len + 1];     // after `--`; argv[0] is not included
  uint8_t nargs;

  uint32_t given;                              // Given bits
};

// A secure domain's fault for tests (`fault=KIND:DURATION` on its line): armed in its root task
// at the domain's first start only, DURATION after it.
enum class DomainFault : uint8_t { none, crash, panic, scribble };
const char *name_of(DomainFault f);

// A `domain NAME key=value... {` line: a kernel domain with its own root task and memory.
struct Domain {
  char name[max_name_len + 1];
  unsigned line;
  uint32_t mem_kib;        // mem=: its memory partition (whole MiB)
  uint32_t quota_kib;      // quota=: kernel memory for its objects
  bool devices;            // devices=yes: its root task gets the I/O ports and interrupts
  DomainFault fault;
  uint32_t fault_after_ms;
  uint8_t nservers;        // server lines in its block
  bool ok;                 // its line was understood (else the boot root task does not start it)
};

// `grant [DOMAIN:]SERVER to DOMAIN[,DOMAIN...] [as NAME]` (top level only; docs/domains.md): the
// endpoint of a server of one domain (or of the top level) is published in the name services of
// other secure domains, under NAME (default: the server's name). The one way an endpoint crosses.
constexpr unsigned max_grants = 8;
constexpr uint8_t top_level = 0xff;   // Grant::from: a server of the top level (domain 0)
struct Grant {
  unsigned line;
  uint8_t from;                       // index into Config::domains, or top_level
  uint8_t to;                         // bits of Config::domains
  char from_name[max_name_len + 1];   // the source's domain as written ("" for the top level)
  char server[max_name_len + 1];      // the server line's name in that domain
  char as[max_name_len + 1];          // the name it is published under in each importing domain
  char to_names[max_domains][max_name_len + 1];
  uint8_t nto;
};

struct Setting {
  char key[max_name_len + 1];
  char value[max_string_len + 1];
  unsigned line;
};

struct Config {
  Server servers[max_servers];
  unsigned nservers;
  Setting settings[max_settings];
  unsigned nsettings;
  // From `set domain-restarts R/T` (checked when parsed), else the defaults.
  uint32_t domain_restarts, domain_window_ms;
  // A start order that honours every `after` (each server after the ones it names); the relative
  // order of independent servers is the order of the file.
  uint8_t order[max_servers];
  // Every `domain` block of the file, whichever domain was parsed; `domain` names the one whose
  // lines fill servers and settings ("" for the top level, domain 0).
  Domain domains[max_domains];
  unsigned ndomains;
  char domain[max_name_len + 1];
  int domain_index(const char *name) const;    // -1 when absent
  // Every good `grant` line, whichever domain was parsed: each root task finds what it exports
  // (from == its domain) and imports (its bit in to) here.
  Grant grants[max_grants];
  unsigned ngrants;

  const Server *find(const char *name) const;  // null when absent
  int index_of(const char *name) const;        // -1 when absent
  const char *setting(const char *key) const;  // null when absent
};

constexpr unsigned max_message_len = 95;
struct Error {
  unsigned line;                            // 1-based; 0 for whole-file errors
  char text[max_message_len + 1];           // "boot.cfg:7: unknown key 'prot'"
};

// Receives the errors. The default implementation keeps the first `capacity` errors and counts all;
// derive and override report() to print them as they come.
class ErrorSink {
public:
  static constexpr unsigned capacity = 16;
  virtual void report(const Error &e);
  unsigned count() const { return total; }
  unsigned stored() const { return total < capacity ? total : capacity; }
  const Error &operator[](unsigned i) const { return kept[i]; }

protected:
  unsigned total = 0;
  Error kept[capacity];
};

// Parses `len` bytes of `text` (need not be NUL-terminated; a NUL byte is an invalid character) into
// `out`, which is reset first. `errors` may be null. Returns the number of errors reported
// (0: the whole file was understood). `filename` prefixes the messages.
// `domain`: whose `server` and `set` lines are kept: null or "" the top level's (the boot root
// task's), else those of the block of that domain (its own root task's). Lines of other blocks
// are skipped unread (their own root task reports their errors); the block structure and every
// `domain` line are checked whichever domain is parsed.
unsigned parse(const char *text, size_t len, Config &out, ErrorSink *errors,
               const char *filename = "boot.cfg", const char *domain = nullptr);

} // namespace bootcfg
