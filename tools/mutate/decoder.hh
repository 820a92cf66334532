// Capstone, for what the site finders need from it: where instructions start (a linear sweep),
// their text, which ones end a basic block, their direct branch targets and, on ARM, which core
// registers they write. Which bits to change is decided from the encodings themselves (x86.cc,
// arm.cc, thumb.cc), so a mutation does not depend on how Capstone names things.
//
// Only cs_disasm is used, never cs_disasm_iter: Capstone 4 keeps the Thumb IT state in the handle
// across cs_disasm_iter calls (an unrelated instruction would print as conditional), while
// cs_disasm starts afresh.
#pragma once

#include "elf_code.hh"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace arc::mutate {

struct Insn {
  uint32_t addr = 0;
  uint8_t size = 0;
  std::array<uint8_t, 16> bytes{};
  std::string text;  // "jl 0x8048123"
  bool ends_block = false;  // a jump, call, return, trap, or a write to pc
  std::optional<uint32_t> target;  // of a direct jump or call
  uint16_t writes = 0;  // ARM: bit n set if rn is written (r13 sp, r14 lr, r15 pc)

  uint8_t operator[](size_t i) const { return bytes[i]; }
  // A32 word, or a Thumb halfword (little-endian).
  uint32_t word() const { return bytes[0] | bytes[1] << 8 | bytes[2] << 16 | uint32_t(bytes[3]) << 24; }
  uint16_t half(size_t i) const { return uint16_t(bytes[2 * i] | bytes[2 * i + 1] << 8); }
};

class Decoder {
public:
  Decoder();
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Every instruction of `code` (at `addr`) from its start; bytes that do not decode are
  // stepped over (one byte on x86, one instruction on ARM/Thumb) and left out.
  std::vector<Insn> sweep(Isa isa, std::span<const uint8_t> code, uint32_t addr) const;
  // The text of the instructions in `code` from `report_from` on (all if not given), joined
  // with "; " ("(bad)" where none decodes). The ones before only set the context (a Thumb IT).
  std::string text(Isa isa, std::span<const uint8_t> code, uint32_t addr,
                   std::optional<uint32_t> report_from = std::nullopt) const;

private:
  size_t handle(Isa isa) const;
  std::array<size_t, 3> handles_{};  // csh per Isa
};

}  // namespace arc::mutate
