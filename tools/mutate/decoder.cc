#include "decoder.hh"

#include <capstone/capstone.h>

#include <algorithm>

namespace arc::mutate {

namespace {

// Capstone's ARM register ids as r0..r15, or -1.
int arm_core_register(unsigned reg) {
  switch (reg) {
  case ARM_REG_SP: return 13;
  case ARM_REG_LR: return 14;
  case ARM_REG_PC: return 15;
  default:
    if (reg >= ARM_REG_R0 && reg <= ARM_REG_R12)
      return static_cast<int>(reg - ARM_REG_R0);
    return -1;
  }
}

// How far to step over bytes Capstone cannot decode.
size_t undecodable_step(Isa isa, std::span<const uint8_t> rest) {
  switch (isa) {
  case Isa::x86: return 1;
  case Isa::arm: return 4;
  case Isa::thumb: {
    // A halfword whose top five bits are 0b11101, 0b11110 or 0b11111 starts a 32-bit one.
    if (rest.size() < 2)
      return rest.size();
    unsigned top = rest[1] >> 3;
    return top >= 0x1d ? 4 : 2;
  }
  }
  return 1;
}

std::string insn_text(const cs_insn& i) {
  std::string t = i.mnemonic;
  if (i.op_str[0]) {
    t += ' ';
    t += i.op_str;
  }
  return t;
}

}  // namespace

Decoder::Decoder() {
  const struct {
    Isa isa;
    cs_arch arch;
    int mode;
  } modes[] = {{Isa::x86, CS_ARCH_X86, CS_MODE_32},
               {Isa::arm, CS_ARCH_ARM, CS_MODE_ARM},
               {Isa::thumb, CS_ARCH_ARM, CS_MODE_THUMB}};
  for (auto& m : modes) {
    csh h = 0;
    if (cs_open(m.arch, static_cast<cs_mode>(m.mode), &h) != CS_ERR_OK)
      throw Error(std::string("Capstone cannot decode ") + isa_name(m.isa));
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    handles_[static_cast<size_t>(m.isa)] = h;
  }
}

Decoder::~Decoder() {
  for (size_t& h : handles_) {
    if (h) {
      csh c = h;
      cs_close(&c);
    }
  }
}

size_t Decoder::handle(Isa isa) const {
  return handles_[static_cast<size_t>(isa)];
}

// Runs `each(insn, address)` over the instructions Capstone decodes from `code`; bytes it
// cannot decode are stepped over and reported as a nullptr insn.
template <typename Each>
void for_each_insn(size_t h, Isa isa, std::span<const uint8_t> code, uint32_t addr, Each each) {
  size_t done = 0;
  while (done < code.size()) {
    cs_insn* insns = nullptr;
    size_t n = cs_disasm(h, code.data() + done, code.size() - done, addr + done, 0, &insns);
    for (size_t k = 0; k < n; ++k) {
      each(&insns[k], addr + uint32_t(done));
      done += insns[k].size;
    }
    cs_free(insns, n);
    if (done < code.size()) {
      each(nullptr, addr + uint32_t(done));
      done += std::min(code.size() - done, undecodable_step(isa, code.subspan(done)));
    }
  }
}

std::vector<Insn> Decoder::sweep(Isa isa, std::span<const uint8_t> code, uint32_t addr) const {
  csh h = handle(isa);
  std::vector<Insn> out;
  for_each_insn(h, isa, code, addr, [&](const cs_insn* ci, uint32_t) {
    if (!ci)
      return;
    const cs_insn& i = *ci;
    Insn insn;
    insn.addr = static_cast<uint32_t>(i.address);
    insn.size = static_cast<uint8_t>(i.size);
    std::copy_n(i.bytes, std::min<size_t>(i.size, insn.bytes.size()), insn.bytes.begin());
    insn.text = insn_text(i);
    const cs_detail& d = *i.detail;
    bool jump = false;
    for (unsigned g = 0; g < d.groups_count; ++g) {
      switch (d.groups[g]) {
      case CS_GRP_JUMP:
      case CS_GRP_CALL:
        jump = true;
        [[fallthrough]];
      case CS_GRP_RET:
      case CS_GRP_INT:
      case CS_GRP_IRET:
        insn.ends_block = true;
        break;
      default:
        break;
      }
    }
    if (isa == Isa::x86) {
      for (unsigned k = 0; jump && k < d.x86.op_count; ++k)
        if (d.x86.operands[k].type == X86_OP_IMM)
          insn.target = static_cast<uint32_t>(d.x86.operands[k].imm);
    } else {
      for (unsigned k = 0; jump && k < d.arm.op_count; ++k)
        if (d.arm.operands[k].type == ARM_OP_IMM)
          insn.target = static_cast<uint32_t>(d.arm.operands[k].imm);
      cs_regs read, written;
      uint8_t nread = 0, nwritten = 0;
      if (cs_regs_access(h, &i, read, &nread, written, &nwritten) == CS_ERR_OK) {
        for (unsigned k = 0; k < nwritten; ++k)
          if (int r = arm_core_register(written[k]); r >= 0)
            insn.writes |= uint16_t(1u << r);
      } else {
        insn.writes = 0xffff;  // unknown: assume it writes everything
      }
      if (insn.writes & (1u << 15))
        insn.ends_block = true;
    }
    out.push_back(std::move(insn));
  });
  return out;
}

std::string Decoder::text(Isa isa, std::span<const uint8_t> code, uint32_t addr,
                          std::optional<uint32_t> report_from) const {
  std::string out;
  for_each_insn(handle(isa), isa, code, addr, [&](const cs_insn* ci, uint32_t here) {
    if (report_from && here < *report_from)
      return;
    if (!out.empty())
      out += "; ";
    out += ci ? insn_text(*ci) : "(bad)";
  });
  return out;
}

}  // namespace arc::mutate
