// Small helpers of the NPR-melding model.
#include "nprcheck/model.hpp"

namespace nprcheck {

const char* kode_system_name(KodeSystem s) {
  switch (s) {
    case KodeSystem::kIcd10:
      return "ICD10";
    case KodeSystem::kNcsp:
      return "NCSP";
    case KodeSystem::kNcmp:
      return "NCMP";
    case KodeSystem::kNcrp:
      return "NCRP";
    case KodeSystem::kSarkode:
      return "SARKODE";
    case KodeSystem::kPakkeforlop:
      return "PAKKEFORLOP";
    case KodeSystem::kOther:
      return "ANNET";
  }
  return "ANNET";
}

const Enhet* MeldingInfo::find_enhet(std::string_view enhet_id) const {
  for (const auto& e : enheter) {
    if (e.enhet_id == enhet_id) return &e;
  }
  return nullptr;
}

}  // namespace nprcheck
