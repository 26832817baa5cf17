// A failed night never looks clean: nothing checked is not success, the report set is published
// in one step and only into nprcheck's own folder, SIGINT and a file-size limit replace nothing,
// a file rewritten while it is read is reported, and the log file gets everything.
#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hardening_util.hpp"
#include "nprcheck/history.hpp"

namespace h = nprcheck::hardening;
namespace fs = std::filesystem;

namespace {

/// A valid extract with its header and no Objektholder at all (from the bad-input corpus).
const std::string kEmptyExtract =
    h::slurp(h::kTestdata + "/bad/extracts/no-episodes/no-episodes.xml");

/// What a reader of OUT sees: every file through the documented paths, plus `current`.
std::map<std::string, std::string> visible(const fs::path& out) {
  auto files = h::all_files(out / "current");
  std::error_code ec;
  files["(current)"] = fs::read_symlink(out / "current", ec).string();
  return files;
}

size_t history_runs(const fs::path& db) {
  auto opened = nprcheck::HistoryDb::open(db.string(), false);
  if (!opened) return 0;
  auto runs = opened->list_runs();
  return runs ? runs->size() : 0;
}

/// Number of `set-*` folders in OUT.
size_t set_folders(const fs::path& out) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    if (e.path().filename().string().rfind("set-", 0) == 0) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("nothing checked is not a clean night: exit 3 and nothing replaced, unless allowed",
          "[hardening][commit]") {
  auto dir = h::fresh_dir("nothing-checked");
  const fs::path out = dir / "out", empty = dir / "empty.xml";
  h::write_file(empty, kEmptyExtract);
  auto first = h::run_nprcheck(h::check_args({h::kGoodXml}, out));
  INFO(h::describe(first));
  REQUIRE(first.exit_code == 1);
  const auto before = visible(out);

  SECTION("an extract with no episode") {
    auto r = h::run_nprcheck(h::check_args({empty.string()}, out));
    INFO(h::describe(r));
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("the inputs hold no episode: nothing was checked"));
    CHECK_THAT(r.err, Catch::Contains("no reports written"));
    CHECK(visible(out) == before);
  }
  SECTION("--unit matching no episode") {
    auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out, {"--unit", "999999"}));
    INFO(h::describe(r));
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("matches the filters (unit=999999)"));
    CHECK(visible(out) == before);
  }
  SECTION("--rule matching no rule") {
    auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out, {"--rule", "NO-SUCH-*"}));
    INFO(h::describe(r));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("no rule matches --rule 'NO-SUCH-*'"));
    CHECK(visible(out) == before);
  }
  SECTION("--allow-empty: an empty extract is a clean night") {
    auto r = h::run_nprcheck(h::check_args({empty.string()}, out, {"--allow-empty"}));
    INFO(h::describe(r));
    CHECK(r.exit_code == 0);
    auto run = nlohmann::json::parse(h::slurp(out / "run.json"));
    CHECK(run["counts"]["episodes"] == 0);
  }
  SECTION("allow_empty: true in the config file") {
    h::write_file(dir / "nightly.yaml", "allow_empty: true\n");
    auto r = h::run_nprcheck(
        h::check_args({empty.string()}, out, {"--config", (dir / "nightly.yaml").string()}));
    INFO(h::describe(r));
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("the report set is published in one step and the documented paths resolve",
          "[hardening][commit]") {
  auto dir = h::fresh_dir("report-set");
  const fs::path out = dir / "out";
  for (int night = 1; night <= 3; ++night) {
    auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out, {"--format", "html,csv,junit"}));
    INFO(h::describe(r));
    REQUIRE(r.exit_code == 1);
    CHECK(fs::is_symlink(out / "current"));
    const std::string set = fs::read_symlink(out / "current").string();
    CHECK(set.rfind("set-", 0) == 0);
    // One set only: the previous one is removed once the new one is published.
    CHECK(set_folders(out) == 1);
    CHECK(fs::is_regular_file(out / ".nprcheck"));
    CHECK(fs::is_regular_file(out / "html" / "index.html"));
    CHECK(fs::is_regular_file(out / "findings.ndjson"));
    CHECK(fs::is_symlink(out / "findings.ndjson"));
    CHECK(fs::is_regular_file(out / "junit.xml"));
    // run.json names the set it is part of.
    auto run = nlohmann::json::parse(h::slurp(out / "run.json"));
    CHECK(run["report_set"] == set);
    CHECK(h::leftover_stages(out).empty());
    struct stat st {};
    REQUIRE(::stat((out / set / "findings.ndjson").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
  }
}

TEST_CASE("the output folder: only a new, empty or nprcheck's own folder and never a system folder",
          "[hardening][commit]") {
  auto dir = h::fresh_dir("out-owner");
  SECTION("a folder with someone else's files is refused and left alone") {
    const fs::path out = dir / "documents";
    h::write_file(out / "html" / "thesis.html", "mine\n");
    h::write_file(out / "notes.txt", "mine too\n");
    const auto before = h::all_files(out);
    auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out));
    INFO(h::describe(r));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("nprcheck did not create it (no .nprcheck file)"));
    CHECK(h::all_files(out) == before);
    CHECK_FALSE(fs::exists(out / ".nprcheck"));
  }
  for (const char* system : {"/", "/etc", "/usr", "/var/lib", "/tmp", "/etc/../"}) {
    SECTION(std::string("--out ") + system) {
      auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, system));
      INFO(h::describe(r));
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Catch::Contains("refusing to write reports into the system folder"));
      CHECK_FALSE(fs::exists(fs::path(system) / "current"));
    }
  }
  SECTION("the old flat layout of nprcheck's reports is adopted") {
    const fs::path out = dir / "old-layout";
    h::write_file(out / "run.json", "{\"tool\": \"nprcheck\"}\n");
    h::write_file(out / "findings.ndjson", "");
    h::write_file(out / "html" / "index.html", "old\n");
    auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out));
    INFO(h::describe(r));
    CHECK(r.exit_code == 1);
    CHECK(fs::is_regular_file(out / ".nprcheck"));
    CHECK(fs::is_symlink(out / "html"));
    CHECK(h::slurp(out / "html" / "index.html") != "old\n");
    CHECK(set_folders(out) == 1);
  }
}

TEST_CASE("SIGINT after the reading phase: exit 130, reports and history as they were",
          "[hardening][commit]") {
  auto dir = h::fresh_dir("sigint");
  const fs::path out = dir / "out", db = dir / "history.sqlite";
  const std::vector<std::string> extra = {"--history", db.string()};
  auto first = h::run_nprcheck(h::check_args({h::kGoodXml}, out, extra));
  INFO(h::describe(first));
  REQUIRE(first.exit_code == 1);
  const auto before = visible(out);
  for (const char* point : {"reports-written", "sealed"}) {
    SECTION(std::string("SIGINT at ") + point) {
      auto r = h::run_nprcheck(h::check_args({h::kGoodXml}, out, extra),
                               {.timeout_seconds = 120,
                                .env = {{"NPRCHECK_TEST_FAULT", std::string(point) + ":2"}},
                                .cwd = {}});
      INFO(h::describe(r));
      CHECK(r.signal == 0);
      CHECK(r.exit_code == 130);
      CHECK_THAT(r.err, Catch::Contains("interrupted"));
      CHECK(visible(out) == before);
      CHECK(set_folders(out) == 1);
      CHECK(h::leftover_stages(out).empty());
      CHECK(history_runs(db) == 1);
    }
  }
}

TEST_CASE("a file-size limit without the shell's help: a write error, staging removed, exit 2",
          "[hardening][commit]") {
  auto dir = h::fresh_dir("sigxfsz");
  const fs::path out = dir / "out";
  auto first = h::run_nprcheck(h::check_args({h::kGoodXml}, out, {"--format", "html,sarif"}));
  INFO(h::describe(first));
  REQUIRE(first.exit_code == 1);
  const auto before = visible(out);
  // No `trap '' XFSZ`: nprcheck itself must ignore the signal and see EFBIG.
  std::vector<std::string> argv = {"/bin/bash", "-c", "ulimit -f 8; exec \"$0\" \"$@\"",
                                   h::kBinary};
  auto args = h::check_args({h::kGoodXml}, out, {"--format", "html,sarif"});
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = h::run_child(argv);
  INFO(h::describe(r));
  CHECK(r.signal == 0);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("no reports written"));
  CHECK(h::leftover_stages(out).empty());
  CHECK(set_folders(out) == 1);
  CHECK(visible(out) == before);
}

TEST_CASE("a file rewritten while it is read: 'file changed during the check', no hash recorded",
          "[hardening][commit]") {
  auto dir = h::fresh_dir("changed");
  const fs::path out = dir / "out", big = dir / "growing.xml";
  // A few MB of the good extract's patients, so that reading it takes a while.
  std::string good = h::slurp(h::kGoodXml);
  const auto open_end = good.find("<Objektholder");
  const auto close_start = good.rfind("</Objektholder>") + std::string("</Objektholder>").size();
  REQUIRE(open_end != std::string::npos);
  std::string body = good.substr(open_end, close_start - open_end);
  {
    std::ofstream o(big, std::ios::binary);
    o << good.substr(0, open_end);
    for (int i = 0; i < 3000; ++i) o << body << '\n';
    o << good.substr(close_start);
  }
  // A writer appends whitespace after the root element (still a valid extract) until the run
  // has ended, so that the file changes while it is read whatever the timing.
  std::atomic<bool> finished{false};
  std::thread writer([&] {
    while (!finished) {
      std::ofstream o(big, std::ios::binary | std::ios::app);
      o << '\n';
      o.close();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  auto r = h::run_nprcheck(h::check_args({big.string(), h::kGoodXml}, out));
  finished = true;
  writer.join();
  INFO(h::describe(r));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("growing.xml: error: file changed during the check"));
  CHECK_THAT(r.err, Catch::Contains("NOT FULLY CHECKED: " + big.string()));
  auto run = nlohmann::json::parse(h::slurp(out / "run.json"));
  bool seen = false;
  for (const auto& in : run["inputs"]) {
    if (in["path"] == big.string()) {
      seen = true;
      CHECK(in.value("sha256", std::string()).empty());
      CHECK(in["complete"] == false);
    } else {
      CHECK(in["sha256"].get<std::string>().size() == 64);  // the good extract did not change
    }
  }
  CHECK(seen);
}

TEST_CASE("the log file gets everything at its level, 0640, and its write failures are said",
          "[hardening][commit]") {
  auto dir = h::fresh_dir("log-file");
  const fs::path out = dir / "out", log = dir / "nightly.log";
  const std::string truncated = h::kTestdata + "/bad/extracts/truncated/truncated.xml";
  REQUIRE(fs::exists(truncated));
  auto r = h::run_nprcheck(
      h::check_args({truncated, h::kGoodXml}, out, {"-q", "--log-file", log.string()}),
      {.timeout_seconds = 120, .env = {}, .cwd = {}});
  INFO(h::describe(r));
  CHECK(r.exit_code == 2);
  const std::string text = h::slurp(log);
  INFO(text);
  // The input error, without the quoted line of the extract (patient data).
  CHECK_THAT(text, Catch::Contains("error: " + truncated));
  CHECK_THAT(text, Catch::Contains("NOT FULLY CHECKED: " + truncated));
  CHECK_THAT(text, Catch::Contains("episodes checked in 2 file(s)"));
  CHECK_THAT(text, Catch::Contains("reports written to"));
  CHECK_THAT(text, Catch::Contains("exit code 2"));
  CHECK(text.find("pasientNr") == std::string::npos);
  // -q keeps the summary off the terminal, not out of the log.
  CHECK(r.err.find("episodes checked in") == std::string::npos);
  struct stat st {};
  REQUIRE(::stat(log.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);

  SECTION("a log file that cannot be written is an error") {
    // A clean night (an empty extract, allowed) whose log is lost is not a clean night.
    h::write_file(dir / "empty.xml", kEmptyExtract);
    auto full = h::run_nprcheck(h::check_args({(dir / "empty.xml").string()}, dir / "out2",
                                              {"--log-file", "/dev/full", "--allow-empty"}));
    INFO(h::describe(full));
    CHECK_THAT(full.err, Catch::Contains("cannot write the log file /dev/full"));
    CHECK(full.exit_code == 2);
  }
  SECTION("umasks that give the world access are refused") {
    for (const char* world : {"000", "002", "022"}) {
      auto u = h::run_nprcheck(h::check_args({h::kGoodXml}, dir / "out3", {"--umask", world}));
      INFO(h::describe(u));
      CHECK(u.exit_code == 2);
      CHECK_THAT(u.err, Catch::Contains("would give other users (the world) access"));
    }
  }
}
