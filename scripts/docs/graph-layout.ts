import * as dagre from "@dagrejs/dagre";
import type { DocsModel } from "./docs-model";

export interface LaidOutNode {
  id: string;
  label: string;
  layer: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LaidOutEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

const NODE_HEIGHT = 30;
/** Monospace at 12px: about 7.3px a character, plus padding. */
const CHARACTER_WIDTH = 7.3;
const NODE_PADDING = 22;
const MARGIN = 16;

/**
 * The dependency graph laid out by dagre (a maintained layered layout: Sugiyama's method), left to
 * right, at build time, so the page only draws it. Tables, views, operations and declarations are
 * drawn; assertions and unit tests are listed with the table they check.
 */
export function layoutGraph(model: DocsModel): GraphLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 56, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  const drawn = model.actions.filter((action) => action.type !== "assertion" && action.type !== "test");
  const ids = new Set(drawn.map((action) => action.id));
  for (const action of drawn) {
    graph.setNode(action.id, { width: Math.round(action.name.length * CHARACTER_WIDTH + NODE_PADDING), height: NODE_HEIGHT });
  }
  const edges = model.edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to));
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  dagre.layout(graph);
  const nodes = drawn.map((action) => {
    const node = graph.node(action.id);
    return { id: action.id, label: action.name, layer: action.layer, type: action.type, x: node.x, y: node.y, width: node.width, height: node.height };
  });
  const laidOutEdges = edges.map((edge) => ({ from: edge.from, to: edge.to, points: graph.edge(edge.from, edge.to).points.map((point: { x: number; y: number }) => ({ x: point.x, y: point.y })) }));
  const label = graph.graph();
  return { width: Math.ceil(label.width ?? 0), height: Math.ceil(label.height ?? 0), nodes, edges: laidOutEdges };
}
