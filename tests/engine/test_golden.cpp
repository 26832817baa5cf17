// Issue 16: the speed work must not change a single finding. The example's findings.ndjson and
// findings.csv are pinned byte for byte (tests/engine/golden/, written by the engine before the
// rewrite); a larger generated extract is pinned by hash in tests/engine/golden_generated.sh.
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "run_util.hpp"

namespace t = nprcheck::test;

TEST_CASE("the example's findings are byte-identical to the golden files") {
  auto out = t::fresh_dir("golden-example");
  // Run from the source folder with relative paths, so that the `file` fields are the golden ones.
  std::string cmd = std::string("cd '") + NPRCHECK_SOURCE_DIR + "' && '" + NPRCHECK_BINARY +
                    "' check --out '" + out.string() +
                    "' --units testdata/example/units.csv --format csv --no-progress"
                    " testdata/example/npr-0*.xml* >/dev/null 2>&1";
  int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);  // the example has planted errors
  const std::string golden = std::string(NPRCHECK_SOURCE_DIR) + "/tests/engine/golden/";
  for (const char* name : {"findings.ndjson", "findings.csv"}) {
    INFO(name);
    const std::string want = t::slurp(golden + "example-" + name);
    const std::string got = t::slurp(out / name);
    REQUIRE(!want.empty());
    CHECK(got.size() == want.size());
    CHECK(got == want);
  }
}
