// YAML helpers shared by the config and waivers loaders.
#include "ops_yaml.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "nprcheck/file_input.hpp"
#include "nprcheck/suggest.hpp"

namespace nprcheck::ops_detail {

namespace {

uint32_t to_pos(int v) { return v < 0 ? 0 : static_cast<uint32_t>(v) + 1; }

}  // namespace

void YamlSource::error(Diagnostics& d, const YAML::Node& at, const std::string& message) const {
  error_at(d, at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(), message);
}

void YamlSource::warning(Diagnostics& d, const YAML::Node& at, const std::string& message) const {
  YAML::Mark m = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  uint32_t line = to_pos(m.line), col = to_pos(m.column);
  d.warning(display_, line, col, message, excerpt_line(text_, line, col));
}

void YamlSource::error_at(Diagnostics& d, const YAML::Mark& at, const std::string& message) const {
  uint32_t line = to_pos(at.line), col = to_pos(at.column);
  d.error(display_, line, col, message, excerpt_line(text_, line, col));
}

std::optional<std::string> read_text_file(const std::string& path, Diagnostics& d) {
  auto bytes = read_regular_file(path, kMaxSmallFileBytes);
  if (!bytes) {
    d.error(path, 0, 0, "cannot open: " + bytes.status().message());
    return std::nullopt;
  }
  std::string text = std::move(*bytes);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 BOM
  if (size_t bad = first_invalid_utf8(text); bad != std::string::npos) {
    // Binary data, or a file saved as Windows-1252: say so instead of parsing garbage.
    auto [line, col] = line_col_of(text, bad);
    d.error(path, line, col,
            "not a UTF-8 text file (a NUL byte or invalid UTF-8 here); save it as UTF-8");
    return std::nullopt;
  }
  return text;
}

std::optional<YAML::Node> parse_yaml(const YamlSource& src, Diagnostics& d) {
  if (auto line = second_yaml_document_line(src.text())) {
    YAML::Mark at;
    at.line = static_cast<int>(*line) - 1;
    src.error_at(d, at,
                 "a second YAML document: one document per file (remove the '---' or '...')");
    return std::nullopt;
  }
  try {
    return YAML::Load(src.text());
  } catch (const YAML::ParserException& e) {
    src.error_at(d, e.mark, "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    src.error_at(d, e.mark, std::string("YAML error: ") + e.msg);
  }
  return std::nullopt;
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  if (std::string near = closest_name(word, candidates); !near.empty()) return near;
  // A known word the text abbreviates ("warn" for "warning").
  if (word.size() >= 3) {
    for (const auto& c : candidates) {
      if (c.size() > word.size() && c.compare(0, word.size(), word) == 0) return c;
    }
  }
  return {};
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string near = closest(word, candidates);
  return near.empty() ? std::string() : "; did you mean '" + near + "'?";
}

bool check_keys(const YamlSource& src, const YAML::Node& map, const std::vector<std::string>& known,
                const std::string& where, Diagnostics& d) {
  bool ok = true;
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: it-> yields a temporary
    if (!key.IsScalar()) {
      src.error(d, key, "a key in " + where + " must be a plain name, not " + node_kind(key));
      ok = false;
      continue;
    }
    const std::string& name = key.Scalar();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      std::string near = closest(name, known);
      src.error(
          d, key,
          "unknown key '" + name + "' in " + where +
              (near.empty() ? " (known keys: " + list + ")" : "; did you mean '" + near + "'?"));
      ok = false;
    } else if (!seen.insert(name).second) {
      src.error(d, key, "key '" + name + "' appears twice in " + where);
      ok = false;
    }
  }
  return ok;
}

std::string node_kind(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "empty";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a map";
  const std::string& v = n.Scalar();
  if (v.size() <= 60) return "'" + v + "'";
  std::string clipped = v.substr(0, 57);
  while (!clipped.empty() && (static_cast<unsigned char>(clipped.back()) & 0xC0) == 0x80) {
    clipped.pop_back();  // do not cut a UTF-8 sequence in half
  }
  if (!clipped.empty() && (static_cast<unsigned char>(clipped.back()) & 0x80) != 0) {
    clipped.pop_back();
  }
  return "'" + clipped + "...'";
}

std::optional<std::string> get_string(const YamlSource& src, const YAML::Node& n,
                                      const std::string& key, Diagnostics& d) {
  if (!n.IsScalar()) {
    src.error(d, n, "'" + key + "' must be a string, not " + node_kind(n));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<uint64_t> get_uint(const YamlSource& src, const YAML::Node& n, const std::string& key,
                                 uint64_t max, Diagnostics& d) {
  if (!n.IsScalar()) {
    src.error(d, n, "'" + key + "' must be a whole number, not " + node_kind(n));
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || s[0] == '-' || s[0] == '+') {
    src.error(d, n, "'" + key + "' must be a whole number >= 0, not " + node_kind(n));
    return std::nullopt;
  }
  if (v > max) {
    src.error(d, n, "'" + key + "' must be at most " + std::to_string(max) + ", not " + s);
    return std::nullopt;
  }
  return v;
}

std::optional<double> get_double(const YamlSource& src, const YAML::Node& n, const std::string& key,
                                 Diagnostics& d) {
  if (!n.IsScalar()) {
    src.error(d, n, "'" + key + "' must be a number, not " + node_kind(n));
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !std::isfinite(v)) {
    src.error(d, n, "'" + key + "' must be a number (like 0.05), not " + node_kind(n));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> get_bool(const YamlSource& src, const YAML::Node& n, const std::string& key,
                             Diagnostics& d) {
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (s == "true" || s == "yes" || s == "on" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "no" || s == "off" || s == "False" || s == "FALSE") return false;
  }
  src.error(d, n, "'" + key + "' must be true or false, not " + node_kind(n));
  return std::nullopt;
}

std::optional<DateTime> get_date(const YamlSource& src, const YAML::Node& n, const std::string& key,
                                 Diagnostics& d) {
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    if (s.size() == 10) {
      if (auto dt = parse_date_time(s)) return dt;
    }
  }
  src.error(d, n, "'" + key + "' must be a date YYYY-MM-DD, not " + node_kind(n));
  return std::nullopt;
}

}  // namespace nprcheck::ops_detail
