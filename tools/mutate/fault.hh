// The four fault types (G-SWFIT style, as in the Arc thesis) and the change an ISA's site
// finder proposes for one instruction.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace arc::mutate {

// `crash` and `hang` are not software bug models but certain failures, for tests and demos: the
// first instruction of a function becomes a trapping one, or a branch to itself, so a site in a
// function that runs on every request crashes or hangs the server there. They are listed only
// when asked for by name.
enum class FaultType : uint8_t { assignment, conditional, initialization, off_by_one, crash, hang };

// The bug models: what `sites` lists when no --type is given, and what campaigns draw from.
inline constexpr std::array<FaultType, 4> all_fault_types = {
    FaultType::assignment, FaultType::conditional, FaultType::initialization,
    FaultType::off_by_one};

// Spelled as in ids and JSON: "assignment", "conditional", "initialization", "off-by-one",
// "crash", "hang".
std::string_view fault_type_name(FaultType t);
std::optional<FaultType> parse_fault_type(std::string_view name);

// Which fault types to look for, indexed by FaultType.
using FaultTypes = std::bitset<6>;
inline bool wants(FaultTypes types, FaultType t) { return types.test(static_cast<size_t>(t)); }

// Replace the instruction at `addr` (its bytes `original`) by `mutated`, of the same length.
// `variant` numbers the changes of one type at one instruction, from 0, in a fixed order.
// `decode_from` is where to start decoding to describe the result: `addr`, or the Thumb IT
// instruction whose condition applies to it.
struct Change {
  FaultType type;
  unsigned variant;
  uint32_t addr;
  std::vector<uint8_t> original;
  std::vector<uint8_t> mutated;
  uint32_t decode_from;
};

}  // namespace arc::mutate
