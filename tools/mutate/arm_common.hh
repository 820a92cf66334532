// What the A32 and Thumb site finders share: register rules and writing encodings out.
#pragma once

#include "isa.hh"

namespace arc::mutate {

constexpr unsigned kFp = 11;  // the A32 frame pointer
constexpr unsigned kSp = 13;
constexpr unsigned kPc = 15;

// Moves to or from sp and pc are left alone.
inline bool touches_sp_or_pc(unsigned r) { return r == kSp || r == kPc; }

// A new register: r0..r12 cycling (lr, sp, pc are never produced).
inline unsigned next_core(unsigned r) { return r >= 12 ? 0 : r + 1; }
// For the 16-bit Thumb encodings with 3-bit register fields: r0..r7 cycling.
inline unsigned next_low(unsigned r) { return (r + 1) & 7; }

// The changes of one type at one instruction, numbered 0, 1, ... in the order they are made.
class ChangeEmitter {
public:
  ChangeEmitter(const Insn& insn, FaultType type, std::vector<Change>& out, uint32_t decode_from)
      : insn_(insn), type_(type), out_(out), decode_from_(decode_from) {}
  void a32(uint32_t w) { emit({uint8_t(w), uint8_t(w >> 8), uint8_t(w >> 16), uint8_t(w >> 24)}); }
  void t16(uint16_t h) { emit({uint8_t(h), uint8_t(h >> 8)}); }
  void t32(uint16_t h0, uint16_t h1) {
    emit({uint8_t(h0), uint8_t(h0 >> 8), uint8_t(h1), uint8_t(h1 >> 8)});
  }

private:
  void emit(std::vector<uint8_t> mutated) {
    std::vector<uint8_t> original(insn_.bytes.begin(), insn_.bytes.begin() + insn_.size);
    out_.push_back(
        {type_, variant_++, insn_.addr, std::move(original), std::move(mutated), decode_from_});
  }
  const Insn& insn_;
  FaultType type_;
  std::vector<Change>& out_;
  uint32_t decode_from_;
  unsigned variant_ = 0;
};

struct ChangeList {
  explicit ChangeList(std::vector<Change>& c) : changes(c) {}
  ChangeEmitter of(const Insn& i, FaultType t) { return {i, t, changes, in_it ? it_start : i.addr}; }
  std::vector<Change>& changes;
  bool in_it = false;     // Thumb: the current instruction is in an IT block,
  uint32_t it_start = 0;  // this IT instruction's
};

}  // namespace arc::mutate
