import { bigQueryLanguage, type BigQueryLanguage } from "../../scripts/googlesql/bigquery-language";
import { ZetaSqlService } from "../../scripts/googlesql/zetasql-service";

/**
 * Starts a ZetaSQL server before the enclosing describe's tests and stops it (by its pid) after
 * them. Call it inside `describe`; the returned getters are valid once its `before` has run.
 */
export function zetaSqlForTests(): { service: () => ZetaSqlService; language: () => BigQueryLanguage } {
  let service: ZetaSqlService | undefined;
  let language: BigQueryLanguage | undefined;
  before(async () => {
    service = await ZetaSqlService.start();
    language = await bigQueryLanguage(service);
  });
  after(() => service?.stop());
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ZetaSQL ${what} is used before the describe's before hook ran`);
    return value;
  };
  return { service: () => ready(service, "server"), language: () => ready(language, "language options") };
}
