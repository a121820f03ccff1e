import { UsageError } from "../errors";
import { DASHBOARD_TABLES } from "./read-models";

/** The Looker Studio Linking API endpoint that creates a report from URL parameters. */
export const LINKING_API_URL = "https://lookerstudio.google.com/reporting/create";

/**
 * One Looker Studio data source per dashboard table (the tables the local dashboard reads, so the
 * report shows the same figures), each under the alias the Linking API addresses it by. Without a
 * template report (no c.reportId), Looker Studio starts a blank report with these data sources
 * attached, ready for charts.
 */
export const LOOKER_DATA_SOURCES: readonly { alias: string; tableId: string; datasourceName: string }[] = Object.values(DASHBOARD_TABLES).map(
  (table, index) => ({ alias: `ds${index}`, tableId: table.name, datasourceName: table.title })
);

export const DEFAULT_REPORT_NAME = "Online Retail analytics";

export interface LookerLinkConfig {
  projectId: string;
  datasets: { analytics: string };
}

/**
 * A Linking API URL that creates a new Looker Studio report connected to the BigQuery analytics
 * tables (connector bigQuery, type TABLE). The report is named with r.reportName, the Linking API's
 * report parameter; the c.* parameters only choose a template report, its page and mode, so none is
 * needed for a blank report.
 */
export function lookerStudioLink(config: LookerLinkConfig, options: { reportName?: string } = {}): string {
  requireRealProject(config.projectId);
  const params = new URLSearchParams();
  params.set("r.reportName", options.reportName ?? DEFAULT_REPORT_NAME);
  for (const source of LOOKER_DATA_SOURCES) {
    const prefix = `ds.${source.alias}`;
    params.set(`${prefix}.connector`, "bigQuery");
    params.set(`${prefix}.type`, "TABLE");
    params.set(`${prefix}.projectId`, config.projectId);
    params.set(`${prefix}.datasetId`, config.datasets.analytics);
    params.set(`${prefix}.tableId`, source.tableId);
    params.set(`${prefix}.datasourceName`, source.datasourceName);
  }
  return `${LINKING_API_URL}?${params.toString()}`;
}

/** A link to the placeholder project would open a report that cannot find its tables: refuse it, saying what to set. */
function requireRealProject(projectId: string): void {
  if (projectId && !projectId.startsWith("your-")) return;
  throw new UsageError(
    `No Google Cloud project is configured (got ${JSON.stringify(projectId)}): set defaultProject in workflow_settings.yaml, ` +
      "ECOM_GCP_PROJECT, or --project to the project holding the BigQuery analytics dataset."
  );
}
