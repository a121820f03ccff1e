import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { EcomError } from "../errors";

/**
 * ZetaSQL, Google's GoogleSQL front end (the analyzer BigQuery is built on), as a local gRPC service:
 * the `@fivetrandevelopers/zetasql` package ships its `remote_server` binary. This module starts one
 * on a free loopback port, talks to it, and stops it by its pid. No network beyond 127.0.0.1.
 */

/** ZetaSQL itself failed to start, or is not installed. */
export class ZetaSqlUnavailableError extends EcomError {}

/** A statement ZetaSQL refused, or a query that failed on its rows: its message, as ZetaSQL words it (`... [at 3:14]`). */
export class ZetaSqlError extends EcomError {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number
  ) {
    super(message);
  }
}

/* The service's messages are used as plain objects: proto-loader's `oneofs` gives each oneof a
 * string naming the field set, which is how results are read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = Record<string, any>;

type Method = (request: Message, callback: (error: GrpcError | null, response: Message) => void) => void;

interface GrpcError extends Error {
  code?: number;
  details?: string;
}

const PACKAGE = "@fivetrandevelopers/zetasql";
/** gRPC's INVALID_ARGUMENT: how the service says a statement does not analyze. */
const INVALID_ARGUMENT = 3;
/** gRPC's OUT_OF_RANGE: how the evaluator says a query failed on its rows (`Bad int64 value: B`), as BigQuery would when running it. */
const OUT_OF_RANGE = 11;
const MESSAGE_LIMIT = 256 * 1024 * 1024;

export class ZetaSqlService {
  private constructor(
    private readonly child: ChildProcess,
    private readonly methods: Record<string, Method>,
    private readonly close: () => void,
    readonly port: number
  ) {}

  /** Starts the server on a free port of 127.0.0.1 and waits until it answers. */
  static async start(): Promise<ZetaSqlService> {
    const packageDir = zetaSqlPackageDir();
    const binary = path.join(packageDir, "lib", "zetasql", serverBinaryName());
    const port = await freePort();
    const child = spawn(binary, ["127.0.0.1", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
    const output: string[] = [];
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const fail = (reason: string) =>
        reject(new ZetaSqlUnavailableError(`Could not start the ZetaSQL server (${binary}): ${reason}${output.length ? `\n${output.join("").trim()}` : ""}`));
      child.once("error", (error) => fail(error.message));
      child.once("exit", (code, signal) => fail(`it exited (${signal ?? `code ${code}`}) before listening`));
      const poll = setInterval(() => {
        if (output.join("").includes("listening")) {
          clearInterval(poll);
          child.removeAllListeners("exit");
          child.removeAllListeners("error");
          resolve();
        }
      }, 5);
      child.once("exit", () => clearInterval(poll));
    });
    const { methods, close } = connect(packageDir, port);
    // A server that outlives its client would hold its port: never let it outlive this process.
    const stopOnExit = () => child.kill("SIGKILL");
    process.once("exit", stopOnExit);
    const service = new ZetaSqlService(child, methods, () => {
      close();
      process.removeListener("exit", stopOnExit);
    }, port);
    return service;
  }

  /** The server's pid, so tests can check it is gone after stop(). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Calls one method of the service; a refused statement becomes a ZetaSqlError with its location. */
  async call(method: string, request: Message): Promise<Message> {
    const fn = this.methods[method];
    if (!fn) throw new Error(`ZetaSQL has no method ${method}`);
    return new Promise((resolve, reject) => {
      fn(request, (error, response) => {
        if (!error) return resolve(response);
        if (error.code === INVALID_ARGUMENT || error.code === OUT_OF_RANGE) return reject(toZetaSqlError(error.details ?? error.message));
        reject(new ZetaSqlUnavailableError(`ZetaSQL ${method} failed: ${error.details ?? error.message}`, { cause: error }));
      });
    });
  }

  /** Stops the server (SIGKILL to its pid) and waits until it is gone. */
  async stop(): Promise<void> {
    this.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGKILL");
    });
  }
}

/** Runs `work` with a server started for it, and stops the server whatever happens. */
export async function withZetaSql<T>(work: (service: ZetaSqlService) => Promise<T>): Promise<T> {
  const service = await ZetaSqlService.start();
  try {
    return await work(service);
  } finally {
    await service.stop();
  }
}

function toZetaSqlError(details: string): ZetaSqlError {
  const location = /\[at (\d+):(\d+)\]\s*$/.exec(details);
  return location ? new ZetaSqlError(details, Number(location[1]), Number(location[2])) : new ZetaSqlError(details);
}

function zetaSqlPackageDir(): string {
  try {
    return path.dirname(require.resolve(`${PACKAGE}/package.json`));
  } catch (error) {
    throw new ZetaSqlUnavailableError(
      `ZetaSQL (${PACKAGE}) is not installed. It is a development dependency: run \`npm install\` (without --omit=dev).`,
      { cause: error }
    );
  }
}

function serverBinaryName(): string {
  if (process.platform !== "linux" && process.platform !== "darwin") {
    throw new ZetaSqlUnavailableError(`ZetaSQL's server is built for Linux and macOS only, not ${process.platform}.`);
  }
  const arm = process.arch.startsWith("arm");
  return `remote_server${arm ? "_arm" : ""}${process.platform === "linux" ? ".so" : ""}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function connect(packageDir: string, port: number): { methods: Record<string, Method>; close: () => void } {
  // Loaded lazily: the tooling's other commands never need gRPC.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const protoLoader = require("@grpc/proto-loader") as typeof import("@grpc/proto-loader");
  const definition = protoLoader.loadSync("local_service.proto", {
    includeDirs: [path.join(packageDir, "lib", "zetasql", "protos")],
    oneofs: true,
    enums: String,
    longs: String,
    defaults: false,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    zetasql: { local_service: { ZetaSqlLocalService: new (address: string, credentials: unknown, options: object) => Record<string, Method> & { close(): void } } };
  };
  const client = new loaded.zetasql.local_service.ZetaSqlLocalService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_send_message_length": MESSAGE_LIMIT,
    "grpc.max_receive_message_length": MESSAGE_LIMIT,
  });
  const methods: Record<string, Method> = {};
  for (const name of ["analyze", "parse", "evaluateQuery", "evaluateModify", "getLanguageOptions", "formatSql"]) {
    const fn = client[name];
    if (typeof fn === "function") methods[name] = fn.bind(client) as Method;
  }
  return { methods, close: () => client.close() };
}
