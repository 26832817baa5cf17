// Waivers: loading the YAML file and matching waivers to findings.
#include "nprcheck/waivers.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <utility>

#include "ops_yaml.hpp"

namespace nprcheck {

using ops_detail::YamlSource;

namespace {

const std::vector<std::string> kWaiverKeys = {"rule",  "episode",     "reason",      "who",
                                              "until", "fingerprint", "rule_version"};

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<Waiver> load_entry(const YamlSource& src, const YAML::Node& n, Diagnostics& d) {
  if (!n.IsMap()) {
    src.error(d, n,
              "a waiver must be a map with rule, episode, reason, who, until; not " +
                  ops_detail::node_kind(n));
    return std::nullopt;
  }
  bool ok = ops_detail::check_keys(src, n, kWaiverKeys, "a waiver", d);
  // A misspelt key was reported with its suggestion; do not report that key missing as well.
  std::set<std::string> suggested;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (it->first.IsScalar())
      suggested.insert(ops_detail::closest(it->first.Scalar(), kWaiverKeys));
  }
  Waiver w;
  w.file = src.display();
  w.line = static_cast<uint32_t>(n.Mark().line + 1);
  auto required_string = [&](const char* key, std::string& out) {
    YAML::Node v = n[key];
    if (!v.IsDefined() || v.IsNull()) {
      if (suggested.count(key) == 0 || v.IsDefined()) {
        src.error(d, n, std::string("this waiver has no '") + key + "'");
      }
      ok = false;
      return;
    }
    auto s = ops_detail::get_string(src, v, key, d);
    if (!s) {
      ok = false;
    } else if (s->empty()) {
      src.error(d, v, std::string("'") + key + "' is empty");
      ok = false;
    } else {
      out = *s;
    }
  };
  required_string("rule", w.rule);
  required_string("episode", w.episode);
  required_string("reason", w.reason);
  required_string("who", w.who);
  if (YAML::Node v = n["until"]; !v.IsDefined() || v.IsNull()) {
    if (suggested.count("until") == 0 || v.IsDefined()) {
      src.error(d, n, "this waiver has no 'until' date (YYYY-MM-DD): every waiver must expire");
    }
    ok = false;
  } else if (auto date = ops_detail::get_date(src, v, "until", d)) {
    w.until = *date;
  } else {
    ok = false;
  }
  if (YAML::Node v = n["fingerprint"]; v.IsDefined() && !v.IsNull()) {
    auto s = ops_detail::get_string(src, v, "fingerprint", d);
    if (!s) {
      ok = false;
    } else if (!is_hex64(*s)) {
      src.error(d, v,
                "'fingerprint' must be the 64 lower-case hex digits of a finding's fingerprint "
                "(as in findings.ndjson), not '" +
                    *s + "'");
      ok = false;
    } else {
      w.fingerprint = *s;
    }
  }
  if (YAML::Node v = n["rule_version"]; v.IsDefined() && !v.IsNull()) {
    auto version = ops_detail::get_uint(src, v, "rule_version", 1000000, d);
    if (!version) {
      ok = false;
    } else if (*version == 0) {
      src.error(d, v, "'rule_version' starts at 1");
      ok = false;
    } else {
      w.rule_version = static_cast<int>(*version);
    }
  }
  if (!ok) return std::nullopt;
  return w;
}

std::string key_of(const std::string& rule, const std::string& episode) {
  return rule + '\x1f' + episode;
}

}  // namespace

Result<std::vector<Waiver>> load_waivers(const std::string& path, Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.error_count();
  auto text = ops_detail::read_text_file(path, diagnostics);
  if (!text) return Status::invalid_input("cannot read the waivers file " + path);
  YamlSource src(path, std::move(*text));
  auto root = ops_detail::parse_yaml(src, diagnostics);
  if (!root) return Status::invalid_input("the waivers file " + path + " is not valid YAML");
  std::vector<Waiver> out;
  try {
    YAML::Node list = *root;
    if (root->IsNull()) return out;  // an empty file: no waivers
    if (root->IsMap()) {
      if (!std::as_const(*root)["waivers"].IsDefined()) {
        src.error(diagnostics, *root,
                  "the waivers file must be a list of waivers (each starting with '- rule: ...'), "
                  "or a map with a 'waivers:' list");
        return Status::invalid_input("the waivers file " + path + " has errors");
      }
      if (!ops_detail::check_keys(src, *root, {"waivers"}, "the waivers file", diagnostics)) {
        return Status::invalid_input("the waivers file " + path + " has errors");
      }
      list = std::as_const(*root)["waivers"];
      if (!list.IsDefined() || list.IsNull()) return out;
    }
    if (!list.IsSequence()) {
      src.error(diagnostics, list,
                "the waivers file must be a list of waivers (or 'waivers:' with a list), not " +
                    ops_detail::node_kind(list));
      return Status::invalid_input("the waivers file " + path + " has errors");
    }
    std::map<std::tuple<std::string, std::string, std::string>, uint32_t> seen;
    for (const auto& item : list) {
      auto w = load_entry(src, item, diagnostics);
      if (!w) continue;
      auto [it, fresh] =
          seen.emplace(std::make_tuple(w->rule, w->episode, w->fingerprint), w->line);
      if (!fresh) {
        src.warning(diagnostics, item,
                    "this waiver repeats the one on line " + std::to_string(it->second) +
                        " (same rule, episode and fingerprint); the first one is used");
      }
      out.push_back(std::move(*w));
    }
  } catch (const YAML::Exception& e) {
    src.error_at(diagnostics, e.mark, std::string("YAML error: ") + e.msg);
  }
  if (diagnostics.error_count() > errors_before) {
    return Status::invalid_input("the waivers file " + path + " has errors");
  }
  return out;
}

const char* waiver_state_name(WaiverState s) {
  switch (s) {
    case WaiverState::kApplied:
      return "applied";
    case WaiverState::kExpiredDate:
      return "expired-date";
    case WaiverState::kExpiredRuleVersion:
      return "expired-rule-version";
    case WaiverState::kExpiredFingerprint:
      return "expired-fingerprint";
    case WaiverState::kUnmatched:
      return "unmatched";
  }
  return "unmatched";
}

size_t WaiverReport::count(WaiverState s) const {
  size_t n = 0;
  for (const auto& o : outcomes) n += o.state == s ? 1 : 0;
  return n;
}

WaiverMatcher::WaiverMatcher(const std::vector<Waiver>& waivers, DateTime today)
    : waivers_(&waivers), today_(today), tracks_(waivers.size()) {
  for (size_t i = 0; i < waivers.size(); ++i) {
    by_key_[key_of(waivers[i].rule, waivers[i].episode)].push_back(i);
  }
}

bool WaiverMatcher::apply(Finding& f) {
  auto it = by_key_.find(key_of(f.rule_id, f.episode_id));
  if (it == by_key_.end()) return false;
  std::string fp;  // computed once, only when a waiver has one
  bool waived = false;
  for (size_t i : it->second) {
    const Waiver& w = (*waivers_)[i];
    Track& t = tracks_[i];
    t.candidate = true;
    if (today_.day() >= w.until.day()) continue;  // expired by date
    if (w.rule_version && *w.rule_version != f.rule_version) {
      t.version_mismatch = true;
      continue;
    }
    if (!w.fingerprint.empty()) {
      if (fp.empty()) fp = fingerprint(f);
      if (fp != w.fingerprint) {
        t.fingerprint_mismatch = true;
        continue;
      }
    }
    if (waived) {  // an earlier waiver of the file already covers this finding
      t.redundant = true;
      continue;
    }
    ++t.applied;
    waived = true;
    f.waived = true;
    f.waiver_reason = w.reason + " (" + w.who + ", til " + w.until.date_string() + ")";
  }
  return waived;
}

WaiverReport WaiverMatcher::report() const {
  WaiverReport r;
  for (size_t i = 0; i < tracks_.size(); ++i) {
    const Waiver& w = (*waivers_)[i];
    const Track& t = tracks_[i];
    WaiverOutcome o;
    o.waiver = &w;
    o.findings_waived = t.applied;
    r.findings_waived += t.applied;
    if (t.applied > 0) {
      o.state = WaiverState::kApplied;
    } else if (today_.day() >= w.until.day()) {
      o.state = WaiverState::kExpiredDate;
      o.detail = "its until date " + w.until.date_string() + " has come";
    } else if (t.version_mismatch) {
      o.state = WaiverState::kExpiredRuleVersion;
      o.detail = "it was written for version " + std::to_string(*w.rule_version) +
                 " of the rule, which has changed since";
    } else if (t.fingerprint_mismatch) {
      o.state = WaiverState::kExpiredFingerprint;
      o.detail =
          "the episode's codes changed since it was written (the finding's fingerprint "
          "differs)";
    } else {
      o.state = WaiverState::kUnmatched;
      o.detail = t.redundant ? "its findings are already waived by an earlier entry"
                             : "there is no finding of the rule in that episode";
    }
    r.outcomes.push_back(std::move(o));
  }
  return r;
}

WaiverReport apply_waivers(std::vector<Finding>& findings, const std::vector<Waiver>& waivers,
                           DateTime today) {
  WaiverMatcher m(waivers, today);
  for (auto& f : findings) m.apply(f);
  return m.report();
}

std::string waiver_report_json(const WaiverReport& report) {
  nlohmann::ordered_json j;
  j["findings_waived"] = report.findings_waived;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& o : report.outcomes) {
    nlohmann::ordered_json w;
    w["file"] = o.waiver->file;
    w["line"] = o.waiver->line;
    w["rule"] = o.waiver->rule;
    w["episode"] = o.waiver->episode;
    w["who"] = o.waiver->who;
    w["reason"] = o.waiver->reason;
    w["until"] = o.waiver->until.date_string();
    w["state"] = waiver_state_name(o.state);
    w["findings_waived"] = o.findings_waived;
    if (!o.detail.empty()) w["detail"] = o.detail;
    list.push_back(std::move(w));
  }
  j["waivers"] = std::move(list);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void report_waiver_outcomes(const WaiverReport& report, Diagnostics& diagnostics) {
  for (const auto& o : report.outcomes) {
    if (o.state == WaiverState::kApplied) continue;
    const bool unmatched = o.state == WaiverState::kUnmatched;
    diagnostics.warning(o.waiver->file, o.waiver->line, 0,
                        "waiver for rule " + o.waiver->rule +
                            (unmatched ? " matches nothing: " : " has expired: ") + o.detail);
  }
}

}  // namespace nprcheck
