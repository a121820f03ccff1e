import { UsageError } from "../errors";
import { globMatcher } from "../glob";
import { targetName, type ActionBase, type CompiledGraph, type Target } from "../dataform/compiled-graph";

export interface Selection {
  /** Action names: `schema.name`, `database.schema.name` or a bare `name`, as patterns (scripts/glob.ts). */
  actions?: string[];
  tags?: string[];
  includeDependencies?: boolean;
  includeDependents?: boolean;
}

/**
 * The part of a compiled graph a run selects, as `dataform run` selects it: actions named by
 * `--actions` or carrying one of `--tags` (no selector: everything), then, if asked, their
 * transitive dependencies and dependents. An action selected by name brings its own built-in
 * assertions (Dataform has done so since 1.9.1). Declarations and tests are kept as they are.
 */
export function selectActions(graph: CompiledGraph, selection: Selection): CompiledGraph {
  const actions = selection.actions ?? [];
  const tags = selection.tags ?? [];
  if (actions.length === 0 && tags.length === 0) return graph;

  const all: ActionBase[] = [...(graph.tables ?? []), ...(graph.assertions ?? []), ...(graph.operations ?? [])];
  const names = all.map((action) => targetName(action.target));
  const selected = new Set<string>();
  for (const pattern of actions) {
    const matches = matchAction(pattern, all);
    if (matches.length === 0) {
      const bare = pattern.split(".").pop() ?? pattern;
      const similar = names.filter((name) => name.includes(bare.replace(/\*/g, ""))).slice(0, 5);
      throw new UsageError(
        `--actions ${pattern}: no such action in the graph.${similar.length ? ` Did you mean: ${similar.join(", ")}?` : ""}`
      );
    }
    for (const name of matches) selected.add(name);
  }
  const known = [...new Set(all.flatMap((action) => action.tags ?? []))].sort();
  for (const tag of tags) {
    if (!known.includes(tag)) {
      // Like an unknown action: running nothing and calling it a success would hide the typo.
      throw new UsageError(`--tags ${tag}: no action in the graph has this tag.${known.length ? ` Tags in the graph: ${known.join(", ")}.` : " No action has a tag."}`);
    }
  }
  for (const action of all) {
    if ((action.tags ?? []).some((tag) => tags.includes(tag))) selected.add(targetName(action.target));
  }
  if (selection.includeDependencies) addTransitively(selected, (name) => dependenciesOf(all, name));
  if (selection.includeDependents) addTransitively(selected, (name) => dependentsOf(all, name));
  // Built-in assertions of the actions selected by name or brought in above.
  for (const assertion of graph.assertions ?? []) {
    if (assertion.parentAction && selected.has(targetName(assertion.parentAction))) selected.add(targetName(assertion.target));
  }

  const keep = <T extends ActionBase>(list: T[] | undefined): T[] => (list ?? []).filter((action) => selected.has(targetName(action.target)));
  return { ...graph, tables: keep(graph.tables), assertions: keep(graph.assertions), operations: keep(graph.operations) };
}

/**
 * Names of the actions a pattern selects: by full name, schema.name or bare name, with the one
 * pattern rule `--source` uses (scripts/glob.ts): `*` and `?` stop only at a `/`, which no action
 * name holds, so `*` matches anything in a name; `{a,b}` and `[abc]` work too.
 */
function matchAction(pattern: string, actions: ActionBase[]): string[] {
  const matches = globMatcher(pattern);
  return actions
    .filter((action) => {
      const { database, schema, name } = action.target;
      const spellings = [name, `${schema}.${name}`, ...(database ? [`${database}.${schema}.${name}`] : [])];
      return spellings.some(matches);
    })
    .map((action) => targetName(action.target));
}

function dependenciesOf(actions: ActionBase[], name: string): string[] {
  const action = actions.find((candidate) => targetName(candidate.target) === name);
  return (action?.dependencyTargets ?? []).map(targetName);
}

function dependentsOf(actions: ActionBase[], name: string): string[] {
  return actions
    .filter((action) => (action.dependencyTargets ?? []).some((target: Target) => targetName(target) === name))
    .map((action) => targetName(action.target));
}

function addTransitively(selected: Set<string>, next: (name: string) => string[]): void {
  const queue = [...selected];
  while (queue.length > 0) {
    for (const name of next(queue.pop() as string)) {
      if (!selected.has(name)) {
        selected.add(name);
        queue.push(name);
      }
    }
  }
}
