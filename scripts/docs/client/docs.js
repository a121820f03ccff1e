// @ts-check
/**
 * The docs site's behaviour, in the browser: the action list, the detail of the action chosen, the
 * upstream and downstream highlight on the graph, and the search over tables and columns. Everything
 * comes from the model embedded in the page (`#docs-data`); nothing is fetched.
 * Type-checked by scripts/docs/client/tsconfig.json; read into the page by render-docs.ts.
 */

/**
 * @typedef {{ name: string, type?: string, duckdbType?: string, description?: string,
 *   lineage?: { kind: string, sources: string[], origins: string[], originsUnknown: boolean } }} Column
 * @typedef {{ id: string, name: string, type: string, layer: string, target: string, description?: string,
 *   grain?: string, tags: string[], fileName?: string, disabled?: boolean, columns: Column[], upstream: string[],
 *   downstream: string[], assertions: string[], checks?: string, parent?: string,
 *   sql: { bigquery?: string, duckdb?: string }, rows?: number,
 *   lastRun?: { status: string, seconds: number, rows?: number, error?: string } }} Action
 * @typedef {{ project: string, generatedAt: string, actions: Action[], edges: { from: string, to: string }[],
 *   layers: string[], warehouse?: { file: string, lastRun?: { startedAt: string, succeeded: boolean } } }} Model
 */

(function () {
  const dataElement = document.getElementById("docs-data");
  /** @type {Model} */
  const model = JSON.parse(dataElement ? dataElement.textContent || "{}" : "{}");
  /** @type {Map<string, Action>} */
  const actions = new Map(model.actions.map((action) => [action.id, action]));

  /** @param {string} id @returns {HTMLElement} */
  function byId(id) {
    const element = document.getElementById(id);
    if (!element) throw new Error(`the page has no #${id}`);
    return element;
  }

  /**
   * @param {string} tag
   * @param {Record<string, string>} [attributes]
   * @param {(Node | string)[]} [children]
   */
  function element(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  /** @param {string} layer */
  function layerClass(layer) {
    const index = model.layers.indexOf(layer);
    return `layer-${index < 0 ? 0 : index % 8}`;
  }

  /** Every action reachable by following `next` from `start`, `start` excluded. @param {string} start @param {(id: string) => string[]} next */
  function reachable(start, next) {
    const seen = new Set();
    const queue = [...next(start)];
    while (queue.length > 0) {
      const id = /** @type {string} */ (queue.shift());
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(...next(id));
    }
    return seen;
  }

  /** @param {string} id */
  const upstreamOf = (id) => actions.get(id)?.upstream ?? [];
  /** @param {string} id */
  const downstreamOf = (id) => actions.get(id)?.downstream ?? [];

  /** A link that opens an action. @param {string} id @param {string} [text] */
  function actionLink(id, text) {
    const action = actions.get(id);
    const link = element("a", { href: `#${encodeURIComponent(id)}`, "data-id": id, class: action ? layerClass(action.layer) : "" }, [text ?? id]);
    return link;
  }

  function renderList() {
    const list = byId("action-list");
    list.replaceChildren();
    for (const layer of model.layers) {
      const members = model.actions.filter((action) => action.layer === layer).sort((a, b) => a.name.localeCompare(b.name));
      if (members.length === 0) continue;
      const items = members.map((action) => element("li", { "data-id": action.id }, [actionLink(action.id, action.name), element("span", { class: "type" }, [action.type])]));
      list.append(element("li", { class: `layer ${layerClass(layer)}` }, [element("h3", {}, [`${layer} (${members.length})`]), element("ul", {}, items)]));
    }
  }

  /** @param {string} label @param {string | number | undefined} value */
  function fact(label, value) {
    return value === undefined || value === "" ? [] : [element("dt", {}, [label]), element("dd", {}, [String(value)])];
  }

  /** @param {Action} action */
  function describeRun(action) {
    if (!action.lastRun) return undefined;
    const rows = action.lastRun.rows === undefined ? "" : `, ${action.lastRun.rows.toLocaleString("en-US")} rows`;
    return `${action.lastRun.status} in ${action.lastRun.seconds.toFixed(2)}s${rows}${action.lastRun.error ? `: ${action.lastRun.error}` : ""}`;
  }

  /** @param {string[]} ids @param {string} listId */
  function actionList(ids, listId) {
    if (ids.length === 0) return element("p", { id: listId, class: "empty" }, ["none"]);
    return element("ul", { id: listId, class: "links" }, ids.map((id) => element("li", { "data-id": id }, [actionLink(id)])));
  }

  /** @param {Column} column */
  function lineageCell(column) {
    const lineage = column.lineage;
    if (!lineage) return element("td", { class: "lineage unknown" }, ["not traced"]);
    if (lineage.kind === "unknown") return element("td", { class: "lineage unknown" }, ["unknown: ZetaSQL's resolved statement could not be followed"]);
    if (lineage.kind === "none") return element("td", { class: "lineage" }, ["from no column (a literal, a count of rows, the date)"]);
    const sources = lineage.sources.map((source) => element("code", {}, [source]));
    const cell = element("td", { class: "lineage" }, [element("span", { class: "kind" }, [lineage.kind === "identity" ? "copied from " : "computed from "]), ...joinWith(sources, ", ")]);
    const origins = lineage.origins.filter((origin) => !lineage.sources.includes(origin));
    if (origins.length > 0 || lineage.originsUnknown) {
      const originNodes = lineage.origins.map((origin) => element("code", {}, [origin]));
      cell.append(element("div", { class: "origins" }, ["back to ", ...joinWith(originNodes, ", "), lineage.originsUnknown ? " (partly unknown)" : ""]));
    }
    return cell;
  }

  /** @param {Node[]} nodes @param {string} separator */
  function joinWith(nodes, separator) {
    /** @type {(Node | string)[]} */
    const out = [];
    nodes.forEach((node, index) => {
      if (index > 0) out.push(separator);
      out.push(node);
    });
    return out;
  }

  /** @param {Action} action @param {string | undefined} focusColumn */
  function renderDetail(action, focusColumn) {
    const detail = byId("detail");
    detail.setAttribute("data-action", action.id);
    const header = element("header", {}, [element("h2", { class: layerClass(action.layer) }, [action.id]), element("span", { class: `badge type-${action.type}` }, [action.type])]);
    const facts = element("dl", { class: "facts" }, [
      ...fact("target", action.target),
      ...fact("file", action.fileName),
      ...fact("tags", action.tags.join(", ")),
      ...fact("rows", action.rows === undefined ? undefined : action.rows.toLocaleString("en-US")),
      ...fact("last run", describeRun(action)),
      ...fact("checks", action.checks),
      ...fact("disabled", action.disabled ? "yes: never run on this warehouse" : undefined),
    ]);
    /** @type {(Node | string)[]} */
    const parts = [header, facts];
    if (action.grain) parts.push(element("p", { class: "grain" }, [element("strong", {}, ["Grain: "]), action.grain]));
    if (action.description) parts.push(element("p", { class: "description" }, [action.description]));
    if (action.parent) parts.push(element("p", {}, ["Checks ", actionLink(action.parent)]));

    if (action.columns.length > 0) {
      const rows = action.columns.map((column) =>
        element("tr", { "data-column": column.name, class: column.name === focusColumn ? "focus" : "" }, [
          element("td", {}, [element("code", {}, [column.name])]),
          element("td", {}, [column.type ?? ""]),
          element("td", {}, [column.duckdbType ?? ""]),
          element("td", {}, [column.description ?? ""]),
          lineageCell(column),
        ])
      );
      const head = element("tr", {}, ["column", "BigQuery", "DuckDB", "description", "lineage"].map((title) => element("th", {}, [title])));
      parts.push(element("h3", {}, [`Columns (${action.columns.length})`]), element("div", { class: "scroll" }, [element("table", { id: "columns" }, [element("thead", {}, [head]), element("tbody", {}, rows)])]));
    }
    if (action.assertions.length > 0) {
      const items = action.assertions.map((id) => {
        const assertion = actions.get(id);
        const status = assertion?.lastRun ? assertion.lastRun.status : "not run";
        return element("li", { "data-id": id }, [actionLink(id, assertion ? assertion.name : id), element("span", { class: `status status-${status.replace(/\s/g, "-")}` }, [status]), element("div", { class: "checks" }, [assertion?.checks ?? ""])]);
      });
      parts.push(element("h3", {}, [`Assertions (${action.assertions.length})`]), element("ul", { id: "assertions", class: "links" }, items));
    }
    parts.push(
      element("div", { class: "neighbours" }, [
        element("section", {}, [element("h3", {}, ["Upstream"]), actionList(action.upstream, "upstream")]),
        element("section", {}, [element("h3", {}, ["Downstream"]), actionList(action.downstream, "downstream")]),
      ])
    );
    if (action.sql.bigquery || action.sql.duckdb) {
      parts.push(
        element("h3", {}, ["Compiled SQL"]),
        element("div", { class: "sql" }, [
          element("section", {}, [element("h4", {}, ["BigQuery (as dataform run sends it)"]), element("pre", { id: "sql-bigquery" }, [action.sql.bigquery ?? "(none)"])]),
          element("section", {}, [element("h4", {}, ["DuckDB (as ecom run executes it)"]), element("pre", { id: "sql-duckdb" }, [action.sql.duckdb ?? "(none)"])]),
        ])
      );
    }
    detail.replaceChildren(...parts);
  }

  /** @param {string} id */
  function highlight(id) {
    const up = reachable(id, upstreamOf);
    const down = reachable(id, downstreamOf);
    for (const node of document.querySelectorAll("#graph .node")) {
      const nodeId = node.getAttribute("data-id") ?? "";
      node.classList.toggle("selected", nodeId === id);
      node.classList.toggle("upstream", up.has(nodeId));
      node.classList.toggle("downstream", down.has(nodeId));
      node.classList.toggle("dimmed", nodeId !== id && !up.has(nodeId) && !down.has(nodeId));
    }
    for (const edge of document.querySelectorAll("#graph .edge")) {
      const from = edge.getAttribute("data-from") ?? "";
      const to = edge.getAttribute("data-to") ?? "";
      const onPath = up.has(from) && (to === id || up.has(to));
      const below = down.has(to) && (from === id || down.has(from));
      edge.classList.toggle("upstream", onPath);
      edge.classList.toggle("downstream", below);
      edge.classList.toggle("dimmed", !onPath && !below);
    }
    for (const item of document.querySelectorAll("#action-list li[data-id]")) item.classList.toggle("selected", item.getAttribute("data-id") === id);
  }

  /** Scales the graph down to fit the width, to 60% at most; smaller screens scroll it. */
  function fitGraph() {
    const container = byId("graph");
    const svg = container.querySelector("svg");
    if (!svg) return;
    const width = Number(svg.getAttribute("width"));
    const height = Number(svg.getAttribute("height"));
    const scale = Math.max(0.6, Math.min(1, (container.clientWidth - 2) / width));
    svg.style.width = `${Math.round(width * scale)}px`;
    svg.style.height = `${Math.round(height * scale)}px`;
  }

  /** Scrolls the graph, not the page, so that the chosen node is in the middle of it. @param {string} id */
  function centreOn(id) {
    const container = byId("graph");
    const node = container.querySelector(`.node[data-id="${CSS.escape(id)}"]`);
    if (!node) return;
    const box = node.getBoundingClientRect();
    const frame = container.getBoundingClientRect();
    container.scrollLeft += box.left - frame.left - (frame.width - box.width) / 2;
    container.scrollTop += box.top - frame.top - (frame.height - box.height) / 2;
  }

  /** @param {string} id @param {string} [column] */
  function select(id, column) {
    const action = actions.get(id);
    if (!action) return;
    renderDetail(action, column);
    highlight(id);
    centreOn(id);
    document.body.setAttribute("data-selected", id);
    const hash = `#${encodeURIComponent(id)}${column ? `/${encodeURIComponent(column)}` : ""}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
    if (column) document.querySelector(`#columns tr[data-column="${CSS.escape(column)}"]`)?.scrollIntoView({ block: "center" });
  }

  /** @param {string} text */
  function search(text) {
    const results = byId("search-results");
    const query = text.trim().toLowerCase();
    if (query === "") {
      results.replaceChildren();
      results.hidden = true;
      return;
    }
    /** @type {HTMLElement[]} */
    const found = [];
    for (const action of model.actions) {
      if (action.id.toLowerCase().includes(query)) found.push(element("li", { "data-id": action.id, class: "result-action" }, [actionLink(action.id), element("span", { class: "type" }, [action.type])]));
      for (const column of action.columns) {
        if (!column.name.toLowerCase().includes(query) && !(column.description ?? "").toLowerCase().includes(query)) continue;
        const link = element("a", { href: `#${encodeURIComponent(action.id)}/${encodeURIComponent(column.name)}`, "data-id": action.id, "data-column": column.name }, [`${action.id}.${column.name}`]);
        found.push(element("li", { class: "result-column", "data-id": action.id, "data-column": column.name }, [link, element("span", { class: "type" }, [column.type ?? ""])]));
      }
    }
    results.replaceChildren(...(found.length > 0 ? found.slice(0, 200) : [element("li", { class: "empty" }, [`nothing matches "${text}"`])]));
    results.hidden = false;
  }

  document.addEventListener("click", (event) => {
    const target = /** @type {Element | null} */ (event.target instanceof Element ? event.target.closest("[data-id]") : null);
    if (!target) return;
    const id = target.getAttribute("data-id");
    if (!id || !actions.has(id)) return;
    event.preventDefault();
    select(id, target.getAttribute("data-column") ?? undefined);
  });
  const searchBox = /** @type {HTMLInputElement} */ (byId("search"));
  searchBox.addEventListener("input", () => search(searchBox.value));

  renderList();
  fitGraph();
  window.addEventListener("resize", fitGraph);
  const [hashId, hashColumn] = decodeURIComponent(location.hash.slice(1)).split("/");
  const first = model.actions.find((action) => action.type !== "declaration" && action.type !== "assertion" && action.type !== "test");
  const initial = hashId && actions.has(hashId) ? hashId : first?.id;
  if (initial) select(initial, hashColumn);
  document.body.setAttribute("data-ready", "true");
})();
