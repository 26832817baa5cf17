// Core: reading hand-written files safely, folder walks, one YAML document, UTF-8 positions.
#include "nprcheck/file_input.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

using namespace nprcheck;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  fs::path p =
      fs::temp_directory_path() / ("nprcheck-file-input-" + std::to_string(::getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("read_regular_file: regular files only, with a size limit, never blocking") {
  fs::path dir = scratch("read");
  write(dir / "ok.yaml", "out: x\n");
  auto ok = read_regular_file(dir / "ok.yaml", 100);
  REQUIRE(ok);
  CHECK(*ok == "out: x\n");

  auto big = read_regular_file(dir / "ok.yaml", 3);
  REQUIRE_FALSE(big);
  CHECK(big.status().message() == "file of 7 bytes is too large (at most 3)");

  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  auto fifo = read_regular_file(dir / "fifo", 100);  // returns at once: nobody writes to it
  REQUIRE_FALSE(fifo);
  CHECK(fifo.status().message() == "a FIFO, not a regular file");

  CHECK(read_regular_file(dir, 100).status().message() == "a folder, not a file");
  fs::create_symlink("/dev/zero", dir / "zero");
  CHECK(read_regular_file(dir / "zero", 100).status().message() == "a device, not a regular file");
  fs::create_symlink(dir / "nowhere", dir / "dangling");
  CHECK(read_regular_file(dir / "dangling", 100).status().message() == "a dangling symlink");
  fs::create_symlink(dir / "loop", dir / "loop");
  CHECK(read_regular_file(dir / "loop", 100).status().message() == "a symlink loop");
  CHECK(read_regular_file(dir / "missing", 100).status().message() == "no such file");
  fs::create_symlink(dir / "ok.yaml", dir / "link.yaml");
  CHECK(read_regular_file(dir / "link.yaml", 100));  // a link to a regular file is followed
}

TEST_CASE("walk_folder: sorted entries, symlinks not followed, unreadable folders listed") {
  fs::path dir = scratch("walk");
  write(dir / "b" / "2.xml", "x");
  write(dir / "a.xml", "x");
  write(dir / "skip" / "3.xml", "x");
  fs::create_symlink(dir / "a.xml", dir / "link.xml");
  fs::create_directories(dir / "c");
  fs::create_directory_symlink(dir / "b", dir / "dirlink");
  FolderWalk w = walk_folder(dir, [&](const fs::path& p) { return p.filename() != "skip"; });
  std::vector<std::string> names;
  for (const auto& e : w.entries) {
    names.push_back(e.path.lexically_relative(dir).string() +
                    (e.kind == WalkKind::kSymlink ? " (link)" : ""));
  }
  CHECK(names == std::vector<std::string>{"a.xml", "b/2.xml", "dirlink (link)", "link.xml (link)"});
  CHECK(w.unreadable.empty());

  FolderWalk missing = walk_folder(dir / "none", [](const fs::path&) { return true; });
  REQUIRE(missing.unreadable.size() == 1);
  CHECK(missing.unreadable[0].first == dir / "none");
}

TEST_CASE("second_yaml_document_line: a second document after content, not a leading marker") {
  CHECK_FALSE(second_yaml_document_line("id: A\nx: 1\n"));
  CHECK_FALSE(second_yaml_document_line("---\nid: A\n"));
  CHECK_FALSE(second_yaml_document_line("# c\n%YAML 1.2\n---\nid: A\n...\n# end\n"));
  CHECK_FALSE(second_yaml_document_line("text: |\n  ---\n  ...\n"));  // inside a block scalar
  CHECK_FALSE(second_yaml_document_line("a: '---'\nb: ----\n"));
  CHECK(second_yaml_document_line("id: A\n---\nid: B\n") == 2u);
  CHECK(second_yaml_document_line("---\nid: A\n--- \nid: B\n") == 3u);
  CHECK(second_yaml_document_line("id: A\n...\nid: B\n") == 3u);
  CHECK(second_yaml_document_line("--- a\n---\n") == 2u);
  CHECK(second_yaml_document_line("---\n---\nid: B\n") == 2u);  // an empty first document
  CHECK(second_yaml_document_line("id: A\r\n---\r\n") == 2u);
}

TEST_CASE("first_invalid_utf8 and line_col_of") {
  CHECK(first_invalid_utf8("blåbær ✓ 𝄞") == std::string_view::npos);
  CHECK(first_invalid_utf8("p\xe5 ") == 1u);                // Latin-1 å
  CHECK(first_invalid_utf8(std::string("a\0b", 3)) == 1u);  // NUL
  CHECK(first_invalid_utf8("\xed\xa0\x80") == 0u);          // a surrogate
  CHECK(first_invalid_utf8("\xe0\x80\xaf") == 0u);          // overlong
  CHECK(line_col_of("ab\ncd", 4) == std::pair<uint32_t, uint32_t>{2, 2});
}
