-- assertion ecommerce_analytics_customer_rfm_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    customer_id,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
  GROUP BY customer_id
  ) AS data
WHERE index_row_count > 1
