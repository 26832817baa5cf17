#pragma once
/// A folder a sub-command writes generated files into (`rules docs --out`): it may replace and
/// remove only files it wrote itself, listed in a marker file beside them.

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace nprcheck::cli {

/// What a generating command found in its output folder before writing.
struct OwnedFolder {
  std::filesystem::path dir;
  std::set<std::string> owned;       ///< names the previous generation wrote (from the marker)
  std::vector<std::string> foreign;  ///< names it did not write (sorted)
};

/// The marker file's name: one generated file name per line.
inline constexpr const char* kOwnedMarker = ".nprcheck-generated";

/// Reads `dir` (absent or empty: nothing owned, nothing foreign).
OwnedFolder inspect_owned_folder(const std::filesystem::path& dir);

/// Removes the files the previous generation wrote that `now` no longer contains, and records
/// `now` as the owned files. Never touches a foreign file. False (with `error`) on failure.
bool finish_owned_folder(const OwnedFolder& folder, const std::set<std::string>& now,
                         std::string& error);

}  // namespace nprcheck::cli
