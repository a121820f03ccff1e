import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { timeContractMinimum } from "../../scripts/bench-minimum";
import { probeFile } from "../../scripts/loader/file-probe";
import { makeTempDir } from "../support/temp";

describe("ecom bench --minimum (the contract's least work, by hand)", function () {
  this.timeout(60000);
  const temp = makeTempDir("ecom-bench-minimum");
  after(temp.remove);

  it("lands, keys and types every line, and finds the keys identical lines share, which it does not number", async () => {
    // Five lines: the second and fourth are identical, the third differs from them only in quantity.
    // Columns in another order than the classic export's: the minimum names them from the header, as the loader does.
    const source = path.join(temp.dir, "lines.csv");
    fs.writeFileSync(
      source,
      [
        "Country,InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID",
        "United Kingdom,536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850",
        "France,536370,22728,ALARM CLOCK BAKELIKE PINK,24,12/1/2010 8:45,3.75,12583",
        "France,536370,22728,ALARM CLOCK BAKELIKE PINK,12,12/1/2010 8:45,3.75,12583",
        "France,536370,22728,ALARM CLOCK BAKELIKE PINK,24,12/1/2010 8:45,3.75,12583",
        "United Kingdom,C536379,D,Discount,-1,12/1/2010 9:41,27.50,14527",
        "",
      ].join("\n")
    );
    const probe = await probeFile(source);
    const minimum = await timeContractMinimum(source, probe, temp.dir);

    assert.equal(minimum.lines, 5);
    assert.equal(minimum.sharedKeys, 1);
    assert.deepEqual(
      minimum.steps.map((step) => step.step),
      ["land", "stg_sales", "fact_sales", "stg_sales uniqueKey", "fact_sales uniqueKey", "checkpoint"]
    );
    const stepsTotal = minimum.steps.reduce((total, step) => total + step.seconds, 0);
    assert.ok(minimum.seconds >= stepsTotal, `${minimum.seconds} s is less than its steps' ${stepsTotal} s`);
    // Its warehouse file is removed: it is a timing, not a result.
    assert.deepEqual(fs.readdirSync(temp.dir).filter((file) => file.startsWith("minimum.duckdb")), []);
  });
});
