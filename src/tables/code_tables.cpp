// Loading the versioned code tables (yearly snapshots, the official cumulative CSV and JSON
// layouts) and answering validity questions about codes with hash look-ups.
#include "nprcheck/code_tables.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <mutex>
#include <system_error>
#include <tuple>
#include <utility>

#include "id_table.hpp"
#include "nprcheck/file_input.hpp"
#include "table_rows.hpp"
#include "table_text.hpp"

namespace nprcheck {

namespace {

namespace fs = std::filesystem;
using namespace table_rows;

constexpr std::array<KodeSystem, 3> kProcedureSystems = {KodeSystem::kNcsp, KodeSystem::kNcmp,
                                                         KodeSystem::kNcrp};

/// Everything loaded for one code system.
struct SystemData {
  std::vector<CodeEntry> entries;
  IdTable index;  ///< entry ids by code
  /// The periods of every row added, by entry id, in file order: build_indexes() moves them
  /// into their entries, each entry's vector allocated once at its size.
  std::vector<std::pair<uint32_t, CodeEntry::Period>> pending;
  /// Every proper prefix of a reportable code, once (codes sharing a prefix are contiguous in
  /// sorted order), and their ids by prefix text.
  std::vector<PrefixRange> prefixes;
  IdTable prefix_index;
  std::vector<uint32_t> sorted;  ///< entry ids in code order
  /// Per entry id: its range in `sorted` of longer codes starting with it (as `prefixes`).
  std::vector<std::pair<uint32_t, uint32_t>> longer;
  std::array<bool, kMaxYear - kMinYear + 1> covered{};
  /// Every reportable period's text (once per code) as (position in `sorted`, period), and
  /// their ids by text: the codes with a given text without a scan of the system
  /// (successors()). Built on first use.
  mutable std::vector<std::pair<uint32_t, uint32_t>> texts;
  mutable IdTable text_index;
  mutable std::once_flag by_text_once;

  [[nodiscard]] bool covers(int year) const {
    return year >= kMinYear && year <= kMaxYear && covered[static_cast<size_t>(year - kMinYear)];
  }

  [[nodiscard]] std::string_view prefix_text(const PrefixRange& r) const {
    return std::string_view(entries[r.id].verdi).substr(0, r.len);
  }
  /// The entry id of `verdi`, or IdTable::kEmpty.
  [[nodiscard]] uint32_t find_id(std::string_view verdi) const {
    return index.find(code_hash(verdi), [&](uint32_t id) { return entries[id].verdi == verdi; });
  }
  /// The prefix range of `prefix` (a proper prefix of some reportable code), or null.
  [[nodiscard]] const PrefixRange* find_prefix(std::string_view prefix) const {
    const uint32_t i = prefix_index.find(code_hash(prefix), [&](uint32_t p) {
      return prefixes[p].len == prefix.size() && prefix_text(prefixes[p]) == prefix;
    });
    return i == IdTable::kEmpty ? nullptr : &prefixes[i];
  }
  [[nodiscard]] auto entry_hash() const {
    return [this](uint32_t id) { return code_hash(entries[id].verdi); };
  }
};

/// Sorts the periods of a code and joins touching or overlapping ones with the same text.
void normalize_periods(std::vector<CodeEntry::Period>& periods) {
  if (periods.size() < 2) return;
  auto by_days = [](const auto& a, const auto& b) {
    return std::tie(a.from_day, a.to_day) < std::tie(b.from_day, b.to_day);
  };
  // The rows of a code come in file order, mostly by date already. (std::sort leaves sorted
  // input of up to 16 as it is, equal periods included; longer input is sorted as before.)
  if (periods.size() > 16 || !std::is_sorted(periods.begin(), periods.end(), by_days)) {
    std::sort(periods.begin(), periods.end(), by_days);
  }
  size_t out = 0;  // periods[0, out] are the joined ones
  for (size_t i = 1; i < periods.size(); ++i) {
    CodeEntry::Period& last = periods[out];
    CodeEntry::Period& p = periods[i];
    if (last.tekst == p.tekst && last.rapporteres_til_npr == p.rapporteres_til_npr &&
        int64_t{p.from_day} <= int64_t{last.to_day} + 1) {
      last.to_day = std::max(last.to_day, p.to_day);
      continue;
    }
    if (++out != i) periods[out] = std::move(p);
  }
  periods.erase(periods.begin() + static_cast<std::ptrdiff_t>(out + 1), periods.end());
}

bool has_reportable_period(const CodeEntry& e) {
  return std::any_of(e.periods.begin(), e.periods.end(),
                     [](const auto& p) { return p.rapporteres_til_npr; });
}

/// `sorted` in code order, reportable codes only.
void sort_codes(SystemData& sd) {
  // Only codes reportable in some period make a prefix "have longer codes": a category with
  // subdivisions (`A00` in the JSON download) is no longer code of `A0`.
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  keyed.reserve(sd.entries.size());
  for (uint32_t id = 0; id < sd.entries.size(); ++id) {
    if (has_reportable_period(sd.entries[id])) {
      keyed.emplace_back(sort_key(sd.entries[id].verdi), id);
    }
  }
  auto less = [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return sd.entries[a.second].verdi < sd.entries[b.second].verdi;
  };
  // The entries come file by file, a file mostly in code order.
  sort_by_runs(keyed, less);
  sd.sorted.resize(keyed.size());
  for (size_t i = 0; i < keyed.size(); ++i) sd.sorted[i] = keyed[i].second;
}

/// Every proper prefix of the sorted codes, with its range, in one pass: the prefixes of the
/// code at hand are open; those the next code does not share close there.
void build_prefixes(SystemData& sd) {
  const auto n = static_cast<uint32_t>(sd.sorted.size());
  std::vector<uint32_t> open;    // open[len - 1]: the prefix of length len of the current code
  std::vector<uint64_t> hashes;  // per prefix
  std::string_view prev;
  for (uint32_t pos = 0; pos < n; ++pos) {
    const std::string_view code = sd.entries[sd.sorted[pos]].verdi;
    size_t common = 0;
    while (common < prev.size() && common < code.size() && prev[common] == code[common]) {
      ++common;
    }
    while (open.size() > common) {
      sd.prefixes[open.back()].last = pos;
      open.pop_back();
    }
    uint64_t h = kFnvBasis;
    for (size_t len = 1; len < code.size(); ++len) {
      h = fnv_step(h, code[len - 1]);
      if (len <= open.size()) continue;
      open.push_back(static_cast<uint32_t>(sd.prefixes.size()));
      sd.prefixes.push_back({sd.sorted[pos], static_cast<uint32_t>(len), pos, 0});
      hashes.push_back(fnv_final(h));
    }
    prev = code;
  }
  for (uint32_t p : open) sd.prefixes[p].last = n;
  auto prefix_hash = [&](uint32_t p) { return hashes[p]; };
  sd.prefix_index.reserve(sd.prefixes.size(), prefix_hash);
  for (uint32_t p = 0; p < sd.prefixes.size(); ++p)
    sd.prefix_index.insert(hashes[p], p, prefix_hash);
}

/// Moves the pending periods into their entries, in the order they were added.
void take_periods(SystemData& sd) {
  std::vector<uint32_t> count(sd.entries.size(), 0);
  for (const auto& [id, p] : sd.pending) ++count[id];
  for (uint32_t id = 0; id < sd.entries.size(); ++id) sd.entries[id].periods.reserve(count[id]);
  for (auto& [id, p] : sd.pending) sd.entries[id].periods.push_back(std::move(p));
  std::vector<std::pair<uint32_t, CodeEntry::Period>>().swap(sd.pending);
}

void build_indexes(SystemData& sd) {
  take_periods(sd);
  for (auto& e : sd.entries) normalize_periods(e.periods);
  sort_codes(sd);
  build_prefixes(sd);
  // The longer codes of a code are its prefix range; a reportable code that is a prefix comes
  // right before the range's first code, any other entry asks the prefix index.
  sd.longer.assign(sd.entries.size(), {0, 0});
  std::vector<bool> done(sd.entries.size(), false);
  for (const PrefixRange& r : sd.prefixes) {
    if (r.first == 0) continue;
    const uint32_t id = sd.sorted[r.first - 1];
    if (sd.entries[id].verdi == sd.prefix_text(r)) {
      sd.longer[id] = {r.first, r.last};
      done[id] = true;
    }
  }
  for (uint32_t pos = 0; pos < sd.sorted.size(); ++pos) done[sd.sorted[pos]] = true;
  for (uint32_t id = 0; id < sd.entries.size(); ++id) {
    if (done[id]) continue;
    if (const PrefixRange* r = sd.find_prefix(sd.entries[id].verdi)) {
      sd.longer[id] = {r->first, r->last};
    }
  }
}

/// A code looked up in one system: its entry (or null) and its longer codes in `sorted`.
struct Lookup {
  const CodeEntry* entry = nullptr;
  uint32_t first = 0;
  uint32_t last = 0;
};

Lookup lookup(const SystemData& sd, std::string_view verdi) {
  Lookup l;
  if (uint32_t id = sd.find_id(verdi); id != IdTable::kEmpty) {
    l.entry = &sd.entries[id];
    std::tie(l.first, l.last) = sd.longer[id];
  } else if (const PrefixRange* r = sd.find_prefix(verdi)) {
    l.first = r->first;
    l.last = r->last;
  }
  return l;
}

uint64_t text_hash(std::string_view s) { return fnv_final(std::hash<std::string_view>{}(s)); }

void build_text_index(const SystemData& sd) {
  std::vector<uint64_t> hashes;
  for (uint32_t pos = 0; pos < sd.sorted.size(); ++pos) {
    const auto& periods = sd.entries[sd.sorted[pos]].periods;
    for (uint32_t i = 0; i < periods.size(); ++i) {
      const auto& p = periods[i];
      if (!p.rapporteres_til_npr || p.tekst.empty()) continue;
      if (std::any_of(periods.begin(), periods.begin() + i,
                      [&](const auto& q) { return q.rapporteres_til_npr && q.tekst == p.tekst; })) {
        continue;
      }
      sd.texts.emplace_back(pos, i);
      hashes.push_back(text_hash(p.tekst));
    }
  }
  auto hash_of = [&](uint32_t id) { return hashes[id]; };
  sd.text_index.reserve(sd.texts.size(), hash_of);
  for (uint32_t id = 0; id < sd.texts.size(); ++id) sd.text_index.insert(hashes[id], id, hash_of);
}

bool period_overlaps_year(const CodeEntry::Period& p, int year) {
  return p.from_day <= last_day(year) && first_day(year) <= p.to_day;
}

}  // namespace

struct CodeTables::Impl {
  std::array<SystemData, kSystems.size()> systems;
  std::vector<ManifestTable> files;

  [[nodiscard]] const SystemData* data(KodeSystem s) const {
    int i = system_index(s);
    return i < 0 ? nullptr : &systems[static_cast<size_t>(i)];
  }

  /// Takes the rows of `f` (their codes, texts and parent codes are moved, not copied).
  void add(ParsedFile&& f, std::string file, std::string sha256) {
    SystemData& sd = systems[static_cast<size_t>(system_index(f.system))];
    sd.index.reserve(sd.entries.size() + f.rows.size(), sd.entry_hash());
    reserve_more(sd.entries, f.rows.size());
    reserve_more(sd.pending, f.rows.size());
    for (Row& r : f.rows) {
      const uint64_t h = code_hash(r.kode);
      uint32_t id = sd.index.find(h, [&](uint32_t i) { return sd.entries[i].verdi == r.kode; });
      if (id == IdTable::kEmpty) {
        id = static_cast<uint32_t>(sd.entries.size());
        CodeEntry e;
        e.verdi = std::move(r.kode);
        e.system = f.system;
        sd.entries.push_back(std::move(e));
        sd.index.insert(h, id, sd.entry_hash());
      }
      CodeEntry& e = sd.entries[id];
      e.stjernekode = e.stjernekode || r.stjernekode;
      e.tilleggskode = e.tilleggskode || r.tilleggskode;
      e.uspesifikk = e.uspesifikk || r.uspesifikk;
      if (!r.foreldrekode.empty()) e.foreldrekode = std::move(r.foreldrekode);
      if (r.kjonn != KodeKjonn::kAlle) e.kjonn = r.kjonn;
      sd.pending.emplace_back(id, std::move(r.period));
    }
    for (int y = std::max(f.year_from, kMinYear); y <= std::min(f.year_to, kMaxYear); ++y) {
      sd.covered[static_cast<size_t>(y - kMinYear)] = true;
    }
    ManifestTable t;
    t.system = kode_system_name(f.system);
    t.year_from = f.year_from;
    t.year_to = f.year_to;
    t.file = std::move(file);
    t.sha256 = std::move(sha256);
    t.codes = f.distinct_codes;
    t.layout = f.layout;
    files.push_back(std::move(t));
  }
};

CodeTables::CodeTables() : impl_(std::make_unique<Impl>()) {}
CodeTables::~CodeTables() = default;
CodeTables::CodeTables(CodeTables&&) noexcept = default;
CodeTables& CodeTables::operator=(CodeTables&&) noexcept = default;

Result<CodeTables> CodeTables::load(const std::filesystem::path& dir, Diagnostics& diagnostics) {
  std::error_code ec;
  auto status = fs::status(dir, ec);
  if (ec || !fs::exists(status)) {
    return Status::not_found("code table directory '" + dir.string() + "' does not exist");
  }
  const size_t errors_before = diagnostics.error_count();
  std::vector<fs::path> paths;
  auto is_table_file = [](const fs::path& p) {
    const std::string name = table_text::to_lower(p.filename().string());
    auto ends = [&](std::string_view suffix) {
      return name.size() > suffix.size() &&
             name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return ends(".csv") || ends(".json") || ends(".json.gz");
  };
  if (fs::is_regular_file(status)) {
    paths.push_back(dir);
  } else if (fs::is_directory(status)) {
    // Hidden entries are skipped; anything else that cannot be read is an error, never skipped.
    auto hidden = [](const fs::path& p) {
      return !p.filename().empty() && p.filename().string().front() == '.';
    };
    FolderWalk walk = walk_folder(dir, [&](const fs::path& p) {
      if (hidden(p)) return false;
      if (is_table_file(p))
        diagnostics.error(p.string(), 0, 0, "a folder where a code table belongs");
      return true;
    });
    for (const auto& [folder, why] : walk.unreadable) {
      diagnostics.error(folder.string(), 0, 0, "cannot read code table folder: " + why);
    }
    for (const auto& e : walk.entries) {
      if (hidden(e.path) || !is_table_file(e.path)) continue;
      if (e.kind != WalkKind::kFile) {
        // A symlink to a table is followed; a dangling one, a loop or a device is an error.
        if (std::string why = not_a_regular_file_reason(e.path); !why.empty()) {
          diagnostics.error(e.path.string(), 0, 0, "cannot read code table: " + why);
          continue;
        }
      }
      paths.push_back(e.path);
    }
  } else {
    return Status::invalid_input("'" + dir.string() + "' is neither a directory nor a file");
  }
  std::sort(paths.begin(), paths.end());

  CodeTables tables;
  for (const auto& p : paths) {
    const std::string ext = table_text::to_lower(p.extension().string());
    std::string sha;
    auto parsed =
        ext == ".csv" ? read_csv_table(p, diagnostics, sha) : read_json_table(p, diagnostics, sha);
    if (parsed) tables.impl_->add(std::move(*parsed), p.string(), std::move(sha));
  }
  // An empty folder is an error of its own; tables that failed have said so already.
  if (tables.impl_->files.empty() && diagnostics.error_count() == errors_before) {
    diagnostics.error(dir.string(), 0, 0, "no code tables loaded: the folder holds no codes");
  }
  for (auto& sd : tables.impl_->systems) build_indexes(sd);
  return tables;
}

const std::vector<ManifestTable>& CodeTables::files() const { return impl_->files; }

bool CodeTables::has_year(KodeSystem system, int year) const {
  const SystemData* sd = impl_->data(system);
  return sd != nullptr && sd->covers(year);
}

std::vector<int> CodeTables::years(KodeSystem system) const {
  std::vector<int> out;
  const SystemData* sd = impl_->data(system);
  if (sd == nullptr) return out;
  for (int y = kMinYear; y <= kMaxYear; ++y) {
    if (sd->covers(y)) out.push_back(y);
  }
  return out;
}

const CodeEntry* CodeTables::find(KodeSystem system, std::string_view verdi) const {
  const SystemData* sd = impl_->data(system);
  if (sd == nullptr) return nullptr;
  const uint32_t id = sd->find_id(verdi);
  return id == IdTable::kEmpty ? nullptr : &sd->entries[id];
}

const CodeEntry::Period* CodeTables::period_on(const CodeEntry& entry, DateTime date) {
  const int32_t day = date.day();
  for (const auto& p : entry.periods) {
    if (p.rapporteres_til_npr && p.from_day <= day && day <= p.to_day) return &p;
  }
  return nullptr;
}

bool CodeTables::known(KodeSystem system, std::string_view verdi) const {
  const CodeEntry* e = find(system, verdi);
  return e != nullptr && has_reportable_period(*e);
}

bool CodeTables::valid_on(KodeSystem system, std::string_view verdi, DateTime date) const {
  const CodeEntry* e = find(system, verdi);
  return e != nullptr && period_on(*e, date) != nullptr;
}

std::vector<int> CodeTables::valid_years(KodeSystem system, std::string_view verdi) const {
  std::vector<int> out;
  const CodeEntry* e = find(system, verdi);
  if (e == nullptr) return out;
  const SystemData& sd = *impl_->data(system);
  for (int y = kMinYear; y <= kMaxYear; ++y) {
    if (!sd.covers(y)) continue;
    if (std::any_of(e->periods.begin(), e->periods.end(), [&](const auto& p) {
          return p.rapporteres_til_npr && period_overlaps_year(p, y);
        })) {
      out.push_back(y);
    }
  }
  return out;
}

bool CodeTables::more_specific_exists(KodeSystem system, std::string_view prefix,
                                      DateTime date) const {
  const SystemData* sd = impl_->data(system);
  if (sd == nullptr) return false;
  const PrefixRange* r = sd->find_prefix(prefix);
  if (r == nullptr) return false;
  for (uint32_t pos = r->first; pos < r->last; ++pos) {
    if (period_on(sd->entries[sd->sorted[pos]], date) != nullptr) return true;
  }
  return false;
}

bool CodeTables::longer_code_exists(KodeSystem system, std::string_view prefix) const {
  const SystemData* sd = impl_->data(system);
  return sd != nullptr && sd->find_prefix(prefix) != nullptr;
}

bool CodeTables::code_in_range_exists(KodeSystem system, std::string_view lo,
                                      std::string_view hi) const {
  const SystemData* sd = impl_->data(system);
  if (sd == nullptr) return false;
  // The codes are sorted: the first one not below `lo` is the only candidate.
  auto it = std::lower_bound(sd->sorted.begin(), sd->sorted.end(), lo,
                             [&](uint32_t id, std::string_view key) {
                               return std::string_view(sd->entries[id].verdi) < key;
                             });
  if (it == sd->sorted.end()) return false;
  std::string_view v = sd->entries[*it].verdi;
  return v.substr(0, lo.size()) >= lo && v.substr(0, hi.size()) <= hi;
}

std::string_view CodeTables::tekst(KodeSystem system, std::string_view verdi, DateTime date) const {
  const CodeEntry* e = find(system, verdi);
  return e == nullptr ? std::string_view() : tekst_of(*e, date);
}

std::string_view CodeTables::tekst_of(const CodeEntry& entry, DateTime date) {
  const CodeEntry* e = &entry;
  if (e->periods.empty()) return {};
  if (const auto* p = period_on(*e, date)) return p->tekst;
  const CodeEntry::Period* latest = nullptr;
  for (const auto& p : e->periods) {
    if (p.rapporteres_til_npr && (latest == nullptr || p.to_day >= latest->to_day)) latest = &p;
  }
  return latest == nullptr ? std::string_view() : std::string_view(latest->tekst);
}

std::vector<std::string_view> CodeTables::successors(KodeSystem system, std::string_view verdi,
                                                     DateTime date) const {
  std::vector<std::string_view> out;
  const SystemData* sd = impl_->data(system);
  if (sd == nullptr) return out;
  // 1. The same code with further characters, valid on the date: the shortest such codes
  //    (D370 -> D3700, D3701), in code order.
  if (const PrefixRange* r = sd->find_prefix(verdi)) {
    size_t shortest = SIZE_MAX;
    for (uint32_t pos = r->first; pos < r->last; ++pos) {
      const CodeEntry& e = sd->entries[sd->sorted[pos]];
      if (e.verdi.size() > shortest || period_on(e, date) == nullptr) continue;
      if (e.verdi.size() < shortest) {
        shortest = e.verdi.size();
        out.clear();
      }
      out.push_back(e.verdi);
    }
    if (!out.empty()) return out;
  }
  // 2. Another code with the same text, valid on the date (NCSP TBA10 -> BAX10 "Nålebiopsi av
  //    tyreoidea"): the candidates come from the text index, in code order.
  const CodeEntry* self = find(system, verdi);
  if (self == nullptr) return out;
  std::call_once(sd->by_text_once, [sd] { build_text_index(*sd); });
  std::vector<uint32_t> candidates;
  for (const auto& q : self->periods) {
    if (q.tekst.empty()) continue;
    sd->text_index.for_each(text_hash(q.tekst), [&](uint32_t id) {
      const auto [pos, i] = sd->texts[id];
      if (sd->entries[sd->sorted[pos]].periods[i].tekst == q.tekst) candidates.push_back(pos);
    });
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (uint32_t pos : candidates) {
    const CodeEntry& e = sd->entries[sd->sorted[pos]];
    if (&e == self) continue;
    const CodeEntry::Period* p = period_on(e, date);
    if (p == nullptr) continue;
    if (std::any_of(self->periods.begin(), self->periods.end(),
                    [&](const auto& q) { return !q.tekst.empty() && q.tekst == p->tekst; })) {
      out.push_back(e.verdi);
    }
  }
  return out;
}

namespace {

bool kodeverk_is_q(std::string_view kodeverk) {
  return kodeverk.size() == 1 && (kodeverk[0] == 'Q' || kodeverk[0] == 'q');
}

bool more_specific_in(const SystemData& sd, const Lookup& l, DateTime date) {
  for (uint32_t pos = l.first; pos < l.last; ++pos) {
    if (CodeTables::period_on(sd.entries[sd.sorted[pos]], date) != nullptr) return true;
  }
  return false;
}

}  // namespace

void CodeTables::resolve(Kode& k, DateTime dato) const {
  k.dato = dato;
  k.dag = dato.day();
  k.ar = dato.year();
  k.tables = this;
  k.entry = nullptr;
  k.tekst = {};
  k.fakta = 0;
  uint8_t fakta = 0;
  Lookup l;
  if (kodeverk_is_q(k.kodeverk)) {
    // As resolve_procedure_system(): the first system valid on the date, else the first that
    // lists the code.
    std::array<Lookup, kProcedureSystems.size()> ls;
    KodeSystem any = KodeSystem::kOther;
    k.system = KodeSystem::kOther;
    for (size_t i = 0; i < kProcedureSystems.size(); ++i) {
      ls[i] = lookup(*impl_->data(kProcedureSystems[i]), k.verdi);
      if (ls[i].entry == nullptr) continue;
      if (period_on(*ls[i].entry, dato) != nullptr) {
        k.system = kProcedureSystems[i];
        l = ls[i];
        break;
      }
      if (any == KodeSystem::kOther) {
        any = kProcedureSystems[i];
        l = ls[i];
      }
    }
    if (k.system == KodeSystem::kOther) k.system = any;
    if (k.system == KodeSystem::kOther) {
      // No table holds it: checked, longer_exists and more_specific_exists ask every
      // procedure system; the rest is false.
      for (size_t i = 0; i < kProcedureSystems.size(); ++i) {
        const SystemData& sd = *impl_->data(kProcedureSystems[i]);
        if (sd.covers(k.ar)) fakta |= kFaktaChecked;
        if (ls[i].first < ls[i].last) fakta |= kFaktaLonger;
        if (more_specific_in(sd, ls[i], dato)) fakta |= kFaktaMoreSpecific;
      }
      k.fakta = fakta;
      return;
    }
  } else {
    k.system = kode_system_from_kodeverk(k.kodeverk);
    const SystemData* sd = impl_->data(k.system);
    if (sd == nullptr) return;
    l = lookup(*sd, k.verdi);
  }
  const SystemData& sd = *impl_->data(k.system);
  if (sd.covers(k.ar)) fakta |= kFaktaChecked | kFaktaHasYear;
  if (l.first < l.last) fakta |= kFaktaLonger;
  if (more_specific_in(sd, l, dato)) fakta |= kFaktaMoreSpecific;
  if (const CodeEntry* e = l.entry; e != nullptr) {
    k.entry = e;
    if (has_reportable_period(*e)) fakta |= kFaktaKnown;
    if (period_on(*e, dato) != nullptr) fakta |= kFaktaValid;
    for (const auto& p : e->periods) {
      if (p.from_day <= k.dag && k.dag <= p.to_day) {
        fakta |= kFaktaListed;
        break;
      }
    }
    k.tekst = tekst_of(*e, dato);
  }
  k.fakta = fakta;
}

KodeSystem CodeTables::resolve_procedure_system(std::string_view verdi, DateTime date) const {
  KodeSystem any = KodeSystem::kOther;
  for (KodeSystem s : kProcedureSystems) {
    const CodeEntry* e = find(s, verdi);
    if (e == nullptr) continue;
    if (period_on(*e, date) != nullptr) return s;
    if (any == KodeSystem::kOther) any = s;
  }
  return any;
}

}  // namespace nprcheck
