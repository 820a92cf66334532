// IA32 site finder: all four fault types from the encodings of gcc -O2 code.
#include "isa.hh"

#include <algorithm>

namespace arc::mutate {

namespace {

// Legacy prefixes (operand/address size, rep, segment, lock) before the opcode.
size_t prefix_length(const Insn& i) {
  size_t n = 0;
  while (n < i.size) {
    switch (i[n]) {
    case 0x66: case 0x67: case 0xf2: case 0xf3: case 0xf0:
    case 0x2e: case 0x36: case 0x3e: case 0x26: case 0x64: case 0x65:
      ++n;
      continue;
    default:
      return n;
    }
  }
  return n;
}

bool only_operand_size_prefix(const Insn& i, size_t prefixes) {
  return std::all_of(i.bytes.begin(), i.bytes.begin() + prefixes,
                     [](uint8_t b) { return b == 0x66; });
}

// A new register for a 16/32-bit operand: eax ecx edx ebx esi edi ebp, cycling; never esp.
uint8_t next_register(uint8_t r) {
  static constexpr uint8_t order[] = {0, 1, 2, 3, 6, 7, 5};
  auto it = std::find(std::begin(order), std::end(order), r);
  return order[(it - std::begin(order) + 1) % std::size(order)];
}

// 8-bit operands have no stack pointer: al cl dl bl ah ch dh bh, cycling.
uint8_t next_register8(uint8_t r) { return (r + 1) & 7; }

std::vector<uint8_t> bytes_of(const Insn& i) { return {i.bytes.begin(), i.bytes.begin() + i.size}; }

struct Emitter {
  const Insn& insn;
  FaultType type;
  std::vector<Change>& out;
  unsigned variant = 0;
  void operator()(std::vector<uint8_t> mutated) {
    out.push_back({type, variant++, insn.addr, bytes_of(insn), std::move(mutated), insn.addr});
  }
};

// mov r/m, r and mov r, r/m (88/89/8A/8B): the ModRM reg field, then for register-register
// moves the rm field. mov r, imm (B0+r, B8+r): the register, then the immediate + 1.
void assignment(const Insn& i, size_t p, std::vector<Change>& out) {
  if (!only_operand_size_prefix(i, p) || i.size < p + 2)
    return;
  uint8_t op = i[p];
  Emitter emit{i, FaultType::assignment, out};
  if (op >= 0x88 && op <= 0x8b) {
    bool wide = op & 1;
    uint8_t modrm = i[p + 1];
    uint8_t mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
    if (wide && (reg == 4 || (mod == 3 && rm == 4)))
      return;  // a move to or from esp
    auto next = wide ? next_register : next_register8;
    auto m = bytes_of(i);
    m[p + 1] = uint8_t((modrm & ~0x38) | next(reg) << 3);
    emit(m);
    if (mod == 3) {
      m = bytes_of(i);
      m[p + 1] = uint8_t((modrm & ~0x07) | next(rm));
      emit(m);
    }
  } else if (op >= 0xb0 && op <= 0xbf) {
    bool wide = op >= 0xb8;
    uint8_t reg = op & 7;
    if (wide && reg == 4)
      return;
    auto m = bytes_of(i);
    m[p] = uint8_t((op & ~7) | (wide ? next_register(reg) : next_register8(reg)));
    emit(m);
    m = bytes_of(i);
    for (size_t k = p + 1; k < i.size; ++k)  // the little-endian immediate + 1, carrying
      if (++m[k] != 0)
        break;
    emit(m);
  }
}

// jcc rel8 (70-7F) and jcc rel32 (0F 80-8F): deleted (a NOP of the same length), then forced
// (jmp to the same target). loop/jecxz are left alone.
void conditional(const Insn& i, std::vector<Change>& out) {
  Emitter emit{i, FaultType::conditional, out};
  if (i.size == 2 && i[0] >= 0x70 && i[0] <= 0x7f) {
    emit(x86_nop(2));
    emit({0xeb, i[1]});
  } else if (i.size == 6 && i[0] == 0x0f && i[1] >= 0x80 && i[1] <= 0x8f) {
    emit(x86_nop(6));
    // E9 at addr + 1 ends where the jcc ended, so rel32 is unchanged.
    emit({0x90, 0xe9, i[2], i[3], i[4], i[5]});
  }
}

// Whether the ModRM byte at `at` (and what follows it) addresses a local: [ebp - x] or
// [esp + x] (SIB with base esp and no index).
bool local_slot(const Insn& i, size_t at) {
  uint8_t modrm = i[at];
  uint8_t mod = modrm >> 6, rm = modrm & 7;
  auto disp = [&](size_t d) -> int32_t {
    if (mod == 1)
      return int8_t(i[d]);
    if (mod == 2)
      return int32_t(i[d] | i[d + 1] << 8 | i[d + 2] << 16 | uint32_t(i[d + 3]) << 24);
    return 0;
  };
  if (mod == 3)
    return false;
  if (rm == 5 && mod != 0)
    return disp(at + 1) < 0;
  if (rm == 4 && i[at + 1] == 0x24)
    return disp(at + 2) >= 0;
  return false;
}

// The store that initialises a local, replaced by a NOP: mov [ebp - x], imm and
// mov [esp + x], imm (C6/C7 /0, byte/word/dword). With the frame pointer omitted, a constant
// argument stored to the outgoing-argument area ([esp + x] before a call) looks the same and
// counts too.
void initialization(const Insn& i, size_t p, std::vector<Change>& out) {
  if (!only_operand_size_prefix(i, p) || i.size < p + 3)
    return;
  uint8_t op = i[p], reg = (i[p + 1] >> 3) & 7;
  if ((op == 0xc6 || op == 0xc7) && reg == 0 && local_slot(i, p + 1))
    out.push_back({FaultType::initialization, 0, i.addr, bytes_of(i), x86_nop(i.size), i.addr});
}

// jcc, setcc, cmovcc with l/le, ge/g, b/be, ae/a: the other one of the pair.
void off_by_one(const Insn& i, size_t p, std::vector<Change>& out) {
  size_t at;  // the byte whose low nibble is the condition
  if (p == 0 && i.size == 2 && i[0] >= 0x70 && i[0] <= 0x7f)
    at = 0;
  else if (i.size >= p + 2 && i[p] == 0x0f &&
           ((i[p + 1] & 0xf0) == 0x80 || (i[p + 1] & 0xf0) == 0x90 || (i[p + 1] & 0xf0) == 0x40))
    at = p + 1;
  else
    return;
  static constexpr int8_t swap[16] = {-1, -1, 0x6, 0x7, -1, -1, 0x2, 0x3,
                                      -1, -1, -1,  -1,  0xe, 0xf, 0xc, 0xd};
  int8_t to = swap[i[at] & 0xf];
  if (to < 0)
    return;
  auto m = bytes_of(i);
  m[at] = uint8_t((m[at] & 0xf0) | to);
  out.push_back({FaultType::off_by_one, 0, i.addr, bytes_of(i), m, i.addr});
}

}  // namespace

std::vector<uint8_t> x86_nop(size_t length) {
  // The multi-byte NOPs of the Intel SDM (0F 1F /0 exists on every P6-family CPU); 10 bytes and
  // more as GNU as pads: 66 prefixes before a cs-prefixed 8-byte NOP.
  static const std::vector<uint8_t> table[] = {
      {},
      {0x90},
      {0x66, 0x90},
      {0x0f, 0x1f, 0x00},
      {0x0f, 0x1f, 0x40, 0x00},
      {0x0f, 0x1f, 0x44, 0x00, 0x00},
      {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
      {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
      {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
      {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
  };
  if (length < std::size(table))
    return table[length];
  std::vector<uint8_t> nop(length - 9, 0x66);
  for (uint8_t b : {0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00})
    nop.push_back(b);
  return nop;
}

void x86_changes(std::span<const Insn> code, FaultTypes types, std::vector<Change>& out) {
  for (const Insn& i : code) {
    size_t p = prefix_length(i);
    if (p >= i.size)
      continue;
    if (wants(types, FaultType::assignment))
      assignment(i, p, out);
    if (wants(types, FaultType::conditional) && p == 0)
      conditional(i, out);
    if (wants(types, FaultType::initialization))
      initialization(i, p, out);
    if (wants(types, FaultType::off_by_one))
      off_by_one(i, p, out);
  }
}

}  // namespace arc::mutate
