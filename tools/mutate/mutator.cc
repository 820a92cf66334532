#include "mutator.hh"

#include "isa.hh"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <tuple>

namespace arc::mutate {

std::string_view fault_type_name(FaultType t) {
  switch (t) {
  case FaultType::assignment: return "assignment";
  case FaultType::conditional: return "conditional";
  case FaultType::initialization: return "initialization";
  case FaultType::off_by_one: return "off-by-one";
  case FaultType::crash: return "crash";
  case FaultType::hang: return "hang";
  }
  return "?";
}

std::optional<FaultType> parse_fault_type(std::string_view name) {
  for (FaultType t : all_fault_types)
    if (fault_type_name(t) == name)
      return t;
  for (FaultType t : {FaultType::crash, FaultType::hang})
    if (fault_type_name(t) == name)
      return t;
  return std::nullopt;
}

std::string format_id(const SiteId& id) {
  char addr[9];
  std::snprintf(addr, sizeof addr, "%08x", id.addr);
  return id.hash + "-" + std::string(fault_type_name(id.type)) + "-" + addr + "-" +
         std::to_string(id.variant);
}

SiteId parse_id(std::string_view text) {
  // The type may contain dashes ("off-by-one"): the hash is the first field, address and
  // variant the last two.
  auto bad = [&](const char* why) {
    return Error("malformed id '" + std::string(text) + "': " + why +
                 " (expected <imagehash>-<type>-<addr>-<variant>)");
  };
  auto is_hex = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
  };
  size_t first = text.find('-');
  size_t last = text.rfind('-');
  size_t second_last = last == std::string_view::npos || last == 0 ? std::string_view::npos
                                                                   : text.rfind('-', last - 1);
  if (first == std::string_view::npos || second_last == std::string_view::npos ||
      second_last <= first)
    throw bad("too few fields");
  SiteId id;
  id.hash = std::string(text.substr(0, first));
  std::string_view type = text.substr(first + 1, second_last - first - 1);
  std::string_view addr = text.substr(second_last + 1, last - second_last - 1);
  std::string_view variant = text.substr(last + 1);
  if (id.hash.size() != 8 || !is_hex(id.hash))
    throw bad("the image hash is not 8 hex digits");
  auto t = parse_fault_type(type);
  if (!t)
    throw Error("unknown fault type '" + std::string(type) + "' in id '" + std::string(text) +
                "' (assignment, conditional, initialization, off-by-one, crash, hang)");
  id.type = *t;
  if (addr.size() != 8 || !is_hex(addr))
    throw bad("the address is not 8 hex digits");
  std::from_chars(addr.data(), addr.data() + addr.size(), id.addr, 16);
  auto [end, ec] = std::from_chars(variant.data(), variant.data() + variant.size(), id.variant);
  if (variant.empty() || ec != std::errc() || end != variant.data() + variant.size())
    throw bad("the variant is not a number");
  return id;
}

namespace {

// Capstone's text of the mutated instruction, decoded after the instructions from
// `decode_from` on (an enclosing Thumb IT) so their context applies to it.
std::string after_text(const Image& image, const Decoder& decoder, Isa isa, const Change& c) {
  if (c.decode_from >= c.addr)
    return decoder.text(isa, c.mutated, c.addr);
  auto context = image.code_at(c.decode_from, c.addr - c.decode_from);
  std::vector<uint8_t> code(context.begin(), context.end());
  code.insert(code.end(), c.mutated.begin(), c.mutated.end());
  return decoder.text(isa, code, c.decode_from, c.addr);
}

// A certain failure at a function's first instruction (FaultType::crash), padded to its length:
// x86 `hlt` (privileged: a general-protection exception at user level) and NOPs; A32
// `ldr r0, [r0, -r0]` (a load from address 0, never mapped: a page fault the pager cannot
// serve); Thumb `udf #0` (an undefined-instruction exception), with a NOP after it for a
// 32-bit instruction.
Change crash_change(Isa isa, const Insn& first) {
  const size_t n = first.size;
  Change c{FaultType::crash, 0, first.addr, {first.bytes.begin(), first.bytes.begin() + n}, {},
           first.addr};
  switch (isa) {
  case Isa::x86:
    c.mutated = {0xf4};
    if (n > 1) {
      auto pad = x86_nop(n - 1);
      c.mutated.insert(c.mutated.end(), pad.begin(), pad.end());
    }
    break;
  case Isa::arm: c.mutated = {0x00, 0x00, 0x10, 0xe7}; break;
  case Isa::thumb:
    c.mutated = {0x00, 0xde};
    if (n == 4) c.mutated.insert(c.mutated.end(), {0x00, 0xbf});
    break;
  }
  return c;
}

// A certain hang at a function's first instruction (FaultType::hang): a branch to itself, padded
// to the instruction's length (x86 `jmp $` EB FE; A32 `b .`; Thumb `b .`, NOP after it for a
// 32-bit instruction). The thread spins, takes no message: only hang detection finds it.
Change hang_change(Isa isa, std::span<const Insn> code) {
  const Insn& first = code.front();
  Change c{FaultType::hang, 0, first.addr, {first.bytes.begin(), first.bytes.begin() + first.size},
           {}, first.addr};
  switch (isa) {
  case Isa::x86:
    // `jmp $` takes two bytes: a one-byte first instruction (`push ebp`) is replaced with the
    // one after it.
    if (c.original.size() == 1) {
      if (code.size() < 2)
        return {};   // no room: no site (the caller drops empty changes)
      c.original.insert(c.original.end(), code[1].bytes.begin(), code[1].bytes.begin() + code[1].size);
    }
    c.mutated = {0xeb, 0xfe};
    if (c.original.size() > 2) {
      auto pad = x86_nop(c.original.size() - 2);
      c.mutated.insert(c.mutated.end(), pad.begin(), pad.end());
    }
    break;
  case Isa::arm: c.mutated = {0xfe, 0xff, 0xff, 0xea}; break;
  case Isa::thumb:
    c.mutated = {0xfe, 0xe7};
    if (c.original.size() == 4) c.mutated.insert(c.mutated.end(), {0x00, 0xbf});
    break;
  }
  return c;
}

// The changes of one function, as sites.
void function_sites(const Image& image, const Decoder& decoder, const Function& f,
                    FaultTypes types, std::vector<Site>& out) {
  struct Stretch {
    CodeRange range;
    std::vector<Insn> code;
  };
  std::vector<Stretch> stretches;
  BlockStarts block_starts;
  for (const CodeRange& r : image.code_ranges(f)) {
    auto bytes = image.code_at(r.start, r.end - r.start);
    if (bytes.empty())
      continue;
    Stretch s{r, decoder.sweep(r.isa, bytes, r.start)};
    for (const Insn& i : s.code)
      if (i.target && *i.target >= f.addr && *i.target < f.addr + f.size)
        block_starts.insert(*i.target);
    stretches.push_back(std::move(s));
  }
  for (const Stretch& s : stretches) {
    std::vector<Change> changes;
    if (s.range.start == f.addr && !s.code.empty()) {
      if (wants(types, FaultType::crash))
        changes.push_back(crash_change(s.range.isa, s.code.front()));
      if (wants(types, FaultType::hang)) {
        Change h = hang_change(s.range.isa, s.code);
        if (!h.mutated.empty())
          changes.push_back(std::move(h));
      }
    }
    switch (s.range.isa) {
    case Isa::x86: x86_changes(s.code, types, changes); break;
    case Isa::arm: arm_changes(s.code, block_starts, types, changes); break;
    case Isa::thumb: thumb_changes(s.code, block_starts, types, changes); break;
    }
    for (Change& c : changes) {
      auto at = std::lower_bound(s.code.begin(), s.code.end(), c.addr,
                                 [](const Insn& i, uint32_t a) { return i.addr < a; });
      auto offset = image.file_offset(c.addr, uint32_t(c.original.size()));
      if (at == s.code.end() || at->addr != c.addr || !offset)
        continue;
      Site site;
      site.id = format_id({image.hash(), c.type, c.addr, c.variant});
      site.type = c.type;
      site.variant = c.variant;
      site.addr = c.addr;
      site.isa = s.range.isa;
      site.function = f.name();
      site.offset = *offset;
      site.before = at->text;
      site.after = after_text(image, decoder, s.range.isa, c);
      site.original = std::move(c.original);
      site.mutated = std::move(c.mutated);
      out.push_back(std::move(site));
    }
  }
}

}  // namespace

std::vector<Site> list_sites(const Image& image, const Decoder& decoder, FaultTypes types,
                             const OwnFunctions* own) {
  std::vector<Site> sites;
  for (const Function& f : image.functions()) {
    if (own && !own->contains(f))
      continue;
    function_sites(image, decoder, f, types, sites);
  }
  auto key = [](const Site& s) { return std::tuple(s.addr, s.variant, s.type); };
  std::stable_sort(sites.begin(), sites.end(),
                   [&](const Site& a, const Site& b) { return key(a) < key(b); });
  // Functions do not overlap (elf_code.cc cuts them), so this only guards the ids' uniqueness.
  sites.erase(std::unique(sites.begin(), sites.end(),
                          [](const Site& a, const Site& b) { return a.id == b.id; }),
              sites.end());
  return sites;
}

Site find_site(const Image& image, const Decoder& decoder, std::string_view text) {
  SiteId id = parse_id(text);
  if (id.hash != image.hash())
    throw Error("id '" + std::string(text) + "' was made for another image (hash " + id.hash +
                "; " + image.name() + " has " + image.hash() + ")");
  const Function* f = image.function_at(id.addr);
  if (f) {
    FaultTypes types;
    types.set(static_cast<size_t>(id.type));
    std::vector<Site> sites;
    function_sites(image, decoder, *f, types, sites);
    for (Site& s : sites)
      if (s.addr == id.addr && s.variant == id.variant)
        return std::move(s);
  }
  throw Error("no site '" + std::string(text) + "' in " + image.name());
}

std::vector<uint8_t> apply_site(const Image& image, const Site& site) {
  auto bytes = image.bytes();
  if (site.offset + site.original.size() > bytes.size() ||
      site.mutated.size() != site.original.size() ||
      !std::equal(site.original.begin(), site.original.end(), bytes.begin() + site.offset))
    throw Error("site " + site.id + " does not match the bytes of " + image.name());
  std::vector<uint8_t> out(bytes.begin(), bytes.end());
  std::copy(site.mutated.begin(), site.mutated.end(), out.begin() + site.offset);
  return out;
}

}  // namespace arc::mutate
