// Intrusive doubly linked queues: the links live inside the queued objects, so blocking and
// waking never allocate. A member pointer picks which pair of links a queue uses, so one object
// can sit on several queues (e.g. an endpoint queue and the timeout list) at once.
#pragma once

namespace kern {

template <class T> struct Link {
  T *next = nullptr;
  T *prev = nullptr;
  bool linked() const { return next != nullptr; }
};

// Circular list; head == nullptr when empty. O(1) push/pop/remove.
template <class T, Link<T> T::*L> class Queue {
public:
  bool empty() const { return head_ == nullptr; }
  T *front() const { return head_; }

  void push_back(T *t) {
    Link<T> &l = t->*L;
    if (!head_) {
      l.next = l.prev = t;
      head_ = t;
      return;
    }
    T *tail = (head_->*L).prev;
    l.next = head_;
    l.prev = tail;
    (tail->*L).next = t;
    (head_->*L).prev = t;
  }
  void push_front(T *t) {
    push_back(t);
    head_ = t;
  }
  void remove(T *t) {
    Link<T> &l = t->*L;
    if (l.next == t) {
      head_ = nullptr;
    } else {
      (l.prev->*L).next = l.next;
      (l.next->*L).prev = l.prev;
      if (head_ == t) head_ = l.next;
    }
    l.next = nullptr;   // linked() reads only next; prev is written again before any use
  }
  T *pop_front() {
    T *t = head_;
    if (t) remove(t);
    return t;
  }
  // Insert before `pos` (or at the back when pos is null): for sorted lists.
  void insert_before(T *pos, T *t) {
    if (!pos) { push_back(t); return; }
    Link<T> &l = t->*L;
    Link<T> &p = pos->*L;
    l.next = pos;
    l.prev = p.prev;
    (p.prev->*L).next = t;
    p.prev = t;
    if (head_ == pos) head_ = t;
  }
  T *next_of(T *t) const {
    T *n = (t->*L).next;
    return n == head_ ? nullptr : n;
  }

private:
  T *head_ = nullptr;
};

} // namespace kern
