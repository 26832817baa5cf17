// RuleSet: loading a rule directory, and running its rules over prepared episodes.
#include <algorithm>
#include <climits>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_set>

#include "nprcheck/file_input.hpp"
#include "nprcheck/hash.hpp"
#include "nprcheck/rule_data.hpp"
#include "nprcheck/rules.hpp"
#include "rule_file.hpp"
#include "rule_program.hpp"

namespace nprcheck {

namespace fs = std::filesystem;
using rules_detail::ObjectOutcome;
using rules_detail::RuleProgram;
using rules_detail::RuleSpec;
using rules_detail::ScopeObject;

const char* rule_scope_name(RuleScope s) {
  switch (s) {
    case RuleScope::kEpisode:
      return "episode";
    case RuleScope::kTilstand:
      return "tilstand";
    case RuleScope::kTiltak:
      return "tiltak";
    case RuleScope::kProsedyre:
      return "prosedyre";
    case RuleScope::kKode:
      return "kode";
  }
  return "episode";
}

namespace {

/// Matches `c` against the class starting at pattern[p] == '['. Returns the index after the
/// closing ']' (npos if the class is not closed: then '[' is an ordinary character) and sets
/// `hit`. `[!...]` and `[^...]` negate; `a-z` is a range; a ']' first in the class is literal.
size_t match_class(std::string_view pattern, size_t p, char c, bool& hit) {
  size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool in = false;
  const size_t first = i;
  for (; i < pattern.size(); ++i) {
    if (pattern[i] == ']' && i > first) {
      hit = in != negate;
      return i + 1;
    }
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      if (pattern[i] <= c && c <= pattern[i + 2]) in = true;
      i += 2;
    } else if (pattern[i] == c) {
      in = true;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    size_t next = std::string_view::npos;
    bool hit = false;
    if (p < pattern.size() && pattern[p] == '[') next = match_class(pattern, p, text[t], hit);
    if (next != std::string_view::npos && hit) {
      p = next;
      ++t;
    } else if (next == std::string_view::npos && p < pattern.size() &&
               (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

/// One `versions:` entry compiled: in force from `from_day` (days since 1970-01-01) on.
struct CompiledVersion {
  int32_t from_day = 0;
  int version = 1;
  Severity severity = Severity::kError;
  bool isf = false;
  std::unique_ptr<RuleProgram> program;
};

struct CompiledRule {
  RuleInfo info;
  std::unique_ptr<RuleProgram> program;
  std::vector<CompiledVersion> versions;  ///< by from_day ascending
  int32_t from_day = INT32_MIN;           ///< info.valid_from as a day (none: INT32_MIN)
  int32_t to_day = INT32_MAX;             ///< info.valid_to as a day (none: INT32_MAX)
};

/// What applies to one episode: the rule's own fields or one of its versions.
struct Applicable {
  const RuleProgram* program;
  int version;
  Severity severity;
  bool isf;
};

Applicable applicable(const CompiledRule& rule, int32_t day) {
  Applicable a{rule.program.get(), rule.info.version, rule.info.severity, rule.info.isf};
  for (const auto& v : rule.versions) {
    if (day < v.from_day) break;
    a = Applicable{v.program.get(), v.version, v.severity, v.isf};
  }
  return a;
}

// Calls `fn(object, line)` for every object of the rule's scope, in the documented order.
template <typename Fn>
void for_each_object(RuleScope scope, const Episode& e, Fn&& fn) {
  switch (scope) {
    case RuleScope::kEpisode:
      fn(ScopeObject{}, e.location.line);
      break;
    case RuleScope::kTilstand:
      for (const auto& t : e.tilstander) fn(ScopeObject{&t, nullptr, nullptr, nullptr}, t.line);
      break;
    case RuleScope::kTiltak:
      for (const auto& t : e.tiltak) fn(ScopeObject{nullptr, &t, nullptr, nullptr}, t.line);
      break;
    case RuleScope::kProsedyre:
      for (const auto& t : e.tiltak) {
        for (const auto& p : t.prosedyrer) fn(ScopeObject{nullptr, &t, &p, nullptr}, p.line);
      }
      break;
    case RuleScope::kKode:
      for (const auto& t : e.tilstander) {
        for (const auto& k : t.koder) fn(ScopeObject{&t, nullptr, nullptr, &k}, k.line);
      }
      for (const auto& t : e.tiltak) {
        for (const auto& p : t.prosedyrer) {
          for (const auto& k : p.koder) fn(ScopeObject{nullptr, &t, &p, &k}, k.line);
        }
      }
      break;
  }
}

std::string describe_object(RuleScope scope, const ScopeObject& o) {
  auto codes = [](const std::vector<Kode>& koder) {
    std::string s;
    for (const auto& k : koder) s += (s.empty() ? "" : " ") + k.verdi;
    return s.empty() ? std::string("no codes") : s;
  };
  switch (scope) {
    case RuleScope::kEpisode:
      return "episode";
    case RuleScope::kTilstand:
      return "Tilstand " + std::to_string(o.tilstand->tilst_nr) + " (" + codes(o.tilstand->koder) +
             ")";
    case RuleScope::kTiltak:
      return "Tiltak typeTiltak=" + std::to_string(o.tiltak->type_tiltak);
    case RuleScope::kProsedyre:
      return "Prosedyre " + std::to_string(o.prosedyre->pros_nr) + " (" +
             codes(o.prosedyre->koder) + ")";
    case RuleScope::kKode:
      return "Kode " + o.kode->verdi + " (" + kode_system_name(o.kode->system) + ")";
  }
  return {};
}

std::string period_text(const RuleInfo& r) {
  std::string s;
  if (r.valid_from) s += "from " + r.valid_from->date_string();
  if (r.valid_to) s += std::string(s.empty() ? "" : " ") + "until " + r.valid_to->date_string();
  return s;
}

FindingCode finding_code(const Kode& k, const EvalContext& ctx) {
  FindingCode c;
  c.verdi = k.verdi;
  c.system = k.system;
  if (k.tables != nullptr && k.tables == ctx.tables) {
    if ((k.fakta & kFaktaHasYear) != 0) c.table_year = k.ar;
    c.tekst = std::string(k.tekst);
  } else if (ctx.tables != nullptr && k.system != KodeSystem::kOther) {
    int year = k.dato.year();
    if (ctx.tables->has_year(k.system, year)) c.table_year = year;
    c.tekst = std::string(ctx.tables->tekst(k.system, k.verdi, k.dato));
  }
  return c;
}

Finding make_finding(const RuleInfo& r, const Applicable& a, const Episode& e, uint32_t line,
                     uint32_t index, ObjectOutcome&& o, const EvalContext& ctx) {
  Finding f;
  f.rule_id = r.id;
  f.rule_version = a.version;
  f.severity = a.severity;
  f.isf = a.isf;
  f.message = std::move(o.message);
  if (e.melding) {
    f.file = e.melding->file;
    f.file_id = e.melding->file_id;
  }
  f.line = line != 0 ? line : e.location.line;
  f.episode_id = e.episode_id;
  if (e.pasient) f.pasient_nr = e.pasient->pasient_nr;
  f.avdeling = e.avdeling;
  f.unit = e.unit;
  f.unit_name = e.unit_name;
  f.dato = e.inn.date_string();
  for (const Kode* k : o.codes) f.codes.push_back(finding_code(*k, ctx));
  f.episode_sequence = e.sequence;
  f.object_index = index;
  return f;
}

/// The code values of a finding as one key (for `distinct`: one finding per set of codes).
std::string codes_key(const Finding& f) {
  std::string key;
  for (const auto& c : f.codes) (key += c.verdi) += '\x1f';
  return key;
}

// Runs one rule; appends findings to `out`; fills `trace` when given. `day` is the day of the
// episode's slutt_dato().
void run_rule(const CompiledRule& rule, const Episode& e, int32_t day, const EvalContext& ctx,
              std::vector<Finding>& out, RuleTrace* trace) {
  const RuleInfo& r = rule.info;
  if (trace != nullptr) trace->rule_id = r.id;
  if (day < rule.from_day || day > rule.to_day) {
    if (trace != nullptr) {
      trace->outcome = RuleTrace::Outcome::kNotApplicable;
      trace->reason = "not in force on " + e.slutt_dato().date_string() + " (in force " +
                      period_text(r) + "; the episode's date is utDatoTid, else innDatoTid)";
    }
    return;
  }
  const Applicable a = applicable(rule, day);
  if (trace != nullptr && !rule.versions.empty()) {
    trace->reason = "version " + std::to_string(a.version) + " in force on " +
                    e.slutt_dato().date_string() + "\n";
  }
  size_t first = out.size();
  uint32_t index = 0;
  bool any_applies = false;
  std::string reason = trace != nullptr ? std::move(trace->reason) : std::string();
  // `distinct`: a hashed look-up, linear in the findings (made only when a rule fires).
  std::optional<std::unordered_set<std::string>> distinct_seen;
  ObjectOutcome o;  // reused for every object
  for_each_object(r.scope, e, [&](const ScopeObject& obj, uint32_t line) {
    uint32_t i = index++;
    a.program->run(e, obj, ctx, trace != nullptr, o);
    if (trace != nullptr) {
      reason += describe_object(r.scope, obj) + ": ";
      reason += !o.applies ? "not applicable (where is false)"
                           : (o.holds ? "passed (assert holds)" : "FIRED (assert is false)");
      if (!o.trace.empty()) reason += "; " + o.trace;
      reason += '\n';
    }
    if (!o.applies) return;
    any_applies = true;
    if (o.holds) return;
    Finding f = make_finding(r, a, e, line, i, std::move(o), ctx);
    if (r.distinct) {
      if (!distinct_seen) distinct_seen.emplace();
      if (!distinct_seen->insert(codes_key(f)).second) return;
    }
    out.push_back(std::move(f));
  });
  if (trace != nullptr) {
    if (index == 0) reason += std::string("no ") + rule_scope_name(r.scope) + " in the episode\n";
    if (!reason.empty() && reason.back() == '\n') reason.pop_back();
    trace->reason = std::move(reason);
    trace->outcome = out.size() > first ? RuleTrace::Outcome::kFired
                     : any_applies      ? RuleTrace::Outcome::kPassed
                                        : RuleTrace::Outcome::kNotApplicable;
  }
}

// run_rule() without a trace, the per-episode path: `o` is reused for every rule and object.
void run_rule_fast(const CompiledRule& rule, const Episode& e, int32_t day, const EvalContext& ctx,
                   std::vector<Finding>& out, ObjectOutcome& o) {
  if (day < rule.from_day || day > rule.to_day) return;
  const RuleInfo& r = rule.info;
  const Applicable a = applicable(rule, day);
  uint32_t index = 0;
  std::optional<std::unordered_set<std::string>> distinct_seen;  // as in run_rule()
  for_each_object(r.scope, e, [&](const ScopeObject& obj, uint32_t line) {
    uint32_t i = index++;
    a.program->run(e, obj, ctx, false, o);
    if (!o.applies || o.holds) return;
    Finding f = make_finding(r, a, e, line, i, std::move(o), ctx);
    if (r.distinct) {
      if (!distinct_seen) distinct_seen.emplace();
      if (!distinct_seen->insert(codes_key(f)).second) return;
    }
    out.push_back(std::move(f));
  });
}

std::string read_file(const fs::path& p) {
  auto bytes = read_regular_file(p, kMaxSmallFileBytes);
  return bytes ? std::move(*bytes) : std::string();
}

}  // namespace

struct RuleSet::Impl {
  RuleData data;
  std::vector<CompiledRule> rules;  ///< all rules, sorted by id
  std::vector<size_t> active;       ///< selected rules (indexes into rules), by id
  std::string hash;

  const CompiledRule* find(std::string_view id) const {
    for (const auto& r : rules) {
      if (r.info.id == id) return &r;
    }
    return nullptr;
  }
};

RuleSet::RuleSet() : impl_(std::make_unique<Impl>()) {}
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

Result<RuleSet> RuleSet::load(const fs::path& dir, Diagnostics& diagnostics) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    diagnostics.error(dir.string(), 0, 0, "rule directory not found");
    return Status::not_found("");
  }
  size_t errors_before = diagnostics.error_count();

  // Rule files: every *.yaml below dir, except the data/ folder.
  const std::vector<fs::path> files = rules_detail::yaml_files_under(dir, "rule", diagnostics);
  const fs::path data_dir = dir / "data";

  RuleSet set;
  Impl& impl = *set.impl_;
  auto data = RuleData::load(data_dir, diagnostics);
  // Broken rule data: still parse every rule file (for its own errors), but do not compile the
  // expressions against incomplete data (every in_set/lookup would report a follow-up error).
  const bool data_ok = data.has_value();
  if (data_ok) impl.data = std::move(*data);

  std::map<std::string, std::string> ids;  // id -> file that defined it first
  for (const auto& path : files) {
    auto spec = rules_detail::parse_rule_file(path, path.string(), diagnostics);
    if (!spec) continue;
    const auto& src = *spec->source;
    auto [it, inserted] = ids.emplace(spec->info.id, spec->info.file);
    if (!inserted) {
      src.error(diagnostics, spec->id_pos,
                "duplicate rule id '" + spec->info.id + "' (also defined in " + it->second + ")");
      continue;
    }
    auto on_error = [&](const rules_detail::MappedText& text, size_t offset, std::string msg) {
      src.error(diagnostics, text.at(offset), std::move(msg));
    };
    if (!data_ok) continue;
    auto program = RuleProgram::compile(*spec, impl.data, on_error);
    if (!program) continue;
    CompiledRule rule{std::move(spec->info), std::move(program), {}};
    if (rule.info.valid_from) rule.from_day = rule.info.valid_from->day();
    if (rule.info.valid_to) rule.to_day = rule.info.valid_to->day();
    bool versions_ok = true;
    for (size_t v = 0; v < spec->versions.size(); ++v) {
      const RuleVersion& rv = rule.info.versions[v];
      auto vp = RuleProgram::compile(spec->versions[v], impl.data, on_error);
      if (!vp) {
        versions_ok = false;
        continue;
      }
      rule.versions.push_back(
          CompiledVersion{rv.valid_from.day(), rv.version, rv.severity, rv.isf, std::move(vp)});
    }
    if (versions_ok) impl.rules.push_back(std::move(rule));
  }
  if (files.empty()) {
    diagnostics.error(dir.string(), 0, 0, "no rule files (*.yaml) in the rule directory");
  }
  if (diagnostics.error_count() > errors_before) return Status::invalid_input("");

  std::sort(impl.rules.begin(), impl.rules.end(),
            [](const CompiledRule& a, const CompiledRule& b) { return a.info.id < b.info.id; });
  for (size_t i = 0; i < impl.rules.size(); ++i) impl.active.push_back(i);

  // The hash covers rule files and data files, in path order (relative path + bytes).
  std::vector<fs::path> hashed = files;
  for (const auto& f : impl.data.files()) hashed.push_back(f);
  std::sort(hashed.begin(), hashed.end());
  Sha256 h;
  for (const auto& f : hashed) {
    std::string rel = f.lexically_relative(dir).generic_string();
    h.update(rel);
    h.update("\0", 1);
    std::string bytes = read_file(f);
    h.update(std::to_string(bytes.size()));
    h.update("\0", 1);
    h.update(bytes);
  }
  impl.hash = h.hex_digest();
  return set;
}

bool RuleSet::selected_use_field(std::string_view qualified) const {
  return std::any_of(impl_->active.begin(), impl_->active.end(),
                     [&](size_t i) { return impl_->rules[i].program->uses_field(qualified); });
}

size_t RuleSet::select(std::string_view id_glob) {
  std::vector<size_t> kept;
  for (size_t i : impl_->active) {
    if (glob_match(id_glob, impl_->rules[i].info.id)) kept.push_back(i);
  }
  impl_->active = std::move(kept);
  return impl_->active.size();
}

std::vector<ManifestRule> RuleSet::manifest() const {
  std::vector<ManifestRule> out;
  for (size_t i : impl_->active) {
    const RuleInfo& r = impl_->rules[i].info;
    out.push_back(ManifestRule{r.id, r.version, r.severity, r.title, r.source, r.docs, r.isf});
  }
  return out;
}

const std::string& RuleSet::hash() const { return impl_->hash; }
size_t RuleSet::size() const { return impl_->active.size(); }
const RuleData& RuleSet::data() const { return impl_->data; }

std::vector<const RuleInfo*> RuleSet::rules() const {
  std::vector<const RuleInfo*> out;
  for (size_t i : impl_->active) out.push_back(&impl_->rules[i].info);
  return out;
}

const RuleInfo* RuleSet::find(std::string_view id) const {
  for (size_t i : impl_->active) {
    if (impl_->rules[i].info.id == id) return &impl_->rules[i].info;
  }
  return nullptr;
}

void RuleSet::evaluate(const Episode& episode, const EvalContext& ctx,
                       std::vector<Finding>& out) const {
  const int32_t day = episode.slutt_dato().day();
  ObjectOutcome o;
  for (size_t i : impl_->active) run_rule_fast(impl_->rules[i], episode, day, ctx, out, o);
}

bool RuleSet::evaluate_rule(std::string_view id, const Episode& episode, const EvalContext& ctx,
                            std::vector<Finding>& out) const {
  const CompiledRule* r = impl_->find(id);
  if (r == nullptr) return false;
  run_rule(*r, episode, episode.slutt_dato().day(), ctx, out, nullptr);
  return true;
}

std::vector<RuleTrace> RuleSet::explain(const Episode& episode, const EvalContext& ctx) const {
  std::vector<RuleTrace> traces;
  for (size_t i : impl_->active) {
    RuleTrace t;
    run_rule(impl_->rules[i], episode, episode.slutt_dato().day(), ctx, t.findings, &t);
    traces.push_back(std::move(t));
  }
  return traces;
}

}  // namespace nprcheck
