// Key figures per unit and per rule, counted from the findings.
#include "key_figures.hpp"

#include <algorithm>
#include <set>

#include "report_util.hpp"

namespace nprcheck::report {

std::vector<const RuleFigures*> UnitFigures::top_rules(size_t n) const {
  std::vector<const RuleFigures*> v;
  for (const auto& [id, r] : per_rule) {
    if (r.findings > 0) v.push_back(&r);
  }
  std::sort(v.begin(), v.end(), [](const RuleFigures* a, const RuleFigures* b) {
    if (a->findings != b->findings) return a->findings > b->findings;
    return a->rule < b->rule;
  });
  if (v.size() > n) v.resize(n);
  return v;
}

std::vector<const UnitFigures*> KeyFigures::units_by_error_rate() const {
  std::vector<const UnitFigures*> v;
  for (const auto& [id, u] : units) v.push_back(&u);
  std::sort(v.begin(), v.end(), [](const UnitFigures* a, const UnitFigures* b) {
    double ra = rate(a->episodes_with_error, a->episodes);
    double rb = rate(b->episodes_with_error, b->episodes);
    if (ra != rb) return ra > rb;
    if (a->episodes_with_error != b->episodes_with_error) {
      return a->episodes_with_error > b->episodes_with_error;
    }
    return a->unit < b->unit;
  });
  return v;
}

namespace {

/// What one episode's findings add up to, flushed when the next episode starts.
struct EpisodeState {
  std::string key;
  std::string unit;
  bool any = false;
  bool error = false;
  std::set<std::string> rules_any;
  std::set<std::string> rules_error;
};

}  // namespace

Result<KeyFigures> compute_key_figures(const RunManifest& m, const FindingSource& source) {
  KeyFigures k;
  k.episodes = m.episodes;
  for (const auto& [id, uc] : m.per_unit) {
    UnitFigures& u = k.units[id];
    u.unit = id;
    u.unit_name = uc.unit_name;
    u.episodes = uc.episodes;
  }
  for (const auto& r : m.rules) {
    RuleFigures& rf = k.rules[r.id];
    rf.rule = r.id;
    rf.severity = r.severity;
  }
  std::map<std::string, std::set<std::string>> avdelinger;

  EpisodeState ep;
  auto flush = [&]() {
    if (ep.key.empty()) return;
    UnitFigures& u = k.units[ep.unit];
    if (ep.any) {
      ++k.episodes_with_finding;
      ++u.episodes_with_finding;
    }
    if (ep.error) {
      ++k.episodes_with_error;
      ++u.episodes_with_error;
    }
    for (const auto& r : ep.rules_any) {
      ++k.rules[r].episodes_with_finding;
      ++u.per_rule[r].episodes_with_finding;
    }
    for (const auto& r : ep.rules_error) {
      ++k.rules[r].episodes_with_error;
      ++u.per_rule[r].episodes_with_error;
    }
    ep = EpisodeState{};
  };

  Status s = source([&](const Finding& f) {
    // Episode ids are unique within a file; the unit is part of the key in case an episode
    // id repeats across units of one file.
    std::string key = f.file + '\x1f' + f.episode_id + '\x1f' + f.unit;
    if (key != ep.key) {
      flush();
      ep.key = std::move(key);
      ep.unit = f.unit;
    }
    UnitFigures& u = k.units[f.unit];
    if (u.unit.empty()) u.unit = f.unit;
    if (u.unit_name.empty()) u.unit_name = f.unit_name;
    if (!f.avdeling.empty()) avdelinger[f.unit].insert(f.avdeling);
    RuleFigures& rf = k.rules[f.rule_id];
    rf.rule = f.rule_id;
    RuleFigures& urf = u.per_rule[f.rule_id];
    urf.rule = f.rule_id;
    if (f.novelty != Finding::Novelty::kUnknown) k.novelty_known = true;
    if (f.waived) {
      ++k.waived;
      ++u.waived;
      ++rf.waived;
      ++urf.waived;
      return;
    }
    rf.severity = std::max(rf.severity, f.severity);
    urf.severity = std::max(urf.severity, f.severity);
    ++k.findings;
    ++u.findings;
    ++rf.findings;
    ++urf.findings;
    ++k.per_severity[f.severity];
    ++u.per_severity[f.severity];
    if (f.novelty == Finding::Novelty::kNew) {
      ++k.new_findings;
      ++u.new_findings;
      ++rf.new_findings;
      ++urf.new_findings;
    } else if (f.novelty == Finding::Novelty::kPersisting) {
      ++k.persisting;
      ++u.persisting;
      ++rf.persisting;
      ++urf.persisting;
    }
    ep.any = true;
    ep.rules_any.insert(f.rule_id);
    if (f.severity == Severity::kError) {
      ep.error = true;
      ep.rules_error.insert(f.rule_id);
    }
  });
  if (!s) return s;
  flush();
  for (auto& [unit, set] : avdelinger) {
    k.units[unit].avdelinger.assign(set.begin(), set.end());
  }
  return k;
}

KeyFigures key_figures_from_manifest(const RunManifest& m) {
  KeyFigures k;
  k.rule_episodes_known = false;
  k.episodes = m.episodes;
  for (const auto& r : m.rules) {
    RuleFigures& rf = k.rules[r.id];
    rf.rule = r.id;
    rf.severity = r.severity;
  }
  for (const auto& [id, n] : m.per_rule) {
    RuleFigures& rf = k.rules[id];
    rf.rule = id;
    rf.findings = n;
  }
  auto add_severities = [](const std::map<std::string, uint64_t>& from,
                           std::map<Severity, uint64_t>& to, uint64_t& findings, uint64_t& waived) {
    for (const auto& [name, n] : from) {
      Severity s{};
      if (parse_severity(name, s)) {
        to[s] += n;
        findings += n;
      } else if (name == "waived") {
        waived += n;
      }
    }
  };
  uint64_t unused = 0;
  add_severities(m.per_severity, k.per_severity, unused, k.waived);
  for (const auto& [id, uc] : m.per_unit) {
    UnitFigures& u = k.units[id];
    u.unit = id;
    u.unit_name = uc.unit_name;
    u.episodes = uc.episodes;
    u.episodes_with_error = uc.episodes_with_error;
    u.episodes_with_finding = uc.episodes_with_finding;
    add_severities(uc.per_severity, u.per_severity, u.findings, u.waived);
    for (const auto& [rid, n] : uc.per_rule) {
      RuleFigures& rf = u.per_rule[rid];
      rf.rule = rid;
      rf.findings = n;
    }
    k.findings += u.findings;
    k.episodes_with_error += u.episodes_with_error;
    k.episodes_with_finding += u.episodes_with_finding;
  }
  return k;
}

std::vector<std::string> ordered_rule_ids(const RunManifest& m, const KeyFigures& k) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const auto& r : m.rules) {
    if (seen.insert(r.id).second) ids.push_back(r.id);
  }
  for (const auto& [id, r] : k.rules) {
    if (seen.insert(id).second) ids.push_back(id);
  }
  return ids;
}

const ManifestRule* find_rule(const RunManifest& m, const std::string& id) {
  for (const auto& r : m.rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace nprcheck::report
