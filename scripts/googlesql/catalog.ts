import type { Message } from "./zetasql-service";
import type { TypeProto } from "./types";

export interface CatalogColumn {
  name: string;
  type: TypeProto;
  /** Pseudo-columns (an external table's `_FILE_NAME`) are selectable but not part of `*`. */
  pseudo?: boolean;
}

export interface CatalogTable {
  /** `project.dataset.table`, or a bare name for a script's temporary table. */
  name: string;
  columns: CatalogColumn[];
  /** A script's temporary table: gone when the script ends. */
  temporary?: boolean;
}

export interface CatalogConstant {
  name: string;
  type: TypeProto;
  /** Its value (a ValueProto), for the evaluator; the analyzer needs only the type. */
  value?: Message;
}

/**
 * The tables BigQuery would see, for ZetaSQL: declared sources, tables built earlier in the graph, a
 * script's temporary tables and variables. A table `p.d.t` resolves however BigQuery lets a query
 * name it: `` `p.d.t` `` (one quoted path, as Dataform writes targets), `` `p`.`d`.`t` ``, `d.t`
 * in the default project, and `` `d.t` ``.
 */
export class Catalog {
  private readonly tables = new Map<string, CatalogTable>();
  private readonly constants = new Map<string, CatalogConstant>();

  constructor(
    readonly defaultProject: string,
    private readonly builtinFunctionOptions: Message
  ) {}

  setTable(table: CatalogTable): void {
    this.tables.set(table.name.toLowerCase(), table);
  }

  getTable(name: string): CatalogTable | undefined {
    return this.tables.get(stripQuotes(name).toLowerCase());
  }

  dropTable(name: string): void {
    this.tables.delete(stripQuotes(name).toLowerCase());
  }

  setConstant(constant: CatalogConstant): void {
    this.constants.set(constant.name.toLowerCase(), constant);
  }

  /** The end of a script (one action's statements): its temporary tables and variables go. */
  endScript(): void {
    for (const [key, table] of this.tables) if (table.temporary) this.tables.delete(key);
    this.constants.clear();
  }

  /**
   * The names a table is reachable by as one identifier (`` `p.d.t` ``, and `` `d.t` `` in the default
   * project): ZetaSQL's evaluator takes table contents by these names only.
   */
  flatNames(name: string): string[] {
    const parts = name.split(".");
    if (parts.length === 3 && parts[0]?.toLowerCase() === this.defaultProject.toLowerCase()) return [name, parts.slice(1).join(".")];
    return [name];
  }

  /**
   * The SimpleCatalogProto ZetaSQL resolves names against. `flatOnly` leaves out the nested
   * project and dataset catalogs, whose tables the evaluator cannot be given rows for.
   */
  toProto(options: { flatOnly?: boolean } = {}): Message {
    const root: Message = { name: "bigquery", table: [], catalog: [], constant: [], builtinFunctionOptions: this.builtinFunctionOptions };
    const nested = new Map<string, Message>();
    const child = (parent: Message, path: string, name: string): Message => {
      let catalog = nested.get(path);
      if (!catalog) {
        catalog = { name, table: [], catalog: [] };
        nested.set(path, catalog);
        (parent.catalog as Message[]).push(catalog);
      }
      return catalog;
    };
    let serial = 1;
    const tableProto = (table: CatalogTable, name: string): Message => ({
      name,
      serializationId: String(serial++),
      fullName: table.name,
      column: table.columns.map((column) => ({ name: column.name, type: column.type, isPseudoColumn: column.pseudo === true })),
    });
    for (const table of this.tables.values()) {
      const parts = table.name.split(".");
      for (const flat of this.flatNames(table.name)) (root.table as Message[]).push(tableProto(table, flat));
      if (parts.length !== 3 || options.flatOnly) continue;
      const [project, dataset, name] = parts as [string, string, string];
      const projectCatalog = child(root, project.toLowerCase(), project);
      const datasetCatalog = child(projectCatalog, `${project}.${dataset}`.toLowerCase(), dataset);
      (datasetCatalog.table as Message[]).push(tableProto(table, name));
      if (project.toLowerCase() === this.defaultProject.toLowerCase()) {
        const bareDataset = child(root, `~${dataset}`.toLowerCase(), dataset);
        (bareDataset.table as Message[]).push(tableProto(table, name));
      }
    }
    for (const constant of this.constants.values()) {
      (root.constant as Message[]).push({ namePath: [constant.name], type: constant.type, value: constant.value ?? {} });
    }
    return root;
  }
}

/** `` `p.d.t` `` and `p.d.t` name the same table. */
export function stripQuotes(name: string): string {
  return name
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") ? part.slice(1, -1) : part))
    .join("");
}
