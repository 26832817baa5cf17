#!/usr/bin/env python3
"""Writes 12 monthly NPR-melding extracts (2017-01 .. 2017-12) for the indicator control-chart
test: three level-2 units (4200, 4300, 4400), 200 episodes per unit and month with exactly the
same mix every month (5 % of them with an error finding), except that unit 4300 has 60 instead of 10 episodes with a symptom code
(R104) as hovedtilstand in month 9 (--jump-month). Every other indicator has the same
numerator and denominator in every month, so the only point outside its control limits is
IND-002 of unit 4300 in 2017-09.

    python3 testdata/generator/gen_indicator_months.py --out DIR [--jump-month 9]

Real 2017 codes (testdata/tables/2017). Standard library only; a test-data tool.
"""
import argparse
import os

UNITS = [("4200", "Medisinsk avdeling"), ("4300", "Kirurgisk avdeling"),
         ("4400", "Kvinneklinikken")]

# (count, omsorgsniva, tilstander, procedures): the mix of one unit in one month (200).
MIX = [
    (10, 3, [["R104"]], []),                # symptom code as hovedtilstand (IND-002)
    (60, 3, [["K703"]], []),                # plain outpatient: the ones that become R104
    (40, 3, [["K703"]], [["JKA21"]]),       # outpatient with a procedure
    (20, 2, [["K703"]], [["JKA21"]]),       # day treatment with a procedure
    (20, 1, [["K703"], ["I10"]], []),       # inpatient, one bitilstand
    (10, 1, [["K703"], ["A90"]], []),       # ... A90 is not valid in 2017: an error (IND-001)
    (20, 1, [["K703"], ["I10"], ["E119"]], []),  # inpatient, two bitilstander
    (10, 1, [["Z038"]], []),                # inpatient, Z code (IND-006)
    (10, 3, [["K709"]], []),                # unspecific hovedtilstand (IND-003)
]
assert sum(m[0] for m in MIX) == 200


def episode(n, unit_idx, year, month, omsorgsniva, tilstander, procs):
    day = 1 + n % 27
    inn = "%04d-%02d-%02dT08:00:00" % (year, month, day)
    ut = ' utDatoTid="%04d-%02d-%02dT12:00:00"' % (year, month, day + (1 if omsorgsniva == 1 else 0))
    e = ['    <Objektholder pasientNr="%d">' % n,
         '      <Pasient pasientNr="%d" kjonn="1" fodselsar="1960"/>' % n,
         '      <Episode episodeID="E%d" innDatoTid="%s"%s omsorgsniva="%d">' % (n, inn, ut, omsorgsniva),
         '        <RefEnhet enhetID="1" typeEnhet="1"/>',
         '        <RefEnhet enhetID="2" typeEnhet="2"/>',
         '        <RefEnhet enhetID="%d" typeEnhet="7"/>' % (10 + unit_idx)]
    for i, koder in enumerate(tilstander, 1):
        e.append('        <Tilstand tilstNr="%d">' % i)
        for k, kode in enumerate(koder, 1):
            e.append('          <Kode kodeNr="%d" kodeverk="D" kodeVerdi="%s"/>' % (k, kode))
        e.append('        </Tilstand>')
    if procs:
        e.append('        <Tjeneste startDatoTid="%s">' % inn)
        e.append('          <Tiltak typeTiltak="1" startDatoTid="%s">' % inn)
        for p, koder in enumerate(procs, 1):
            e.append('            <Prosedyre prosNr="%d" tilstNr="1">' % p)
            for k, kode in enumerate(koder, 1):
                e.append('              <Kode kodeNr="%d" kodeverk="Q" kodeVerdi="%s"/>' % (k, kode))
            e.append('            </Prosedyre>')
        e.append('          </Tiltak>')
        e.append('        </Tjeneste>')
    e.append('      </Episode>')
    e.append('    </Objektholder>')
    return "\n".join(e)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--jump-month", type=int, default=9)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    year = 2017
    for month in range(1, 13):
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<Melding xmlns="http://www.npr.no/xmlstds/53_1_1_ord" versjon="53.1.1" '
                 'meldingstype="NPR_ORD">',
                 '  <Institusjon institusjonID="983974724">',
                 '    <Enhet enhetID="1" reshID="4001" enhetLokal="Sykehuset"/>',
                 '    <Enhet enhetID="2" reshID="5210" enhetLokal="Fagenhet"/>']
        for i, (resh, name) in enumerate(UNITS):
            lines.append('    <Enhet enhetID="%d" reshID="%s" enhetLokal="%s"/>' % (10 + i, resh, name))
        n = month * 100000
        for i, (resh, _) in enumerate(UNITS):
            for count, niva, tilst, procs in MIX:
                for _ in range(count):
                    n += 1
                    t = tilst
                    # The jump: 50 of the plain outpatient episodes get R104 instead of K703.
                    if (resh == "4300" and month == a.jump_month and tilst == [["K703"]]
                            and not procs and niva == 3 and count == 60 and (n % 60) < 50):
                        t = [["R104"]]
                    lines.append(episode(n, i, year, month, niva, t, procs))
        lines += ['  </Institusjon>', '</Melding>', '']
        path = os.path.join(a.out, "npr-%04d-%02d.xml" % (year, month))
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))


if __name__ == "__main__":
    main()
