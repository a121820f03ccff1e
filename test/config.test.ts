import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { DATASETS, loadProjectConfig, requireCloudSettings } from "../scripts/config";
import { PROJECT_ROOT } from "../scripts/paths";
import { makeTempDir } from "./support/temp";

describe("the project configuration", function () {
  this.timeout(60_000);
  const temp = makeTempDir("ecom-config");
  after(() => temp.remove());

  it("comes from workflow_settings.yaml", () => {
    fs.writeFileSync(
      path.join(temp.dir, "workflow_settings.yaml"),
      "defaultProject: shop-analytics\ndefaultLocation: EU\ndefaultAssertionDataset: ecommerce_assertions\nvars:\n  gcs_bucket: shop-raw\n  gcs_prefix: exports/\n"
    );
    assert.deepEqual(loadProjectConfig(temp.dir, {}, {}), {
      projectId: "shop-analytics",
      location: "EU",
      bucket: "shop-raw",
      prefix: "exports/",
      datasets: DATASETS,
    });
  });

  it("is overridden by the environment, and the environment by flags", () => {
    const env = { ECOM_GCP_PROJECT: "from-env", ECOM_GCS_BUCKET: "env-bucket", ECOM_GCP_API_ENDPOINT: "http://127.0.0.1:9" };
    const config = loadProjectConfig(temp.dir, { bucket: "flag-bucket" }, env);
    assert.equal(config.projectId, "from-env");
    assert.equal(config.bucket, "flag-bucket");
    assert.equal(config.location, "EU");
    assert.equal(config.apiEndpoint, "http://127.0.0.1:9");
  });

  it("refuses placeholders and missing values, saying where to set them", () => {
    const config = loadProjectConfig(PROJECT_ROOT, {}, {});
    assert.throws(() => requireCloudSettings(config, ["projectId"]), /No Google Cloud project is configured \(got "your-gcp-project"\): set defaultProject in workflow_settings\.yaml, ECOM_GCP_PROJECT, or --project/);
    assert.throws(() => requireCloudSettings(config, ["bucket"]), /No Google Cloud bucket is configured \(got "your-raw-bucket"\)/);
  });
});
