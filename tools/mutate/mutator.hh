// Mutation sites of an image: listing them, finding one by its stable id, applying it.
//
// A site is one variant of one fault type at one instruction; its id is
// `<imagehash>-<type>-<addr, 8 hex digits>-<variant>`. What a site changes depends only on the
// image's bytes and symbols, never on the scope it was listed with, so an id always names the
// same bytes of the same image.
#pragma once

#include "decoder.hh"
#include "elf_code.hh"
#include "fault.hh"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arc::mutate {

struct Site {
  std::string id;
  FaultType type = FaultType::assignment;
  unsigned variant = 0;
  uint32_t addr = 0;  // without the Thumb bit
  Isa isa = Isa::x86;
  std::string function;
  uint64_t offset = 0;  // in the file
  std::vector<uint8_t> original;
  std::vector<uint8_t> mutated;  // same length
  std::string before;  // Capstone's text of the original instruction
  std::string after;   // and of what replaces it
};

struct SiteId {
  std::string hash;
  FaultType type = FaultType::assignment;
  uint32_t addr = 0;
  unsigned variant = 0;
};

std::string format_id(const SiteId& id);
// Throws Error for anything that is not a well-formed id.
SiteId parse_id(std::string_view text);

// Every site of the given types in the functions `own` holds (all functions if null), sorted by
// address, then variant, then type.
std::vector<Site> list_sites(const Image& image, const Decoder& decoder, FaultTypes types,
                             const OwnFunctions* own = nullptr);

// The site an id names; throws Error if its hash is not this image's or there is no such site.
Site find_site(const Image& image, const Decoder& decoder, std::string_view id);

// The whole file with the site's bytes replaced.
std::vector<uint8_t> apply_site(const Image& image, const Site& site);

// One JSON object on one line (no newline at the end).
std::string site_json(const Site& site);

}  // namespace arc::mutate
