// Findings: severity names, the stable output order and the cross-run fingerprint.
#include "nprcheck/finding.hpp"

#include <tuple>

#include "nprcheck/hash.hpp"

namespace nprcheck {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

bool parse_severity(std::string_view text, Severity& out) {
  if (text == "info") {
    out = Severity::kInfo;
  } else if (text == "warning") {
    out = Severity::kWarning;
  } else if (text == "error") {
    out = Severity::kError;
  } else {
    return false;
  }
  return true;
}

bool finding_less(const Finding& a, const Finding& b) {
  return std::tie(a.file_id, a.episode_sequence, a.rule_id, a.object_index) <
         std::tie(b.file_id, b.episode_sequence, b.rule_id, b.object_index);
}

std::string fingerprint(const Finding& f) {
  // Unit separators keep "A"+"BC" apart from "AB"+"C".
  Sha256 h;
  h.update(f.rule_id);
  h.update("\x1f");
  h.update(std::to_string(f.rule_version));
  h.update("\x1f");
  h.update(f.episode_id);
  for (const auto& c : f.codes) {
    h.update("\x1f");
    h.update(c.verdi);
  }
  return h.hex_digest();
}

}  // namespace nprcheck
