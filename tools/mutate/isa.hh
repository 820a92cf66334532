// The site finders, one per ISA. Each gets the instructions of one stretch of a function in one
// ISA (in address order) and appends the changes it can make there. `block_starts` holds the
// targets of the function's direct branches: a basic block starts there, which the
// initialization finders of ARM and Thumb need (a `str` counts only if the `mov #imm` that set
// its register is in the same block).
#pragma once

#include "decoder.hh"
#include "fault.hh"

#include <optional>
#include <set>
#include <span>
#include <vector>

namespace arc::mutate {

using BlockStarts = std::set<uint32_t>;

void x86_changes(std::span<const Insn> code, FaultTypes types, std::vector<Change>& out);
void arm_changes(std::span<const Insn> code, const BlockStarts& block_starts, FaultTypes types,
                 std::vector<Change>& out);
void thumb_changes(std::span<const Insn> code, const BlockStarts& block_starts, FaultTypes types,
                   std::vector<Change>& out);

// x86 NOP of 1 to 15 bytes, one instruction.
std::vector<uint8_t> x86_nop(size_t length);

// The off-by-one pairs, on the ARM condition codes (x86 pairs are the same relations):
// LT 1011 <-> LE 1101, GE 1010 <-> GT 1100, LO 0011 <-> LS 1001, HS 0010 <-> HI 1000.
// Each pair shares bit 0, so an IT instruction's mask keeps its then/else meaning.
std::optional<unsigned> arm_off_by_one(unsigned cond);

}  // namespace arc::mutate
