import { strict as assert } from "node:assert";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** One request a stand-in received, parsed, for assertions. */
export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/**
 * The plumbing of a stand-in for a Google Cloud REST API on 127.0.0.1: it listens on a free port,
 * records every request with its JSON body, and hands it to `route`. Subclasses say what they serve.
 */
export abstract class RecordingServer {
  readonly requests: Recorded[] = [];
  private server: http.Server | undefined;

  /** Starts listening; resolves to the stand-in itself. */
  async listen(): Promise<this> {
    const server = http.createServer((req, res) => {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (text += chunk));
      req.on("end", () => this.record(req, text, res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    return this;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** "GET /path" lines, query strings left out, for compact assertions. */
  lines(): string[] {
    return this.requests.map((request) => `${request.method} ${request.path}`);
  }

  protected abstract route(request: Recorded, url: URL, res: http.ServerResponse): void;

  private record(req: http.IncomingMessage, text: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request: Recorded = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: text === "" ? undefined : (JSON.parse(text) as unknown),
    };
    this.requests.push(request);
    this.route(request, url, res);
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * What every cloud test checks after each case: nothing left 127.0.0.1 (`isolation` is the FakeGcp
 * that watches outgoing connections and stands in for the metadata server), nothing probed the
 * metadata server, and no request to the stand-in carried credentials.
 */
export function assertIsolated(isolation: { foreignConnections: string[]; requests: unknown[] }, requests: Recorded[]): void {
  assert.deepEqual(isolation.foreignConnections, [], "only 127.0.0.1 may be contacted");
  assert.deepEqual(isolation.requests, [], "nothing may probe the metadata server");
  assert.deepEqual(
    requests.filter((request) => request.headers.authorization !== undefined).map((request) => request.path),
    [],
    "no request may carry credentials"
  );
}
