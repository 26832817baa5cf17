// Resolving an episode before the rules run: code systems, check dates, avdeling and unit.
#include "nprcheck/prepare.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace nprcheck {

namespace {

// The code's system and table facts on `dato`: each code looked up once per episode.
void resolve_kode(Kode& k, DateTime dato, const CodeTables& tables) { tables.resolve(k, dato); }

/// The Enhet of the episode's avdeling: the first RefEnhet typeEnhet 7 that points to an Enhet.
const Enhet* avdeling_enhet(const Episode& e) {
  if (!e.melding) return nullptr;
  for (const auto& r : e.ref_enheter) {
    if (r.type_enhet != 7) continue;
    if (const Enhet* en = e.melding->find_enhet(r.enhet_id)) return en;
  }
  return nullptr;
}

/// Sets forekomster and forste_forekomst of `codes` (one kind, in episode order): a sort of
/// (verdi, position), n log n, in a buffer reused across the episodes of the thread.
void count_occurrences(std::vector<Kode*>& codes) {
  thread_local std::vector<std::pair<std::string_view, uint32_t>> order;
  order.clear();
  for (uint32_t i = 0; i < codes.size(); ++i) order.emplace_back(codes[i]->verdi, i);
  std::sort(order.begin(), order.end());
  for (size_t a = 0; a < order.size();) {
    size_t b = a + 1;
    while (b < order.size() && order[b].first == order[a].first) ++b;
    for (size_t i = a; i < b; ++i) {
      Kode& k = *codes[order[i].second];
      k.forekomster = static_cast<uint32_t>(b - a);
      k.forste_forekomst = i == a;
    }
    a = b;
  }
}

}  // namespace

void prepare_episode(Episode& episode, const CodeTables& tables, const UnitsCatalogue& units) {
  const DateTime slutt = episode.slutt_dato();
  thread_local std::vector<Kode*> codes;
  codes.clear();
  for (auto& t : episode.tilstander) {
    for (auto& k : t.koder) {
      resolve_kode(k, slutt, tables);
      codes.push_back(&k);
    }
  }
  count_occurrences(codes);
  codes.clear();
  episode.prosedyre_systemer = 0;
  for (auto& tt : episode.tiltak) {
    const DateTime dato = tt.start            ? *tt.start
                          : tt.tjeneste_start ? *tt.tjeneste_start
                                              : episode.inn;
    for (auto& p : tt.prosedyrer) {
      p.dato = dato;
      for (auto& k : p.koder) {
        resolve_kode(k, dato, tables);
        codes.push_back(&k);
        episode.prosedyre_systemer |= static_cast<uint8_t>(1u << static_cast<unsigned>(k.system));
      }
    }
  }
  count_occurrences(codes);

  const Enhet* en = avdeling_enhet(episode);
  episode.avdeling = en != nullptr ? en->resh_id : std::string();
  episode.unit = episode.avdeling;
  episode.unit_name = en != nullptr ? en->enhet_lokal : std::string();
  episode.radiologi = false;
  episode.in_catalogue = false;
  if (episode.avdeling.empty()) return;
  const UnitEntry* u = units.find(episode.avdeling);
  // A level-2 unit used as avdeling is known when rows name it as their niva2_reshID.
  episode.in_catalogue = u != nullptr || units.is_niva2(episode.avdeling);
  if (u != nullptr) {
    if (!u->niva2_resh_id.empty()) episode.unit = u->niva2_resh_id;
    if (!u->niva2_navn.empty()) {
      episode.unit_name = u->niva2_navn;
    } else if (episode.unit == episode.avdeling) {
      if (!u->navn.empty()) episode.unit_name = u->navn;
    } else if (const UnitEntry* n2 = units.find(episode.unit); n2 != nullptr && !n2->navn.empty()) {
      episode.unit_name = n2->navn;  // the level-2 unit has a row of its own
    } else {
      episode.unit_name.clear();  // the avdeling's own name would be wrong for the level-2 unit
    }
    episode.radiologi = u->radiologi;
  }
}

}  // namespace nprcheck
