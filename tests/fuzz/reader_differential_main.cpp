// The reader's differential check without libFuzzer (a CTest): every file given, or found in a
// folder given (*.xml, *.xml.gz, and any file under a `seeds` folder), is read by the legacy
// reader and the current one, each by next_batch and next_chunks (reader_differential.hpp);
// a gzip copy of each plain file is read too. Exit code 1 and the two outcomes on a difference.
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "reader_differential.hpp"

namespace fs = std::filesystem;

namespace {

bool wanted(const fs::path& p) {
  const std::string name = p.filename().string();
  if (name.ends_with(".xml") || name.ends_with(".xml.gz")) return true;
  return p.string().find("/seeds/reader/") != std::string::npos;
}

/// A gzip copy of `path` in the scratch folder, or "" if it is gzip already.
std::string gzip_copy(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
      static_cast<unsigned char>(bytes[1]) == 0x8b) {
    return {};
  }
  auto out = nprcheck::fuzz::scratch() / "copy.xml.gz";
  gzFile gz = gzopen(out.c_str(), "wb");
  if (gz == nullptr) return {};
  if (!bytes.empty()) gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(gz);
  return out.string();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p = argv[i];
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file() && wanted(e.path())) files.push_back(e.path());
      }
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::cerr << "reader_differential: no such file or folder: " << p << "\n";
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  nprcheck::fuzz::DifferentialOptions small;  // the fuzz target's limits
  small.limits.max_chunk_bytes = 1 << 20;
  small.limits.max_uncompressed_bytes = 64ull << 20;
  nprcheck::fuzz::DifferentialOptions large;  // the defaults, in large batches (as `check`)
  large.batch_episodes = 1024;
  large.chunk_bytes = 1 << 20;
  size_t compared = 0;
  int failed = 0;
  for (const auto& f : files) {
    std::vector<std::string> inputs{f.string()};
    if (std::string gz = gzip_copy(f); !gz.empty()) inputs.push_back(gz);
    for (const auto& input : inputs) {
      for (const auto* o : {&small, &large}) {
        std::string diff = nprcheck::fuzz::compare_readers(input, *o);
        ++compared;
        if (!diff.empty()) {
          std::cout << "DIFFERENCE on " << f.string() << (input == f.string() ? "" : " (gzip)")
                    << ":\n"
                    << diff << "\n";
          ++failed;
        }
      }
    }
  }
  std::error_code ec;
  fs::remove_all(nprcheck::fuzz::scratch(), ec);
  std::cout << files.size() << " files, " << compared << " comparisons: " << (compared - failed)
            << " passed, " << failed << " failed\n";
  return failed == 0 && !files.empty() ? 0 : 1;
}
