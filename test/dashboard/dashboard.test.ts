import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { collectDashboardData } from "../../scripts/dashboard/dashboard-data";
import { renderDashboard } from "../../scripts/dashboard/render-dashboard";
import { writeDashboard } from "../../scripts/dashboard/write-dashboard";
import { EcomError } from "../../scripts/errors";
import { generateSampleCsv } from "../../scripts/generate/sample-data";
import { PROJECT_ROOT } from "../../scripts/paths";
import { runPipeline } from "../../scripts/pipeline";
import { DuckDbWarehouse } from "../../scripts/warehouse/duckdb";
import { CHROMIUM, LAUNCH_ARGS, openPage, screenshot, type OpenedPage } from "../support/browser";
import { makeTempDir, SHARED_DATA_DIR, silentOutput } from "../support/temp";
import { queryWarehouse } from "../support/warehouse";
import { DATASETS } from "../../scripts/config";

/*
 * The dashboard as a user gets it: built by the project's own pipeline, written to disk, opened from
 * file:// in real headless Chromium. The KPI figures are checked against queries written here from
 * the data contract (sale line = not a cancellation, not an adjustment, quantity > 0), not against
 * what the dashboard code computed.
 */
const CHART_IDS = ["chart-daily", "chart-countries", "chart-segments-customers", "chart-segments-revenue", "chart-rf-grid", "chart-top-products"];
const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const REAL_DATA_FILE = path.join(SHARED_DATA_DIR, "data.csv.gz");

/** Opens the page at a viewport size and waits until every chart says ECharts has drawn it. */
async function openDashboard(browser: Browser, file: string, viewport: { width: number; height: number }): Promise<OpenedPage> {
  const opened = await openPage(browser, file, viewport);
  await waitForCharts(opened.page);
  return opened;
}

/** Selectors only: the page's Content-Security-Policy forbids the eval a string predicate would need. */
async function waitForCharts(page: Page): Promise<void> {
  await Promise.all(CHART_IDS.map((id) => page.waitForSelector(`#${id}[data-rendered="true"]`, { state: "attached", timeout: 20_000 })));
}

/** The first category label of the top-products chart, as ECharts holds it. */
async function firstProductLabel(page: Page): Promise<string> {
  return page.evaluate<string>(`echarts.getInstanceByDom(document.getElementById("chart-top-products")).getOption().yAxis[0].data[0]`);
}

async function kpiValue(page: Page, id: string): Promise<string | null> {
  return page.getAttribute(`#${id}`, "data-value");
}

/** Builds a warehouse with the project's pipeline, as `ecom pipeline --source FILE --db DB` does. */
async function buildWarehouse(source: string, db: string): Promise<void> {
  const result = await runPipeline({ projectDir: PROJECT_ROOT, vars: {}, fullRefresh: false, sources: [source], db, output: silentOutput });
  assert.ok(result.run.succeeded, "the pipeline run failed");
}

describe("the local dashboard", function () {
  this.timeout(120_000);
  let browser: Browser | undefined;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log("    (skipped: Debian's chromium is not installed; .ci/run installs it)");
      this.skip();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });
  after(async () => browser?.close());

  const launched = (): Browser => {
    assert.ok(browser, "Chromium was not launched");
    return browser;
  };

  describe("on a generated sample of 5,000 lines", () => {
    const temp = makeTempDir("ecom-dashboard");
    const db = path.join(temp.dir, "dashboard-sample.duckdb");
    const out = path.join(temp.dir, "site");
    let written: { file: string; bytes: number };
    let desktop: OpenedPage;
    const one = async (sql: string) => (await queryWarehouse(db, sql))[0] ?? {};

    before(async () => {
      const source = path.join(temp.dir, "sample.csv");
      await generateSampleCsv({ rows: 5_000, seed: 11, out: source });
      await buildWarehouse(source, db);
      written = await writeDashboard({ db, out });
      desktop = await openDashboard(launched(), written.file, { width: 1280, height: 800 });
      await screenshot(desktop.page, "dashboard-1280x800.png");
    });
    after(async () => {
      await desktop?.page.close();
      temp.remove();
    });

    it("writes one self-contained page under 2 MB", () => {
      assert.equal(written.file, path.join(out, "index.html"));
      assert.equal(fs.statSync(written.file).size, written.bytes);
      assert.ok(written.bytes < MAX_PAGE_BYTES, `${written.bytes} bytes`);
      // The markup, script bodies left out (ECharts' own code holds HTML templates).
      const markup = fs.readFileSync(written.file, "utf8").replace(/(<script[^>]*>)[^]*?<\/script>/g, "$1</script>");
      assert.doesNotMatch(markup, /<(link|script|img|iframe|source)\b[^>]*\b(src|href)="(?!data:)/i, "the page refers to another file");
      assert.equal((markup.match(/<script/g) ?? []).length, 3, "the data, ECharts and the page's script, all inline");
      assert.deepEqual(fs.readdirSync(out), ["index.html"]);
    });

    it("loads without a console error, a page error or any request but itself", () => {
      assert.deepEqual(desktop.problems, []);
      assert.deepEqual(desktop.requests, [pathToFileURL(written.file).href]);
    });

    it("draws every chart", async () => {
      for (const id of CHART_IDS) assert.equal(await desktop.page.getAttribute(`#${id}`, "data-rendered"), "true", id);
    });

    it("shows the KPIs the data contract defines", async () => {
      const stagedSales = `FROM ${DATASETS.staging}.stg_sales`;
      const saleLine = `NOT is_cancellation AND NOT is_adjustment AND quantity > 0`;
      const expected = await one(`
        WITH totals AS (
          SELECT
            SUM(CASE WHEN ${saleLine} THEN line_amount END) AS gross,
            SUM(CASE WHEN is_cancellation THEN line_amount END) AS cancelled,
            COUNT(DISTINCT CASE WHEN ${saleLine} THEN invoice_no END) AS orders,
            COUNT(DISTINCT CASE WHEN ${saleLine} THEN customer_id END) AS customers
          ${stagedSales}
        )
        SELECT
          CAST(ROUND(gross, 2) AS VARCHAR) AS gross,
          CAST(ROUND(gross + cancelled, 2) AS VARCHAR) AS net,
          orders,
          customers,
          CAST(ROUND(gross / orders, 2) AS VARCHAR) AS aov,
          CAST(ROUND(-cancelled / gross, 6) AS VARCHAR) AS cancellation_rate,
          (SELECT COUNT(*) FROM ${DATASETS.analytics}.customer_rfm) AS rfm_customers,
          (SELECT CAST(MAX(as_of_date) AS VARCHAR) FROM ${DATASETS.analytics}.customer_rfm) AS as_of
        FROM totals`);
      const page = desktop.page;
      const number = async (id: string) => Number(await kpiValue(page, id));
      assert.equal(await number("kpi-gross-revenue"), Number(expected.gross));
      assert.equal(await number("kpi-net-revenue"), Number(expected.net));
      assert.equal(await number("kpi-orders"), Number(expected.orders));
      assert.equal(await number("kpi-customers"), Number(expected.customers));
      assert.equal(await number("kpi-average-order-value"), Number(expected.aov));
      assert.equal(await number("kpi-cancellation-rate"), Number(expected.cancellation_rate));
      assert.equal(await number("kpi-rfm-customers"), Number(expected.rfm_customers));
      assert.equal(await kpiValue(page, "kpi-rfm-as-of"), expected.as_of);
      // The figure shown is the same number, formatted for people.
      const shown = await page.textContent("#kpi-gross-revenue");
      assert.equal(shown, `£${Number(expected.gross).toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
    });

    it("shows the data quality of the load and the last run's assertions", async () => {
      const expected = await one(`
        SELECT
          (SELECT COUNT(*) FROM ${DATASETS.raw}.raw_sales) AS raw_rows,
          (SELECT COUNT(*) FROM ${DATASETS.staging}.stg_sales_rejected) AS rejected_rows,
          (SELECT COUNT(*) FROM ${DATASETS.raw}.load_ledger) AS files`);
      const text = async (id: string) => (await desktop.page.textContent(`#${id}`))?.replace(/,/g, "");
      assert.equal(await text("quality-raw-rows"), String(expected.raw_rows));
      assert.equal(await text("quality-rejected-rows"), String(expected.rejected_rows));
      assert.equal(await text("quality-files-loaded"), String(expected.files));
      assert.equal(await text("quality-malformed-lines"), "0");
      const report = JSON.parse(fs.readFileSync(`${db}.last-run.json`, "utf8")) as { actions: { kind: string; status: string }[] };
      const assertions = report.actions.filter((action) => action.kind === "assertion");
      assert.ok(assertions.length > 0);
      assert.equal(await text("quality-assertions-passed"), String(assertions.filter((action) => action.status === "succeeded").length));
      assert.equal(await text("quality-assertions-failed"), "0");
    });

    it("lists every month of top_n_products_monthly, and redraws the products when the month changes", async () => {
      const page = desktop.page;
      const firsts = await queryWarehouse(
        db,
        `SELECT CAST(sales_month AS VARCHAR) AS month, COALESCE(description, stock_code) AS label FROM ${DATASETS.analytics}.top_n_products_monthly WHERE rank = 1 ORDER BY sales_month`
      );
      const options = await page.evaluate<string[]>(`[...document.querySelectorAll("#month-select option")].map((option) => option.value)`);
      assert.deepEqual(options, firsts.map((row) => row.month));
      const shownMonth = await page.inputValue("#month-select");
      const shown = firsts.find((row) => row.month === shownMonth);
      assert.equal(await firstProductLabel(page), shown?.label);

      const other = firsts.find((row) => row.label !== shown?.label);
      assert.ok(other, "every month has the same best seller: nothing to tell a redraw by");
      await page.selectOption("#month-select", String(other.month));
      await page.waitForSelector(`#chart-top-products[data-month="${other.month}"][data-rendered="true"]`, { state: "attached" });
      assert.equal(await firstProductLabel(page), other.label);
      assert.deepEqual(desktop.problems, []);
    });

    it("fits a 390px phone screen without horizontal scrolling", async () => {
      const phone = await openDashboard(launched(), written.file, { width: 390, height: 844 });
      try {
        await screenshot(phone.page, "dashboard-390x844.png");
        assert.ok((await phone.page.evaluate<number>("document.scrollingElement.scrollWidth")) <= 390);
        assert.deepEqual(phone.problems, []);
        // One column: every chart card is as wide as the main column.
        const widths = await phone.page.evaluate<number[]>(`[...document.querySelectorAll(".chart")].map((element) => element.clientWidth)`);
        assert.ok(widths.every((width) => width > 300 && width <= 390), String(widths));
      } finally {
        await phone.page.close();
      }
    });

    it("lays the charts out in two or three columns at 1280x800", async () => {
      const lefts = await desktop.page.evaluate<number[]>(`[...document.querySelectorAll(".grid > .card")].map((element) => Math.round(element.getBoundingClientRect().left))`);
      const columns = new Set(lefts).size;
      assert.ok(columns >= 2 && columns <= 3, `${columns} columns`);
    });

    it("embeds the data so that no text in it can end its script element", async () => {
      const warehouse = await DuckDbWarehouse.open(db);
      const data = await collectDashboardData(warehouse).finally(() => warehouse.close());
      const product = data.topProducts[0]?.products[0];
      assert.ok(product);
      product.description = "</script><script>alert(1)</script>";
      const html = renderDashboard(data);
      const embedded = /<script type="application\/json" id="dashboard-data">([^]*?)<\/script>/.exec(html)?.[1];
      assert.ok(embedded);
      assert.deepEqual(JSON.parse(embedded), data);
      // Without a run report, the assertions are not known rather than zero.
      assert.match(html, /<td id="quality-assertions-passed"><span class="muted">not known<\/span><\/td>/);
    });
  });

  describe("on the real Online Retail data", () => {
    const temp = makeTempDir("ecom-dashboard-real");
    const db = path.join(temp.dir, "online-retail.duckdb");
    let written: { file: string; bytes: number };
    let opened: OpenedPage;

    before(async function () {
      if (!fs.existsSync(REAL_DATA_FILE)) {
        console.log(`    (skipped: the shared dataset is not at ${REAL_DATA_FILE})`);
        this.skip();
      }
      await buildWarehouse(REAL_DATA_FILE, db);
      written = await writeDashboard({ db, out: path.join(temp.dir, "site") });
      opened = await openDashboard(launched(), written.file, { width: 1280, height: 800 });
      await screenshot(opened.page, "dashboard-real-1280x800.png");
    });
    after(async () => {
      await opened?.page.close();
      temp.remove();
    });

    it("shows the published 4,338 RFM customers", async () => {
      assert.equal(await kpiValue(opened.page, "kpi-rfm-customers"), "4338");
      assert.equal(await opened.page.textContent("#kpi-rfm-customers"), "4,338");
      assert.equal(await kpiValue(opened.page, "kpi-rfm-as-of"), "2011-12-10");
    });

    it("charts ten segments whose customers add up to 4,338", async () => {
      const segments = await opened.page.evaluate<{ names: string[]; customers: number[] }>(`(() => {
        const option = echarts.getInstanceByDom(document.getElementById("chart-segments-customers")).getOption();
        return { names: option.yAxis[0].data, customers: option.series[0].data.map((item) => item.value) };
      })()`);
      assert.equal(segments.names.length, 10);
      assert.equal(new Set(segments.names).size, 10);
      assert.equal(segments.customers.reduce((total, customers) => total + customers, 0), 4338);
    });

    it("weighs under 2 MB and loads cleanly", () => {
      assert.ok(written.bytes < MAX_PAGE_BYTES, `${written.bytes} bytes`);
      assert.deepEqual(opened.problems, []);
      assert.deepEqual(opened.requests, [pathToFileURL(written.file).href]);
    });
  });
});

describe("building the dashboard from a warehouse the pipeline has not built", function () {
  this.timeout(30_000);
  const temp = makeTempDir("ecom-dashboard-empty");
  after(() => temp.remove());

  it("refuses a missing warehouse without creating it", async () => {
    const db = path.join(temp.dir, "missing.duckdb");
    await assert.rejects(writeDashboard({ db, out: path.join(temp.dir, "site") }), (error: unknown) => {
      assert.ok(error instanceof EcomError);
      assert.match(error.message, /There is no warehouse at .*missing\.duckdb: run `ecom pipeline --db .*missing\.duckdb` first/);
      return true;
    });
    assert.equal(fs.existsSync(db), false);
  });

  it("refuses a warehouse without the analytics tables, naming it and saying to run the pipeline", async () => {
    const db = path.join(temp.dir, "empty.duckdb");
    (await DuckDbWarehouse.open(db)).close();
    await assert.rejects(writeDashboard({ db, out: path.join(temp.dir, "site") }), (error: unknown) => {
      assert.ok(error instanceof EcomError);
      assert.match(error.message, /The warehouse .*empty\.duckdb has no pipeline tables: run `ecom pipeline --db .*empty\.duckdb` first/);
      return true;
    });
    assert.equal(fs.existsSync(path.join(temp.dir, "site")), false);
  });
});
