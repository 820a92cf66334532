// The fault-injection mutator (tools/mutate): site finding and mutation on the fixture
// data/mutate_fixture.c built for IA32, ARM A32 and Thumb-2, through the library, plus one
// smoke test of the arc-mutate command line. Every mutation is checked by decoding the mutated
// file with Capstone.
#include <catch2/catch.hpp>

#include "decoder.hh"
#include "elf_code.hh"
#include "isa.hh"
#include "mutator.hh"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

using namespace arc::mutate;

namespace {

// The four bug models (not `crash`, which is listed only when asked for).
FaultTypes all_types() {
  FaultTypes t;
  for (FaultType type : all_fault_types)
    t.set(static_cast<size_t>(type));
  return t;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::string operand(const std::string& text) {
  return text.substr(text.find(' ') + 1);
}

struct Fixture {
  explicit Fixture(const std::string& p)
      : path(p), image(Image::load(p)), sites(list_sites(image, decoder, all_types())) {}

  // The first site in `function` of `type` and `variant` whose instruction reads `before`
  // (a prefix of Capstone's text).
  const Site& site(const std::string& function, FaultType type, unsigned variant,
                   const std::string& before) const {
    for (const Site& s : sites)
      if (s.function == function && s.type == type && s.variant == variant &&
          s.before.rfind(before, 0) == 0)
        return s;
    FAIL("no " << fault_type_name(type) << " site " << variant << " at '" << before << "' in "
               << function << " of " << path);
    throw;  // not reached
  }

  // Applies the site and decodes the mutated file at its address; also checks that nothing
  // but the site's bytes changed.
  std::string mutated_text(const Site& s) const {
    std::vector<uint8_t> out = apply_site(image, s);
    auto in = image.bytes();
    REQUIRE(out.size() == in.size());
    size_t end = s.offset + s.mutated.size();
    REQUIRE(std::equal(out.begin(), out.begin() + s.offset, in.begin()));
    REQUIRE(std::equal(out.begin() + end, out.end(), in.begin() + end));
    std::span<const uint8_t> span(out.data() + s.offset, s.mutated.size());
    REQUIRE(std::equal(span.begin(), span.end(), s.mutated.begin()));
    return decoder.text(s.isa, span, s.addr);
  }

  std::string path;
  Decoder decoder;
  Image image;
  std::vector<Site> sites;
};

// Each fixture is read once.
const Fixture& x86() {
  static Fixture f(ARC_MUTATE_X86);
  return f;
}
#ifdef ARC_MUTATE_ARM
const Fixture& arm() {
  static Fixture f(ARC_MUTATE_ARM);
  return f;
}
const Fixture& thumb() {
  static Fixture f(ARC_MUTATE_THUMB);
  return f;
}
#endif

std::vector<const Fixture*> fixtures() {
  std::vector<const Fixture*> all{&x86()};
#ifdef ARC_MUTATE_ARM
  all.push_back(&arm());
  all.push_back(&thumb());
#endif
  return all;
}

std::string error_of(auto&& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

// ---- IA32 ----

TEST_CASE("MUT0001 x86 conditional: a deleted jcc becomes a NOP of its length", "[mutate]") {
  const Fixture& f = x86();
  const Site& rel8 = f.site("less_signed", FaultType::conditional, 0, "jge ");
  CHECK(rel8.isa == Isa::x86);
  CHECK(f.mutated_text(rel8) == "nop");
  const Site& rel32 = f.site("far_branch", FaultType::conditional, 0, "jle ");
  REQUIRE(rel32.original.size() == 6);
  CHECK(f.mutated_text(rel32).rfind("nop ", 0) == 0);  // one 6-byte nop
}

TEST_CASE("MUT0002 x86 conditional: a forced jcc becomes jmp to the same target", "[mutate]") {
  const Fixture& f = x86();
  const Site& rel8 = f.site("less_signed", FaultType::conditional, 1, "jge ");
  CHECK(f.mutated_text(rel8) == "jmp " + operand(rel8.before));
  const Site& rel32 = f.site("far_branch", FaultType::conditional, 1, "jle ");
  CHECK(f.mutated_text(rel32) == "nop; jmp " + operand(rel32.before));
}

TEST_CASE("MUT0003 x86 off-by-one: jcc and cmovcc conditions change within their pair",
          "[mutate]") {
  const Fixture& f = x86();
  const Site& jge = f.site("less_signed", FaultType::off_by_one, 0, "jge ");
  CHECK(f.mutated_text(jge) == "jg " + operand(jge.before));
  const Site& jae = f.site("less_unsigned", FaultType::off_by_one, 0, "jae ");
  CHECK(f.mutated_text(jae) == "ja " + operand(jae.before));
  const Site& jle = f.site("far_branch", FaultType::off_by_one, 0, "jle ");
  CHECK(f.mutated_text(jle) == "jl " + operand(jle.before));
  const Site& cmov = f.site("min_signed", FaultType::off_by_one, 0, "cmovg ");
  CHECK(f.mutated_text(cmov) == "cmovge " + operand(cmov.before));
}

TEST_CASE("MUT0004 x86 initialization: a store of a constant to a local becomes a NOP",
          "[mutate]") {
  const Fixture& f = x86();
  for (const char* store : {"mov word ptr [esp + ", "mov byte ptr [esp + "}) {
    const Site& s = f.site("init_locals", FaultType::initialization, 0, store);
    std::string text = f.mutated_text(s);
    CHECK(text.rfind("nop", 0) == 0);
    CHECK(text.find(';') == std::string::npos);  // a single instruction
  }
  for (const Site& s : f.sites)
    CHECK_FALSE((s.function == "copy_argument" && s.type == FaultType::initialization));
}

TEST_CASE("MUT0005 x86 assignment: registers and immediates of moves change", "[mutate]") {
  const Fixture& f = x86();
  // 89 d0 (mov r/m32, r32): variant 0 changes the reg field (the source), 1 the rm field.
  CHECK(f.mutated_text(f.site("pass_second", FaultType::assignment, 0, "mov eax, edx")) ==
        "mov eax, ebx");
  CHECK(f.mutated_text(f.site("pass_second", FaultType::assignment, 1, "mov eax, edx")) ==
        "mov ecx, edx");
  CHECK(f.mutated_text(f.site("small_constant", FaultType::assignment, 0, "mov eax, 0x2a")) ==
        "mov ecx, 0x2a");
  CHECK(f.mutated_text(f.site("small_constant", FaultType::assignment, 1, "mov eax, 0x2a")) ==
        "mov eax, 0x2b");
  // esp is never produced.
  for (const Site& s : f.sites) {
    if (s.type != FaultType::assignment)
      continue;
    auto count = [](const std::string& t) {
      size_t n = 0;
      for (size_t at = t.find("esp"); at != std::string::npos; at = t.find("esp", at + 1))
        ++n;
      return n;
    };
    CHECK(count(s.after) == count(s.before));
  }
}

TEST_CASE("MUT0006 x86 NOPs of every length are one instruction", "[mutate]") {
  Decoder d;
  for (size_t n = 1; n <= 15; ++n) {
    auto nop = x86_nop(n);
    REQUIRE(nop.size() == n);
    std::string text = d.text(Isa::x86, nop, 0x1000);
    INFO("length " << n << ": " << text);
    CHECK(text.rfind("nop", 0) == 0);
    CHECK(text.find(';') == std::string::npos);
  }
}

#ifdef ARC_MUTATE_ARM

// ---- ARM A32 ----

TEST_CASE("MUT0101 arm conditional: b<cond> deleted becomes nop, forced becomes b", "[mutate]") {
  const Fixture& f = arm();
  const Site& del = f.site("count_below", FaultType::conditional, 0, "bge ");
  CHECK(del.isa == Isa::arm);
  CHECK(f.mutated_text(del) == "nop");
  const Site& force = f.site("count_below", FaultType::conditional, 1, "bge ");
  CHECK(f.mutated_text(force) == "b " + operand(force.before));
}

TEST_CASE("MUT0102 arm off-by-one: the condition field changes within its pair", "[mutate]") {
  const Fixture& f = arm();
  const Site& bge = f.site("count_below", FaultType::off_by_one, 0, "bge ");
  CHECK(f.mutated_text(bge) == "bgt " + operand(bge.before));
  const Site& bgt = f.site("count_below", FaultType::off_by_one, 0, "bgt ");
  CHECK(f.mutated_text(bgt) == "bge " + operand(bgt.before));
  const Site& movlt = f.site("min_signed", FaultType::off_by_one, 0, "movlt ");
  CHECK(f.mutated_text(movlt) == "movle " + operand(movlt.before));
  const Site& movlo = f.site("less_unsigned", FaultType::off_by_one, 0, "movlo ");
  CHECK(f.mutated_text(movlo) == "movls " + operand(movlo.before));
}

TEST_CASE("MUT0103 arm initialization: str of a mov #imm register to the stack becomes nop",
          "[mutate]") {
  const Fixture& f = arm();
  for (const char* store : {"str r3, [sp", "strh r2, [sp", "strb r3, [sp"}) {
    const Site& s = f.site("init_locals", FaultType::initialization, 0, store);
    CHECK(f.mutated_text(s) == "nop");
  }
  for (const Site& s : f.sites)
    CHECK_FALSE((s.function == "copy_argument" && s.type == FaultType::initialization));
}

TEST_CASE("MUT0104 arm assignment: Rd, Rm and immediates of moves change", "[mutate]") {
  const Fixture& f = arm();
  CHECK(f.mutated_text(f.site("pass_second", FaultType::assignment, 0, "mov r0, r1")) ==
        "mov r1, r1");
  CHECK(f.mutated_text(f.site("pass_second", FaultType::assignment, 1, "mov r0, r1")) ==
        "mov r0, r2");
  CHECK(f.mutated_text(f.site("small_constant", FaultType::assignment, 0, "mov r0, #0x2a")) ==
        "mov r1, #0x2a");
  CHECK(f.mutated_text(f.site("small_constant", FaultType::assignment, 1, "mov r0, #0x2a")) ==
        "mov r0, #0x2b");
  CHECK(f.mutated_text(f.site("large_constant", FaultType::assignment, 1, "movw r0, #0x3039")) ==
        "movw r0, #0x303a");
  for (const Site& s : f.sites)
    if (s.type == FaultType::assignment)
      CHECK((s.after.find("sp") == std::string::npos && s.after.find("pc") == std::string::npos));
}

// ---- Thumb-2 ----

TEST_CASE("MUT0201 thumb conditional: b<cond> T1, cbz and b<cond>.w T3", "[mutate]") {
  const Fixture& f = thumb();
  const Site& t1 = f.site("count_below", FaultType::conditional, 0, "bge ");
  CHECK(t1.isa == Isa::thumb);
  REQUIRE(t1.original.size() == 2);
  CHECK(f.mutated_text(t1) == "nop");
  const Site& t1f = f.site("count_below", FaultType::conditional, 1, "bge ");
  CHECK(f.mutated_text(t1f) == "b " + operand(t1f.before));

  const Site& cbz = f.site("null_check", FaultType::conditional, 0, "cbz ");
  CHECK(f.mutated_text(cbz) == "nop");
  const Site& cbzf = f.site("null_check", FaultType::conditional, 1, "cbz ");
  std::string target = cbzf.before.substr(cbzf.before.find(", ") + 2);
  CHECK(f.mutated_text(cbzf) == "b " + target);

  const Site& t3 = f.site("far_branch", FaultType::conditional, 0, "ble.w ");
  CHECK(f.mutated_text(t3) == "nop.w");
  const Site& t3f = f.site("far_branch", FaultType::conditional, 1, "ble.w ");
  CHECK(f.mutated_text(t3f) == "b.w " + operand(t3f.before));
}

TEST_CASE("MUT0202 thumb off-by-one: b<cond> T1/T3 and the IT firstcond", "[mutate]") {
  const Fixture& f = thumb();
  const Site& t1 = f.site("count_below", FaultType::off_by_one, 0, "bge ");
  CHECK(f.mutated_text(t1) == "bgt " + operand(t1.before));
  const Site& t3 = f.site("far_branch", FaultType::off_by_one, 0, "ble.w ");
  CHECK(f.mutated_text(t3) == "blt.w " + operand(t3.before));
  const Site& it = f.site("min_signed", FaultType::off_by_one, 0, "it ge");
  CHECK(f.mutated_text(it) == "it gt");
  const Site& it4 = f.site("less_signed", FaultType::off_by_one, 0, "itttt lt");
  CHECK(f.mutated_text(it4) == "itttt le");
  const Site& itlo = f.site("less_unsigned", FaultType::off_by_one, 0, "itttt lo");
  CHECK(f.mutated_text(itlo) == "itttt ls");
}

TEST_CASE("MUT0203 thumb initialization: 16- and 32-bit stores become nop and nop.w",
          "[mutate]") {
  const Fixture& f = thumb();
  CHECK(f.mutated_text(f.site("init_locals", FaultType::initialization, 0, "str r3, [sp")) ==
        "nop");
  CHECK(f.mutated_text(f.site("init_locals", FaultType::initialization, 0, "strh.w r2, [sp")) ==
        "nop.w");
  CHECK(f.mutated_text(f.site("init_locals", FaultType::initialization, 0, "strb.w r3, [sp")) ==
        "nop.w");
  for (const Site& s : f.sites)
    CHECK_FALSE((s.function == "copy_argument" && s.type == FaultType::initialization));
}

TEST_CASE("MUT0204 thumb assignment: mov, movs #imm, movw, mov.w", "[mutate]") {
  const Fixture& f = thumb();
  CHECK(f.mutated_text(f.site("pass_second", FaultType::assignment, 0, "mov r0, r1")) ==
        "mov r1, r1");
  CHECK(f.mutated_text(f.site("pass_second", FaultType::assignment, 1, "mov r0, r1")) ==
        "mov r0, r2");
  CHECK(f.mutated_text(f.site("small_constant", FaultType::assignment, 0, "movs r0, #0x2a")) ==
        "movs r1, #0x2a");
  CHECK(f.mutated_text(f.site("small_constant", FaultType::assignment, 1, "movs r0, #0x2a")) ==
        "movs r0, #0x2b");
  CHECK(f.mutated_text(f.site("large_constant", FaultType::assignment, 0, "movw r0, #0x3039")) ==
        "movw r1, #0x3039");
  CHECK(f.mutated_text(f.site("large_constant", FaultType::assignment, 1, "movw r0, #0x3039")) ==
        "movw r0, #0x303a");
  CHECK(f.mutated_text(f.site("shifted_constant", FaultType::assignment, 0, "mov.w r0, #0x10000")) ==
        "mov.w r1, #0x10000");
  // Inside an IT block the description keeps the IT's condition.
  CHECK(f.site("min_signed", FaultType::assignment, 0, "movge r0, r1").after == "movge r1, r1");
}

TEST_CASE("MUT0205 arm and thumb: the off-by-one pairs share bit 0 (IT masks keep meaning)",
          "[mutate]") {
  // LT 1011 / LE 1101, GE 1010 / GT 1100, LO 0011 / LS 1001, HS 0010 / HI 1000.
  for (unsigned c = 0; c < 16; ++c) {
    auto to = arm_off_by_one(c);
    if (!to)
      continue;
    CHECK((*to & 1) == (c & 1));
    CHECK(arm_off_by_one(*to) == c);
  }
  CHECK(arm_off_by_one(0xb) == 0xdu);
  CHECK(arm_off_by_one(0xa) == 0xcu);
  CHECK(arm_off_by_one(0x3) == 0x9u);
  CHECK(arm_off_by_one(0x2) == 0x8u);
  CHECK_FALSE(arm_off_by_one(0x0));  // eq
}

TEST_CASE("MUT0206 arm and thumb: data ($d) inside a function is never decoded", "[mutate]") {
  for (const Fixture* f : {&arm(), &thumb()}) {
    INFO(f->path);
    const Function* pool = nullptr;
    for (const Function& fn : f->image.functions())
      if (fn.name() == "literal_pool")
        pool = &fn;
    REQUIRE(pool);
    REQUIRE(pool->size >= 8);  // the two data words are inside the function
    auto ranges = f->image.code_ranges(*pool);
    REQUIRE(!ranges.empty());
    CHECK(ranges.back().end <= pool->addr + pool->size - 8);
    for (const Site& s : f->sites)
      CHECK(s.function != "literal_pool");
  }
}

#endif  // ARC_MUTATE_ARM

// ---- All ISAs ----

TEST_CASE("MUT0301 every fault type is found on every ISA", "[mutate]") {
  for (const Fixture* f : fixtures()) {
    for (FaultType t : all_fault_types) {
      INFO(f->path << ": " << fault_type_name(t));
      CHECK(std::any_of(f->sites.begin(), f->sites.end(),
                        [&](const Site& s) { return s.type == t; }));
    }
  }
}

TEST_CASE("MUT0302 ids are well formed, sorted, unique and stable across listings",
          "[mutate]") {
  std::regex form("[0-9a-f]{8}-(assignment|conditional|initialization|off-by-one)-"
                  "[0-9a-f]{8}-[0-9]+");
  for (const Fixture* f : fixtures()) {
    INFO(f->path);
    CHECK(f->image.hash() == image_hash(read_bytes(f->path)));
    std::vector<std::string> ids;
    for (const Site& s : f->sites) {
      CHECK(std::regex_match(s.id, form));
      CHECK(s.id.rfind(f->image.hash() + "-", 0) == 0);
      CHECK(s.original.size() == s.mutated.size());
      CHECK(s.original != s.mutated);
      ids.push_back(s.id);
    }
    CHECK(std::is_sorted(f->sites.begin(), f->sites.end(), [](const Site& a, const Site& b) {
      return a.addr != b.addr ? a.addr < b.addr : a.variant < b.variant;
    }));
    std::vector<std::string> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());

    // A second reading of the file lists the same sites with the same bytes.
    Image again = Image::load(f->path);
    Decoder d;
    auto relisted = list_sites(again, d, all_types());
    REQUIRE(relisted.size() == f->sites.size());
    for (size_t k = 0; k < relisted.size(); ++k) {
      CHECK(relisted[k].id == f->sites[k].id);
      CHECK(relisted[k].mutated == f->sites[k].mutated);
    }
  }
}

TEST_CASE("MUT0303 an id names the same site and the same bytes every time", "[mutate]") {
  for (const Fixture* f : fixtures()) {
    for (const Site& listed : f->sites) {
      Site a = find_site(f->image, f->decoder, listed.id);
      Site b = find_site(f->image, f->decoder, listed.id);
      REQUIRE(a.offset == listed.offset);
      REQUIRE(a.mutated == listed.mutated);
      REQUIRE(a.before == listed.before);
      REQUIRE(a.after == listed.after);
      REQUIRE(apply_site(f->image, a) == apply_site(f->image, b));
    }
  }
}

TEST_CASE("MUT0304 applying a site changes only its bytes", "[mutate]") {
  for (const Fixture* f : fixtures()) {
    auto in = f->image.bytes();
    for (const Site& s : f->sites) {
      std::vector<uint8_t> out = apply_site(f->image, s);
      REQUIRE(out.size() == in.size());
      REQUIRE(std::equal(out.begin(), out.begin() + s.offset, in.begin()));
      size_t end = s.offset + s.mutated.size();
      REQUIRE(std::equal(out.begin() + end, out.end(), in.begin() + end));
      REQUIRE(std::equal(s.mutated.begin(), s.mutated.end(), out.begin() + s.offset));
      REQUIRE(std::equal(s.original.begin(), s.original.end(), in.begin() + s.offset));
    }
  }
}

TEST_CASE("MUT0305 scope own: only the functions of the listed objects", "[mutate]") {
  for (const Fixture* f : fixtures()) {
    INFO(f->path);
    OwnFunctions own = read_own_functions(f->path + ".objects");
    auto mine = list_sites(f->image, f->decoder, all_types(), &own);
    auto in = [](const std::vector<Site>& sites, const std::string& function) {
      return std::any_of(sites.begin(), sites.end(),
                         [&](const Site& s) { return s.function == function; });
    };
    CHECK(in(f->sites, "library_less"));
    CHECK_FALSE(in(mine, "library_less"));
    CHECK(in(mine, "less_signed"));
    CHECK(in(mine, "_start"));
    CHECK(mine.size() < f->sites.size());
  }
  CHECK_THAT(error_of([] { read_own_functions("/nonexistent/prog.objects"); }),
             Catch::Contains("/nonexistent/prog.objects"));
}

TEST_CASE("MUT0306 bad input: not an ELF, stripped, wrong hash, unknown ids", "[mutate]") {
  CHECK_THAT(error_of([] { Image::load("/nonexistent/file"); }),
             Catch::Contains("cannot read /nonexistent/file"));
  CHECK_THAT(error_of([] { Image::parse({'h', 'e', 'l', 'l', 'o'}, "text"); }),
             Catch::Contains("not an ELF"));
  CHECK_THAT(error_of([] { Image::load(std::string(ARC_MUTATE_X86) + ".stripped"); }),
             Catch::Contains("stripped binary: no symbol table"));

  const Fixture& f = x86();
  const Site& s = f.sites.front();
  std::string other = s.id;
  other[0] = other[0] == '0' ? '1' : '0';
  CHECK_THAT(error_of([&] { find_site(f.image, f.decoder, other); }),
             Catch::Contains("another image"));
  std::string hash = f.image.hash();
  CHECK_THAT(error_of([&] { find_site(f.image, f.decoder, hash + "-typo-08049000-0"); }),
             Catch::Contains("unknown fault type"));
  CHECK_THAT(error_of([&] { find_site(f.image, f.decoder, hash + "-conditional-00000010-0"); }),
             Catch::Contains("no site"));
  CHECK_THAT(error_of([&] { find_site(f.image, f.decoder, s.id + "7"); }),
             Catch::Contains("no site"));
  CHECK_THAT(error_of([&] { find_site(f.image, f.decoder, "nonsense"); }),
             Catch::Contains("malformed id"));
  CHECK(parse_id(hash + "-off-by-one-0804a1c3-1").type == FaultType::off_by_one);
  CHECK(parse_id(hash + "-off-by-one-0804a1c3-1").addr == 0x0804a1c3u);
}

TEST_CASE("MUT0307 FNV-1a 64 of known inputs", "[mutate]") {
  CHECK(fnv1a64({}) == 0xcbf29ce484222325ull);
  const uint8_t a[] = {'a'};
  CHECK(fnv1a64(a) == 0xaf63dc4c8601ec8cull);
  CHECK(image_hash(a) == "af63dc4c");
}

namespace {

struct Run {
  int status;
  std::string out;
};

Run run(const std::string& command) {
  Run r{-1, ""};
  std::FILE* p = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    r.out.append(buf, n);
  int status = pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace

TEST_CASE("MUT0308 crash and hang (tests and demos): a trap or a branch to itself at each "
          "function's first instruction", "[mutate]") {
  for (FaultType type : {FaultType::crash, FaultType::hang}) {
    FaultTypes types;
    types.set(static_cast<size_t>(type));
    for (const Fixture* f : fixtures()) {
      INFO(f->path << ": " << fault_type_name(type));
      // Never among the bug models a campaign draws from.
      CHECK(std::none_of(f->sites.begin(), f->sites.end(),
                         [&](const Site& s) { return s.type == type; }));
      auto sites = list_sites(f->image, f->decoder, types);
      REQUIRE(!sites.empty());
      for (const Site& s : sites) {
        const Function* fn = f->image.function_at(s.addr);
        REQUIRE(fn);
        CHECK(fn->addr == s.addr);   // the function's entry
        CHECK(s.mutated.size() == s.original.size());
        char self[16];
        std::snprintf(self, sizeof self, "0x%x", s.addr);
        const std::string want =
            type == FaultType::hang ? (s.isa == Isa::x86 ? "jmp " : "b #") + std::string(self)
            : s.isa == Isa::x86     ? "hlt"
            : s.isa == Isa::arm     ? "ldr r0, [r0, -r0]"
                                    : "udf #0";
        CHECK(s.after.rfind(want, 0) == 0);
        CHECK(find_site(f->image, f->decoder, s.id).mutated == s.mutated);
      }
    }
  }
}

TEST_CASE("MUT0401 command line: sites, show, apply, exit codes", "[mutate]") {
  const std::string cli = ARC_MUTATE_CLI;
  const std::string elf = ARC_MUTATE_X86;
  const Fixture& f = x86();

  Run sites = run(cli + " sites " + elf + " --type conditional,off-by-one");
  REQUIRE(sites.status == 0);
  size_t lines = std::count(sites.out.begin(), sites.out.end(), '\n');
  OwnFunctions own = read_own_functions(elf + ".objects");
  FaultTypes types;
  types.set(size_t(FaultType::conditional)).set(size_t(FaultType::off_by_one));
  auto expected = list_sites(f.image, f.decoder, types, &own);
  REQUIRE(lines == expected.size());
  CHECK(sites.out.substr(0, sites.out.find('\n')) == site_json(expected.front()));

  const Site& s = f.site("less_signed", FaultType::conditional, 1, "jge ");
  CHECK(run(cli + " show " + elf + " " + s.id).out == site_json(s) + "\n");
  CHECK_THAT(site_json(s), Catch::StartsWith("{\"id\":\"" + s.id + "\",\"type\":\"conditional\","
                                             "\"variant\":1,\"addr\":\"0x0"));

  std::string out = std::string(ARC_MUTATE_X86) + ".cli-test";
  std::remove(out.c_str());
  Run applied = run(cli + " apply " + elf + " " + s.id + " -o " + out);
  CHECK(applied.status == 0);
  CHECK(read_bytes(out) == apply_site(f.image, s));
  std::remove(out.c_str());

  Run bad = run(cli + " show /nonexistent/file " + s.id);
  CHECK(bad.status == 1);
  CHECK_THAT(bad.out, Catch::StartsWith("arc-mutate: error: "));
  CHECK(run(cli + " sites " + elf + " --type typo").status == 1);
  CHECK(run(cli + " sites " + elf + " --scope some").status == 2);
  CHECK(run(cli + " apply " + elf + " " + s.id).status == 2);
  CHECK(run(cli).status == 2);
}
