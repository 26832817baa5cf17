"""Generates an extract with planted errors of every rule and checks that nprcheck finds exactly
what the oracle (npr_oracle.py) finds: no false alarm, no miss (rule sets v1 and v2).

    python3 testdata/generator/compare_with_nprcheck.py NPRCHECK [--episodes N] [--seed S]

Exit 0 when the findings agree (as multisets of file, episode, rule, codes), 1 otherwise.
Standard library only. A test-data tool, not part of the product.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("nprcheck")
    ap.add_argument("--episodes", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--error-rate", type=float, default=0.25)
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nprcheck-oracle-") as tmp:
        ext, out = os.path.join(tmp, "extract"), os.path.join(tmp, "out")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_extract.py"), "--seed", str(a.seed),
                        "--episodes", str(a.episodes), "--files", "3", "--gzip-one",
                        "--error-rate", str(a.error_rate), "--out", ext,
                        "--expected", os.path.join(tmp, "expected.tsv")], check=True)
        rc = subprocess.run([a.nprcheck, "check", ext, "--units", os.path.join(ext, "units.csv"),
                             "--format", "csv", "--no-progress", "--out", out],
                            stdout=subprocess.DEVNULL).returncode
        if rc not in (0, 1):
            print("nprcheck check failed with exit code %d" % rc)
            return 1
        with open(os.path.join(out, "findings.ndjson"), encoding="utf-8") as f:
            got = collections.Counter(
                "\t".join([os.path.basename(j["file"]), j["episode"], j["rule"],
                           ",".join(c["value"] for c in j["codes"])])
                for j in map(json.loads, f))
        with open(os.path.join(tmp, "expected.tsv"), encoding="utf-8") as f:
            want = collections.Counter(l.rstrip("\n") for l in f
                                       if not l.startswith("#") and not l.startswith("file\t"))
    extra, missing = got - want, want - got
    for k in sorted(extra.elements())[:20]:
        print("nprcheck only (false alarm?): " + k)
    for k in sorted(missing.elements())[:20]:
        print("oracle only (miss?): " + k)
    rules = collections.Counter(k.split("\t")[2] for k in want.elements())
    print("%d findings of %d rules compared: %s" % (sum(want.values()), len(rules),
                                                   "agree" if not extra and not missing else
                                                   "%d extra, %d missing" % (sum(extra.values()),
                                                                             sum(missing.values()))))
    return 1 if extra or missing else 0


if __name__ == "__main__":
    sys.exit(main())
