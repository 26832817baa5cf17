// Fuzzes the configuration-file loader.
#include "fuzz_util.hpp"
#include "nprcheck/check.hpp"
#include "nprcheck/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = nprcheck::fuzz::write_input("nightly.yaml", data, size);
  nprcheck::CheckOptions options;
  nprcheck::Diagnostics diagnostics;
  (void)nprcheck::load_config(path.string(), options, diagnostics);
  return 0;
}
