#pragma once
// Running the nprcheck executable from tests and reading what it wrote.

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nprcheck::test {

/// Exit status and captured stderr of one command.
struct RunResult {
  int exit_code = -1;
  std::string out;  ///< what it printed on stdout
  std::string err;  ///< what it printed on stderr
};

/// Runs `nprcheck ARGS` (a shell fragment), capturing stdout and stderr.
inline RunResult run_nprcheck(const std::string& args) {
  static int counter = 0;
  auto base = std::filesystem::temp_directory_path() /
              ("nprcheck-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::string out_file = base.string() + ".out", err_file = base.string() + ".err";
  std::string cmd = std::string(NPRCHECK_BINARY) + " " + args + " >" + out_file + " 2>" + err_file;
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  for (auto [file, text] : {std::pair{&out_file, &r.out}, std::pair{&err_file, &r.err}}) {
    std::ifstream in(*file);
    std::stringstream ss;
    ss << in.rdbuf();
    *text = ss.str();
    std::filesystem::remove(*file);
  }
  return r;
}

/// The whole content of a file ("" if it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The lines of a file, without line ends.
inline std::vector<std::string> lines_of(const std::filesystem::path& p) {
  std::vector<std::string> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

/// A fresh, empty temporary directory for one test.
inline std::filesystem::path fresh_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("nprcheck-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p;
}

}  // namespace nprcheck::test
