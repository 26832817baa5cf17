// Fuzzes the rule-file loader and the expression compiler: one YAML rule file per input.
#include "fuzz_util.hpp"
#include "nprcheck/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fs = std::filesystem;
  auto dir = nprcheck::fuzz::scratch() / "rules";
  fs::remove_all(dir);
  nprcheck::fuzz::write_input("rules/FUZZ-001.yaml", data, size);
  nprcheck::Diagnostics diagnostics;
  (void)nprcheck::RuleSet::load(dir, diagnostics);
  return 0;
}
