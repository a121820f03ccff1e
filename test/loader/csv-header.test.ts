import assert from "node:assert/strict";
import { LoadError } from "../../scripts/errors";
import { mapHeader, splitCsvLine } from "../../scripts/loader/csv-header";

const CLASSIC = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const EXPECTED =
  "Expected the eight Online Retail columns: InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country.";
const LANDING_ORDER = ["invoice_no", "stock_code", "description", "quantity", "invoice_date", "unit_price", "customer_id", "country"];

/** Asserts that `work` throws a LoadError whose message is exactly `message`. */
function assertLoadError(work: () => unknown, message: string): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof LoadError, `expected a LoadError, got ${String(error)}`);
    assert.equal(error.name, "LoadError");
    assert.equal(error.message, message);
    return true;
  });
}

describe("splitCsvLine", () => {
  it("splits a plain line on every comma", () => {
    assert.deepEqual(splitCsvLine("a,b,c"), ["a", "b", "c"]);
  });

  it("keeps empty fields, including leading and trailing ones", () => {
    assert.deepEqual(splitCsvLine(",a,,b,"), ["", "a", "", "b", ""]);
    assert.deepEqual(splitCsvLine(""), [""]);
  });

  it("does not split on commas inside double quotes and removes the quotes", () => {
    assert.deepEqual(splitCsvLine('1,"SET OF 3, RED",x'), ["1", "SET OF 3, RED", "x"]);
  });

  it("reads a doubled quote inside a quoted field as one quote", () => {
    assert.deepEqual(splitCsvLine('"say ""hi""",b'), ['say "hi"', "b"]);
  });

  it("keeps blanks around fields as written", () => {
    assert.deepEqual(splitCsvLine(" a , b "), [" a ", " b "]);
  });

  it("splits on another delimiter when given one", () => {
    assert.deepEqual(splitCsvLine('a;"b;c";d', ";"), ["a", "b;c", "d"]);
    assert.deepEqual(splitCsvLine("a,b;c", ";"), ["a,b", "c"]);
  });
});

describe("mapHeader", () => {
  describe("accepted headers", () => {
    it("maps the classic data.csv header to the eight landing columns in file order", () => {
      assert.deepEqual(mapHeader(CLASSIC, "f.csv"), LANDING_ORDER);
    });

    it("maps Online Retail II's names (Invoice, Price, Customer ID)", () => {
      assert.deepEqual(
        mapHeader("Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country", "f.csv"),
        LANDING_ORDER
      );
    });

    it("matches names ignoring case, blanks and underscores", () => {
      assert.deepEqual(
        mapHeader("invoice_no, stock code ,DESCRIPTION,quantity,Invoice_Date,unit price,customer_id,COUNTRY", "f.csv"),
        LANDING_ORDER
      );
      assert.deepEqual(
        mapHeader("Invoice Number,Stock_Code,description,QUANTITY,invoice date,UNIT_PRICE,Customer Id,country", "f.csv"),
        LANDING_ORDER
      );
    });

    it("returns the columns in the file's order when the file orders them differently", () => {
      assert.deepEqual(mapHeader("Country,CustomerID,UnitPrice,InvoiceDate,Quantity,Description,StockCode,InvoiceNo", "f.csv"), [
        "country",
        "customer_id",
        "unit_price",
        "invoice_date",
        "quantity",
        "description",
        "stock_code",
        "invoice_no",
      ]);
    });

    it("accepts quoted header names", () => {
      assert.deepEqual(mapHeader(CLASSIC.split(",").map((name) => `"${name}"`).join(","), "f.csv"), LANDING_ORDER);
    });

    it("strips a UTF-8 byte order mark and a trailing carriage return", () => {
      assert.deepEqual(mapHeader(`\uFEFF${CLASSIC}\r`, "f.csv"), LANDING_ORDER);
    });
  });

  describe("refused headers", () => {
    it("refuses an empty header line, naming the file and line 1", () => {
      assertLoadError(() => mapHeader("", "data/empty.csv"), `data/empty.csv, line 1: the header line is empty. ${EXPECTED}`);
      assertLoadError(() => mapHeader("\uFEFF \r", "data/empty.csv"), `data/empty.csv, line 1: the header line is empty. ${EXPECTED}`);
    });

    it("refuses a missing column, naming it and line 1", () => {
      assertLoadError(
        () => mapHeader("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,CustomerID,Country", "sales.csv"),
        "sales.csv, line 1: column UnitPrice is missing. " +
          "Expected: InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country."
      );
    });

    it("refuses an unknown extra column, naming it and its field number", () => {
      assertLoadError(() => mapHeader(`${CLASSIC},Discount`, "sales.csv"), `sales.csv, line 1, field 9: unknown column "Discount". ${EXPECTED}`);
    });

    it("refuses an empty column name left by a trailing comma", () => {
      assertLoadError(() => mapHeader(`${CLASSIC},`, "sales.csv"), `sales.csv, line 1, field 9: unknown column "". ${EXPECTED}`);
    });

    it("refuses a column given twice, even under two of its accepted names", () => {
      assertLoadError(
        () => mapHeader("InvoiceNo,Invoice,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country", "sales.csv"),
        "sales.csv, line 1: column InvoiceNo appears 2 times."
      );
    });

    it("refuses a semicolon-, tab- or pipe-delimited header, saying which delimiter it found", () => {
      assertLoadError(
        () => mapHeader(CLASSIC.replace(/,/g, ";"), "semi.csv"),
        'semi.csv, line 1: fields are separated by ";", not commas. Export the file as comma-separated CSV.'
      );
      assertLoadError(
        () => mapHeader(CLASSIC.replace(/,/g, "\t"), "tab.csv"),
        "tab.csv, line 1: fields are separated by tab, not commas. Export the file as comma-separated CSV."
      );
      assertLoadError(
        () => mapHeader(CLASSIC.replace(/,/g, "|"), "pipe.csv"),
        'pipe.csv, line 1: fields are separated by "|", not commas. Export the file as comma-separated CSV.'
      );
    });
  });
});
