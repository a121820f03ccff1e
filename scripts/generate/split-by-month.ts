import * as fs from "node:fs";
import * as path from "node:path";
import { mapHeader } from "../loader/csv-header";
import { probeFile } from "../loader/file-probe";
import { DuckDbWarehouse, quoteIdentifier, quoteString } from "../warehouse/duckdb";
import retail = require("../../includes/retail");

/**
 * Cuts an Online Retail file into one CSV per invoice month (`YYYY-MM.csv`, UTF-8, the classic
 * header), each keeping the lines' order and values: the shape of monthly exports, for testing and
 * measuring incremental runs. Returns the files in month order.
 */
export async function splitByMonth(source: string, outDir: string): Promise<string[]> {
  const probe = await probeFile(source);
  const columns = mapHeader(probe.headerLine, source);
  fs.mkdirSync(outDir, { recursive: true });
  const warehouse = await DuckDbWarehouse.open(":memory:");
  try {
    const columnTypes = `{${columns.map((column) => `${quoteString(column)}: 'VARCHAR'`).join(", ")}}`;
    await warehouse.run(
      `CREATE TABLE lines AS SELECT * FROM read_csv(${quoteString(path.resolve(source))}, header = true, columns = ${columnTypes},
         encoding = ${quoteString(probe.encoding)}, compression = ${probe.gzip ? "'gzip'" : "'none'"}, auto_detect = false)`
    );
    const formats = retail.INVOICE_DATE_FORMATS.map((format) => quoteString(format)).join(", ");
    await warehouse.run(`ALTER TABLE lines ADD COLUMN month VARCHAR;
      UPDATE lines SET month = STRFTIME(TRY_STRPTIME(TRIM(invoice_date), [${formats}]), '%Y-%m')`);
    const months = (await warehouse.query("SELECT DISTINCT month FROM lines WHERE month IS NOT NULL ORDER BY month")).map((row) => String(row.month));
    const unparsed = Number(await warehouse.scalar("SELECT COUNT(*) FROM lines WHERE month IS NULL"));
    if (unparsed > 0) throw new Error(`${source}: ${unparsed} line(s) have no readable InvoiceDate, so they belong to no month.`);
    const header = retail.SOURCE_COLUMNS.map((column) => `${quoteIdentifier(column.column)} AS ${quoteIdentifier(column.header)}`).join(", ");
    const files: string[] = [];
    for (const month of months) {
      const file = path.join(outDir, `${month}.csv`);
      // rowid keeps each month's lines in the order of the original file.
      await warehouse.run(
        `COPY (SELECT ${header} FROM lines WHERE month = ${quoteString(month)} ORDER BY rowid) TO ${quoteString(path.resolve(file))} (HEADER, DELIMITER ',')`
      );
      files.push(file);
    }
    return files;
  } finally {
    warehouse.close();
  }
}
