#pragma once
// Shared by the hardening tests: run nprcheck as a child process with a time limit, capture its
// output, its exit status and its peak memory; generate large inputs; look at what it wrote.

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace nprcheck::hardening {

namespace fs = std::filesystem;

/// True when the tests (and so the nprcheck under test) are built with AddressSanitizer.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

inline const std::string kRepo = NPRCHECK_SOURCE_DIR;
inline const std::string kTestdata = NPRCHECK_TESTDATA;
inline const std::string kBinary = NPRCHECK_BINARY;
/// The good extract put beside every bad input.
inline const std::string kGoodXml = kTestdata + "/bad/good/good.xml";

/// How one child process ended.
struct ChildResult {
  int exit_code = -1;      ///< exit status, or -1 if killed by a signal or timed out
  int signal = 0;          ///< the signal that ended it, 0 if it exited
  bool timed_out = false;  ///< killed by run_child() after the time limit
  long max_rss_kb = 0;     ///< peak resident set size of the child (wait4 rusage)
  std::string out;         ///< stdout
  std::string err;         ///< stderr
  double seconds = 0;      ///< wall time (for messages only, never asserted)
};

/// Options of run_child().
struct ChildOptions {
  int timeout_seconds = 300;               ///< killed (SIGKILL) after this long
  std::map<std::string, std::string> env;  ///< added to (or replacing in) the environment
  std::string cwd;                         ///< working directory; empty: inherited
};

/// The whole content of a file ("" if it cannot be read).
inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Writes `text` to `p`, creating folders.
inline void write_file(const fs::path& p, const std::string& text) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

/// A fresh, empty temporary directory for one test (under TMPDIR, unique per process).
inline fs::path fresh_dir(const std::string& name) {
  auto p = fs::temp_directory_path() / ("nprcheck-hardening-" + std::to_string(::getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

/// Runs `argv` (argv[0] a path) with stdout/stderr captured, killed after the time limit.
inline ChildResult run_child(const std::vector<std::string>& argv, const ChildOptions& o = {}) {
  static int counter = 0;
  fs::path base = fs::temp_directory_path() / ("nprcheck-hardening-" + std::to_string(::getpid()) +
                                               "-child-" + std::to_string(counter++));
  std::string out_file = base.string() + ".out", err_file = base.string() + ".err";

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos && o.env.count(kv.substr(0, eq)) != 0) continue;
    env_strings.push_back(kv);
  }
  for (const auto& [k, v] : o.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  auto start = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    int fo = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fe = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int fi = ::open("/dev/null", O_RDONLY);
    if (fo < 0 || fe < 0 || fi < 0) ::_exit(126);
    ::dup2(fi, 0);
    ::dup2(fo, 1);
    ::dup2(fe, 2);
    ::close(fi);
    ::close(fo);
    ::close(fe);
    if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ChildResult r;
  if (pid < 0) return r;
  int status = 0;
  struct rusage ru {};
  for (;;) {
    pid_t w = ::wait4(pid, &status, WNOHANG, &ru);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(o.timeout_seconds)) {
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &ru);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.max_rss_kb = ru.ru_maxrss;
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = slurp(out_file);
  r.err = slurp(err_file);
  fs::remove(out_file);
  fs::remove(err_file);
  return r;
}

/// Runs `nprcheck ARGS...`.
inline ChildResult run_nprcheck(std::vector<std::string> args, const ChildOptions& o = {}) {
  args.insert(args.begin(), kBinary);
  return run_child(args, o);
}

/// `check` arguments: the inputs, the repo's tables and rules (unless `tables`/`rules` are
/// given), no progress line, two threads, --out OUT, then `extra`.
inline std::vector<std::string> check_args(const std::vector<std::string>& inputs,
                                           const fs::path& out,
                                           const std::vector<std::string>& extra = {},
                                           const std::string& tables = "",
                                           const std::string& rules = "") {
  std::vector<std::string> a = {"check"};
  a.insert(a.end(), inputs.begin(), inputs.end());
  a.insert(a.end(), {"--tables", tables.empty() ? kTestdata + "/tables" : tables, "--rules",
                     rules.empty() ? kRepo + "/rules" : rules, "--no-progress", "-j", "2", "--out",
                     out.string()});
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

/// Everything that shows a sanitizer report or a crash in the child's stderr.
inline bool has_sanitizer_report(const std::string& err) {
  for (const char* s : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                        "runtime error:", "ERROR: UndefinedBehaviorSanitizer", "terminate called",
                        "Segmentation fault", "core dumped"}) {
    if (err.find(s) != std::string::npos) return true;
  }
  return false;
}

/// A human-readable one-line description of how the child ended, for INFO().
inline std::string describe(const ChildResult& r) {
  std::ostringstream s;
  s << "exit " << r.exit_code << ", signal " << r.signal << (r.timed_out ? ", TIMED OUT" : "")
    << ", max RSS " << r.max_rss_kb / 1024 << " MB, " << r.seconds << " s\n--- stderr ---\n"
    << (r.err.size() > 6000
            ? r.err.substr(0, 3000) + "\n[...]\n" + r.err.substr(r.err.size() - 3000)
            : r.err);
  return s.str();
}

/// Names of the entries of OUT that a finished run must never leave behind.
inline std::vector<std::string> leftover_stages(const fs::path& out) {
  std::vector<std::string> left;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out, ec)) {
    std::string n = e.path().filename().string();
    // Staging folders and temporary links; a set folder that is not the published one.
    if (n.rfind(".nprcheck-", 0) == 0) left.push_back(n);
    if (n.rfind("set-", 0) == 0 && fs::read_symlink(out / "current", ec).string() != n) {
      left.push_back(n);
    }
  }
  return left;
}

/// Every regular file under `dir` with its content (for "this text is in no output"), as a
/// reader of a report folder sees it: through the links to the published set (`current`), not
/// the set folders and the marker themselves.
inline std::map<std::string, std::string> all_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return files;
  for (const auto& top : fs::directory_iterator(dir, ec)) {
    const std::string name = top.path().filename().string();
    if (name == "current" || name == ".nprcheck" || name.rfind("set-", 0) == 0) continue;
    if (fs::is_regular_file(top.path(), ec)) {
      files[name] = slurp(top.path());
      continue;
    }
    if (!fs::is_directory(top.path(), ec)) continue;
    for (auto it = fs::recursive_directory_iterator(
             top.path(), fs::directory_options::follow_directory_symlink, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (fs::is_regular_file(it->path(), ec)) {
        files[(fs::path(name) / fs::relative(it->path(), top.path())).string()] = slurp(it->path());
      }
    }
  }
  return files;
}

/// The lines of findings.ndjson whose file is `file_name` (by bare file name).
inline std::vector<std::string> findings_of_file(const fs::path& out,
                                                 const std::string& file_name) {
  std::vector<std::string> lines;
  std::ifstream in(out / "findings.ndjson");
  std::string line;
  const std::string needle = "/" + file_name + "\"";
  while (std::getline(in, line)) {
    if (line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

/// Writes a gzip file with zlib: `fill(put)` calls `put(text)` for each piece of the content.
template <typename Fill>
bool write_gzip(const fs::path& p, Fill fill) {
  gzFile f = ::gzopen(p.c_str(), "wb9");
  if (f == nullptr) return false;
  bool ok = true;
  auto put = [&](std::string_view text) {
    if (ok && !text.empty() && ::gzwrite(f, text.data(), static_cast<unsigned>(text.size())) <= 0) {
      ok = false;
    }
  };
  fill(put);
  return ::gzclose(f) == Z_OK && ok;
}

}  // namespace nprcheck::hardening
