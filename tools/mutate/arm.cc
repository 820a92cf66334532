// ARM A32 site finder (our ARM build is -marm): all four fault types from the encodings.
#include "arm_common.hh"

namespace arc::mutate {

std::optional<unsigned> arm_off_by_one(unsigned cond) {
  switch (cond) {
  case 0xb: return 0xd;  // LT -> LE
  case 0xd: return 0xb;
  case 0xa: return 0xc;  // GE -> GT
  case 0xc: return 0xa;
  case 0x3: return 0x9;  // LO -> LS
  case 0x9: return 0x3;
  case 0x2: return 0x8;  // HS -> HI
  case 0x8: return 0x2;
  default: return std::nullopt;
  }
}

namespace {

constexpr uint32_t kNop = 0xe320f000;  // nop (ARMv6K and later hint), condition AL
constexpr unsigned kAlways = 0xe;

// Fields of an A32 instruction word.
unsigned cond_of(uint32_t w) { return w >> 28; }
unsigned rd_of(uint32_t w) { return (w >> 12) & 15; }
uint32_t with_rd(uint32_t w, unsigned r) { return (w & ~0xf000u) | r << 12; }

bool is_mov_register(uint32_t w) {  // mov/mvn{s} Rd, Rm: no shift, Rn (should be 0) = 0
  return (w & 0x0fef0ff0) == 0x01a00000 || (w & 0x0fef0ff0) == 0x01e00000;
}
bool is_mov_immediate(uint32_t w) {  // mov/mvn{s} Rd, #modified-immediate
  return (w & 0x0fef0000) == 0x03a00000 || (w & 0x0fef0000) == 0x03e00000;
}
bool is_movw(uint32_t w) { return (w & 0x0ff00000) == 0x03000000; }
bool is_movt(uint32_t w) { return (w & 0x0ff00000) == 0x03400000; }
bool is_branch(uint32_t w) { return (w & 0x0f000000) == 0x0a000000 && cond_of(w) < kAlways; }

// str/strb Rt, [Rn, #+-imm12] and strh Rt, [Rn, #+-imm8], offset addressing (no writeback),
// condition AL. Returns Rt when Rn is sp or fp (r11).
std::optional<unsigned> local_store(uint32_t w) {
  bool word_or_byte = (w & 0x0f300000) == 0x05000000;
  bool half = (w & 0x0f7000f0) == 0x014000b0;
  unsigned rn = (w >> 16) & 15;
  if (cond_of(w) != kAlways || !(word_or_byte || half) || (rn != kSp && rn != kFp))
    return std::nullopt;
  return rd_of(w);
}

void assignment(const Insn& i, uint32_t w, ChangeList& out) {
  unsigned rd = rd_of(w);
  auto emit = out.of(i, FaultType::assignment);
  if (is_mov_register(w)) {
    unsigned rm = w & 15;
    if (touches_sp_or_pc(rd) || touches_sp_or_pc(rm))
      return;
    if (rd <= 12)
      emit.a32(with_rd(w, next_core(rd)));
    if (rm <= 12)
      emit.a32((w & ~15u) | next_core(rm));
  } else if (is_mov_immediate(w)) {
    if (touches_sp_or_pc(rd))
      return;
    if (rd <= 12)
      emit.a32(with_rd(w, next_core(rd)));
    emit.a32((w & ~0xffu) | ((w + 1) & 0xff));  // imm8 + 1, same rotation
  } else if (is_movw(w)) {
    if (rd > 12)
      return;
    emit.a32(with_rd(w, next_core(rd)));
    uint32_t imm16 = ((w >> 4) & 0xf000) | (w & 0xfff);
    imm16 = (imm16 + 1) & 0xffff;
    emit.a32((w & 0xfff0f000) | (imm16 & 0xf000) << 4 | (imm16 & 0xfff));
  }
}

}  // namespace

void arm_changes(std::span<const Insn> code, const BlockStarts& block_starts, FaultTypes types,
                 std::vector<Change>& changes) {
  ChangeList out(changes);
  uint16_t immediate = 0;  // registers set from an immediate earlier in this basic block
  for (const Insn& i : code) {
    if (i.size != 4)
      continue;
    uint32_t w = i.word();
    if (cond_of(w) == 0xf) {  // the unconditional space: none of our forms
      immediate = 0;
      continue;
    }
    if (block_starts.count(i.addr))
      immediate = 0;

    if (wants(types, FaultType::assignment))
      assignment(i, w, out);
    if (wants(types, FaultType::conditional) && is_branch(w)) {
      auto emit = out.of(i, FaultType::conditional);
      emit.a32(kNop);
      emit.a32((w & 0x0fffffff) | kAlways << 28);
    }
    if (wants(types, FaultType::initialization)) {
      if (auto rt = local_store(w); rt && (immediate >> *rt & 1))
        out.of(i, FaultType::initialization).a32(kNop);
    }
    if (wants(types, FaultType::off_by_one)) {
      if (auto to = arm_off_by_one(cond_of(w)))
        out.of(i, FaultType::off_by_one).a32((w & 0x0fffffff) | *to << 28);
    }

    // Track which registers hold an immediate: set by an unconditional mov/mvn #imm or movw
    // (movt keeps it), cleared by any other write, all cleared at the end of the block.
    unsigned rd = rd_of(w);
    bool sets = cond_of(w) == kAlways && (is_mov_immediate(w) || is_movw(w));
    bool keeps = cond_of(w) == kAlways && is_movt(w) && (immediate >> rd & 1);
    immediate &= uint16_t(~i.writes);
    if ((sets || keeps) && rd <= 12)
      immediate |= uint16_t(1u << rd);
    if (i.ends_block)
      immediate = 0;
  }
}

}  // namespace arc::mutate
