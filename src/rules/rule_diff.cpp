// rules diff: findings added, removed and changed by a rule change, with example episodes.
#include "nprcheck/rule_diff.hpp"

#include <cstdio>
#include <tuple>

namespace nprcheck {

namespace {

// A finding's identity within one episode: rule, object and the codes it names.
std::string identity(const Finding& f) {
  std::string k = f.rule_id;
  k += '\x1f';
  k += std::to_string(f.object_index);
  for (const auto& c : f.codes) {
    k += '\x1f';
    k += c.verdi;
  }
  return k;
}

std::string code_list(const Finding& f) {
  std::string s;
  for (const auto& c : f.codes) s += (s.empty() ? "" : " ") + c.verdi;
  return s;
}

}  // namespace

RuleDiffer::RuleDiffer(const RuleSet& base, const RuleSet& head, size_t max_examples)
    : base_(base), head_(head), max_examples_(max_examples) {
  for (const RuleInfo* r : base.rules()) {
    auto& e = entries_[r->id];
    e.rule_id = r->id;
    e.in_base = true;
    e.base_version = r->version;
    e.base_severity = severity_name(r->severity);
  }
  for (const RuleInfo* r : head.rules()) {
    auto& e = entries_[r->id];
    e.rule_id = r->id;
    e.in_head = true;
    e.head_version = r->version;
    e.head_severity = severity_name(r->severity);
  }
}

void RuleDiffer::add_episode(const Episode& episode, const EvalContext& ctx) {
  std::vector<Finding> base, head;
  base_.evaluate(episode, ctx, base);
  head_.evaluate(episode, ctx, head);
  add_findings(episode, base, head);
}

void RuleDiffer::add_findings(const Episode& episode, const std::vector<Finding>& base,
                              const std::vector<Finding>& head) {
  ++episodes_;
  std::map<std::string, const Finding*> b, h;
  for (const auto& f : base) b.emplace(identity(f), &f);
  for (const auto& f : head) h.emplace(identity(f), &f);
  auto example = [&](RuleDiffEntry& e, RuleDiffExample::Kind kind, const Finding& f,
                     const Finding* before) {
    size_t same_kind = 0;
    for (const auto& x : e.examples) same_kind += x.kind == kind ? 1 : 0;
    if (same_kind >= max_examples_) return;
    RuleDiffExample x;
    x.kind = kind;
    x.episode_id = episode.episode_id;
    x.file = f.file;
    x.line = f.line;
    x.codes = code_list(f);
    x.message =
        before != nullptr ? std::string(severity_name(f.severity)) + ": " + f.message : f.message;
    if (before != nullptr) {
      x.before = std::string(severity_name(before->severity)) + ": " + before->message;
    }
    e.examples.push_back(std::move(x));
  };
  for (const auto& f : base) {
    auto& e = entries_[f.rule_id];
    e.rule_id = f.rule_id;
    ++e.base_findings;
    if (h.find(identity(f)) == h.end()) {
      ++e.removed;
      example(e, RuleDiffExample::Kind::kRemoved, f, nullptr);
    }
  }
  for (const auto& f : head) {
    auto& e = entries_[f.rule_id];
    e.rule_id = f.rule_id;
    ++e.head_findings;
    auto it = b.find(identity(f));
    if (it == b.end()) {
      ++e.added;
      example(e, RuleDiffExample::Kind::kAdded, f, nullptr);
    } else if (it->second->severity != f.severity || it->second->message != f.message) {
      ++e.changed;
      example(e, RuleDiffExample::Kind::kChanged, f, it->second);
    }
  }
}

std::vector<RuleDiffEntry> RuleDiffer::entries() const {
  std::vector<RuleDiffEntry> out;
  for (const auto& [id, e] : entries_) out.push_back(e);
  return out;
}

std::string RuleDiffer::report() const {
  std::string out;
  char buf[512];
  uint64_t added = 0, removed = 0, changed = 0;
  for (const auto& [id, e] : entries_) {
    added += e.added;
    removed += e.removed;
    changed += e.changed;
  }
  std::snprintf(buf, sizeof buf,
                "%llu episodes; findings added %llu, removed %llu, changed %llu\n\n",
                static_cast<unsigned long long>(episodes_), static_cast<unsigned long long>(added),
                static_cast<unsigned long long>(removed), static_cast<unsigned long long>(changed));
  out += buf;
  std::snprintf(buf, sizeof buf, "%-12s %8s %8s %8s %8s %8s  %s\n", "rule", "base", "head", "added",
                "removed", "changed", "rule change");
  out += buf;
  for (const auto& [id, e] : entries_) {
    std::string note;
    if (!e.in_base) {
      note = "new rule";
    } else if (!e.in_head) {
      note = "rule removed";
    } else {
      if (e.base_severity != e.head_severity) {
        note += "severity " + e.base_severity + " -> " + e.head_severity;
      }
      if (e.base_version != e.head_version) {
        note += std::string(note.empty() ? "" : ", ") + "version " +
                std::to_string(e.base_version) + " -> " + std::to_string(e.head_version);
      }
    }
    std::snprintf(buf, sizeof buf, "%-12s %8llu %8llu %8llu %8llu %8llu  %s\n", id.c_str(),
                  static_cast<unsigned long long>(e.base_findings),
                  static_cast<unsigned long long>(e.head_findings),
                  static_cast<unsigned long long>(e.added),
                  static_cast<unsigned long long>(e.removed),
                  static_cast<unsigned long long>(e.changed), note.c_str());
    out += buf;
  }
  for (const auto& [id, e] : entries_) {
    if (e.examples.empty()) continue;
    out += "\n" + id + ":\n";
    for (const auto& x : e.examples) {
      const char* kind = x.kind == RuleDiffExample::Kind::kAdded     ? "added  "
                         : x.kind == RuleDiffExample::Kind::kRemoved ? "removed"
                                                                     : "changed";
      out += std::string("  ") + kind + "  episode " + x.episode_id + " (" + x.file + ":" +
             std::to_string(x.line) + ")" + (x.codes.empty() ? "" : " [" + x.codes + "]") + "\n";
      if (!x.before.empty()) out += "             was: " + x.before + "\n";
      out += "             " + x.message + "\n";
    }
  }
  return out;
}

}  // namespace nprcheck
