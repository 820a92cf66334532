// Host tests of the scheduler's ready queues (kernel/sched/ready_queue.hh) and the intrusive
// queue under them (kernel/lib/list.hh).
#include "sched/ready_queue.hh"

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <memory>
#include <random>
#include <vector>

using kern::Link;
using kern::Queue;
using kern::ReadyQueues;

namespace {

struct Item {
  int id = 0;
  Link<Item> run;
  Link<Item> other;
};

using RQ = ReadyQueues<Item, &Item::run>;
using Q = Queue<Item, &Item::run>;

std::vector<int> ids(const Q &q) {
  std::vector<int> v;
  for (Item *t = q.front(); t; t = q.next_of(t)) v.push_back(t->id);
  return v;
}

std::vector<Item> make_items(int n) {
  std::vector<Item> v(n);
  for (int i = 0; i < n; ++i) v[i].id = i;
  return v;
}

} // namespace

TEST_CASE("RQ0001 queue: push_back is FIFO, push_front jumps the line", "[list]") {
  auto it = make_items(4);
  Q q;
  CHECK(q.empty());
  q.push_back(&it[0]);
  q.push_back(&it[1]);
  q.push_front(&it[2]);
  q.push_back(&it[3]);
  CHECK(ids(q) == std::vector<int>{2, 0, 1, 3});
  CHECK(it[0].run.linked());
  CHECK(q.pop_front() == &it[2]);
  CHECK_FALSE(it[2].run.linked());
  CHECK(ids(q) == std::vector<int>{0, 1, 3});
}

TEST_CASE("RQ0002 queue: remove head, middle, tail and last element", "[list]") {
  auto it = make_items(5);
  Q q;
  for (auto &i : it) q.push_back(&i);
  q.remove(&it[2]);
  CHECK(ids(q) == std::vector<int>{0, 1, 3, 4});
  q.remove(&it[0]);
  CHECK(ids(q) == std::vector<int>{1, 3, 4});
  q.remove(&it[4]);
  CHECK(ids(q) == std::vector<int>{1, 3});
  q.push_back(&it[4]);   // the tail link must still be right after removals
  CHECK(ids(q) == std::vector<int>{1, 3, 4});
  q.remove(&it[1]);
  q.remove(&it[3]);
  q.remove(&it[4]);
  CHECK(q.empty());
  CHECK(q.pop_front() == nullptr);
  for (auto &i : it) CHECK_FALSE(i.run.linked());
}

TEST_CASE("RQ0003 queue: insert_before keeps a sorted list", "[list]") {
  auto it = make_items(5);
  Q q;
  q.insert_before(nullptr, &it[2]);      // empty: goes to the back
  q.insert_before(&it[2], &it[0]);       // before the head: becomes the head
  q.insert_before(nullptr, &it[4]);
  q.insert_before(&it[2], &it[1]);
  q.insert_before(&it[4], &it[3]);
  CHECK(ids(q) == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("RQ0004 queue: one object on two queues through different links", "[list]") {
  auto it = make_items(3);
  Q a;
  Queue<Item, &Item::other> b;
  for (auto &i : it) a.push_back(&i);
  b.push_back(&it[2]);
  b.push_back(&it[0]);
  a.remove(&it[0]);
  CHECK(ids(a) == std::vector<int>{1, 2});
  CHECK(b.front() == &it[2]);
  CHECK(b.next_of(&it[2]) == &it[0]);
  CHECK(it[0].other.linked());
}

TEST_CASE("RQ0005 ready queues: empty", "[ready_queue]") {
  RQ rq;
  CHECK(rq.empty());
  CHECK(rq.highest_prio() == -1);
  CHECK(rq.highest() == nullptr);
}

TEST_CASE("RQ0006 ready queues: highest priority wins, FIFO within a priority", "[ready_queue]") {
  auto it = make_items(6);
  RQ rq;
  rq.enqueue(&it[0], 10);
  rq.enqueue(&it[1], 200);
  rq.enqueue(&it[2], 10);
  rq.enqueue(&it[3], 200);
  rq.enqueue(&it[4], 31);
  rq.enqueue(&it[5], 32);
  CHECK(rq.highest_prio() == 200);
  CHECK(rq.highest() == &it[1]);
  rq.remove(&it[1], 200);
  CHECK(rq.highest() == &it[3]);
  rq.remove(&it[3], 200);
  CHECK(rq.highest_prio() == 32);
  rq.remove(&it[5], 32);
  CHECK(rq.highest_prio() == 31);   // across a bitmap word boundary
  rq.remove(&it[4], 31);
  CHECK(rq.highest() == &it[0]);
  rq.remove(&it[0], 10);
  CHECK(rq.highest() == &it[2]);
  rq.remove(&it[2], 10);
  CHECK(rq.empty());
}

TEST_CASE("RQ0007 ready queues: front enqueue and removal from the middle", "[ready_queue]") {
  auto it = make_items(4);
  RQ rq;
  rq.enqueue(&it[0], 7);
  rq.enqueue(&it[1], 7);
  rq.enqueue(&it[2], 7);
  rq.enqueue(&it[3], 7, true);   // e.g. a preempted thread keeps its place
  CHECK(rq.highest() == &it[3]);
  rq.remove(&it[0], 7);          // middle: the level stays ready
  CHECK(rq.highest_prio() == 7);
  rq.remove(&it[3], 7);
  CHECK(rq.highest() == &it[1]);
  rq.remove(&it[1], 7);
  rq.remove(&it[2], 7);
  CHECK(rq.empty());
  CHECK(rq.highest_prio() == -1);
}

TEST_CASE("RQ0008 ready queues: all 256 priorities", "[ready_queue]") {
  auto it = make_items(RQ::levels);
  RQ rq;
  for (unsigned p = 0; p < RQ::levels; ++p) {
    rq.enqueue(&it[p], p);
    REQUIRE(rq.highest_prio() == int(p));
  }
  for (int p = RQ::levels - 1; p >= 0; --p) {
    REQUIRE(rq.highest() == &it[p]);
    rq.remove(&it[p], p);
  }
  CHECK(rq.empty());
  // Each priority alone, including 0 and 255.
  for (unsigned p = 0; p < RQ::levels; ++p) {
    rq.enqueue(&it[p], p);
    REQUIRE(rq.highest_prio() == int(p));
    REQUIRE(rq.highest() == &it[p]);
    rq.remove(&it[p], p);
    REQUIRE(rq.empty());
  }
}

TEST_CASE("RQ0009 ready queues: randomized against a std model", "[ready_queue][random]") {
  const unsigned seed = GENERATE(1u, 2u, 3u, 12345u);
  CAPTURE(seed);
  std::mt19937 rng(seed);
  constexpr int n = 300;
  auto it = make_items(n);
  std::vector<int> prio_of(n, -1);                 // -1: not queued
  std::vector<std::deque<int>> model(RQ::levels);
  RQ rq;
  // Few priorities make long queues; many make a sparse bitmap.
  const unsigned nprio = GENERATE(3u, 256u);
  CAPTURE(nprio);
  auto pick_prio = [&] {
    unsigned p = rng() % nprio;
    return nprio == 256 ? p : p * 97 % 256;
  };
  for (int step = 0; step < 20000; ++step) {
    const int i = int(rng() % n);
    const unsigned op = rng() % 4;
    if (prio_of[i] < 0) {
      const unsigned p = pick_prio();
      const bool front = op == 0;
      rq.enqueue(&it[i], p, front);
      if (front) model[p].push_front(i); else model[p].push_back(i);
      prio_of[i] = int(p);
    } else if (op == 3 && !model[prio_of[i]].empty()) {
      // Round robin: rotate the highest level as the scheduler does at the end of a slice.
      int hp = rq.highest_prio();
      REQUIRE(hp >= 0);
      Item *h = rq.highest();
      rq.remove(h, hp);
      rq.enqueue(h, hp);
      model[hp].push_back(model[hp].front());
      model[hp].pop_front();
    } else {
      const int p = prio_of[i];
      rq.remove(&it[i], p);
      auto &m = model[p];
      m.erase(std::find(m.begin(), m.end(), i));
      prio_of[i] = -1;
    }
    int expect = -1;
    for (int p = RQ::levels - 1; p >= 0; --p)
      if (!model[p].empty()) { expect = p; break; }
    CAPTURE(step);
    REQUIRE(rq.highest_prio() == expect);
    REQUIRE(rq.empty() == (expect < 0));
    if (expect >= 0) REQUIRE(rq.highest() == &it[model[expect].front()]);
  }
}
