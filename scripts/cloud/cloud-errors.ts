import { CloudError } from "../errors";
import { apiErrorCode, describeApiError } from "./gcs";
import { authLibrary } from "./google-libraries";

/**
 * One line for every way a Google Cloud call fails, saying what to do: no credentials, credentials
 * refused, no network, permission denied, not found, quota. The client libraries report these in
 * different shapes (google-gax: gRPC codes, also on its REST transport; Storage and BigQuery: HTTP
 * statuses; google-auth-library: plain messages; Node: system error codes), so they are sorted here.
 */

export type CloudFailureKind = "no-credentials" | "credentials-refused" | "unreachable" | "permission-denied" | "not-found" | "quota" | "other";

/** What to tell the reader for the failures that depend on the call. */
export interface FailureHints {
  /** For a 403: the role (and on what) the call needs, e.g. "roles/dataform.editor on the project". */
  permission?: string;
  /** For a 404: the missing resource and how to create it. */
  notFound?: string;
  /** Appended to every message, e.g. "Nothing was changed." */
  outcome?: string;
}

const NETWORK_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH", "EHOSTUNREACH", "ECONNABORTED", "UND_ERR_CONNECT_TIMEOUT"]);
/** gRPC status codes, which google-gax reports on both of its transports. */
const GRPC = { NOT_FOUND: 5, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;
const LOGIN = "run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file), then run this again";

/** Which kind of failure an error of a client library is. */
export function classifyCloudFailure(error: unknown): CloudFailureKind {
  const message = chainMessages(error);
  if (/Could not load the default credentials|Unable to detect a Project Id|Could not refresh access token.*metadata/i.test(message)) return "no-credentials";
  if (/invalid_grant|invalid_rapt|reauth|Invalid JWT|invalid_client|Request had invalid authentication credentials/i.test(message)) return "credentials-refused";
  const code = apiErrorCode(error);
  const status = (error as { status?: unknown } | null)?.status;
  if (code === 401 || code === GRPC.UNAUTHENTICATED || status === 401) return "credentials-refused";
  if (code === 403 || code === GRPC.PERMISSION_DENIED || status === 403 || status === "PERMISSION_DENIED") return "permission-denied";
  if (code === 404 || code === GRPC.NOT_FOUND || status === 404 || status === "NOT_FOUND") return "not-found";
  if (code === 429 || code === GRPC.RESOURCE_EXHAUSTED || status === 429 || status === "RESOURCE_EXHAUSTED") return "quota";
  if (systemCodes(error).some((systemCode) => NETWORK_CODES.has(systemCode))) return "unreachable";
  if (code === GRPC.UNAVAILABLE || /getaddrinfo|ECONNREFUSED|ENOTFOUND|socket hang up|network|fetch failed/i.test(message)) return "unreachable";
  return "other";
}

/**
 * The CloudError (or subclass `Kind`) for a failed call: `what` says which call ("Cannot read the release config X"),
 * then the kind of failure with the API's own words, then what to do.
 */
export function cloudFailure(error: unknown, what: string, hints: FailureHints = {}, Kind: new (message: string, options: { cause: unknown }) => CloudError = CloudError): CloudError {
  const detail = describeApiError(error);
  const outcome = hints.outcome ? ` ${hints.outcome}` : "";
  switch (classifyCloudFailure(error)) {
    case "no-credentials":
      return new Kind(`${what}: no Google Cloud credentials on this machine. To sign in, ${LOGIN}.${outcome}`, { cause: error });
    case "credentials-refused":
      return new Kind(`${what}: Google refused this machine's credentials (${detail}). Sign in again: ${LOGIN}.${outcome}`, { cause: error });
    case "unreachable":
      return new Kind(`${what}: Google Cloud cannot be reached (${detail}). Check the network connection (or proxy) and run this again.${outcome}`, { cause: error });
    case "permission-denied":
      return new Kind(
        `${what}: permission denied (${detail}). ${serviceDisabled(detail) ?? `The account signed in here needs ${hints.permission ?? "a role that allows this call"}: ask a project owner to grant it.`}${outcome}`,
        { cause: error }
      );
    case "not-found":
      return new Kind(`${what}: not found (${detail}). ${hints.notFound ?? "Check the project, region and names given."}${outcome}`, { cause: error });
    case "quota":
      return new Kind(`${what}: quota exceeded (${detail}). Wait a minute and run this again, or ask for more quota in the console (IAM & Admin > Quotas).${outcome}`, { cause: error });
    case "other":
      return new Kind(`${what} (${detail}).${outcome}`, { cause: error });
  }
}

/** True for an API's 404, on any transport. */
export function isNotFound(error: unknown): boolean {
  return classifyCloudFailure(error) === "not-found";
}

/**
 * Fails, in one line, before any API request, when no Google credentials can be had: the client
 * libraries would fail only on their first call, some (google-gax) with an unhandled rejection.
 * Skipped for a stand-in endpoint (ECOM_GCP_API_ENDPOINT), which takes no credentials.
 */
export async function requireCredentials(config: { apiEndpoint?: string }): Promise<void> {
  if (config.apiEndpoint) return;
  const restore = quietMetadataProbe();
  try {
    const { GoogleAuth } = authLibrary();
    await new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] }).getAccessToken();
  } catch (error) {
    throw cloudFailure(error, "Cannot sign in to Google Cloud", { outcome: "Nothing was sent." });
  } finally {
    restore();
  }
}

/**
 * Off Google Cloud, google-auth-library's look for a metadata server (how it finds credentials on
 * Compute Engine and Cloud Shell) fails and says so with a process warning, printed under our one
 * line. That failure is the expected answer here, so its warning is dropped; every other warning
 * still prints.
 */
export function quietMetadataProbe(): () => void {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const name = typeof warning === "string" ? (typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type) : warning.name;
    if (name === "MetadataLookupWarning") return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  return () => {
    process.emitWarning = emitWarning;
  };
}

/** A 403 because the API is not enabled in the project: the command that enables it. */
function serviceDisabled(detail: string): string | undefined {
  const match = /([a-z]+\.googleapis\.com)/.exec(detail);
  if (!/has not been used in project|is disabled|SERVICE_DISABLED/i.test(detail) || !match) return undefined;
  return `Enable the API: gcloud services enable ${match[1]} --project=PROJECT, then run this again.`;
}

function chainMessages(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    messages.push(current.message);
    current = current.cause;
  }
  if (messages.length === 0) messages.push(String(error));
  return messages.join(" | ");
}

function systemCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = current.cause;
  }
  return codes;
}
