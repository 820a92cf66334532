// sigma0: the first pager. It owns all conventional memory (the kernel maps any free physical
// page into sigma0's space at its own address when sigma0 touches it) and hands out pages to the
// root task: a fresh zeroed page for each page fault, module pages on request. It never revokes.
// A fault it cannot serve (the null page; no frame left) it refuses, and says which.
#include <arc/libc.h>
#include <arc/proto/sigma0.hh>
#include <arc/start.hh>
#include <arc/sys.hh>

using namespace arc;

// sigma0 is below everything: its console is the kernel's (arc/libc.h).
ARC_CONSOLE_KDEBUG_ONLY;

namespace {

struct Allocator {
  const BootInfo *bi;
  unsigned region = 0;
  word next = 0;
  word handed_out = 0;

  // A naturally aligned free chunk of 2^log2 bytes, or 0. Alignment gaps are skipped for good:
  // the root task asks for large chunks first, so they only occur at region starts.
  word alloc_chunk(unsigned log2) {
    const word size = word(1) << log2;
    for (unsigned r = region; r < bi->n_regions; ++r) {
      const BootInfo::Region &reg = bi->regions[r];
      if (reg.kind != BootInfo::region_free) continue;
      word cur = (r == region && next) ? next : ((reg.base + 0xfff) & ~word(0xfff));
      word base = (cur + size - 1) & ~(size - 1);
      if (base < cur || base + size > reg.base + reg.size) continue;
      // Hand out [base, base + size); later regions stay untouched, earlier ones are done.
      if (r != region) { region = r; }
      next = base + size;
      handed_out += size >> 12;
      return base;
    }
    return 0;
  }

  // The next free frame, or 0.
  word alloc() {
    for (; region < bi->n_regions; ++region, next = 0) {
      const BootInfo::Region &r = bi->regions[region];
      if (r.kind != BootInfo::region_free) continue;
      if (!next) next = (r.base + 0xfff) & ~word(0xfff);
      if (next + 0x1000 <= r.base + r.size) {
        word f = next;
        next += 0x1000;
        ++handed_out;
        return f;
      }
    }
    return 0;
  }

  word free_frames() const {
    word n = 0;
    for (unsigned i = region; i < bi->n_regions; ++i) {
      const BootInfo::Region &r = bi->regions[i];
      if (r.kind != BootInfo::region_free) continue;
      word start = (i == region && next) ? next : ((r.base + 0xfff) & ~word(0xfff));
      if (r.base + r.size > start) n += (r.base + r.size - start) >> 12;
    }
    return n;
  }

  bool in_any_region(word phys) const {
    for (unsigned i = 0; i < bi->n_regions; ++i)
      if (phys >= bi->regions[i].base && phys - bi->regions[i].base < bi->regions[i].size) return true;
    return false;
  }

  bool in_module(word phys) const {
    for (unsigned i = 0; i < bi->n_modules; ++i)
      if (phys >= (bi->modules[i].base & ~word(0xfff)) && phys < bi->modules[i].base + bi->modules[i].size)
        return true;
    return false;
  }
};

void zero_page(word addr) {
  auto *p = reinterpret_cast<word *>(addr);
  for (unsigned i = 0; i < 1024; ++i) p[i] = 0;
}

void root_failed(word vector, word error, word ip, word addr) {
  if (vector == exc_vector::fault_refused)
    printf("[sigma0] the root task failed: a fault at %lx ip %lx was refused; rebooting the "
           "machine\n", addr, ip);
  else
    printf("[sigma0] the root task failed: exception %lx (error %lx) at ip %lx; rebooting the "
           "machine\n", vector, error, ip);
  const Status st = syscall(Sys::kdebug, word(KdOp::reboot)).status;
  printf("[sigma0] reboot failed (%s): the system stays halted\n",
         st == Status::not_supported ? "this board cannot reset itself" : "refused");
}

} // namespace

int main(int, char **) {
  const BootInfo *bi = boot_info();
  Allocator mem{bi};
  printf("[sigma0] %lu MiB of free memory to hand out\n", mem.free_frames() >> 8);
  Utcb *u = utcb();
  word badge = 0;
  bool exhausted_told = false;   // said once: every later fault would say it again
  Status st = recv(boot_cap::sigma0_ep, &badge);
  for (;;) {
    if (st != Status::ok) {
      st = recv(boot_cap::sigma0_ep, &badge);
      continue;
    }
    const Tag tag(u->mr[0]);
    if (tag.label() == label::page_fault) {
      const word fault = u->mr[1], ip = u->mr[2], access = u->mr[3];
      // The first page stays empty: a null pointer in the root task must fault, not read a
      // fresh zero page. A page the client has, but not for this access (a write to its code),
      // is not replaced by a fresh one. Anywhere else is anonymous memory while frames last.
      // Every refusal is final (the kernel tells the thread's handler, or stops the thread).
      word reason = fault < 0x1000 ? refusal::no_such_memory
                    : access & fault::present ? refusal::no_access
                                              : 0;
      word frame = reason ? 0 : mem.alloc();
      if (!frame) {
        if (!reason) reason = refusal::exhausted;
        if (reason != refusal::exhausted || !exhausted_told)
          printf("[sigma0] %s: fault at %lx ip %lx from client %lu refused\n",
                 reason == refusal::no_such_memory ? "no such memory"
                 : reason == refusal::no_access    ? "access not allowed"
                                                   : "memory exhausted",
                 fault, ip, badge);
        exhausted_told = exhausted_told || reason == refusal::exhausted;
        u->mr[0] = Tag(label::fault_refused, 1, 0).raw;
        u->mr[1] = reason;
      } else {
        zero_page(frame);
        u->mr[0] = Tag(0, 0, 2).raw;
        u->mr[1] = fpage(frame, 12, fpage_rights::rwx);
        u->mr[2] = (fault & ~word(0xfff)) | item::map;
      }
    } else if (tag.label() == sigma0::label_map_module ||
               tag.label() == sigma0::label_map_module_rw) {
      word phys = u->mr[1] & ~word(0xfff), hot = u->mr[2];
      if (mem.in_module(phys)) {
        volatile word touch = *reinterpret_cast<volatile word *>(phys);   // enter our space
        (void)touch;
        u->mr[0] = Tag(0, 0, 2).raw;
        // Read and execute: modules are programs, and their read-only pages reach processes
        // through the root task and the pagers (a right dropped here is dropped for all of
        // them; without x, ARM's execute-never bit would be set). A data module (a disk image)
        // is read-write instead, never executable.
        const bool rw = tag.label() == sigma0::label_map_module_rw;
        u->mr[1] = fpage(phys, 12, rw ? fpage_rights::r | fpage_rights::w
                                      : fpage_rights::r | fpage_rights::x);
        u->mr[2] = (hot & ~word(0xfff)) | item::map;
      } else {
        u->mr[0] = Tag(0, 1, 0).raw;
        u->mr[1] = word(Status::invalid_arg);
      }
    } else if (tag.label() == sigma0::label_map_device) {
      word phys = u->mr[1] & ~word(0xfff), hot = u->mr[2];
      if (!mem.in_any_region(phys)) {
        // Touching it makes the kernel map it here (a read of the page's first register), at its
        // own address, or in the board's device aperture where the kernel shows it to us.
        const word va = bi->aperture_size && phys - bi->aperture_phys < bi->aperture_size
                            ? bi->aperture_va + (phys - bi->aperture_phys)
                            : phys;
        volatile word touch = *reinterpret_cast<volatile word *>(va);
        (void)touch;
        u->mr[0] = Tag(0, 0, 2).raw;
        u->mr[1] = fpage(va, 12, fpage_rights::r | fpage_rights::w);
        u->mr[2] = (hot & ~word(0xfff)) | item::map;
      } else {
        u->mr[0] = Tag(0, 1, 0).raw;
        u->mr[1] = word(Status::invalid_arg);
      }
    } else if (tag.label() == sigma0::label_alloc_chunk) {
      unsigned log2 = unsigned(u->mr[1]);
      word base = (log2 >= 12 && log2 <= 22) ? mem.alloc_chunk(log2) : 0;
      if (base) {
        // Not touched first: the kernel enters each frame of physical memory into our space as
        // it maps it on (kernel/ipc/transfer.cc), as it does when we touch one.
        u->mr[0] = Tag(0, 1, 2).raw;
        u->mr[1] = base;
        u->mr[2] = fpage(base, log2, fpage_rights::rwx);
        u->mr[3] = base | item::map;
      } else {
        u->mr[0] = Tag(0, 1, 0).raw;
        u->mr[1] = word(Status::no_memory);
      }
    } else if (tag.label() == label::exception && badge == boot_cap::root_handler_badge) {
      // The root task failed (the kernel made us its exception handler, with a badge no task
      // holds). It pages every pager and runs the monitor; nothing can start it again but a
      // reset of the machine. Its thread is left waiting for our answer.
      root_failed(u->mr[1], u->mr[2], u->mr[3], u->mr[6]);
      st = recv(boot_cap::sigma0_ep, &badge);
      continue;
    } else if (tag.label() == sigma0::label_free_frames) {
      u->mr[0] = Tag(0, 1, 0).raw;
      u->mr[1] = mem.free_frames();
    } else {
      u->mr[0] = Tag(0, 1, 0).raw;
      u->mr[1] = word(Status::invalid_arg);
    }
    st = reply_wait(boot_cap::sigma0_ep, &badge);
  }
}
