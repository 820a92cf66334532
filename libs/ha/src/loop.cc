#include "ha/loop.hh"

namespace ha {

namespace {
// a * b in q16, rounded down.
uint32_t mul(uint32_t a, uint32_t b) { return uint32_t((uint64_t(a) * b) >> 16); }
}

uint32_t loop_indicator(const LoopObservation &o) {
  if (o.progress || !o.period_ticks) return 0;
  if (o.ran_ticks >= o.period_ticks) return one;
  return uint32_t(uint64_t(o.ran_ticks) * one / o.period_ticks);
}

bool LoopPredictor::Step(uint32_t i) {
  if (i > one) i = one;
  a_n_ = mul(p_.beta, a_n_) + mul(one - p_.beta, i);
  p_n_ = mul(a_n_, p_n_) + mul(one - a_n_, i);
  above_ = p_n_ >= p_.limit ? above_ + 1 : 0;
  return above_ >= p_.samples;
}

bool LoopWatch::Tight() const {
  if (!p_.tight_bytes) return true;
  // The spread of the PCs of the last T samples (fewer at the start: not yet known).
  const unsigned n = p_.samples < window ? p_.samples : window;
  if (n_pcs_ < n) return false;
  uint32_t lo = ~0u, hi = 0;
  for (unsigned k = 0; k < n; ++k) {
    const uint32_t pc = pcs_[(next_pc_ + window - 1 - k) % window];
    if (pc < lo) lo = pc;
    if (pc > hi) hi = pc;
  }
  return hi - lo <= p_.tight_bytes;
}

bool LoopWatch::Observe(const LoopObservation &o) {
  last_ = loop_indicator(o);
  if (o.pc) {
    pcs_[next_pc_] = o.pc;
    next_pc_ = (next_pc_ + 1) % window;
    if (n_pcs_ < window) ++n_pcs_;
  } else {
    n_pcs_ = 0;   // a gap: the spread is not known
  }
  const bool predicted = predictor_.Step(last_);
  return predicted && (!o.pc || Tight());
}

void LoopWatch::Reset() {
  predictor_.Reset();
  n_pcs_ = next_pc_ = 0;
  last_ = 0;
}

} // namespace ha
