import { strict as assert } from "node:assert";
import { Catalog } from "../../scripts/googlesql/catalog";
import { evaluateModify, fromJsonRows, TableContents, toJsonRows, type JsonRow } from "../../scripts/googlesql/evaluate";
import { zetaSqlForTests } from "../support/zetasql";

/*
 * DML on ZetaSQL's evaluator, worked by hand on two small tables:
 *   p.shop.lines  (id INT64, note STRING): (1, 'a'), (2, 'b'), (1, 'a'), (3, NULL): two identical rows
 *   p.shop.notes  (id INT64, note STRING): (2, 'B'), (3, 'C')
 */
const LINES = "p.shop.lines";
const NOTES = "p.shop.notes";
const INT64 = { typeKind: "TYPE_INT64" };
const STRING = { typeKind: "TYPE_STRING" };
const COLUMNS = [
  { name: "id", type: INT64 },
  { name: "note", type: STRING },
];

describe("DELETE, UPDATE and INSERT on ZetaSQL's evaluator (evaluateModify)", function () {
  this.timeout(60_000);
  const zetaSql = zetaSqlForTests();

  async function lines(sql: string): Promise<JsonRow[]> {
    const catalog = new Catalog("p", zetaSql.language().builtinFunctionOptions);
    catalog.setTable({ name: LINES, columns: COLUMNS });
    catalog.setTable({ name: NOTES, columns: COLUMNS });
    catalog.setConstant({ name: "newest_id", type: INT64, value: { int64Value: "2" } });
    const contents = new TableContents();
    contents.set(LINES, fromJsonRows(COLUMNS, [{ id: "1", note: "a" }, { id: "2", note: "b" }, { id: "1", note: "a" }, { id: "3", note: null }]));
    contents.set(NOTES, fromJsonRows(COLUMNS, [{ id: "2", note: "B" }, { id: "3", note: "C" }]));
    return toJsonRows(await evaluateModify(zetaSql.service(), zetaSql.language(), catalog, contents, LINES, sql));
  }

  it("deletes every row a DELETE matches, identical rows included, and keeps the others in order", async () => {
    assert.deepEqual(await lines("DELETE FROM `p.shop.lines` WHERE id = 1"), [
      { id: "2", note: "b" },
      { id: "3", note: null },
    ]);
  });

  it("reads a script's variable in the condition", async () => {
    assert.deepEqual(await lines("DELETE FROM `p.shop.lines` WHERE id >= newest_id"), [
      { id: "1", note: "a" },
      { id: "1", note: "a" },
    ]);
  });

  it("updates in place from another table (UPDATE ... FROM), only the rows it matches", async () => {
    assert.deepEqual(await lines("UPDATE `p.shop.lines` AS kept SET note = notes.note FROM `p.shop.notes` AS notes WHERE kept.id = notes.id AND kept.note IS DISTINCT FROM notes.note"), [
      { id: "1", note: "a" },
      { id: "2", note: "B" },
      { id: "1", note: "a" },
      { id: "3", note: "C" },
    ]);
  });

  it("appends what an INSERT ... SELECT gives, as Dataform's incremental INSERT does", async () => {
    assert.deepEqual(await lines("insert into `p.shop.lines` (`id`,`note`) select `id`,`note` from (SELECT id + 10 AS id, note FROM `p.shop.notes`)"), [
      { id: "1", note: "a" },
      { id: "2", note: "b" },
      { id: "1", note: "a" },
      { id: "3", note: null },
      { id: "12", note: "B" },
      { id: "13", note: "C" },
    ]);
  });

  it("leaves the table as it was when nothing matches", async () => {
    assert.equal((await lines("DELETE FROM `p.shop.lines` WHERE id > 99")).length, 4);
  });
});
