// The lazy FPU switch under the IPC fast path: two threads in different spaces each keep a value
// on the x87 stack across a run of calls and replies with no timeout and a short message (the
// fast path's form). The kernel sets CR0.TS whenever the running thread does not own the FPU,
// so the first FPU instruction of the other thread traps and the owner's registers are saved
// first; a switch that left TS clear would let the server's load land on the client's stack.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
constexpr word rounds = 50;
constexpr int client_value = 0x1234567, server_value = -0x7654321;

struct FpuServer {
  CapSlot ep;
  volatile word served, wrong;
  volatile int seen;   // the server's own st(0), as it read it last
};
FpuServer fs;

// st(0) as an integer, without popping it.
inline int x87_top() {
  int v;
  asm volatile("fistl %0" : "=m"(v));
  return v;
}

void fpu_server_main(word) {
  word badge;
  Status st = recv(fs.ep, &badge, forever);
  // Pushed once, kept on the x87 stack across every reply_wait below.
  asm volatile("fildl %0" ::"m"(server_value));
  while (st == Status::ok) {
    const int v = x87_top();
    fs.seen = v;
    if (v != server_value) fs.wrong = fs.wrong + 1;
    fs.served = fs.served + 1;
    utcb()->mr[0] = Tag(0, 1, 0).raw;
    utcb()->mr[1] = word(v);
    st = reply_wait(fs.ep, &badge, forever);
  }
}
} // namespace

ARC_TEST(FPU0001, "two threads keep their x87 registers across fast-path calls between spaces") {
  fs = FpuServer{};
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot pg;
  CapSlot sp = make_space(0x701, &pg);
  REQUIRE(sp);
  REQUIRE_OK(cap_copy(ep, sp, 5, rights::recv));
  fs.ep = 5;
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  REQUIRE(spawn(fpu_server_main, 0, o));

  asm volatile("fninit\n\tfildl %0" ::"m"(client_value));
  word wrong = 0, server_said = 0;
  for (word i = 0; i < rounds; ++i) {
    utcb()->mr[0] = Tag(1, 1, 0).raw;
    utcb()->mr[1] = i;
    if (call(ep, forever) != Status::ok) break;
    server_said = utcb()->mr[1];
    if (x87_top() != client_value) ++wrong;
  }
  const int mine = x87_top();
  asm volatile("fstp %%st(0)" ::: "memory");   // leave the x87 stack empty
  REQUIRE_EQ(fs.served, rounds);
  REQUIRE_EQ(wrong, 0ul);
  REQUIRE_EQ(word(mine), word(client_value));
  REQUIRE_EQ(fs.wrong, 0ul);
  REQUIRE_EQ(server_said, word(server_value));
}
