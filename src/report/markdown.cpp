// The Markdown subset of rule guidance, rendered to HTML for the report pages.
#include "nprcheck/markdown.hpp"

#include <cctype>
#include <vector>

#include "nprcheck/escape.hpp"

namespace nprcheck {

namespace {

constexpr std::string_view kActionLabel = "**Hva du gjør:**";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

/// A link target that may become an href: http(s), mailto, or relative without a scheme.
bool safe_href(std::string_view url) {
  if (url.empty() || url.substr(0, 2) == "//" || url.find('\\') != std::string_view::npos) {
    return false;  // protocol-relative or backslash tricks: another host
  }
  for (std::string_view ok : {"https://", "http://", "mailto:"}) {
    if (url.substr(0, ok.size()) == ok) return true;
  }
  const size_t colon = url.find(':');
  const size_t slash = url.find_first_of("/?#");
  return colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon);
}

void render_inline(std::string_view s, std::string& out) {
  size_t i = 0;
  std::string text;
  auto flush = [&] {
    out += html_escape(text);
    text.clear();
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() && std::ispunct(static_cast<unsigned char>(s[i + 1]))) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (c == '`') {
      size_t ticks = 1;
      while (i + ticks < s.size() && s[i + ticks] == '`') ++ticks;
      const std::string fence(ticks, '`');
      const size_t end = s.find(fence, i + ticks);
      if (end != std::string_view::npos) {
        flush();
        out += "<code>" + html_escape(trim(s.substr(i + ticks, end - i - ticks))) + "</code>";
        i = end + ticks;
        continue;
      }
    } else if (c == '*' && i + 1 < s.size() && s[i + 1] == '*') {
      const size_t end = s.find("**", i + 2);
      if (end != std::string_view::npos && end > i + 2) {
        flush();
        out += "<strong>";
        render_inline(s.substr(i + 2, end - i - 2), out);
        out += "</strong>";
        i = end + 2;
        continue;
      }
    } else if (c == '[') {
      const size_t close = s.find("](", i + 1);
      const size_t end = close == std::string_view::npos ? close : s.find(')', close + 2);
      if (end != std::string_view::npos &&
          s.substr(i + 1, close - i - 1).find('\n') == std::string_view::npos) {
        const std::string_view label = s.substr(i + 1, close - i - 1);
        const std::string_view url = trim(s.substr(close + 2, end - close - 2));
        flush();
        if (safe_href(url)) {
          out += "<a href=\"" + html_escape(url) + "\">";
          render_inline(label, out);
          out += "</a>";
        } else {
          render_inline(label, out);
          out += " (" + html_escape(url) + ")";
        }
        i = end + 1;
        continue;
      }
    }
    text += c;
    ++i;
  }
  flush();
}

/// `- x`, `* x`, `+ x` -> 'u'; `1. x`, `1) x` -> 'o'; else 0. `content` gets the item text.
char list_item(std::string_view line, std::string_view& content) {
  std::string_view t = trim(line);
  if (t.size() >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ') {
    content = trim(t.substr(2));
    return 'u';
  }
  size_t d = 0;
  while (d < t.size() && d < 9 && std::isdigit(static_cast<unsigned char>(t[d]))) ++d;
  if (d > 0 && d + 1 < t.size() && (t[d] == '.' || t[d] == ')') && t[d + 1] == ' ') {
    content = trim(t.substr(d + 2));
    return 'o';
  }
  return 0;
}

std::vector<std::string_view> split_lines(std::string_view md) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= md.size()) {
    size_t nl = md.find('\n', start);
    if (nl == std::string_view::npos) nl = md.size();
    lines.push_back(md.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace

std::string markdown_to_html(std::string_view md) {
  std::string out;
  std::string para;  // the open paragraph's text (lines joined by spaces)
  std::string item;  // the open list item's text
  char list = 0;     // the open list: 'u', 'o' or none
  auto close_para = [&] {
    if (para.empty()) return;
    out += "<p>";
    render_inline(para, out);
    out += "</p>\n";
    para.clear();
  };
  auto close_item = [&] {
    if (list == 0) return;
    out += "<li>";
    render_inline(item, out);
    out += "</li>\n";
    item.clear();
  };
  auto close_list = [&] {
    if (list == 0) return;
    close_item();
    out += list == 'u' ? "</ul>\n" : "</ol>\n";
    list = 0;
  };
  const std::vector<std::string_view> lines = split_lines(md);
  for (size_t n = 0; n < lines.size(); ++n) {
    const std::string_view line = trim(lines[n]);
    if (line.empty()) {
      close_para();
      close_list();
      continue;
    }
    if (line.substr(0, 3) == "```") {  // a fence: its lines verbatim, escaped
      close_para();
      close_list();
      out += "<pre><code>";
      for (++n; n < lines.size() && trim(lines[n]).substr(0, 3) != "```"; ++n) {
        out += html_escape(lines[n]) + "\n";
      }
      out += "</code></pre>\n";
      continue;
    }
    if (line[0] == '#') {
      size_t level = 0;
      while (level < line.size() && line[level] == '#') ++level;
      if (level <= 6 && level < line.size() && line[level] == ' ') {
        close_para();
        close_list();
        out += "<h4>";
        render_inline(trim(line.substr(level)), out);
        out += "</h4>\n";
        continue;
      }
    }
    std::string_view content;
    if (const char kind = list_item(line, content); kind != 0 && (list != 0 || para.empty())) {
      close_para();
      if (list != kind) {
        close_list();
        out += kind == 'u' ? "<ul>\n" : "<ol>\n";
        list = kind;
      } else {
        close_item();
      }
      item = std::string(content);
      continue;
    }
    std::string& target = list != 0 ? item : para;  // a continuation line joins with a space
    if (!target.empty()) target += ' ';
    target += line;
  }
  close_para();
  close_list();
  return out;
}

RuleGuidance split_guidance(std::string_view md) {
  RuleGuidance g;
  const size_t at = md.find(kActionLabel);
  if (at == std::string_view::npos) {
    g.explanation = std::string(trim(md));
    return g;
  }
  size_t end = md.find("\n\n", at);
  // A paragraph ends at a blank line, which may hold spaces.
  for (size_t p = md.find('\n', at); p != std::string_view::npos; p = md.find('\n', p + 1)) {
    size_t q = p + 1;
    while (q < md.size() && (md[q] == ' ' || md[q] == '\t' || md[q] == '\r')) ++q;
    if (q >= md.size() || md[q] == '\n') {
      end = p;
      break;
    }
  }
  if (end == std::string_view::npos) end = md.size();
  g.action = std::string(trim(md.substr(at + kActionLabel.size(), end - at - kActionLabel.size())));
  g.explanation = std::string(md.substr(0, at)) + std::string(md.substr(end));
  // Tidy the seam: no blank lines at either end.
  while (!g.explanation.empty() && std::isspace(static_cast<unsigned char>(g.explanation.back()))) {
    g.explanation.pop_back();
  }
  size_t lead = 0;
  while (lead < g.explanation.size() &&
         std::isspace(static_cast<unsigned char>(g.explanation[lead]))) {
    ++lead;
  }
  g.explanation.erase(0, lead);
  return g;
}

}  // namespace nprcheck
