// Request/Reply (server side) and Rpc (client side): the message-register layout of
// arc/message.hh.
#include <arc/message.hh>
#include <arc/proto/process.hh>
#include <arc/transport.hh>

namespace arc {

namespace {
void copy_bytes(void *dst, const void *src, unsigned n) {
  auto *d = static_cast<char *>(dst);
  const auto *s = static_cast<const char *>(src);
  for (unsigned i = 0; i < n; ++i) d[i] = s[i];
}
} // namespace

const char *status_name(Status st) {
  static const char *const names[] = {"ok", "invalid_cap", "no_rights", "invalid_arg", "no_memory",
                                      "timeout", "no_partner", "partner_gone", "cancelled",
                                      "not_supported", "busy", "bad_syscall"};
  static_assert(sizeof(names) / sizeof(names[0]) == word(Status::count), "one name per status");
  return word(st) < word(Status::count) ? names[word(st)] : "unknown status";
}

// ---- Request --------------------------------------------------------------------------------
bool Request::bytes(unsigned count_at, const char **data, unsigned *len) const {
  if (count_at < 1 || count_at > untyped) return false;
  const word n = mr[count_at];
  const unsigned room = (untyped - count_at) * sizeof(word);
  if (n > room) return false;
  *data = reinterpret_cast<const char *>(&mr[count_at + 1]);
  *len = unsigned(n);
  return true;
}

bool Request::string(unsigned first, unsigned words, char *buf, unsigned size) const {
  if (first < 1 || words == 0 || first + words - 1 > untyped || size == 0) return false;
  const char *s = reinterpret_cast<const char *>(&mr[first]);
  for (unsigned i = 0; i < words * sizeof(word); ++i) {
    if (i >= size) return false;
    buf[i] = s[i];
    if (!s[i]) return true;
  }
  return false;   // not terminated inside the words sent
}

// ---- Reply ----------------------------------------------------------------------------------
bool Reply::put(word w) {
  if (n_ >= max_results) return false;
  mr_[2 + n_++] = w;
  return true;
}

bool Reply::put_bytes(const void *data, unsigned len) {
  const unsigned words = words_for(len);
  if (n_ + 1 + words > max_results) return false;
  mr_[2 + n_] = len;
  mr_[2 + n_ + words] = 0;   // pad the last word
  copy_bytes(&mr_[3 + n_], data, len);
  n_ += 1 + words;
  return true;
}

bool Reply::put_string(const char *s, unsigned max_words) {
  if (n_ + max_words > max_results) max_words = max_results - n_;
  if (!max_words) return false;
  n_ += proc::pack(&mr_[2 + n_], s, max_words);
  return true;
}

void Reply::put_cap(CapSlot slot, word rights_mask) {
  has_cap_ = true;
  cap_[0] = slot;
  cap_[1] = (rights_mask << 8) | item::cap;
}

void Reply::finish(Status st) {
  mr_[1] = word(st);
  if (st != Status::ok) {
    mr_[0] = Tag(0, 1, 0).raw;
    return;
  }
  unsigned untyped = 1 + n_;
  unsigned typed = 0;
  if (has_cap_ && untyped + 2 < mr_count) {
    mr_[1 + untyped] = cap_[0];
    mr_[2 + untyped] = cap_[1];
    typed = 2;
  }
  mr_[0] = Tag(0, untyped, typed).raw;
}

// ---- Rpc ------------------------------------------------------------------------------------
Rpc::Rpc(word label) : label_(label) {}

Rpc &Rpc::put(word w) {
  if (n_ + 1 > max_untyped - 2) { overflow_ = true; return *this; }   // room for a cap item
  transport::mr()[1 + n_++] = w;
  return *this;
}

Rpc &Rpc::put_bytes(const void *data, unsigned len) {
  const unsigned words = words_for(len);
  if (n_ + 1 + words > max_untyped - 2) { overflow_ = true; return *this; }
  word *mr = transport::mr();
  mr[1 + n_] = len;
  mr[1 + n_ + words] = 0;
  copy_bytes(&mr[2 + n_], data, len);
  n_ += 1 + words;
  return *this;
}

Rpc &Rpc::put_string(const char *s, unsigned max_words) {
  if (n_ + max_words > max_untyped - 2) { overflow_ = true; return *this; }
  n_ += proc::pack(&transport::mr()[1 + n_], s, max_words);
  return *this;
}

Rpc &Rpc::put_cap(CapSlot slot, word rights_mask) {
  typed_ = 2;
  cap_[0] = slot;
  cap_[1] = (rights_mask << 8) | item::cap;
  return *this;
}

Status Rpc::call(CapSlot ep, word timeouts) {
  results_ = 0;
  reply_label_ = 0;
  if (overflow_) return Status::invalid_arg;
  word *mr = transport::mr();
  if (typed_) {
    mr[1 + n_] = cap_[0];
    mr[2 + n_] = cap_[1];
  }
  mr[0] = Tag(label_, n_, typed_).raw;
  if (rcv_cap_) transport::set_rcv_cap_slot(rcv_cap_);
  const Status st = transport::call(ep, timeouts);
  if (rcv_cap_) transport::set_rcv_cap_slot(0);
  if (st != Status::ok) return st;
  const Tag tag(mr[0]);
  reply_label_ = tag.label();
  if (tag.untyped() < 1) return Status::invalid_arg;   // a reply without a status word
  results_ = tag.untyped() - 1;
  for (unsigned i = 0; i < results_; ++i) res_[i] = mr[2 + i];
  const word status = mr[1];
  return status < word(Status::count) ? Status(status) : Status::invalid_arg;
}

word Rpc::result(unsigned i) const { return i < results_ ? res_[i] : 0; }

bool Rpc::result_bytes(unsigned i, char *buf, unsigned size, unsigned *len) const {
  if (i >= results_) return false;
  const word n = res_[i];
  if (n > (results_ - i - 1) * sizeof(word) || n > size) return false;
  copy_bytes(buf, &res_[i + 1], unsigned(n));
  *len = unsigned(n);
  return true;
}

bool Rpc::result_string(unsigned i, unsigned words, char *buf, unsigned size) const {
  if (size == 0 || i >= results_) return false;
  if (i + words > results_) words = results_ - i;
  proc::unpack(&res_[i], words, buf, size);
  return true;
}

} // namespace arc
