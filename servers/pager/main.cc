// The per-process pager (P3). One runs for every process the root task starts. It loads the
// process's ELF image from the boot module the root task mapped for it, answers the process's
// page faults (image pages, copy-on-write data, zero pages, persistent pages, device windows),
// takes its exceptions, and reports its page counts. Frames come from the root task.
#include "image.hh"
#include "pager_info.hh"
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

namespace {

const p3::Info &pinfo() { return *reinterpret_cast<const p3::Info *>(p3::pager_info_addr); }

// Frames from the root task, fetched in batches into our frame window.
class RootFrames final : public p3::FrameSource {
public:
  word alloc() override {
    if (!free_) refill();
    if (!free_) return 0;
    Free *f = free_;
    free_ = f->next;
    if (f->dirty) memset(f, 0, 0x1000);   // a frame that came back: zero it now, not at release
    else f->next = nullptr;               // from the root task: zero already
    return reinterpret_cast<word>(f);
  }
  // Released frames are zeroed when they are used again: a restart that discards many pages
  // does not pay for zeroing them.
  void release(word addr) override {
    push(addr);
    reinterpret_cast<Free *>(addr)->dirty = 1;
  }

private:
  void push(word addr) {
    auto *f = reinterpret_cast<Free *>(addr);
    f->next = free_;
    free_ = f;
  }
  struct Free { Free *next; word dirty; };
  void refill() {
    constexpr word batch = 16;
    if (next_ + batch * 0x1000 > p3::frame_window + (word(1) << p3::frame_window_log2)) return;
    Utcb *u = utcb();
    u->rcv_window = fpage(p3::frame_window, p3::frame_window_log2, fpage_rights::rwx);
    u->mr[0] = Tag(root::frames, 2, 0).raw;
    u->mr[1] = batch;
    u->mr[2] = next_;
    Status st = call(proc::root);
    u->rcv_window = 0;
    if (st != Status::ok || Tag(u->mr[0]).map_failed()) return;
    word got = u->mr[1];
    for (word i = 0; i < got; ++i) push(next_ + i * 0x1000);   // zero: dirty stays 0
    next_ += got * 0x1000;
  }
  Free *free_ = nullptr;
  word next_ = p3::frame_window;
};

RootFrames frames;

// Shared regions of the client (sessions): pages the root task gave us for it, mapped on to
// the client at a slot of its share area. Slot i: client_share_base + i * share_slot in the
// client, share_window + i * share_slot in our space.
struct Shared { word token, pages; bool used; };
Shared shared[64];

int shared_slot_of(word client_va) {
  if (client_va < p3::client_share_base) return -1;
  word i = (client_va - p3::client_share_base) / p3::share_slot;
  return i < 64 && shared[i].used && client_va < p3::client_share_base + i * p3::share_slot + shared[i].pages * 0x1000
             ? int(i) : -1;
}

// Ask the root task for a region (label share_new) or access to one (share_map) into slot i.
Status root_share(word label, word a, word b, int i, word *token_or_pages) {
  Utcb *u = utcb();
  u->rcv_window = fpage(p3::share_window, p3::share_window_log2, fpage_rights::rwx);
  const word base = p3::share_window + word(i) * p3::share_slot;
  if (label == root::share_new) {
    u->mr[0] = Tag(label, 2, 0).raw;
    u->mr[1] = a;
    u->mr[2] = base;
  } else {
    u->mr[0] = Tag(label, 3, 0).raw;
    u->mr[1] = a;
    u->mr[2] = b;
    u->mr[3] = base;
  }
  Status st = call(proc::root);
  u->rcv_window = 0;
  if (st != Status::ok) return st;
  if (Status(u->mr[1]) != Status::ok) return Status(u->mr[1]);
  if (Tag(u->mr[0]).map_failed()) return Status::no_memory;
  *token_or_pages = u->mr[2];
  return Status::ok;
}

int free_shared_slot() {
  for (int i = 0; i < 64; ++i)
    if (!shared[i].used) return i;
  return -1;
}

void serve_share(Utcb *u) {
  const word label = Tag(u->mr[0]).label();
  auto status = [u](Status s, unsigned results = 0) {
    u->mr[0] = Tag(0, 1 + results, 0).raw;
    u->mr[1] = word(s);
  };
  if (label == arc::pager::share_create || label == arc::pager::share_attach) {
    int i = free_shared_slot();
    if (i < 0) return status(Status::no_memory);
    word token, pages;
    Status st;
    if (label == arc::pager::share_create) {
      word bytes = u->mr[1];
      pages = (bytes + 0xfff) / 0x1000;
      if (!bytes || pages > p3::share_slot / 0x1000) return status(Status::invalid_arg);
      st = root_share(root::share_new, pages, 0, i, &token);
    } else {
      token = u->mr[1];
      st = root_share(root::share_map, token, u->mr[2], i, &pages);
    }
    if (st != Status::ok) return status(st);
    shared[i] = {token, pages, true};
    status(Status::ok, 2);
    u->mr[2] = p3::client_share_base + word(i) * p3::share_slot;
    u->mr[3] = token;
    return;
  }
  if (label == arc::pager::share_allow) {
    Utcb *v = u;
    word token = v->mr[1], pid = v->mr[2];
    v->mr[0] = Tag(root::share_allow, 2, 0).raw;
    v->mr[1] = token;
    v->mr[2] = pid;
    Status st = call(proc::root);
    return status(st != Status::ok ? st : Status(v->mr[1]));
  }
  // share_detach: the client's mapping goes (revoked from our page), then our hold.
  int i = shared_slot_of(u->mr[1]);
  if (i < 0 || u->mr[1] != p3::client_share_base + word(i) * p3::share_slot) return status(Status::invalid_arg);
  for (word k = 0; k < shared[i].pages; ++k)
    (void)unmap(fpage(p3::share_window + word(i) * p3::share_slot + k * 0x1000, 12, fpage_rights::rwx), true);
  u->mr[0] = Tag(root::share_drop, 1, 0).raw;
  u->mr[1] = shared[i].token;
  (void)call(proc::root);
  shared[i] = {};
  status(Status::ok);
}
p3::Image image;
p3::Image::Page pages[8192];   // private pages of the process: 32 MiB
word volatile_pages[8192];
bool client_stopped;

void reply_status(Utcb *u, Status s, unsigned extra = 0) {
  u->mr[0] = Tag(0, 1 + extra, 0).raw;
  u->mr[1] = word(s);
}

word client_entry;

inline unsigned long long cycles() { return arc::arch::cycles(); }

// Hot restart: the process stays; its volatile pages go (they come back from the pristine
// image on demand), its persistent pages stay mapped, its main thread starts again at the
// entry. The kernel still holds the reply right of the request it was serving, so the
// framework's replay answers the waiting client. (Single-threaded processes: the main thread.)
void hot_restart(unsigned long long t0) {
  // 1. Take the thread: out of its fault IPC (to us), held still.
  (void)exchange_registers(p3::client_thread, exregs::halt | exregs::abort_ipc);
  // 2. Revoke the private volatile pages (data, bss, heap, stack: whatever the failure may have
  //    damaged). Pages mapped straight from the image stay: they are read-only, so still
  //    pristine, and the restarted process need not fault them in again. Persistent pages stay.
  image.discard_volatile([](word addr) { (void)unmap(fpage(addr, 12, fpage_rights::rwx), false); });
  // 3. Tell it it was restarted, then start it at the entry with the stack crt0 sets up.
  auto *ci = reinterpret_cast<proc::Info *>(p3::client_info_addr);
  ++ci->restarts;
  ci->last_restart_kind = word(root::Action::hot);
  ci->restart_cycles_lo = word(t0);
  ci->restart_cycles_hi = word(t0 >> 32);
  (void)exchange_registers(p3::client_thread, exregs::set_ip | exregs::set_sp | exregs::resume,
                           client_entry, 0);
  Utcb *u = utcb();
  u->mr[0] = Tag(root::restarted, 1, 0).raw;
  u->mr[1] = word(cycles() - t0);
  (void)call(proc::root);
}

// The process failed: ask the reincarnation monitor (in the root task) what to do, and do the
// hot restart ourselves; warm and cold restarts the root task carries out. True when the
// process runs again (its thread must not get a reply).
unsigned long long fault_arrived;   // cycle counter when the current message arrived

bool failed(root::Cause cause, word addr, word ip) {
  const unsigned long long t0 = fault_arrived;   // restart times count from the fault IPC
  Utcb *u = utcb();
  u->mr[0] = Tag(root::crashed, 3, 0).raw;
  u->mr[1] = word(cause);
  u->mr[2] = addr;
  u->mr[3] = ip;
  if (call(proc::root) != Status::ok || u->mr[1] != word(Status::ok)) return false;
  const auto action = root::Action(u->mr[2]);
  const word backoff = u->mr[3];
  if (action != root::Action::hot) return false;   // the root task takes over (or stops it)
  if (backoff) sleep_ms(backoff);
  hot_restart(t0);
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
  elf::Image elf;
  elf::Error err;
  if (!elf.open(reinterpret_cast<const void *>(p3::image_base), pi.image_size,
                uint16_t(pi.machine), 0x1000, proc::heap_base_default, &err))
    return elf::describe(err);
  image.init(reinterpret_cast<const unsigned char *>(p3::image_base), pi.image_size, &frames,
             pages, sizeof(pages) / sizeof(pages[0]), volatile_pages);
  for (unsigned i = 0; i < elf.segment_count(); ++i) {
    const elf::Segment &s = elf.segment(i);
    word rights = ((s.rights & elf::pf_r) ? fpage_rights::r : 0) |
                  ((s.rights & elf::pf_w) ? fpage_rights::w : 0) |
                  ((s.rights & elf::pf_x) ? fpage_rights::x : 0);
    if (!image.add_segment({s.vaddr, s.memsz, s.offset, s.filesz, rights})) return "too many segments";
  }
  elf::Section pdata;
  elf::Error serr = elf.find_section(".pdata", &pdata);
  if (serr == elf::Error::none) image.set_persistent(pdata.addr, pdata.addr + pdata.size);
  else if (serr != elf::Error::no_section) return elf::describe(serr);
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
    ci->pdata_start = pdata.addr;
    ci->pdata_end = pdata.addr + pdata.size;
  }
  *entry = elf.entry();
  return nullptr;
}

void map_reply(Utcb *u, word fault, const p3::Source &src) {
  // Only pages we hold can be mapped on: fault in a window page we have not touched yet.
  (void)*reinterpret_cast<volatile const char *>(src.addr);
  u->mr[0] = Tag(0, 0, 2).raw;
  u->mr[1] = fpage(src.addr, 12, src.rights);
  u->mr[2] = (fault & ~word(0xfff)) | item::map;
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
  if (thread_ctl(p3::client_thread, ThreadOp::start, entry, 0) != Status::ok) {
    stop_client("cannot start the main thread", entry, 0);
    for (;;) sleep_ms(1000000);
  }

  Utcb *u = utcb();
  word badge = 0;
  Status st = recv(p3::fault_ep, &badge);
  for (;;) {
    if (st != Status::ok) {
      st = recv(p3::fault_ep, &badge);
      continue;
    }
    fault_arrived = cycles();
    const Tag tag(u->mr[0]);
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
        src = image.resolve(addr, access);
      if (src.kind == p3::Source::invalid) {
        printf("[pager] %s (pid %lu): %s %lx ip %lx\n", pi.client_name, pi.client_pid,
               access & fault::write ? "invalid write at" : "invalid access at", addr, ip);
        failed(root::Cause::crash, addr, ip);
        answer = false;   // restarted (it runs from its entry) or stopped: no reply either way
      } else {
        map_reply(u, addr, src);
      }
      break;
    }
    case label::exception: {
      // The framework's panic is an undefined instruction on purpose (arch::panic_vector).
      const word vector = u->mr[1], ip = u->mr[3];
      printf("[pager] %s (pid %lu): exception %lu at ip %lx\n", pi.client_name, pi.client_pid, vector, ip);
      failed(vector == arc::arch::panic_vector ? root::Cause::panic : root::Cause::exception, vector, ip);
      answer = false;
      break;
    }
    case arc::pager::counts: {
      p3::Image::Counts c = image.counts();
      reply_status(u, Status::ok, 4);
      u->mr[2] = c.resident;
      u->mr[3] = c.persistent;
      u->mr[4] = c.image_shared;
      u->mr[5] = c.cow_copies;
      break;
    }
    case arc::pager::share_create:
    case arc::pager::share_allow:
    case arc::pager::share_attach:
    case arc::pager::share_detach:
      serve_share(u);
      break;
    case arc::pager::exit:
      printf("[pager] %s (pid %lu) exited with status %ld\n", pi.client_name, pi.client_pid,
             long(u->mr[1]));
      client_stopped = true;
      u->mr[0] = Tag(root::exited, 1, 0).raw;
      (void)call(proc::root);
      answer = false;
      break;
    default:
      reply_status(u, Status::invalid_arg);
      break;
    }
    st = answer ? reply_wait(p3::fault_ep, &badge) : recv(p3::fault_ep, &badge);
  }
}
