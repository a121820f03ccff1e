import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import sql = require("../../includes/sql");
import retail = require("../../includes/retail");
import { DuckDbEval } from "./duckdb-eval";

const bq = sql.forDialect("bigquery");
const duck = sql.forDialect("duckdb");

/** Collapses runs of whitespace so that layout does not matter in text comparisons. */
function normalise(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * parseDatetime's return type, inferred from the JS source, includes undefined; it never is.
 */
function defined(fragment: string | undefined): string {
  assert.equal(typeof fragment, "string");
  return fragment as string;
}

function md5(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

describe("includes/sql.js", () => {
  describe("dialect selection", () => {
    it("parseDialect returns bigquery for an undefined or empty var", () => {
      assert.equal(sql.parseDialect(undefined), "bigquery");
      assert.equal(sql.parseDialect(""), "bigquery");
    });

    it("parseDialect accepts bigquery and duckdb", () => {
      assert.equal(sql.parseDialect("bigquery"), "bigquery");
      assert.equal(sql.parseDialect("duckdb"), "duckdb");
    });

    it("parseDialect rejects postgres with a message naming the var dialect", () => {
      assert.throws(
        () => sql.parseDialect("postgres"),
        (error: unknown) =>
          error instanceof Error && /postgres/.test(error.message) && /var "dialect"/.test(error.message)
      );
    });

    it("forDialect rejects an unknown dialect", () => {
      assert.throws(() => sql.forDialect("postgres" as unknown as "duckdb"), /dialect/);
    });

    it("lists exactly the two supported dialects", () => {
      assert.deepEqual([...sql.DIALECTS], ["bigquery", "duckdb"]);
    });

    it("binds the top-level helpers to bigquery outside a Dataform compile", () => {
      assert.equal(sql.dialect, "bigquery");
      assert.equal(sql.safeCast("x", sql.types.int64), "SAFE_CAST(x AS INT64)");
      assert.equal(sql.stringLiteral("Can't"), "'Can\\'t'");
    });

    it("reports its dialect on the helpers", () => {
      assert.equal(bq.dialect, "bigquery");
      assert.equal(duck.dialect, "duckdb");
    });
  });

  describe("type names", () => {
    const expected: Array<[keyof typeof bq.types, string, string]> = [
      ["string", "STRING", "VARCHAR"],
      ["int64", "INT64", "BIGINT"],
      ["numeric", "NUMERIC", "DECIMAL(38, 9)"],
      ["float64", "FLOAT64", "DOUBLE"],
      ["bool", "BOOL", "BOOLEAN"],
      ["date", "DATE", "DATE"],
      ["datetime", "DATETIME", "TIMESTAMP"],
      ["timestamp", "TIMESTAMP", "TIMESTAMP"],
    ];
    for (const [logical, bigqueryName, duckdbName] of expected) {
      it(`${logical} is ${bigqueryName} on BigQuery and ${duckdbName} on DuckDB`, () => {
        assert.equal(bq.types[logical], bigqueryName);
        assert.equal(duck.types[logical], duckdbName);
      });
    }

    it("has no other logical types", () => {
      assert.deepEqual(Object.keys(bq.types).sort(), expected.map(([logical]) => logical).sort());
      assert.deepEqual(Object.keys(duck.types).sort(), expected.map(([logical]) => logical).sort());
    });
  });

  describe("BigQuery text of each helper", () => {
    const cases: Array<[string, () => string, string]> = [
      ["safeCast to INT64", () => bq.safeCast("x", bq.types.int64), "SAFE_CAST(x AS INT64)"],
      ["safeCast to NUMERIC", () => bq.safeCast("x", bq.types.numeric), "SAFE_CAST(x AS NUMERIC)"],
      ["parseDatetime with one format", () => defined(bq.parseDatetime("s", ["%Y-%m-%d %H:%M"])), "SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M', s)"],
      [
        "parseDatetime with two formats",
        () => defined(bq.parseDatetime("s", ["%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M:%S"])),
        "COALESCE(SAFE.PARSE_DATETIME('%m/%d/%Y %H:%M', s), SAFE.PARSE_DATETIME('%Y-%m-%d %H:%M:%S', s))",
      ],
      ["dateDiffDays", () => bq.dateDiffDays("a", "b"), "DATE_DIFF(a, b, DAY)"],
      ["dateAddDays", () => bq.dateAddDays("d", 3), "DATE_ADD(d, INTERVAL 3 DAY)"],
      ["monthStart", () => bq.monthStart("d"), "DATE_TRUNC(d, MONTH)"],
      ["formatDate", () => bq.formatDate("d", "%B"), "FORMAT_DATE('%B', d)"],
      ["isoWeek", () => bq.isoWeek("d"), "EXTRACT(ISOWEEK FROM d)"],
      ["isoDayOfWeek", () => bq.isoDayOfWeek("d"), "MOD(EXTRACT(DAYOFWEEK FROM d) + 5, 7) + 1"],
      ["dateSpine", () => bq.dateSpine("a", "b"), "SELECT date_day FROM UNNEST(GENERATE_DATE_ARRAY(a, b)) AS date_day"],
      ["dateSpine with an alias", () => bq.dateSpine("a", "b", "d"), "SELECT d FROM UNNEST(GENERATE_DATE_ARRAY(a, b)) AS d"],
      ["regexpContains", () => bq.regexpContains("s", "^[0-9]+$"), "REGEXP_CONTAINS(s, r'^[0-9]+$')"],
      ["md5Hex", () => bq.md5Hex("s"), "TO_HEX(MD5(s))"],
      [
        "surrogateKey",
        () => bq.surrogateKey(["a", "b"]),
        "TO_HEX(MD5(CONCAT(COALESCE(CAST(a AS STRING), '~null~'), CODE_POINTS_TO_STRING([31]), COALESCE(CAST(b AS STRING), '~null~'))))",
      ],
      ["stringLiteral with a quote", () => bq.stringLiteral("Can't Lose Them"), "'Can\\'t Lose Them'"],
      ["stringLiteral with a backslash", () => bq.stringLiteral("a\\b"), "'a\\\\b'"],
      ["numericDivide", () => bq.numericDivide("n", "d"), "SAFE_DIVIDE(n, d)"],
      ["floatDivide", () => bq.floatDivide("n", "d"), "CAST(n AS FLOAT64) / NULLIF(d, 0)"],
      ["sumInt64", () => bq.sumInt64("q"), "SUM(q)"],
      ["dateKey", () => bq.dateKey("d"), "(EXTRACT(YEAR FROM d) * 10000 + EXTRACT(MONTH FROM d) * 100 + EXTRACT(DAY FROM d))"],
      ["declareVariable", () => bq.declareVariable("w", bq.types.timestamp, "SELECT 1"), "DECLARE w TIMESTAMP DEFAULT (SELECT 1)"],
      ["variable", () => bq.variable("w"), "w"],
    ];
    for (const [name, build, expected] of cases) {
      it(`${name} is ${expected}`, () => {
        assert.equal(normalise(build()), normalise(expected));
      });
    }
  });

  describe("argument checks", () => {
    for (const [name, helpers] of [["bigquery", bq], ["duckdb", duck]] as const) {
      it(`parseDatetime without formats throws (${name})`, () => {
        assert.throws(() => helpers.parseDatetime("s", []), /at least one format/);
      });
      it(`surrogateKey without expressions throws (${name})`, () => {
        assert.throws(() => helpers.surrogateKey([]), /at least one expression/);
      });
      it(`regexpContains with a single quote in the pattern throws (${name})`, () => {
        assert.throws(() => helpers.regexpContains("s", "it's"), /single quote/);
      });
    }
  });

  describe("DuckDB SQL, executed in DuckDB", () => {
    const db = new DuckDbEval();
    before(async () => {
      await db.open();
    });
    after(() => {
      db.close();
    });

    describe("parseDatetime with the invoice date formats", () => {
      const parse = (literal: string) => defined(duck.parseDatetime(literal, retail.INVOICE_DATE_FORMATS));
      const cases: Array<[string, string | null]> = [
        ["12/1/2010 8:26", "2010-12-01 08:26:00"],
        ["01/02/2011 09:05", "2011-01-02 09:05:00"],
        ["2010-12-01 08:26:00", "2010-12-01 08:26:00"],
        ["2010-12-01 08:26", "2010-12-01 08:26:00"],
        ["31/31/2011 25:61", null],
        ["not a date", null],
      ];
      for (const [text, expected] of cases) {
        it(`parses '${text}' to ${expected === null ? "NULL" : expected}`, async () => {
          assert.equal(await db.value(parse(`'${text}'`)), expected);
        });
      }

      it("gives NULL for NULL", async () => {
        assert.equal(await db.value(parse("CAST(NULL AS VARCHAR)")), null);
      });

      it("returns a TIMESTAMP column", async () => {
        const types = await db.columnTypes(`SELECT ${parse("'12/1/2010 8:26'")} AS v`);
        assert.equal(types["v"], "TIMESTAMP");
      });
    });

    describe("date arithmetic", () => {
      it("dateDiffDays(2011-12-10, 2011-11-01) is 39", async () => {
        assert.equal(await db.value(duck.dateDiffDays("DATE '2011-12-10'", "DATE '2011-11-01'")), "39");
      });

      it("dateDiffDays is negative when later is before earlier", async () => {
        assert.equal(await db.value(duck.dateDiffDays("DATE '2011-11-01'", "DATE '2011-12-10'")), "-39");
      });

      it("dateAddDays crosses the end of February 2011 (not a leap year)", async () => {
        assert.equal(await db.value(duck.dateAddDays("DATE '2011-02-27'", 2)), "2011-03-01");
      });

      it("dateAddDays accepts a negative or expression day count", async () => {
        assert.equal(await db.value(duck.dateAddDays("DATE '2011-03-01'", -1)), "2011-02-28");
        assert.equal(await db.value(duck.dateAddDays("DATE '2011-12-09'", "1 + 1")), "2011-12-11");
      });

      it("dateAddDays returns a DATE", async () => {
        const types = await db.columnTypes(`SELECT ${duck.dateAddDays("DATE '2011-02-27'", 2)} AS v`);
        assert.equal(types["v"], "DATE");
      });

      it("monthStart gives the first day of the month as a DATE", async () => {
        assert.equal(await db.value(duck.monthStart("DATE '2011-12-09'")), "2011-12-01");
        assert.equal(await db.value(duck.monthStart("DATE '2011-02-01'")), "2011-02-01");
        const types = await db.columnTypes(`SELECT ${duck.monthStart("DATE '2011-12-09'")} AS v`);
        assert.equal(types["v"], "DATE");
      });

      it("dateKey(DATE '2011-12-09') is 20111209", async () => {
        assert.equal(await db.value(duck.dateKey("DATE '2011-12-09'")), "20111209");
        assert.equal(await db.value(duck.dateKey("DATE '2010-01-05'")), "20100105");
      });
    });

    describe("calendar names and numbers", () => {
      it("formatDate gives English month and day names (2011-12-11 is a Sunday in December)", async () => {
        assert.equal(await db.value(duck.formatDate("DATE '2011-12-11'", "%B")), "December");
        assert.equal(await db.value(duck.formatDate("DATE '2011-12-11'", "%A")), "Sunday");
      });

      const weeks: Array<[string, string]> = [
        ["2011-01-01", "52"],
        ["2011-01-02", "52"],
        ["2011-01-03", "1"],
        ["2011-12-11", "49"],
        ["2008-12-29", "1"],
      ];
      for (const [date, week] of weeks) {
        it(`isoWeek of ${date} is ${week}`, async () => {
          assert.equal(String(await db.value(duck.isoWeek(`DATE '${date}'`))), week);
        });
      }

      it("isoDayOfWeek counts Monday 1 to Sunday 7 over the week 2011-12-05 .. 2011-12-11", async () => {
        const rows = await db.rows(
          `SELECT d, ${duck.isoDayOfWeek("d")} AS dow FROM (VALUES (DATE '2011-12-05'), (DATE '2011-12-06'), (DATE '2011-12-07'), (DATE '2011-12-08'), (DATE '2011-12-09'), (DATE '2011-12-10'), (DATE '2011-12-11')) t(d) ORDER BY d`
        );
        assert.deepEqual(
          rows.map((row) => Number(row["dow"])),
          [1, 2, 3, 4, 5, 6, 7]
        );
      });

      it("the BigQuery isoDayOfWeek formula maps DAYOFWEEK 1 (Sunday) .. 7 (Saturday) to 7, 1 .. 6", async () => {
        const formula = bq.isoDayOfWeek("d");
        const marker = "EXTRACT(DAYOFWEEK FROM d)";
        assert.ok(formula.includes(marker));
        const results: number[] = [];
        for (let dayOfWeek = 1; dayOfWeek <= 7; dayOfWeek += 1) {
          results.push(Number(await db.value(formula.replace(marker, String(dayOfWeek)))));
        }
        assert.deepEqual(results, [7, 1, 2, 3, 4, 5, 6]);
      });
    });

    describe("rowNumbered, storageOrder and variables", () => {
      // Lines of two files: (file, line, hash); identical hashes within a file are identical lines.
      const lines = `(SELECT * FROM (VALUES ('f', 7, 'a'), ('f', 2, 'b'), ('f', 3, 'a'), ('g', 1, 'a'), ('f', 5, 'a'), ('f', 9, 'b')) t(file, line, hash))`;
      const numbering = { partitionBy: "hash", orderBy: "line", rowKey: ["file", "line"], alias: "n" } as const;

      it("numbers the rows of equal partition value in order, alike in both dialects' SQL (both run here, on DuckDB)", async () => {
        // By hand: f/a at lines 3, 5, 7 are 1, 2, 3; f/b at 2, 9 are 1, 2; g's one line is 1. The partition is the hash alone.
        const expected = [
          ["f", 2, "b", "1"],
          ["f", 3, "a", "1"],
          ["f", 5, "a", "2"],
          ["f", 7, "a", "3"],
          ["f", 9, "b", "2"],
          ["g", 1, "a", "1"],
        ];
        const perFile = `(SELECT file, line, file || '/' || hash AS hash FROM ${lines})`;
        for (const dialect of [bq, duck]) {
          const rows = await db.rows(`SELECT file, line, hash, n FROM (${dialect.rowNumbered(perFile, numbering)}) ORDER BY file, line`);
          assert.deepEqual(
            rows.map((row) => [row["file"], row["line"], String(row["hash"]).slice(2), String(row["n"])]),
            expected,
            dialect.dialect
          );
        }
      });

      it("numbers every row on BigQuery even without a row key's values (a load job gives no line numbers)", async () => {
        const unnumbered = `(SELECT * FROM (VALUES ('a', NULL), ('b', NULL), ('a', NULL), ('a', NULL)) t(hash, line))`;
        const rows = await db.rows(`SELECT hash, n FROM (${bq.rowNumbered(unnumbered, numbering)}) ORDER BY hash, n`);
        assert.deepEqual(rows.map((row) => [row["hash"], String(row["n"])]), [["a", "1"], ["a", "2"], ["a", "3"], ["b", "1"]]);
      });

      it("numbers 300,000 rows exactly on DuckDB, read and joined back by several threads", async () => {
        // Many vectors and row groups; each hash three times (lines i, i + 100,000 and i + 200,000), and
        // ten text columns besides, as stg_sales_typed has.
        const payload = Array.from({ length: 10 }, (_unused, index) => `md5(CAST(i + ${index} AS VARCHAR)) AS text_${index}`).join(", ");
        await db.rows(`CREATE OR REPLACE TABLE many_lines AS
          SELECT 'f' AS file, i AS line, CAST(i % 100000 AS VARCHAR) AS hash, ${payload} FROM range(1, 300001) t(i)`);
        const [check] = await db.rows(`SELECT COUNT(*) AS rows, COUNT(DISTINCT line) AS lines,
            COUNT(*) FILTER (WHERE n <> (line - 1) // 100000 + 1) AS misnumbered,
            COUNT(*) FILTER (WHERE text_9 <> md5(CAST(line + 9 AS VARCHAR))) AS mismatched
          FROM (${duck.rowNumbered("many_lines", numbering)})`);
        assert.deepEqual(check, { rows: "300000", lines: "300000", misnumbered: "0", mismatched: "0" });
      });

      it("on DuckDB puts only the row key and the partition value through the window, and keeps the relation's columns in place", async () => {
        // The window's read takes what the row key and stg_sales's line hash need, not the other
        // columns; the rows joined back are read in full, and the number comes last.
        await db.rows(`CREATE OR REPLACE TABLE plain_lines AS SELECT * FROM (VALUES ('f', 7, 'a', 'x'), ('f', 2, 'b', 'y'), ('f', 4, 'a', 'z')) t(file, line, value, other)`);
        const hashed = `(SELECT file, line, md5(file || value) AS hash, other FROM plain_lines)`;
        const [explained] = await db.rows(`EXPLAIN (FORMAT json) SELECT * FROM (${duck.rowNumbered(hashed, numbering)})`);
        const scans: string[][] = [];
        const visit = (node: { name: string; children: unknown[]; extra_info: { Projections?: string[] } }) => {
          if (node.name === "SEQ_SCAN") scans.push([...(node.extra_info.Projections ?? [])].sort());
          node.children.forEach((child) => visit(child as typeof node));
        };
        (JSON.parse(String(explained?.["explain_value"])) as Parameters<typeof visit>[0][]).forEach(visit);
        assert.deepEqual(scans.sort(), [["file", "line", "other", "value"], ["file", "line", "value"]]);
        const rows = await db.rows(`SELECT * FROM (${duck.rowNumbered(hashed, numbering)}) ORDER BY line`);
        assert.deepEqual(rows.map((row) => Object.keys(row)), Array.from({ length: 3 }, () => ["file", "line", "hash", "other", "n"]));
        // By hand: line 2 is the one b; lines 4 and 7 are the first and second a.
        const md5 = (text: string) => createHash("md5").update(text).digest("hex");
        assert.deepEqual(
          rows.map((row) => [row["line"], row["hash"], row["other"], String(row["n"])]),
          [[2, md5("fb"), "y", "1"], [4, md5("fa"), "z", "1"], [7, md5("fa"), "x", "2"]]
        );
      });

      it("orders a build's rows on DuckDB and leaves BigQuery's build alone", async () => {
        assert.equal(bq.storageOrder(["a", "b"]), "");
        const rows = await db.rows(`SELECT * FROM (VALUES (2, 'x'), (1, 'z'), (1, 'y')) t(a, b) ${duck.storageOrder(["a", "b"])}`);
        assert.deepEqual(rows, [{ a: 1, b: "y" }, { a: 1, b: "z" }, { a: 2, b: "x" }]);
        assert.throws(() => duck.storageOrder([]), /at least one column/);
      });

      it("refuses a numbering without a row key", () => {
        assert.throws(() => duck.rowNumbered("t", { ...numbering, rowKey: [] }), /row key/);
        assert.throws(() => bq.rowNumbered("t", { ...numbering, rowKey: [] }), /row key/);
      });

      it("sets a variable from a query and reads it back, typed", async () => {
        await db.rows(duck.declareVariable("newest", duck.types.timestamp, "SELECT '2011-12-09 12:50:00'"));
        assert.equal(await db.value(`${duck.variable("newest")} > TIMESTAMP '2011-12-09 12:00:00'`), true);
      });
    });

    describe("dateSpine", () => {
      it("gives the 4 days from 2011-02-27 to 2011-03-02 in a DATE column", async () => {
        const query = duck.dateSpine("DATE '2011-02-27'", "DATE '2011-03-02'");
        const rows = await db.rows(`SELECT * FROM (${query}) ORDER BY date_day`);
        assert.deepEqual(rows, [
          { date_day: "2011-02-27" },
          { date_day: "2011-02-28" },
          { date_day: "2011-03-01" },
          { date_day: "2011-03-02" },
        ]);
        const types = await db.columnTypes(query);
        assert.deepEqual(types, { date_day: "DATE" });
      });

      it("gives one day when the bounds are equal", async () => {
        const rows = await db.rows(duck.dateSpine("DATE '2011-12-09'", "DATE '2011-12-09'"));
        assert.deepEqual(rows, [{ date_day: "2011-12-09" }]);
      });

      it("accepts scalar subqueries as bounds and a custom alias", async () => {
        const query = duck.dateSpine(
          "(SELECT MIN(d) FROM (VALUES (DATE '2011-12-31'), (DATE '2012-01-01')) t(d))",
          "(SELECT MAX(d) FROM (VALUES (DATE '2011-12-31'), (DATE '2012-01-01')) t(d))",
          "day"
        );
        const rows = await db.rows(`SELECT * FROM (${query}) ORDER BY day`);
        assert.deepEqual(rows, [{ day: "2011-12-31" }, { day: "2012-01-01" }]);
      });
    });

    describe("regexpContains", () => {
      it("is true when the text contains a match anywhere", async () => {
        assert.equal(await db.value(duck.regexpContains("'abc123'", "[0-9]+")), true);
        assert.equal(await db.value(duck.regexpContains("'xx12yy'", "[0-9]{2}")), true);
      });

      it("is false when there is no match, and honours anchors", async () => {
        assert.equal(await db.value(duck.regexpContains("'abc'", "[0-9]")), false);
        assert.equal(await db.value(duck.regexpContains("'xx12yy'", "^[0-9]+$")), false);
      });

      it("is NULL for NULL text", async () => {
        assert.equal(await db.value(duck.regexpContains("CAST(NULL AS VARCHAR)", "[0-9]")), null);
      });
    });

    describe("hashes and keys", () => {
      it("md5Hex('abc') is 900150983cd24fb0d6963f7d28e17f72", async () => {
        assert.equal(await db.value(duck.md5Hex("'abc'")), "900150983cd24fb0d6963f7d28e17f72");
      });

      it("surrogateKey is the MD5 of the values joined by the unit separator", async () => {
        assert.equal(await db.value(duck.surrogateKey(["'a'", "'bc'"])), md5("a\u001fbc"));
        assert.equal(await db.value(duck.surrogateKey(["17850", "'x'"])), md5("17850\u001fx"));
      });

      it("surrogateKey is a 32-character lower-case hex string", async () => {
        const key = await db.value(duck.surrogateKey(["'a'", "NULL", "42"]));
        assert.equal(typeof key, "string");
        assert.match(key as string, /^[0-9a-f]{32}$/);
      });

      it("surrogateKey differs for NULL and ''", async () => {
        const ofNull = await db.value(duck.surrogateKey(["CAST(NULL AS VARCHAR)", "'x'"]));
        const ofEmpty = await db.value(duck.surrogateKey(["''", "'x'"]));
        assert.notEqual(ofNull, null);
        assert.notEqual(ofNull, ofEmpty);
      });

      it("surrogateKey differs for ('a', 'bc') and ('ab', 'c')", async () => {
        const first = await db.value(duck.surrogateKey(["'a'", "'bc'"]));
        const second = await db.value(duck.surrogateKey(["'ab'", "'c'"]));
        assert.notEqual(first, second);
      });

      it("surrogateKey is equal for equal inputs", async () => {
        const rows = await db.rows(
          `SELECT ${duck.surrogateKey(["f", "n"])} AS k FROM (VALUES ('file.csv', 1), ('file.csv', 1), ('file.csv', 2)) t(f, n)`
        );
        assert.equal(rows.length, 3);
        assert.equal(rows[0]!["k"], rows[1]!["k"]);
        assert.notEqual(rows[0]!["k"], rows[2]!["k"]);
      });
    });

    describe("stringLiteral", () => {
      for (const text of ["Can't Lose Them", "a\\b", "''", "plain"]) {
        it(`round-trips ${JSON.stringify(text)} through DuckDB`, async () => {
          assert.equal(await db.value(duck.stringLiteral(text)), text);
        });
      }
    });

    describe("division", () => {
      it("numericDivide(10.01, 2) is 5.005 as DECIMAL(38, 9)", async () => {
        const expression = duck.numericDivide("10.01", "2");
        assert.equal(await db.value(expression), "5.005000000");
        const types = await db.columnTypes(`SELECT ${expression} AS v`);
        assert.equal(types["v"], "DECIMAL(38,9)");
      });

      it("numericDivide of DECIMAL(38, 9) amounts keeps 9 decimal places", async () => {
        const amount = "CAST('10.01' AS DECIMAL(38, 9))";
        assert.equal(await db.value(duck.numericDivide(amount, "CAST(2 AS BIGINT)")), "5.005000000");
        assert.equal(await db.value(duck.numericDivide("CAST('1' AS DECIMAL(38, 9))", "3")), "0.333333333");
      });

      it("numericDivide is NULL for a zero or NULL denominator", async () => {
        assert.equal(await db.value(duck.numericDivide("10.01", "0")), null);
        assert.equal(await db.value(duck.numericDivide("10.01", "NULL")), null);
      });

      it("floatDivide gives a DOUBLE quotient, also of integers", async () => {
        assert.equal(await db.value(duck.floatDivide("1", "4")), 0.25);
        assert.equal(await db.value(duck.floatDivide("7", "2")), 3.5);
        const types = await db.columnTypes(`SELECT ${duck.floatDivide("1", "4")} AS v`);
        assert.equal(types["v"], "DOUBLE");
      });

      it("floatDivide is NULL for a zero denominator", async () => {
        assert.equal(await db.value(duck.floatDivide("1", "0")), null);
      });
    });

    describe("sumInt64", () => {
      const quantities = "FROM (VALUES (CAST(6 AS BIGINT)), (12), (-2), (NULL)) t(q)";

      it("sums 6 + 12 - 2 (NULL ignored) to 16, as BIGINT where a bare SUM gives HUGEINT", async () => {
        assert.equal(await db.value(duck.sumInt64("q"), quantities), "16");
        const types = await db.columnTypes(`SELECT ${duck.sumInt64("q")} AS v, SUM(q) AS bare ${quantities}`);
        assert.deepEqual(types, { v: "BIGINT", bare: "HUGEINT" });
      });

      it("is NULL over no rows, as BigQuery's SUM is", async () => {
        assert.equal(await db.value(duck.sumInt64("q"), `${quantities} WHERE q > 100`), null);
      });

      it("fails beyond INT64 instead of widening, as BigQuery's SUM does", async () => {
        await assert.rejects(db.value(duck.sumInt64("q"), "FROM (VALUES (CAST(9223372036854775807 AS BIGINT)), (1)) t(q)"), /out of range|overflow/i);
      });
    });

    describe("safeCast", () => {
      it("to numeric keeps 12345678901234.5 exactly", async () => {
        assert.equal(await db.value(duck.safeCast("'12345678901234.5'", duck.types.numeric)), "12345678901234.500000000");
      });

      it("to numeric keeps 2.55 exactly", async () => {
        assert.equal(await db.value(duck.safeCast("'2.55'", duck.types.numeric)), "2.550000000");
        assert.equal(await db.value(duck.safeCast("'-2.55'", duck.types.numeric)), "-2.550000000");
      });

      it("to numeric gives NULL for 'abc'", async () => {
        assert.equal(await db.value(duck.safeCast("'abc'", duck.types.numeric)), null);
      });

      it("to numeric returns DECIMAL(38, 9)", async () => {
        const types = await db.columnTypes(`SELECT ${duck.safeCast("'2.55'", duck.types.numeric)} AS v`);
        assert.equal(types["v"], "DECIMAL(38,9)");
      });

      it("to int64 parses '12' and gives NULL for 'x'", async () => {
        assert.equal(await db.value(duck.safeCast("'12'", duck.types.int64)), "12");
        assert.equal(await db.value(duck.safeCast("'x'", duck.types.int64)), null);
      });

      it("to date gives NULL for an impossible date", async () => {
        assert.equal(await db.value(duck.safeCast("'2011-12-09'", duck.types.date)), "2011-12-09");
        assert.equal(await db.value(duck.safeCast("'2011-02-30'", duck.types.date)), null);
      });
    });
  });
});
