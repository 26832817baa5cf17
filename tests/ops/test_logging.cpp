// Logging: JSON lines and text in the log file, rotation, bad settings.
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "nprcheck/logging.hpp"
#include "ops_test_util.hpp"

using namespace nprcheck;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("logging: JSON lines in the log file", "[logging]") {
  test::TempDir dir;
  LoggingOptions o;
  o.level = "info";
  o.format = "json";
  o.log_file = dir.file("nprcheck.log");
  o.to_stderr = false;
  REQUIRE(setup_logging(o));
  spdlog::info("checked {} episodes, \"quoted\" and \\ and tab\t", 42);
  spdlog::debug("not at info level");
  spdlog::warn("no ICD10 table for {}", 2026);
  shutdown_logging();
  auto ls = lines(test::slurp(o.log_file));
  REQUIRE(ls.size() == 2);
  auto a = nlohmann::json::parse(ls[0]);
  CHECK(a["level"] == "info");
  CHECK(a["msg"] == "checked 42 episodes, \"quoted\" and \\ and tab\t");
  CHECK(a["pid"].get<long>() == static_cast<long>(::getpid()));
  const std::string ts = a["ts"];
  REQUIRE(ts.size() == 29);  // 2025-01-02T02:00:01.123+01:00
  CHECK(ts[10] == 'T');
  CHECK(ts[19] == '.');
  CHECK(ts[26] == ':');
  auto b = nlohmann::json::parse(ls[1]);
  CHECK(b["level"] == "warning");
  CHECK(b["msg"] == "no ICD10 table for 2026");
}

TEST_CASE("logging: text lines and the level", "[logging]") {
  test::TempDir dir;
  LoggingOptions o;
  o.level = "debug";
  o.log_file = dir.file("a.log");
  o.to_stderr = false;
  REQUIRE(setup_logging(o));
  spdlog::debug("debug line");
  spdlog::trace("trace line");
  shutdown_logging();
  auto ls = lines(test::slurp(dir.file("a.log")));
  REQUIRE(ls.size() == 1);
  CHECK_THAT(ls[0], Catch::EndsWith("] debug: debug line"));
  CHECK(ls[0][0] == '[');
}

TEST_CASE("logging: the log file rotates", "[logging]") {
  test::TempDir dir;
  LoggingOptions o;
  o.log_file = dir.file("nprcheck.log");
  o.to_stderr = false;
  o.max_file_bytes = 2000;
  o.max_files = 2;
  REQUIRE(setup_logging(o));
  for (int i = 0; i < 200; ++i) spdlog::info("line {} {}", i, std::string(40, '.'));
  shutdown_logging();
  CHECK(std::filesystem::exists(dir.file("nprcheck.log")));
  CHECK(std::filesystem::exists(dir.file("nprcheck.1.log")));
  CHECK(std::filesystem::exists(dir.file("nprcheck.2.log")));
  CHECK_FALSE(std::filesystem::exists(dir.file("nprcheck.3.log")));
  CHECK(std::filesystem::file_size(dir.file("nprcheck.log")) <= 2000);
  CHECK_THAT(test::slurp(dir.file("nprcheck.log")), Catch::Contains("line 199"));
}

TEST_CASE("logging: bad settings are errors and leave logging as it was", "[logging]") {
  test::TempDir dir;
  test::write_file(dir.path() / "plain-file", "x");
  const std::string unwritable = dir.file("plain-file") + "/x/nprcheck.log";  // under a file
  auto before = spdlog::default_logger();
  Status a = setup_logging("verbose", "text", "");
  CHECK(a.code() == StatusCode::kUsage);
  CHECK_THAT(a.message(), Catch::Contains("unknown log level 'verbose'"));
  Status b = setup_logging("info", "xml", "");
  CHECK(b.code() == StatusCode::kUsage);
  Status c = setup_logging("info", "text", unwritable);
  CHECK(c.code() == StatusCode::kIoError);
  CHECK_THAT(c.message(), Catch::Contains(unwritable));
  CHECK(spdlog::default_logger() == before);
  CHECK(is_log_level("warning"));
  CHECK_FALSE(is_log_level("loud"));
}
