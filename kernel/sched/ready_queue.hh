// Ready queues of the fixed-priority scheduler: one FIFO per priority and a two-level bitmap, so
// finding the highest ready priority is two count-leading-zeros, whatever the number of threads.
// Generic over the queued type so the host tests exercise exactly this code.
#pragma once
#include "lib/list.hh"
#include <stdint.h>

namespace kern {

template <class T, Link<T> T::*L> class ReadyQueues {
public:
  static constexpr unsigned levels = 256;

  void enqueue(T *t, unsigned prio, bool front = false) {
    Queue<T, L> &q = q_[prio];
    if (front) q.push_front(t); else q.push_back(t);
    words_[prio / 32] |= 1u << (prio % 32);
    top_ |= 1u << (prio / 32);
  }

  void remove(T *t, unsigned prio) {
    Queue<T, L> &q = q_[prio];
    q.remove(t);
    if (q.empty()) {
      words_[prio / 32] &= ~(1u << (prio % 32));
      if (!words_[prio / 32]) top_ &= ~(1u << (prio / 32));
    }
  }

  // -1 when nothing is ready.
  int highest_prio() const {
    if (!top_) return -1;
    unsigned w = 31 - __builtin_clz(top_);
    return int(w * 32 + 31 - __builtin_clz(words_[w]));
  }

  T *highest() const {
    int p = highest_prio();
    return p < 0 ? nullptr : q_[p].front();
  }

  bool empty() const { return top_ == 0; }

private:
  Queue<T, L> q_[levels];
  uint32_t words_[levels / 32] = {};
  uint32_t top_ = 0;
};

} // namespace kern
