// Thumb-2 site finder (newlib and any -mthumb code), from the encodings. Instructions inside an
// IT block are conditional without saying so in their encoding; they are tracked here so that
// they neither count as initialising stores nor as setting a register from an immediate.
#include "arm_common.hh"

namespace arc::mutate {

namespace {

constexpr uint16_t kNop16 = 0xbf00;
constexpr uint16_t kNop32[2] = {0xf3af, 0x8000};
constexpr unsigned kAlways = 0xe;

bool is_it(uint16_t h) { return (h & 0xff00) == 0xbf00 && (h & 0xf) != 0; }
// Instructions an IT covers: the mask's lowest set bit marks the end of the block.
unsigned it_length(uint16_t h) {
  unsigned mask = h & 0xf;
  return 4 - static_cast<unsigned>(__builtin_ctz(mask));
}

// B<cond> T1 (16-bit) and T3 (32-bit), CBZ/CBNZ.
bool is_b_t1(uint16_t h) { return (h & 0xf000) == 0xd000 && ((h >> 8) & 15) < kAlways; }
bool is_b_t3(uint16_t h0, uint16_t h1) {
  return (h0 & 0xf800) == 0xf000 && (h1 & 0xd000) == 0x8000 && ((h0 >> 6) & 15) < kAlways;
}
bool is_cbz(uint16_t h) { return (h & 0xf500) == 0xb100; }

// B T2 (16-bit, unconditional) branching `offset` bytes from the instruction's address + 4.
uint16_t b_t2(int32_t offset) { return uint16_t(0xe000 | ((offset >> 1) & 0x7ff)); }

// The offset of B<cond> T3 and the B.W T4 with the same offset.
int32_t b_t3_offset(uint16_t h0, uint16_t h1) {
  uint32_t s = (h0 >> 10) & 1, j1 = (h1 >> 13) & 1, j2 = (h1 >> 11) & 1;
  uint32_t bits = s << 20 | j2 << 19 | j1 << 18 | (h0 & 0x3fu) << 12 | (h1 & 0x7ffu) << 1;
  return int32_t(bits << 11) >> 11;
}
void b_t4(int32_t offset, uint16_t& h0, uint16_t& h1) {
  uint32_t u = uint32_t(offset);
  uint32_t s = (u >> 24) & 1, i1 = (u >> 23) & 1, i2 = (u >> 22) & 1;
  uint32_t j1 = !(i1 ^ s), j2 = !(i2 ^ s);
  h0 = uint16_t(0xf000 | s << 10 | ((u >> 12) & 0x3ff));
  h1 = uint16_t(0x9000 | j1 << 13 | j2 << 11 | ((u >> 1) & 0x7ff));
}

// Moves that set a register from an immediate: movs Rd, #imm8 (T1), mov.w/mvn Rd,
// #modified-immediate (T2/T1), movw Rd, #imm16 (T3). Returns Rd.
std::optional<unsigned> immediate_move(const Insn& i) {
  uint16_t h0 = i.half(0);
  if (i.size == 2)
    return (h0 & 0xf800) == 0x2000 ? std::optional<unsigned>((h0 >> 8) & 7) : std::nullopt;
  uint16_t h1 = i.half(1);
  if ((h1 & 0x8000) == 0 &&
      ((h0 & 0xfbef) == 0xf04f || (h0 & 0xfbef) == 0xf06f || (h0 & 0xfbf0) == 0xf240))
    return (h1 >> 8) & 15;
  return std::nullopt;
}
bool is_movt(const Insn& i) {
  return i.size == 4 && (i.half(0) & 0xfbf0) == 0xf2c0 && (i.half(1) & 0x8000) == 0;
}

// str Rt, [sp, #imm8] (T2); str/strb/strh.w Rt, [Rn, #imm12] (T3/T2) and [Rn, #-imm8] (T4,
// offset form), with Rn sp or r11. Returns Rt.
std::optional<unsigned> local_store(const Insn& i) {
  uint16_t h0 = i.half(0);
  if (i.size == 2)
    return (h0 & 0xf800) == 0x9000 ? std::optional<unsigned>((h0 >> 8) & 7) : std::nullopt;
  uint16_t h1 = i.half(1);
  unsigned op = h0 & 0xfff0, rn = h0 & 15;
  if (rn != kSp && rn != kFp)
    return std::nullopt;
  bool imm12 = op == 0xf880 || op == 0xf8a0 || op == 0xf8c0;
  bool negative = (op == 0xf800 || op == 0xf820 || op == 0xf840) && (h1 & 0x0f00) == 0x0c00;
  if (!imm12 && !negative)
    return std::nullopt;
  return h1 >> 12;
}

void assignment(const Insn& i, ChangeList& out) {
  auto emit = out.of(i, FaultType::assignment);
  uint16_t h0 = i.half(0);
  if (i.size == 2) {
    if ((h0 & 0xff00) == 0x4600) {  // mov Rd, Rm (T1, any registers)
      unsigned rd = ((h0 >> 4) & 8) | (h0 & 7), rm = (h0 >> 3) & 15;
      if (touches_sp_or_pc(rd) || touches_sp_or_pc(rm))
        return;
      auto set_rd = [&](unsigned r) { return uint16_t((h0 & ~0x87) | (r & 8) << 4 | (r & 7)); };
      if (rd <= 12)
        emit.t16(set_rd(next_core(rd)));
      if (rm <= 12)
        emit.t16(uint16_t((h0 & ~0x78) | next_core(rm) << 3));
    } else if ((h0 & 0xffc0) == 0x0000) {  // movs Rd, Rm (T2, low registers)
      emit.t16(uint16_t((h0 & ~7) | next_low(h0 & 7)));
      emit.t16(uint16_t((h0 & ~0x38) | next_low((h0 >> 3) & 7) << 3));
    } else if ((h0 & 0xf800) == 0x2000) {  // movs Rd, #imm8 (T1)
      emit.t16(uint16_t((h0 & ~0x700) | next_low((h0 >> 8) & 7) << 8));
      emit.t16(uint16_t((h0 & ~0xff) | ((h0 + 1) & 0xff)));
    }
    return;
  }
  uint16_t h1 = i.half(1);
  unsigned rd = (h1 >> 8) & 15;
  auto set_rd = [&](unsigned r) { return uint16_t((h1 & ~0x0f00) | r << 8); };
  if ((h0 & 0xffef) == 0xea4f && (h1 & 0xf0f0) == 0) {  // mov.w Rd, Rm (T3, no shift)
    unsigned rm = h1 & 15;
    if (touches_sp_or_pc(rd) || touches_sp_or_pc(rm))
      return;
    if (rd <= 12)
      emit.t32(h0, set_rd(next_core(rd)));
    if (rm <= 12)
      emit.t32(h0, uint16_t((h1 & ~15) | next_core(rm)));
  } else if ((h1 & 0x8000) == 0 && ((h0 & 0xfbef) == 0xf04f || (h0 & 0xfbef) == 0xf06f)) {
    // mov.w/mvn Rd, #modified-immediate: Rd, and imm8 + 1 when the immediate is a plain byte
    // (i:imm3 = 0; in the other forms imm8's top bit is part of the rotation).
    if (rd > 12)
      return;
    emit.t32(h0, set_rd(next_core(rd)));
    if ((h0 & 0x0400) == 0 && (h1 & 0x7000) == 0)
      emit.t32(h0, uint16_t((h1 & ~0xff) | ((h1 + 1) & 0xff)));
  } else if ((h1 & 0x8000) == 0 && (h0 & 0xfbf0) == 0xf240) {  // movw Rd, #imm16 (T3)
    if (rd > 12)
      return;
    emit.t32(h0, set_rd(next_core(rd)));
    uint32_t imm16 = (h0 & 0xfu) << 12 | ((h0 >> 10) & 1u) << 11 | ((h1 >> 12) & 7u) << 8 |
                     (h1 & 0xffu);
    imm16 = (imm16 + 1) & 0xffff;
    uint16_t n0 = uint16_t((h0 & 0xfbf0) | imm16 >> 12 | ((imm16 >> 11) & 1) << 10);
    uint16_t n1 = uint16_t((h1 & 0x8f00) | ((imm16 >> 8) & 7) << 12 | (imm16 & 0xff));
    emit.t32(n0, n1);
  }
}

void conditional(const Insn& i, ChangeList& out) {
  auto emit = out.of(i, FaultType::conditional);
  uint16_t h0 = i.half(0);
  if (i.size == 2 && is_b_t1(h0)) {
    emit.t16(kNop16);
    emit.t16(b_t2(int8_t(h0 & 0xff) * 2));  // T2's range (+-2 KB) holds T1's (+-256 B)
  } else if (i.size == 2 && is_cbz(h0)) {
    emit.t16(kNop16);
    emit.t16(b_t2(int32_t(((h0 >> 9) & 1) << 6 | ((h0 >> 3) & 0x1f) << 1)));  // 0..126
  } else if (i.size == 4 && is_b_t3(h0, i.half(1))) {
    emit.t32(kNop32[0], kNop32[1]);
    uint16_t n0, n1;
    b_t4(b_t3_offset(h0, i.half(1)), n0, n1);  // T4's range (+-16 MB) holds T3's (+-1 MB)
    emit.t32(n0, n1);
  }
}

void off_by_one(const Insn& i, ChangeList& out) {
  uint16_t h0 = i.half(0);
  unsigned shift;  // where the condition field is in the first halfword
  if (i.size == 2 && is_b_t1(h0))
    shift = 8;
  else if (i.size == 2 && is_it(h0))
    shift = 4;  // firstcond; the mask keeps its meaning (see arm_off_by_one)
  else if (i.size == 4 && is_b_t3(h0, i.half(1)))
    shift = 6;
  else
    return;
  auto to = arm_off_by_one((h0 >> shift) & 15);
  if (!to)
    return;
  uint16_t n0 = uint16_t((h0 & ~(15u << shift)) | *to << shift);
  auto emit = out.of(i, FaultType::off_by_one);
  if (i.size == 2)
    emit.t16(n0);
  else
    emit.t32(n0, i.half(1));
}

}  // namespace

void thumb_changes(std::span<const Insn> code, const BlockStarts& block_starts, FaultTypes types,
                   std::vector<Change>& changes) {
  ChangeList out(changes);
  uint16_t immediate = 0;  // registers set from an immediate earlier in this basic block
  unsigned it_left = 0;    // instructions still covered by the last IT
  uint32_t it_addr = 0;
  for (const Insn& i : code) {
    if (i.size != 2 && i.size != 4)
      continue;
    bool in_it = it_left > 0;
    if (in_it)
      --it_left;
    out.in_it = in_it;
    out.it_start = it_addr;
    if (block_starts.count(i.addr))
      immediate = 0;

    if (wants(types, FaultType::assignment))
      assignment(i, out);
    if (wants(types, FaultType::conditional) && !in_it)
      conditional(i, out);
    if (wants(types, FaultType::initialization) && !in_it) {
      if (auto rt = local_store(i); rt && (immediate >> *rt & 1)) {
        auto emit = out.of(i, FaultType::initialization);
        if (i.size == 2)
          emit.t16(kNop16);
        else
          emit.t32(kNop32[0], kNop32[1]);
      }
    }
    if (wants(types, FaultType::off_by_one) && !in_it)
      off_by_one(i, out);

    auto rd = immediate_move(i);
    bool keeps = is_movt(i) && !in_it && (immediate >> ((i.half(1) >> 8) & 15) & 1);
    immediate &= uint16_t(~i.writes);
    if (rd && *rd <= 12 && !in_it)
      immediate |= uint16_t(1u << *rd);
    if (keeps)
      immediate |= uint16_t(1u << ((i.half(1) >> 8) & 15));
    if (i.ends_block)
      immediate = 0;
    if (i.size == 2 && is_it(i.half(0))) {
      it_left = it_length(i.half(0));
      it_addr = i.addr;
    }
  }
}

}  // namespace arc::mutate
