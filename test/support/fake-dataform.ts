import type * as http from "node:http";
import { RecordingServer, sendJson, type Recorded } from "./recording-server";

type Resource = Record<string, unknown>;

/** A compilation error as the API reports it. */
export interface StandInCompilationError {
  message: string;
  path?: string;
  actionTarget?: { database?: string; schema?: string; name: string };
  stack?: string;
}

/** A failure to answer instead of the normal response: the first whose method and path match. */
export interface InjectedFailure {
  method: string;
  path: RegExp;
  status: 403 | 404 | 429 | 500;
  message: string;
}

/** The fixed commit every stand-in compilation resolves to. */
export const STAND_IN_COMMIT = "0123456789abcdef0123456789abcdef01234567";

/**
 * A stand-in for the Dataform API v1 (REST) on 127.0.0.1: get, create, patch and delete of release
 * and workflow configurations, and create of compilation results, in the repositories it knows. A
 * patch applies the update mask as the API does (each named top-level field replaced by the body's,
 * or cleared when the body has none); answers carry output-only fields, as the real ones do, so the
 * client must ignore them. Compilation errors and HTTP failures are injected per test.
 */
export class DataformStandIn extends RecordingServer {
  readonly repositories = new Set<string>();
  readonly configs = new Map<string, Resource>();
  readonly compilationResults = new Map<string, Resource>();
  /** What the next compilations report; empty: they compile. */
  compilationErrors: StandInCompilationError[] = [];
  readonly failures: InjectedFailure[] = [];
  private nextCompilation = 1;

  static start(): Promise<DataformStandIn> {
    return new DataformStandIn().listen();
  }

  /** Forgets everything but the repositories given. */
  reset(...repositories: string[]): void {
    this.repositories.clear();
    for (const repository of repositories) this.repositories.add(repository);
    this.configs.clear();
    this.compilationResults.clear();
    this.compilationErrors = [];
    this.failures.length = 0;
    this.requests.length = 0;
    this.nextCompilation = 1;
  }

  protected route(request: Recorded, url: URL, res: http.ServerResponse): void {
    const failure = this.failures.find((candidate) => candidate.method === request.method && candidate.path.test(url.pathname));
    if (failure) return sendError(res, failure.status, failure.message);
    const match = /^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/repositories\/[^/]+)\/(releaseConfigs|workflowConfigs|compilationResults)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return sendError(res, 404, `The stand-in does not serve ${request.method} ${request.path}`);
    const [, repository = "", collection = "", id] = match;
    if (!this.repositories.has(repository)) return sendError(res, 404, `Repository ${repository} not found.`);
    if (collection === "compilationResults") {
      if (request.method === "POST" && id === undefined) return this.compile(res, repository, request.body as Resource);
      return sendError(res, 501, `The stand-in does not serve ${request.method} ${request.path}`);
    }
    const idParam = collection === "releaseConfigs" ? "releaseConfigId" : "workflowConfigId";
    if (request.method === "POST" && id === undefined) return this.create(res, `${repository}/${collection}/${request.query[idParam] ?? ""}`, request.body as Resource);
    const name = `${repository}/${collection}/${id ?? ""}`;
    const existing = this.configs.get(name);
    if (!existing) return sendError(res, 404, `${name} not found.`);
    if (request.method === "GET") return sendJson(res, 200, withOutputOnly(existing));
    if (request.method === "PATCH") return this.patch(res, existing, request.body as Resource, request.query.updateMask ?? "");
    if (request.method === "DELETE") {
      this.configs.delete(name);
      return sendJson(res, 200, {});
    }
    sendError(res, 501, `The stand-in does not serve ${request.method} ${request.path}`);
  }

  private create(res: http.ServerResponse, name: string, body: Resource): void {
    if (this.configs.has(name)) return sendError(res, 409, `${name} already exists.`);
    const resource = { ...body, name };
    this.configs.set(name, resource);
    sendJson(res, 200, withOutputOnly(resource));
  }

  private patch(res: http.ServerResponse, existing: Resource, body: Resource, updateMask: string): void {
    for (const path of updateMask.split(",").filter(Boolean)) {
      const field = path.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
      if (body[field] === undefined) delete existing[field];
      else existing[field] = body[field];
    }
    sendJson(res, 200, withOutputOnly(existing));
  }

  /** A compilation of a release configuration (which must exist) or of a commitish with its settings. */
  private compile(res: http.ServerResponse, repository: string, body: Resource): void {
    const releaseName = typeof body.releaseConfig === "string" ? body.releaseConfig : undefined;
    if (releaseName !== undefined && !this.configs.has(releaseName)) return sendError(res, 404, `${releaseName} not found.`);
    const name = `${repository}/compilationResults/stand-in-${this.nextCompilation++}`;
    const release = releaseName === undefined ? undefined : this.configs.get(releaseName);
    const result: Resource = {
      ...body,
      name,
      ...(release ? { codeCompilationConfig: release.codeCompilationConfig } : {}),
      resolvedGitCommitSha: STAND_IN_COMMIT,
      dataformCoreVersion: "3.0.62",
      compilationErrors: this.compilationErrors,
      createTime: "2024-01-03T00:00:00Z",
    };
    this.compilationResults.set(name, result);
    sendJson(res, 200, result);
  }
}

function withOutputOnly(resource: Resource): Resource {
  return String(resource.name).includes("/workflowConfigs/")
    ? { ...resource, createTime: "2024-01-01T00:00:00Z", updateTime: "2024-01-02T00:00:00Z", internalMetadata: "{}" }
    : { ...resource, internalMetadata: "{}" };
}

const STATUS_NAMES: Record<number, string> = {
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ALREADY_EXISTS",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
};

/** The error body of Google's REST APIs: { error: { code, message, status } }. */
function sendError(res: http.ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { code: status, message, status: STATUS_NAMES[status] ?? "UNKNOWN" } });
}
