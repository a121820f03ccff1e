/** The parsed options the commands share, and the parsers of their values. */
import { InvalidArgumentError } from "commander";
import { loadProjectConfig, type ProjectConfig } from "../config";
import type { LoadOptions } from "../loader/duckdb-loader";
import type { TextEncoding } from "../loader/file-probe";

export interface RunOptions {
  db: string;
  vars?: string;
  projectDir: string;
  fullRefresh: boolean;
  actions?: string[];
  tags?: string[];
  includeDeps: boolean;
  includeDependents: boolean;
  runTests: boolean;
  compileCache: boolean;
}

export interface CloudFlags {
  project?: string;
  location?: string;
  bucket?: string;
  projectDir: string;
}

export function cloudConfig(flags: CloudFlags): ProjectConfig {
  return loadProjectConfig(flags.projectDir, {
    ...(flags.project ? { projectId: flags.project } : {}),
    ...(flags.location ? { location: flags.location } : {}),
    ...(flags.bucket ? { bucket: flags.bucket } : {}),
  });
}

export type PipelineFlags = RunOptions & LoadFlags & CloudFlags & { source?: string[]; rows: number; seed: number; warehouse: "duckdb" | "bigquery"; dryRun: boolean };

export interface LoadFlags {
  encoding?: TextEncoding;
  maxBadLines: number;
  force: boolean;
  allowCopies: boolean;
  verbose?: boolean;
}

export function loadOptions(flags: LoadFlags): Omit<LoadOptions, "identity"> {
  return { ...(flags.encoding ? { encoding: flags.encoding } : {}), maxBadLines: flags.maxBadLines, force: flags.force, allowCopies: flags.allowCopies };
}

export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${JSON.stringify(value)} is not a whole number.`);
  return Number(value);
}

export function nonNegativeInteger(value: string): number {
  const number = integer(value.replace(/_/g, ""));
  if (number < 0) throw new InvalidArgumentError(`${JSON.stringify(value)} must be 0 or more.`);
  return number;
}

export function positiveInteger(value: string): number {
  const number = integer(value.replace(/_/g, ""));
  if (number < 1) throw new InvalidArgumentError(`${JSON.stringify(value)} must be at least 1.`);
  return number;
}
