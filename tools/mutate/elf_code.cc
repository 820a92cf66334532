#include "elf_code.hh"

#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

namespace arc::mutate {

const char* isa_name(Isa isa) {
  switch (isa) {
  case Isa::x86: return "x86";
  case Isa::arm: return "arm";
  case Isa::thumb: return "thumb";
  }
  return "?";
}

uint64_t fnv1a64(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string image_hash(std::span<const uint8_t> bytes) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(fnv1a64(bytes)));
  return std::string(text, 8);
}

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  uint8_t chunk[65536];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0)
    bytes.insert(bytes.end(), chunk, chunk + n);
  bool failed = std::ferror(f);
  int err = errno;
  std::fclose(f);
  if (failed)
    throw Error("cannot read " + path + ": " + std::strerror(err));
  return bytes;
}

// libelf over a private copy of the bytes (elf_memory wants a writable buffer).
class ElfHandle {
public:
  ElfHandle(std::span<const uint8_t> bytes, const std::string& name)
      : buffer_(bytes.begin(), bytes.end()) {
    if (elf_version(EV_CURRENT) == EV_NONE)
      throw Error(std::string("libelf: ") + elf_errmsg(-1));
    elf_ = elf_memory(reinterpret_cast<char*>(buffer_.data()), buffer_.size());
    if (!elf_ || elf_kind(elf_) != ELF_K_ELF)
      throw Error(name + ": not an ELF file");
  }
  ~ElfHandle() { elf_end(elf_); }
  ElfHandle(const ElfHandle&) = delete;
  ElfHandle& operator=(const ElfHandle&) = delete;
  Elf* get() const { return elf_; }

private:
  std::vector<uint8_t> buffer_;
  Elf* elf_ = nullptr;
};

struct RawSymbol {
  std::string name;
  GElf_Sym sym;
  std::string file;  // STT_FILE it follows (local symbols only)
};

// Every symbol of the SHT_SYMTAB, or nullopt if there is none.
std::optional<std::vector<RawSymbol>> read_symtab(Elf* elf) {
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB || shdr.sh_entsize == 0)
      continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data)
      return std::nullopt;
    std::vector<RawSymbol> out;
    std::string file;
    size_t count = shdr.sh_size / shdr.sh_entsize;
    for (size_t i = 1; i < count; ++i) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(i), &sym))
        continue;
      const char* n = elf_strptr(elf, shdr.sh_link, sym.st_name);
      std::string name = n ? n : "";
      if (GELF_ST_TYPE(sym.st_info) == STT_FILE) {
        file = name;
        continue;
      }
      bool local = GELF_ST_BIND(sym.st_info) == STB_LOCAL;
      out.push_back({name, sym, local ? file : std::string()});
    }
    return out;
  }
  return std::nullopt;
}

// `$a`, `$t`, `$d` and their `$a.<n>` forms.
std::optional<char> mapping_kind(const std::string& name) {
  if (name.size() < 2 || name[0] != '$' || (name[1] != 'a' && name[1] != 't' && name[1] != 'd'))
    return std::nullopt;
  if (name.size() > 2 && name[2] != '.')
    return std::nullopt;
  return name[1];
}

// Which of several names at one address is reported: global before weak before local, then the
// shortest, then the first in byte order — anything deterministic.
int binding_rank(const GElf_Sym& s) {
  switch (GELF_ST_BIND(s.st_info)) {
  case STB_GLOBAL: return 0;
  case STB_WEAK: return 1;
  default: return 2;
  }
}

}  // namespace

Image Image::load(const std::string& path) {
  return parse(read_file(path), path);
}

Image Image::parse(std::vector<uint8_t> bytes, const std::string& name) {
  Image img;
  img.name_ = name;
  img.hash_ = image_hash(bytes);
  ElfHandle handle(bytes, name);
  Elf* elf = handle.get();

  if (gelf_getclass(elf) != ELFCLASS32)
    throw Error(name + ": not a 32-bit ELF file");
  GElf_Ehdr ehdr;
  if (!gelf_getehdr(elf, &ehdr))
    throw Error(name + ": unreadable ELF header");
  if (ehdr.e_ident[EI_DATA] != ELFDATA2LSB)
    throw Error(name + ": big-endian ELF cannot be decoded (arc-mutate handles little-endian "
                       "IA32 and ARM)");
  if (ehdr.e_type != ET_EXEC)
    throw Error(name + ": not an executable (ELF type " + std::to_string(ehdr.e_type) + ")");
  if (ehdr.e_machine == EM_386)
    img.machine_ = Machine::x86;
  else if (ehdr.e_machine == EM_ARM)
    img.machine_ = Machine::arm;
  else
    throw Error(name + ": machine " + std::to_string(ehdr.e_machine) +
                " cannot be decoded (arc-mutate handles EM_386 and EM_ARM)");

  size_t shstrndx = 0;
  if (elf_getshdrstrndx(elf, &shstrndx) != 0)
    throw Error(name + ": no section name table");
  std::vector<int> code_index;  // section index -> position in sections_, or -1
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    size_t index = elf_ndxscn(scn);
    if (code_index.size() <= index)
      code_index.resize(index + 1, -1);
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr))
      continue;
    if (shdr.sh_type != SHT_PROGBITS || !(shdr.sh_flags & SHF_EXECINSTR) ||
        !(shdr.sh_flags & SHF_ALLOC))
      continue;
    if (shdr.sh_offset + shdr.sh_size > bytes.size())
      throw Error(name + ": section runs past the end of the file");
    const char* sname = elf_strptr(elf, shstrndx, shdr.sh_name);
    code_index[index] = static_cast<int>(img.sections_.size());
    img.sections_.push_back({sname ? sname : "", static_cast<uint32_t>(shdr.sh_addr),
                             static_cast<uint32_t>(shdr.sh_size), shdr.sh_offset});
  }

  auto symbols = read_symtab(elf);
  if (!symbols)
    throw Error(name + ": stripped binary: no symbol table, functions cannot be told apart");

  struct Candidate {
    Function f;
    GElf_Sym sym;
  };
  std::vector<Candidate> funcs;
  for (const RawSymbol& s : *symbols) {
    size_t shndx = s.sym.st_shndx;
    if (shndx == SHN_UNDEF || shndx >= code_index.size() || code_index[shndx] < 0)
      continue;
    uint32_t value = static_cast<uint32_t>(s.sym.st_value);
    if (img.machine_ == Machine::arm && GELF_ST_TYPE(s.sym.st_info) == STT_NOTYPE) {
      if (auto kind = mapping_kind(s.name))
        img.mapping_.push_back({value, *kind});
      continue;
    }
    if (GELF_ST_TYPE(s.sym.st_info) != STT_FUNC || s.sym.st_size == 0)
      continue;
    Function f;
    f.thumb = img.machine_ == Machine::arm && (value & 1);
    f.addr = img.machine_ == Machine::arm ? value & ~1u : value;
    f.size = static_cast<uint32_t>(s.sym.st_size);
    f.names.push_back({s.name, GELF_ST_BIND(s.sym.st_info) == STB_LOCAL, s.file});
    // A function must lie in its section (the bytes we decode are that section's).
    const CodeSection& sec = img.sections_[code_index[shndx]];
    if (f.addr < sec.addr || f.addr - sec.addr + uint64_t(f.size) > sec.size)
      continue;
    funcs.push_back({std::move(f), s.sym});
  }
  std::sort(funcs.begin(), funcs.end(), [](const Candidate& a, const Candidate& b) {
    if (a.f.addr != b.f.addr)
      return a.f.addr < b.f.addr;
    if (a.f.size != b.f.size)
      return a.f.size > b.f.size;
    if (binding_rank(a.sym) != binding_rank(b.sym))
      return binding_rank(a.sym) < binding_rank(b.sym);
    if (a.f.name().size() != b.f.name().size())
      return a.f.name().size() < b.f.name().size();
    return a.f.name() < b.f.name();
  });
  for (Candidate& c : funcs) {
    if (!img.functions_.empty() && img.functions_.back().addr == c.f.addr) {
      img.functions_.back().names.push_back(c.f.names.front());
      continue;
    }
    if (!img.functions_.empty()) {
      Function& prev = img.functions_.back();
      if (prev.addr + prev.size > c.f.addr)
        prev.size = c.f.addr - prev.addr;
    }
    img.functions_.push_back(std::move(c.f));
  }
  std::stable_sort(img.mapping_.begin(), img.mapping_.end(),
                   [](const MappingSymbol& a, const MappingSymbol& b) { return a.addr < b.addr; });
  img.bytes_ = std::move(bytes);
  return img;
}

std::optional<uint64_t> Image::file_offset(uint32_t addr, uint32_t size) const {
  for (const CodeSection& s : sections_) {
    if (addr >= s.addr && uint64_t(addr - s.addr) + size <= s.size)
      return s.offset + (addr - s.addr);
  }
  return std::nullopt;
}

std::span<const uint8_t> Image::code_at(uint32_t addr, uint32_t size) const {
  auto off = file_offset(addr, size);
  if (!off)
    return {};
  return std::span<const uint8_t>(bytes_).subspan(*off, size);
}

const Function* Image::function_at(uint32_t addr) const {
  auto it = std::upper_bound(functions_.begin(), functions_.end(), addr,
                             [](uint32_t a, const Function& f) { return a < f.addr; });
  if (it == functions_.begin())
    return nullptr;
  --it;
  return addr - it->addr < it->size ? &*it : nullptr;
}

std::vector<CodeRange> Image::code_ranges(const Function& f) const {
  uint32_t end = f.addr + f.size;
  if (machine_ == Machine::x86)
    return {{f.addr, end, Isa::x86}};

  // The kind in force at the function's start: the last mapping symbol at or before it in the
  // same section, else the function symbol's Thumb bit.
  uint32_t section_start = f.addr;
  for (const CodeSection& s : sections_)
    if (f.addr >= s.addr && f.addr - s.addr < s.size)
      section_start = s.addr;
  char kind = f.thumb ? 't' : 'a';
  auto it = std::upper_bound(mapping_.begin(), mapping_.end(), f.addr,
                             [](uint32_t a, const MappingSymbol& m) { return a < m.addr; });
  for (auto back = it; back != mapping_.begin();) {
    --back;
    if (back->addr < section_start)
      break;
    kind = back->kind;
    break;
  }

  std::vector<CodeRange> ranges;
  uint32_t start = f.addr;
  auto flush = [&](uint32_t stop) {
    if (stop > start && kind != 'd')
      ranges.push_back({start, stop, kind == 't' ? Isa::thumb : Isa::arm});
  };
  for (; it != mapping_.end() && it->addr < end; ++it) {
    if (it->kind == kind)
      continue;
    flush(it->addr);
    start = it->addr;
    kind = it->kind;
  }
  flush(end);
  return ranges;
}

bool OwnFunctions::contains(const Function& f) const {
  for (const SymbolName& n : f.names) {
    if (n.local ? local.count({n.file, n.name}) : global.count(n.name))
      return true;
  }
  return false;
}

OwnFunctions read_own_functions(const std::string& objects_list) {
  std::ifstream list(objects_list);
  if (!list)
    throw Error("cannot read the object list " + objects_list + ": " + std::strerror(errno) +
                " (give it with --objects FILE, or use --scope all)");
  namespace fs = std::filesystem;
  fs::path folder = fs::path(objects_list).parent_path();
  OwnFunctions own;
  std::string line;
  size_t objects = 0;
  while (std::getline(list, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.pop_back();
    if (line.empty())
      continue;
    fs::path path = line;
    if (path.is_relative())
      path = folder / path;
    std::vector<uint8_t> bytes = read_file(path.string());
    ElfHandle handle(bytes, path.string());
    auto symbols = read_symtab(handle.get());
    if (!symbols)
      throw Error(path.string() + ": object file without a symbol table");
    // Local symbols of an object follow its one STT_FILE; read_symtab recorded it.
    for (const RawSymbol& s : *symbols) {
      if (GELF_ST_TYPE(s.sym.st_info) != STT_FUNC || s.sym.st_shndx == SHN_UNDEF)
        continue;
      if (GELF_ST_BIND(s.sym.st_info) == STB_LOCAL)
        own.local.insert({s.file, s.name});
      else
        own.global.insert(s.name);
    }
    ++objects;
  }
  if (objects == 0)
    throw Error(objects_list + ": lists no object files");
  return own;
}

}  // namespace arc::mutate
