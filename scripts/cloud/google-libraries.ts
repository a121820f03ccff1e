/**
 * Google's client libraries, loaded by the first call that needs one, not at every command's start:
 * with google-gax and google-auth-library they take some 0.3 s to load, and local runs never use
 * them. Their types come from `import type`, which loads nothing.
 */

export function storageLibrary(): typeof import("@google-cloud/storage") {
  return require("@google-cloud/storage");
}

export function bigQueryLibrary(): typeof import("@google-cloud/bigquery") {
  return require("@google-cloud/bigquery");
}

export function dataformLibrary(): typeof import("@google-cloud/dataform") {
  return require("@google-cloud/dataform");
}

export function authLibrary(): typeof import("google-auth-library") {
  return require("google-auth-library");
}
