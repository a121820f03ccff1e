import { strict as assert } from "node:assert";
import { Catalog } from "../../scripts/googlesql/catalog";
import { columnLineage, originalSources, type ColumnLineage, type GraphLineage } from "../../scripts/googlesql/column-lineage";
import { analyzeScript } from "../../scripts/googlesql/script-analyzer";
import { zetaSqlForTests } from "../support/zetasql";

/*
 * Hand-worked lineage of small queries over two tables:
 *   p.shop.orders    (order_id INT64, customer_id STRING, quantity INT64, unit_price NUMERIC)
 *   p.shop.customers (customer_id STRING, country STRING)
 */
const ORDERS = "p.shop.orders";
const CUSTOMERS = "p.shop.customers";

describe("column lineage from ZetaSQL's resolved statements", function () {
  this.timeout(60_000);
  const zetaSql = zetaSqlForTests();

  async function lineageOf(sql: string): Promise<Record<string, string>> {
    const catalog = new Catalog("p", zetaSql.language().builtinFunctionOptions);
    const int64 = { typeKind: "TYPE_INT64" };
    const string = { typeKind: "TYPE_STRING" };
    catalog.setTable({ name: ORDERS, columns: [{ name: "order_id", type: int64 }, { name: "customer_id", type: string }, { name: "quantity", type: int64 }, { name: "unit_price", type: { typeKind: "TYPE_NUMERIC" } }] });
    catalog.setTable({ name: CUSTOMERS, columns: [{ name: "customer_id", type: string }, { name: "country", type: string }] });
    const [statement] = await analyzeScript(zetaSql.service(), zetaSql.language(), catalog, sql);
    assert.equal(statement?.error, undefined);
    return Object.fromEntries(columnLineage(statement?.resolved ?? {}).map((entry: ColumnLineage) => [entry.column, `${entry.kind}: ${entry.sources.map((source) => `${source.table.replace("p.shop.", "")}.${source.column}`).join(", ")}`]));
  }

  it("traces a renamed column, an expression of two columns, an aggregate and columns through a join and a CTE", async () => {
    const lineage = await lineageOf(`
      WITH priced AS (
        SELECT order_id AS id, customer_id, quantity * unit_price AS amount FROM \`p.shop.orders\`
      )
      SELECT customers.country AS country_name, priced.id, SUM(priced.amount) AS revenue, COUNT(*) AS lines, CURRENT_DATE() AS as_of
      FROM priced
      INNER JOIN \`p.shop.customers\` AS customers ON customers.customer_id = priced.customer_id
      WHERE priced.amount > 0
      GROUP BY customers.country, priced.id`);
    assert.deepEqual(lineage, {
      country_name: "identity: customers.country",
      id: "identity: orders.order_id",
      revenue: "derived: orders.quantity, orders.unit_price",
      lines: "none: ",
      as_of: "none: ",
    });
  });

  it("takes a window function's value from its arguments and its window, a UNION's from every branch", async () => {
    const lineage = await lineageOf(`
      SELECT order_id AS key, NTILE(4) OVER (PARTITION BY customer_id ORDER BY quantity) AS quartile FROM \`p.shop.orders\`
      UNION ALL
      SELECT SAFE_CAST(customer_id AS INT64), LENGTH(country) FROM \`p.shop.customers\``);
    assert.deepEqual(lineage, {
      key: "derived: customers.customer_id, orders.order_id",
      quartile: "derived: customers.country, orders.customer_id, orders.quantity",
    });
  });

  it("reads a scalar subquery's value from its output, not from what it filters on", async () => {
    const lineage = await lineageOf(
      "SELECT order_id, (SELECT MAX(country) FROM `p.shop.customers` AS customers WHERE customers.customer_id = orders.customer_id) AS country FROM `p.shop.orders` AS orders"
    );
    assert.deepEqual(lineage, { order_id: "identity: orders.order_id", country: "derived: customers.country" });
  });

  it("follows a column through the tables a graph builds back to its declared sources", () => {
    const lineage: GraphLineage = new Map([
      ["p.mart.revenue", [{ column: "total", sources: [{ table: "p.stage.lines", column: "amount" }], kind: "derived" }]],
      ["p.stage.lines", [{ column: "amount", sources: [{ table: "p.raw.sales", column: "quantity" }, { table: "p.raw.sales", column: "price" }], kind: "derived" }]],
    ]);
    assert.deepEqual(originalSources(lineage, "p.mart.revenue", "total"), {
      sources: [{ table: "p.raw.sales", column: "price" }, { table: "p.raw.sales", column: "quantity" }],
      unknown: false,
    });
  });
});
