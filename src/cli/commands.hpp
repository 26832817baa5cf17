#pragma once
/// The sub-command table of the `nprcheck` executable.

#include <span>
#include <string>
#include <vector>

namespace nprcheck::cli {

/// One sub-command: `nprcheck NAME ARGS...`; run() gets the arguments after NAME.
struct Command {
  const char* name;
  const char* summary;  ///< one line for `nprcheck --help`
  int (*run)(const std::vector<std::string>& args);
};

/// Every sub-command, in the order `nprcheck --help` lists them.
std::span<const Command> commands();

// Implementations, one file each (cmd_<name>.cpp).
int run_check(const std::vector<std::string>& args);
int run_tables(const std::vector<std::string>& args);
int run_rules(const std::vector<std::string>& args);
int run_explain(const std::vector<std::string>& args);
int run_history(const std::vector<std::string>& args);
int run_indicators(const std::vector<std::string>& args);
int run_config(const std::vector<std::string>& args);

}  // namespace nprcheck::cli
