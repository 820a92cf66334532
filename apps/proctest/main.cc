// A process that checks, from inside, what the root task, its pager and the name service
// promise a process (docs/user-level.md). The boot test runs it from a boot configuration; its
// checks print `PROCTEST <id> ok|FAIL ...` and a summary line.
#include <arc/message.hh>
#include <arc/process.hh>
#include <arc/proto/names.hh>
#include <arc/proto/pager.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/start.hh>
#include <arc/sys.hh>
#include <string.h>

using namespace arc;

namespace {

unsigned passed, failed;

void check(const char *id, bool ok, const char *what, word got = 0) {
  if (ok) {
    ++passed;
    printf("PROCTEST %s ok %s\n", id, what);
  } else {
    ++failed;
    printf("PROCTEST %s FAIL %s (got %lx)\n", id, what, got);
  }
}

// Initialised data filling whole pages nobody touches before P14: copy-on-write from the image.
volatile char cow_area[3 * 4096] __attribute__((aligned(4096))) = {7};

// A persistent variable: kept by the pager across restarts, initialised from the image.
__attribute__((section(".pdata"))) volatile word persistent_counter = 42;

Status root_call(word label, unsigned untyped) {
  Utcb *u = utcb();
  u->mr[0] = Tag(label, untyped, 0).raw;
  Status st = call(proc::root);
  return st != Status::ok ? st : Status(u->mr[1]);
}

word counts(unsigned which) {
  Utcb *u = utcb();
  u->mr[0] = Tag(pager::counts, 0, 0).raw;
  if (call(proc::pager) != Status::ok || u->mr[1] != word(Status::ok)) return ~word(0);
  return u->mr[2 + which];
}

// Whether the root task lists pid as ended (ps).
bool ended(word pid) {
  Utcb *u = utcb();
  for (word i = 0; i < 32; ++i) {
    u->mr[1] = i;
    if (root_call(root::ps, 1) != Status::ok) return false;
    if (u->mr[2] == pid) return u->mr[3] == word(root::PState::exited);
  }
  return false;
}

} // namespace

int main(int argc, char **argv) {
  const proc::Info *info = proc_info();
  if (argc >= 2 && !strcmp(argv[1], "idle"))
    for (;;) sleep_ms(1000000);   // P17's processes: alive until killed
  if (argc >= 2 && !strcmp(argv[1], "child")) {
    printf("PROCTEST child running as pid %lu\n", info ? info->pid : 0);
    return 0;
  }
  // `proctest names`: the name service answers, and what was published before (the console,
  // long before us) is still found: the shell's scenarios run it around name-service restarts.
  // A cold restart of the name service may take our first call with it (partner_gone: asked
  // again, as arc::name_register does), and the console's name is back once the console has
  // published it again (waited for up to 2 s, as arc::name_wait does).
  if (argc >= 2 && !strcmp(argv[1], "names")) {
    Status st = Status::partner_gone;
    for (int i = 0; i < 3 && st == Status::partner_gone; ++i) st = names::publish("proctest", proc::service);
    const bool published = st == Status::ok;
    const CapSlot own = 40, console = 41;
    (void)cap_delete(own);
    (void)cap_delete(console);
    const bool found_own = names::find("proctest", own) == Status::ok &&
                           cap_identify(own).r[0] == word(ObjType::endpoint);
    for (int ms = 0; ms < 2000 && (st = names::find("console", console)) == Status::invalid_arg; ms += 20)
      sleep_ms(20);
    const bool found_console = st == Status::ok && cap_identify(console).r[0] == word(ObjType::endpoint);
    const bool unknown = names::find("no-such-name", 42) == Status::invalid_arg;
    const bool good = published && found_own && found_console && unknown;
    printf("PROCTEST names %s: publish %s, find own %s, find console %s, unknown refused %s\n",
           good ? "ok" : "FAIL", published ? "ok" : "failed", found_own ? "ok" : "failed",
           found_console ? "ok" : "failed", unknown ? "yes" : "no");
    return good ? 0 : 1;
  }
  // `proctest wait NAME`: waits for NAME to be published, with no polling (a poll interval as
  // long as the wait): only the name service answering the waiting lookup when the name comes
  // (names::find_wait) ends the wait early. Says how long it took.
  if (argc >= 3 && !strcmp(argv[1], "wait")) {
    const CapSlot slot = 43;
    (void)cap_delete(slot);
    printf("PROCTEST waiting for %s\n", argv[2]);
    const word t0 = ticks_ms();
    const Status st = name_wait(argv[2], slot, 30000, 30000);
    printf("PROCTEST found %s: %s after %lu ms\n", argv[2], status_name(st), ticks_ms() - t0);
    return st == Status::ok ? 0 : 1;
  }
  check("P01", info && info->magic == proc::info_magic, "the process information page is mapped");
  check("P02", argc == 3 && !strcmp(argv[0], "proctest") && !strcmp(argv[1], "hello") &&
                   !strcmp(argv[2], "world"),
        "arguments from the boot configuration", word(argc));
  check("P03", info && info->pdata_end > info->pdata_start, "the pager found .pdata");
  check("P04", persistent_counter == 42, "a persistent variable starts with its image value",
        persistent_counter);

  // Heap pages are zero pages on first touch, and the pager counts them.
  word before = counts(0);
  // Far above what malloc has used: pages nobody touched yet.
  volatile word *heap = reinterpret_cast<volatile word *>(proc::heap_base_default + 0x01000000);
  bool zero = true;
  for (unsigned i = 0; i < 8; ++i) {
    zero &= heap[i * 1024] == 0;
    heap[i * 1024] = i + 1;
  }
  word after = counts(0);
  check("P05", zero, "heap pages arrive zeroed");
  check("P06", before != ~word(0) && after == before + 8, "the pager counts 8 new resident pages", after - before);

  // Copy-on-write: a page of initialised data is shared with the image until the first write.
  volatile char *page = &cow_area[4096];
  word shared_before = counts(2), cow_before = counts(3);
  char first = page[1];   // a read maps the image page, read-only
  word shared_after = counts(2);
  page[1] = 42;           // the write faults again: now a private copy
  word cow_after = counts(3);
  check("P14", first == 0 && shared_after == shared_before + 1 && cow_after == cow_before + 1 &&
                   page[1] == 42 && cow_area[0] == 7,
        "copy-on-write: read shares the image page, the first write copies it", cow_after - cow_before);

  // The name service.
  check("P07", names::publish("proctest", proc::service) == Status::ok, "publish a name");
  check("P08", names::find("proctest", 40) == Status::ok && cap_identify(40).r[0] == word(ObjType::endpoint),
        "look it up: an endpoint capability arrives");
  check("P09", names::find("no-such-name", 41) == Status::invalid_arg, "an unknown name is refused");

  // The root task.
  Utcb *u = utcb();
  u->mr[1] = 0;
  bool found_self = false;
  for (word i = 0; i < 32; ++i) {
    u->mr[1] = i;
    if (root_call(root::ps, 1) != Status::ok) break;
    if (u->mr[2] == info->pid) found_self = u->mr[4] != ~word(0) && u->mr[4] >= 8;
  }
  check("P10", found_self, "ps lists us with our page count");
  check("P11", root_call(root::mem, 0) == Status::ok && u->mr[2] > 1000 && u->mr[3] < u->mr[2],
        "mem reports totals");
  word pid = 0;
  u->mr[0] = Tag(root::spawn, proc::pack(&u->mr[1], "proctest child", 8), 0).raw;
  if (call(proc::root) == Status::ok && u->mr[1] == word(Status::ok)) pid = u->mr[2];
  check("P12", pid > info->pid, "spawn a child process", pid);
  u->mr[0] = Tag(root::spawn, proc::pack(&u->mr[1], "no-such-program", 8), 0).raw;
  check("P13", call(proc::root) == Status::ok && u->mr[1] == word(Status::invalid_arg),
        "spawning a missing program is refused");
  // The name service here has no restart policy: killing it would leave every later lookup
  // without an answer, so the root task refuses and says why; it still answers afterwards.
  u->mr[0] = Tag(root::kill, 1, 0).raw;
  u->mr[1] = 1;
  const bool refused = call(proc::root) == Status::ok && u->mr[1] == word(Status::no_rights);
  check("P15", refused && names::find("proctest", 43) == Status::ok,
        "killing the name service without a restart policy is refused");
  // Our boot line gives us may=spawn,kill, not inject: arming a fault in a server is refused.
  u->mr[0] = Tag(root::inject, 8, 0).raw;
  proc::pack(&u->mr[1], "names", 6);
  u->mr[7] = 1;      // crash
  u->mr[8] = 1000;   // after that many requests
  check("P16", call(proc::root) == Status::ok && u->mr[1] == word(Status::no_rights),
        "injecting a fault without may=inject is refused");
  // Many processes at once: each has its own pager, spaces, page tables and factory, all charged
  // to the kernel memory the root task was given. (On realview-pb-a8, RAM at 0x70000000, the
  // kernel once sized sigma0's share by the span of addresses below RAM's end: the root task had
  // too little left for a seventh process.) Killed, they give back every frame, and a second
  // round needs the records of the first: 40 are more than the root task's table holds (the
  // records of ended processes were once never reused).
  // The child of P12 first: it may still be starting, taking frames as it goes.
  for (unsigned tries = 0; tries < 200 && !ended(pid); ++tries) sleep_ms(10);
  word used_before = 0;
  for (unsigned round = 1; round <= 2; ++round) {
    (void)root_call(root::mem, 0);
    used_before = u->mr[4];
    constexpr unsigned many = 20;
    word pids[many] = {};
    unsigned started = 0, killed = 0;
    for (unsigned i = 0; i < many; ++i) {
      u->mr[0] = Tag(root::spawn, proc::pack(&u->mr[1], "proctest idle", 8), 0).raw;
      if (call(proc::root) == Status::ok && u->mr[1] == word(Status::ok)) pids[started++] = u->mr[2];
    }
    for (unsigned i = 0; i < started; ++i) {
      u->mr[0] = Tag(root::kill, 1, 0).raw;
      u->mr[1] = pids[i];
      killed += call(proc::root) == Status::ok && u->mr[1] == word(Status::ok);
    }
    check(round == 1 ? "P17" : "P18", started == many && killed == many,
          round == 1 ? "20 more processes run at once, and are killed"
                     : "20 more again, in the records of those that ended", started);
  }
  // Our own pager takes frames 16 at a time: a leak of one frame per process would be more.
  (void)root_call(root::mem, 0);
  check("P19", u->mr[4] <= used_before + 16,
        "the 20 killed processes gave back every frame (frames in use after, less before)",
        long(u->mr[4]) - long(used_before));
  sleep_ms(50);
  printf("PROCTEST: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
