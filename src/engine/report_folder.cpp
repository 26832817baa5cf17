// The report folder OUT: who owns it (the marker), which folders are never a report folder,
// the old flat layout, fsync.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string_view>
#include <system_error>

#include "nprcheck/output_stage.hpp"

namespace nprcheck {

namespace fs = std::filesystem;

namespace {

/// Folders that are never a report folder (exactly these; their subfolders are fine).
constexpr std::array<std::string_view, 36> kSystemFolders = {
    "/",          "/bin",       "/boot",      "/dev",           "/etc",      "/home",
    "/lib",       "/lib32",     "/lib64",     "/libx32",        "/media",    "/mnt",
    "/opt",       "/proc",      "/root",      "/run",           "/sbin",     "/srv",
    "/sys",       "/tmp",       "/usr",       "/var",           "/usr/bin",  "/usr/lib",
    "/usr/local", "/usr/sbin",  "/usr/share", "/usr/local/bin", "/var/lib",  "/var/log",
    "/var/tmp",   "/var/spool", "/var/cache", "/var/backups",   "/var/mail", "/snap"};

/// Entry names the old flat layout (before report sets) wrote into OUT.
constexpr std::array<std::string_view, 9> kFlatReportNames = {
    "findings.ndjson", "findings.csv", "run.json", "summary.json", "waivers.json", "html", "csv",
    "findings.sarif",  "junit.xml"};

constexpr const char* kMarkerText =
    "This folder holds nprcheck's reports. nprcheck replaces and deletes what is in it;\n"
    "do not put anything else here. `current` points to the latest report set.\n";

bool is_flat_report_name(const std::string& name) {
  for (auto n : kFlatReportNames) {
    if (name == n) return true;
  }
  return false;
}

Status refuse_system_folder(const fs::path& out_dir) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(out_dir, ec), ec);
  if (ec) canonical = out_dir.lexically_normal();
  std::string c = canonical.string();
  while (c.size() > 1 && c.back() == '/') c.pop_back();
  bool system = false;
  for (auto s : kSystemFolders) system = system || c == s;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    fs::path h = fs::weakly_canonical(home, ec);
    std::string hs = h.string();
    while (hs.size() > 1 && hs.back() == '/') hs.pop_back();
    system = system || (!ec && c == hs);
  }
  if (!system) return Status::ok();
  return Status::usage(out_dir.string() + ": refusing to write reports into the system folder " +
                       c + ": give a folder of its own, e.g. /var/lib/nprcheck/reports");
}

/// Moves the reports of the old flat layout into a report set and makes it current.
Status adopt_flat_layout(const fs::path& out_dir) {
  const std::string set = new_report_set_name();
  const fs::path set_dir = out_dir / set;
  std::error_code ec;
  fs::create_directory(set_dir, ec);
  if (ec) return Status::io_error(set_dir.string() + ": cannot create: " + ec.message());
  for (auto name : kFlatReportNames) {
    const fs::path p = out_dir / std::string(name);
    if (!fs::is_symlink(fs::symlink_status(p, ec)) && fs::exists(fs::symlink_status(p, ec))) {
      fs::rename(p, set_dir / std::string(name), ec);
      if (ec)
        return Status::io_error(p.string() + ": cannot move into " + set + ": " + ec.message());
    }
  }
  if (Status s = fsync_tree(set_dir); !s) return s;
  fs::path link = out_dir / kCurrentLink;
  if (!fs::exists(fs::symlink_status(link, ec))) {
    fs::create_symlink(set, link, ec);
    if (ec) return Status::io_error(link.string() + ": cannot create: " + ec.message());
  }
  for (auto name : kFlatReportNames) {
    const fs::path p = out_dir / std::string(name);
    if (fs::exists(set_dir / std::string(name), ec) && !fs::exists(fs::symlink_status(p, ec))) {
      fs::create_symlink(fs::path(kCurrentLink) / std::string(name), p, ec);
    }
  }
  return Status::ok();
}

}  // namespace

std::string new_report_set_name() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto t = system_clock::to_time_t(now);
  const auto us = duration_cast<microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  char name[64];
  std::snprintf(name, sizeof name, "set-%s.%06lldZ-%ld", stamp, static_cast<long long>(us),
                static_cast<long>(::getpid()));
  return name;
}

std::string current_report_set(const fs::path& out_dir) {
  std::error_code ec;
  fs::path target = fs::read_symlink(out_dir / kCurrentLink, ec);
  return ec ? std::string() : target.filename().string();
}

Status check_report_folder(const fs::path& out_dir, bool* adopt) {
  if (adopt != nullptr) *adopt = false;
  if (Status s = refuse_system_folder(out_dir); !s) return s;
  std::error_code ec;
  if (!fs::exists(out_dir, ec)) return Status::ok();
  if (!fs::is_directory(out_dir, ec)) {
    return Status::io_error(out_dir.string() + ": output path exists and is not a directory");
  }
  if (fs::is_regular_file(fs::symlink_status(out_dir / kReportMarker, ec))) return Status::ok();
  // No marker: only an empty folder, or the old flat layout of nprcheck's own reports.
  bool empty = true, flat = true, has_run_json = false;
  for (const auto& e : fs::directory_iterator(out_dir, ec)) {
    const std::string name = e.path().filename().string();
    empty = false;
    has_run_json = has_run_json || name == "run.json";
    const bool ours = is_flat_report_name(name) || name == kCurrentLink ||
                      name.starts_with("set-") || name.starts_with(".nprcheck-stage-") ||
                      name.starts_with(".nprcheck-old-");
    flat = flat && ours;
  }
  if (ec) return Status::io_error(out_dir.string() + ": cannot read: " + ec.message());
  if (!empty && !(flat && has_run_json)) {
    return Status::usage(
        out_dir.string() + ": the folder is not empty and nprcheck did not create " + "it (no " +
        kReportMarker + " file): refusing to write reports into it; give a new or empty folder");
  }
  if (adopt != nullptr) *adopt = !empty;
  return Status::ok();
}

Status claim_report_folder(const fs::path& out_dir) {
  bool adopt = false;
  if (Status s = check_report_folder(out_dir, &adopt); !s) return s;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    return Status::io_error(out_dir.string() + ": cannot create output directory: " + ec.message());
  }
  const fs::path marker = out_dir / kReportMarker;
  if (fs::is_regular_file(fs::symlink_status(marker, ec))) return Status::ok();
  if (adopt) {
    if (Status s = adopt_flat_layout(out_dir); !s) return s;
  }
  {
    std::ofstream m(marker, std::ios::binary | std::ios::trunc);
    m << kMarkerText;
    m.close();
    if (!m) return Status::io_error(marker.string() + ": output directory is not writable");
  }
  return fsync_tree(marker);
}

Status fsync_tree(const fs::path& path) {
  std::error_code ec;
  const auto st = fs::symlink_status(path, ec);
  if (ec) return Status::io_error(path.string() + ": " + ec.message());
  if (fs::is_symlink(st)) return Status::ok();
  if (fs::is_directory(st)) {
    for (const auto& e : fs::directory_iterator(path, ec)) {
      if (Status s = fsync_tree(e.path()); !s) return s;
    }
    if (ec) return Status::io_error(path.string() + ": cannot read: " + ec.message());
  } else if (!fs::is_regular_file(st)) {
    return Status::ok();
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::io_error(path.string() + ": cannot open: " + std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some file systems cannot fsync a folder (EINVAL); the data is as safe as they make it.
  if (rc != 0 && err != EINVAL) {
    return Status::io_error(path.string() + ": fsync failed: " + std::strerror(err));
  }
  return Status::ok();
}

}  // namespace nprcheck
