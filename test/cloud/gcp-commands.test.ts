import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../scripts/cli/main";
import { RecordingOutput } from "../../scripts/cli/output";
import { copyFixtureProject } from "../support/fixture-project";
import { makeTempDir } from "../support/temp";

/** The Google Cloud commands' own checks, which run before any request. */
describe("ecom gcp and pipeline --warehouse bigquery, before any request", function () {
  this.timeout(30_000);
  const temp = makeTempDir("ecom-gcp-cli");
  const savedEnv = { ...process.env };
  const projectDir = copyFixtureProject("runner-project", temp.dir);
  const ecom = async (...args: string[]) => {
    const output = new RecordingOutput();
    return { exitCode: await main(["node", "ecom", ...args], output), text: output.text };
  };
  before(() => {
    delete process.env.ECOM_GCP_PROJECT;
    delete process.env.ECOM_DATAFORM_REPOSITORY;
  });
  after(() => {
    process.env = savedEnv;
    temp.remove();
  });

  it("gcp setup refuses the placeholder project of workflow_settings.yaml, saying where to set one", async () => {
    const { exitCode, text } = await ecom("gcp", "setup", "--dry-run");
    assert.equal(exitCode, 2);
    assert.match(text, /No Google Cloud project is configured \(got "your-gcp-project"\)/);
  });

  it("gcp schedule asks for the Dataform repository", async () => {
    const { exitCode, text } = await ecom("gcp", "schedule", "--project", "shop-analytics", "--dry-run");
    assert.equal(exitCode, 2);
    assert.match(text, /No Dataform repository is named: pass --repository ID or set ECOM_DATAFORM_REPOSITORY/);
  });

  it("pipeline --warehouse bigquery needs the exports to load", async () => {
    const { exitCode, text } = await ecom("pipeline", "--warehouse", "bigquery", "--project-dir", projectDir);
    assert.equal(exitCode, 2);
    assert.match(text, /--warehouse bigquery needs --source gs:\/\/BUCKET\/PREFIX\/\*\.csv/);
  });

  it("pipeline --warehouse bigquery needs .df-credentials.json, and says how to make it", async () => {
    const { exitCode, text } = await ecom("pipeline", "--warehouse", "bigquery", "--project-dir", projectDir, "--source", "gs://shop-raw/raw_sales/*.csv");
    assert.equal(exitCode, 2);
    assert.match(text, /\.df-credentials\.json is missing, and `dataform run` needs it to reach BigQuery.*npx dataform init-creds/s);
  });

  it("pipeline --warehouse bigquery refuses local files, even in a dry run", async () => {
    fs.writeFileSync(path.join(projectDir, ".df-credentials.json"), JSON.stringify({ projectId: "shop-analytics", location: "US" }));
    const local = path.join(temp.dir, "local.csv");
    fs.writeFileSync(local, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
    const { exitCode, text } = await ecom("pipeline", "--warehouse", "bigquery", "--dry-run", "--project-dir", projectDir, "--source", local);
    assert.equal(exitCode, 2);
    assert.match(text, /--warehouse bigquery loads from Cloud Storage only/);
  });
});
