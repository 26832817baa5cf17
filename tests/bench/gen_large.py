#!/usr/bin/env python3
"""Thin wrapper around the example generator (testdata/generator/gen_extract.py) for the
benchmark: asks for a size in MB instead of a number of episodes.

It generates a small calibration sample with the same options to measure the bytes per
episode, then runs the generator once for the episode count that gives about --size-mb, in
files of about 100 MB (a health trust's month), with planted errors at --error-rate and the
generator's variety (MsgHead envelope, namespace prefix, `Kodeverk` spelling in some files).
The units catalogue the generator writes lands in OUT/units.csv.

Usage: gen_large.py --size-mb 1024 --out DIR [--error-rate 0.1] [--seed 1]
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--error-rate", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--file-mb", type=float, default=100.0, help="about this much per file")
    ap.add_argument("--generator",
                    default=os.path.join(REPO, "testdata", "generator", "gen_extract.py"))
    a = ap.parse_args()

    def run(episodes, files, out):
        cmd = [sys.executable, a.generator, "--seed", str(a.seed), "--episodes", str(episodes),
               "--files", str(files), "--error-rate", str(a.error_rate), "--no-verify",
               "--out", out]
        subprocess.run(cmd, check=True)

    with tempfile.TemporaryDirectory() as tmp:
        sample = 4000
        run(sample, 1, tmp)
        size = sum(os.path.getsize(f) for f in glob.glob(os.path.join(tmp, "npr-*")))
    per_episode = size / sample
    target = a.size_mb * 1024 * 1024
    episodes = max(1, int(target / per_episode))
    files = max(1, round(a.size_mb / a.file_mb))
    print("gen_large: %.0f bytes/episode -> %d episodes in %d file(s)" % (
        per_episode, episodes, files), file=sys.stderr)
    os.makedirs(a.out, exist_ok=True)
    run(episodes, files, a.out)


if __name__ == "__main__":
    main()
