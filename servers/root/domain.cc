#include "domain.hh"
#include "monitor.hh"
#include "secure.hh"
#include "watchdog.hh"
#include <arc/sys.hh>

namespace rt {

using namespace arc;

namespace {
const bootcfg::Config *boot_config;
bool due;                   // a domain restart is coming
word due_at;                // when (ms since boot)
word culprit_pid;           // whose failure asked for it (its log entry)
word done_count;            // domain restarts so far
word times[16];             // when the recent ones were (ms), for the intensity
unsigned n_times;
CapSlot names_slot;   // the name service's endpoint in our space (made anew for each domain)

// Every process goes, and its slot with it, in reverse order of the slots (clients usually come
// after their servers).
unsigned stop_everything() {
  unsigned n, stopped = 0;
  Process *t = process_table(&n);
  for (unsigned i = n; i-- > 0;) {
    Process &p = t[i];
    // Secure domains are not ours to restart with our own (secure.cc): only their monitor does.
    if (!p.pid || p.domain_root) continue;
    if (p.state != arc::root::PState::exited) {   // running, starting, or its pager failed
      kill(&p);
      ++stopped;
    }
    forget(&p);
  }
  return stopped;
}
} // namespace

void domain_start(const bootcfg::Config &config) {
  boot_config = &config;
  // The name service's endpoint exists before anyone needs it, so every process gets it. A new
  // one for a new domain: nothing queued at the old one survives.
  set_names_endpoint(0);
  slot_free(names_slot);
  if (config.find(bootcfg::name_service) && (names_slot = slot_alloc()) &&
      create(boot_cap::factory, ObjType::endpoint, names_slot) == Status::ok)
    set_names_endpoint(names_slot);
  for (unsigned i = 0; i < config.nservers; ++i) {
    const bootcfg::Server &s = config.servers[config.order[i]];
    word err;
    if (Process *p = spawn(s.name, s.program, s.args, s.nargs, &s, &err))
      printf("[root] started %s (%s) as pid %lu\n", s.name, s.program, p->pid);
  }
}

void reboot_machine(const char *who) {
  // In a secure domain the machine is not ours: the last rung is the domain itself. Our failure
  // is the domain's (the boot root task deletes our thread), and its monitor restarts it whole.
  if (*secure_domain()) {
    printf("[monitor] %s: the domain cannot be kept alive; its root task stops, for the domain "
           "monitor to restart the domain\n", who);
    *reinterpret_cast<volatile word *>(0x10) = 0;   // the null page: the boot root task refuses it
  }
  printf("[monitor] %s: rebooting the machine\n", who);
  const Status st = syscall(Sys::kdebug, word(KdOp::reboot)).status;
  printf("[monitor] %s: reboot failed (%s)\n", who,
         st == Status::not_supported ? "this board cannot reset itself" : "refused");
}

bool domain_restart_later(Process *culprit, word backoff_ms) {
  if (!boot_config || due) return false;   // one is coming already
  const word now = now_ms();
  unsigned kept = 0;
  for (unsigned i = 0; i < n_times; ++i)
    if (now - times[i] <= boot_config->domain_window_ms) times[kept++] = times[i];
  n_times = kept;
  if (n_times >= boot_config->domain_restarts) {
    printf("[monitor] %lu domain restarts within %lu ms: the domain cannot be kept alive\n",
           word(n_times), word(boot_config->domain_window_ms));
    reboot_machine("domain");
    return false;
  }
  due = true;
  due_at = now + backoff_ms;
  culprit_pid = culprit->pid;
  printf("[monitor] %s: restarting the domain in %lu ms\n", culprit->name, backoff_ms);
  return true;
}

word domain_timeout_ms() {
  if (!due) return 0;
  const word now = now_ms();
  return due_at > now ? due_at - now : 1;
}

bool domain_tick() {
  if (!due || now_ms() < due_at) return false;
  due = false;
  if (n_times < sizeof(times) / sizeof(times[0])) times[n_times++] = now_ms();
  ++done_count;
  const unsigned stopped = stop_everything();
  // The servers start with a clean history: a new domain, not more of the old one's failures.
  monitor_forget_histories();
  monitor_domain_done(culprit_pid);
  printf("[monitor] domain restart #%lu: %u process%s stopped, persistent memory discarded; "
         "starting the boot configuration again\n", done_count, stopped, stopped == 1 ? "" : "es");
  domain_start(*boot_config);
  return true;
}

} // namespace rt
