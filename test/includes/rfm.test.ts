import assert from "node:assert/strict";
import sql = require("../../includes/sql");
import rfm = require("../../includes/rfm");
import { DuckDbEval } from "./duckdb-eval";

const duck = sql.forDialect("duckdb");
const bq = sql.forDialect("bigquery");

type SegmentMap = Array<{ r: number; byFrequency: string[] }>;

/**
 * The data contract's segment table, written out here independently of includes/rfm.js:
 * CONTRACT_TABLE[r][f - 1] is the segment of the cell (R = r, F = f).
 */
const CONTRACT_TABLE: Record<number, readonly string[]> = {
  5: ["New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"],
  4: ["Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Loyal Customers"],
  3: ["About To Sleep", "About To Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"],
  2: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
  1: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
};

const CONTRACT_SEGMENTS = [
  "About To Sleep",
  "At Risk",
  "Can't Lose Them",
  "Champions",
  "Hibernating",
  "Loyal Customers",
  "Need Attention",
  "New Customers",
  "Potential Loyalists",
  "Promising",
];

/** A deep, mutable copy of the project's map, to damage in one place per test. */
function copyOfMap(): SegmentMap {
  return rfm.SEGMENT_MAP.map((row) => ({ r: row.r, byFrequency: [...row.byFrequency] }));
}

describe("includes/rfm.js", () => {
  const db = new DuckDbEval();
  before(async () => {
    await db.open();
  });
  after(() => {
    db.close();
  });

  describe("segmentMapProblems", () => {
    it("finds no problem in the project's SEGMENT_MAP", () => {
      assert.deepEqual(rfm.segmentMapProblems(rfm.SEGMENT_MAP), []);
    });

    it("reports a missing R row, naming the score", () => {
      const map = copyOfMap().filter((row) => row.r !== 3);
      const problems = rfm.segmentMapProblems(map);
      assert.equal(problems.length, 1, problems.join("; "));
      assert.match(problems[0]!, /R score 3\b.*missing/);
    });

    it("reports a duplicated R row, naming the score (and the score it displaced)", () => {
      const map = copyOfMap();
      map[2] = { r: 4, byFrequency: [...map[1]!.byFrequency] };
      const problems = rfm.segmentMapProblems(map);
      assert.equal(problems.length, 2, problems.join("; "));
      assert.ok(problems.some((problem) => /R score 4\b.*more than once/.test(problem)), problems.join("; "));
      assert.ok(problems.some((problem) => /R score 3\b.*missing/.test(problem)), problems.join("; "));
    });

    it("reports a row of 4 cells, naming the score", () => {
      const map = copyOfMap();
      map[3]!.byFrequency.pop();
      const problems = rfm.segmentMapProblems(map);
      assert.equal(problems.length, 1, problems.join("; "));
      assert.match(problems[0]!, /R score 2\b/);
      assert.match(problems[0]!, /\b4\b/);
    });

    it("reports a row of 6 cells, naming the score", () => {
      const map = copyOfMap();
      map[0]!.byFrequency.push("Champions");
      const problems = rfm.segmentMapProblems(map);
      assert.equal(problems.length, 1, problems.join("; "));
      assert.match(problems[0]!, /R score 5\b/);
    });

    it("reports an empty or blank segment name, naming the cell", () => {
      const map = copyOfMap();
      map[2]!.byFrequency[1] = "";
      map[4]!.byFrequency[4] = "   ";
      const problems = rfm.segmentMapProblems(map);
      assert.equal(problems.length, 2, problems.join("; "));
      assert.match(problems[0]!, /R3 F2/);
      assert.match(problems[1]!, /R1 F5/);
    });

    it("reports an R score outside 1..5", () => {
      const map = copyOfMap();
      map[4]!.r = 6;
      const problems = rfm.segmentMapProblems(map);
      assert.ok(problems.some((problem) => /R score 6\b/.test(problem)), problems.join("; "));
      assert.ok(problems.some((problem) => /R score 1\b.*missing/.test(problem)), problems.join("; "));
    });

    it("makes segmentCase refuse an invalid map", () => {
      const map = copyOfMap().filter((row) => row.r !== 1);
      assert.throws(() => rfm.segmentCase("r_score", "f_score", map, duck), /RFM segment map is invalid: .*R score 1\b/);
    });
  });

  describe("segmentCase", () => {
    it("names the contract's segment for each of the 25 (R, F) cells, evaluated in DuckDB", async () => {
      const rows = await db.rows(
        `SELECT r_score, f_score, ${rfm.segmentCase("r_score", "f_score", undefined, duck)} AS segment
         FROM (SELECT CAST(r AS INTEGER) AS r_score, CAST(f AS INTEGER) AS f_score FROM range(1, 6) AS rs(r) CROSS JOIN range(1, 6) AS fs(f))
         ORDER BY r_score DESC, f_score`
      );
      assert.equal(rows.length, 25);
      const expected: Array<{ r_score: number; f_score: number; segment: string }> = [];
      for (let r = 5; r >= 1; r -= 1) {
        for (let f = 1; f <= 5; f += 1) expected.push({ r_score: r, f_score: f, segment: CONTRACT_TABLE[r]![f - 1]! });
      }
      assert.deepEqual(rows, expected);
    });

    it("gives R5 F1 New Customers for a single-row query", async () => {
      const segment = await db.value(
        rfm.segmentCase("r_score", "f_score", undefined, duck),
        "FROM (SELECT 5 AS r_score, 1 AS f_score)"
      );
      assert.equal(segment, "New Customers");
    });

    it("gives NULL for a score outside 1..5", async () => {
      const segment = await db.value(
        rfm.segmentCase("r_score", "f_score", undefined, duck),
        "FROM (SELECT 0 AS r_score, 3 AS f_score)"
      );
      assert.equal(segment, null);
    });

    it("quotes Can't Lose Them for BigQuery with a backslash, and by default", () => {
      assert.ok(rfm.segmentCase("r", "f", undefined, bq).includes("THEN 'Can\\'t Lose Them'"));
      assert.ok(rfm.segmentCase("r", "f").includes("THEN 'Can\\'t Lose Them'"));
    });

    it("uses a replacement map", async () => {
      const map: SegmentMap = [1, 2, 3, 4, 5].map((r) => ({
        r,
        byFrequency: [1, 2, 3, 4, 5].map((f) => (r + f >= 8 ? "Best" : "Rest")),
      }));
      const rows = await db.rows(
        `SELECT ${rfm.segmentCase("r", "f", map, duck)} AS segment FROM (VALUES (5, 3), (4, 3), (1, 1)) t(r, f)`
      );
      assert.deepEqual(rows, [{ segment: "Best" }, { segment: "Rest" }, { segment: "Rest" }]);
    });
  });

  describe("segmentNames and segmentListQuery", () => {
    it("segmentNames has exactly the ten segments of the contract, Champions first", () => {
      const names = rfm.segmentNames();
      assert.equal(names.length, 10);
      assert.deepEqual([...names].sort(), CONTRACT_SEGMENTS);
      assert.equal(names[0], "Champions");
    });

    it("segmentNames reads a replacement map from its best cell, whatever the row order", () => {
      const map: SegmentMap = [1, 2, 3, 4, 5].map((r) => ({
        r,
        byFrequency: [1, 2, 3, 4, 5].map((f) => (r === 5 && f === 5 ? "Top" : r === 1 && f === 1 ? "Bottom" : "Middle")),
      }));
      assert.deepEqual(rfm.segmentNames(map), ["Top", "Middle", "Bottom"]);
    });

    it("segmentListQuery returns the 10 segments in DuckDB with distinct orders 1..10, Champions first", async () => {
      const rows = await db.rows(`SELECT * FROM (${rfm.segmentListQuery(undefined, duck)}) ORDER BY segment_order`);
      assert.equal(rows.length, 10);
      assert.deepEqual(
        rows.map((row) => Number(row["segment_order"])),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
      );
      assert.deepEqual(rows.map((row) => row["segment"] as string).sort(), CONTRACT_SEGMENTS);
      assert.equal(rows[0]!["segment"], "Champions");
    });

    it("segmentListQuery gives segment_order as INT64 on both engines (a bare literal is INTEGER on DuckDB)", async () => {
      const types = await db.columnTypes(`SELECT * FROM (${rfm.segmentListQuery(undefined, duck)})`);
      assert.deepEqual(types, { segment: "VARCHAR", segment_order: "BIGINT" });
      assert.match(rfm.segmentListQuery(undefined, bq), /^SELECT 'Champions' AS segment, CAST\(1 AS INT64\) AS segment_order\n/);
    });

    it("segmentListQuery agrees with segmentNames", async () => {
      const rows = await db.rows(`SELECT * FROM (${rfm.segmentListQuery(undefined, duck)}) ORDER BY segment_order`);
      assert.deepEqual(
        rows.map((row) => row["segment"]),
        rfm.segmentNames()
      );
    });
  });

  describe("scoreColumns", () => {
    // Seven customers: NTILE(5) over 7 rows gives buckets of 2, 2, 1, 1, 1 rows.
    // Ties: recency 50 (13002, 13006) and 10 (13001, 13005); frequency 1 (13002, 13004, 13007) and
    // 3 (13001, 13005); monetary 20.00 (13002, 13006) and 100.00 (13001, 13005). The customer_id
    // tie-break orders each tie by id.
    const customers = [
      // customer_id, recency_days, frequency, monetary
      ["13005", 10, 3, "100.00"],
      ["13002", 50, 1, "20.00"],
      ["13001", 10, 3, "100.00"],
      ["13007", 200, 1, "5.50"],
      ["13003", 3, 7, "300.00"],
      ["13006", 50, 2, "20.00"],
      ["13004", 90, 1, "250.00"],
    ] as const;
    // Worked by hand from the contract:
    // R order (recency DESC, id): 13007, 13004 | 13002, 13006 | 13001 | 13005 | 13003
    // F order (frequency, id):    13002, 13004 | 13007, 13006 | 13001 | 13005 | 13003
    // M order (monetary, id):     13007, 13002 | 13006, 13001 | 13005 | 13004 | 13003
    const expected = [
      { customer_id: "13001", r_score: 3, f_score: 3, m_score: 2 },
      { customer_id: "13002", r_score: 2, f_score: 1, m_score: 1 },
      { customer_id: "13003", r_score: 5, f_score: 5, m_score: 5 },
      { customer_id: "13004", r_score: 1, f_score: 1, m_score: 4 },
      { customer_id: "13005", r_score: 4, f_score: 4, m_score: 3 },
      { customer_id: "13006", r_score: 2, f_score: 2, m_score: 2 },
      { customer_id: "13007", r_score: 1, f_score: 2, m_score: 1 },
    ];
    const values = customers
      .map(([id, recency, frequency, monetary]) => `('${id}', ${recency}, ${frequency}, CAST('${monetary}' AS DECIMAL(38, 9)))`)
      .join(", ");
    const columns = rfm.scoreColumns({
      recency: "recency_days",
      frequency: "frequency",
      monetary: "monetary",
      customerId: "customer_id",
    });

    /** The scores of customers given as a VALUES list, by customer_id. */
    async function scoresOf(valuesList: string) {
      const rows = await db.rows(
        `SELECT customer_id, ${columns} FROM (VALUES ${valuesList}) AS c(customer_id, recency_days, frequency, monetary) ORDER BY customer_id`
      );
      return rows.map((row) => ({
        customer_id: row["customer_id"],
        r_score: Number(row["r_score"]),
        f_score: Number(row["f_score"]),
        m_score: Number(row["m_score"]),
      }));
    }

    it("gives the NTILE(5) scores of the contract, ties broken by customer_id", async () => {
      assert.deepEqual(await scoresOf(values), expected);
    });

    it("gives scores that do not depend on the input row order", async () => {
      const reversed = customers
        .slice()
        .reverse()
        .map(([id, recency, frequency, monetary]) => `('${id}', ${recency}, ${frequency}, CAST('${monetary}' AS DECIMAL(38, 9)))`)
        .join(", ");
      assert.deepEqual(await scoresOf(reversed), expected);
    });

    it("feeds segmentCase: the hand-worked customers fall in the contract's segments", async () => {
      const rows = await db.rows(
        `SELECT customer_id, ${rfm.segmentCase("r_score", "f_score", undefined, duck)} AS segment
         FROM (SELECT customer_id, ${columns} FROM (VALUES ${values}) AS c(customer_id, recency_days, frequency, monetary))
         ORDER BY customer_id`
      );
      assert.deepEqual(
        rows,
        expected.map(({ customer_id, r_score, f_score }) => ({ customer_id, segment: CONTRACT_TABLE[r_score]![f_score - 1]! }))
      );
    });
  });
});
