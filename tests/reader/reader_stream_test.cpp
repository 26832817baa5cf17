// The NPR-melding reader as a stream: batches, sequence, line numbers and bounded memory on
// generated files.
#include <catch2/catch.hpp>

#include "nprcheck/hash.hpp"
#include "reader/reader_test_util.hpp"

using namespace nprcheck;
using namespace reader_test;

namespace {

const char* kHead =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Melding xmlns=\"http://www.npr.no/xmlstds/57_0_1_ord\" versjon=\"57.0.1\" "
    "meldingstype=\"NPR_ORD\">\n"
    "  <Institusjon institusjonID=\"983974724\">\n"
    "    <Enhet enhetID=\"3\" reshID=\"4200\" enhetLokal=\"Medisinsk avdeling\"/>\n";  // 4 lines
const char* kTail = "  </Institusjon>\n</Melding>\n";

/// One patient with `episodes` episodes; every episode is 5 lines (+ `extra`), the
/// Objektholder adds 3.
std::string patient(int n, int episodes, const std::string& extra = "") {
  std::string id = std::to_string(n);
  std::string s = "    <Objektholder pasientNr=\"" + id + "\">\n      <Pasient pasientNr=\"" + id +
                  "\" kjonn=\"1\" fodselsar=\"1960\"/>\n";
  for (int e = 0; e < episodes; ++e) {
    s += "      <Episode episodeID=\"E-" + id + "-" + std::to_string(e) +
         "\" innDatoTid=\"2017-03-02T08:15:00\" omsorgsniva=\"3\">\n"
         "        <RefEnhet enhetID=\"3\" typeEnhet=\"7\"/>\n"
         "        <Tilstand tilstNr=\"1\"><Kode kodeNr=\"1\" kodeverk=\"D\" kodeVerdi=\"K703\"/>"
         "</Tilstand>\n"
         "        <Tjeneste><Tiltak typeTiltak=\"1\"><Prosedyre prosNr=\"1\"><Kode kodeNr=\"1\" "
         "kodeverk=\"Q\" kodeVerdi=\"JJX00\"/></Prosedyre></Tiltak></Tjeneste>\n" +
         extra + "      </Episode>\n";
  }
  s += "    </Objektholder>\n";
  return s;
}

}  // namespace

TEST_CASE("episodes come in batches of at most the size asked for, in file order") {
  auto dir = temp_dir("batches");
  std::string xml = kHead;
  int expected = 0;
  for (int p = 0; p < 200; ++p) {
    xml += patient(p, 1 + p % 3);  // 1, 2 or 3 episodes per patient
    expected += 1 + p % 3;
  }
  xml += kTail;
  write_file(dir / "batches.xml", xml);
  for (size_t batch : {1u, 7u, 100u, 1000u}) {
    auto r = read_file((dir / "batches.xml").string(), batch);
    INFO("batch " << batch << "\n" << r.rendered());
    CHECK(r.complete);
    REQUIRE(r.episodes.size() == static_cast<size_t>(expected));
    CHECK(r.largest_batch == std::min<size_t>(batch, static_cast<size_t>(expected)));
    CHECK(r.batches == (static_cast<size_t>(expected) + batch - 1) / batch);
    // Sequence 0, 1, 2 ... and lines rising with it; patients shared by their episodes.
    uint32_t line = 5 + 2;  // head (4 lines), Objektholder, Pasient
    int n = 0;
    bool ok = true;
    for (int p = 0; p < 200; ++p) {
      for (int e = 0; e < 1 + p % 3; ++e, ++n) {
        const Episode& ep = r.episodes[static_cast<size_t>(n)];
        ok = ok && ep.sequence == static_cast<uint64_t>(n);
        ok = ok && ep.episode_id == "E-" + std::to_string(p) + "-" + std::to_string(e);
        ok = ok && ep.location.line == line;
        ok = ok && ep.tilstander.at(0).koder.at(0).line == line + 2;
        ok = ok && ep.tiltak.at(0).prosedyrer.at(0).koder.at(0).line == line + 3;
        ok = ok && ep.pasient->line == line - 1 - 5 * static_cast<uint32_t>(e);
        if (e > 0) ok = ok && ep.pasient == r.episodes[static_cast<size_t>(n - 1)].pasient;
        line += 5;
      }
      line += 3;
    }
    CHECK(ok);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("memory stays bounded: 50,000 episodes stream through a buffer of one block") {
  auto dir = temp_dir("bounded");
  {
    std::ofstream out(dir / "big.xml", std::ios::binary);
    out << kHead;
    for (int p = 0; p < 50000; ++p) out << patient(p, 1);
    out << kTail;
  }
  auto size = std::filesystem::file_size(dir / "big.xml");
  REQUIRE(size > (20u << 20));

  Diagnostics diagnostics;
  auto reader = EpisodeReader::open((dir / "big.xml").string(), 0, diagnostics);
  REQUIRE(reader);
  std::vector<Episode> batch;
  size_t total = 0, batches = 0;
  uint64_t last_bytes = 0;
  bool progress_rises = true;
  while (true) {
    batch.clear();
    if (!(*reader)->next_batch(batch, 100)) break;
    CHECK(batch.size() <= 100);
    total += batch.size();
    ++batches;
    progress_rises = progress_rises && (*reader)->bytes_read() >= last_bytes;
    last_bytes = (*reader)->bytes_read();
  }
  CHECK(total == 50000);
  CHECK(batches == 500);
  CHECK(progress_rises);
  CHECK((*reader)->complete());
  CHECK((*reader)->episodes_read() == 50000);
  CHECK((*reader)->bytes_read() == size);
  CHECK((*reader)->file_bytes_read() == size);
  // The text buffer never held more than a block or two, for a file of more than 20 MB.
  CHECK((*reader)->peak_buffer_bytes() < (1u << 20));

  SECTION("gzip too: the compressed bytes are counted separately") {
    write_gzip(dir / "big.xml.gz", slurp((dir / "big.xml").string()));
    auto r = read_file((dir / "big.xml.gz").string(), 100);
    CHECK(r.complete);
    CHECK(r.episodes.size() == 50000);
    CHECK(r.peak_buffer < (1u << 20));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("an Objektholder larger than max_chunk_bytes is skipped with an error") {
  auto dir = temp_dir("chunk-limit");
  std::string big_text = "        <Merknad>" + std::string(200000, 'x') + "</Merknad>\n";
  std::string xml =
      std::string(kHead) + patient(1, 1) + patient(2, 1, big_text) + patient(3, 1) + kTail;
  write_file(dir / "big-chunk.xml", xml);
  ReaderLimits limits;
  limits.max_chunk_bytes = 64u << 10;

  SECTION("the limit holds") {
    auto r = read_file((dir / "big-chunk.xml").string(), 10, limits);
    INFO(r.rendered());
    CHECK_FALSE(r.complete);
    CHECK(r.episode_ids() == std::vector<std::string>{"E-1-0", "E-3-0"});
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message ==
          "this Objektholder is larger than 65536 bytes (the reader's limit): its episodes are "
          "skipped");
    CHECK(r.errors()[0].line == 13);
    // Only the limit and one block were held, not the 200 kB Objektholder.
    CHECK(r.peak_buffer < limits.max_chunk_bytes + (600u << 10));
  }
  SECTION("without the limit the same file is read completely") {
    auto r = read_file((dir / "big-chunk.xml").string(), 10);
    CHECK(r.complete);
    CHECK(r.episodes.size() == 3);
  }
  SECTION("a huge attribute in the header is dropped, the rest is read") {
    std::string head = kHead;
    head.replace(head.find("Medisinsk avdeling"), 18, std::string(300000, 'B'));
    write_file(dir / "big-tag.xml", head + patient(1, 1) + kTail);
    auto r = read_file((dir / "big-tag.xml").string(), 10, limits);
    INFO(r.rendered());
    CHECK_FALSE(r.complete);
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].message.rfind("start tag longer than 65536 bytes", 0) == 0);
    CHECK(r.episodes.size() == 1);
    CHECK(r.peak_buffer < limits.max_chunk_bytes + (600u << 10));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("deep nesting of unknown elements is read without recursion") {
  auto dir = temp_dir("deep");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<x>";
  for (int i = 0; i < 100000; ++i) deep += "</x>";
  write_file(dir / "deep.xml",
             std::string(kHead) + patient(1, 1) + patient(2, 1, deep + "\n") + kTail);
  auto r = read_file((dir / "deep.xml").string());
  INFO(r.rendered());
  CHECK(r.complete);
  CHECK(r.episodes.size() == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("file_sha256 is the hash of the bytes on disk, once the file was read to its end",
          "[reader][hash]") {
  auto dir = temp_dir("reader-sha256");
  std::string text = kHead;
  for (int p = 0; p < 400; ++p) text += patient(p, 2);  // several input blocks
  text += kTail;
  write_file(dir / "plain.xml", text);
  write_gzip(dir / "packed.xml.gz", text);
  for (const char* name : {"plain.xml", "packed.xml.gz"}) {
    const std::string path = (dir / name).string();
    Diagnostics d;
    auto reader = EpisodeReader::open(path, 0, d);
    REQUIRE(reader);
    CHECK((*reader)->file_sha256().empty());  // nothing read yet
    std::vector<RawChunk> chunks;
    size_t seen = 0;
    while ((*reader)->next_chunks(chunks, 1 << 16)) {
      std::vector<Episode> episodes;
      for (auto& c : chunks) (*reader)->accept(convert_chunk(std::move(c)), episodes);
      seen += episodes.size();
      chunks.clear();
    }
    CHECK(seen == 800);
    auto expected = sha256_file(path);
    REQUIRE(expected);
    CHECK((*reader)->file_sha256() == *expected);
  }
  // A file given up after an error is not read to its end: no digest (check hashes it itself).
  write_file(dir / "broken.xml", std::string(kHead) + "<<" + std::string(1 << 20, ' ') + kTail);
  Diagnostics d;
  auto reader = EpisodeReader::open((dir / "broken.xml").string(), 0, d);
  REQUIRE(reader);
  std::vector<Episode> out;
  while ((*reader)->next_batch(out, 100)) {
  }
  CHECK_FALSE((*reader)->complete());
  CHECK((*reader)->file_sha256().empty());
}
