// Fuzzes the rule-file loader and the expression compiler: one YAML rule file per input.
// The file is named after the input's `id:` when that is a plain id (else FUZZ-001.yaml), so
// that inputs derived from real rule files get past the id/file-name check to the expressions.
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "nprcheck/rules.hpp"

namespace {

/// The value of the first `id: X` line when X is [A-Za-z0-9-]{1,32}, else "FUZZ-001".
std::string file_id(std::string_view text) {
  size_t pos = text.rfind("id:", 0) == 0 ? 0 : text.find("\nid:");
  if (pos == std::string_view::npos) return "FUZZ-001";
  pos = text.find(':', pos) + 1;
  while (pos < text.size() && text[pos] == ' ') ++pos;
  size_t end = pos;
  while (end < text.size() && end - pos < 33 &&
         ((text[end] >= 'A' && text[end] <= 'Z') || (text[end] >= 'a' && text[end] <= 'z') ||
          (text[end] >= '0' && text[end] <= '9') || text[end] == '-')) {
    ++end;
  }
  if (end == pos || end - pos > 32) return "FUZZ-001";
  return std::string(text.substr(pos, end - pos));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fs = std::filesystem;
  static const fs::path dir = [] {
    // The shipped rule data, so that in_set/lookup of real sets and mappings compile.
    auto d = nprcheck::fuzz::scratch() / "rules";
    fs::remove_all(d);
    fs::create_directories(d);
    fs::copy(NPRCHECK_SOURCE_DIR "/rules/data", d / "data", fs::copy_options::recursive);
    return d;
  }();
  static fs::path previous;
  if (!previous.empty()) fs::remove_all(previous);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  previous = nprcheck::fuzz::write_input("rules/" + file_id(text) + ".yaml", data, size);
  nprcheck::Diagnostics diagnostics;
  (void)nprcheck::RuleSet::load(dir, diagnostics);
  return 0;
}
