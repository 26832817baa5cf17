// Small helpers of the NPR-melding model.
#include "nprcheck/model.hpp"

#include <bit>

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

namespace {

/// Slot of an enhetID: ids are short (a few digits), so a multiplicative hash inline beats a
/// call to std::hash.
size_t enhet_slot(std::string_view id, size_t mask) {
  uint64_t h = id.size();
  for (unsigned char c : id) h = h * 131 + c;
  return static_cast<size_t>((h * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

}  // namespace

void MeldingInfo::index_enheter() {
  enhet_index.clear();
  if (enheter.empty()) return;
  const size_t slots = std::bit_ceil(2 * enheter.size());
  enhet_index.assign(slots + 1, 0);
  enhet_index[0] = static_cast<uint32_t>(enheter.size());
  for (uint32_t i = 0; i < enheter.size(); ++i) {
    for (size_t h = enhet_slot(enheter[i].enhet_id, slots - 1);; h = (h + 1) & (slots - 1)) {
      uint32_t& slot = enhet_index[h + 1];
      if (slot == 0) {
        slot = i + 1;
        break;
      }
      if (enheter[slot - 1].enhet_id == enheter[i].enhet_id) break;  // the first one is kept
    }
  }
}

const Enhet* MeldingInfo::find_enhet(std::string_view enhet_id) const {
  if (enhet_index.empty() || enhet_index[0] != enheter.size()) {
    for (const auto& e : enheter) {
      if (e.enhet_id == enhet_id) return &e;
    }
    return nullptr;
  }
  const size_t mask = enhet_index.size() - 2;
  for (size_t h = enhet_slot(enhet_id, mask);; h = (h + 1) & mask) {
    const uint32_t slot = enhet_index[h + 1];
    if (slot == 0) return nullptr;
    if (enheter[slot - 1].enhet_id == enhet_id) return &enheter[slot - 1];
  }
}

}  // namespace nprcheck
