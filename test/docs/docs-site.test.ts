import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { targetName, type CompiledGraph } from "../../scripts/dataform/compiled-graph";
import { compileProject } from "../../scripts/dataform/compile";
import type { DocsModel } from "../../scripts/docs/docs-model";
import { toMermaid } from "../../scripts/docs/mermaid";
import { buildDocs, writeDocsSite } from "../../scripts/docs/write-docs";
import { generateSampleCsv } from "../../scripts/generate/sample-data";
import { PROJECT_ROOT } from "../../scripts/paths";
import { runPipeline } from "../../scripts/pipeline";
import { secondsSince, startTimer } from "../../scripts/timing";
import { CHROMIUM, LAUNCH_ARGS, openPage, screenshot, type OpenedPage } from "../support/browser";
import { makeTempDir, silentOutput } from "../support/temp";
import { queryWarehouse } from "../support/warehouse";
import { DATASETS } from "../../scripts/config";

/*
 * The docs site as a user gets it: a pipeline builds a warehouse from a generated sample, `ecom docs`
 * builds the site from the compiled graph and that warehouse, and real headless Chromium opens it from
 * disk. What the page must show is read from the compiled graph and the warehouse here, not from the
 * docs model.
 */
const MAX_SITE_BYTES = 3 * 1024 * 1024;
const RFM = `${DATASETS.analytics}.customer_rfm`;

/** Every action id of a compile, as the site must list it. */
function actionIds(graph: CompiledGraph): string[] {
  return [
    ...(graph.declarations ?? []).map((action) => targetName(action.target)),
    ...(graph.tables ?? []).map((action) => targetName(action.target)),
    ...(graph.operations ?? []).map((action) => targetName(action.target)),
    ...(graph.assertions ?? []).map((action) => targetName(action.target)),
    ...(graph.tests ?? []).map((test) => `test.${test.name}`),
  ].sort();
}

describe("ecom docs: the docs and lineage site", function () {
  this.timeout(180_000);
  const temp = makeTempDir("ecom-docs");
  const db = path.join(temp.dir, "docs-sample.duckdb");
  const out = path.join(temp.dir, "site");
  let graph: CompiledGraph;
  let model: DocsModel;
  let written: { file: string; bytes: number };

  before(async () => {
    const source = path.join(temp.dir, "sample.csv");
    await generateSampleCsv({ rows: 3_000, seed: 5, out: source });
    const run = await runPipeline({ projectDir: PROJECT_ROOT, vars: {}, fullRefresh: false, sources: [source], db, output: silentOutput });
    assert.ok(run.run.succeeded, "the pipeline run failed");
    graph = (await compileProject({ projectDir: PROJECT_ROOT, vars: { dialect: "bigquery" } })).graph;
    const started = startTimer();
    model = await buildDocs({ projectDir: PROJECT_ROOT, vars: {}, db });
    written = writeDocsSite(model, out);
    console.log(`      (built the site in ${secondsSince(started).toFixed(2)}s, compiles cached: ${(written.bytes / 1024).toFixed(0)} KB)`);
  });
  after(() => temp.remove());

  describe("the model and its exports", () => {
    it("holds every action of the compiled graph", () => {
      assert.deepEqual(model.actions.map((action) => action.id).sort(), actionIds(graph));
    });

    it("traces customer_rfm.monetary back to raw_sales.quantity and raw_sales.unit_price, through fact_sales.line_amount", () => {
      const monetary = model.actions.find((action) => action.id === RFM)?.columns.find((column) => column.name === "monetary");
      assert.deepEqual(monetary?.lineage, {
        kind: "derived",
        sources: [`${DATASETS.dwh}.fact_sales.line_amount`],
        origins: [`${DATASETS.raw}.raw_sales.quantity`, `${DATASETS.raw}.raw_sales.unit_price`],
        originsUnknown: false,
      });
      assert.equal(monetary?.type, "NUMERIC");
      assert.equal(monetary?.duckdbType, "DECIMAL(38,9)");
    });

    it("gives each table the row count the warehouse holds", async () => {
      const [count] = await queryWarehouse(db, `SELECT COUNT(*) AS n FROM ${DATASETS.analytics}.customer_rfm`);
      assert.equal(model.actions.find((action) => action.id === RFM)?.rows, Number(count?.n));
      assert.equal(model.actions.find((action) => action.id === RFM)?.lastRun?.status, "succeeded");
    });

    it("writes the same model as docs.json and the graph as Mermaid beside the page", () => {
      assert.deepEqual(fs.readdirSync(out).sort(), ["docs.json", "graph.mmd", "index.html"]);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, "docs.json"), "utf8")), JSON.parse(JSON.stringify(model)));
      const mermaid = fs.readFileSync(path.join(out, "graph.mmd"), "utf8");
      assert.equal(mermaid, toMermaid(model));
      assert.match(mermaid, /^flowchart LR\n/);
      // One arrow per edge between drawn actions (assertions and tests are not drawn).
      const drawn = new Set(model.actions.filter((action) => action.type !== "assertion" && action.type !== "test").map((action) => action.id));
      assert.equal((mermaid.match(/ --> /g) ?? []).length, model.edges.filter((edge) => drawn.has(edge.from) && drawn.has(edge.to)).length);
      assert.ok(mermaid.includes('["customer_rfm"]'));
    });

    it("says what each built-in assertion checks, read from the compiled query", () => {
      const checks = (name: string) => model.actions.find((action) => action.id === `${DATASETS.assertions}.${name}`)?.checks;
      assert.equal(checks("ecommerce_analytics_agg_daily_sales_assertions_uniqueKey_0"), "unique key: no two rows share (sales_date, country)");
      assert.match(checks("ecommerce_analytics_customer_rfm_assertions_rowConditions") ?? "", /^every row satisfies: r_score BETWEEN 1 AND 5; /);
    });

    it("orders and colours the datasets as data flows: raw, staging, dwh, analytics, then assertions and tests", () => {
      assert.deepEqual(model.layers, ["ecommerce_raw", "ecommerce_staging", "ecommerce_dwh", "ecommerce_analytics", "ecommerce_assertions", "tests"]);
    });

    it("is one self-contained page under 3 MB", () => {
      assert.ok(written.bytes < MAX_SITE_BYTES, `${written.bytes} bytes`);
      const markup = fs.readFileSync(written.file, "utf8").replace(/(<script[^>]*>)[^]*?<\/script>/g, "$1</script>");
      assert.doesNotMatch(markup, /<(link|script|img|iframe|source)\b[^>]*\b(src|href)="(?!data:)/i, "the page refers to another file");
    });
  });

  describe("in headless Chromium", () => {
    let browser: Browser | undefined;
    let desktop: OpenedPage;

    before(async function () {
      if (!fs.existsSync(CHROMIUM)) {
        console.log("    (skipped: Debian's chromium is not installed; .ci/run installs it)");
        this.skip();
      }
      browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
      desktop = await openPage(browser, written.file, { width: 1280, height: 800 });
      await desktop.page.waitForSelector('body[data-ready="true"]');
    });
    after(async () => browser?.close());

    it("loads without a console error, a page error or any request but itself", () => {
      assert.deepEqual(desktop.problems, []);
      assert.deepEqual(desktop.requests, [pathToFileURL(written.file).href]);
    });

    it("draws the dependency graph: a node per table, view, operation and declaration, an arrow per dependency", async () => {
      const drawn = model.actions.filter((action) => action.type !== "assertion" && action.type !== "test").map((action) => action.id).sort();
      const nodes = await desktop.page.$$eval("#graph .node", (elements) => elements.map((element) => element.getAttribute("data-id") ?? ""));
      assert.deepEqual(nodes.sort(), drawn);
      const edges = await desktop.page.$$eval("#graph .edge", (elements) => elements.length);
      assert.equal(edges, model.edges.filter((edge) => drawn.includes(edge.from) && drawn.includes(edge.to)).length);
      const box = await desktop.page.locator(`#graph .node[data-id="${DATASETS.raw}.raw_sales"]`).boundingBox();
      assert.ok(box && box.width > 0 && box.height > 0, "the raw_sales node is not drawn");
    });

    it("lists every action of the compiled graph", async () => {
      const listed = await desktop.page.$$eval("#action-list li[data-id]", (elements) => elements.map((element) => element.getAttribute("data-id") ?? ""));
      assert.deepEqual(listed.sort(), actionIds(graph));
    });

    it("opens customer_rfm from the graph: every documented column, fact_sales and dim_customers upstream, agg_customer_segments downstream", async () => {
      const page = desktop.page;
      await page.click(`#graph .node[data-id="${DATASETS.dwh}.fact_sales"]`);
      await page.click(`#graph .node[data-id="${RFM}"]`);
      assert.equal(await page.getAttribute("#detail", "data-action"), RFM);
      const documented = (graph.tables?.find((table) => targetName(table.target) === RFM)?.actionDescriptor?.columns ?? []).map((column) => (column.path ?? []).join("."));
      assert.ok(documented.length >= 10, "customer_rfm documents its columns");
      const shown = await page.$$eval("#columns tr[data-column]", (rows) => rows.map((row) => row.getAttribute("data-column") ?? ""));
      assert.deepEqual(documented.filter((column) => !shown.includes(column)), []);
      const listed = async (list: string) => page.$$eval(`#${list} li[data-id]`, (items) => items.map((item) => item.getAttribute("data-id") ?? ""));
      assert.deepEqual((await listed("upstream")).sort(), [`${DATASETS.dwh}.dim_customers`, `${DATASETS.dwh}.fact_sales`]);
      assert.ok((await listed("downstream")).includes(`${DATASETS.analytics}.agg_customer_segments`));
      const classOf = async (id: string) => page.getAttribute(`#graph .node[data-id="${id}"]`, "class");
      assert.match((await classOf(RFM)) ?? "", /\bselected\b/);
      assert.match((await classOf(`${DATASETS.raw}.raw_sales`)) ?? "", /\bupstream\b/);
      assert.match((await classOf(`${DATASETS.analytics}.agg_customer_segments`)) ?? "", /\bdownstream\b/);
      assert.match((await classOf(`${DATASETS.dwh}.dim_dates`)) ?? "", /\bdimmed\b/);
      const lineage = await page.textContent('#columns tr[data-column="monetary"] td.lineage');
      assert.equal(lineage, `computed from ${DATASETS.dwh}.fact_sales.line_amountback to ${DATASETS.raw}.raw_sales.quantity, ${DATASETS.raw}.raw_sales.unit_price`);
      await screenshot(page, "docs-1280x800.png");
    });

    it("finds a column by name, and opens its table on it", async () => {
      const page = desktop.page;
      await page.fill("#search", "recency_days");
      const results = await page.$$eval("#search-results li[data-column]", (items) => items.map((item) => `${item.getAttribute("data-id")}.${item.getAttribute("data-column")}`));
      assert.ok(results.includes(`${RFM}.recency_days`), results.join(", "));
      await page.click(`#search-results li[data-id="${RFM}"][data-column="recency_days"] a`);
      assert.equal(await page.getAttribute("#detail", "data-action"), RFM);
      assert.equal(await page.getAttribute('#columns tr[data-column="recency_days"]', "class"), "focus");
      await page.fill("#search", "no such column anywhere");
      assert.equal(await page.textContent("#search-results"), 'nothing matches "no such column anywhere"');
    });

    it("reads on a phone: no horizontal scroll of the page at 390 px", async () => {
      const phone = await openPage(browser as Browser, written.file, { width: 390, height: 844 }, `#${RFM}`);
      await phone.page.waitForSelector('body[data-ready="true"]');
      assert.deepEqual(phone.problems, []);
      const width = await phone.page.evaluate<number>("document.scrollingElement.scrollWidth");
      assert.ok(width <= 390, `the page is ${width}px wide in a 390px viewport`);
      await screenshot(phone.page, "docs-390x844.png");
      await phone.page.close();
    });
  });
});
