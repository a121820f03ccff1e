-- assertion fact_sales_amount_reconciles
WITH staged AS (
  SELECT COUNT(*) AS lines, COALESCE(SUM(line_amount), 0) AS amount
  FROM `your-gcp-project.ecommerce_staging.stg_sales`
),

fact AS (
  SELECT COUNT(*) AS lines, COALESCE(SUM(line_amount), 0) AS amount
  FROM `your-gcp-project.ecommerce_dwh.fact_sales`
)

SELECT
  staged.lines AS staged_lines,
  fact.lines AS fact_lines,
  staged.amount AS staged_amount,
  fact.amount AS fact_amount
FROM staged
CROSS JOIN fact
WHERE staged.lines <> fact.lines OR staged.amount <> fact.amount
