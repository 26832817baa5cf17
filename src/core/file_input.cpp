// Reading hand-written input files safely, and walking input folders without skipping silently.
#include "nprcheck/file_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace nprcheck {

namespace fs = std::filesystem;

std::string not_a_regular_file_reason(const fs::path& path) {
  std::error_code ec;
  auto link = fs::symlink_status(path, ec);
  if (ec || !fs::exists(link)) return "no such file";
  auto st = fs::status(path, ec);
  if (ec) {
    if (ec == std::errc::too_many_symbolic_link_levels) return "a symlink loop";
    if (ec == std::errc::no_such_file_or_directory) return "a dangling symlink";
    return fs::is_symlink(link) ? "a symlink that cannot be followed: " + ec.message()
                                : ec.message();
  }
  if (!fs::exists(st)) return "a dangling symlink";
  if (fs::is_directory(st)) return "a folder, not a file";
  if (fs::is_fifo(st)) return "a FIFO, not a regular file";
  if (fs::is_character_file(st) || fs::is_block_file(st)) return "a device, not a regular file";
  if (!fs::is_regular_file(st)) return "not a regular file";
  return {};
}

Result<std::string> read_regular_file(const fs::path& path, uint64_t max_bytes) {
  if (std::string why = not_a_regular_file_reason(path); !why.empty()) {
    return Status::invalid_input(why);
  }
  // O_NONBLOCK: a file swapped for a FIFO between the check and the open must not block.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::io_error(std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::invalid_input("not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return Status::invalid_input("file of " + std::to_string(st.st_size) +
                                 " bytes is too large (at most " + std::to_string(max_bytes) + ")");
  }
  std::string bytes;
  bytes.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::io_error(std::string("cannot read: ") + std::strerror(err));
    }
    if (n == 0) break;
    if (bytes.size() + static_cast<size_t>(n) > max_bytes) {
      ::close(fd);
      return Status::invalid_input("file is too large (at most " + std::to_string(max_bytes) +
                                   " bytes)");
    }
    bytes.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

namespace file_input_detail {

void walk_into(const fs::path& dir, FolderWalk& out, bool (*enter)(const fs::path&, void*),
               void* ctx) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    out.unreadable.emplace_back(dir, ec.message());
    return;
  }
  std::vector<std::pair<fs::path, fs::file_status>> children;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    children.emplace_back(it->path(), it->symlink_status(ec));
    if (ec) break;
  }
  if (ec) {
    out.unreadable.emplace_back(dir, ec.message());
    return;
  }
  std::sort(children.begin(), children.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [path, st] : children) {
    if (fs::is_directory(st)) {
      if (enter(path, ctx)) walk_into(path, out, enter, ctx);
      continue;
    }
    WalkKind kind = fs::is_regular_file(st) ? WalkKind::kFile
                    : fs::is_symlink(st)    ? WalkKind::kSymlink
                                            : WalkKind::kOther;
    out.entries.push_back({path, kind});
  }
}

}  // namespace file_input_detail

std::optional<uint32_t> second_yaml_document_line(std::string_view text) {
  bool content = false;  // the first document has started (content or an explicit `---`)
  bool ended = false;    // `...` closed it
  bool had_body = false;
  uint32_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    ++line_no;
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto marker = [&](std::string_view m) {
      return line.substr(0, 3) == m && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
    };
    size_t first = line.find_first_not_of(" \t");
    const bool blank = first == std::string_view::npos || line[first] == '#';
    if (marker("---")) {
      if (content || ended) return line_no;
      content = true;
      // Content on the marker line itself (`--- value`) is the document's body.
      std::string_view rest = line.substr(3);
      size_t r = rest.find_first_not_of(" \t");
      if (r != std::string_view::npos && rest[r] != '#') had_body = true;
    } else if (marker("...")) {
      if (content || had_body) ended = true;
    } else if (!blank) {
      if (ended) return line_no;
      if (!(line[0] == '%' && !content)) {  // a directive before the document is not content
        content = true;
        had_body = true;
      }
    }
    if (end == text.size()) break;
  }
  return std::nullopt;
}

size_t first_invalid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > text.size() || c == 0xC0 || c == 0xC1 || c > 0xF4) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
    }
    // Overlong 3/4-byte forms, surrogates and code points above U+10FFFF.
    const auto c1 = static_cast<unsigned char>(text[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 > 0x8F)) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::pair<uint32_t, uint32_t> line_col_of(std::string_view text, size_t offset) {
  uint32_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

}  // namespace nprcheck
