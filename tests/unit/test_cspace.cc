// Host tests of capability spaces and the capability derivation tree (kernel/cap/cspace.cc).
#include "cap/cspace.hh"

#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <vector>

using namespace kern;
namespace rights = arc::rights;

// ---- the kernel's hooks, recording their calls
namespace {
struct Destroyed {
  Kobject *obj;
  ObjType type;
  int live_caps;   // non-empty caps still naming obj when it was destroyed
};
std::vector<Destroyed> destroyed;
std::vector<ObjType> cleared;          // type of each slot as the hook saw it
std::vector<Cap *> tracked;            // caps scanned for leftovers by the destroy hook
} // namespace

namespace kern {
void cap_hook_destroy(Kobject *obj, ObjType type) {
  int live = 0;
  for (Cap *c : tracked)
    if (!c->empty() && c->obj == obj) ++live;
  destroyed.push_back({obj, type, live});
}
void cap_hook_cleared(Cap &c) { cleared.push_back(c.type); }
} // namespace kern

namespace {

// Stand-ins for kernel objects: only their addresses matter to the CDT.
Kobject *fake_obj(int i) {
  static char objs[64];
  return reinterpret_cast<Kobject *>(&objs[i]);
}

// A capability space of npages pages, the pages owned by the fixture.
struct Space {
  std::vector<std::array<Cap, CSpace::per_page>> pages;
  std::vector<Cap *> ptrs;
  CSpace cs;
  explicit Space(unsigned npages) : pages(npages) {
    for (auto &p : pages) ptrs.push_back(p.data());
    cs.init(ptrs.data(), npages, this);
    tracked.clear();
    for (auto &p : pages)
      for (auto &c : p) tracked.push_back(&c);
    destroyed.clear();
    cleared.clear();
  }
  Cap &operator[](word i) { return *cs.slot(i); }
};

// Check every link below c: children point back to their parent, siblings are doubly linked.
// Returns the number of capabilities below c.
int check_subtree(const Cap &c) {
  int n = 0;
  // Iterative so that a deep chain does not test the host stack instead of the kernel.
  std::vector<const Cap *> todo{&c};
  while (!todo.empty()) {
    const Cap *p = todo.back();
    todo.pop_back();
    const Cap *prev = nullptr;
    for (const Cap *k = p->child; k; k = k->next) {
      REQUIRE(k->parent == p);
      REQUIRE(k->prev == prev);
      REQUIRE_FALSE(k->empty());
      REQUIRE(k->obj == p->obj);
      prev = k;
      ++n;
      todo.push_back(k);
    }
  }
  return n;
}

bool is_unlinked(const Cap &c) {
  return !c.parent && !c.child && !c.next && !c.prev;
}

} // namespace

TEST_CASE("CAP0001 cspace: slot 0 is invalid, out-of-range slots are null", "[cspace]") {
  Space s(2);
  CHECK(s.cs.size() == 2 * CSpace::per_page);
  CHECK(s.cs.slot(0) == nullptr);
  CHECK(s.cs.slot(1) != nullptr);
  CHECK(s.cs.slot(s.cs.size() - 1) != nullptr);
  CHECK(s.cs.slot(s.cs.size()) == nullptr);
  CHECK(s.cs.slot(arc::cap_self) == nullptr);
  CHECK(s.cs.lookup(0, ObjType::none) == nullptr);
  CHECK(s.cs.owner() == &s);
}

TEST_CASE("CAP0002 cspace: paged layout", "[cspace]") {
  Space s(3);
  for (word i = 1; i < s.cs.size(); ++i) {
    REQUIRE(s.cs.slot(i) == &s.pages[i / CSpace::per_page][i % CSpace::per_page]);
    REQUIRE(s.cs.slot(i)->home == &s.cs);
    REQUIRE(s.cs.slot(i)->empty());
  }
  CHECK(s.cs.page(1) == s.pages[1].data());
  // The page boundary: the last slot of page 0 and the first of page 1 are different pages.
  CHECK(s.cs.slot(CSpace::per_page - 1) == &s.pages[0].back());
  CHECK(s.cs.slot(CSpace::per_page) == &s.pages[1].front());
}

TEST_CASE("CAP0003 cspace: more pages than max_pages are clamped", "[cspace]") {
  Space s(CSpace::max_pages + 1);
  CHECK(s.cs.size() == CSpace::max_pages * CSpace::per_page);
  CHECK(s.cs.slot(CSpace::max_pages * CSpace::per_page) == nullptr);
}

TEST_CASE("CAP0004 cspace: lookup checks the type", "[cspace]") {
  Space s(1);
  cdt::insert_original(s[5], nullptr, fake_obj(1), ObjType::endpoint, rights::all);
  CHECK(s.cs.lookup(5, ObjType::endpoint) == &s[5]);
  CHECK(s.cs.lookup(5, ObjType::thread) == nullptr);
  CHECK(s.cs.lookup(6, ObjType::endpoint) == nullptr);
}

TEST_CASE("CAP0005 cdt: copy reduces rights by the mask and links below the source", "[cdt]") {
  Space s(1);
  cdt::insert_original(s[1], nullptr, fake_obj(1), ObjType::thread, rights::all);
  REQUIRE(cdt::derive(s[1], s[2], rights::control, false, 0) == Status::ok);
  CHECK(s[2].obj == fake_obj(1));
  CHECK(s[2].type == ObjType::thread);
  CHECK(s[2].rights == rights::control);
  CHECK_FALSE(s[2].original);
  CHECK(s[2].parent == &s[1]);
  CHECK(s[2].home == &s.cs);
  // Rights only shrink: a copy of the copy cannot get back what the mask removed.
  REQUIRE(cdt::derive(s[2], s[3], rights::all, false, 0) == Status::ok);
  CHECK(s[3].rights == rights::control);
  CHECK(s[3].parent == &s[2]);
  CHECK(check_subtree(s[1]) == 2);
}

TEST_CASE("CAP0006 cdt: derive errors", "[cdt]") {
  Space s(1);
  cdt::insert_original(s[1], nullptr, fake_obj(1), ObjType::endpoint, rights::all);
  cdt::insert_original(s[2], nullptr, fake_obj(2), ObjType::thread, rights::all);
  SECTION("empty source") {
    CHECK(cdt::derive(s[9], s[10], rights::all, false, 0) == Status::invalid_cap);
  }
  SECTION("occupied destination") {
    CHECK(cdt::derive(s[1], s[2], rights::all, false, 0) == Status::invalid_cap);
    CHECK(s[2].obj == fake_obj(2));
  }
  SECTION("onto itself") {
    CHECK(cdt::derive(s[1], s[1], rights::all, false, 0) == Status::invalid_cap);
  }
  SECTION("mint of a thread capability") {
    CHECK(cdt::derive(s[2], s[10], rights::all, true, 7) == Status::invalid_arg);
  }
  SECTION("mint with badge 0") {
    CHECK(cdt::derive(s[1], s[10], rights::all, true, 0) == Status::invalid_arg);
  }
  CHECK(s[10].empty());
  CHECK(s[1].child == nullptr);
  CHECK(s[2].child == nullptr);
}

TEST_CASE("CAP0007 cdt: mint badges once, only endpoint and irq", "[cdt]") {
  Space s(1);
  cdt::insert_original(s[1], nullptr, fake_obj(1), ObjType::endpoint, rights::all);
  cdt::insert_original(s[2], nullptr, fake_obj(2), ObjType::irq, rights::all);
  REQUIRE(cdt::derive(s[1], s[3], rights::send, true, 42) == Status::ok);
  CHECK(s[3].badge == 42);
  CHECK(s[3].rights == rights::send);
  CHECK(s[3].parent == &s[1]);
  // A badged capability cannot be re-badged, directly or through a copy.
  CHECK(cdt::derive(s[3], s[4], rights::all, true, 43) == Status::invalid_arg);
  REQUIRE(cdt::derive(s[3], s[4], rights::all, false, 0) == Status::ok);
  CHECK(s[4].badge == 42);
  CHECK(s[4].rights == rights::send);
  CHECK(cdt::derive(s[4], s[5], rights::all, true, 44) == Status::invalid_arg);
  CHECK(s[5].empty());
  // IRQ capabilities can be minted too.
  REQUIRE(cdt::derive(s[2], s[6], rights::all, true, 9) == Status::ok);
  CHECK(s[6].badge == 9);
  CHECK(s[6].type == ObjType::irq);
  // Other types cannot.
  for (ObjType t : {ObjType::thread, ObjType::space, ObjType::factory, ObjType::irq_control,
                    ObjType::ioports}) {
    Space o(1);
    cdt::insert_original(o[1], nullptr, fake_obj(3), t, rights::all);
    CHECK(cdt::derive(o[1], o[2], rights::all, true, 5) == Status::invalid_arg);
    CHECK(o[2].empty());
  }
}

TEST_CASE("CAP0008 cdt: reply capabilities cannot be copied or minted", "[cdt]") {
  Space s(1);
  cdt::insert_original(s[1], nullptr, fake_obj(1), ObjType::reply, rights::all, 77);
  CHECK(cdt::derive(s[1], s[2], rights::all, false, 0) == Status::invalid_arg);
  CHECK(cdt::derive(s[1], s[2], rights::all, true, 5) == Status::invalid_arg);
  CHECK(s[2].empty());
  CHECK(s[1].child == nullptr);
  // But they move.
  cdt::move(s[1], s[3]);
  CHECK(s[3].type == ObjType::reply);
  CHECK(s[3].badge == 77);
  CHECK(s[1].empty());
}

TEST_CASE("CAP0009 cdt: copy keeps ioport range and badge fields", "[cdt]") {
  Space s(1);
  cdt::insert_original(s[1], nullptr, fake_obj(1), ObjType::ioports, rights::all, 0x3f8, 8);
  s[1].enabled = true;
  REQUIRE(cdt::derive(s[1], s[2], rights::all, false, 0) == Status::ok);
  CHECK(s[2].badge == 0x3f8);
  CHECK(s[2].extra == 8);
  CHECK_FALSE(s[2].enabled);   // enabling is per holder
}

TEST_CASE("CAP0010 cdt: move keeps the tree; children are revoked through the moved cap",
          "[cdt]") {
  Space s(2);
  Space other(1);   // a second capability space (e.g. a recreated task)
  for (Cap *c : std::vector<Cap *>{&other[1], &other[2], &other[3]}) tracked.push_back(c);
  cdt::insert_original(s[1], nullptr, fake_obj(1), ObjType::endpoint, rights::all);
  // s[1] has three children (2, 3, 4), and 3 has children 5, 6.
  for (word i : {2, 3, 4}) REQUIRE(cdt::derive(s[1], s[i], rights::all, false, 0) == Status::ok);
  for (word i : {5, 6}) REQUIRE(cdt::derive(s[3], s[i], rights::all, false, 0) == Status::ok);

  SECTION("a middle sibling with children moves to another space") {
    cdt::move(s[3], other[2]);
    CHECK(s[3].empty());
    CHECK(s[3].home == &s.cs);
    CHECK(is_unlinked(s[3]));
    CHECK(other[2].home == &other.cs);
    CHECK(other[2].parent == &s[1]);
    CHECK(s[5].parent == &other[2]);
    CHECK(s[6].parent == &other[2]);
    CHECK(check_subtree(s[1]) == 5);
    cdt::revoke(other[2]);
    CHECK(s[5].empty());
    CHECK(s[6].empty());
    CHECK(check_subtree(s[1]) == 3);
  }
  SECTION("the first and last child") {
    cdt::move(s[4], other[1]);   // first (most recently linked)
    cdt::move(s[2], other[3]);   // last
    CHECK(s[1].child == &other[1]);
    CHECK(check_subtree(s[1]) == 5);
    cdt::revoke(s[1]);
    for (word i : {2, 3, 4, 5, 6}) CHECK(s[i].empty());
    CHECK(other[1].empty());
    CHECK(other[3].empty());
  }
  SECTION("the original moves; removing it destroys the object once") {
    cdt::move(s[1], other[1]);
    CHECK(other[1].original);
    CHECK(check_subtree(other[1]) == 5);
    cdt::remove(other[1]);
    REQUIRE(destroyed.size() == 1);
    CHECK(destroyed[0].obj == fake_obj(1));
    CHECK(destroyed[0].live_caps == 0);
    for (word i : {2, 3, 4, 5, 6}) CHECK(s[i].empty());
  }
  SECTION("moving onto itself does nothing") {
    cdt::move(s[3], s[3]);
    CHECK(s[3].parent == &s[1]);
    CHECK(check_subtree(s[1]) == 5);
  }
}

TEST_CASE("CAP0011 cdt: revoke deletes the whole subtree and keeps the capability",
          "[cdt]") {
  Space s(1);
  cdt::insert_original(s[1], nullptr, fake_obj(1), ObjType::endpoint, rights::all);
  REQUIRE(cdt::derive(s[1], s[2], rights::all, false, 0) == Status::ok);
  REQUIRE(cdt::derive(s[2], s[3], rights::all, false, 0) == Status::ok);
  REQUIRE(cdt::derive(s[1], s[4], rights::all, true, 1) == Status::ok);
  REQUIRE(cdt::derive(s[4], s[5], rights::all, false, 0) == Status::ok);
  SECTION("from the original") {
    cdt::revoke(s[1]);
    CHECK(cleared.size() == 4);
    CHECK(destroyed.empty());
    for (word i : {2, 3, 4, 5}) CHECK(s[i].empty());
    CHECK_FALSE(s[1].empty());
    CHECK(s[1].child == nullptr);
  }
  SECTION("from a copy: siblings and ancestors stay") {
    cdt::revoke(s[2]);
    CHECK(s[3].empty());
    CHECK_FALSE(s[2].empty());
    CHECK(check_subtree(s[1]) == 3);
  }
  SECTION("remove of a copy takes its subtree, not the object") {
    cdt::remove(s[4]);
    CHECK(s[4].empty());
    CHECK(s[5].empty());
    CHECK(destroyed.empty());
    CHECK(check_subtree(s[1]) == 2);
  }
  SECTION("the cleared hook sees each slot while it still holds its capability") {
    cdt::remove(s[1]);
    CHECK(cleared.size() == 5);
    for (ObjType t : cleared) CHECK(t == ObjType::endpoint);
  }
}

TEST_CASE("CAP0012 cdt: removing an original destroys the object once, after its copies",
          "[cdt]") {
  Space s(1);
  // A factory whose original capability has the objects' originals below it.
  cdt::insert_original(s[1], nullptr, fake_obj(0), ObjType::factory, rights::all);
  cdt::insert_original(s[2], &s[1], fake_obj(1), ObjType::thread, rights::all);
  cdt::insert_original(s[3], &s[1], fake_obj(2), ObjType::endpoint, rights::all);
  for (word i : {4, 5, 6}) REQUIRE(cdt::derive(s[2], s[i], rights::all, false, 0) == Status::ok);
  REQUIRE(cdt::derive(s[3], s[7], rights::all, true, 3) == Status::ok);
  REQUIRE(cdt::derive(s[7], s[8], rights::all, false, 0) == Status::ok);
  CHECK(s[2].parent == &s[1]);

  SECTION("a copy goes: nothing destroyed") {
    cdt::remove(s[5]);
    CHECK(destroyed.empty());
  }
  SECTION("the original goes: exactly one destroy, no copy left") {
    cdt::remove(s[2]);
    REQUIRE(destroyed.size() == 1);
    CHECK(destroyed[0].obj == fake_obj(1));
    CHECK(destroyed[0].type == ObjType::thread);
    CHECK(destroyed[0].live_caps == 0);
    cdt::remove(s[2]);   // an empty slot: nothing more
    CHECK(destroyed.size() == 1);
  }
  SECTION("revoking the factory destroys every object it made, each once") {
    cdt::revoke(s[1]);
    REQUIRE(destroyed.size() == 2);
    CHECK(destroyed[0].obj != destroyed[1].obj);
    for (auto &d : destroyed) CHECK(d.live_caps == 0);
    CHECK_FALSE(s[1].empty());
    cdt::remove(s[1]);
    REQUIRE(destroyed.size() == 3);
    CHECK(destroyed[2].obj == fake_obj(0));
    CHECK(destroyed[2].type == ObjType::factory);
    for (word i = 1; i < s.cs.size(); ++i) REQUIRE(s[i].empty());
  }
}

TEST_CASE("CAP0013 cdt: revoke of a 10000-deep chain does not recurse", "[cdt][deep]") {
  constexpr int depth = 10000;
  // Slots inside objects (home null): more than a CSpace holds.
  std::vector<Cap> chain(depth + 1);
  tracked.clear();
  destroyed.clear();
  cleared.clear();
  cdt::insert_original(chain[0], nullptr, fake_obj(1), ObjType::endpoint, rights::all);
  for (int i = 1; i <= depth; ++i)
    REQUIRE(cdt::derive(chain[i - 1], chain[i], rights::all, false, 0) == Status::ok);
  CHECK(check_subtree(chain[0]) == depth);
  SECTION("revoke") {
    cdt::revoke(chain[0]);
    CHECK(cleared.size() == depth);
    CHECK(chain[0].child == nullptr);
    CHECK_FALSE(chain[0].empty());
  }
  SECTION("remove") {
    cdt::remove(chain[0]);
    CHECK(cleared.size() == depth + 1);
    REQUIRE(destroyed.size() == 1);
  }
  for (int i = 1; i <= depth; ++i) REQUIRE(chain[i].empty());
}

TEST_CASE("CAP0014 cdt: revoke of a wide tree", "[cdt]") {
  constexpr int width = 20000;
  std::vector<Cap> caps(width + 1);
  tracked.clear();
  cleared.clear();
  cdt::insert_original(caps[0], nullptr, fake_obj(1), ObjType::endpoint, rights::all);
  for (int i = 1; i <= width; ++i)
    REQUIRE(cdt::derive(caps[0], caps[i], rights::all, false, 0) == Status::ok);
  // A second level under a few of them.
  std::vector<Cap> grand(100);
  for (int i = 0; i < 100; ++i)
    REQUIRE(cdt::derive(caps[1 + i * 7], grand[i], rights::all, false, 0) == Status::ok);
  CHECK(check_subtree(caps[0]) == width + 100);
  cdt::revoke(caps[0]);
  CHECK(cleared.size() == width + 100);
  for (int i = 1; i <= width; ++i) REQUIRE(caps[i].empty());
  for (auto &g : grand) REQUIRE(g.empty());
  CHECK(caps[0].child == nullptr);
}
