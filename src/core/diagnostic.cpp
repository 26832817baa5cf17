// Diagnostics: collecting and rendering input errors like a compiler does.
#include "nprcheck/diagnostic.hpp"

#include <algorithm>

namespace nprcheck {

namespace {

const char* level_name(DiagnosticLevel level) {
  switch (level) {
    case DiagnosticLevel::kNote:
      return "note";
    case DiagnosticLevel::kWarning:
      return "warning";
    case DiagnosticLevel::kError:
      return "error";
  }
  return "error";
}

}  // namespace

std::string format_diagnostic(const Diagnostic& d) {
  std::string out = d.file.empty() ? std::string("nprcheck") : d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line);
    if (d.column > 0) out += ':' + std::to_string(d.column);
  }
  out += ": ";
  out += level_name(d.level);
  out += ": ";
  out += d.message;
  if (!d.source_line.empty()) {
    out += "\n  ";
    out += d.source_line;
    if (d.column > 0 && d.column <= d.source_line.size() + 1) {
      out += "\n  ";
      // Keep tabs so the caret lines up under tab-indented text.
      for (uint32_t i = 0; i + 1 < d.column; ++i) out += d.source_line[i] == '\t' ? '\t' : ' ';
      out += '^';
    }
  }
  return out;
}

std::string excerpt_line(std::string_view text, uint32_t line, uint32_t column, size_t max_len) {
  if (line == 0) return {};
  size_t pos = 0;
  for (uint32_t l = 1; l < line; ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) end = text.size();
  std::string_view l = text.substr(pos, end - pos);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  if (l.size() <= max_len) return std::string(l);
  // Clip around the column so the caret stays meaningful... callers using a column with a
  // clipped line get the window starting at the line start when column is early.
  size_t start = 0;
  if (column > max_len / 2) start = std::min<size_t>(column - max_len / 2, l.size() - max_len);
  std::string out(l.substr(start, max_len));
  // Do not cut a UTF-8 sequence in half at either end.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();
  return out;
}

void Diagnostics::add(Diagnostic d) {
  std::lock_guard<std::mutex> lock(mu_);
  items_.push_back(std::move(d));
}

void Diagnostics::error(std::string file, uint32_t line, uint32_t column, std::string message,
                        std::string source_line) {
  add({DiagnosticLevel::kError, std::move(file), line, column, std::move(message),
       std::move(source_line)});
}

void Diagnostics::warning(std::string file, uint32_t line, uint32_t column, std::string message,
                          std::string source_line) {
  add({DiagnosticLevel::kWarning, std::move(file), line, column, std::move(message),
       std::move(source_line)});
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.level == DiagnosticLevel::kError;
  }));
}

std::vector<Diagnostic> Diagnostics::all() const {
  std::lock_guard<std::mutex> lock(mu_);
  return items_;
}

}  // namespace nprcheck
