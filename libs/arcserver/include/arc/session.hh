// Shared-memory sessions between a client and an ArcServer.
//
// The shared pages always go through the pagers (never mapped user to user), so that a restarted
// process gets them back from its pager. The protocol (the pager's side is servers/pager):
//
//   client -> its pager   share_create 0x210  MR1 bytes              -> MR2 address, MR3 token
//   client -> its pager   share_allow  0x211  MR1 token, MR2 pid     (the server may attach)
//   client -> server      session_begin 0xffe1 MR1 token, MR2 client pid, MR3 bytes -> MR2 id
//   server -> its pager   share_attach 0x212  MR1 token, MR2 owner pid -> MR2 address
//   client -> server      session_end  0xffe2 MR1 id
//   either -> its pager   share_detach 0x213  MR1 address
//
// Client:  arc::Session s;  s.Begin(ep, 4096);  s.Put(0, data, n);  ...  s.End();
// Server:  sessions().Find(req.badge, id) -> SessionEntry *, then Get/Put on it.
// Both sides copy in and out with bounds checks (Get/Put); a server copies a client's data out
// before it checks it, since the client can change shared memory at any time.
#pragma once
#include <arc/abi.hh>

namespace arc {

namespace share_label {
constexpr word create = 0x210, allow = 0x211, attach = 0x212, detach = 0x213;
}

constexpr word session_max_bytes = 1u << 20;

// Bounds-checked copies in and out of a shared region.
struct SharedRegion {
  word addr = 0;
  word bytes = 0;
  bool Get(word offset, void *dst, word n) const;         // region -> dst
  bool Put(word offset, const void *src, word n) const;   // src -> region
  void *data() const { return reinterpret_cast<void *>(addr); }
};

// The client's handle of one session.
class Session : public SharedRegion {
public:
  // Make a shared area of `bytes` through our pager and open a session with the server on ep.
  Status Begin(CapSlot ep, word bytes);
  Status End();
  bool active() const { return id_ != 0; }
  word id() const { return id_; }

private:
  CapSlot ep_ = 0;
  word id_ = 0;
};

// The server's record of one session (plain data: it lives in persistent memory).
struct SessionEntry : SharedRegion {
  word id = 0;           // 0: free slot
  word badge = 0;        // the client's badge: only it may use the session
  word owner_pid = 0;
  word token = 0;
};

// The server's table, kept in persistent memory by ServerCore (sessions()).
class SessionTable {
public:
  static constexpr unsigned capacity = 16;
  // session_begin: attach the client's area through our pager and remember it.
  Status Open(word badge, word token, word owner_pid, word bytes, word *id);
  // session_end: detach and forget. Only the session's own client (badge) may close it.
  Status Close(word badge, word id);
  // The session `id` of client `badge`, or null.
  SessionEntry *Find(word badge, word id);
  unsigned count() const;
  void Reset();
  // Plausibility check after a restart (ids, sizes, addresses); false: treat as corrupt.
  bool Valid() const;
  SessionEntry entry[capacity];
  word generation = 0;   // mixed into ids so a stale id does not name a newer session
};

} // namespace arc
