// The per-process pager (P3). One runs for every process the root task starts. It loads the
// process's ELF image from the boot module the root task mapped for it, answers the process's
// page faults (image pages, copy-on-write data, zero pages, persistent pages, device windows),
// takes its exceptions, plants an injected fault if the boot configuration asks (fault.hh), and
// reports its page counts. Frames come from the root task.
#include "checkpoint.hh"
#include "checkpoint_file.hh"
#include <p3/ckptfile.hh>
#include "fault.hh"
#include "threads.hh"
#include "frames.hh"
#include "pager.hh"
#include "restart_report.hh"
#include "shared.hh"
#include <arc/proto/pager_info.hh>
#include <p3/image.hh>
#include <arc/arch.hh>
#include <arc/libc.h>
#include <arc/proto/pager.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/start.hh>
#include <arc/sys.hh>
#include <elf/elf.hh>
#include <string.h>

using namespace arc;

// A pager serves the console server's faults too: its console is the kernel's.
ARC_CONSOLE_KDEBUG_ONLY;

p3::Image image;   // the process's memory as the pager serves it (pager.hh)

namespace {

p3::Image::Page pages[8192];   // private pages of the process: 32 MiB
word volatile_pages[8192];
bool client_stopped;
p3::FaultSite fault_site;      // fault injection (fault.hh): armed at the first start only
p3::Checkpoint ckpt;           // the process's last checkpoint (checkpoint.hh)

// A warm restart's new space has nothing mapped, and the new process faulted in some 27 pages
// of the demo counter on its way to the replayed reply (its code, data, stack, heap, persistent
// pages), at some 2,700 instructions each with the kernel's part. The pager notes the first pages
// the process faults in (working_set: its start and first requests, which a restart does again),
// and answers the first fault after a warm restart with all of them at once: one reply with a
// map item each (the kernel maps every item of a fault's reply). What each page holds is what a
// fault would have given it then (resolve_page). The list is kept over warm restarts (its pages
// no longer fault) and dropped when another program or a checkpoint's pages come in.
struct WorkingSet {
  static constexpr unsigned max = (mr_count - 3) / 2;   // items after the faulting page's: 30
  word page[max], access[max];
  unsigned n = 0;
  bool premap = false;   // the next fault is the first after a warm restart
  // On every fault until the list is full: kept to a comparison or two (the page-fault
  // benchmark through this pager counts them). A page read and then written faults twice in a
  // row: one entry, with both accesses.
  void note(word addr, word acc) {
    if (n == max) return;   // full: nothing more to do on any fault
    const word va = addr & ~word(0xfff);
    if (n && page[n - 1] == va) {
      access[n - 1] |= acc;   // copied, as the restart will want it
      return;
    }
    page[n] = va;
    access[n++] = acc;
  }
  void forget() { n = 0; premap = false; }
} working_set;

void reply_status(Utcb *u, Status s, unsigned extra = 0) {
  u->mr[0] = Tag(0, 1 + extra, 0).raw;
  u->mr[1] = word(s);
}

word client_entry;
// The framework's persistent area of the program now running (its .parc section; 0, 0: none),
// which a swap carries into the next program.
word parc_start, parc_end;
// The first page of the framework's area as the process has it now (through our frame or the
// image), or null when it has none.
const word *live_parc() {
  if (parc_end == parc_start) return nullptr;
  const p3::Source src = image.resolve(parc_start, fault::read);
  if (src.kind != p3::Source::image && src.kind != p3::Source::frame) return nullptr;
  return reinterpret_cast<const word *>(src.addr);
}
// The program now running as a checkpoint's file names it (checkpoint_file.hh): its area and
// its build, by the linker's build id (found by load(), so that a save hashes nothing).
p3::FileProgram file_program;

// Hot restart: the process stays; its volatile pages go (they come back from the pristine
// image on demand), its persistent pages stay mapped, its main thread starts again at the
// entry. The kernel still holds the reply right of the request it was serving, so the
// framework's replay answers the waiting client. (Single-threaded processes: the main thread.)
// After a failure the first pages the process touched (its start's working set: the demo
// counter's data, bss, stack and first heap page) are made pristine in place instead
// (p3::Image::reset_volatile): the unmap and the page fault each of them cost were some 2,300
// instructions a page on ia32. A renewal (or a group's hot restart) drops them all: it is there
// to give the memory back.
constexpr unsigned hot_keep_pages = 8;

// The line a failure is told with (the main loop), and its words: read on the way to a restart,
// so touch_restart_path reads them in with the formatter's tables.
constexpr char failure_line[] = "[pager] %s (pid %lu): %s %lx ip %lx\n";
constexpr const char *failure_what[] = {"no memory for the page at", "invalid write at",
                                        "invalid access at"};

// The process's mapping of one of our frames goes (a restart's volatile pages). Named, not a
// lambda, so that it is grouped with the restart path and mapped in with it: as a lambda it lay
// past the group, and the first hot restart paid a page fault of ours for it (about 1,800
// instructions on ia32, 2,100 on the Cortex-A15).
ARC_RESTART_PATH void revoke(word addr) { (void)unmap(fpage(addr, 12, fpage_rights::rwx), false); }

ARC_RESTART_PATH void hot_restart(unsigned long long t0, bool after_failure = false) {
  phases.decided = cycles();
  fault_site.drop();
  ckpt.all_dirty();   // the pages come back from the image: the next checkpoint copies them   // its private page goes with the volatile ones: the pristine code returns
  // 1. Take the thread: out of its fault IPC (to us), held still.
  (void)exchange_registers(p3::client_thread, exregs::halt | exregs::abort_ipc);
  // 2. Revoke the private volatile pages (data, bss, heap, stack: whatever the failure may have
  //    damaged). Pages mapped straight from the image stay: they are read-only, so still
  //    pristine, and the restarted process need not fault them in again; so do the copies of a
  //    read-only segment's last page (p3::Image::Page::pristine). Persistent pages stay.
  //    After a failure the first pages it touched are made pristine in place, and stay mapped.
  unsigned reset = 0;
  image.reset_volatile(after_failure ? hot_keep_pages : 0, &reset, &revoke);
  phases.unmapped = cycles();
  // 3. Tell it it was restarted, then start it at the entry with the stack crt0 sets up.
  restarted(root::Action::hot, t0, 0);
  (void)exchange_registers(p3::client_thread, exregs::set_ip | exregs::set_sp | exregs::resume,
                           client_entry, 0);
  phases.started = cycles();
  report_restart(root::Action::hot, t0);
}

// Warm restart: the root task has destroyed the old space and thread and made new ones (our
// client_space and client_thread name them now), with the process's capabilities carried over.
// What the old image gave is gone with the old space; the volatile frames are freed, the
// persistent ones stay and are mapped again when the new process touches them, as are shared
// regions and device windows. The new thread starts at the entry; the framework finds its
// persistent state, calls Recover() and replays the interrupted request through the carried
// reply right.
ARC_RESTART_PATH void warm_restart(unsigned long long t0, word carried) {
  phases.decided = cycles();   // includes the root task's new space and capabilities
  working_set.premap = true;
  fault_site.drop();
  ckpt.all_dirty();
  p3::threads::forget();   // bound to the old space, which goes
  image.discard_volatile();   // no mapping of them is left to revoke
  phases.unmapped = cycles();
  restarted(root::Action::warm, t0, carried);
  if (thread_ctl(p3::client_thread, ThreadOp::start, client_entry, 0) != Status::ok) {
    printf("[pager] %s: cannot start the new thread\n", pinfo().client_name);
    return;
  }
  phases.started = cycles();
  report_restart(root::Action::warm, t0, root::restarted_cleanup_later);
  cleanup_due = true;
}

const char *load(word *entry);
void stop_client(const char *why, word a, word b);

// Swap: a warm restart (the root task made the new space and thread and carried the
// capabilities and the interrupted caller's reply right over) into another program, which the
// root task mapped at pinfo().image_at. What the old program's pages held all goes, its
// persistent memory too (the new program's .pdata is laid out otherwise and starts from its
// image), except the framework's area (.parc): it is copied into the new program's when both
// have the same layout stamp and size, so the new program finds the request in flight, the
// deferred requests, the sessions and its capability slots as the old one left them.
bool swap_restart(unsigned long long t0, word carried) {
  phases.decided = cycles();
  working_set.forget();   // another program's pages
  fault_site.drop();
  p3::threads::forget();   // bound to the old space, which goes
  constexpr word max_parc = 8 * 0x1000;
  static unsigned char kept[max_parc];
  const word kept_len = parc_end - parc_start <= max_parc ? parc_end - parc_start : 0;
  for (word off = 0; off < kept_len; off += 0x1000) {
    const p3::Source src = image.resolve(parc_start + off, fault::read);
    if (src.kind == p3::Source::image || src.kind == p3::Source::frame)
      memcpy(kept + off, reinterpret_cast<const void *>(src.addr), 0x1000);
    else
      memset(kept + off, 0, 0x1000);
  }
  image.discard_volatile([](word) {});   // the old space and its mappings are gone already
  image.each_private([](word, word addr, word, bool) { frames.release(addr); });
  ckpt.drop(frames);   // the other program's memory: never to be restored into this one
  parc_start = parc_end = 0;
  word entry = 0;
  if (const char *why = load(&entry)) {
    printf("[pager] %s: program '%s' refused: %s\n", pinfo().client_name, pinfo().program, why);
    return false;
  }
  client_entry = entry;
  // The layout stamp is the area's first word, constant in each image.
  word stamp = 0;
  if (parc_end - parc_start == kept_len && kept_len)
    if (const word *area = live_parc()) stamp = area[0];
  if (kept_len && stamp == *reinterpret_cast<const word *>(kept)) {
    for (word off = 0; off < kept_len; off += 0x1000) {
      const p3::Source src = image.resolve(parc_start + off, fault::write);
      if (src.kind != p3::Source::frame) return false;
      memcpy(reinterpret_cast<void *>(src.addr), kept + off, 0x1000);
    }
  } else {
    printf("[pager] %s: the framework's area of '%s' differs: nothing carried over\n",
           pinfo().client_name, pinfo().program);
  }
  phases.unmapped = cycles();
  restarted(root::Action::swap, t0, carried);
  if (thread_ctl(p3::client_thread, ThreadOp::start, client_entry, 0) != Status::ok) {
    printf("[pager] %s: cannot start the new thread\n", pinfo().client_name);
    return false;
  }
  phases.started = cycles();
  report_restart(root::Action::swap, t0);
  return true;
}

// Restore (docs/restarts.md, "Checkpoint and restore"): back to the last checkpoint, in place
// like a hot restart. The thread is taken out of whatever it does; every private page goes except
// the framework's area (.parc: it describes the capabilities and requests of now, which the
// restore keeps); the checkpoint's pages are made again from their copies (mapped on the next
// touch); the thread resumes at the framework's restore entry on the checkpoint's stack, which
// returns into the restore point, and the framework serves its recorded requests again.
// The server's count of its device writes as its framework's area has it now (arc/proto/
// pager.hh); false when the area has none.
bool live_device_epoch(word *out) {
  if (parc_end - parc_start < 2 * sizeof(word)) return false;
  const word *area = live_parc();
  if (!area || !arc::pager::parc_has_device_epoch(area[0])) return false;
  *out = area[1];
  return true;
}

// Whether the checkpoint still matches the server's device: not when the server wrote to it
// since (ext2's disk): its memory would go back, its device would not, and the two would
// disagree (a directory entry of an inode the restored cache does not know). Then the restart
// is a hot one instead, which keeps the persistent state that matches the device.
bool checkpoint_matches_device() {
  word then = 0, now = 0;
  if (!ckpt.device_epoch(&then) || !live_device_epoch(&now) || then == now) return true;
  printf("[pager] %s: checkpoint #%lu refused: %lu writes to its device since; hot restart instead\n",
         pinfo().client_name, ckpt.number(), now - then);
  return false;
}

bool restore_restart(unsigned long long t0) {
  if (!ckpt.valid()) {
    printf("[pager] %s: no checkpoint to restore\n", pinfo().client_name);
    return false;
  }
  phases.decided = cycles();
  fault_site.drop();
  working_set.forget();   // the checkpoint's pages are others
  (void)exchange_registers(p3::client_thread, exregs::halt | exregs::abort_ipc);
  p3::threads::halt_all();   // none may run on the pages while they are replaced
  image.discard_all_but(parc_start, parc_end,
                        [](word addr) { (void)unmap(fpage(addr, 12, fpage_rights::rwx), false); });
  if (!ckpt.restore(image)) {
    printf("[pager] %s: no memory to restore checkpoint #%lu\n", pinfo().client_name, ckpt.number());
    return false;
  }
  phases.unmapped = cycles();
  restarted(root::Action::restore, t0, 0);
  // The helper threads first, each at the registers its park saved on its stack.
  const unsigned threads = p3::threads::restore(ckpt, pinfo().client_name);
  // Below the stack pointer it had in its call to us: the frames above are the restore point's.
  const word sp = (ckpt.resume_sp() - 64) & ~word(15);
  (void)exchange_registers(p3::client_thread, exregs::set_ip | exregs::set_sp | exregs::resume,
                           ckpt.resume_ip(), sp);
  phases.started = cycles();
  if (threads)
    printf("[pager] %s: restored checkpoint #%lu with %u helper threads\n", pinfo().client_name,
           ckpt.number(), threads);
  else
    printf("[pager] %s: restored checkpoint #%lu\n", pinfo().client_name, ckpt.number());
  report_restart(root::Action::restore, t0);
  return true;
}

// A checkpoint, asked by the framework at a restore point (its thread waits in this call): the
// pages written since the last one are copied, all are write-protected again, and the root task
// is told (the restart log). MR1 the restore entry; MR2 1 for a point the server marked.
void take_checkpoint(Utcb *u) {
  const word entry = u->mr[1], how = u->mr[2];
  // MR3: where the framework recorded its interrupt associations and sessions (within one page
  // of its memory, which the checkpoint copies), for the checkpoint's file.
  const word caps_va = Tag(u->mr[0]).untyped() >= 3 ? u->mr[3] : 0;
  // A period's checkpoints are said once in a hundred (the log keeps the last).
  const bool quiet = (u->mr[2] & arc::pager::checkpoint_periodic) && ckpt.number() % 100 != 0;
  const unsigned long long t0 = cycles();
  const word sp = exchange_registers(p3::client_thread, 0).r[1];
  const p3::Checkpoint::Taken t = ckpt.take(image, frames, parc_start, parc_end, entry, sp);
  if (t.ok) ckpt.set_caps_va(caps_va % arc::ckpt_caps::record_align == 0 && image.may_write(caps_va) ? caps_va : 0);
  if (t.ok) {
    word epoch = 0;
    const bool known = live_device_epoch(&epoch);
    ckpt.set_device_epoch(known, epoch);
  }
  if (t.ok) ckpt.protect([](word addr) { (void)unmap(fpage(addr, 12, fpage_rights::w), false); });
  const word took = word(cycles() - t0);
  if (t.ok && !quiet)
    printf("[pager] %s: checkpoint #%lu: %lu pages copied, %lu clean, %lu cycles\n",
           pinfo().client_name, ckpt.number(), t.copied, t.clean, took);
  else if (!t.ok)
    printf("[pager] %s: checkpoint failed (no memory for the copies): none is left\n",
           pinfo().client_name);
  u->mr[0] = Tag(root::checkpointed, 5, 0).raw;
  u->mr[1] = ckpt.number();
  u->mr[2] = t.copied;
  u->mr[3] = t.clean;
  u->mr[4] = took;
  u->mr[5] = how;   // a group checkpoint's member: the root task counts it for the group
  (void)call(proc::root);
  reply_status(u, t.ok ? Status::ok : Status::no_memory, 3);
  u->mr[2] = t.copied;
  u->mr[3] = t.clean;
  u->mr[4] = ckpt.number();
}

// The process failed: ask the reincarnation monitor (in the root task) what to do, and do the
// hot restart ourselves; warm and cold restarts the root task carries out. True when the
// process runs again (its thread must not get a reply).
unsigned long long fault_arrived;   // cycle counter when the current message arrived

// Whether the monitor answered the last report (false: it could not be asked).
bool monitor_answered;

ARC_RESTART_PATH bool failed(root::Cause cause, word addr, word ip) {
  const unsigned long long t0 = fault_arrived;   // restart times count from the fault IPC
  Utcb *u = utcb();
  u->mr[0] = Tag(root::crashed, 3, 0).raw;
  u->mr[1] = word(cause);
  u->mr[2] = addr;
  u->mr[3] = ip;
  monitor_answered = false;
  if (call(proc::root) != Status::ok || u->mr[1] != word(Status::ok)) return false;
  monitor_answered = true;
  const auto action = root::Action(u->mr[2]);
  const word backoff = u->mr[3], carried = u->mr[4];
  if (action != root::Action::hot && action != root::Action::warm && action != root::Action::swap &&
      action != root::Action::restore)
    return false;   // the root task takes over (or stops it)
  if (backoff) sleep_ms(backoff);
  phases.begin(action, t0);
  if (action == root::Action::hot) hot_restart(t0, true);
  else if (action == root::Action::warm) warm_restart(t0, carried);
  else if (action == root::Action::restore) {
    if (!checkpoint_matches_device()) {
      phases.kind = root::Action::hot;
      hot_restart(t0, true);
    } else if (!restore_restart(t0)) stop_client("restore failed at", 0, 0);
  } else if (!swap_restart(t0, carried)) stop_client("swap failed at", 0, 0);
  return true;
}

// The process crashed or misbehaved beyond what a pager can fix: say so, tell the root task.
void stop_client(const char *why, word a, word b) {
  printf("[pager] %s (pid %lu): %s %lx ip %lx; process stopped\n", pinfo().client_name,
         pinfo().client_pid, why, a, b);
  client_stopped = true;
  Utcb *u = utcb();
  u->mr[0] = Tag(root::exited, 1, 0).raw;
  u->mr[1] = word(-1);
  (void)call(proc::root);
}

const char *load(word *entry) {
  const p3::Info &pi = pinfo();
  const word at = pi.image_at ? pi.image_at : p3::image_base;   // another after a swap
  elf::Image elf;
  elf::Error err;
  if (!elf.open(reinterpret_cast<const void *>(at), pi.image_size,
                uint16_t(pi.machine), 0x1000, proc::heap_base_default, &err))
    return elf::describe(err);
  image.init(reinterpret_cast<const unsigned char *>(at), pi.image_size, &frames,
             pages, sizeof(pages) / sizeof(pages[0]), volatile_pages);
  for (unsigned i = 0; i < elf.segment_count(); ++i) {
    const elf::Segment &s = elf.segment(i);
    word rights = ((s.rights & elf::pf_r) ? fpage_rights::r : 0) |
                  ((s.rights & elf::pf_w) ? fpage_rights::w : 0) |
                  ((s.rights & elf::pf_x) ? fpage_rights::x : 0);
    if (!image.add_segment({s.vaddr, s.memsz, s.offset, s.filesz, rights})) return "too many segments";
  }
  elf::Section pdata, parc;
  elf::Error serr = elf.find_section(".pdata", &pdata);
  if (serr == elf::Error::none) image.set_persistent(pdata.addr, pdata.addr + pdata.size);
  else if (serr != elf::Error::no_section) return elf::describe(serr);
  // The framework's area, just before .pdata (libs/pmem/pdata.ld): persistent as well.
  const bool have_parc = elf.find_section(".parc", &parc) == elf::Error::none && parc.size;
  if (have_parc) {
    image.set_persistent(parc.addr, parc.addr + parc.size);
    parc_start = parc.addr;
    parc_end = parc.addr + parc.size;
  }
  // Its build: the linker's build id note (cmake/arc-target.cmake links every program with one),
  // hashed here, a few dozen bytes, instead of the whole file at a checkpoint's save.
  elf::Section note;
  file_program = {};
  if (elf.find_section(".note.gnu.build-id", &note) == elf::Error::none && note.size &&
      note.offset + note.size <= pi.image_size) {
    file_program.build_id = p3::ckptfile::hash(reinterpret_cast<const unsigned char *>(at) + note.offset, note.size);
    file_program.has_build_id = true;
  }
  file_program.parc_start = have_parc ? parc.addr : 0;
  file_program.parc_end = have_parc ? parc.addr + parc.size : 0;
  image.add_zero_range(proc::heap_base_default, proc::heap_base_default + proc::heap_size, false);
  image.add_zero_range(proc::stack_top - proc::stack_size, proc::stack_top, false);
  image.add_zero_range(proc::pheap_base, proc::pheap_base + proc::pheap_size, true);
  image.add_fixed(boot_info_addr, p3::client_info_addr, 0x1000, fpage_rights::r);
  for (word i = 0, off = 0; i < pi.n_devices; ++i) {
    image.add_fixed(pi.devices[i].va, p3::device_window + off, pi.devices[i].size,
                    fpage_rights::r | fpage_rights::w);
    off += (pi.devices[i].size + 0xfff) & ~word(0xfff);
  }
  // The process learns its layout from its information page (ours to fill, then read-only).
  auto *ci = reinterpret_cast<proc::Info *>(p3::client_info_addr);
  if (serr == elf::Error::none) {
    ci->pdata_start = have_parc ? parc.addr : pdata.addr;
    ci->pdata_end = pdata.addr + pdata.size;
  }
  *entry = elf.entry();
  return nullptr;
}

// The server's fault= (the root task passes it for its first start only): plant the breakpoint
// before the process runs, or say why not and run it without.
void arm_fault() {
  const p3::Info &pi = pinfo();
  if (pi.fault_mode == p3::Info::fault_none) return;
  if (const char *why = fault_site.arm(pi, image))
    printf("[pager] %s (pid %lu): fault at %lx refused: %s\n", pi.client_name, pi.client_pid,
           fault_site.site(), why);
  else
    printf("[pager] %s (pid %lu): fault armed at %lx (%s)\n", pi.client_name, pi.client_pid,
           fault_site.site(), fault_site.load() ? "load" : "watch");
}

// The process trapped on the fault's breakpoint: the site now holds what it is to run; resume
// the thread there (an exception reply with two words sets IP and SP).
bool fault_activated(Utcb *u) {
  word resume;
  if (!fault_site.hit(u->mr[1], u->mr[3], &resume)) return false;
  printf("[pager] %s (pid %lu): fault at %lx activated\n", pinfo().client_name, pinfo().client_pid,
         fault_site.site());
  const word sp = u->mr[4];
  u->mr[0] = Tag(0, 2, 0).raw;
  u->mr[1] = resume;
  u->mr[2] = sp;
  return true;
}

// Whether addr is in our window onto the process's device memory (p3::device_window on).
bool in_device_window(word addr) {
  const p3::Info &pi = pinfo();
  word end = p3::device_window;
  for (word i = 0; i < pi.n_devices && i < 4; ++i) end += (pi.devices[i].size + 0xfff) & ~word(0xfff);
  return addr >= p3::device_window && addr < end;
}

// Only pages we hold can be mapped on: fault in a window page we have not touched yet. Not by
// reading a device's registers, which has effects (a read of a UART's data register takes a
// received byte: a key typed while the console restarted warm was lost on ARM): the root task,
// which pages us, is asked for the page the way the kernel would ask on a fault.
void hold(word addr) {
  if (!in_device_window(addr)) {
    (void)*reinterpret_cast<volatile const char *>(addr);
    return;
  }
  Utcb *u = utcb();
  u->rcv_window = fpage(addr & ~word(0xfff), 12, fpage_rights::r | fpage_rights::w);
  u->mr[0] = Tag(label::page_fault, 3, 0).raw;
  u->mr[1] = addr;
  u->mr[2] = 0;
  u->mr[3] = fault::read;
  (void)call(proc::root);
  u->rcv_window = 0;
}

void map_reply(Utcb *u, word fault, const p3::Source &src) {
  hold(src.addr);
  u->mr[0] = Tag(0, 0, 2).raw;
  u->mr[1] = fpage(src.addr, 12, src.rights);
  u->mr[2] = (fault & ~word(0xfff)) | item::map;
}

// Where the page at addr comes from for an access (image, copy, zero page, persistent page).
p3::Source resolve_page(word addr, word access) {
  p3::Source src = image.resolve(addr, access);
  // Since the last checkpoint: a write marks the page dirty (it was write-protected); a read of a
  // page that is still as copied maps it read-only, so its first write comes here.
  if (ckpt.valid() && src.kind == p3::Source::frame) {
    if (access & fault::write) ckpt.written(addr);
    else if (ckpt.clean(addr)) src.rights &= ~fpage_rights::w;
  }
  return src;
}

// The first fault after a warm restart: the working set's pages too (see WorkingSet).
ARC_RESTART_PATH void premap(Utcb *u, word fault) {
  working_set.premap = false;
  const word fault_va = fault & ~word(0xfff);
  unsigned k = 3;   // after the faulting page's item (map_reply)
  for (unsigned i = 0; i < working_set.n && k + 1 < mr_count; ++i) {
    const word va = working_set.page[i];
    if (va == fault_va || shared_slot_of(va) >= 0) continue;
    const p3::Source src = resolve_page(va, working_set.access[i]);
    if (src.kind != p3::Source::image && src.kind != p3::Source::frame) continue;   // no longer there
    hold(src.addr);
    u->mr[k++] = fpage(src.addr, 12, src.rights);
    u->mr[k++] = va | item::map;
  }
  u->mr[0] = Tag(0, 0, k - 1).raw;
}

// Touch the pages of the restart path's code (ARC_RESTART_PATH, grouped by the linker with p3's
// hot functions: zero, discard_volatile, reset_volatile), from its lowest function to a little
// past its highest.
void touch_restart_path() {
  const word fns[] = {reinterpret_cast<word>(&restarted), reinterpret_cast<word>(&revoke),
                      reinterpret_cast<word>(&send_restarted), reinterpret_cast<word>(&report_restart),
                      reinterpret_cast<word>(&report_due),
                      reinterpret_cast<word>(&hot_restart), reinterpret_cast<word>(&warm_restart),
                      reinterpret_cast<word>(&failed),
                      reinterpret_cast<word>(&premap), reinterpret_cast<word>(&p3::zero),
                      // The printf of our failure line (a pager of a server that prints nothing
                      // else): hot as well (libs/arc/src/print.cc), with its formatter.
                      reinterpret_cast<word>(static_cast<int (*)(const char *, ...)>(&arc::printf))};
  word lo = fns[0], hi = fns[0];
  for (word f : fns) {
    if (f < lo) lo = f;
    if (f > hi) hi = f;
  }
  if (hi - lo > 0x8000) return;   // not grouped after all: touch nothing rather than much
  // A little past the highest: the functions of the group that are not named here.
  for (word a = lo & ~word(0xfff); a <= hi + 0x800; a += 0x1000) (void)*reinterpret_cast<volatile const char *>(a);
  // The data the failure's line reads: its format, its words and the formatter's own tables
  // (a jump table in .rodata: after the checkpoint's thread records came in, the first hot
  // restart paid a page fault of ours for it, 1,800 instructions on ia32). Formatted into a
  // buffer, so nothing is printed.
  char line[192];
  for (const char *what : failure_what) (void)arc::format(line, sizeof line, failure_line, "", 0ul, what, 0ul, 0ul);
}

} // namespace

int main(int, char **) {
  const p3::Info &pi = pinfo();
  if (pi.magic != p3::info_magic) {
    printf("[pager] no pager information; nothing to do\n");
    return 1;
  }
  word entry = 0;
  if (const char *why = load(&entry)) {
    printf("[pager] %s: program '%s' refused: %s\n", pi.client_name, pi.program, why);
    stop_client("bad executable", 0, 0);
    for (;;) sleep_ms(1000000);
  }
  client_entry = entry;
  touch_restart_path();
  arm_fault();
  if (thread_ctl(p3::client_thread, ThreadOp::start, entry, 0) != Status::ok) {
    stop_client("cannot start the main thread", entry, 0);
    for (;;) sleep_ms(1000000);
  }

  Utcb *u = utcb();
  word badge = 0;
  u->rcv_cap_slot = p3::threads::receive_slot();   // a helper thread's announcement
  Status st = recv(p3::fault_ep, &badge);
  // While a warm restart's second report waits (report_due), no wait lasts longer than
  // report_wait_ms.
  auto wait_timeouts = [] { return cleanup_due ? ipc::timeouts(0, report_wait_ms) : forever; };
  for (;;) {
    if (st != Status::ok) {
      if (st == Status::timeout) report_due();
      st = recv(p3::fault_ep, &badge, wait_timeouts());
      continue;
    }
    fault_arrived = cycles();
    const Tag tag(u->mr[0]);
    // Page faults are the restarted process coming back: the second report waits. Anything
    // else (a new failure first of all) comes after it; the recovery report is answered first
    // (the root task may be calling the process: it would wait for our answer).
    if (tag.label() != label::page_fault && tag.label() != arc::pager::recovered) report_due();
    bool answer = true;
    switch (tag.label()) {
    case label::page_fault: {
      word addr = u->mr[1], ip = u->mr[2], access = u->mr[3];
      p3::Source src;
      if (int i = shared_slot_of(addr); i >= 0)
        src = {p3::Source::frame,
               p3::share_window + word(i) * p3::share_slot + ((addr - p3::client_share_base) % p3::share_slot & ~word(0xfff)),
               fpage_rights::r | fpage_rights::w};
      else
        src = resolve_page(addr, access);
      if (src.kind == p3::Source::invalid || src.kind == p3::Source::exhausted) {
        // Either way the process cannot go on; the monitor's policy decides (a restart frees
        // its volatile pages). The log says which, for whoever reads it.
        const char *what = src.kind == p3::Source::exhausted ? failure_what[0]
                           : access & fault::write             ? failure_what[1]
                                                               : failure_what[2];
        report_due();   // what a warm restart before this failure left goes first
        printf(failure_line, pi.client_name, pi.client_pid, what, addr, ip);
        failed(root::Cause::crash, addr, ip);
        answer = false;   // restarted (it runs from its entry) or stopped: no reply either way
      } else {
        map_reply(u, addr, src);
        if (__builtin_expect(working_set.premap, 0)) premap(u, addr);
        else if (working_set.n < WorkingSet::max) working_set.note(addr, access);
        if (phases.active) phases_fault(fault_arrived, cycles());
      }
      break;
    }
    case label::exception: {
      if (fault_activated(u)) break;   // answered: the thread runs the site
      // The framework's panic is an undefined instruction on purpose (arch::panic_vector).
      const word vector = u->mr[1], ip = u->mr[3];
      printf("[pager] %s (pid %lu): exception %lu at ip %lx\n", pi.client_name, pi.client_pid, vector, ip);
      failed(vector == arc::arch::panic_vector ? root::Cause::panic : root::Cause::exception, vector, ip);
      answer = false;
      break;
    }
    case arc::pager::restart: {
      // Only the root task (unbadged) restarts a process this way: a group restart.
      if (badge != 0) {   // the process itself: no
        reply_status(u, Status::no_rights);
        break;
      }
      answer = false;   // a send: nobody waits for an answer
      const auto kind = root::Action(u->mr[1]);
      const word carried = u->mr[2];
      printf("[pager] %s (pid %lu): %s restart asked by the monitor\n", pi.client_name,
             pi.client_pid, kind_name(kind));
      phases.begin(kind, fault_arrived);
      if (kind == root::Action::warm) warm_restart(fault_arrived, carried);
      else if (kind == root::Action::restore) {
        if (!checkpoint_matches_device() || !restore_restart(fault_arrived)) {
          phases.kind = root::Action::hot;
          hot_restart(fault_arrived);
        }
      } else if (kind == root::Action::swap) {
        if (!swap_restart(fault_arrived, carried)) stop_client("swap failed at", 0, 0);
      } else hot_restart(fault_arrived);
      break;
    }
    case arc::pager::corrupt: {
      // The framework found the persistent state damaged at start: the monitor escalates to a
      // cold or group restart (or stops it); the process, waiting here, never runs again. Only
      // if the monitor cannot be asked does it go on (resetting its state in place).
      printf("[pager] %s (pid %lu): persistent memory is corrupt\n", pi.client_name, pi.client_pid);
      if (badge == 0) {   // the root task: not a process's report
        reply_status(u, Status::no_rights);
        break;
      }
      (void)failed(root::Cause::corrupt, 0, 0);
      answer = !monitor_answered;
      if (answer) reply_status(u, Status::not_supported);
      break;
    }
    case arc::pager::checkpoint:
      if (badge == 0) reply_status(u, Status::no_rights);   // the process's own request only
      else if ((u->mr[2] & arc::pager::checkpoint_marked) && !pi.checkpoint_marked)
        reply_status(u, Status::not_supported);
      else take_checkpoint(u);
      break;
    case arc::pager::ckpt_export:
    case arc::pager::ckpt_import:
      // From the root task only (a send: nobody waits); the process itself may not.
      if (badge != 0) {
        reply_status(u, Status::no_rights);
        break;
      }
      answer = false;
      if (tag.label() == arc::pager::ckpt_export) p3::export_checkpoint(ckpt, file_program);
      else p3::import_checkpoint(ckpt, image, frames, file_program, u->mr[1], p3::threads::known_mask());
      break;
    case arc::pager::recovered:
      phases_report(u->mr[1], u->mr[2]);
      reply_status(u, Status::ok);
      if (cleanup_due) {   // answered first, then the root task told (see report_due)
        (void)reply(ipc::timeouts(0, 0));
        report_due();
        answer = false;
      }
      break;
    case arc::pager::counts: {
      p3::Image::Counts c = image.counts();
      reply_status(u, Status::ok, 4);
      u->mr[2] = c.resident;
      u->mr[3] = c.persistent;
      u->mr[4] = c.image_shared;
      u->mr[5] = c.cow_copies;
      break;
    }
    case arc::pager::thread_add:
      p3::threads::add(u, badge, p3::client_thread);
      break;
    case arc::pager::share_create:
    case arc::pager::share_allow:
    case arc::pager::share_attach:
    case arc::pager::share_detach:
      serve_share(u);
      break;
    case arc::pager::exit:
      printf("[pager] %s (pid %lu) exited with status %ld\n", pi.client_name, pi.client_pid,
             long(u->mr[1]));
      // A server serves until it is stopped: one with a restart policy that ends (returns from
      // main, gives up on its device) has failed, and the monitor restarts it like a crashed one
      // (fault injection found ext2 ending on a mount error, its clients waiting for ever). For
      // a program without a policy the monitor answers "stop" and says nothing.
      if (failed(root::Cause::exit, u->mr[1], 0)) {
        answer = false;   // restarted: it runs again from its entry
        break;
      }
      if (monitor_answered) {   // stopped (the root task takes it down) or restarted cold
        client_stopped = true;
        answer = false;
        break;
      }
      client_stopped = true;
      u->mr[0] = Tag(root::exited, 1, 0).raw;
      (void)call(proc::root);
      answer = false;
      break;
    default:
      reply_status(u, Status::invalid_arg);
      break;
    }
    p3::threads::message_done(tag.typed());
    u->rcv_cap_slot = p3::threads::receive_slot();
    st = answer ? reply_wait(p3::fault_ep, &badge, wait_timeouts())
                : recv(p3::fault_ep, &badge, wait_timeouts());
  }
}
