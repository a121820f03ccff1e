/**
 * A deterministic synthetic Online Retail export, shaped like the UCI `data.csv` (same header, same
 * date and number writing, the same kinds of dirt), used as the default demo input and for benchmarks.
 *
 * The same (rows, seed) always gives a byte-identical file: every random choice comes from a seeded
 * PRNG, the product catalogue from a fixed seed, and no clock or locale is consulted.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { writeAtomicallyWith } from "../atomic-write";
import { EcomError, UsageError } from "../errors";
import contract = require("../../includes/contract");

export interface GenerateOptions {
  rows: number;
  seed: number;
  out: string;
  onProgress?: (rowsWritten: number) => void;
}

export interface GenerateStats {
  /** Data lines written (header not counted). */
  rows: number;
  /** Lines written deliberately so that staging must reject them. */
  untypeableLines: number;
  /** Keys among UNTYPEABLE_REASONS. */
  untypeableByReason: Record<string, number>;
  /** Typeable lines whose CustomerID field is empty. */
  linesWithoutCustomer: number;
  /** Typeable lines whose InvoiceNo starts with 'C'. */
  cancellationLines: number;
  /** Lines that are exact byte copies of an earlier line (always the line just before). */
  duplicateLines: number;
  /** 'YYYY-MM-DD' of the earliest InvoiceDate among typeable lines. */
  firstDate: string;
  /** 'YYYY-MM-DD' of the latest InvoiceDate among typeable lines. */
  lastDate: string;
}

/** The header of the UCI data.csv, byte for byte, as the data contract writes it. */
export const CSV_HEADER: string = contract.SOURCE_HEADER_LINE;

/** Largest `rows` accepted: beyond it the file would not be a reasonable demo or benchmark input. */
export const MAX_ROWS = 50_000_000;

/** Reasons of the deliberately broken lines, in the order they are cycled through. */
const REJECT = contract.REJECT_REASONS;
export const UNTYPEABLE_REASONS = Object.freeze([
  REJECT.invalidQuantity,
  REJECT.invalidUnitPrice,
  REJECT.invalidInvoiceDate,
  REJECT.missingStockCode,
  REJECT.invalidCustomerId,
] as const);

export type UntypeableReason = (typeof UNTYPEABLE_REASONS)[number];

/** How many deliberately broken lines a file of `rows` data lines holds. */
export function untypeableLineCount(rows: number): number {
  if (rows < 5) return 0;
  return Math.max(1, Math.round(rows * 0.0002));
}

// ---------------------------------------------------------------------------------------------
// Shares of the kinds of lines. Probabilities are per line unless the name says otherwise.

const FIRST_INVOICE_NUMBER = 536365;
const ANONYMOUS_INVOICE_SHARE = 0.25;
const DUPLICATE_LINE_SHARE = 0.0101;
const VARIANT_DESCRIPTION_SHARE = 0.01;
const PADDED_DESCRIPTION_SHARE = 0.02;
const EMPTY_DESCRIPTION_SHARE = 0.003;
const FREE_LINE_SHARE = 0.001;
const LOWER_CASE_SUFFIX_SHARE = 0.003;
/** Per invoice slot: cancellation invoices average ~2.3 lines against ~18 for sales, so ~2% of lines. */
const CANCELLATION_INVOICE_SHARE = 0.14;
/** Per invoice slot: write-offs are one line each, so ~0.2% of lines. */
const WRITE_OFF_INVOICE_SHARE = 0.028;
const CATALOGUE_SIZE = 3700;
const CATALOGUE_SEED = 20101201;
const OPEN_MINUTE = 7 * 60;
const CLOSE_MINUTE = 20 * 60;
/** Rough lines per invoice slot (sales, cancellations and write-offs mixed); only paces the clock. */
const MEAN_LINES_PER_SLOT = 14;
/** Bytes of CSV text gathered before one write to the file. */
const CHUNK_CHARS = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Seeded randomness.

/** A source of uniform numbers in [0, 1). */
type Rng = () => number;

/** splitmix32: spreads a seed's bits so that neighbouring seeds give unrelated streams. */
function splitmix32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * sfc32 seeded from a safe integer and a stream number, so that one seed gives several independent
 * streams (customers, trading) and every bit of a large or negative seed matters.
 */
export function createRng(seed: number, stream = 0): Rng {
  const low = seed % 0x100000000 | 0;
  const high = Math.floor(seed / 0x100000000) | 0;
  const mix = splitmix32(low ^ Math.imul(high, 0x27d4eb2d) ^ Math.imul(stream + 1, 0x165667b1));
  let a = mix();
  let b = mix();
  let c = mix() ^ high;
  let d = mix();
  const next: Rng = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 still echo the seed; discard them.
  for (let i = 0; i < 15; i += 1) next();
  return next;
}

function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

function pickOne<T>(rng: Rng, items: readonly T[]): T {
  const item = items[randomInt(rng, items.length)];
  if (item === undefined) throw new Error("pickOne needs a non-empty list");
  return item;
}

/** A standard normal draw (Box-Muller); used per invoice only, so its cost does not matter. */
function normalDraw(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** An exponential draw with mean 1. */
function exponentialDraw(rng: Rng): number {
  return -Math.log(1 - rng());
}

/** Picks indices in proportion to fixed weights, by binary search on the running totals. */
class WeightedPicker {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(weights: readonly number[]) {
    if (weights.length === 0) throw new Error("WeightedPicker needs at least one weight");
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((weight, index) => {
      sum += weight;
      this.cumulative[index] = sum;
    });
    this.total = sum;
  }

  pick(rng: Rng): number {
    const target = rng() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] ?? 0) > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

/** Zipf-like weights: a few items take a large share, most are rare, as with real shoppers and products. */
function zipfWeights(count: number, exponent: number, offset: number): number[] {
  return Array.from({ length: count }, (_, rank) => 1 / Math.pow(rank + offset, exponent));
}

function shuffleInPlace<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(rng, i + 1);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Text of fields.

/** RFC 4180 quoting, only where the field needs it, as the real export does. */
export function csvField(value: string): string {
  if (value.includes(",") || value.includes('"')) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** Prices as the export writes them: up to two decimals, trailing zeros dropped (`18`, `2.5`, `0.85`). */
function priceText(cents: number): string {
  return String(cents / 100);
}

/** A broken price with a decimal comma (`"2,55"`): quoted, because the comma is the delimiter. */
function decimalCommaPriceText(cents: number): string {
  return csvField(`${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")}`);
}

// ---------------------------------------------------------------------------------------------
// The product catalogue: the same for every seed, so product codes and names are stable references.

interface Product {
  /** `85123A,WHITE HANGING HEART T-LIGHT HOLDER` with the description CSV-quoted when needed. */
  codeAndDescription: string;
  code: string;
  description: string;
  variantCodeAndDescription: string;
  /** Set when the code has a letter suffix, which some lines write in lower case. */
  lowerCaseCode: string | null;
  priceCents: number;
}

const COLOURS = [
  "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "CREAM", "BLACK", "SILVER", "GOLD", "PURPLE",
  "ORANGE", "YELLOW", "LILAC", "TURQUOISE", "PASTEL", "NATURAL", "ANTIQUE", "VINTAGE", "RETRO",
  "JUMBO", "SMALL", "LARGE", "MINI", "REGENCY", "FRENCH", "SWEETHEART", "WOODEN", "GLASS", "METAL",
  "ENAMEL", "ZINC", "CERAMIC", "FELT", "HANGING", "PANTRY", "ENGLISH ROSE", "EDWARDIAN",
] as const;

const COLOUR_WORDS = [
  "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "CREAM", "BLACK", "SILVER", "GOLD", "PURPLE",
  "ORANGE", "YELLOW", "LILAC", "TURQUOISE",
] as const;

const MOTIFS = [
  "HEART", "RETROSPOT", "POLKADOT", "PAISLEY", "SPACEBOY", "DOLLY GIRL", "WOODLAND", "ROSE", "BIRD",
  "OWL", "STRAWBERRY", "SKULL", "LOVEBIRD", "BUTTERFLY", "UNION JACK", "APPLE", "DAISY", "CHERRY",
  "STAR", "CHRISTMAS", "REINDEER", "SNOWFLAKE", "ROCOCO", "BAROQUE", "FLORAL", "GINGHAM", "VINTAGE LEAF",
  "PARIS", "JAM MAKING", "ALPHABET", "DINOSAUR", "CIRCUS", "FAIRY", "TEA PARTY", "SUKI", "KASHMIR",
] as const;

/** Items by family: bags, lights, kitchen, cards and wrap, toys, garden, decor, storage, jewellery. */
const ITEMS = [
  "JUMBO BAG", "LUNCH BAG", "SHOPPER", "TOTE BAG", "CHARLOTTE BAG", "GIFT BAG", "RECYCLING BAG",
  "T-LIGHT HOLDER", "CANDLE", "LANTERN", "FAIRY LIGHTS", "NIGHT LIGHT", "TEALIGHTS", "CANDLE POT",
  "MUG", "CUP AND SAUCER", "PAPER CUPS", "PLATE", "BOWL", "CAKESTAND 3 TIER", "TEAPOT", "JAR",
  "NAPKINS", "BAKING SET", "CAKE CASES", "LUNCH BOX", "WATER BOTTLE", "TEA TOWEL", "SPOON",
  "GREETING CARD", "GIFT WRAP", "WRAPPING PAPER", "NOTEBOOK", "PENCILS", "STICKERS", "CALENDAR",
  "SKIPPING ROPE", "PLAYHOUSE", "JIGSAW PUZZLE", "SPINNING TOP", "TOY CAR", "RAG DOLL", "MEMORY GAME",
  "WATERING CAN", "FLOWER POT", "BIRD FEEDER", "GARDEN MARKER", "PLANT CAGE", "GARDEN KNEELER",
  "PHOTO FRAME", "WALL CLOCK", "ALARM CLOCK", "METAL SIGN", "CUSHION COVER", "DOORMAT", "MIRROR",
  "WREATH", "BUNTING", "GARLAND", "HANGING DECORATION", "COAT RACK", "VASE",
  "STORAGE BOX", "BISCUIT TIN", "TRINKET BOX", "BASKET", "DRAWER KNOB", "STORAGE JAR",
  "NECKLACE", "BRACELET", "EARRINGS", "HAIR CLIP", "PURSE", "UMBRELLA", "RING",
] as const;

/** Items that read well before their pattern, as in `JUMBO BAG RED RETROSPOT` or `LUNCH BOX I LOVE LONDON`. */
const LEADING_ITEMS = [
  "JUMBO BAG", "LUNCH BAG", "CHARLOTTE BAG", "SHOPPER", "GIFT BAG", "TOTE BAG", "PAPER CUPS", "NAPKINS",
  "CAKE CASES", "GIFT WRAP", "WRAPPING PAPER", "TEA TOWEL", "CUSHION COVER", "NOTEBOOK", "LUNCH BOX",
  "PAPER CHAIN KIT", "BAKING SET", "PARTY BUNTING", "HOT WATER BOTTLE", "DOORMAT", "UMBRELLA",
] as const;

/** Items whose plural reads naturally in `SET OF 3 CAKE TINS, PANTRY DESIGN`. */
const SET_ITEMS = [
  "CAKE TINS", "MUGS", "COASTERS", "TEA TOWELS", "STORAGE TINS", "NAPKINS", "GIFT TAGS", "CARDS",
  "BOWLS", "PLATES", "CANDLES", "BAGS", "JARS", "BOXES", "PEGS", "SPOONS", "BAUBLES", "NESTING BOXES",
] as const;

const SIGN_PHRASES = [
  "HOME SWEET HOME", "KEEP CALM", "WELCOME", "LOVE", "NO SINGING", "GIN AND TONIC", "TEA TIME",
  "BEWARE OF THE CAT", "GONE FISHING", "HAPPY CHRISTMAS",
] as const;

/** Common price points of the real catalogue, in pence. */
const PRICE_POINTS_CENTS = [
  19, 21, 29, 36, 39, 42, 55, 65, 72, 79, 83, 85, 95, 125, 145, 165, 169, 195, 208, 210, 246, 255,
  295, 325, 339, 375, 425, 495, 595, 635, 795, 850, 995, 1095, 1275, 1495, 1695, 1800, 2495, 3995,
] as const;
const PRICE_POINT_WEIGHTS = PRICE_POINTS_CENTS.map((cents) => 1 / Math.sqrt(cents));

function productName(rng: Rng): string {
  const template = rng();
  if (template < 0.4) return `${pickOne(rng, COLOURS)} ${pickOne(rng, MOTIFS)} ${pickOne(rng, ITEMS)}`;
  if (template < 0.62) return `${pickOne(rng, LEADING_ITEMS)} ${pickOne(rng, COLOURS)} ${pickOne(rng, MOTIFS)}`;
  if (template < 0.8) return `${pickOne(rng, MOTIFS)} ${pickOne(rng, ITEMS)}`;
  if (template < 0.9) return `${pickOne(rng, COLOURS)} ${pickOne(rng, ITEMS)}`;
  if (template < 0.94) return `SET OF ${2 + randomInt(rng, 11)} ${pickOne(rng, COLOURS)} ${pickOne(rng, MOTIFS)} ${pickOne(rng, ITEMS)}`;
  // Descriptions with a comma or a double quote exercise CSV quoting, as in the real export.
  if (template < 0.995) return `SET OF ${2 + randomInt(rng, 5)} ${pickOne(rng, SET_ITEMS)}, ${pickOne(rng, MOTIFS)} DESIGN`;
  return `"${pickOne(rng, SIGN_PHRASES)}" ${pickOne(rng, ["METAL SIGN", "DOORMAT", "MUG", "CUSHION COVER"])}`;
}

/** A second way a product is sometimes written: another colour word, or a trailing qualifier. */
function variantName(rng: Rng, name: string): string {
  const colour = COLOUR_WORDS.find((word) => name.startsWith(`${word} `) || name.includes(` ${word} `));
  if (colour !== undefined) {
    const others = COLOUR_WORDS.filter((word) => word !== colour);
    return name.replace(colour, pickOne(rng, others));
  }
  return `${name} ${pickOne(rng, ["ASSORTED", "DESIGN", "(SET)", "NEW"])}`;
}

/** Five-digit bases drawn from the ranges the real codes use. */
function productBase(rng: Rng): number {
  const ranges: ReadonlyArray<readonly [number, number]> = [
    [20600, 23500], [20600, 23500], [20600, 23500], [84000, 85230], [35000, 37500], [47000, 48200],
    [71000, 72820], [79000, 90215],
  ];
  const [low, high] = pickOne(rng, ranges);
  return low + randomInt(rng, high - low);
}

function buildCatalogue(): Product[] {
  const rng = createRng(CATALOGUE_SEED, 99);
  const names = new Set<string>();
  const codes = new Set<string>();
  const pricePicker = new WeightedPicker(PRICE_POINT_WEIGHTS);
  const products: Product[] = [];
  let family: { base: number; letter: number } | null = null;
  while (products.length < CATALOGUE_SIZE) {
    const name = productName(rng);
    if (names.has(name)) continue;
    let code: string;
    if (family !== null && family.letter < 6 && rng() < 0.55) {
      // Colour variants of one product share its five digits: 85123A, 85123B, ...
      family.letter += 1;
      code = `${family.base}${String.fromCharCode(65 + family.letter)}`;
    } else {
      const base = productBase(rng);
      if (rng() < 0.14) {
        family = { base, letter: 0 };
        code = `${base}A`;
      } else {
        family = null;
        code = String(base);
      }
    }
    if (codes.has(code) || codes.has(code.slice(0, 5))) {
      family = null;
      continue;
    }
    names.add(name);
    codes.add(code);
    const hasSuffix = code.length > 5;
    products.push({
      code,
      description: name,
      codeAndDescription: `${code},${csvField(name)}`,
      variantCodeAndDescription: `${code},${csvField(variantName(rng, name))}`,
      lowerCaseCode: hasSuffix ? code.toLowerCase() : null,
      priceCents: PRICE_POINTS_CENTS[pricePicker.pick(rng)] ?? 255,
    });
  }
  return products;
}

// ---------------------------------------------------------------------------------------------
// Customers and countries.

/** Countries other than the UK, weighted roughly like the real export's invoices. */
const FOREIGN_COUNTRIES: ReadonlyArray<readonly [string, number]> = [
  ["Germany", 9.5], ["France", 8.5], ["EIRE", 8], ["Spain", 2.5], ["Netherlands", 2.4],
  ["Belgium", 2], ["Switzerland", 2], ["Portugal", 1.5], ["Australia", 1.3], ["Norway", 1],
  ["Italy", 0.8], ["Channel Islands", 0.8], ["Finland", 0.7], ["Cyprus", 0.6], ["Sweden", 0.5],
  ["Austria", 0.4], ["Denmark", 0.4], ["Japan", 0.4], ["Poland", 0.3], ["USA", 0.3], ["Israel", 0.3],
  ["Hong Kong", 0.2], ["Singapore", 0.2], ["Iceland", 0.1], ["Canada", 0.1], ["Greece", 0.1],
  ["Malta", 0.1],
];
const UNITED_KINGDOM = "United Kingdom";
const UK_SHARE = 0.9;
/** Countries near enough for the cheaper postage rate. */
const NEAR_COUNTRIES = new Set(["Germany", "France", "EIRE", "Belgium", "Netherlands", "Channel Islands"]);

interface Customer {
  id: string;
  country: string;
  /** A second country on some invoices, for the few customers that have one. */
  secondCountry: string | null;
}

/** Ids as in the real export: five digits from 12346 to 18287, distinct. */
const FIRST_CUSTOMER_ID = 12346;
const LAST_CUSTOMER_ID = 18287;

function pickForeignCountry(rng: Rng, picker: WeightedPicker): string {
  return FOREIGN_COUNTRIES[picker.pick(rng)]?.[0] ?? "Germany";
}

/** A population that grows with the file, up to the real export's ~4,400 customers. */
function customerPopulation(rows: number): number {
  return Math.min(4400, Math.max(100, Math.round(rows / 25)));
}

function buildCustomers(rng: Rng, count: number, foreignPicker: WeightedPicker): Customer[] {
  const ids = Array.from({ length: LAST_CUSTOMER_ID - FIRST_CUSTOMER_ID + 1 }, (_, i) => FIRST_CUSTOMER_ID + i);
  shuffleInPlace(rng, ids);
  return ids.slice(0, count).map((id) => {
    const country = rng() < UK_SHARE ? UNITED_KINGDOM : pickForeignCountry(rng, foreignPicker);
    let secondCountry: string | null = null;
    if (rng() < 0.005) {
      secondCountry = country === UNITED_KINGDOM ? pickForeignCountry(rng, foreignPicker) : UNITED_KINGDOM;
    }
    return { id: String(id), country, secondCountry };
  });
}

// ---------------------------------------------------------------------------------------------
// The trading calendar: 12/1/2010 to 12/9/2011, no Saturdays, closed over Christmas.

interface TradingDay {
  /** `12/1/2010 ` (month/day/year and the blank before the time). */
  datePrefix: string;
  /** `2010-12-01`. */
  isoDate: string;
  weight: number;
}

/** Relative lines per day by month (January first): quiet spring, busy autumn before Christmas. */
const MONTH_WEIGHTS = [0.75, 0.72, 0.9, 0.78, 0.95, 0.92, 0.9, 0.92, 1.3, 1.45, 1.8, 1.35] as const;
/** Relative lines per day by weekday (Sunday first); Saturday 0 because the shop never traded then. */
const WEEKDAY_WEIGHTS = [0.6, 1.0, 1.1, 1.1, 1.25, 0.85, 0] as const;

function buildCalendar(rng: Rng): TradingDay[] {
  const days: TradingDay[] = [];
  const start = Date.UTC(2010, 11, 1);
  const end = Date.UTC(2011, 11, 9);
  const christmasStart = Date.UTC(2010, 11, 24);
  const christmasEnd = Date.UTC(2011, 0, 3);
  for (let time = start; time <= end; time += 86_400_000) {
    const date = new Date(time);
    const weekdayWeight = WEEKDAY_WEIGHTS[date.getUTCDay()] ?? 0;
    if (weekdayWeight === 0) continue;
    if (time >= christmasStart && time <= christmasEnd) continue;
    const month = date.getUTCMonth();
    const monthWeight = MONTH_WEIGHTS[month] ?? 1;
    // Day-to-day noise so that no two weeks look alike.
    const noise = 0.8 + 0.4 * rng();
    days.push({
      datePrefix: `${month + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} `,
      isoDate: date.toISOString().slice(0, 10),
      weight: monthWeight * weekdayWeight * noise,
    });
  }
  return days;
}

/** `H:MM` for each minute of a day, formatted once instead of per line. */
const CLOCK_TEXTS: readonly string[] = Array.from(
  { length: 24 * 60 },
  (_, minute) => `${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, "0")}`,
);

// ---------------------------------------------------------------------------------------------
// Quantities.

/** Pack sizes with their weights: mostly small, occasional dozens and grosses, rare thousands. */
const QUANTITY_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 25], [2, 15], [3, 6], [4, 8], [5, 1.5], [6, 12], [8, 3], [10, 4], [12, 18], [16, 2], [18, 0.6],
  [20, 2], [24, 5], [25, 1], [30, 0.3], [32, 0.4], [36, 1.2], [40, 0.3], [48, 1.5], [50, 0.3],
  [60, 0.2], [72, 0.4], [96, 0.5], [100, 0.3], [120, 0.15], [144, 0.3], [192, 0.06], [200, 0.1],
  [240, 0.05], [288, 0.05], [432, 0.02], [480, 0.03], [600, 0.015], [1000, 0.006], [1200, 0.004],
  [2400, 0.002], [4800, 0.0008],
];

/** Quantity texts in a flat table indexed by a uniform draw: one multiply per line instead of a search. */
function buildQuantityTable(size: number): string[] {
  const total = QUANTITY_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  const table: string[] = [];
  let running = 0;
  for (const [quantity, weight] of QUANTITY_WEIGHTS) {
    running += weight;
    const until = Math.round((running / total) * size);
    // Rare sizes keep at least one slot, so the heavy tail never disappears in rounding.
    const slots = Math.max(1, until - table.length);
    for (let i = 0; i < slots; i += 1) table.push(String(quantity));
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// Writing.

/** Gathers CSV text and writes it in large chunks, waiting for the stream to drain when it asks to. */
class ChunkedWriter {
  private chunk = "";
  private readonly stream: fs.WriteStream;
  private streamError: Error | null = null;

  constructor(file: string) {
    this.stream = fs.createWriteStream(file, { encoding: "utf8" });
    // Remember a failure so the next write or the close reports it instead of an unhandled event.
    this.stream.on("error", (error) => {
      this.streamError = error;
    });
  }

  append(text: string): void {
    this.chunk += text;
  }

  get pending(): number {
    return this.chunk.length;
  }

  async flush(): Promise<void> {
    if (this.streamError !== null) throw this.streamError;
    if (this.chunk.length === 0) return;
    const text = this.chunk;
    this.chunk = "";
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.streamError !== null) throw this.streamError;
  }

  destroy(): void {
    this.stream.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Generation.

/** What all lines of one invoice share. */
interface InvoiceHeader {
  invoiceNo: string;
  dateText: string;
  /** `,17850,United Kingdom\n`: the fields after UnitPrice. */
  tail: string;
  dayIndex: number;
  hasCustomer: boolean;
  isCancellation: boolean;
}

/** One line of a sale, kept so that a later cancellation can reverse it. */
interface SoldLine {
  codeAndDescription: string;
  quantity: number;
  price: string;
}

interface SoldInvoice {
  stamp: number;
  customerTail: string;
  lines: SoldLine[];
}

/** Recent invoices of known customers, the ones cancellations are drawn from. */
const CANCELLABLE_POOL_SIZE = 400;

const WRITE_OFF_DESCRIPTIONS = ["damaged", "check", "wet damaged", "smashed", "?", "missing", "", "thrown away"] as const;

function isoDateOf(calendar: readonly TradingDay[], dayIndex: number): string {
  return calendar[dayIndex]?.isoDate ?? "";
}

class SampleGenerator {
  private readonly stats: GenerateStats;
  private readonly normalBudget: number;
  private readonly untypeableTotal: number;
  private untypeableWritten = 0;
  private normalWritten = 0;
  private nextInvoiceNumber = FIRST_INVOICE_NUMBER;
  private firstDay = Number.POSITIVE_INFINITY;
  private lastDay = Number.NEGATIVE_INFINITY;
  private lastStamp = -1;
  private lastDayIndex = 0;
  private readonly pool: SoldInvoice[] = [];
  private poolNext = 0;
  /** Per product, the serial of the last invoice that took it: draws without replacement in O(1). */
  private readonly productTakenBy: Int32Array;
  private invoiceSerial = 0;

  private readonly rng: Rng;
  private readonly catalogue: Product[];
  private readonly productPicker: WeightedPicker;
  private readonly customers: Customer[];
  private readonly customerPicker: WeightedPicker;
  private readonly foreignPicker: WeightedPicker;
  private readonly calendar: TradingDay[];
  private readonly quantityTable: string[];
  private readonly countryFields = new Map<string, string>();

  constructor(
    private readonly options: GenerateOptions,
    private readonly writer: ChunkedWriter,
  ) {
    this.stats = {
      rows: 0,
      untypeableLines: 0,
      untypeableByReason: Object.fromEntries(UNTYPEABLE_REASONS.map((reason) => [reason, 0])),
      linesWithoutCustomer: 0,
      cancellationLines: 0,
      duplicateLines: 0,
      firstDate: "",
      lastDate: "",
    };
    this.untypeableTotal = untypeableLineCount(options.rows);
    this.normalBudget = options.rows - this.untypeableTotal;

    this.catalogue = buildCatalogue();
    this.productTakenBy = new Int32Array(this.catalogue.length).fill(-1);
    const setupRng = createRng(options.seed, 1);
    // Popularity depends on the seed, the catalogue itself does not.
    const popularity = shuffleInPlace(setupRng, zipfWeights(this.catalogue.length, 0.9, 3));
    this.productPicker = new WeightedPicker(popularity);
    this.foreignPicker = new WeightedPicker(FOREIGN_COUNTRIES.map(([, weight]) => weight));
    this.customers = buildCustomers(setupRng, customerPopulation(options.rows), this.foreignPicker);
    this.customerPicker = new WeightedPicker(zipfWeights(this.customers.length, 0.9, 10));
    this.calendar = buildCalendar(setupRng);
    this.quantityTable = buildQuantityTable(1 << 16);
    this.rng = createRng(options.seed, 2);
  }

  async run(): Promise<GenerateStats> {
    this.writer.append(`${CSV_HEADER}\n`);
    const totalWeight = this.calendar.reduce((sum, day) => sum + day.weight, 0);
    let runningWeight = 0;
    for (let dayIndex = 0; dayIndex < this.calendar.length; dayIndex += 1) {
      runningWeight += this.calendar[dayIndex]?.weight ?? 0;
      const isLastDay = dayIndex === this.calendar.length - 1;
      // Cumulative targets spread the lines over the year by weight, whatever the invoice sizes.
      const target = isLastDay ? this.normalBudget : Math.round((this.normalBudget * runningWeight) / totalWeight);
      await this.tradeDay(dayIndex, target);
    }
    this.writeDueUntypeableLines(Number.POSITIVE_INFINITY);
    await this.writer.close();
    this.options.onProgress?.(this.stats.rows);
    this.stats.firstDate = isoDateOf(this.calendar, this.firstDay);
    this.stats.lastDate = isoDateOf(this.calendar, this.lastDay);
    return this.stats;
  }

  /** Invoices of one day until the running line count reaches the day's target. */
  private async tradeDay(dayIndex: number, target: number): Promise<void> {
    let minute = OPEN_MINUTE + randomInt(this.rng, 30);
    while (this.normalWritten < target) {
      const slotsLeft = (target - this.normalWritten) / MEAN_LINES_PER_SLOT + 1;
      const gap = (CLOSE_MINUTE - minute) / slotsLeft;
      minute = Math.min(CLOSE_MINUTE, minute + Math.floor(exponentialDraw(this.rng) * gap));
      const stamp = dayIndex * 1440 + minute;
      this.lastStamp = stamp;
      this.lastDayIndex = dayIndex;
      this.writeDueUntypeableLines(this.normalWritten);
      this.writeInvoiceSlot(dayIndex, stamp);
      if (this.writer.pending >= CHUNK_CHARS) {
        await this.writer.flush();
        this.options.onProgress?.(this.stats.rows);
      }
    }
  }

  private writeInvoiceSlot(dayIndex: number, stamp: number): void {
    const draw = this.rng();
    if (draw < WRITE_OFF_INVOICE_SHARE) {
      this.writeWriteOff(dayIndex, stamp);
      return;
    }
    if (draw < WRITE_OFF_INVOICE_SHARE + CANCELLATION_INVOICE_SHARE && this.writeCancellation(dayIndex, stamp)) return;
    this.writeSale(dayIndex, stamp);
  }

  private hasRoom(): boolean {
    return this.normalWritten < this.normalBudget;
  }

  private takeInvoiceNumber(): number {
    const number = this.nextInvoiceNumber;
    this.nextInvoiceNumber += 1;
    return number;
  }

  private countryField(country: string): string {
    let field = this.countryFields.get(country);
    if (field === undefined) {
      field = csvField(country);
      this.countryFields.set(country, field);
    }
    return field;
  }

  /** The fields after UnitPrice: `,17850,United Kingdom\n`. */
  private customerTail(customerId: string, country: string): string {
    return `,${customerId},${this.countryField(country)}\n`;
  }

  /**
   * A new invoice: the next number and the timestamp text, formatted once for all its lines.
   * `stamp` is minutes counted as trading-day index x 1440 + minute of day, so it orders invoices in time.
   */
  private header(dayIndex: number, stamp: number, tail: string, hasCustomer: boolean, isCancellation: boolean): InvoiceHeader {
    const number = this.takeInvoiceNumber();
    const calendarDay = this.calendar[dayIndex];
    if (calendarDay === undefined) throw new Error(`no trading day ${dayIndex}`);
    return {
      invoiceNo: isCancellation ? `C${number}` : String(number),
      dateText: calendarDay.datePrefix + (CLOCK_TEXTS[stamp % 1440] ?? ""),
      tail,
      dayIndex,
      hasCustomer,
      isCancellation,
    };
  }

  /** Writes one typeable line and counts it; `duplicate` marks an exact copy of the line before. */
  private emit(header: InvoiceHeader, line: string, duplicate: boolean): void {
    this.writer.append(line);
    this.normalWritten += 1;
    this.stats.rows += 1;
    if (!header.hasCustomer) this.stats.linesWithoutCustomer += 1;
    if (header.isCancellation) this.stats.cancellationLines += 1;
    if (duplicate) this.stats.duplicateLines += 1;
    if (header.dayIndex < this.firstDay) this.firstDay = header.dayIndex;
    if (header.dayIndex > this.lastDay) this.lastDay = header.dayIndex;
  }

  /** Writes a line and, now and then, an exact copy of it, as the real export has. */
  private emitWithDuplicates(header: InvoiceHeader, line: string): void {
    this.emit(header, line, false);
    if (this.rng() < DUPLICATE_LINE_SHARE && this.hasRoom()) this.emit(header, line, true);
  }

  private lineText(header: InvoiceHeader, codeAndDescription: string, quantity: string, price: string): string {
    return `${header.invoiceNo},${codeAndDescription},${quantity},${header.dateText},${price}${header.tail}`;
  }

  /**
   * Whether the next sale invoice is anonymous. The probability leans against the running share so
   * that the share of lines without a customer stays near 25% even in small files of a few invoices.
   */
  private nextIsAnonymous(): boolean {
    const share = this.normalWritten === 0 ? ANONYMOUS_INVOICE_SHARE : this.stats.linesWithoutCustomer / this.normalWritten;
    const probability = Math.min(0.6, Math.max(0.05, ANONYMOUS_INVOICE_SHARE + 2 * (ANONYMOUS_INVOICE_SHARE - share)));
    return this.rng() < probability;
  }

  private pickCountry(customer: Customer): string {
    if (customer.secondCountry !== null && this.rng() < 0.3) return customer.secondCountry;
    return customer.country;
  }

  private pickCustomer(): Customer {
    const customer = this.customers[this.customerPicker.pick(this.rng)];
    if (customer === undefined) throw new Error("customer population is empty");
    return customer;
  }

  /** Lines per sale invoice: log-normal, median ~12, with a long tail of large orders. */
  private saleInvoiceSize(): number {
    const size = Math.round(Math.exp(2.45 + 0.95 * normalDraw(this.rng)));
    return Math.min(600, Math.max(1, size));
  }

  /** A product not yet on this invoice, so an invoice never lists a product twice by accident. */
  private pickUnusedProduct(): Product {
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const index = this.productPicker.pick(this.rng);
      if (this.productTakenBy[index] !== this.invoiceSerial) {
        this.productTakenBy[index] = this.invoiceSerial;
        return this.catalogue[index] as Product;
      }
    }
    // Large invoices exhaust the popular products: walk on from a random place to a free one.
    let index = randomInt(this.rng, this.catalogue.length);
    while (this.productTakenBy[index] === this.invoiceSerial) index = (index + 1) % this.catalogue.length;
    this.productTakenBy[index] = this.invoiceSerial;
    return this.catalogue[index] as Product;
  }

  /** The stock code and description as this line writes them: mostly the main form, sometimes dirty. */
  private writtenProduct(product: Product): string {
    const code =
      product.lowerCaseCode !== null && this.rng() < LOWER_CASE_SUFFIX_SHARE ? product.lowerCaseCode : product.code;
    const draw = this.rng();
    if (draw < EMPTY_DESCRIPTION_SHARE) return `${code},`;
    if (draw < EMPTY_DESCRIPTION_SHARE + PADDED_DESCRIPTION_SHARE) {
      const padded = draw < EMPTY_DESCRIPTION_SHARE + PADDED_DESCRIPTION_SHARE / 3 ? ` ${product.description} ` : `${product.description}  `;
      return `${code},${csvField(padded)}`;
    }
    if (draw < EMPTY_DESCRIPTION_SHARE + PADDED_DESCRIPTION_SHARE + VARIANT_DESCRIPTION_SHARE) {
      return code === product.code ? product.variantCodeAndDescription : `${code},${product.variantCodeAndDescription.slice(product.code.length + 1)}`;
    }
    return code === product.code ? product.codeAndDescription : `${code},${product.codeAndDescription.slice(product.code.length + 1)}`;
  }

  /** The unit price of a sale line: the base price, a bulk price, an online mark-up, or now and then 0. */
  private salePrice(product: Product, quantity: number, anonymous: boolean): string {
    if (this.rng() < FREE_LINE_SHARE) return "0";
    let cents = product.priceCents;
    if (quantity >= 24 && this.rng() < 0.5) cents = Math.max(1, Math.round(cents * 0.85));
    else if (anonymous && this.rng() < 0.7) cents = Math.round(cents * 1.17);
    return priceText(cents);
  }

  private writeSale(dayIndex: number, stamp: number): void {
    const anonymous = this.nextIsAnonymous();
    const customer = anonymous ? null : this.pickCustomer();
    let country = UNITED_KINGDOM;
    if (customer !== null) country = this.pickCountry(customer);
    else if (this.rng() >= 0.95) country = pickForeignCountry(this.rng, this.foreignPicker);
    const header = this.header(dayIndex, stamp, this.customerTail(customer?.id ?? "", country), customer !== null, false);
    this.invoiceSerial += 1;
    const sold: SoldLine[] = [];
    const size = this.saleInvoiceSize();
    for (let i = 0; i < size && this.hasRoom(); i += 1) {
      const product = this.pickUnusedProduct();
      const quantityText = this.quantityTable[randomInt(this.rng, this.quantityTable.length)] ?? "1";
      const quantity = Number(quantityText);
      const codeAndDescription = this.writtenProduct(product);
      const price = this.salePrice(product, quantity, anonymous);
      this.emitWithDuplicates(header, this.lineText(header, codeAndDescription, quantityText, price));
      sold.push({ codeAndDescription, quantity, price });
    }
    this.writeFeeLines(header, sold, anonymous, country);
    if (customer !== null && sold.length > 0) this.remember({ stamp, customerTail: header.tail, lines: sold });
  }

  /** Postage, carriage, manual lines and other non-product codes, on a small share of invoices. */
  private writeFeeLines(header: InvoiceHeader, sold: SoldLine[], anonymous: boolean, country: string): void {
    const fee = (codeAndDescription: string, quantity: number, cents: number): void => {
      if (!this.hasRoom()) return;
      const price = priceText(cents);
      this.emit(header, this.lineText(header, codeAndDescription, String(quantity), price), false);
      sold.push({ codeAndDescription, quantity, price });
    };
    if (!anonymous && country !== UNITED_KINGDOM && this.rng() < 0.6) {
      fee("POST,POSTAGE", 1 + randomInt(this.rng, 3), NEAR_COUNTRIES.has(country) ? 1800 : pickOne(this.rng, [2800, 4000]));
    }
    if (anonymous && this.rng() < 0.06) fee("DOT,DOTCOM POSTAGE", 1, 10000 + randomInt(this.rng, 140000));
    if (this.rng() < 0.012) fee("M,Manual", 1 + randomInt(this.rng, 2), 50 + randomInt(this.rng, 9950));
    if (!anonymous && this.rng() < 0.004) fee("C2,CARRIAGE", 1, 5000);
    if (this.rng() < 0.0015) fee("BANK CHARGES,Bank Charges", 1, 1500);
    if (this.rng() < 0.001) fee("AMAZONFEE,AMAZON FEE", 1, 100000 + randomInt(this.rng, 1200000));
    if (!anonymous && this.rng() < 0.003) fee("D,Discount", 1, 100 + randomInt(this.rng, 4900));
  }

  private remember(invoice: SoldInvoice): void {
    if (this.pool.length < CANCELLABLE_POOL_SIZE) this.pool.push(invoice);
    else this.pool[this.poolNext] = invoice;
    this.poolNext = (this.poolNext + 1) % CANCELLABLE_POOL_SIZE;
  }

  /**
   * Reverses some lines of an earlier invoice of a known customer: same codes and prices, negated
   * quantities, strictly later timestamp. Returns false when no earlier invoice is available yet.
   */
  private writeCancellation(dayIndex: number, stamp: number): boolean {
    let original: SoldInvoice | undefined;
    for (let attempt = 0; attempt < 4 && original === undefined; attempt += 1) {
      const candidate = this.pool[randomInt(this.rng, this.pool.length)];
      if (candidate !== undefined && candidate.stamp < stamp) original = candidate;
    }
    if (original === undefined) return false;
    // Same customer and country as the sale it reverses.
    const header = this.header(dayIndex, stamp, original.customerTail, true, true);
    const order = shuffleInPlace(this.rng, original.lines.map((_, index) => index));
    const count = Math.min(order.length, 1 + Math.floor(exponentialDraw(this.rng) * 1.9));
    for (let i = 0; i < count && this.hasRoom(); i += 1) {
      const line = original.lines[order[i] ?? 0];
      if (line === undefined) continue;
      this.emitWithDuplicates(header, this.lineText(header, line.codeAndDescription, String(-line.quantity), line.price));
    }
    return true;
  }

  /** A stock write-off: a product, negative quantity, price 0, no customer, a note as description. */
  private writeWriteOff(dayIndex: number, stamp: number): void {
    const header = this.header(dayIndex, stamp, this.customerTail("", UNITED_KINGDOM), false, false);
    this.invoiceSerial += 1;
    const product = this.pickUnusedProduct();
    const quantity = -(1 + Math.floor(exponentialDraw(this.rng) * 20));
    const note = csvField(pickOne(this.rng, WRITE_OFF_DESCRIPTIONS));
    this.emit(header, this.lineText(header, `${product.code},${note}`, String(quantity), "0"), false);
  }

  /** Writes the broken lines whose turn has come: spread evenly over the file, cycling through the reasons. */
  private writeDueUntypeableLines(normalWritten: number): void {
    while (this.untypeableWritten < this.untypeableTotal) {
      const dueAt = Math.floor(((this.untypeableWritten + 0.5) * this.normalBudget) / this.untypeableTotal);
      if (normalWritten < dueAt) return;
      this.writeUntypeableLine();
    }
  }

  /**
   * One line, its own invoice, broken in exactly one field; every other field is valid, so staging
   * rejects it for exactly that reason.
   */
  private writeUntypeableLine(): void {
    const ordinal = this.untypeableWritten;
    const reason = UNTYPEABLE_REASONS[ordinal % UNTYPEABLE_REASONS.length] as UntypeableReason;
    const alternate = Math.floor(ordinal / UNTYPEABLE_REASONS.length) % 2 === 1;
    const stamp = this.lastStamp >= 0 ? this.lastStamp : 10 * 60;
    const customer = this.pickCustomer();
    const header = this.header(this.lastDayIndex, stamp, this.customerTail(customer.id, customer.country), true, false);
    const product = this.catalogue[randomInt(this.rng, this.catalogue.length)] as Product;
    const quantity = this.quantityTable[randomInt(this.rng, this.quantityTable.length)] ?? "1";

    let codeAndDescription = product.codeAndDescription;
    let quantityText = quantity;
    let dateText = header.dateText;
    let price = priceText(product.priceCents);
    let tail = header.tail;
    switch (reason) {
      case REJECT.invalidQuantity:
        quantityText = alternate ? "x" : `${quantity}a`;
        break;
      case REJECT.invalidUnitPrice:
        price = alternate ? "abc" : decimalCommaPriceText(product.priceCents);
        break;
      case REJECT.invalidInvoiceDate:
        dateText = alternate ? "not a date" : "31/31/2011 25:61";
        break;
      case REJECT.missingStockCode:
        codeAndDescription = `,${csvField(product.description)}`;
        break;
      case REJECT.invalidCustomerId:
        tail = this.customerTail(`CUST-${customer.id.slice(-2)}`, customer.country);
        break;
    }
    this.writer.append(`${header.invoiceNo},${codeAndDescription},${quantityText},${dateText},${price}${tail}`);
    this.untypeableWritten += 1;
    this.stats.rows += 1;
    this.stats.untypeableLines += 1;
    this.stats.untypeableByReason[reason] = (this.stats.untypeableByReason[reason] ?? 0) + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point.

function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function validateOptions(options: GenerateOptions): void {
  const { rows, seed, out, onProgress } = options;
  if (typeof rows !== "number" || !Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
    throw new UsageError(`rows must be an integer from 1 to ${MAX_ROWS}, got ${describeValue(rows)}`);
  }
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new UsageError(`seed must be an integer (a safe integer), got ${describeValue(seed)}`);
  }
  if (typeof out !== "string" || out.trim() === "") {
    throw new UsageError(`out must be a non-empty file path, got ${describeValue(out)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new UsageError(`onProgress must be a function when given, got ${describeValue(onProgress)}`);
  }
}

/**
 * Writes a synthetic Online Retail CSV of exactly `rows` data lines to `out` and returns what it wrote.
 * The file appears under its final name only once complete.
 */
export async function generateSampleCsv(options: GenerateOptions): Promise<GenerateStats> {
  validateOptions(options);
  const out = path.resolve(options.out);
  const directory = path.dirname(out);
  try {
    fs.mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw new EcomError(`cannot create the directory ${directory} for the sample CSV`, { cause: error });
  }
  try {
    return await writeAtomicallyWith(out, async (partial) => {
      const writer = new ChunkedWriter(partial);
      try {
        return await new SampleGenerator(options, writer).run();
      } catch (error) {
        // Closed before the partial is removed, so no write lands after the removal.
        writer.destroy();
        throw error;
      }
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new EcomError(`cannot write the sample CSV ${out}`, { cause: error });
  }
}
