// The HA library's infinite-loop detection (issue 11; VMXL4's predictor, made to decide): a
// worker samples a watched thread's counters every period and feeds one observation per sample.
//
// The indicator I_n (0..1) says how much the sample looked like a loop: the share of the period
// the thread ran, and 0 as soon as it made any progress the kernel can see (an IPC sent or
// received, a page fault). Optionally its user PC (read by a worker holding the thread with
// `control`): a thread whose PCs over the last samples spread over more than `tight_bytes` is
// not in a tight loop, whatever it does (a long computation moves through its code).
//
// The predictor smooths it: P_n = a_n * P_{n-1} + (1 - a_n) * I_n, a_n = b * a_{n-1} + (1 - b) * I_n,
// and reports when P >= L for the last T samples, with b, L and T set per watched thread.
// Fixed point: 1.0 is 65536 (q16), so every board computes the same figures.
#pragma once
#include <stdint.h>

namespace ha {

constexpr uint32_t one = 65536;   // 1.0 in q16

struct LoopParams {
  uint32_t beta = one * 9 / 10;     // b: how fast the weight of history follows the indicator
  uint32_t limit = one * 95 / 100;  // L
  uint32_t samples = 5;             // T: consecutive samples with P >= L
  uint32_t tight_bytes = 64;        // PCs spread over more than this: not a tight loop (0: off)
};

// One sample of a watched thread: counter deltas since the previous one.
struct LoopObservation {
  uint32_t period_ticks;    // the sample's length in timer ticks
  uint32_t ran_ticks;       // ticks that found the thread running (time_running) or, as the
                            //   workers count them, running with its user state unchanged
                            //   since its previous tick (ustate_same: no progress at all)
  uint32_t progress;        // ipc_sent + ipc_received + page_fault
  uint32_t pc;              // its user PC now (0: not known)
};

// P_n and a_n, the recurrence alone.
class LoopPredictor {
public:
  explicit LoopPredictor(const LoopParams &p = LoopParams()) : p_(p) {}
  // Feed I_n (q16, at most `one`); true when P >= L for the last T samples.
  bool Step(uint32_t indicator);
  uint32_t p() const { return p_n_; }
  uint32_t alpha() const { return a_n_; }
  uint32_t above() const { return above_; }
  void Reset() { p_n_ = a_n_ = above_ = 0; }

private:
  LoopParams p_;
  uint32_t p_n_ = 0, a_n_ = 0, above_ = 0;
};

// A watched thread: observations in, a verdict out.
class LoopWatch {
public:
  explicit LoopWatch(const LoopParams &p = LoopParams()) : p_(p), predictor_(p) {}
  // True when the thread is found in an endless loop (then every later sample says so until
  // Reset(), which the monitor calls after acting).
  bool Observe(const LoopObservation &o);
  // The indicator the last observation gave (q16).
  uint32_t last_indicator() const { return last_; }
  const LoopPredictor &predictor() const { return predictor_; }
  void Reset();

private:
  static constexpr unsigned window = 16;   // PCs remembered (at least T are looked at)
  bool Tight() const;
  LoopParams p_;
  LoopPredictor predictor_;
  uint32_t pcs_[window] = {};
  unsigned n_pcs_ = 0, next_pc_ = 0;
  uint32_t last_ = 0;
};

// I_n for an observation, without the PC filter.
uint32_t loop_indicator(const LoopObservation &o);

} // namespace ha
