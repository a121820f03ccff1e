import type { Message, ZetaSqlService } from "./zetasql-service";

/**
 * ZetaSQL's language options set as close to BigQuery's GoogleSQL as the open-source analyzer allows:
 * the external product mode (no protos, no INT32/UINT/FLOAT types), the features of the current
 * language version, plus the BigQuery features ZetaSQL leaves opt-in, and the statements BigQuery
 * accepts. Features BigQuery lacks stay off: nanosecond timestamps, the extended integer types,
 * ZetaSQL's experimental modules and its internal anonymisation syntax.
 */
const BIGQUERY_FEATURES = [
  "FEATURE_ANALYTIC_FUNCTIONS",
  "FEATURE_NUMERIC_TYPE",
  "FEATURE_BIGNUMERIC_TYPE",
  "FEATURE_JSON_TYPE",
  "FEATURE_JSON_ARRAY_FUNCTIONS",
  "FEATURE_JSON_CONSTRUCTOR_FUNCTIONS",
  "FEATURE_JSON_MUTATOR_FUNCTIONS",
  "FEATURE_JSON_VALUE_EXTRACTION_FUNCTIONS",
  "FEATURE_JSON_LAX_VALUE_EXTRACTION_FUNCTIONS",
  "FEATURE_GEOGRAPHY",
  "FEATURE_RANGE_TYPE",
  "FEATURE_PARAMETERIZED_TYPES",
  "FEATURE_TABLESAMPLE",
  "FEATURE_TABLE_VALUED_FUNCTIONS",
  "FEATURE_TEMPLATE_FUNCTIONS",
  "FEATURE_NAMED_ARGUMENTS",
  "FEATURE_FUNCTION_ARGUMENTS_WITH_DEFAULTS",
  "FEATURE_ROUND_WITH_ROUNDING_MODE",
  "FEATURE_CBRT_FUNCTIONS",
  "FEATURE_GROUP_BY_ROLLUP",
  "FEATURE_ENCRYPTION",
  "FEATURE_CREATE_TABLE_PARTITION_BY",
  "FEATURE_CREATE_TABLE_CLUSTER_BY",
  "FEATURE_CREATE_TABLE_NOT_NULL",
  "FEATURE_CREATE_TABLE_FIELD_ANNOTATIONS",
  "FEATURE_CREATE_TABLE_AS_SELECT_COLUMN_LIST",
  "FEATURE_CREATE_TABLE_LIKE",
  "FEATURE_CREATE_TABLE_COPY",
  "FEATURE_CREATE_SNAPSHOT_TABLE",
  "FEATURE_CREATE_VIEW_WITH_COLUMN_LIST",
  "FEATURE_CREATE_MATERIALIZED_VIEW_PARTITION_BY",
  "FEATURE_CREATE_MATERIALIZED_VIEW_CLUSTER_BY",
  "FEATURE_CREATE_EXTERNAL_TABLE_WITH_TABLE_ELEMENT_LIST",
  "FEATURE_CREATE_EXTERNAL_TABLE_WITH_CONNECTION",
  "FEATURE_CREATE_TABLE_FUNCTION",
  "FEATURE_CREATE_AGGREGATE_FUNCTION",
  "FEATURE_UNENFORCED_PRIMARY_KEYS",
  "FEATURE_FOREIGN_KEYS",
  "FEATURE_ALTER_TABLE_RENAME_COLUMN",
  "FEATURE_DML_UPDATE_WITH_JOIN",
];

/** The statements BigQuery runs, as ZetaSQL's resolved statement kinds. */
const BIGQUERY_STATEMENTS = [
  "QUERY",
  "CREATE_TABLE",
  "CREATE_TABLE_AS_SELECT",
  "CREATE_VIEW",
  "CREATE_MATERIALIZED_VIEW",
  "CREATE_EXTERNAL_TABLE",
  "CREATE_FUNCTION",
  "CREATE_TABLE_FUNCTION",
  "CREATE_PROCEDURE",
  "CREATE_SCHEMA",
  "CREATE_SNAPSHOT_TABLE",
  "INSERT",
  "UPDATE",
  "DELETE",
  "MERGE",
  "TRUNCATE",
  "DROP",
  "DROP_FUNCTION",
  "DROP_MATERIALIZED_VIEW",
  "ALTER_TABLE",
  "ALTER_TABLE_SET_OPTIONS",
  "ALTER_VIEW",
  "ALTER_SCHEMA",
  "BEGIN",
  "COMMIT",
  "ROLLBACK",
  "CALL",
  "ASSERT",
  "EXPORT_DATA",
  "EXECUTE_IMMEDIATE",
].map((kind) => `RESOLVED_${kind}_STMT`);

/** BigQuery evaluates time zone-dependent functions in UTC unless told otherwise; ZetaSQL's default is Los Angeles. */
const BIGQUERY_TIME_ZONE = "UTC";

export interface BigQueryLanguage {
  languageOptions: Message;
  /** AnalyzerOptionsProto for Analyze and EvaluateQuery. */
  analyzerOptions(extra?: Message): Message;
  /** The builtin functions BigQuery's language options allow, for a catalog. */
  builtinFunctionOptions: Message;
}

/** The language options, asking the server which features its current language version holds. */
export async function bigQueryLanguage(service: ZetaSqlService): Promise<BigQueryLanguage> {
  const current = await service.call("getLanguageOptions", { languageVersion: "VERSION_CURRENT" });
  const features = new Set<string>([...((current.enabledLanguageFeatures as string[] | undefined) ?? []), ...BIGQUERY_FEATURES]);
  const languageOptions: Message = {
    nameResolutionMode: "NAME_RESOLUTION_DEFAULT",
    productMode: "PRODUCT_EXTERNAL",
    enabledLanguageFeatures: [...features].sort(),
    supportedStatementKinds: BIGQUERY_STATEMENTS,
  };
  return {
    languageOptions,
    analyzerOptions: (extra = {}) => ({
      languageOptions,
      errorMessageMode: "ERROR_MESSAGE_ONE_LINE",
      defaultTimezone: BIGQUERY_TIME_ZONE,
      ...extra,
    }),
    builtinFunctionOptions: { languageOptions },
  };
}
