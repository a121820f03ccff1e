// @ts-check
/**
 * The summaries that a view computes from the facts as they are and an incremental table stores,
 * rebuilding only what new loads change (see loads.declareRebuildFrom): what they count, written
 * once for the view, the table and the check that no counted line is gone.
 */

/** What agg_daily_sales holds, for its description and its view's. */
const DAILY_SALES_DEFINITION =
  "Daily sales by country for dashboards. Grain: one row per (sales_date, country) with at least one sale line or cancellation line. A sale line is not a cancellation, not an adjustment, and has quantity > 0; adjustments and stock write-offs count nowhere here.";

/** @type {Readonly<Record<string, string>>} */
const DAILY_SALES_COLUMNS = Object.freeze({
  sales_date: "Invoice date.",
  country: "Country of the lines.",
  gross_revenue: "Sum of line_amount over sale lines (NUMERIC).",
  cancelled_revenue: "Sum of line_amount over cancellation lines: zero or negative (NUMERIC).",
  net_revenue: "gross_revenue + cancelled_revenue (NUMERIC).",
  orders: "Distinct invoices with a sale line.",
  customers: "Distinct known customers with a sale line.",
  units: "Sum of quantity over sale lines.",
  avg_order_value: "gross_revenue / orders, rounded to the penny; NULL when there are no orders (a day of cancellations only).",
  lines: "Sale and cancellation lines counted in the row.",
  _loaded_at: "Newest load among those lines (UTC); an incremental run of agg_daily_sales takes the loads newer than the newest it holds.",
});

/**
 * The lines agg_daily_sales counts: sale lines and cancellations.
 * @param {string} qualifier the relation's name and a dot, or "" in a query of one table
 */
function dailySalesCounted(qualifier) {
  return `${qualifier}is_sale_line OR ${qualifier}is_cancellation`;
}

/** What top_n_products_monthly holds, for its description and its view's. */
const MONTHLY_PRODUCTS_DEFINITION =
  "Best-selling products per month. Grain: one row per (sales_month, rank): the top N products (var top_n, default 10) of each calendar month by revenue over sale lines of products (not postage, fees or vouchers). Ties in revenue are broken by stock_code.";

/** @type {Readonly<Record<string, string>>} */
const MONTHLY_PRODUCTS_COLUMNS = Object.freeze({
  sales_month: "First day of the calendar month.",
  rank: "1 = highest revenue in the month, up to N.",
  stock_code: "Product stock code.",
  description: "Product description (dim_products).",
  revenue: "Sum of line_amount over the product's sale lines in the month (NUMERIC).",
  units: "Sum of quantity over those lines.",
  orders: "Distinct invoices among those lines.",
  share_of_month_revenue: "revenue / revenue of all product sale lines in the month (FLOAT64, 0 to 1).",
  month_lines: "Sale lines of the month, postage and fees included: the lines counted to rank its products.",
  _loaded_at: "Newest load among the month's sale lines (UTC); an incremental run of top_n_products_monthly takes the loads newer than the newest it holds.",
});

/**
 * The lines top_n_products_monthly counts: sale lines.
 * @param {string} qualifier the relation's name and a dot, or "" in a query of one table
 */
function monthlyProductsCounted(qualifier) {
  return `${qualifier}is_sale_line`;
}

module.exports = {
  DAILY_SALES_DEFINITION,
  DAILY_SALES_COLUMNS,
  dailySalesCounted,
  MONTHLY_PRODUCTS_DEFINITION,
  MONTHLY_PRODUCTS_COLUMNS,
  monthlyProductsCounted,
};
