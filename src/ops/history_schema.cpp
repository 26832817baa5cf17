// The history database schema: every migration, oldest first. A migration is never edited once
// released; a change is a new migration with the next version.
#include "nprcheck/history.hpp"
#include "nprcheck/history_indicators.hpp"

namespace nprcheck {

namespace {

// Version 1: runs and their findings.
constexpr const char* kSchema1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('application', 'nprcheck');
CREATE TABLE runs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  started             TEXT NOT NULL,
  finished            TEXT NOT NULL DEFAULT '',
  scope               TEXT NOT NULL,
  previous_run_id     INTEGER,
  tool_version        TEXT NOT NULL DEFAULT '',
  rules_hash          TEXT NOT NULL DEFAULT '',
  episodes            INTEGER NOT NULL DEFAULT 0,
  episodes_with_error INTEGER NOT NULL DEFAULT 0,
  findings            INTEGER NOT NULL DEFAULT 0,
  errors              INTEGER NOT NULL DEFAULT 0,
  waived              INTEGER NOT NULL DEFAULT 0,
  new_findings        INTEGER NOT NULL DEFAULT 0,
  persisting          INTEGER NOT NULL DEFAULT 0,
  resolved            INTEGER NOT NULL DEFAULT 0,
  manifest            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX runs_by_scope ON runs (scope, id);
CREATE INDEX runs_by_started ON runs (started);
CREATE TABLE findings (
  run_id       INTEGER NOT NULL,
  fingerprint  BLOB NOT NULL,  -- the 32 bytes of SHA-256 (hex(fingerprint) to read it)
  occurrence   INTEGER NOT NULL,
  seq          INTEGER NOT NULL,
  rule         TEXT NOT NULL,
  rule_version INTEGER NOT NULL,
  severity     TEXT NOT NULL,
  episode      TEXT NOT NULL,
  unit         TEXT NOT NULL,
  avdeling     TEXT NOT NULL,
  dato         TEXT NOT NULL,
  codes        TEXT NOT NULL,
  message      TEXT NOT NULL,
  status       TEXT NOT NULL,
  first_seen   TEXT NOT NULL,
  nights       INTEGER NOT NULL,
  waived       INTEGER NOT NULL,
  PRIMARY KEY (run_id, fingerprint, occurrence)
) WITHOUT ROWID;
)sql";

// Version 2: key figures per unit and per rule of every run (history trend, the previous run's
// figures in summary.json), filled in for the runs recorded under version 1.
constexpr const char* kSchema2 = R"sql(
CREATE TABLE unit_counts (
  run_id              INTEGER NOT NULL,
  unit                TEXT NOT NULL,
  unit_name           TEXT NOT NULL DEFAULT '',
  episodes            INTEGER NOT NULL DEFAULT 0,
  episodes_with_error INTEGER NOT NULL DEFAULT 0,
  findings            INTEGER NOT NULL DEFAULT 0,
  errors              INTEGER NOT NULL DEFAULT 0,
  waived              INTEGER NOT NULL DEFAULT 0,
  new_findings        INTEGER NOT NULL DEFAULT 0,
  persisting          INTEGER NOT NULL DEFAULT 0,
  resolved            INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, unit)
) WITHOUT ROWID;
CREATE INDEX unit_counts_by_unit ON unit_counts (unit, run_id);
CREATE TABLE rule_counts (
  run_id              INTEGER NOT NULL,
  rule                TEXT NOT NULL,
  findings            INTEGER NOT NULL DEFAULT 0,
  episodes_with_error INTEGER NOT NULL DEFAULT 0,
  waived              INTEGER NOT NULL DEFAULT 0,
  new_findings        INTEGER NOT NULL DEFAULT 0,
  persisting          INTEGER NOT NULL DEFAULT 0,
  resolved            INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, rule)
) WITHOUT ROWID;

-- Backfill: units from each run's manifest (episodes), and every unit and rule seen in its
-- findings or in its previous run's findings.
INSERT OR IGNORE INTO unit_counts (run_id, unit, unit_name, episodes)
  SELECT r.id, json_extract(j.value, '$.unit'), coalesce(json_extract(j.value, '$.unit_name'), ''),
         coalesce(json_extract(j.value, '$.episodes'), 0)
  FROM runs r, json_each(CASE WHEN json_valid(r.manifest) THEN r.manifest ELSE '{}' END,
                         '$.counts.per_unit') j
  WHERE json_extract(j.value, '$.unit') IS NOT NULL;
INSERT OR IGNORE INTO unit_counts (run_id, unit) SELECT DISTINCT run_id, unit FROM findings;
INSERT OR IGNORE INTO unit_counts (run_id, unit)
  SELECT DISTINCT r.id, p.unit FROM runs r JOIN findings p ON p.run_id = r.previous_run_id;
INSERT OR IGNORE INTO rule_counts (run_id, rule)
  SELECT r.id, json_extract(j.value, '$.id')
  FROM runs r, json_each(CASE WHEN json_valid(r.manifest) THEN r.manifest ELSE '{}' END,
                         '$.rule_set.rules') j
  WHERE json_extract(j.value, '$.id') IS NOT NULL;
INSERT OR IGNORE INTO rule_counts (run_id, rule) SELECT DISTINCT run_id, rule FROM findings;
INSERT OR IGNORE INTO rule_counts (run_id, rule)
  SELECT DISTINCT r.id, p.rule FROM runs r JOIN findings p ON p.run_id = r.previous_run_id;

UPDATE unit_counts SET
  findings = (SELECT count(*) FROM findings f WHERE f.run_id = unit_counts.run_id
              AND f.unit = unit_counts.unit AND f.waived = 0),
  errors = (SELECT count(*) FROM findings f WHERE f.run_id = unit_counts.run_id
            AND f.unit = unit_counts.unit AND f.waived = 0 AND f.severity = 'error'),
  waived = (SELECT count(*) FROM findings f WHERE f.run_id = unit_counts.run_id
            AND f.unit = unit_counts.unit AND f.waived = 1),
  episodes_with_error = (SELECT count(DISTINCT f.episode) FROM findings f
                         WHERE f.run_id = unit_counts.run_id AND f.unit = unit_counts.unit
                         AND f.waived = 0 AND f.severity = 'error'),
  new_findings = (SELECT count(*) FROM findings f WHERE f.run_id = unit_counts.run_id
                  AND f.unit = unit_counts.unit AND f.waived = 0 AND f.status = 'new'),
  persisting = (SELECT count(*) FROM findings f WHERE f.run_id = unit_counts.run_id
                AND f.unit = unit_counts.unit AND f.waived = 0 AND f.status = 'persisting'),
  resolved = (SELECT count(*) FROM runs r JOIN findings p ON p.run_id = r.previous_run_id
              WHERE r.id = unit_counts.run_id AND p.unit = unit_counts.unit AND p.waived = 0
              AND NOT EXISTS (SELECT 1 FROM findings c WHERE c.run_id = r.id
                              AND c.fingerprint = p.fingerprint
                              AND c.occurrence = p.occurrence));
UPDATE rule_counts SET
  findings = (SELECT count(*) FROM findings f WHERE f.run_id = rule_counts.run_id
              AND f.rule = rule_counts.rule AND f.waived = 0),
  waived = (SELECT count(*) FROM findings f WHERE f.run_id = rule_counts.run_id
            AND f.rule = rule_counts.rule AND f.waived = 1),
  episodes_with_error = (SELECT count(DISTINCT f.unit || char(31) || f.episode) FROM findings f
                         WHERE f.run_id = rule_counts.run_id AND f.rule = rule_counts.rule
                         AND f.waived = 0 AND f.severity = 'error'),
  new_findings = (SELECT count(*) FROM findings f WHERE f.run_id = rule_counts.run_id
                  AND f.rule = rule_counts.rule AND f.waived = 0 AND f.status = 'new'),
  persisting = (SELECT count(*) FROM findings f WHERE f.run_id = rule_counts.run_id
                AND f.rule = rule_counts.rule AND f.waived = 0 AND f.status = 'persisting'),
  resolved = (SELECT count(*) FROM runs r JOIN findings p ON p.run_id = r.previous_run_id
              WHERE r.id = rule_counts.run_id AND p.rule = rule_counts.rule AND p.waived = 0
              AND NOT EXISTS (SELECT 1 FROM findings c WHERE c.run_id = r.id
                              AND c.fingerprint = p.fingerprint
                              AND c.occurrence = p.occurrence));
)sql";

}  // namespace

const std::vector<HistoryMigration>& history_migrations() {
  static const std::vector<HistoryMigration> kMigrations = {
      {1, "runs and findings", kSchema1},
      {2, "key figures per unit and rule of every run", kSchema2},
      {3, "indicator counts per month, unit and indicator", indicator_history_schema_sql()},
  };
  return kMigrations;
}

}  // namespace nprcheck
