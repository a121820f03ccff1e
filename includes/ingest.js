// @ts-check
/**
 * Settings of the scheduled ingestion (definitions/sources/ingest_raw_sales.sqlx), from the Dataform
 * vars, checked so a bad value fails the compile instead of the scheduled run.
 */

/**
 * The compilation's settings: workflow_settings.yaml with the overrides of this compilation applied
 * (a workspace's or release configuration's schema suffix, table prefix, project).
 * @typedef {{ vars?: Record<string, string>, schemaSuffix?: string, tablePrefix?: string, databaseSuffix?: string }} CompileSettings
 * @returns {CompileSettings}
 */
function projectConfig() {
  return (typeof dataform === "undefined" ? undefined : dataform.projectConfig) || {};
}

/** @returns {Record<string, string>} */
function compileVars() {
  return projectConfig().vars || {};
}

/**
 * The compilation overrides that make this compilation a workspace's rather than production's.
 * Dataform applies a schema suffix, table prefix or project suffix to the tables it builds, but not
 * to declarations: the declared raw tables (raw_sales, load_ledger) stay production's. The
 * ingestion must then not run, or it would land files in production's raw tables.
 * @param {CompileSettings} [settings]
 * @returns {string[]} e.g. ['schema suffix "dev"']; empty for production
 */
function workspaceOverrides(settings = projectConfig()) {
  const overrides = [];
  if (settings.schemaSuffix) overrides.push(`schema suffix ${JSON.stringify(settings.schemaSuffix)}`);
  if (settings.tablePrefix) overrides.push(`table prefix ${JSON.stringify(settings.tablePrefix)}`);
  if (settings.databaseSuffix) overrides.push(`project suffix ${JSON.stringify(settings.databaseSuffix)}`);
  return overrides;
}

/**
 * The operation's description, led by why it is disabled when this compilation is a workspace's.
 * @param {string} text
 * @param {CompileSettings} [settings]
 */
function description(text, settings = projectConfig()) {
  const overrides = workspaceOverrides(settings);
  if (overrides.length === 0) return text;
  return (
    `DISABLED in this compilation: it has a ${overrides.join(" and a ")}, which Dataform does not apply to the declared raw tables, ` +
    "so staging reads production's raw tables and the ingestion must not land files there. Its statements name only landing tables " +
    "with the same suffix and prefix, never production's. " +
    text
  );
}

/**
 * How the operation names each landing table: in the dataset and project Dataform resolved for the
 * operation itself (its schema() and database(), suffixes applied) and with the same table prefix,
 * taken from its resolved name(). In production these are exactly the declarations' targets.
 * @param {{ database: string, schema: string, name: string, ownName: string }} self
 * @returns {(table: string) => string} a backquoted BigQuery table name
 */
function landingTableNamer(self) {
  if (!self.name.endsWith(self.ownName)) throw new Error(`Expected the resolved name ${JSON.stringify(self.name)} to end with ${JSON.stringify(self.ownName)}.`);
  const prefix = self.name.slice(0, self.name.length - self.ownName.length);
  return (table) => `\`${self.database}.${self.schema}.${prefix}${table}\``;
}

/**
 * The bucket of the raw exports (var gcs_bucket).
 * @param {Record<string, string>} [vars]
 */
function bucket(vars = compileVars()) {
  const value = (vars.gcs_bucket || "").trim();
  if (!/^[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]$/.test(value)) {
    throw new Error(`Dataform var gcs_bucket=${JSON.stringify(value)} is not a Cloud Storage bucket name.`);
  }
  return value;
}

/**
 * The object prefix of the raw exports (var gcs_prefix), e.g. "raw_sales/"; may be empty.
 * @param {Record<string, string>} [vars]
 */
function prefix(vars = compileVars()) {
  const value = (vars.gcs_prefix || "").trim();
  if (/['*\\]/.test(value)) throw new Error(`Dataform var gcs_prefix=${JSON.stringify(value)} may not contain quotes, * or backslashes.`);
  return value;
}

/**
 * The encoding BigQuery reads the exports in (var gcs_encoding: UTF-8, the default, or ISO-8859-1).
 * @param {Record<string, string>} [vars]
 */
function encoding(vars = compileVars()) {
  const value = (vars.gcs_encoding || "UTF-8").trim().toUpperCase();
  if (value !== "UTF-8" && value !== "ISO-8859-1") {
    throw new Error(`Dataform var gcs_encoding=${JSON.stringify(value)} must be UTF-8 or ISO-8859-1.`);
  }
  return value;
}

module.exports = { bucket, prefix, encoding, workspaceOverrides, description, landingTableNamer };
