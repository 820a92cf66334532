#include "ckfile.hh"
#include "memory.hh"
#include "monitor.hh"
#include "renew.hh"
#include "restart.hh"

#include <arc/proto/pager.hh>
#include <arc/proto/root.hh>
#include <arc/sys.hh>
#include <stdio.h>
#include <string.h>

namespace rt {

using namespace arc;

namespace {

// One file at a time (the shell's command in progress), in frames of our own: at most 4 MiB,
// a checkpoint of some 1000 pages (the pager's table holds 2048: a larger one cannot be saved).
constexpr word buf_owner = 0xfffd;   // not a pid: the frames are ours, not the server's
constexpr unsigned max_frames = 1024;
constexpr word page = 0x1000;

enum class State { idle, exporting, exported, export_failed, receiving, loading, loaded };

struct FileBuf {
  word pid = 0;             // the server's
  State state = State::idle;
  word frames[max_frames] = {};
  unsigned nframes = 0;
  word bytes = 0;           // in the buffer
  word number = 0;          // export: the checkpoint's number
  word error = 0;           // load: the pager's ckptfile::Error
} buf;

void reset(word pid, State s) {
  for (unsigned i = 0; i < buf.nframes; ++i) frame_free(buf.frames[i], buf_owner);
  buf.nframes = 0;
  buf.bytes = buf.number = buf.error = 0;
  buf.pid = pid;
  buf.state = s;
}

// Appends n bytes at the end; false when the buffer is full or no frame is left.
bool append(const void *data, word n) {
  const unsigned char *b = static_cast<const unsigned char *>(data);
  while (n) {
    const word i = buf.bytes / page, at = buf.bytes % page;
    if (i >= max_frames) return false;
    if (i == buf.nframes) {
      const word f = frame_alloc(buf_owner);
      if (!f) return false;
      buf.frames[buf.nframes++] = f;
    }
    const word part = n < page - at ? n : page - at;
    memcpy(reinterpret_cast<unsigned char *>(buf.frames[i]) + at, b, part);
    buf.bytes += part;
    b += part;
    n -= part;
  }
  return true;
}

// Up to n bytes from offset into out (words of a message); returns how many.
word read(word offset, void *out, word n) {
  if (offset >= buf.bytes) return 0;
  if (n > buf.bytes - offset) n = buf.bytes - offset;
  unsigned char *o = static_cast<unsigned char *>(out);
  for (word left = n; left;) {
    const word i = offset / page, at = offset % page;
    const word part = left < page - at ? left : page - at;
    memcpy(o, reinterpret_cast<const unsigned char *>(buf.frames[i]) + at, part);
    o += part;
    offset += part;
    left -= part;
  }
  return n;
}

// A send to p's pager (it waits for messages; a zero-ish timeout: if it is busy, or calling us
// right now, the shell asks again).
bool tell_pager(Process *p, word label, word arg) {
  Utcb *u = utcb();
  u->mr[0] = Tag(label, 1, 0).raw;
  u->mr[1] = arg;
  return ipc_raw(ipc::send, p->fault_ep, 0, ipc::timeouts(20, 0), nullptr) == Status::ok;
}

constexpr word fetch_bytes = (mr_count - 5) * sizeof(word);   // the shell's MR5..
constexpr word get_bytes = (mr_count - 3) * sizeof(word);     // the pager's MR3..

} // namespace

Status ckfile_request(Process *p, const Request &req, Reply &rep) {
  const word op = req.mr[7];
  switch (op) {
  case root::ckfile_export:
    if (!p->checkpoint) return Status::not_supported;
    reset(p->pid, State::exporting);
    if (!tell_pager(p, pager::ckpt_export, 0)) {
      reset(0, State::idle);
      return Status::busy;
    }
    return Status::ok;
  case root::ckfile_fetch: {
    if (req.untyped < 8 || buf.pid != p->pid) return Status::invalid_arg;
    if (buf.state == State::exporting) return Status::busy;
    if (buf.state != State::exported) return Status::no_memory;   // the export failed
    word data[mr_count] = {};
    const word n = read(req.mr[8], data, fetch_bytes);
    rep.put(buf.bytes);
    rep.put(buf.number);
    rep.put(n);
    for (word i = 0; i < (n + sizeof(word) - 1) / sizeof(word); ++i) rep.put(data[i]);
    return Status::ok;
  }
  case root::ckfile_put: {
    if (req.untyped < 9) return Status::invalid_arg;
    const word offset = req.mr[8], n = req.mr[9];
    if (n > (req.untyped - 9) * sizeof(word)) return Status::invalid_arg;
    if (offset == 0) reset(p->pid, State::receiving);
    if (buf.pid != p->pid || buf.state != State::receiving || offset != buf.bytes)
      return Status::invalid_arg;   // in order, from 0
    if (!append(&req.mr[10], n)) {
      reset(0, State::idle);
      return Status::no_memory;
    }
    return Status::ok;
  }
  case root::ckfile_load:
    if (req.untyped < 8 || buf.pid != p->pid || buf.state != State::receiving ||
        req.mr[8] != buf.bytes)
      return Status::invalid_arg;
    if (p->pending_restart || monitor_restarting(p)) return Status::busy;
    buf.state = State::loading;
    if (!tell_pager(p, pager::ckpt_import, buf.bytes)) {
      buf.state = State::receiving;
      return Status::busy;
    }
    return Status::ok;
  case root::ckfile_result:
    if (buf.pid != p->pid || (buf.state != State::loading && buf.state != State::loaded))
      return Status::invalid_arg;
    if (buf.state == State::loading) return Status::busy;
    rep.put(buf.error);
    return Status::ok;
  }
  return Status::invalid_arg;
}

void ckfile_pager(Process *p, Utcb *u) {
  const word label = Tag(u->mr[0]).label();
  const unsigned untyped = Tag(u->mr[0]).untyped();
  Status st = Status::ok;
  if (buf.pid != p->pid) {
    st = Status::invalid_arg;   // not the file in hand (the shell started another)
  } else if (label == root::checkpoint_put && buf.state == State::exporting && untyped >= 2) {
    const word offset = u->mr[1], n = u->mr[2];
    if (n == 0) {   // the end: MR1 the total (0: the pager could not make it), MR3 the number
      const bool whole = offset && offset == buf.bytes;
      buf.state = whole ? State::exported : State::export_failed;
      buf.number = untyped >= 3 ? u->mr[3] : 0;
      if (whole) monitor_checkpoint_saved(p, buf.number, buf.bytes);
    } else if (offset != buf.bytes || n > (untyped - 2) * sizeof(word) || !append(&u->mr[3], n)) {
      buf.state = State::export_failed;
      st = Status::no_memory;
    }
  } else if (label == root::checkpoint_get && buf.state == State::loading && untyped >= 1) {
    word data[mr_count] = {};
    const word n = read(u->mr[1], data, get_bytes);
    u->mr[0] = Tag(0, 2 + (n + sizeof(word) - 1) / sizeof(word), 0).raw;
    u->mr[1] = word(Status::ok);
    u->mr[2] = n;
    memcpy(&u->mr[3], data, (n + sizeof(word) - 1) / sizeof(word) * sizeof(word));
    return;
  } else if (label == root::checkpoint_loaded && buf.state == State::loading && untyped >= 2) {
    const word error = u->mr[1], number = u->mr[2];
    reset(p->pid, State::loaded);   // the file's frames go back: the pager has its copy
    buf.error = error;
    if (error == 0) {
      p->checkpoint = number;
      restore_loaded(p);   // held now; its pager (calling us) is asked when it waits again
    }
  } else {
    st = Status::invalid_arg;
  }
  u->mr[0] = Tag(0, 1, 0).raw;
  u->mr[1] = word(st);
}

void ckfile_forget(const Process *p) {
  if (buf.pid == p->pid) reset(0, State::idle);
}

} // namespace rt
