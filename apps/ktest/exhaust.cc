// `ktest exhaust`: a thread of ours takes page after page from sigma0 until none is left. The
// fault sigma0 cannot serve must come back as one refusal (memory exhausted) that the kernel
// reports to the thread's exception handler; no retry loop, the pager asked once, and sigma0
// still answers its other requests. A mode of its own: nothing can run after it.
#include "common.hh"
#include <arc/proto/sigma0.hh>

using namespace arc;
using namespace ktest;

namespace {
constexpr word base = 0x10000000;   // far from our image, heap and stacks
struct Eater { volatile word pages, done; };
Eater eat;

void eat_main(word) {
  for (word a = base;; a += 0x1000) {
    *reinterpret_cast<volatile word *>(a) = a;   // a fresh page from sigma0
    eat.pages = eat.pages + 1;
  }
}

[[noreturn]] void after_refusal() {
  eat.done = 1;
  for (;;) {
    xregs(cap_self, xr::halt);
    sleep_ms(1000);
  }
}

word sigma0_free_frames() {
  set_tag(sigma0::label_free_frames, 0);
  return call(boot_cap::pager, t_2s) == Status::ok ? u()->mr[1] : ~word(0);
}
} // namespace

namespace ktest {
extern const char *current_id;

int exhaust_main() {
  current_id = "EXHAUST";
  const word before = sigma0_free_frames();
  printf("EXHAUST: sigma0 has %lu free frames\n", before);
  CapSlot hep = make(ObjType::endpoint), hd = slot();
  if (!hep || !hd || cap_mint(hep, boot_cap::space, hd, rights::send, 0xee) != Status::ok) {
    printf("EXHAUST: FAIL setup\n");
    return 1;
  }
  ThreadOpts o;   // paged by sigma0, like all of our threads
  o.handler = hd;
  CapSlot t = spawn(eat_main, 0, o);
  if (!t) {
    printf("EXHAUST: FAIL cannot start the eater\n");
    return 1;
  }
  // It takes a while: wait for the one exception message (a recv timeout is at most 65 s).
  word badge = 0;
  Status st = Status::timeout;
  for (int i = 0; i < 10 && st == Status::timeout; ++i)
    st = recv(hep, &badge, ipc::timeouts(0, 60000));
  Utcb *ut = u();
  const word label = Tag(ut->mr[0]).label(), vector = ut->mr[1], error = ut->mr[2],
             addr = ut->mr[6], sp = ut->mr[4];
  const word pages = eat.pages;
  const word expect_addr = base + pages * 0x1000;
  bool ok = true;
  auto check = [&](bool c, const char *what) {
    if (!c) printf("EXHAUST: FAIL %s\n", what);
    ok = ok && c;
  };
  check(st == Status::ok, "no exception message came");
  if (st != Status::ok) return 1;
  check(label == label::exception && badge == 0xee, "not an exception from the eater");
  check(vector == exc_vector::fault_refused, "not vector fault_refused");
  check(error == refusal::exhausted, "reason is not memory exhausted");
  check(addr == expect_addr, "the address is not the page after the last one taken");
  check(state_of(t) == ThreadState::wait_reply, "the eater is not waiting for its handler");
  // sigma0 is alive and says it has nothing left; the eater is not retrying meanwhile.
  const word after = sigma0_free_frames();
  check(after == 0, "sigma0 still has free frames");
  sleep_ms(100);
  check(eat.pages == pages, "the eater moved on");
  printf("EXHAUST: %lu pages taken, then the fault at %lx refused (vector %lx, reason %lu); "
         "sigma0 free frames %lu -> %lu\n", pages, addr, vector, error, before, after);
  set_tag(0, 2);
  ut->mr[1] = word(&after_refusal);
  ut->mr[2] = (sp & ~word(15)) - 64;
  check(reply() == Status::ok, "reply to the handler message failed");
  check(wait_for(eat.done, 1000), "the eater did not resume where its handler said");
  printf("EXHAUST: %s\n", ok ? "ok, refused once" : "FAILED");
  return ok ? 0 : 1;
}
} // namespace ktest
