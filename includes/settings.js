// @ts-check
/**
 * The project's Dataform vars, read once and checked, so that a bad value fails the compile with a
 * message that says which var is wrong and what it should look like. Vars are strings in Dataform 3.
 */

/** @returns {Record<string, string>} */
function compileVars() {
  return (typeof dataform === "undefined" ? undefined : dataform.projectConfig.vars) || {};
}

/**
 * The RFM reference date as a SQL DATE literal, or undefined when the var is empty (the model then
 * uses the day after the last invoice date).
 * @param {Record<string, string>} [vars]
 */
function rfmAsOfLiteral(vars = compileVars()) {
  const value = (vars.rfm_as_of || "").trim();
  if (value === "") return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value) {
    throw new Error(`Dataform var rfm_as_of=${JSON.stringify(value)} is not a calendar date: write it as YYYY-MM-DD, or leave it empty.`);
  }
  return `DATE '${value}'`;
}

/**
 * How many products per month top_n_products_monthly keeps (var top_n, default 10).
 * @param {Record<string, string>} [vars]
 */
function topN(vars = compileVars()) {
  const value = (vars.top_n || "10").trim();
  if (!/^[1-9][0-9]{0,3}$/.test(value)) {
    throw new Error(`Dataform var top_n=${JSON.stringify(value)} must be a whole number from 1 to 9999.`);
  }
  return Number(value);
}

module.exports = { rfmAsOfLiteral, topN };
