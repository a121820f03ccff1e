import { strict as assert } from "node:assert";
import { DATASETS, loadProjectConfig } from "../../scripts/config";
import { UsageError } from "../../scripts/errors";
import { lookerStudioLink } from "../../scripts/dashboard/looker-link";
import { PROJECT_ROOT } from "../../scripts/paths";

describe("the Looker Studio link", () => {
  const config = { projectId: "shop-analytics", datasets: { analytics: DATASETS.analytics } };

  /** Every parameter the Linking API reads, written out by hand from its documentation. */
  const dataSource = (alias: string, tableId: string, datasourceName: string) => [
    [`ds.${alias}.connector`, "bigQuery"],
    [`ds.${alias}.type`, "TABLE"],
    [`ds.${alias}.projectId`, "shop-analytics"],
    [`ds.${alias}.datasetId`, DATASETS.analytics],
    [`ds.${alias}.tableId`, tableId],
    [`ds.${alias}.datasourceName`, datasourceName],
  ];

  it("creates a report with one BigQuery table data source per dashboard table, the tables the local dashboard reads", () => {
    const url = new URL(lookerStudioLink(config));
    assert.equal(`${url.origin}${url.pathname}`, "https://lookerstudio.google.com/reporting/create");
    assert.deepEqual(
      [...url.searchParams],
      [
        ["r.reportName", "Online Retail analytics"],
        ...dataSource("ds0", "dashboard_kpis", "Key figures"),
        ...dataSource("ds1", "dashboard_daily_revenue", "Daily revenue"),
        ...dataSource("ds2", "dashboard_country_monthly_revenue", "Monthly revenue by country"),
        ...dataSource("ds3", "agg_customer_segments", "RFM segments"),
        ...dataSource("ds4", "dashboard_rf_grid", "R x F grid"),
        ...dataSource("ds5", "top_n_products_monthly", "Top products per month"),
        ...dataSource("ds6", "dashboard_data_quality", "Data quality"),
        ...dataSource("ds7", "dashboard_rejects_by_reason", "Rejected lines by reason"),
      ]
    );
  });

  it("names the report as asked, encoded so that any name survives the URL", () => {
    const link = lookerStudioLink(config, { reportName: "Sales & RFM: 2011/12 #1" });
    assert.ok(link.includes("?r.reportName=Sales+%26+RFM%3A+2011%2F12+%231&ds.ds0.connector=bigQuery&"), link);
    assert.equal(new URL(link).searchParams.get("r.reportName"), "Sales & RFM: 2011/12 #1");
  });

  it("uses the analytics dataset of the configuration", () => {
    const url = new URL(lookerStudioLink({ projectId: "p-1", datasets: { analytics: "shop_analytics_eu" } }));
    for (const alias of ["ds0", "ds1", "ds2", "ds3", "ds4", "ds5", "ds6", "ds7"]) {
      assert.equal(url.searchParams.get(`ds.${alias}.datasetId`), "shop_analytics_eu");
      assert.equal(url.searchParams.get(`ds.${alias}.projectId`), "p-1");
    }
  });

  it("refuses the placeholder project of workflow_settings.yaml, saying what to set", () => {
    const placeholder = loadProjectConfig(PROJECT_ROOT, {}, {});
    assert.equal(placeholder.datasets.analytics, DATASETS.analytics);
    assert.throws(
      () => lookerStudioLink(placeholder),
      (error: unknown) =>
        error instanceof UsageError &&
        /No Google Cloud project is configured \(got "your-gcp-project"\): set defaultProject in workflow_settings\.yaml, ECOM_GCP_PROJECT, or --project/.test(error.message)
    );
    assert.throws(() => lookerStudioLink({ ...config, projectId: "" }), UsageError);
  });
});
