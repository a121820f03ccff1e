/**
 * Lines of the Online Retail export for the loader's tests, each with the values the loader must
 * land for it: the text as written, an empty field NULL. Worked out by hand from the lines.
 */

/** The export's header, in its classic column order. */
export const EXPORT_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

/** raw_sales' names of the eight columns, in the header's order. */
export const SOURCE_COLUMNS = ["invoice_no", "stock_code", "description", "quantity", "invoice_date", "unit_price", "customer_id", "country"] as const;

/** The eight landed values of one line. */
export type LandedValues = Record<(typeof SOURCE_COLUMNS)[number], string | null>;

/** The export's first line, with `description` as its third field, and what lands of it. */
export function firstLine(description = "WHITE HANGING HEART T-LIGHT HOLDER"): { line: string; values: LandedValues } {
  return {
    line: `536365,85123A,${description},6,12/1/2010 8:26,2.55,17850,United Kingdom`,
    values: {
      invoice_no: "536365",
      stock_code: "85123A",
      description,
      quantity: "6",
      invoice_date: "12/1/2010 8:26",
      unit_price: "2.55",
      customer_id: "17850",
      country: "United Kingdom",
    },
  };
}

/** A line without a customer (an empty CustomerID), and what lands of it. */
export const NO_CUSTOMER_LINE = "536366,22633,HAND WARMER UNION JACK,6,12/1/2010 8:28,1.85,,United Kingdom";
export const NO_CUSTOMER_VALUES: LandedValues = {
  invoice_no: "536366",
  stock_code: "22633",
  description: "HAND WARMER UNION JACK",
  quantity: "6",
  invoice_date: "12/1/2010 8:28",
  unit_price: "1.85",
  customer_id: null,
  country: "United Kingdom",
};
