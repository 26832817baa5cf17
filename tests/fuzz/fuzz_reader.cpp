// Fuzzes the NPR-melding reader: any bytes, as a plain or gzip file, must be read or refused
// with diagnostics, never crash, hang or grow memory beyond the chunk limit. Differential too:
// the parallel path `check` uses (next_chunks -> convert_chunk -> accept) must give exactly what
// next_batch gives (episodes, their sequence and lines, diagnostics in order, complete()).
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "nprcheck/episode_reader.hpp"

namespace {

/// What one way of reading produced, as text.
struct Outcome {
  std::string text;
  void add(const std::vector<nprcheck::Episode>& episodes) {
    for (const auto& e : episodes) {
      text += e.episode_id + '#' + std::to_string(e.sequence) + '@' +
              std::to_string(e.location.line) + '\n';
    }
  }
  void finish(const nprcheck::Diagnostics& d, bool complete) {
    for (const auto& x : d.all()) text += nprcheck::format_diagnostic(x) + '\n';
    text += complete ? "complete\n" : "incomplete\n";
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = nprcheck::fuzz::write_input("extract.xml", data, size);
  nprcheck::ReaderLimits limits;
  limits.max_chunk_bytes = 1 << 20;
  limits.max_uncompressed_bytes = 64ull << 20;

  Outcome serial;
  {
    nprcheck::Diagnostics diagnostics;
    auto reader = nprcheck::EpisodeReader::open(path.string(), 0, diagnostics, limits);
    if (!reader) return 0;
    std::vector<nprcheck::Episode> batch;
    while ((*reader)->next_batch(batch, 64)) {
      serial.add(batch);
      batch.clear();
    }
    serial.finish(diagnostics, (*reader)->complete());
  }
  Outcome parallel;
  {
    nprcheck::Diagnostics diagnostics;
    auto reader = nprcheck::EpisodeReader::open(path.string(), 0, diagnostics, limits);
    if (!reader) std::abort();  // opened a moment ago
    std::vector<nprcheck::RawChunk> chunks;
    // Small batches, so that a chunk boundary falls everywhere.
    while ((*reader)->next_chunks(chunks, 4096)) {
      std::vector<nprcheck::Episode> episodes;
      for (auto& c : chunks) (*reader)->accept(nprcheck::convert_chunk(std::move(c)), episodes);
      parallel.add(episodes);
      chunks.clear();
    }
    parallel.finish(diagnostics, (*reader)->complete());
  }
  if (serial.text != parallel.text) std::abort();  // the two paths disagree: a finding
  return 0;
}
