import type { Message } from "./zetasql-service";

/**
 * ZetaSQL's TypeProto, named the way BigQuery names the type (INT64, FLOAT64, ARRAY<STRING>, ...),
 * so that messages and comparisons read as BigQuery users know them.
 */
export type TypeProto = Message;

const SCALAR_NAMES: Record<string, string> = {
  TYPE_STRING: "STRING",
  TYPE_BYTES: "BYTES",
  TYPE_INT64: "INT64",
  TYPE_DOUBLE: "FLOAT64",
  TYPE_BOOL: "BOOL",
  TYPE_NUMERIC: "NUMERIC",
  TYPE_BIGNUMERIC: "BIGNUMERIC",
  TYPE_DATE: "DATE",
  TYPE_DATETIME: "DATETIME",
  TYPE_TIMESTAMP: "TIMESTAMP",
  TYPE_TIME: "TIME",
  TYPE_JSON: "JSON",
  TYPE_GEOGRAPHY: "GEOGRAPHY",
  TYPE_INTERVAL: "INTERVAL",
};

/** BigQuery's name for a ZetaSQL type. */
export function bigQueryTypeName(type: TypeProto | undefined): string {
  if (!type) return "UNKNOWN";
  const kind = String(type.typeKind);
  const scalar = SCALAR_NAMES[kind];
  if (scalar) return scalar;
  if (kind === "TYPE_ARRAY") return `ARRAY<${bigQueryTypeName(type.arrayType?.elementType)}>`;
  if (kind === "TYPE_STRUCT") {
    const fields = ((type.structType?.field as Message[] | undefined) ?? []).map(
      (field) => `${field.fieldName ? `${field.fieldName} ` : ""}${bigQueryTypeName(field.fieldType)}`
    );
    return `STRUCT<${fields.join(", ")}>`;
  }
  if (kind === "TYPE_RANGE") return `RANGE<${bigQueryTypeName(type.rangeType?.elementType)}>`;
  return kind.replace(/^TYPE_/, "");
}

