#include <p3/ckptfile.hh>
#include <string.h>

namespace p3::ckptfile {

uint32_t hash(const void *p, size_t n) {
  Fnv f;
  f.add(p, n);
  return f.h;
}

Header make_header(const Expect &what, uint32_t pages, uint32_t number, uint32_t ip, uint32_t sp) {
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
  h.total_bytes = file_bytes(pages);
  return h;
}

Error check_header(const Header &h, const Expect &e) {
  if (memcmp(h.magic, magic, sizeof magic)) return Error::bad_magic;
  if (h.version != version) return Error::bad_version;
  if (h.header_bytes != sizeof(Header) || h.page_size != page_bytes || h.pages > max_pages ||
      h.total_bytes != file_bytes(h.pages) || (h.parc_start | h.parc_end) % page_bytes ||
      h.parc_end < h.parc_start || h.program[program_bytes - 1] != 0 || h.reserved[0] ||
      h.reserved[1])
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

Place locate(uint32_t pages, uint32_t offset) {
  const uint32_t hb = sizeof(Header), tb = pages * 4;
  if (offset < hb) return {Place::header, 0, offset, hb - offset};
  offset -= hb;
  if (offset < tb) return {Place::table, offset / 4, offset, tb - offset};
  offset -= tb;
  if (offset < pages * page_bytes)
    return {Place::page, offset / page_bytes, offset % page_bytes, page_bytes - offset % page_bytes};
  return {Place::end, 0, 0, 0};
}

} // namespace p3::ckptfile
