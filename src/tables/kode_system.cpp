// Mapping `kodeverk` values and system names to KodeSystem.
#include "nprcheck/code_tables.hpp"
#include "table_text.hpp"

namespace nprcheck {

KodeSystem kode_system_from_kodeverk(std::string_view kodeverk) {
  kodeverk = table_text::trim(kodeverk);
  if (kodeverk.size() != 1) return KodeSystem::kOther;
  switch (kodeverk[0]) {
    case 'D':
    case 'd':
      return KodeSystem::kIcd10;
    case 'K':
    case 'k':
      return KodeSystem::kNcsp;
    case 'M':
    case 'm':
      return KodeSystem::kNcmp;
    case 'R':
    case 'r':
      return KodeSystem::kNcrp;
    case 'S':
    case 's':
      return KodeSystem::kSarkode;
    case 'P':
    case 'p':
      return KodeSystem::kPakkeforlop;
    default:
      return KodeSystem::kOther;
  }
}

bool parse_kode_system(std::string_view name, KodeSystem& out) {
  const std::string n = table_text::to_lower(table_text::trim(name));
  if (n == "icd10" || n == "icd-10") {
    out = KodeSystem::kIcd10;
  } else if (n == "ncsp") {
    out = KodeSystem::kNcsp;
  } else if (n == "ncmp") {
    out = KodeSystem::kNcmp;
  } else if (n == "ncrp") {
    out = KodeSystem::kNcrp;
  } else if (n == "sarkode" || n == "særkode") {
    out = KodeSystem::kSarkode;
  } else if (n == "pakkeforlop" || n == "pakkeforløp") {
    out = KodeSystem::kPakkeforlop;
  } else if (n == "annet") {
    out = KodeSystem::kOther;
  } else {
    return false;
  }
  return true;
}

}  // namespace nprcheck
