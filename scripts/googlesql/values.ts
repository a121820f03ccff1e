import type { Message } from "./zetasql-service";
import type { TypeProto } from "./types";

/**
 * ZetaSQL values (ValueProto) to and from the JSON shape DuckDB's `getRowObjectsJson` gives rows, so
 * that one table evaluated by GoogleSQL and the same table run on DuckDB compare value for value:
 * INT64 and NUMERIC as decimal strings (NUMERIC with its 9 decimals, `1.500000000`), DATE as
 * `YYYY-MM-DD`, DATETIME and TIMESTAMP (UTC) as `YYYY-MM-DD HH:MM:SS[.ffffff]`, FLOAT64 as a number.
 */
export type JsonValue = string | number | boolean | null;

const NUMERIC_SCALE = 9;
const BIGNUMERIC_SCALE = 38;
const DAY_MS = 86_400_000;

/** A ValueProto of `type` as the JSON value DuckDB would give. */
export function decodeValue(value: Message | undefined, type: TypeProto): JsonValue {
  // NULL has no field set. ZetaSQL's answers also name the set field (`value`); encodeValue's do not.
  if (!value || Object.keys(value).every((key) => key === "value")) return null;
  switch (String(type.typeKind)) {
    case "TYPE_STRING":
      return String(value.stringValue);
    case "TYPE_INT64":
      return String(value.int64Value);
    case "TYPE_BOOL":
      return Boolean(value.boolValue);
    case "TYPE_DOUBLE":
      return Number(value.doubleValue);
    case "TYPE_NUMERIC":
      return scaledToDecimal(fromTwosComplement(toBuffer(value.numericValue)), NUMERIC_SCALE);
    case "TYPE_BIGNUMERIC":
      return scaledToDecimal(fromTwosComplement(toBuffer(value.bignumericValue)), BIGNUMERIC_SCALE);
    case "TYPE_DATE":
      return new Date(Number(value.dateValue) * DAY_MS).toISOString().slice(0, 10);
    case "TYPE_DATETIME":
      return decodeDatetime(value.datetimeValue as Message);
    case "TYPE_TIMESTAMP":
      return decodeTimestamp(value.timestampValue as Message);
    default:
      throw new Error(`Values of type ${String(type.typeKind)} are not compared here`);
  }
}

/** A JSON value (DuckDB's shape, or plain JavaScript) as a ValueProto of `type`; null is SQL NULL. */
export function encodeValue(value: JsonValue | undefined, type: TypeProto): Message {
  if (value === null || value === undefined) return {};
  const text = String(value);
  switch (String(type.typeKind)) {
    case "TYPE_STRING":
      return { stringValue: text };
    case "TYPE_INT64":
      return { int64Value: BigInt(text).toString() };
    case "TYPE_BOOL":
      return { boolValue: value === true || text === "true" };
    case "TYPE_DOUBLE":
      return { doubleValue: Number(value) };
    case "TYPE_NUMERIC":
      return { numericValue: toTwosComplement(decimalToScaled(text, NUMERIC_SCALE)) };
    case "TYPE_BIGNUMERIC":
      return { bignumericValue: toTwosComplement(decimalToScaled(text, BIGNUMERIC_SCALE)) };
    case "TYPE_DATE":
      return { dateValue: Math.round(Date.parse(`${text.slice(0, 10)}T00:00:00Z`) / DAY_MS) };
    case "TYPE_DATETIME":
      return { datetimeValue: encodeDatetime(text) };
    case "TYPE_TIMESTAMP": {
      const { seconds, nanos } = splitInstant(text);
      return { timestampValue: { seconds: seconds.toString(), nanos } };
    }
    default:
      throw new Error(`Values of type ${String(type.typeKind)} cannot be written here`);
  }
}

/* DATETIME is a bit field: year << 26 | month << 22 | day << 17 | hour << 12 | minute << 6 | second (ZetaSQL civil_time). */
function decodeDatetime(datetime: Message): string {
  const bits = BigInt(String(datetime.bitFieldDatetimeSeconds ?? "0"));
  const field = (shift: number, width: number) => Number((bits >> BigInt(shift)) & ((1n << BigInt(width)) - 1n));
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const text = `${pad(field(26, 14), 4)}-${pad(field(22, 4))}-${pad(field(17, 5))} ${pad(field(12, 5))}:${pad(field(6, 6))}:${pad(field(0, 6))}`;
  return text + fraction(Number(datetime.nanos ?? 0));
}

function encodeDatetime(text: string): Message {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text);
  if (!match) throw new Error(`${JSON.stringify(text)} is not a DATETIME (YYYY-MM-DD HH:MM:SS)`);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => BigInt(part ?? "0")) as bigint[];
  const bits = ((year as bigint) << 26n) | ((month as bigint) << 22n) | ((day as bigint) << 17n) | ((hour as bigint) << 12n) | ((minute as bigint) << 6n) | (second as bigint);
  return { bitFieldDatetimeSeconds: bits.toString(), nanos: Number((match[7] ?? "").padEnd(9, "0")) };
}

function decodeTimestamp(timestamp: Message): string {
  const seconds = Number(timestamp.seconds ?? 0);
  const base = new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ");
  return base + fraction(Number(timestamp.nanos ?? 0));
}

function splitInstant(text: string): { seconds: bigint; nanos: number } {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]00(?::?00)?)?$/.exec(text);
  if (!match) throw new Error(`${JSON.stringify(text)} is not a UTC TIMESTAMP (YYYY-MM-DD HH:MM:SS)`);
  const milliseconds = Date.parse(`${match[1]}T${match[2]}Z`);
  return { seconds: BigInt(milliseconds / 1000), nanos: Number((match[3] ?? "").padEnd(9, "0")) };
}

/** DuckDB prints fractions of a second to the microsecond, without trailing zeros (`.214`, not `.214000`). */
function fraction(nanos: number): string {
  if (nanos === 0) return "";
  return `.${String(Math.floor(nanos / 1000)).padStart(6, "0")}`.replace(/0+$/, "");
}

function toBuffer(bytes: unknown): Buffer {
  if (Buffer.isBuffer(bytes)) return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes);
  if (typeof bytes === "string") return Buffer.from(bytes, "base64");
  return Buffer.alloc(0);
}

/* NUMERIC and BIGNUMERIC travel as the scaled integer, little-endian two's complement, shortest form. */
function fromTwosComplement(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  let result = 0n;
  for (let index = bytes.length - 1; index >= 0; index -= 1) result = (result << 8n) | BigInt(bytes[index] as number);
  const negative = ((bytes[bytes.length - 1] as number) & 0x80) !== 0;
  return negative ? result - (1n << BigInt(bytes.length * 8)) : result;
}

function toTwosComplement(value: bigint): Buffer {
  const bytes: number[] = [];
  let current = value;
  for (;;) {
    const byte = Number(current & 0xffn);
    bytes.push(byte);
    current >>= 8n;
    const signBitClear = (byte & 0x80) === 0;
    if ((current === 0n && signBitClear) || (current === -1n && !signBitClear)) break;
  }
  return Buffer.from(bytes);
}

function scaledToDecimal(scaled: bigint, scale: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function decimalToScaled(text: string, scale: number): bigint {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) throw new Error(`${JSON.stringify(text)} is not a decimal number`);
  const fractionDigits = (match[3] ?? "").padEnd(scale, "0");
  if (fractionDigits.length > scale && /[1-9]/.test(fractionDigits.slice(scale))) throw new Error(`${text} has more than ${scale} decimals`);
  const magnitude = BigInt(`${match[2] || "0"}${fractionDigits.slice(0, scale)}`);
  return match[1] === "-" ? -magnitude : magnitude;
}
