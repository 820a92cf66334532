// What a checkpoint records of a server's capabilities (docs/restarts.md, "Checkpoint and
// restore"): its interrupt associations (which IRQ line, in which capability slot, delivered to
// which endpoint), its shared-memory sessions (arc/session.hh), and its helper threads
// (arc::start_thread: each one's number at its pager and where its registers were saved). The framework fills it in
// ordinary memory just before it asks its pager for a checkpoint, so the checkpoint's pages hold
// it as it was at the restore point; at a restore the framework compares it with the
// capabilities of now and makes them so again (an interrupt attached and unmasked again, a
// session table damaged since rebuilt). The pager reads it to write the checkpoint's file
// (p3/ckptfile.hh) and, loading one, writes the file's into the copy it restores.
//
// Plain 32-bit words, no kernel headers: the host tests decode it too.
#pragma once
#include <stdint.h>

namespace arc::ckpt_caps {

constexpr uint32_t magic = 0x5350434b;   // "KCPS"
constexpr unsigned max_irqs = 4, max_sessions = 16;
// Helper threads besides the main one (the pager's numbers 1 .. max_threads).
constexpr unsigned max_threads = 4;

struct Irq { uint32_t line, slot, ep; };
struct Session { uint32_t id, badge, owner_pid, token, addr, bytes; };
// A helper thread at the checkpoint: its number at the pager (pager::thread_add) and its stack
// pointer after it pushed every register there (libs/arcserver's park code). A restore starts it
// at the record's thread_resume on that stack, which pops them and returns where it was.
struct Thread { uint32_t number, sp; };

struct Record {
  uint32_t magic;
  uint32_t loaded;   // 1: the pager loaded it from a file (another boot's: its sessions' regions
                     //   are not this machine's, never to be rebuilt from)
  uint32_t n_irqs, n_sessions, n_threads;
  uint32_t thread_resume;   // where a restored helper thread resumes (0: no thread recorded)
  Irq irqs[max_irqs];
  Session sessions[max_sessions];
  Thread threads[max_threads];
};
// Aligned to its size's power of two by the framework, so that it lies within one page.
constexpr unsigned record_align = 512;
static_assert(sizeof(Record) <= record_align, "the record fits its alignment");

} // namespace arc::ckpt_caps
