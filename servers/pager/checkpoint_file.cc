// Checkpoints as files: the pager's side (checkpoint_file.hh; docs/restarts.md, "Checkpoints in
// files").
#include "checkpoint_file.hh"

#include <p3/ckptfile.hh>
#include <arc/arch.hh>
#include <arc/libc.h>
#include <arc/proto/pager_info.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/sys.hh>
#include <string.h>

namespace p3 {

using namespace arc;
namespace cf = p3::ckptfile;
namespace cc = arc::ckpt_caps;

namespace {

const Info &pinfo() { return *reinterpret_cast<const Info *>(pager_info_addr); }
unsigned long long cycles() { return arc::arch::cycles(); }

// What this process is, for a file's header and its checks. Its build is named by the linker's
// build id, found when the program was loaded: nothing to hash here. A program linked without
// one is hashed whole, once per program.
cf::Expect file_expect(const FileProgram &me) {
  const Info &pi = pinfo();
  static word hashed_at, hashed_size, hash;
  const word at = pi.image_at ? pi.image_at : image_base;
  if (!me.has_build_id && (hashed_at != at || hashed_size != pi.image_size)) {
    hash = cf::hash(reinterpret_cast<const void *>(at), pi.image_size);
    hashed_at = at;
    hashed_size = pi.image_size;
  }
  return {uint32_t(pi.machine), pi.program, uint32_t(pi.image_size),
          uint32_t(me.has_build_id ? me.build_id : hash), uint32_t(me.parc_start), uint32_t(me.parc_end)};
}

// The bytes of the file on their way to the root task, a message's worth at a time.
struct Putter {
  static constexpr word chunk = (arc::mr_count - 3) * sizeof(word);
  unsigned char buf[chunk];
  word n = 0, offset = 0;
  bool ok = true;
  void flush() {
    if (!n || !ok) return;
    Utcb *u = utcb();
    u->mr[0] = Tag(root::checkpoint_put, 2 + (n + sizeof(word) - 1) / sizeof(word), 0).raw;
    u->mr[1] = offset;
    u->mr[2] = n;
    memcpy(&u->mr[3], buf, n);
    ok = call(proc::root) == Status::ok && u->mr[1] == word(Status::ok);
    offset += n;
    n = 0;
  }
  void add(const void *p, word len) {
    const unsigned char *b = static_cast<const unsigned char *>(p);
    while (len && ok) {
      const word part = len < chunk - n ? len : chunk - n;
      memcpy(buf + n, b, part);
      n += part;
      b += part;
      len -= part;
      if (n == chunk) flush();
    }
  }
  void end(word total, word number) {
    flush();
    Utcb *u = utcb();
    u->mr[0] = Tag(root::checkpoint_put, 3, 0).raw;
    u->mr[1] = ok ? total : 0;
    u->mr[2] = 0;
    u->mr[3] = number;
    (void)call(proc::root);
  }
};

// The framework's record in the checkpoint's pages (none: an empty one).
cc::Record record_of(const Checkpoint &ckpt) {
  cc::Record r{};
  if (const unsigned char *at = ckpt.caps_va() ? ckpt.copy_at(ckpt.caps_va()) : nullptr)
    memcpy(&r, at, sizeof r);
  if (r.magic != cc::magic) r = cc::Record{};
  return r;
}

// The interrupt associations of a file, made again by line: the capability slot that holds
// that line in this process (its boot line's irq=, here). False when it has none.
bool irqs_by_line(cc::Record *r) {
  const auto *ci = reinterpret_cast<const proc::Info *>(client_info_addr);
  for (uint32_t i = 0; i < r->n_irqs; ++i) {
    bool found = false;
    for (word k = 0; k < ci->n_resources && k < 12 && !found; ++k)
      if (ci->resources[k].kind == proc::Resource::irq && ci->resources[k].first == r->irqs[i].line) {
        r->irqs[i].slot = uint32_t(ci->resources[k].slot);
        found = true;
      }
    if (!found) return false;
  }
  return true;
}

} // namespace

void export_checkpoint(const Checkpoint &ckpt, const FileProgram &me) {
  const unsigned long long t0 = cycles();
  static Putter put;
  put = Putter{};
  if (!ckpt.valid()) {
    printf("[pager] %s: no checkpoint to write out\n", pinfo().client_name);
    return put.end(0, 0);
  }
  static unsigned char caps[cf::max_caps_bytes];
  const cc::Record rec = record_of(ckpt);
  const uint32_t caps_bytes = cf::encode_caps(rec, caps);
  cf::Header h = cf::make_header(file_expect(me), ckpt.pages(), uint32_t(ckpt.number()),
                                 uint32_t(ckpt.resume_ip()), uint32_t(ckpt.resume_sp()), caps_bytes,
                                 rec.magic ? uint32_t(ckpt.caps_va()) : 0);
  static const Checkpoint *c;
  c = &ckpt;
  auto va = [](uint32_t i) { return uint32_t(c->page_va(i)); };
  auto page = [](uint32_t i) { return reinterpret_cast<const void *>(c->page_copy(i)); };
  h.checksum = cf::checksum(h, va, caps, page);
  put.add(&h, sizeof h);
  for (unsigned i = 0; i < ckpt.pages(); ++i) {
    const uint32_t v = va(i);
    put.add(&v, 4);
  }
  put.add(caps, caps_bytes);
  for (unsigned i = 0; i < ckpt.pages(); ++i) put.add(page(i), cf::page_bytes);
  put.end(h.total_bytes, ckpt.number());
  if (put.ok)
    printf("[pager] %s: checkpoint #%lu written out: %u pages, %u interrupt associations, %u sessions, %u threads, %u bytes, checksum %08x, %llu cycles\n",
           pinfo().client_name, ckpt.number(), unsigned(h.pages), unsigned(rec.n_irqs),
           unsigned(rec.n_sessions), unsigned(rec.n_threads), unsigned(h.total_bytes),
           unsigned(h.checksum), cycles() - t0);
  else
    printf("[pager] %s: checkpoint #%lu could not be written out\n", pinfo().client_name,
           ckpt.number());
}

void import_checkpoint(Checkpoint &ckpt, Image &image, FrameSource &frames, const FileProgram &me,
                       word total, unsigned threads_known) {
  const unsigned long long t0 = cycles();
  static uint32_t vas[cf::max_pages];
  static word copies[cf::max_pages];
  static word vas_w[cf::max_pages];
  static unsigned char caps[cf::max_caps_bytes];
  cf::Header h;
  const cf::Expect expect = file_expect(me);
  cf::Error err = cf::Error::none;
  unsigned have = 0;   // pages with a frame
  word offset = 0;
  while (offset < total && err == cf::Error::none) {
    Utcb *u = utcb();
    u->mr[0] = Tag(root::checkpoint_get, 1, 0).raw;
    u->mr[1] = offset;
    if (call(proc::root) != Status::ok || u->mr[1] != word(Status::ok) || !u->mr[2] ||
        u->mr[2] > (arc::mr_count - 3) * sizeof(word)) {
      err = cf::Error::truncated;
      break;
    }
    static unsigned char data[arc::mr_count * sizeof(word)];
    word n = u->mr[2];
    memcpy(data, &u->mr[3], n);
    for (word k = 0; k < n && err == cf::Error::none;) {
      const bool whole = offset >= sizeof h;   // the header is in: its lengths are checked
      const cf::Place at = cf::locate(whole ? h.pages : 0, whole ? h.caps_bytes : 0, uint32_t(offset));
      word part = n - k < at.left ? n - k : at.left;
      if (at.part == cf::Place::header) {
        memcpy(reinterpret_cast<unsigned char *>(&h) + at.within, data + k, part);
        if (offset + part == sizeof h) {
          err = cf::check_header(h, expect);
          if (err == cf::Error::none) err = cf::check_length(h, total);
        }
      } else if (at.part == cf::Place::table) {
        memcpy(reinterpret_cast<unsigned char *>(vas) + at.within, data + k, part);
      } else if (at.part == cf::Place::caps) {
        memcpy(caps + at.within, data + k, part);
      } else if (at.part == cf::Place::page) {
        if (at.index >= have) {
          copies[have] = frames.alloc();
          if (!copies[have]) { err = cf::Error::no_memory; break; }
          ++have;
        }
        memcpy(reinterpret_cast<unsigned char *>(copies[at.index]) + at.within, data + k, part);
      } else {
        err = cf::Error::too_long;
      }
      k += part;
      offset += part;
    }
  }
  if (err == cf::Error::none && total < sizeof h) err = cf::check_short(&h, total);
  if (err == cf::Error::none && have != h.pages) err = cf::Error::truncated;
  if (err == cf::Error::none) err = cf::check_table(h, vas);
  for (unsigned i = 0; err == cf::Error::none && i < h.pages; ++i)
    if (!image.may_write(vas[i])) err = cf::Error::bad_page;
  if (err == cf::Error::none &&
      cf::checksum(h, [](uint32_t i) { return vas[i]; }, caps,
                   [](uint32_t i) { return reinterpret_cast<const void *>(copies[i]); }) != h.checksum)
    err = cf::Error::bad_checksum;
  // The capabilities: well formed, the record in one of the file's pages, and every interrupt
  // line one this process holds here (a driver restored without its interrupt would wait for
  // ever). Its sessions are the old boot's: the framework drops those not open here.
  cc::Record rec;
  unsigned rec_page = h.pages;
  if (err == cf::Error::none) err = cf::decode_caps(h, caps, &rec);
  if (err == cf::Error::none && h.caps_va) {
    for (unsigned i = 0; i < h.pages; ++i)
      if (vas[i] == (h.caps_va & ~uint32_t(0xfff))) rec_page = i;
    if (rec_page == h.pages) err = cf::Error::bad_caps;
  }
  if (err == cf::Error::none && !irqs_by_line(&rec)) err = cf::Error::missing_irq;
  // Its helper threads must be here (the process made them as it did there: the same numbers),
  // or they could not be put back.
  for (uint32_t i = 0; err == cf::Error::none && i < rec.n_threads; ++i)
    if (!(threads_known & (1u << rec.threads[i].number))) err = cf::Error::missing_thread;
  if (err != cf::Error::none) {
    for (unsigned i = 0; i < have; ++i) frames.release(copies[i]);
    printf("[pager] %s: checkpoint file of %lu bytes refused: %s; nothing changed\n",
           pinfo().client_name, total, cf::error_name(err));
  } else {
    if (rec_page < h.pages) {   // the file's record, the lines' slots of here, marked loaded
      rec.loaded = 1;
      memcpy(reinterpret_cast<unsigned char *>(copies[rec_page]) + (h.caps_va & 0xfff), &rec, sizeof rec);
    }
    for (unsigned i = 0; i < h.pages; ++i) vas_w[i] = vas[i];
    ckpt.adopt(frames, vas_w, copies, h.pages, h.resume_ip, h.resume_sp, h.caps_va);
    printf("[pager] %s: checkpoint #%lu loaded from a file (#%u of %s where it was saved): %u pages, %u interrupt associations, %u sessions, %u threads, %llu cycles\n",
           pinfo().client_name, ckpt.number(), unsigned(h.number), h.program, unsigned(h.pages),
           unsigned(rec.n_irqs), unsigned(rec.n_sessions), unsigned(rec.n_threads), cycles() - t0);
  }
  Utcb *u = utcb();
  u->mr[0] = Tag(root::checkpoint_loaded, 2, 0).raw;
  u->mr[1] = word(err);
  u->mr[2] = err == cf::Error::none ? ckpt.number() : 0;
  (void)call(proc::root);
}

} // namespace p3
