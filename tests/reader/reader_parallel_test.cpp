// The parallel reading path (next_chunks -> convert_chunk on other threads -> accept) gives
// exactly what next_batch gives: the same episodes (with their sequence numbers and lines), the
// same diagnostics in the same order with the same excerpts, the same error limit and complete().
#include <algorithm>
#include <catch2/catch.hpp>
#include <deque>
#include <future>

#include "reader/reader_test_util.hpp"

using namespace nprcheck;
using namespace reader_test;
namespace fs = std::filesystem;

namespace {

/// Reads `path` the way `check` does: chunks of about `max_bytes`, converted on other threads
/// (each batch's chunks converted in reverse order), accepted in file order.
ReadResult read_parallel(const std::string& path, size_t max_bytes, ReaderLimits limits = {}) {
  ReadResult r;
  Diagnostics diagnostics;
  auto reader = EpisodeReader::open(path, 7, diagnostics, limits);
  if (!reader) {
    r.open_error = reader.status().message();
    r.diagnostics = diagnostics.all();
    return r;
  }
  r.opened = true;
  std::deque<std::future<std::vector<ConvertedChunk>>> converting;
  auto take = [&] {
    for (auto& c : converting.front().get()) (*reader)->accept(std::move(c), r.episodes);
    converting.pop_front();
  };
  for (;;) {
    std::vector<RawChunk> chunks;
    if (!(*reader)->next_chunks(chunks, max_bytes)) break;
    ++r.batches;
    converting.push_back(std::async(std::launch::async, [chunks = std::move(chunks)]() mutable {
      std::vector<ConvertedChunk> out(chunks.size());
      for (size_t i = chunks.size(); i-- > 0;) out[i] = convert_chunk(std::move(chunks[i]));
      return out;
    }));
    if (converting.size() > 3) take();
  }
  while (!converting.empty()) take();
  r.complete = (*reader)->complete();
  r.melding = (*reader)->melding();
  r.diagnostics = diagnostics.all();
  CHECK((*reader)->episodes_read() == r.episodes.size());
  return r;
}

/// Everything a reader produced, lines and sequence numbers included, as text.
std::string summary(const ReadResult& r) {
  std::ostringstream o;
  o << "opened=" << r.opened << " " << r.open_error << " complete=" << r.complete
    << " episodes=" << r.episodes.size() << "\n";
  for (const auto& d : r.diagnostics) o << format_diagnostic(d) << "\n";
  o << describe(r.episodes);
  for (const auto& e : r.episodes) {
    o << e.sequence << " " << e.location.file_id << ":" << e.location.line << " p"
      << e.pasient->line;
    for (const auto& x : e.ref_enheter) o << " r" << x.line;
    for (const auto& t : e.tilstander) {
      o << " t" << t.line;
      for (const auto& k : t.koder) o << " k" << k.line;
    }
    for (const auto& t : e.tiltak) {
      o << " T" << t.line;
      for (const auto& p : t.prosedyrer) {
        o << " P" << p.line;
        for (const auto& k : p.koder) o << " k" << k.line;
      }
    }
    o << "\n";
  }
  return o.str();
}

/// Both paths on `path`, with tiny and large chunk batches, must agree.
void same_both_ways(const std::string& path, ReaderLimits limits = {}) {
  INFO(path);
  const std::string expected = summary(read_file(path, 1000, limits));
  for (size_t max_bytes : {size_t{1}, size_t{3000}, size_t{1} << 20}) {
    INFO("max_bytes " << max_bytes);
    CHECK(summary(read_parallel(path, max_bytes, limits)) == expected);
  }
}

}  // namespace

TEST_CASE("parallel reading equals next_batch on every test file") {
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(NPRCHECK_TESTDATA)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".xml") && !name.ends_with(".xml.gz") && !name.ends_with(".html")) continue;
    same_both_ways(entry.path().string());
    ++files;
  }
  CHECK(files > 40);
}

TEST_CASE("parallel reading: errors of the scanner and of the conversion, and the error limit") {
  auto dir = temp_dir("parallel");
  // Every `step`-th patient has a conversion error, every `scan`-th a scanner error; with `nl`
  // false the whole file is one line (excerpts cut from long lines).
  auto make = [&](int patients, int step, int scan, bool nl) {
    const char* end = nl ? "\n" : "";
    std::string xml = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>") + end +
                      "<Melding versjon=\"57.0.1\" meldingstype=\"A\"><Institusjon "
                      "institusjonID=\"974795787\">" +
                      end + "<Enhet enhetID=\"1\" reshID=\"4210\"/>" + end;
    for (int i = 0; i < patients; ++i) {
      std::string inn = step > 0 && i % step == 0 ? "2017-02-30" : "2017-03-01";
      std::string id = scan > 0 && i % scan == 1 ? "E&bad;" : "E-" + std::to_string(i);
      xml += "  <Objektholder pasientNr=\"" + std::to_string(1000 + i) + "\">" + end +
             "    <Pasient kjonn=\"1\" fodselsar=\"1950\"/>" + end + "    <Episode episodeID=\"" +
             id + "\" innDatoTid=\"" + inn + "T10:00:00\" omsorgsniva=\"3\">" + end +
             "      <Tilstand tilstNr=\"1\"><Kode kodeNr=\"1\" kodeverk=\"D\" "
             "kodeVerdi=\"K358\"/></Tilstand>" +
             end + "    </Episode>" + end + "  </Objektholder>" + end;
    }
    xml += std::string("</Institusjon></Melding>") + end;
    return xml;
  };
  int n = 0;
  for (bool nl : {true, false}) {
    for (auto [patients, step, scan] :
         {std::tuple{20, 3, 7}, std::tuple{400, 2, 0}, std::tuple{400, 0, 2}, std::tuple{400, 3, 5},
          std::tuple{400, 5, 3}, std::tuple{300, 1, 1}}) {
      auto path = dir / ("case" + std::to_string(n++) + ".xml");
      write_file(path, make(patients, step, scan, nl));
      same_both_ways(path.string());
      auto r = read_parallel(path.string(), 3000);
      if (patients >= 300) {
        CHECK_FALSE(r.complete);
        REQUIRE_FALSE(r.errors().empty());
        CHECK(r.errors().back().message ==
              "too many errors (100): the rest of the file is not read");
      }
    }
  }
  // A file cut short, and an Objektholder beyond the chunk limit.
  std::string xml = make(50, 0, 0, true);
  write_file(dir / "cut.xml", xml.substr(0, xml.size() / 2));
  same_both_ways((dir / "cut.xml").string());
  ReaderLimits small;
  small.max_chunk_bytes = 300;
  write_file(dir / "big.xml", make(30, 4, 0, true));
  same_both_ways((dir / "big.xml").string(), small);
  std::filesystem::remove_all(dir);
}
