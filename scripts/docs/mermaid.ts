import type { DocsModel } from "./docs-model";

/**
 * The dependency graph as a Mermaid flowchart (left to right, one subgraph per dataset), for people
 * who put it in their own docs: GitHub, GitLab and most wikis draw it as it is.
 */
export function toMermaid(model: DocsModel): string {
  const drawn = model.actions.filter((action) => action.type !== "assertion" && action.type !== "test");
  const ids = new Map(drawn.map((action, index) => [action.id, `n${index}`]));
  const lines = ["flowchart LR"];
  for (const layer of model.layers) {
    const members = drawn.filter((action) => action.layer === layer);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${safeId(layer)}["${label(layer)}"]`);
    for (const action of members) lines.push(`    ${ids.get(action.id)}["${label(action.name)}"]`);
    lines.push("  end");
  }
  for (const edge of model.edges) {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    if (from && to) lines.push(`  ${from} --> ${to}`);
  }
  return `${lines.join("\n")}\n`;
}

function safeId(text: string): string {
  return `layer_${text.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** Mermaid labels in double quotes take any text but a double quote. */
function label(text: string): string {
  return text.replace(/"/g, "#quot;");
}
