-- assertion ecommerce_analytics_customer_rfm_assertions_rowConditions
SELECT
  'r_score BETWEEN 1 AND 5' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (r_score BETWEEN 1 AND 5)
UNION ALL
SELECT
  'f_score BETWEEN 1 AND 5' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (f_score BETWEEN 1 AND 5)
UNION ALL
SELECT
  'm_score BETWEEN 1 AND 5' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (m_score BETWEEN 1 AND 5)
UNION ALL
SELECT
  'frequency >= 1' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (frequency >= 1)
UNION ALL
SELECT
  'monetary > 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (monetary > 0)
UNION ALL
SELECT
  'recency_days >= 0' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (recency_days >= 0)
UNION ALL
SELECT
  'customer_id IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (customer_id IS NOT NULL)
UNION ALL
SELECT
  'customer_key IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (customer_key IS NOT NULL)
UNION ALL
SELECT
  'last_purchase_date IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (last_purchase_date IS NOT NULL)
UNION ALL
SELECT
  'recency_days IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (recency_days IS NOT NULL)
UNION ALL
SELECT
  'frequency IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (frequency IS NOT NULL)
UNION ALL
SELECT
  'monetary IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (monetary IS NOT NULL)
UNION ALL
SELECT
  'r_score IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (r_score IS NOT NULL)
UNION ALL
SELECT
  'f_score IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (f_score IS NOT NULL)
UNION ALL
SELECT
  'm_score IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (m_score IS NOT NULL)
UNION ALL
SELECT
  'rfm_cell IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (rfm_cell IS NOT NULL)
UNION ALL
SELECT
  'segment IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (segment IS NOT NULL)
UNION ALL
SELECT
  'as_of_date IS NOT NULL' AS failing_row_condition,
  *
FROM `your-gcp-project.ecommerce_analytics.customer_rfm`
WHERE NOT (as_of_date IS NOT NULL)
