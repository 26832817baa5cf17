#!/usr/bin/env python3
"""Writes indicators/data/uspesifikke_icd10.set: the rule-data fallback for IND-003 until the
code tables' Uspesifikk_kode flag is available to expressions. An ICD-10 code is "unspecific"
when it is a 4-character code ending in 9 ("uspesifisert") in a category (its first three
characters) that has at least one other 4-character code.

usage: scripts/make_uspesifikke_set.py [CODES_DIR] > indicators/data/uspesifikke_icd10.set
(CODES_DIR defaults to ../shared/codes: every <year>/icd10.csv in it is read.)"""
import collections
import glob
import os
import sys

codes_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "codes")
codes = set()
for f in sorted(glob.glob(os.path.join(codes_dir, "*", "icd10.csv"))):
    for line in open(f, encoding="utf-8-sig"):
        k = line.split(";")[0].strip()
        if k and k != "Kode":
            codes.add(k)
cats = collections.defaultdict(set)
for k in codes:
    if len(k) == 4:
        cats[k[:3]].add(k)
out = sorted(k for s in cats.values() for k in s
             if k.endswith("9") and len(s) > 1 and k[0].isalpha() and k[1:3].isdigit())
print("# Uspesifikke ICD-10-koder (IND-003), reserveliste til tabellenes Uspesifikk_kode-flagg.")
print("# Kilde: ICD-10-listene i ../shared/codes (2015, 2017, 2024-2026): hver firetegnskode som")
print('# ender på 9 ("uspesifisert") i en kategori som har minst én annen firetegnskode.')
print("# Laget med scripts/make_uspesifikke_set.py; rediger skriptet, ikke listen.")
for k in out:
    print("ICD10:%s" % k)
