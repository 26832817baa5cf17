// The sub-commands other than check: tables, explain, help texts.
#include <catch2/catch.hpp>
#include <string>

#include "engine/run_util.hpp"

using nprcheck::test::run_nprcheck;

namespace {
const std::string kTestdata = NPRCHECK_TESTDATA;
const std::string kTables = " --tables " + kTestdata + "/tables";
}  // namespace

TEST_CASE("tables lists every loaded table") {
  auto r = run_nprcheck("tables" + kTables + "");
  CHECK(r.exit_code == 0);
  for (const char* s : {"ICD10", "NCSP", "NCMP", "NCRP", "2015", "2016", "2017", "icd10.csv"}) {
    INFO(s);
    CHECK(r.out.find(s) != std::string::npos);
  }
}

TEST_CASE("tables --code says where and when a code is valid") {
  auto r = run_nprcheck("tables" + kTables + " --code JJX00");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("NCSP") != std::string::npos);
  CHECK(r.out.find("2016") != std::string::npos);
  CHECK(r.out.find("2017") != std::string::npos);
  CHECK(r.out.find("Perkutan nålebiopsi av lever") != std::string::npos);
  auto a90 = run_nprcheck("tables" + kTables + " --code A90");
  CHECK(a90.exit_code == 0);
  CHECK(a90.out.find("2015") != std::string::npos);
  CHECK(a90.out.find("2017") == std::string::npos);
  auto unknown = run_nprcheck("tables" + kTables + " --code XYZ99");
  CHECK(unknown.exit_code == 1);
  CHECK((unknown.out + unknown.err).find("not found") != std::string::npos);
}

TEST_CASE("tables reports a bad table with file and line, exit 2") {
  auto r = run_nprcheck("tables --tables " + kTestdata + "/tables-bad-does-not-exist");
  CHECK(r.exit_code == 2);
  auto mixed = run_nprcheck("tables --tables " + kTestdata + "/bad/tables/mixed");
  CHECK(mixed.exit_code == 2);
  CHECK(mixed.err.find(".csv:") != std::string::npos);
}

TEST_CASE("explain shows the episode and what every rule decided") {
  auto r =
      run_nprcheck("explain " + kTestdata + "/rules/diff/extract.xml --episode NOPE" + kTables);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no episode 'NOPE'") != std::string::npos);
}

TEST_CASE("every sub-command has --help with examples") {
  for (const char* cmd : {"check", "explain", "tables", "rules", "history", "config"}) {
    INFO(cmd);
    auto r = run_nprcheck(std::string(cmd) + " --help");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage") != std::string::npos);
    CHECK(r.out.find("example") != std::string::npos);
  }
  auto top = run_nprcheck("--help");
  CHECK(top.exit_code == 0);
  for (const char* cmd : {"check", "explain", "tables", "rules", "history", "config"}) {
    CHECK(top.out.find(cmd) != std::string::npos);
  }
}

TEST_CASE("unknown sub-commands and options get 'did you mean'") {
  auto cmd = run_nprcheck("chek --out /tmp/x");
  CHECK(cmd.exit_code == 2);
  CHECK(cmd.err.find("unknown command 'chek' (did you mean 'check'?)") != std::string::npos);
  auto sub = run_nprcheck("rules lsit");
  CHECK(sub.exit_code == 2);
  CHECK(sub.err.find("(did you mean 'list'?)") != std::string::npos);
  auto hist = run_nprcheck("history trnd");
  CHECK(hist.exit_code == 2);
  CHECK(hist.err.find("(did you mean 'trend'?)") != std::string::npos);
  auto opt = run_nprcheck("check x.xml --out /tmp/x --fail-onn warning");
  CHECK(opt.exit_code == 2);
  CHECK(opt.err.find("(did you mean '--fail-on'?)") != std::string::npos);
  auto tab = run_nprcheck("tables --kode A90");
  CHECK(tab.exit_code == 2);
  CHECK(tab.err.find("(did you mean '--code'?)") != std::string::npos);
  // Nothing close: no suggestion, still the usage error.
  auto far = run_nprcheck("check x.xml --out /tmp/x --completely-different");
  CHECK(far.exit_code == 2);
  CHECK(far.err.find("did you mean") == std::string::npos);
}
