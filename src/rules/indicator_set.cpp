// IndicatorSet: loading indicator files (YAML, expressions compiled through expr.hpp) and
// counting them per episode.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "nprcheck/expr.hpp"
#include "nprcheck/indicators.hpp"
#include "nprcheck/rule_data.hpp"
#include "rule_file.hpp"

namespace nprcheck {

namespace fs = std::filesystem;
using rules_detail::MappedText;
using rules_detail::SourceFile;

const char* indicator_kind_name(IndicatorKind k) {
  return k == IndicatorKind::kMean ? "mean" : "share";
}

const char* indicator_direction_name(IndicatorDirection d) {
  return d == IndicatorDirection::kHigherIsBetter ? "higher_is_better" : "higher_is_worse";
}

namespace {

const std::vector<std::string> kIndicatorKeys = {"id",   "version",   "title",      "source",
                                                 "kind", "direction", "population", "numerator",
                                                 "docs", "tests"};
const std::vector<std::string> kIndicatorTestKeys = {"name", "episode", "feil", "expect", "value"};

struct CompiledIndicator {
  IndicatorInfo info;
  expr::CompiledExpr population;
  expr::CompiledExpr numerator;
};

// Reads a whole file; empty when it cannot be read.
std::optional<std::string> slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses one indicator file and compiles its expressions; nullopt after any error.
class IndicatorParser {
 public:
  IndicatorParser(const SourceFile& file, Diagnostics& diag, const RuleData& data)
      : file_(file), diag_(diag), data_(data) {}

  std::optional<CompiledIndicator> parse(const fs::path& path, const YAML::Node& root) {
    CompiledIndicator ind;
    IndicatorInfo& info = ind.info;
    info.file = file_.display();
    if (!rules_detail::check_keys(file_, root, kIndicatorKeys, "an indicator", diag_)) ok_ = false;
    if (auto n = required(root, "id")) {
      info.id = text(n, "id");
      if (info.id != path.stem().string()) {
        error(n, "indicator id '" + info.id + "' does not match the file name '" +
                     path.filename().string() + "'");
      }
    }
    if (auto n = root["version"]) {
      info.version = integer(n, "version").value_or(1);
      if (info.version < 1) error(n, "'version' must be 1 or more");
    }
    if (auto n = required(root, "title")) info.title = text(n, "title");
    if (auto n = required(root, "source")) info.source = text(n, "source");
    if (auto n = root["docs"]) info.docs = text(n, "docs");
    if (auto n = required(root, "kind")) {
      std::string k = text(n, "kind");
      if (k == "share") {
        info.kind = IndicatorKind::kShare;
      } else if (k == "mean") {
        info.kind = IndicatorKind::kMean;
      } else {
        error(n, "'kind' must be 'share' or 'mean', not '" + k + "'");
      }
    }
    if (auto n = required(root, "direction")) {
      std::string d = text(n, "direction");
      if (d == "higher_is_worse") {
        info.direction = IndicatorDirection::kHigherIsWorse;
      } else if (d == "higher_is_better") {
        info.direction = IndicatorDirection::kHigherIsBetter;
      } else {
        std::string near = rules_detail::closest(d, {"higher_is_worse", "higher_is_better"});
        error(n, "'direction' must be 'higher_is_worse' or 'higher_is_better', not '" + d + "'" +
                     (near.empty() ? "" : "; did you mean '" + near + "'?"));
      }
    }
    expr::Environment env(expr::Scope::kEpisode, &data_);
    if (auto n = required(root, "population")) {
      compile(n, env, expr::Expect::kBool, "population", ind.population, info.population);
    }
    if (auto n = required(root, "numerator")) {
      bool share = info.kind == IndicatorKind::kShare;
      if (compile(n, env, share ? expr::Expect::kBool : expr::Expect::kAny, "numerator",
                  ind.numerator, info.numerator) &&
          !share && ind.numerator.type().kind != expr::Kind::kInt) {
        error(n, "'numerator' of a mean indicator must be int, got " +
                     expr::type_name(ind.numerator.type()));
      }
    }
    if (auto n = root["tests"]) {
      if (!n.IsSequence()) {
        error(n, "'tests' must be a list of test cases");
      } else {
        for (const auto& t : n) parse_test(t, info);
      }
    }
    if (!ok_) return std::nullopt;
    return ind;
  }

 private:
  void error(const YAML::Node& n, std::string msg) {
    file_.error(diag_, SourceFile::pos_of(n.Mark()), std::move(msg));
    ok_ = false;
  }

  YAML::Node required(const YAML::Node& root, const char* key) {
    YAML::Node n = root[key];
    if (!n) {
      file_.error(diag_, {1, 1}, std::string("missing required field '") + key + "'");
      ok_ = false;
    }
    return n;
  }

  std::string text(const YAML::Node& n, const char* key) {
    if (n.IsScalar()) return n.Scalar();
    error(n, std::string("'") + key + "' must be a text");
    return {};
  }

  std::optional<int64_t> integer(const YAML::Node& n, const char* key) {
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      try {
        size_t used = 0;
        int64_t v = std::stoll(s, &used);
        if (used == s.size()) return v;
      } catch (...) {
      }
    }
    error(n, std::string("'") + key + "' must be an integer");
    return std::nullopt;
  }

  bool compile(const YAML::Node& n, const expr::Environment& env, expr::Expect expect,
               const char* what, expr::CompiledExpr& out, std::string& text_out) {
    if (!n.IsScalar()) {
      error(n, std::string("'") + what + "' must be an expression (a text)");
      return false;
    }
    MappedText mapped = rules_detail::map_scalar(file_, n);
    text_out = mapped.value;
    auto r = expr::compile(mapped.value, env, expect, what);
    if (!r) {
      file_.error(diag_, mapped.at(r.error->offset), r.error->message);
      ok_ = false;
      return false;
    }
    out = std::move(r.expr);
    return true;
  }

  void parse_test(const YAML::Node& t, IndicatorInfo& info) {
    IndicatorTestCase tc;
    tc.line = SourceFile::pos_of(t.Mark()).line;
    if (!rules_detail::check_keys(file_, t, kIndicatorTestKeys, "a test", diag_)) {
      ok_ = false;
      if (!t.IsMap()) return;
    }
    if (auto n = t["name"]) {
      tc.name = text(n, "name");
    } else {
      error(t, "test has no 'name'");
    }
    if (auto n = t["expect"]) {
      std::string e = text(n, "expect");
      if (e == "numerator") {
        tc.expect = IndicatorTestCase::Expect::kNumerator;
      } else if (e == "denominator") {
        tc.expect = IndicatorTestCase::Expect::kDenominator;
      } else if (e == "outside") {
        tc.expect = IndicatorTestCase::Expect::kOutside;
      } else {
        error(n, "'expect' must be 'numerator', 'denominator' or 'outside', not '" + e + "'");
      }
    } else {
      error(t, "test '" + tc.name + "' has no 'expect' (numerator, denominator or outside)");
    }
    if (auto n = t["value"]) tc.value = integer(n, "value");
    if (auto n = t["feil"]) {
      auto v = integer(n, "feil");
      if (v && *v < 0) error(n, "'feil' must not be negative");
      if (v && *v >= 0) tc.feil = static_cast<uint32_t>(*v);
    }
    if (auto ep = t["episode"]) {
      bool radiologi = false;
      tc.episode = rules_detail::build_compact_episode(file_, ep, diag_, radiologi);
      if (!tc.episode) ok_ = false;
    } else {
      error(t, "test '" + tc.name + "' has no 'episode'");
    }
    info.tests.push_back(std::move(tc));
  }

  const SourceFile& file_;
  Diagnostics& diag_;
  const RuleData& data_;
  bool ok_ = true;
};

}  // namespace

struct IndicatorSet::Impl {
  RuleData data;
  std::vector<CompiledIndicator> indicators;
  std::vector<IndicatorInfo> infos;
};

IndicatorSet::IndicatorSet() : impl_(std::make_unique<Impl>()) {}
IndicatorSet::~IndicatorSet() = default;
IndicatorSet::IndicatorSet(IndicatorSet&&) noexcept = default;
IndicatorSet& IndicatorSet::operator=(IndicatorSet&&) noexcept = default;

Result<IndicatorSet> IndicatorSet::load(const fs::path& dir, Diagnostics& diagnostics) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    diagnostics.error(dir.string(), 0, 0, "indicator directory not found");
    return Status::not_found("");
  }
  size_t errors_before = diagnostics.error_count();
  const std::vector<fs::path> files = rules_detail::yaml_files_under(dir, "indicator", diagnostics);
  if (files.empty()) diagnostics.error(dir.string(), 0, 0, "no indicator files (*.yaml)");

  IndicatorSet set;
  Impl& impl = *set.impl_;
  auto data = RuleData::load(dir / "data", diagnostics);
  if (!data) return Status::invalid_input("");
  impl.data = std::move(*data);

  std::map<std::string, std::string> ids;
  for (const auto& path : files) {
    auto bytes = slurp(path);
    if (!bytes) {
      diagnostics.error(path.string(), 0, 0, "cannot read indicator file");
      continue;
    }
    SourceFile file(path.string(), std::move(*bytes));
    YAML::Node root;
    try {
      root = YAML::Load(file.text());
    } catch (const YAML::ParserException& e) {
      file.error(diagnostics, SourceFile::pos_of(e.mark), "YAML syntax error: " + e.msg);
      continue;
    } catch (const YAML::Exception& e) {
      diagnostics.error(path.string(), 0, 0, std::string("YAML error: ") + e.what());
      continue;
    }
    if (!root.IsMap()) {
      file.error(diagnostics, {1, 1}, "an indicator file must be a YAML map (id:, title:, ...)");
      continue;
    }
    IndicatorParser parser(file, diagnostics, impl.data);
    auto ind = parser.parse(path, root);
    if (!ind) continue;
    auto [it, inserted] = ids.emplace(ind->info.id, ind->info.file);
    if (!inserted) {
      file.error(
          diagnostics, SourceFile::pos_of(root["id"].Mark()),
          "duplicate indicator id '" + ind->info.id + "' (also defined in " + it->second + ")");
      continue;
    }
    impl.indicators.push_back(std::move(*ind));
  }
  if (diagnostics.error_count() > errors_before) return Status::invalid_input("");
  std::sort(impl.indicators.begin(), impl.indicators.end(),
            [](const auto& a, const auto& b) { return a.info.id < b.info.id; });
  for (const auto& i : impl.indicators) impl.infos.push_back(i.info);
  return set;
}

const std::vector<IndicatorInfo>& IndicatorSet::infos() const { return impl_->infos; }
size_t IndicatorSet::size() const { return impl_->indicators.size(); }

int IndicatorSet::index_of(std::string_view id) const {
  for (size_t i = 0; i < impl_->infos.size(); ++i) {
    if (impl_->infos[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// One indicator on the episode bound to `frame`.
IndicatorValue evaluate_bound(const CompiledIndicator& ind, expr::Frame& frame) {
  IndicatorValue v;
  v.in_population = ind.population.eval_bool(frame);
  if (!v.in_population) return v;
  if (ind.info.kind == IndicatorKind::kShare) {
    v.value = ind.numerator.eval_bool(frame) ? 1 : 0;
  } else {
    expr::Value n = ind.numerator.eval(frame);
    v.value = n.null || n.i < 0 ? 0 : n.i;  // a mean counts things: null or negative is none
  }
  return v;
}

}  // namespace

IndicatorValue IndicatorSet::evaluate_one(size_t index, const Episode& episode,
                                          expr::Frame& frame) const {
  frame.bind(episode, {});
  return evaluate_bound(impl_->indicators[index], frame);
}

void IndicatorSet::evaluate(const Episode& episode, expr::Frame& frame,
                            IndicatorCount* counts) const {
  // One binding for all indicators: they have no lets, and each comprehension sets its
  // variable before use, so what one leaves in the frame's scratch space cannot change another.
  frame.bind(episode, {});
  for (size_t i = 0; i < impl_->indicators.size(); ++i) {
    IndicatorValue v = evaluate_bound(impl_->indicators[i], frame);
    if (!v.in_population) continue;
    ++counts[i].denominator;
    counts[i].numerator += static_cast<uint64_t>(v.value);
  }
}

}  // namespace nprcheck
