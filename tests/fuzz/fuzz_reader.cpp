// Fuzzes the NPR-melding reader: any bytes, as a plain or gzip file, must be read or refused
// with diagnostics, never crash, hang or grow memory beyond the chunk limit.
#include <vector>

#include "fuzz_util.hpp"
#include "nprcheck/episode_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = nprcheck::fuzz::write_input("extract.xml", data, size);
  nprcheck::Diagnostics diagnostics;
  nprcheck::ReaderLimits limits;
  limits.max_chunk_bytes = 1 << 20;
  limits.max_uncompressed_bytes = 64ull << 20;
  auto reader = nprcheck::EpisodeReader::open(path.string(), 0, diagnostics, limits);
  if (!reader) return 0;
  std::vector<nprcheck::Episode> batch;
  while ((*reader)->next_batch(batch, 64)) batch.clear();
  return 0;
}
