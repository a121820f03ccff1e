-- ecommerce_dwh.dim_customers: table

-- query
-- Each part reads stg_sales itself, not a CTE of it: DuckDB materializes a CTE that is read twice,
-- here every column of every line.
WITH customer_countries AS (
  SELECT
    stg_sales.customer_id,
    stg_sales.country,
    COUNT(*) AS lines,
    MAX(stg_sales.invoice_ts) AS latest_line_ts
  FROM `your-gcp-project.ecommerce_staging.stg_sales` AS stg_sales
  WHERE stg_sales.customer_id IS NOT NULL
  GROUP BY stg_sales.customer_id, stg_sales.country
),

customer_countries_ranked AS (
  SELECT
    customer_countries.customer_id,
    customer_countries.country,
    ROW_NUMBER() OVER (
      PARTITION BY customer_countries.customer_id
      ORDER BY customer_countries.lines DESC, customer_countries.latest_line_ts DESC, customer_countries.country
    ) AS country_rank
  FROM customer_countries
),

customer_main_country AS (
  SELECT customer_id, country
  FROM customer_countries_ranked
  WHERE country_rank = 1
),

customer_sales AS (
  SELECT
    stg_sales.customer_id,
    MIN(stg_sales.invoice_date) AS first_order_date,
    MAX(stg_sales.invoice_date) AS last_order_date,
    COUNT(DISTINCT stg_sales.invoice_no) AS orders,
    SUM(stg_sales.line_amount) AS revenue
  FROM `your-gcp-project.ecommerce_staging.stg_sales` AS stg_sales
  WHERE stg_sales.customer_id IS NOT NULL AND stg_sales.is_sale_line
  GROUP BY stg_sales.customer_id
),

known_customers AS (
  SELECT
    TO_HEX(MD5(CONCAT(COALESCE(CAST(customer_main_country.customer_id AS STRING), '~null~')))) AS customer_key,
    customer_main_country.customer_id,
    customer_main_country.country,
    customer_sales.first_order_date,
    customer_sales.last_order_date,
    COALESCE(customer_sales.orders, 0) AS orders,
    COALESCE(customer_sales.revenue, CAST(0 AS NUMERIC)) AS revenue,
    FALSE AS is_unknown
  FROM customer_main_country
  LEFT JOIN customer_sales
    ON customer_main_country.customer_id = customer_sales.customer_id
),

unknown_customer AS (
  SELECT
    TO_HEX(MD5(CONCAT(COALESCE(CAST(CAST(NULL AS STRING) AS STRING), '~null~')))) AS customer_key,
    CAST(NULL AS STRING) AS customer_id,
    CAST(NULL AS STRING) AS country,
    CAST(NULL AS DATE) AS first_order_date,
    CAST(NULL AS DATE) AS last_order_date,
    0 AS orders,
    CAST(0 AS NUMERIC) AS revenue,
    TRUE AS is_unknown
)

SELECT * FROM known_customers
UNION ALL
SELECT * FROM unknown_customer
