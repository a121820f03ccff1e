-- ecommerce_analytics.dashboard_rejects_by_reason: table

-- query
WITH stg_sales_rejected AS (
  SELECT * FROM `your-gcp-project.ecommerce_staging.stg_sales_rejected`
),

reason_counts AS (
  SELECT
    stg_sales_rejected.reject_reason,
    COUNT(*) AS rejected_rows
  FROM stg_sales_rejected
  GROUP BY stg_sales_rejected.reject_reason
)

SELECT
  reject_reason,
  rejected_rows,
  ROW_NUMBER() OVER (ORDER BY rejected_rows DESC, reject_reason) AS reason_rank
FROM reason_counts
