-- assertion top_n_products_at_most_n
SELECT
  sales_month,
  COUNT(*) AS products,
  MAX(rank) AS highest_rank
FROM `your-gcp-project.ecommerce_analytics.top_n_products_monthly`
GROUP BY sales_month
HAVING COUNT(*) > 10 OR MAX(rank) <> COUNT(*)
