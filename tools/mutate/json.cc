// A site as one line of JSON: the contract with the campaign runner (field names and spelling
// must not change).
#include "mutator.hh"

#include <cstdio>

namespace arc::mutate {

namespace {

void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char esc[7];
        std::snprintf(esc, sizeof esc, "\\u%04x", c);
        out += esc;
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

std::string hex(const std::vector<uint8_t>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

}  // namespace

std::string site_json(const Site& site) {
  char addr[11];
  std::snprintf(addr, sizeof addr, "0x%08x", site.addr);
  std::string out = "{";
  auto key = [&](const char* name) {
    if (out.size() > 1)
      out += ',';
    append_string(out, name);
    out += ':';
  };
  auto text = [&](const char* name, std::string_view value) {
    key(name);
    append_string(out, value);
  };
  auto number = [&](const char* name, uint64_t value) {
    key(name);
    out += std::to_string(value);
  };
  text("id", site.id);
  text("type", fault_type_name(site.type));
  number("variant", site.variant);
  text("addr", addr);
  text("isa", isa_name(site.isa));
  text("function", site.function);
  number("offset", site.offset);
  text("original", hex(site.original));
  text("mutated", hex(site.mutated));
  text("before", site.before);
  text("after", site.after);
  out += '}';
  return out;
}

}  // namespace arc::mutate
