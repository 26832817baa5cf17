// Which files a check reads: folders searched for extracts, the same file or content once.
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "nprcheck/check.hpp"
#include "nprcheck/file_input.hpp"
#include "nprcheck/hash.hpp"

namespace nprcheck {

namespace fs = std::filesystem;

namespace {

bool is_extract_name(const std::string& name) {
  return name.ends_with(".xml") || name.ends_with(".xml.gz");
}

/// Keeps the first of inputs that are the same file (same device and inode) or have the same
/// content (SHA-256, computed only for regular files that share their size with another).
std::vector<std::string> drop_duplicate_inputs(std::vector<std::string> files,
                                               Diagnostics& diagnostics) {
  struct Info {
    bool regular = false;
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
  };
  std::vector<Info> info(files.size());
  std::map<off_t, int> sizes;
  for (size_t i = 0; i < files.size(); ++i) {
    struct stat st {};
    if (::stat(files[i].c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      info[i] = {true, st.st_dev, st.st_ino, st.st_size};
      ++sizes[st.st_size];
    }
  }
  std::map<std::pair<dev_t, ino_t>, size_t> by_inode;
  std::map<std::string, size_t> by_hash;
  std::vector<std::string> kept;
  for (size_t i = 0; i < files.size(); ++i) {
    std::optional<size_t> same;
    const char* how = "same file";
    if (info[i].regular) {
      auto [it, fresh] = by_inode.emplace(std::make_pair(info[i].dev, info[i].ino), i);
      if (!fresh) same = it->second;
      if (fresh && sizes[info[i].size] > 1) {
        if (auto digest = sha256_file(files[i])) {
          auto [h, new_hash] = by_hash.emplace(*digest, i);
          if (!new_hash) {
            same = h->second;
            how = "same content";
          }
        }
      }
    }
    if (same) {
      diagnostics.warning(files[i], 0, 0,
                          "the same extract as " + files[*same] + " (" + how + "): checked once");
      continue;
    }
    kept.push_back(files[i]);
  }
  return kept;
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs,
                                       Diagnostics& diagnostics, bool follow_symlinks) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    auto st = fs::status(in, ec);
    if (ec || !fs::exists(st)) {
      diagnostics.error(in, 0, 0, "no such file or directory");
      continue;
    }
    if (!fs::is_directory(st)) {
      files.push_back(in);
      continue;
    }
    FolderWalk walk = walk_folder(in, [](const fs::path&) { return true; });
    for (const auto& [folder, why] : walk.unreadable) {
      diagnostics.error(folder.string(), 0, 0, "cannot read input folder: " + why);
    }
    size_t found = 0;
    for (const auto& e : walk.entries) {
      if (!is_extract_name(e.path.filename().string())) continue;
      if (e.kind == WalkKind::kSymlink && !follow_symlinks) {
        // A link may lead anywhere (/etc/shadow): only files given by name are followed.
        diagnostics.warning(e.path.string(), 0, 0,
                            "a symlink in a searched folder is not followed (give the file "
                            "itself, or --follow-symlinks)");
        continue;
      }
      if (e.kind == WalkKind::kOther) continue;
      if (e.kind == WalkKind::kSymlink && !fs::is_regular_file(e.path, ec)) continue;
      files.push_back(e.path.string());
      ++found;
    }
    if (found == 0 && walk.unreadable.empty()) {
      diagnostics.warning(in, 0, 0, "no *.xml or *.xml.gz files in directory");
    }
  }
  return drop_duplicate_inputs(std::move(files), diagnostics);
}

}  // namespace nprcheck
