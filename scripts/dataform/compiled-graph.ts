/**
 * The parts of `dataform compile --json` output that the local runner reads. Field names are
 * Dataform's; everything not listed here is ignored.
 */
export interface Target {
  database?: string;
  schema: string;
  name: string;
}

export interface ActionDescriptor {
  description?: string;
  columns?: { path?: string[]; description?: string; tags?: string[] }[];
}

export interface ActionBase {
  target: Target;
  actionDescriptor?: ActionDescriptor;
  fileName?: string;
  dependencyTargets?: Target[];
  tags?: string[];
  disabled?: boolean;
}

export interface CompiledTable extends ActionBase {
  type: "table" | "view" | "incremental";
  query: string;
  incrementalQuery?: string;
  preOps?: string[];
  postOps?: string[];
  incrementalPreOps?: string[];
  incrementalPostOps?: string[];
  uniqueKey?: string[];
  protected?: boolean;
  bigquery?: Record<string, unknown>;
}

export interface CompiledAssertion extends ActionBase {
  query: string;
  parentAction?: Target;
}

export interface CompiledOperation extends ActionBase {
  queries: string[];
  hasOutput?: boolean;
}

export type CompiledDeclaration = ActionBase;

export interface CompiledTest {
  name: string;
  fileName?: string;
  testQuery: string;
  expectedOutputQuery: string;
}

export interface GraphError {
  fileName?: string;
  actionName?: string;
  message?: string;
  stack?: string;
}

export interface CompiledGraph {
  tables?: CompiledTable[];
  assertions?: CompiledAssertion[];
  operations?: CompiledOperation[];
  declarations?: CompiledDeclaration[];
  tests?: CompiledTest[];
  projectConfig?: { vars?: Record<string, string>; defaultDatabase?: string; defaultSchema?: string };
  graphErrors?: { compilationErrors?: GraphError[] };
}

/** `schema.name`: how actions are named in reports and selected on the command line. */
export function targetName(target: Target): string {
  return `${target.schema}.${target.name}`;
}
