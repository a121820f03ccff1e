import assert from "node:assert/strict";
import sql = require("../../includes/sql");

/*
 * A third warehouse is one subclass of the base dialect that overrides what it spells differently.
 * This toy one (a Postgres-ish warehouse) overrides two helpers and one type name, and nothing else
 * in the project changes: every helper it does not override is the base's, GoogleSQL, and the base
 * helpers built on an overridden one use the override.
 */
class ToyDialect extends sql.GoogleSqlDialect {
  override dialect = "toy";
  override types = Object.freeze({ ...new sql.GoogleSqlDialect().types, string: "TEXT" });

  override md5Hex(expression: string): string {
    return `ENCODE(DIGEST(${expression}, 'md5'), 'hex')`;
  }

  override dateDiffDays(later: string, earlier: string): string {
    return `(${later} - ${earlier})`;
  }
}

const toy = sql.bindDialect(new ToyDialect());
const base = sql.forDialect("bigquery");

describe("a toy third dialect built on includes/sql.js's base", () => {
  it("uses its two overrides", () => {
    assert.equal(toy.md5Hex("name"), "ENCODE(DIGEST(name, 'md5'), 'hex')");
    assert.equal(toy.dateDiffDays("DATE '2011-12-10'", "DATE '2011-11-01'"), "(DATE '2011-12-10' - DATE '2011-11-01')");
  });

  it("takes every helper it does not override from the base, giving the base's SQL", () => {
    assert.equal(toy.safeCast("'12'", toy.types.int64), "SAFE_CAST('12' AS INT64)");
    assert.equal(toy.monthStart("invoice_date"), "DATE_TRUNC(invoice_date, MONTH)");
    assert.equal(toy.dateAddDays("d", 3), "DATE_ADD(d, INTERVAL 3 DAY)");
    assert.equal(toy.stringLiteral("Can't Lose Them"), "'Can\\'t Lose Them'");
    assert.equal(toy.sumInt64("quantity"), "SUM(quantity)");
    assert.equal(toy.parseDatetime("ts", ["%Y-%m-%d"]), base.parseDatetime("ts", ["%Y-%m-%d"]));
    assert.equal(toy.declareVariable("newest", toy.types.timestamp, "SELECT 1"), "DECLARE newest TIMESTAMP DEFAULT (SELECT 1)");
    assert.equal(toy.variable("newest"), "newest");
    const numbering = { partitionBy: "line_hash", orderBy: "_source_row", rowKey: ["_source_file", "_source_row"], alias: "occurrence" };
    assert.equal(toy.rowNumbered("lines", numbering), base.rowNumbered("lines", numbering));
    assert.equal(toy.storageOrder(["_loaded_at"]), "");
  });

  it("has exactly the base's helpers, no more and no fewer", () => {
    const helperNames = (helpers: object) => Object.keys(helpers).filter((name) => name !== "dialect" && name !== "types").sort();
    assert.deepEqual(helperNames(toy), helperNames(base));
    assert.equal(helperNames(base).length, 22);
  });

  it("makes the base helpers built on an override use it: surrogateKey hashes with the toy md5Hex and casts to TEXT", () => {
    assert.equal(
      toy.surrogateKey(["line_hash", "occurrence"]),
      "ENCODE(DIGEST(CONCAT(COALESCE(CAST(line_hash AS TEXT), '~null~'), CODE_POINTS_TO_STRING([31]), " +
        "COALESCE(CAST(occurrence AS TEXT), '~null~')), 'md5'), 'hex')"
    );
  });

  it("keeps the type names it does not override, and reports its name", () => {
    assert.equal(toy.dialect, "toy");
    assert.deepEqual({ ...toy.types, string: base.types.string }, { ...base.types });
  });

  it("gives helpers that work detached from the object, as models and includes pass them around", () => {
    const { surrogateKey, floatDivide } = toy;
    assert.match(surrogateKey(["a"]), /^ENCODE\(DIGEST\(/);
    assert.equal(floatDivide("a", "b"), "CAST(a AS FLOAT64) / NULLIF(b, 0)");
  });

  it("is not a dialect the Dataform var can name until it is registered in includes/sql.js", () => {
    assert.throws(() => sql.parseDialect("toy"), /Unknown dialect "toy": set the Dataform var "dialect" to one of bigquery, duckdb\./);
  });
});
