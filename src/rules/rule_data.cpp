// Rule data: named code sets (`*.set`) and mapping tables (`*.csv`) beside the rules.
#include "nprcheck/rule_data.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "nprcheck/code_tables.hpp"

namespace nprcheck {

namespace fs = std::filesystem;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool code_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool valid_code(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return code_char(c); }) &&
         s.find('-') == std::string_view::npos;
}

// Code values are compared without dots (S72.00 -> S7200), like the model and the tables.
std::string undotted(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '.') out += c;
  }
  return out;
}

size_t group_index(KodeSystem s) { return 1 + static_cast<size_t>(s); }

// FNV-1a over the first n keys, with a separator.
uint64_t key_hash(std::span<const std::string_view> keys) {
  uint64_t h = 1469598103934665603ULL;
  for (std::string_view k : keys) {
    for (char c : k) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    h ^= 0x1f;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

// ---- CodeSet ----

void CodeSet::Group::allow_first(unsigned char c0) {
  if (c0 >= 128) return;  // a value starting with it is never filtered
  for (size_t w = 0; w < 2; ++w) pairs[c0 * 2 + w] = ~uint64_t{0};
}

void CodeSet::Group::allow_pair(unsigned char c0, unsigned char c1) {
  if (c0 >= 128 || c1 >= 128) return;  // a value starting with them is never filtered
  size_t bit = (static_cast<size_t>(c0) << 7) | c1;
  pairs[bit >> 6] |= uint64_t{1} << (bit & 63);
}

void CodeSet::Group::allow_pattern(const Pattern& p) {
  const std::string& lo = p.lo;
  if (p.hi.empty() && lo.size() >= 2) {  // a prefix: its first two characters
    allow_pair(static_cast<unsigned char>(lo[0]), static_cast<unsigned char>(lo[1]));
  } else if (!lo.empty() && (p.hi.empty() || p.hi[0] == lo[0])) {
    // A one-character prefix, or a range within one letter (lo <= value <= hi on the first
    // character forces it): any second character.
    allow_first(static_cast<unsigned char>(lo[0]));
  } else {
    std::fill(std::begin(pairs), std::end(pairs), ~uint64_t{0});  // anything may match
  }
}

bool CodeSet::group_contains(const Group& g, std::string_view verdi) {
  // Most values are in no set: two characters and a bit rule them out before any hashing.
  if (verdi.size() >= 2) {
    auto c0 = static_cast<unsigned char>(verdi[0]);
    auto c1 = static_cast<unsigned char>(verdi[1]);
    if ((c0 | c1) < 128) {
      size_t bit = (static_cast<size_t>(c0) << 7) | c1;
      if ((g.pairs[bit >> 6] & (uint64_t{1} << (bit & 63))) == 0) return false;
    }
  }
  if (g.exact.find(verdi) != g.exact.end()) return true;
  auto matches = [&](const Pattern& p) {
    if (p.hi.empty()) return verdi.size() >= p.lo.size() && verdi.substr(0, p.lo.size()) == p.lo;
    return verdi.substr(0, p.lo.size()) >= p.lo && verdi.substr(0, p.hi.size()) <= p.hi;
  };
  if (!verdi.empty()) {
    auto c = static_cast<unsigned char>(verdi[0]);
    if (c < 128) {
      for (const auto& p : g.by_letter[c]) {
        if (matches(p)) return true;
      }
    }
  }
  return std::any_of(g.other.begin(), g.other.end(), matches);
}

void CodeSet::merge_pairs(const Group& g) {
  for (size_t w = 0; w < std::size(pairs_); ++w) pairs_[w] |= g.pairs[w];
}

bool CodeSet::contains_filtered(KodeSystem system, std::string_view verdi) const {
  if (groups_[0] && group_contains(*groups_[0], verdi)) return true;
  const auto& g = groups_[group_index(system)];
  return g && group_contains(*g, verdi);
}

bool CodeSet::contains_filtered(std::string_view verdi) const {
  return groups_[0] && group_contains(*groups_[0], verdi);
}

size_t CodeSet::size() const { return size_; }

void CodeSet::add_code(std::string_view verdi, uint32_t line) {
  if (!groups_[0]) groups_[0] = std::make_unique<Group>();
  std::string text = undotted(verdi);
  if (text.size() >= 2) {
    groups_[0]->allow_pair(static_cast<unsigned char>(text[0]),
                           static_cast<unsigned char>(text[1]));
    merge_pairs(*groups_[0]);
  }
  if (groups_[0]->exact.insert(std::move(text)).second) {
    ++size_;
    entries_.push_back(
        Entry{Entry::Kind::kExact, false, KodeSystem::kOther, undotted(verdi), {}, line});
  }
}

bool CodeSet::add_entry(std::string_view entry, std::string& error, uint32_t line) {
  entry = trim(entry);
  size_t g = 0;
  size_t colon = entry.find(':');
  if (colon != std::string_view::npos) {
    std::string_view sys = trim(entry.substr(0, colon));
    KodeSystem s;
    if (!parse_kode_system(sys, s)) {
      error = "unknown code system '" + std::string(sys) + "' (use ICD10, NCSP, NCMP or NCRP)";
      return false;
    }
    g = group_index(s);
    entry = trim(entry.substr(colon + 1));
  }
  if (entry.empty()) {
    error = "empty entry";
    return false;
  }
  Pattern p;
  bool exact = false;
  std::string text = undotted(entry);
  if (text.back() == '*') {
    p.lo = text.substr(0, text.size() - 1);
    if (!valid_code(p.lo)) {
      error = "bad prefix pattern '" + std::string(entry) + "' (a code prefix followed by *)";
      return false;
    }
  } else if (size_t dash = text.find('-'); dash != std::string::npos) {
    p.lo = std::string(trim(std::string_view(text).substr(0, dash)));
    p.hi = std::string(trim(std::string_view(text).substr(dash + 1)));
    if (!valid_code(p.lo) || !valid_code(p.hi)) {
      error = "bad range '" + std::string(entry) + "' (two code categories, e.g. C60-C63)";
      return false;
    }
    size_t common = std::min(p.lo.size(), p.hi.size());
    if (p.lo.substr(0, common) > p.hi.substr(0, common)) {
      error = "empty range '" + std::string(entry) + "': the first bound is after the second";
      return false;
    }
  } else {
    if (!valid_code(text)) {
      error = "bad entry '" + std::string(entry) +
              "' (a code, a prefix like KE*, or a range like C60-C63)";
      return false;
    }
    exact = true;
  }
  if (!groups_[g]) groups_[g] = std::make_unique<Group>();
  Group& grp = *groups_[g];
  ++size_;
  Entry rec;
  rec.kind = exact          ? Entry::Kind::kExact
             : p.hi.empty() ? Entry::Kind::kPrefix
                            : Entry::Kind::kRange;
  rec.qualified = g != 0;
  if (g != 0) rec.system = static_cast<KodeSystem>(g - 1);
  rec.lo = exact ? text : p.lo;
  rec.hi = p.hi;
  rec.line = line;
  entries_.push_back(std::move(rec));
  if (exact) {
    // (A shorter value than 2 characters is never filtered.)
    if (text.size() >= 2) {
      grp.allow_pair(static_cast<unsigned char>(text[0]), static_cast<unsigned char>(text[1]));
      merge_pairs(grp);
    }
    grp.exact.insert(text);
    return true;
  }
  grp.allow_pattern(p);
  merge_pairs(grp);
  auto c = p.lo.empty() ? 0 : static_cast<unsigned char>(p.lo[0]);
  bool one_letter = !p.lo.empty() && c < 128 && (p.hi.empty() || p.hi[0] == p.lo[0]);
  if (one_letter) {
    grp.by_letter[c].push_back(std::move(p));
  } else {
    grp.other.push_back(std::move(p));
  }
  return true;
}

// ---- Mapping ----

Mapping::Mapping(std::string name, std::vector<std::string> columns)
    : name_(std::move(name)), columns_(std::move(columns)) {}

int Mapping::column_index(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

void Mapping::add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

void Mapping::index() {
  index_.clear();
  if (columns_.size() < 2) return;
  index_.resize(columns_.size() - 1);
  std::vector<std::string_view> keys;
  for (size_t n = 1; n < columns_.size(); ++n) {
    auto& idx = index_[n - 1];
    for (size_t r = 0; r < rows_.size(); ++r) {
      keys.assign(rows_[r].begin(), rows_[r].begin() + static_cast<std::ptrdiff_t>(n));
      idx.emplace(key_hash(keys), static_cast<uint32_t>(r));
    }
  }
}

std::string_view Mapping::lookup(std::span<const std::string_view> keys) const {
  size_t n = keys.size();
  if (n == 0 || n >= columns_.size() || n > index_.size()) return {};
  const auto& idx = index_[n - 1];
  auto [b, e] = idx.equal_range(key_hash(keys));
  uint32_t best = UINT32_MAX;
  for (auto it = b; it != e; ++it) {
    const auto& row = rows_[it->second];
    bool eq = true;
    for (size_t i = 0; i < n && eq; ++i) eq = row[i] == keys[i];
    if (eq) best = std::min(best, it->second);
  }
  if (best == UINT32_MAX) return {};
  return rows_[best][n];
}

// ---- RuleData ----

struct RuleData::Impl {
  std::map<std::string, CodeSet, std::less<>> sets;
  std::map<std::string, Mapping, std::less<>> mappings;
  std::vector<fs::path> files;
};

RuleData::RuleData() : impl_(std::make_unique<Impl>()) {}
RuleData::~RuleData() = default;
RuleData::RuleData(RuleData&&) noexcept = default;
RuleData& RuleData::operator=(RuleData&&) noexcept = default;

const CodeSet* RuleData::find_set(std::string_view name) const {
  auto it = impl_->sets.find(name);
  return it == impl_->sets.end() ? nullptr : &it->second;
}

const Mapping* RuleData::find_mapping(std::string_view name) const {
  auto it = impl_->mappings.find(name);
  return it == impl_->mappings.end() ? nullptr : &it->second;
}

std::vector<std::string> RuleData::set_names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : impl_->sets) out.push_back(k);
  return out;
}

std::vector<const CodeSet*> RuleData::sets() const {
  std::vector<const CodeSet*> out;
  for (const auto& [k, v] : impl_->sets) out.push_back(&v);
  return out;
}

std::vector<std::string> RuleData::mapping_names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : impl_->mappings) out.push_back(k);
  return out;
}

const std::vector<fs::path>& RuleData::files() const { return impl_->files; }

void RuleData::add_set(CodeSet set) {
  std::string name = set.name();
  impl_->sets.insert_or_assign(name, std::move(set));
}

void RuleData::add_mapping(Mapping mapping) {
  std::string name = mapping.name();
  mapping.index();
  impl_->mappings.insert_or_assign(name, std::move(mapping));
}

namespace {

bool read_lines(const fs::path& p, std::vector<std::string>& lines) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (first && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    first = false;
    lines.push_back(std::move(line));
  }
  return !in.bad();
}

std::vector<std::string> split_semicolons(std::string_view line) {
  std::vector<std::string> out;
  size_t b = 0;
  while (true) {
    size_t e = line.find(';', b);
    out.emplace_back(trim(line.substr(b, e == std::string_view::npos ? e : e - b)));
    if (e == std::string_view::npos) break;
    b = e + 1;
  }
  return out;
}

bool valid_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_comment_or_blank(std::string_view line) {
  std::string_view t = trim(line);
  return t.empty() || t[0] == '#';
}

}  // namespace

Result<RuleData> RuleData::load(const fs::path& dir, Diagnostics& diagnostics) {
  RuleData data;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return data;
  if (!fs::is_directory(dir, ec)) {
    diagnostics.error(dir.string(), 0, 0, "rule data path is not a directory");
    return Status::invalid_input(dir.string() + ": rule data path is not a directory");
  }
  size_t errors_before = diagnostics.error_count();
  std::vector<fs::path> set_files;
  std::vector<fs::path> csv_files;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    auto ext = it->path().extension();
    if (ext == ".set") set_files.push_back(it->path());
    if (ext == ".csv") csv_files.push_back(it->path());
  }
  if (ec) diagnostics.error(dir.string(), 0, 0, "cannot read rule data directory: " + ec.message());
  std::sort(set_files.begin(), set_files.end());
  std::sort(csv_files.begin(), csv_files.end());

  auto error = [&](const fs::path& f, uint32_t line, uint32_t col, std::string msg,
                   const std::vector<std::string>* lines = nullptr) {
    std::string src;
    if (lines != nullptr && line >= 1 && line <= lines->size()) src = (*lines)[line - 1];
    diagnostics.error(f.string(), line, col, std::move(msg), std::move(src));
  };

  // Mappings first: sets may include their columns.
  for (const auto& f : csv_files) {
    std::string name = f.stem().string();
    std::vector<std::string> lines;
    if (!read_lines(f, lines)) {
      error(f, 0, 0, "cannot read the mapping file");
      continue;
    }
    if (!valid_name(name)) {
      error(f, 0, 0, "bad mapping name '" + name + "': use letters, digits and _");
      continue;
    }
    std::optional<Mapping> m;
    bool ok = true;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (is_comment_or_blank(lines[i])) continue;
      auto lineno = static_cast<uint32_t>(i + 1);
      auto values = split_semicolons(lines[i]);
      if (!m) {
        for (size_t c = 0; c < values.size(); ++c) {
          if (!valid_name(values[c])) {
            error(f, lineno, 1,
                  "bad column name '" + values[c] + "' in the header row (letters, digits, _)",
                  &lines);
            ok = false;
          }
        }
        if (values.size() < 2) {
          error(f, lineno, 1, "a mapping needs at least two columns (header row a;b)", &lines);
          ok = false;
        }
        m.emplace(name, values);
        continue;
      }
      if (values.size() != m->columns().size()) {
        error(f, lineno, 1,
              "row has " + std::to_string(values.size()) + " values, the header has " +
                  std::to_string(m->columns().size()) + " columns",
              &lines);
        ok = false;
        continue;
      }
      m->add_row(std::move(values));
    }
    if (!m) {
      error(f, 0, 0, "the mapping file has no header row");
      continue;
    }
    data.impl_->files.push_back(f);
    if (ok) data.add_mapping(std::move(*m));
  }

  for (const auto& f : set_files) {
    std::string name = f.stem().string();
    std::vector<std::string> lines;
    if (!read_lines(f, lines)) {
      error(f, 0, 0, "cannot read the set file");
      continue;
    }
    data.impl_->files.push_back(f);
    if (!valid_name(name)) {
      error(f, 0, 0, "bad set name '" + name + "': use letters, digits and _");
      continue;
    }
    if (data.find_mapping(name) != nullptr) {
      error(f, 0, 0, "a set and a mapping are both named '" + name + "'");
      continue;
    }
    CodeSet set(name);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (is_comment_or_blank(lines[i])) continue;
      auto lineno = static_cast<uint32_t>(i + 1);
      std::string_view line = trim(lines[i]);
      // A trailing comment is allowed after an entry.
      if (size_t hash = line.find('#'); hash != std::string_view::npos) {
        line = trim(line.substr(0, hash));
      }
      auto col = static_cast<uint32_t>(lines[i].find_first_not_of(" \t") + 1);
      if (line[0] == '@') {
        std::string_view ref = line.substr(1);
        size_t dot = ref.find('.');
        const Mapping* m =
            dot == std::string_view::npos ? nullptr : data.find_mapping(ref.substr(0, dot));
        if (dot == std::string_view::npos) {
          error(f, lineno, col, "bad include '" + std::string(line) + "': write @mapping.column",
                &lines);
          continue;
        }
        if (m == nullptr) {
          std::string msg = "unknown mapping '" + std::string(ref.substr(0, dot)) + "' in include";
          error(f, lineno, col + 1, msg, &lines);
          continue;
        }
        int c = m->column_index(ref.substr(dot + 1));
        if (c < 0) {
          std::string cols;
          for (const auto& n : m->columns()) cols += (cols.empty() ? "" : ", ") + n;
          error(f, lineno, col + 1 + static_cast<uint32_t>(dot) + 1,
                "mapping '" + m->name() + "' has no column '" + std::string(ref.substr(dot + 1)) +
                    "' (columns: " + cols + ")",
                &lines);
          continue;
        }
        for (size_t r = 0; r < m->rows(); ++r) {
          set.add_code(m->at(r, static_cast<size_t>(c)), lineno);
        }
        continue;
      }
      std::string why;
      if (!set.add_entry(line, why, lineno)) error(f, lineno, col, why, &lines);
    }
    set.file = f;
    data.add_set(std::move(set));
  }
  std::sort(data.impl_->files.begin(), data.impl_->files.end());
  if (diagnostics.error_count() > errors_before) {
    return Status::invalid_input(dir.string() + ": errors in the rule data");
  }
  return data;
}

}  // namespace nprcheck
