// arc-mutate: the command line. The campaign runner depends on these commands, their options,
// the JSON lines and the exit codes (0 ok, 1 bad input, 2 usage); keep them as they are.
#include "mutator.hh"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace arc::mutate;

constexpr const char* kUsage =
    "usage: arc-mutate sites ELF [--scope own|all] [--objects FILE] [--type T[,T...]]\n"
    "       arc-mutate show ELF ID\n"
    "       arc-mutate apply ELF ID -o OUT\n"
    "types: assignment, conditional, initialization, off-by-one (the default: all four),\n"
    "       crash, hang (a trap or a branch to itself at each function's first instruction,\n"
    "       for tests and demos)\n"
    "--scope own (default) takes the functions of the objects listed in ELF.objects\n";

struct Usage {
  std::string message;
};

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::string scope = "own";
  std::optional<std::string> objects;
  std::optional<std::string> types;
  std::optional<std::string> output;
};

Args parse_args(int argc, char** argv) {
  if (argc < 2)
    throw Usage{"no command"};
  Args a;
  a.command = argv[1];
  if (a.command != "sites" && a.command != "show" && a.command != "apply")
    throw Usage{"unknown command '" + a.command + "'"};
  for (int k = 2; k < argc; ++k) {
    std::string arg = argv[k];
    std::optional<std::string> inline_value;
    if (arg.starts_with("--") && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    auto value = [&]() -> std::string {
      if (inline_value)
        return *inline_value;
      if (k + 1 >= argc)
        throw Usage{arg + " needs a value"};
      return argv[++k];
    };
    bool sites = a.command == "sites";
    if (sites && arg == "--scope")
      a.scope = value();
    else if (sites && arg == "--objects")
      a.objects = value();
    else if (sites && arg == "--type")
      a.types = value();
    else if (a.command == "apply" && (arg == "-o" || arg == "--output"))
      a.output = value();
    else if (arg.size() > 1 && arg[0] == '-')
      throw Usage{"unknown option '" + arg + "' for " + a.command};
    else
      a.positional.push_back(arg);
  }
  size_t wanted = a.command == "sites" ? 1 : 2;
  if (a.positional.size() != wanted)
    throw Usage{a.command + " takes " + (wanted == 1 ? "ELF" : "ELF ID")};
  if (a.scope != "own" && a.scope != "all")
    throw Usage{"--scope is own or all"};
  if (a.command == "apply" && !a.output)
    throw Usage{"apply needs -o OUT"};
  return a;
}

FaultTypes parse_types(const std::optional<std::string>& list) {
  FaultTypes types;
  if (!list) {
    for (FaultType t : all_fault_types)
      types.set(static_cast<size_t>(t));
    return types;
  }
  size_t start = 0;
  while (start <= list->size()) {
    size_t end = list->find(',', start);
    if (end == std::string::npos)
      end = list->size();
    std::string name = list->substr(start, end - start);
    auto t = parse_fault_type(name);
    if (!t)
      throw Error("unknown fault type '" + name +
                  "' (assignment, conditional, initialization, off-by-one, crash, hang)");
    types.set(static_cast<size_t>(*t));
    start = end + 1;
  }
  return types;
}

// Writes `bytes` to a temporary file next to `path`, then renames it over `path`: a reader never
// sees a half-written file. The copy keeps the source's permission bits.
void write_atomically(const std::string& path, const std::vector<uint8_t>& bytes,
                      const std::string& mode_from) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0)
    throw Error("cannot create a temporary file next to " + path + ": " + std::strerror(errno));
  auto fail = [&](const std::string& what) {
    int err = errno;
    close(fd);
    unlink(tmp.c_str());
    return Error(what + " " + path + ": " + std::strerror(err));
  };
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      throw fail("cannot write");
    done += static_cast<size_t>(n);
  }
  struct stat st;
  if (stat(mode_from.c_str(), &st) == 0)
    fchmod(fd, st.st_mode & 07777);
  if (fsync(fd) != 0)
    throw fail("cannot write");
  if (close(fd) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    throw Error("cannot write " + path + ": " + std::strerror(err));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    throw Error("cannot write " + path + ": " + std::strerror(err));
  }
}

int run(const Args& a) {
  const std::string& elf = a.positional[0];
  Image image = Image::load(elf);
  Decoder decoder;
  if (a.command == "sites") {
    FaultTypes types = parse_types(a.types);
    std::optional<OwnFunctions> own;
    if (a.scope == "own")
      own = read_own_functions(a.objects.value_or(elf + ".objects"));
    std::string out;
    for (const Site& s : list_sites(image, decoder, types, own ? &*own : nullptr)) {
      out += site_json(s);
      out += '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
  } else {
    Site site = find_site(image, decoder, a.positional[1]);
    if (a.command == "apply")
      write_atomically(*a.output, apply_site(image, site), elf);
    std::string line = site_json(site) + '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  if (std::fflush(stdout) != 0)
    throw Error(std::string("cannot write the output: ") + std::strerror(errno));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) {
    std::cout << kUsage;
    return 0;
  }
  try {
    return run(parse_args(argc, argv));
  } catch (const Usage& u) {
    std::cerr << "arc-mutate: " << u.message << "\n" << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "arc-mutate: error: " << e.what() << "\n";
    return 1;
  }
}
