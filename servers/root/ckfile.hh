// Checkpoints in files (docs/restarts.md, "Checkpoints in files"): the root task's buffer between
// the shell, which reads and writes the file through the file server, and the server's pager,
// which makes the file from its last checkpoint or checks a file and takes it as one. Every
// transfer with a pager is the pager's call to us (as its frames and reports are), never ours to
// it: the pager may need frames or a page of its own while it works, which it asks us for.
#pragma once
#include "process.hh"
#include <arc/message.hh>

namespace rt {

// root::checkpoint_file from the shell for server p (MR7 the op, MR8.. its arguments).
arc::Status ckfile_request(Process *p, const arc::Request &req, arc::Reply &rep);
// root::checkpoint_put, checkpoint_get, checkpoint_loaded from p's pager: the answer in u.
void ckfile_pager(Process *p, arc::Utcb *u);
// p is gone (killed, cold restart): a transfer of it ends.
void ckfile_forget(const Process *p);

} // namespace rt
