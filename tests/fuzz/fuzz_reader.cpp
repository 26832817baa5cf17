// Fuzzes the NPR-melding reader: any bytes, as a plain or gzip file, must be read or refused
// with diagnostics, never crash, hang or grow memory beyond the chunk limit. Differential too
// (reader_differential.hpp): the legacy reader (the code before issue 16, tests/fuzz/legacy_reader)
// and the current one must read every input alike, each by next_batch and by the parallel path
// `check` uses (next_chunks -> convert_chunk -> accept): episodes with every field of the model,
// their sequence and lines, diagnostics in order, complete(), and the file's SHA-256.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_util.hpp"
#include "reader_differential.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = nprcheck::fuzz::write_input("extract.xml", data, size);
  nprcheck::fuzz::DifferentialOptions options;
  options.limits.max_chunk_bytes = 1 << 20;
  options.limits.max_uncompressed_bytes = 64ull << 20;
  std::string diff = nprcheck::fuzz::compare_readers(path.string(), options);
  if (!diff.empty()) {  // the readers disagree: a finding
    std::fputs(diff.c_str(), stderr);
    std::abort();
  }
  return 0;
}
