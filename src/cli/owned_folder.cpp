// Output folders of generating sub-commands: what they own, what they must leave alone.
#include "owned_folder.hpp"

#include <algorithm>
#include <fstream>

namespace nprcheck::cli {

namespace fs = std::filesystem;

OwnedFolder inspect_owned_folder(const fs::path& dir) {
  OwnedFolder f;
  f.dir = dir;
  std::ifstream marker(dir / kOwnedMarker);
  for (std::string line; std::getline(marker, line);) {
    // Only plain names: a marker edited to say "../x" must not make us delete outside `dir`.
    if (!line.empty() && line.find('/') == std::string::npos && line != "." && line != "..") {
      f.owned.insert(line);
    }
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name != kOwnedMarker && f.owned.count(name) == 0) f.foreign.push_back(name);
  }
  std::sort(f.foreign.begin(), f.foreign.end());
  return f;
}

bool finish_owned_folder(const OwnedFolder& folder, const std::set<std::string>& now,
                         std::string& error) {
  std::error_code ec;
  for (const auto& name : folder.owned) {
    if (now.count(name) != 0) continue;
    fs::path p = folder.dir / name;
    if (fs::is_regular_file(fs::symlink_status(p, ec))) fs::remove(p, ec);  // a stale page
  }
  std::ofstream marker(folder.dir / kOwnedMarker, std::ios::binary | std::ios::trunc);
  for (const auto& name : now) marker << name << "\n";
  if (!marker.flush()) {
    error = (folder.dir / kOwnedMarker).string() + ": cannot write";
    return false;
  }
  return true;
}

}  // namespace nprcheck::cli
