// Messages between clients and ArcServers: how requests and replies are laid out in the message
// registers, and the helpers both sides use to read and write them.
//
// The convention of every interface in arc/iface/ (and of the pager's share protocol):
//   request: MR0 tag (label = the operation), MR1.. arguments, then typed items if any;
//   reply:   MR0 tag with label 0, MR1 = arc::Status, MR2.. results (only when MR1 is ok).
// Bytes (strings, data) travel as a count word followed by the bytes packed into words.
#pragma once
#include <arc/abi.hh>

namespace arc {

constexpr unsigned max_untyped = mr_count - 1;                  // MR1..MR63
constexpr unsigned max_results = max_untyped - 1;               // MR2..MR63
// Largest byte payload after a count word in a request (MR2..MR63) or a reply (MR3..MR63).
constexpr unsigned max_request_bytes = (max_untyped - 1) * sizeof(word);
constexpr unsigned max_reply_bytes = (max_results - 1) * sizeof(word);

constexpr unsigned words_for(unsigned bytes) { return (bytes + sizeof(word) - 1) / sizeof(word); }

// "ok", "invalid_arg" ... for messages.
const char *status_name(Status st);

// A request as the server sees it: a stable copy of the message (the framework keeps it in
// persistent memory for replay), so handlers may write results while still reading arguments.
struct Request {
  word label = 0;
  word badge = 0;            // the badge of the capability the client used (who it is)
  unsigned untyped = 0;      // arguments are MR1..MR<untyped>
  unsigned typed = 0;        // words of typed items after them
  const word *mr = nullptr;  // mr[0] = tag, mr[1..untyped] arguments
  bool replayed = false;     // true when served again after a restart
  word seq = 0;              // the framework's number of this request (the same on replay), for
                             // handlers that must apply a change exactly once

  // Argument MR<i> (1-based); 0 past the end (the handler table has checked the count).
  word arg(unsigned i) const { return i >= 1 && i <= untyped ? mr[i] : 0; }
  // Bytes sent as MR<count_at> = length, then packed from MR<count_at + 1>. False (and nothing
  // set) when the length does not fit the words actually sent.
  bool bytes(unsigned count_at, const char **data, unsigned *len) const;
  // A NUL-padded string packed from MR<first> to MR<first + words - 1> (proc::pack), copied
  // into buf. False when it is not terminated within those words, does not fit buf, or the
  // words were not sent.
  bool string(unsigned first, unsigned words, char *buf, unsigned size) const;
};

// The reply being built for the current request, written straight into the message registers.
class Reply {
public:
  explicit Reply(word *mr) : mr_(mr) {}
  // Appends result words (MR2, MR3 ...); false once the registers are full.
  bool put(word w);
  bool put_bytes(const void *data, unsigned len);       // count, then the bytes packed
  bool put_string(const char *s, unsigned max_words);   // packed, NUL-padded (proc::pack)
  // A capability item (typed, after the untyped words); at most one per reply here.
  void put_cap(CapSlot slot, word rights_mask);
  // The handler answers later (arc::Deferred): the framework sends no reply now.
  void defer() { deferred_ = true; }
  bool deferred() const { return deferred_; }
  unsigned results() const { return n_; }
  // Writes the tag and the status: on error only the status goes back.
  void finish(Status st);

private:
  word *mr_;
  unsigned n_ = 0;
  bool has_cap_ = false;
  word cap_[2] = {0, 0};
  bool deferred_ = false;
};

// The client side: builds a request in the caller's message registers, calls, decodes the reply.
//   Rpc rpc(console::write);
//   rpc.put_bytes(text, n);
//   Status st = rpc.call(ep);        // the IPC status, or the server's status from MR1
//   word written = rpc.result(0);    // MR2
class Rpc {
public:
  explicit Rpc(word label);
  Rpc &put(word w);
  Rpc &put_bytes(const void *data, unsigned len);
  Rpc &put_string(const char *s, unsigned max_words);
  Rpc &put_cap(CapSlot slot, word rights_mask);
  // Where a capability item in the reply should go (0: none).
  Rpc &receive_cap(CapSlot slot) { rcv_cap_ = slot; return *this; }
  // False when an argument did not fit (the call then fails with invalid_arg without sending).
  bool ok() const { return !overflow_; }

  Status call(CapSlot ep, word timeouts = ipc::timeouts(ipc::t_never, ipc::t_never));

  // Reply results (after call): result(0) is MR2. 0 past what the server sent.
  word result(unsigned i) const;
  unsigned results() const { return results_; }
  // Bytes in the reply: MR<2 + i> = length, then the bytes; copied to buf (not terminated).
  bool result_bytes(unsigned i, char *buf, unsigned size, unsigned *len) const;
  bool result_string(unsigned i, unsigned words, char *buf, unsigned size) const;
  word reply_label() const { return reply_label_; }

private:
  word label_;
  unsigned n_ = 0;             // untyped argument words written
  unsigned typed_ = 0;
  word cap_[2] = {0, 0};
  CapSlot rcv_cap_ = 0;
  bool overflow_ = false;
  unsigned results_ = 0;
  word reply_label_ = 0;
  word res_[max_results];      // the reply's MR2.. copied out, so printing cannot clobber them
};

} // namespace arc
