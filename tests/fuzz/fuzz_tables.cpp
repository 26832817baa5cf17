// Fuzzes the code-table loader with one file in each layout it recognises (CSV and JSON).
#include "fuzz_util.hpp"
#include "nprcheck/code_tables.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fs = std::filesystem;
  auto dir = nprcheck::fuzz::scratch() / "tables";
  fs::remove_all(dir);
  // The first byte picks the layout: a yearly snapshot file, a cumulative file, or the JSON
  // download (plain; gzip input is inflated first, so gzip bytes reach the same parser).
  const int layout = size > 0 ? data[0] % 3 : 0;
  const char* name = layout == 1   ? "2017/icd10.csv"
                     : layout == 2 ? "ICD10.json"
                                   : "icd10_kumulativ.csv";
  nprcheck::fuzz::write_input(std::string("tables/") + name, data, size);
  nprcheck::Diagnostics diagnostics;
  auto tables = nprcheck::CodeTables::load(dir, diagnostics);
  if (tables) {
    nprcheck::DateTime d{int64_t{17167} * 86400};  // 2017-01-01
    (void)tables->valid_on(nprcheck::KodeSystem::kIcd10, "A000", d);
    (void)tables->more_specific_exists(nprcheck::KodeSystem::kIcd10, "A0", d);
    (void)tables->known(nprcheck::KodeSystem::kIcd10, "A00");
  }
  return 0;
}
