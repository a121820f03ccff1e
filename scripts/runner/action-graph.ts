import { EcomError } from "../errors";
import {
  targetName,
  type CompiledAssertion,
  type CompiledGraph,
  type CompiledOperation,
  type CompiledTable,
  type Target,
} from "../dataform/compiled-graph";

export type RunnableAction =
  | { kind: "table"; name: string; action: CompiledTable }
  | { kind: "assertion"; name: string; action: CompiledAssertion }
  | { kind: "operations"; name: string; action: CompiledOperation };

export interface PlannedAction {
  name: string;
  kind: RunnableAction["kind"];
  runnable: RunnableAction;
  /** Names of the runnable actions this one depends on (declarations are not actions). */
  dependencies: string[];
}

/**
 * The graph's executable actions in dependency order: every action after all the actions it
 * depends on, ties broken by name so that runs are repeatable. Disabled actions are left out.
 */
export function planActions(graph: CompiledGraph): PlannedAction[] {
  const runnables: RunnableAction[] = [
    ...(graph.tables ?? []).map((action): RunnableAction => ({ kind: "table", name: targetName(action.target), action })),
    ...(graph.assertions ?? []).map((action): RunnableAction => ({ kind: "assertion", name: targetName(action.target), action })),
    ...(graph.operations ?? []).map((action): RunnableAction => ({ kind: "operations", name: targetName(action.target), action })),
  ].filter((runnable) => !runnable.action.disabled);

  const byName = new Map(runnables.map((runnable) => [runnable.name, runnable]));
  const dependenciesOf = (targets: Target[] | undefined): string[] =>
    [...new Set((targets ?? []).map(targetName))].filter((name) => byName.has(name)).sort();

  const planned = new Map<string, PlannedAction>(
    runnables.map((runnable) => [
      runnable.name,
      { name: runnable.name, kind: runnable.kind, runnable, dependencies: dependenciesOf(runnable.action.dependencyTargets) },
    ])
  );
  return topologicalOrder([...planned.values()]);
}

function topologicalOrder(actions: PlannedAction[]): PlannedAction[] {
  const remaining = new Map(actions.map((action) => [action.name, new Set(action.dependencies)]));
  const dependents = new Map<string, string[]>();
  for (const action of actions) {
    for (const dependency of action.dependencies) dependents.set(dependency, [...(dependents.get(dependency) ?? []), action.name]);
  }
  const byName = new Map(actions.map((action) => [action.name, action]));
  const ready = actions.filter((action) => action.dependencies.length === 0).map((action) => action.name).sort();
  const ordered: PlannedAction[] = [];
  while (ready.length > 0) {
    const name = ready.shift() as string;
    ordered.push(byName.get(name) as PlannedAction);
    for (const dependent of dependents.get(name) ?? []) {
      const waiting = remaining.get(dependent) as Set<string>;
      waiting.delete(name);
      if (waiting.size === 0) {
        ready.push(dependent);
        ready.sort();
      }
    }
  }
  if (ordered.length !== actions.length) {
    const stuck = actions.filter((action) => !ordered.includes(action)).map((action) => action.name);
    throw new EcomError(`The graph has a dependency cycle among: ${stuck.join(", ")}.`);
  }
  return ordered;
}
