-- ecommerce_dwh.dim_products: table

-- query
-- Each part reads stg_sales itself, not a CTE of it: DuckDB materializes a CTE that is read twice,
-- here every column of every line.
WITH stock_codes AS (
  -- is_product is a function of stock_code, so grouping by it keeps one row per code.
  SELECT
    stg_sales.stock_code,
    stg_sales.is_product
  FROM `your-gcp-project.ecommerce_staging.stg_sales` AS stg_sales
  GROUP BY stg_sales.stock_code, stg_sales.is_product
),

description_counts AS (
  SELECT
    stg_sales.stock_code,
    stg_sales.description,
    COUNT(*) AS lines
  FROM `your-gcp-project.ecommerce_staging.stg_sales` AS stg_sales
  WHERE stg_sales.description IS NOT NULL
  GROUP BY stg_sales.stock_code, stg_sales.description
),

descriptions_ranked AS (
  SELECT
    description_counts.stock_code,
    description_counts.description,
    ROW_NUMBER() OVER (
      PARTITION BY description_counts.stock_code
      ORDER BY description_counts.lines DESC, description_counts.description
    ) AS description_rank
  FROM description_counts
),

stock_codes_described AS (
  SELECT
    stock_codes.stock_code,
    descriptions_ranked.description,
    stock_codes.is_product
  FROM stock_codes
  LEFT JOIN descriptions_ranked
    ON stock_codes.stock_code = descriptions_ranked.stock_code
    AND descriptions_ranked.description_rank = 1
)

SELECT
  TO_HEX(MD5(CONCAT(COALESCE(CAST(stock_code AS STRING), '~null~')))) AS product_key,
  stock_code,
  description,
  is_product,
  CASE
    WHEN NOT is_product THEN 'Non-product'
    WHEN description IS NULL THEN 'Other'
    WHEN UPPER(description) LIKE '%CHRISTMAS%' OR UPPER(description) LIKE '%XMAS%' OR UPPER(description) LIKE '%ADVENT%' OR UPPER(description) LIKE '%SANTA%' OR UPPER(description) LIKE '%REINDEER%' OR UPPER(description) LIKE '%SNOWFLAKE%' THEN 'Christmas'
    WHEN UPPER(description) LIKE '%BAG%' OR UPPER(description) LIKE '%SHOPPER%' OR UPPER(description) LIKE '%TOTE%' THEN 'Bags'
    WHEN UPPER(description) LIKE '%CANDLE%' OR UPPER(description) LIKE '%T-LIGHT%' OR UPPER(description) LIKE '%TEALIGHT%' OR UPPER(description) LIKE '%LANTERN%' OR UPPER(description) LIKE '%LIGHT%' OR UPPER(description) LIKE '%LAMP%' THEN 'Candles & Lighting'
    WHEN UPPER(description) LIKE '%MUG%' OR UPPER(description) LIKE '%CUP%' OR UPPER(description) LIKE '%PLATE%' OR UPPER(description) LIKE '%BOWL%' OR UPPER(description) LIKE '%TEAPOT%' OR UPPER(description) LIKE '%CAKE%' OR UPPER(description) LIKE '%BAKING%' OR UPPER(description) LIKE '%JAR%' OR UPPER(description) LIKE '%NAPKIN%' OR UPPER(description) LIKE '%LUNCH%' OR UPPER(description) LIKE '%BOTTLE%' OR UPPER(description) LIKE '%SPOON%' OR UPPER(description) LIKE '%TRAY%' OR UPPER(description) LIKE '%TEA%' THEN 'Kitchen & Dining'
    WHEN UPPER(description) LIKE '%CARD%' OR UPPER(description) LIKE '%PAPER%' OR UPPER(description) LIKE '%NOTEBOOK%' OR UPPER(description) LIKE '%PENCIL%' OR UPPER(description) LIKE '%PEN %' OR UPPER(description) LIKE '%WRAP%' OR UPPER(description) LIKE '%STICKER%' OR UPPER(description) LIKE '%ENVELOPE%' OR UPPER(description) LIKE '%CALENDAR%' OR UPPER(description) LIKE '%BOOK%' THEN 'Stationery & Cards'
    WHEN UPPER(description) LIKE '%TOY%' OR UPPER(description) LIKE '%GAME%' OR UPPER(description) LIKE '%PUZZLE%' OR UPPER(description) LIKE '%DOLL%' OR UPPER(description) LIKE '%PLAYHOUSE%' OR UPPER(description) LIKE '%SKIPPING ROPE%' OR UPPER(description) LIKE '%SPACEBOY%' THEN 'Toys & Games'
    WHEN UPPER(description) LIKE '%GARDEN%' OR UPPER(description) LIKE '%PLANT%' OR UPPER(description) LIKE '%FLOWER POT%' OR UPPER(description) LIKE '%WATERING%' OR UPPER(description) LIKE '%BIRD%' THEN 'Garden & Outdoor'
    WHEN UPPER(description) LIKE '%FRAME%' OR UPPER(description) LIKE '%CLOCK%' OR UPPER(description) LIKE '%SIGN%' OR UPPER(description) LIKE '%CUSHION%' OR UPPER(description) LIKE '%DOORMAT%' OR UPPER(description) LIKE '%MIRROR%' OR UPPER(description) LIKE '%VASE%' OR UPPER(description) LIKE '%HOLDER%' OR UPPER(description) LIKE '%HANGING%' OR UPPER(description) LIKE '%DECORATION%' OR UPPER(description) LIKE '%WREATH%' OR UPPER(description) LIKE '%GARLAND%' OR UPPER(description) LIKE '%BUNTING%' THEN 'Home Decor'
    WHEN UPPER(description) LIKE '%BOX%' OR UPPER(description) LIKE '%TIN%' OR UPPER(description) LIKE '%BASKET%' OR UPPER(description) LIKE '%CASE%' OR UPPER(description) LIKE '%DRAWER%' OR UPPER(description) LIKE '%STORAGE%' THEN 'Storage'
    WHEN UPPER(description) LIKE '%NECKLACE%' OR UPPER(description) LIKE '%BRACELET%' OR UPPER(description) LIKE '%EARRINGS%' OR UPPER(description) LIKE '%RING%' OR UPPER(description) LIKE '%HAIR%' OR UPPER(description) LIKE '%PURSE%' OR UPPER(description) LIKE '%UMBRELLA%' THEN 'Jewellery & Accessories'
    ELSE 'Other'
  END AS category
FROM stock_codes_described
