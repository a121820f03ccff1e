-- assertion ecommerce_analytics_agg_customer_segments_assertions_uniqueKey_0
SELECT
  *
FROM (
  SELECT
    segment,
    COUNT(1) AS index_row_count
  FROM `your-gcp-project.ecommerce_analytics.agg_customer_segments`
  GROUP BY segment
  ) AS data
WHERE index_row_count > 1
