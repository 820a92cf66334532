// What arc-mutate needs to know about an ELF: its bytes, its code sections, its function symbols
// and, on ARM, which parts of the code are A32, Thumb or data (mapping symbols $a/$t/$d).
// Read with libelf from a copy of the file in memory, so a mutated copy is that copy with a few
// bytes replaced.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace arc::mutate {

// Bad input (a missing file, not an ELF, a stripped binary, an unknown id, ...): the CLI prints
// the message after `arc-mutate: error: ` and exits with 1.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Machine { x86, arm };
enum class Isa { x86, arm, thumb };

const char* isa_name(Isa isa);

// A section with code (SHF_EXECINSTR, with bytes in the file).
struct CodeSection {
  std::string name;
  uint32_t addr = 0;
  uint32_t size = 0;
  uint64_t offset = 0;  // in the file
};

// One name of a function. `file` is the STT_FILE symbol a local symbol follows in the symbol
// table (the linker groups local symbols per input file), empty for global symbols.
struct SymbolName {
  std::string name;
  bool local = false;
  std::string file;
};

// A function: STT_FUNC symbols with a size, in a code section, folded per address. On ARM
// `addr` has no Thumb bit; `thumb` says what the bit was. A function that runs into the next
// one is cut at the next one's start, so no byte belongs to two functions.
struct Function {
  uint32_t addr = 0;
  uint32_t size = 0;
  bool thumb = false;
  std::vector<SymbolName> names;  // names[0] is the one reported
  const std::string& name() const { return names.front().name; }
};

// An ARM mapping symbol: from `addr` on, the section holds A32 code, Thumb code or data.
struct MappingSymbol {
  uint32_t addr = 0;
  char kind = 'a';  // 'a', 't' or 'd'
};

// A stretch of one function's code decoded in a single ISA.
struct CodeRange {
  uint32_t start = 0;
  uint32_t end = 0;  // exclusive
  Isa isa = Isa::x86;
};

class Image {
public:
  // Reads and checks the file: a 32-bit executable for EM_386 or EM_ARM with a symbol table.
  static Image load(const std::string& path);
  static Image parse(std::vector<uint8_t> bytes, const std::string& name);

  const std::string& name() const { return name_; }
  std::span<const uint8_t> bytes() const { return bytes_; }
  Machine machine() const { return machine_; }
  // The first 8 hex digits of the 64-bit FNV-1a hash of the whole file: the prefix of every id.
  const std::string& hash() const { return hash_; }
  const std::vector<CodeSection>& code_sections() const { return sections_; }
  // Sorted by address, one per address (aliases folded in).
  const std::vector<Function>& functions() const { return functions_; }

  // File offset of `size` bytes at `addr`, if they lie in one code section.
  std::optional<uint64_t> file_offset(uint32_t addr, uint32_t size) const;
  // The bytes at `addr`, or an empty span if they are not all in one code section.
  std::span<const uint8_t> code_at(uint32_t addr, uint32_t size) const;
  // The function whose [addr, addr + size) holds `addr`.
  const Function* function_at(uint32_t addr) const;
  // The function split by ISA (mapping symbols on ARM); data ($d) is left out.
  std::vector<CodeRange> code_ranges(const Function& f) const;

private:
  std::string name_;
  std::vector<uint8_t> bytes_;
  Machine machine_ = Machine::x86;
  std::string hash_;
  std::vector<CodeSection> sections_;
  std::vector<Function> functions_;
  std::vector<MappingSymbol> mapping_;  // sorted by address
};

// 64-bit FNV-1a; the image hash is its first 8 hex digits.
uint64_t fnv1a64(std::span<const uint8_t> bytes);
std::string image_hash(std::span<const uint8_t> bytes);

// The functions a program's own object files define: global names, and (file, name) pairs for
// local ones (a static function is matched together with its source file's STT_FILE name, so
// a `static helper` of newlib is not taken for the program's own).
struct OwnFunctions {
  std::set<std::string> global;
  std::set<std::pair<std::string, std::string>> local;
  bool contains(const Function& f) const;
};

// Reads the `.objects` list (one object file per line, relative paths from the list's folder)
// and each object's symbol table.
OwnFunctions read_own_functions(const std::string& objects_list);

}  // namespace arc::mutate
