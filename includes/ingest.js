// @ts-check
/**
 * Settings of the scheduled ingestion (definitions/sources/ingest_raw_sales.sqlx), from the Dataform
 * vars, checked so a bad value fails the compile instead of the scheduled run.
 */

/** @returns {Record<string, string>} */
function compileVars() {
  return (typeof dataform === "undefined" ? undefined : dataform.projectConfig.vars) || {};
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

module.exports = { bucket, prefix, encoding };
