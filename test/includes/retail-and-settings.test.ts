import assert from "node:assert/strict";
import sql = require("../../includes/sql");
import retail = require("../../includes/retail");
import settings = require("../../includes/settings");
import { DuckDbEval } from "./duckdb-eval";

const duck = sql.forDialect("duckdb");

/** The landing column a header maps to through SOURCE_COLUMNS, or undefined. */
function columnOf(header: string): string | undefined {
  const name = retail.normaliseHeader(header);
  return retail.SOURCE_COLUMNS.find((column) => column.headers.includes(name))?.column;
}

/** A SQL string literal for DuckDB, for test data. */
function text(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

describe("includes/retail.js", () => {
  const db = new DuckDbEval();
  before(async () => {
    await db.open();
  });
  after(() => {
    db.close();
  });

  describe("source headers", () => {
    it("normaliseHeader makes 'Customer ID', 'customer_id' and 'CustomerID' all customerid", () => {
      assert.equal(retail.normaliseHeader("Customer ID"), "customerid");
      assert.equal(retail.normaliseHeader("customer_id"), "customerid");
      assert.equal(retail.normaliseHeader("CustomerID"), "customerid");
    });

    it("normaliseHeader removes every blank and underscore, tabs and runs included", () => {
      assert.equal(retail.normaliseHeader(" Invoice\t__No  "), "invoiceno");
    });

    it("lists the eight landing columns in the contract's order", () => {
      assert.deepEqual(
        retail.SOURCE_COLUMNS.map((column) => column.column),
        ["invoice_no", "stock_code", "description", "quantity", "invoice_date", "unit_price", "customer_id", "country"]
      );
    });

    it("writes every accepted header in normalised form, each under one column only", () => {
      const all = retail.SOURCE_COLUMNS.flatMap((column) => [...column.headers]);
      for (const header of all) assert.equal(retail.normaliseHeader(header), header);
      assert.equal(new Set(all).size, all.length);
    });

    const onlineRetail: Array<[string, string]> = [
      ["InvoiceNo", "invoice_no"],
      ["StockCode", "stock_code"],
      ["Description", "description"],
      ["Quantity", "quantity"],
      ["InvoiceDate", "invoice_date"],
      ["UnitPrice", "unit_price"],
      ["CustomerID", "customer_id"],
      ["Country", "country"],
    ];
    const onlineRetailII: Array<[string, string]> = [
      ["Invoice", "invoice_no"],
      ["StockCode", "stock_code"],
      ["Description", "description"],
      ["Quantity", "quantity"],
      ["InvoiceDate", "invoice_date"],
      ["Price", "unit_price"],
      ["Customer ID", "customer_id"],
      ["Country", "country"],
    ];
    for (const [dataset, headers] of [["Online Retail", onlineRetail], ["Online Retail II", onlineRetailII]] as const) {
      it(`maps every ${dataset} header to its landing column`, () => {
        assert.deepEqual(
          headers.map(([header]) => columnOf(header)),
          headers.map(([, column]) => column)
        );
      });
    }

    it("maps an unknown header to no column", () => {
      assert.equal(columnOf("Discount"), undefined);
    });
  });

  describe("categoryCase, evaluated in DuckDB", () => {
    const category = async (description: string | null, isProduct: boolean): Promise<unknown> =>
      db.value(
        retail.categoryCase("description", "is_product"),
        `FROM (SELECT CAST(${description === null ? "NULL" : text(description)} AS VARCHAR) AS description, ${isProduct} AS is_product)`
      );

    it("gives Non-product for a line that is not a product, whatever its description", async () => {
      assert.equal(await category("POSTAGE", false), "Non-product");
      assert.equal(await category("JUMBO BAG RED RETROSPOT", false), "Non-product");
      assert.equal(await category(null, false), "Non-product");
    });

    it("gives Other for a product without description", async () => {
      assert.equal(await category(null, true), "Other");
    });

    it("gives Other for a product that no rule matches", async () => {
      assert.equal(await category("ZZZ UNMATCHED", true), "Other");
    });

    const products: Array<[string, string]> = [
      ["WHITE HANGING HEART T-LIGHT HOLDER", "Candles & Lighting"],
      ["JUMBO BAG RED RETROSPOT", "Bags"],
      ["REGENCY CAKESTAND 3 TIER", "Kitchen & Dining"],
      ["CHRISTMAS LANTERN", "Christmas"],
      ["jumbo bag pink polkadot", "Bags"],
    ];
    for (const [description, expected] of products) {
      it(`gives ${expected} for ${description}`, async () => {
        assert.equal(await category(description, true), expected);
      });
    }

    it("throws for a keyword containing % or _", () => {
      assert.throws(() => retail.categoryCase("d", "p", [{ category: "Bad", keywords: ["50%"] }]), /may not contain % or _/);
      assert.throws(() => retail.categoryCase("d", "p", [{ category: "Bad", keywords: ["A_B"] }]), /may not contain % or _/);
    });

    it("throws for a category without keywords", () => {
      assert.throws(() => retail.categoryCase("d", "p", [{ category: "Empty", keywords: [] }]), /Empty has no keywords/);
    });
  });

  describe("numberedLines", () => {
    it("numbers identical lines of a file by their line hash, in line order, joined back on file and line on DuckDB", async () => {
      const lines = `(SELECT * FROM (VALUES ('x.csv', 4, 'h1'), ('x.csv', 1, 'h1'), ('x.csv', 2, 'h2'), ('y.csv', 1, 'h3')) t(_source_file, _source_row, line_hash))`;
      const rows = await db.rows(`SELECT _source_file, _source_row, occurrence FROM (${retail.numberedLines(lines, duck)}) ORDER BY _source_file, _source_row`);
      assert.deepEqual(
        rows.map((row) => [row["_source_file"], row["_source_row"], String(row["occurrence"])]),
        [
          ["x.csv", 1, "1"],
          ["x.csv", 2, "1"],
          ["x.csv", 4, "2"],
          ["y.csv", 1, "1"],
        ]
      );
    });

    it("is a window over the lines on BigQuery, ordered by line number", () => {
      assert.equal(
        retail.numberedLines("lines"),
        "SELECT numbered.*, ROW_NUMBER() OVER (PARTITION BY numbered.line_hash ORDER BY numbered._source_row) AS occurrence\n  FROM lines AS numbered"
      );
    });
  });

  describe("codes and customer ids", () => {
    const codes: Array<[string, boolean]> = [
      ["85123A", true],
      ["22423", true],
      ["POST", false],
      ["BANK CHARGES", false],
      ["GIFT_0001_40", false],
      ["DCGS0003", false],
      ["C2", false],
      ["123456", false],
    ];
    for (const [code, isProduct] of codes) {
      it(`PRODUCT_CODE_PATTERN says ${code} is ${isProduct ? "" : "not "}a product (DuckDB)`, async () => {
        assert.equal(await db.value(duck.regexpContains(text(code), retail.PRODUCT_CODE_PATTERN)), isProduct);
      });
    }

    const ids: Array<[string, boolean]> = [
      ["17850", true],
      ["17850.0", true],
      ["17850.00", true],
      ["17850.5", false],
      ["NA", false],
    ];
    for (const [id, accepted] of ids) {
      it(`CUSTOMER_ID_PATTERN ${accepted ? "accepts" : "refuses"} ${id} (DuckDB)`, async () => {
        assert.equal(await db.value(duck.regexpContains(text(id), retail.CUSTOMER_ID_PATTERN)), accepted);
      });
    }

    it("missingCustomerList matches the trimmed, upper-cased markers in DuckDB", async () => {
      const rows = await db.rows(
        `SELECT v, UPPER(TRIM(v)) IN (${retail.missingCustomerList()}) AS missing FROM (VALUES (''), (' na '), ('NaN'), ('null'), ('17850')) t(v)`
      );
      assert.deepEqual(
        rows.map((row) => row["missing"]),
        [true, true, true, true, false]
      );
    });
  });
});

describe("includes/settings.js", () => {
  describe("rfmAsOfLiteral", () => {
    it("is undefined for an empty var, and outside a compile", () => {
      assert.equal(settings.rfmAsOfLiteral({ rfm_as_of: "" }), undefined);
      assert.equal(settings.rfmAsOfLiteral({}), undefined);
      assert.equal(settings.rfmAsOfLiteral(), undefined);
    });

    it("gives DATE '2011-12-11' for 2011-12-11", () => {
      assert.equal(settings.rfmAsOfLiteral({ rfm_as_of: "2011-12-11" }), "DATE '2011-12-11'");
    });

    it("accepts 29 February in a leap year", () => {
      assert.equal(settings.rfmAsOfLiteral({ rfm_as_of: "2012-02-29" }), "DATE '2012-02-29'");
    });

    for (const value of ["2011-02-30", "2011-02-29", "11/12/2011", "2011-12-1"]) {
      it(`throws for ${value}, naming rfm_as_of`, () => {
        assert.throws(() => settings.rfmAsOfLiteral({ rfm_as_of: value }), /rfm_as_of/);
      });
    }
  });

  describe("topN", () => {
    it("is 10 by default", () => {
      assert.equal(settings.topN({}), 10);
      assert.equal(settings.topN(), 10);
    });

    it("is 5 for the var 5", () => {
      assert.equal(settings.topN({ top_n: "5" }), 5);
    });

    for (const value of ["0", "-1", "ten", "2.5"]) {
      it(`throws for ${JSON.stringify(value)}, naming top_n`, () => {
        assert.throws(() => settings.topN({ top_n: value }), /top_n/);
      });
    }
  });
});
