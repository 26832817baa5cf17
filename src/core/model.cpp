// Small helpers of the NPR-melding model.
#include "nprcheck/model.hpp"

#include <algorithm>

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

void MeldingInfo::index_enheter() {
  enhet_index.resize(enheter.size());
  for (uint32_t i = 0; i < enhet_index.size(); ++i) enhet_index[i] = i;
  std::stable_sort(enhet_index.begin(), enhet_index.end(), [this](uint32_t a, uint32_t b) {
    return enheter[a].enhet_id < enheter[b].enhet_id;
  });
}

const Enhet* MeldingInfo::find_enhet(std::string_view enhet_id) const {
  if (enhet_index.size() != enheter.size()) {
    for (const auto& e : enheter) {
      if (e.enhet_id == enhet_id) return &e;
    }
    return nullptr;
  }
  auto it = std::lower_bound(enhet_index.begin(), enhet_index.end(), enhet_id,
                             [this](uint32_t i, std::string_view id) {
                               return std::string_view(enheter[i].enhet_id) < id;
                             });
  if (it == enhet_index.end() || enheter[*it].enhet_id != enhet_id) return nullptr;
  return &enheter[*it];
}

}  // namespace nprcheck
