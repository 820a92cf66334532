#include <p3/ckptfile.hh>
#include <string.h>

namespace p3::ckptfile {

uint32_t hash(const void *p, size_t n) {
  Fnv f;
  f.add(p, n);
  return f.h;
}

Header make_header(const Expect &what, uint32_t pages, uint32_t number, uint32_t ip, uint32_t sp,
                   uint32_t caps_bytes, uint32_t caps_va) {
  Header h;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, magic, sizeof h.magic);
  h.version = version;
  h.header_bytes = sizeof(Header);
  h.machine = what.machine;
  h.page_size = page_bytes;
  h.pages = pages;
  h.number = number;
  h.resume_ip = ip;
  h.resume_sp = sp;
  h.parc_start = what.parc_start;
  h.parc_end = what.parc_end;
  h.image_bytes = what.image_bytes;
  h.image_hash = what.image_hash;
  strncpy(h.program, what.program, sizeof h.program - 1);
  h.caps_bytes = caps_bytes;
  h.caps_va = caps_va;
  h.total_bytes = file_bytes(pages, caps_bytes);
  return h;
}

Error check_header(const Header &h, const Expect &e) {
  if (memcmp(h.magic, magic, sizeof magic)) return Error::bad_magic;
  if (h.version != version) return Error::bad_version;
  if (h.header_bytes != sizeof(Header) || h.page_size != page_bytes || h.pages > max_pages ||
      h.caps_bytes < caps_part_bytes(0, 0, 0) || h.caps_bytes > max_caps_bytes ||
      h.total_bytes != file_bytes(h.pages, h.caps_bytes) || (h.parc_start | h.parc_end) % page_bytes ||
      h.parc_end < h.parc_start || h.program[program_bytes - 1] != 0)
    return Error::bad_header;
  if (h.machine != e.machine) return Error::wrong_machine;
  if (strncmp(h.program, e.program, program_bytes)) return Error::wrong_program;
  if (h.image_bytes != e.image_bytes || h.image_hash != e.image_hash) return Error::wrong_image;
  // Same image, so the same layout: the area moves only if the file lies about it.
  if (h.parc_start != e.parc_start || h.parc_end != e.parc_end) return Error::bad_header;
  return Error::none;
}

Error check_short(const void *bytes, size_t n) {
  return memcmp(bytes, magic, n < sizeof magic ? n : sizeof magic) ? Error::bad_magic : Error::truncated;
}

Error check_length(const Header &h, uint64_t total) {
  if (total < h.total_bytes) return Error::truncated;
  if (total > h.total_bytes) return Error::too_long;
  return Error::none;
}

Error check_table(const Header &h, const uint32_t *vas) {
  for (uint32_t i = 0; i < h.pages; ++i) {
    const uint32_t va = vas[i];
    if (va % page_bytes || va == 0) return Error::bad_table;
    if (va >= h.parc_start && va < h.parc_end) return Error::bad_table;
    // Each page once (a quadratic look: a checkpoint has tens of pages, at most max_pages).
    for (uint32_t j = 0; j < i; ++j)
      if (vas[j] == va) return Error::bad_table;
  }
  return Error::none;
}

Place locate(uint32_t pages, uint32_t caps_bytes, uint32_t offset) {
  const uint32_t hb = sizeof(Header), tb = pages * 4;
  if (offset < hb) return {Place::header, 0, offset, hb - offset};
  offset -= hb;
  if (offset < tb) return {Place::table, offset / 4, offset, tb - offset};
  offset -= tb;
  if (offset < caps_bytes) return {Place::caps, 0, offset, caps_bytes - offset};
  offset -= caps_bytes;
  if (offset < pages * page_bytes)
    return {Place::page, offset / page_bytes, offset % page_bytes, page_bytes - offset % page_bytes};
  return {Place::end, 0, 0, 0};
}

namespace {
void put32(unsigned char *&p, uint32_t v) {
  memcpy(p, &v, 4);
  p += 4;
}
uint32_t get32(const unsigned char *&p) {
  uint32_t v;
  memcpy(&v, p, 4);
  p += 4;
  return v;
}
} // namespace

uint32_t encode_caps(const arc::ckpt_caps::Record &r, unsigned char *out) {
  namespace cc = arc::ckpt_caps;
  const bool ok = r.magic == cc::magic && r.n_irqs <= cc::max_irqs &&
                  r.n_sessions <= cc::max_sessions && r.n_threads <= cc::max_threads;
  const uint32_t ni = ok ? r.n_irqs : 0, ns = ok ? r.n_sessions : 0, nt = ok ? r.n_threads : 0;
  unsigned char *p = out;
  put32(p, ni);
  put32(p, ns);
  put32(p, nt);
  put32(p, nt ? r.thread_resume : 0);
  for (uint32_t i = 0; i < ni; ++i) {
    put32(p, r.irqs[i].line);
    put32(p, r.irqs[i].slot);
    put32(p, r.irqs[i].ep);
  }
  for (uint32_t i = 0; i < ns; ++i) {
    const cc::Session &s = r.sessions[i];
    put32(p, s.id);
    put32(p, s.badge);
    put32(p, s.owner_pid);
    put32(p, s.token);
    put32(p, s.addr);
    put32(p, s.bytes);
  }
  for (uint32_t i = 0; i < nt; ++i) {
    put32(p, r.threads[i].number);
    put32(p, r.threads[i].sp);
  }
  return uint32_t(p - out);
}

Error decode_caps(const Header &h, const unsigned char *part, arc::ckpt_caps::Record *r) {
  namespace cc = arc::ckpt_caps;
  memset(r, 0, sizeof *r);
  if (h.caps_bytes < caps_part_bytes(0, 0, 0)) return Error::bad_caps;
  const unsigned char *p = part;
  const uint32_t ni = get32(p), ns = get32(p), nt = get32(p), resume = get32(p);
  if (ni > cc::max_irqs || ns > cc::max_sessions || nt > cc::max_threads ||
      h.caps_bytes != caps_part_bytes(ni, ns, nt))
    return Error::bad_caps;
  // The record is in the checkpoint's pages, within one page; none is where nothing is recorded.
  if ((ni || ns || nt) && !h.caps_va) return Error::bad_caps;
  if (nt && !resume) return Error::bad_caps;   // threads that could not be resumed anywhere
  if (h.caps_va % cc::record_align) return Error::bad_caps;
  r->magic = cc::magic;
  r->n_irqs = ni;
  r->n_sessions = ns;
  r->n_threads = nt;
  r->thread_resume = resume;
  for (uint32_t i = 0; i < ni; ++i) {
    r->irqs[i].line = get32(p);
    r->irqs[i].slot = get32(p);
    r->irqs[i].ep = get32(p);
  }
  for (uint32_t i = 0; i < ns; ++i) {
    cc::Session &s = r->sessions[i];
    s.id = get32(p);
    s.badge = get32(p);
    s.owner_pid = get32(p);
    s.token = get32(p);
    s.addr = get32(p);
    s.bytes = get32(p);
  }
  // Each helper thread once, by a number its pager could have given it.
  uint32_t seen = 0;
  for (uint32_t i = 0; i < nt; ++i) {
    cc::Thread &t = r->threads[i];
    t.number = get32(p);
    t.sp = get32(p);
    if (t.number < 1 || t.number > cc::max_threads || (seen & (1u << t.number)) || !t.sp) {
      memset(r, 0, sizeof *r);
      return Error::bad_caps;
    }
    seen |= 1u << t.number;
  }
  return Error::none;
}

} // namespace p3::ckptfile
