// The group-bys of minqing's data half in DuckDB, on the same generated CSV:
// per village visits, distinct households, demands and resolved (closed by
// the as-of date, contract section 4); per cadre and month the diaries.
// Usage: node duckdb_groupby.mjs VISITS.csv AS_OF THREADS OUT_DIR
// Writes the two results as CSV (so the run does the same output work as
// minqing's figure CSVs) and prints the row counts.
// The generated file holds malformed rows on purpose (minqing rejects them with
// a reason); DuckDB refuses the whole file on the first one unless told to
// skip them (ignore_errors). It reads the file once, keeping the columns the
// group-bys use, as minqing does.
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, asOf, threads, outDir] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await db.connect();
const src = `read_csv('${csv}', header = true, all_varchar = true, ignore_errors = true)`;
const columns = 'county, township, village, household_id, demand, status, closed_date, cadre_id, visit_date';
await con.run(`CREATE TEMP TABLE v AS SELECT ${columns} FROM ${src}`);
const village = `
  SELECT county, township, village,
         count(*) AS visits,
         count(DISTINCT household_id) AS households_visited,
         count(*) FILTER (WHERE coalesce(trim(demand), '') <> '') AS demands,
         count(*) FILTER (WHERE coalesce(trim(demand), '') <> '' AND status = '已办结'
                          AND closed_date <= '${asOf}') AS resolved
  FROM v GROUP BY ALL ORDER BY ALL`;
const cadre = `
  SELECT cadre_id, substr(visit_date, 1, 7) AS month, count(*) AS diaries
  FROM v GROUP BY ALL ORDER BY ALL`;
await con.run(`COPY (${village}) TO '${outDir}/village.csv' (HEADER)`);
await con.run(`COPY (${cadre}) TO '${outDir}/cadre_month.csv' (HEADER)`);
const n = await con.runAndReadAll(`SELECT (SELECT count(*) FROM v) AS records`);
console.log(`duckdb: ${n.getRows()[0][0]} records`);
con.closeSync();
