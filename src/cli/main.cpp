// nprcheck: the thin front end. Finds the sub-command in the table and runs it.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "commands.hpp"
#include "nprcheck/exit_codes.hpp"

namespace {

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "nprcheck %s - checks the medical coding in NPR-melding extracts before they are "
               "reported to NPR\n\n"
               "usage: nprcheck COMMAND [OPTIONS] [ARGS...]\n\n"
               "commands:\n",
               NPRCHECK_VERSION);
  for (const auto& c : nprcheck::cli::commands()) {
    std::fprintf(out, "  %-9s %s\n", c.name, c.summary);
  }
  std::fprintf(
      out,
      "\nexamples:\n"
      "  nprcheck check extract.xml.gz --out reports/   check one extract with the bundled\n"
      "                                                 rules and code tables\n"
      "  nprcheck check dir/ --units units.csv --unit 4200 --rule 'BV-*' --out r/\n"
      "                                                 one unit, the image-guidance rules\n"
      "  nprcheck explain extract.xml --episode E-17-000042\n"
      "  nprcheck tables --code JJX00                   where and when a code is valid\n"
      "  nprcheck rules test                            run every rule's own test cases\n\n"
      "exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or input error,\n"
      "            3 nothing checked (no episodes; see check --allow-empty), 130 interrupted\n\n"
      "'nprcheck COMMAND --help' explains a command and its options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return nprcheck::kExitError;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return nprcheck::kExitOk;
  }
  if (name == "--version") {
    std::printf("nprcheck %s\n", NPRCHECK_VERSION);
    return nprcheck::kExitOk;
  }
  for (const auto& c : nprcheck::cli::commands()) {
    if (name == c.name) {
      std::vector<std::string> args(argv + 2, argv + argc);
      try {
        return c.run(args);
      } catch (const std::exception& e) {
        // Library edge: anything unexpected ends as a clear message, never a crash.
        std::fprintf(stderr, "nprcheck %s: internal error: %s\n", c.name, e.what());
        return nprcheck::kExitError;
      }
    }
  }
  std::vector<std::string> known;
  for (const auto& c : nprcheck::cli::commands()) known.emplace_back(c.name);
  std::fprintf(stderr, "nprcheck: unknown command '%s'%s\n\n", name.c_str(),
               nprcheck::cli::did_you_mean(name, known).c_str());
  print_usage(stderr);
  return nprcheck::kExitError;
}
