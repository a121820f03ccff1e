import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../paths";
import type { DocsModel } from "./docs-model";
import { layoutGraph, type GraphLayout } from "./graph-layout";

const CLIENT_DIR = path.join(PROJECT_ROOT, "scripts", "docs", "client");

/**
 * The docs site as one self-contained HTML page: styles, the graph drawn as SVG from dagre's layout,
 * the model as JSON, and the page's script, all inline. A Content-Security-Policy of default-src
 * 'none' makes sure it requests nothing, so it opens offline from disk.
 */
export function renderDocs(model: DocsModel): string {
  const layout = layoutGraph(model);
  const styles = fs.readFileSync(path.join(CLIENT_DIR, "docs.css"), "utf8");
  const script = fs.readFileSync(path.join(CLIENT_DIR, "docs.js"), "utf8");
  const counts = countByType(model);
  const title = `${model.project || "Dataform project"}: docs and lineage`;
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${styles}</style>`,
    "</head>",
    "<body>",
    '<header class="page">',
    `<h1>${escapeHtml(title)}</h1>`,
    `<span class="meta">${escapeHtml(counts)} · built ${escapeHtml(model.generatedAt.slice(0, 16).replace("T", " "))} UTC${model.warehouse ? ` · warehouse ${escapeHtml(path.basename(model.warehouse.file))}` : ""}</span>`,
    '<div class="search-wrap"><input id="search" type="search" placeholder="Search tables and columns" aria-label="Search tables and columns" autocomplete="off"><ul id="search-results" hidden></ul></div>',
    "</header>",
    "<main>",
    '<nav aria-label="Actions"><ul id="action-list"></ul></nav>',
    '<div class="content">',
    `<div id="graph" data-nodes="${layout.nodes.length}">${renderGraph(layout, model.layers)}</div>`,
    `<div class="legend">${model.layers.map((layer, index) => `<span class="layer-${index % 8}">${escapeHtml(layer)}</span>`).join("")}</div>`,
    '<article id="detail"></article>',
    "</div>",
    "</main>",
    `<script type="application/json" id="docs-data">${jsonForScript(model)}</script>`,
    `<script>${script}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function renderGraph(layout: GraphLayout, layers: string[]): string {
  const layerIndex = (layer: string) => Math.max(0, layers.indexOf(layer)) % 8;
  const edges = layout.edges
    .map((edge) => {
      const [first, ...rest] = edge.points;
      if (!first) return "";
      const d = `M${round(first.x)},${round(first.y)} ${rest.map((point) => `L${round(point.x)},${round(point.y)}`).join(" ")}`;
      return `<path class="edge" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="${d}" marker-end="url(#arrow)"/>`;
    })
    .join("");
  const nodes = layout.nodes
    .map((node) => {
      const x = round(node.x - node.width / 2);
      const y = round(node.y - node.height / 2);
      return (
        `<g class="node layer-${layerIndex(node.layer)} type-${node.type}" data-id="${escapeHtml(node.id)}" role="button" tabindex="0">` +
        `<title>${escapeHtml(node.id)} (${escapeHtml(node.type)})</title>` +
        `<rect x="${x}" y="${y}" width="${round(node.width)}" height="${round(node.height)}"/>` +
        `<text x="${round(node.x)}" y="${round(node.y)}">${escapeHtml(node.label)}</text></g>`
      );
    })
    .join("");
  const arrow = '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#94a3b8"/></marker></defs>';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="Dependency graph">${arrow}${edges}${nodes}</svg>`;
}

function countByType(model: DocsModel): string {
  const counts = new Map<string, number>();
  for (const action of model.actions) counts.set(action.type, (counts.get(action.type) ?? 0) + 1);
  const order = ["declaration", "table", "view", "incremental", "operations", "assertion", "test"];
  return order.filter((type) => counts.has(type)).map((type) => `${counts.get(type)} ${type}${counts.get(type) === 1 || type === "operations" ? "" : "s"}`).join(", ");
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** JSON that cannot end the script element it sits in. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
