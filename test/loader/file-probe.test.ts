import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { LoadError } from "../../scripts/errors";
import { probeFile } from "../../scripts/loader/file-probe";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const STREAM_CHUNK = 64 * 1024;

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("probeFile", () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecom-probe-"));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `bytes` to a file of the temp dir and returns its path. */
  function write(name: string, content: string | Buffer): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  it("reports size, SHA-256 of the bytes on disk, no gzip, UTF-8 and the header line of a plain CSV", async () => {
    const bytes = Buffer.from(`${HEADER}\n536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom\n`, "utf8");
    const file = write("plain.csv", bytes);
    assert.deepEqual(await probeFile(file), {
      size: bytes.length,
      checksum: sha256(bytes),
      gzip: false,
      encoding: "utf-8",
      textEncoding: "utf-8",
      lineEnding: "lf",
      headerLine: HEADER,
    });
  });

  it("gives the header line without its carriage return when lines end in CRLF", async () => {
    const file = write("crlf.csv", `${HEADER}\r\n1,A,x,1,d,1,,UK\r\n`);
    const probe = await probeFile(file);
    assert.equal(probe.headerLine, HEADER);
  });

  it("gives the whole content as the header line of a file without any line ending", async () => {
    const file = write("no-newline.csv", HEADER);
    assert.equal((await probeFile(file)).headerLine, HEADER);
  });

  it("keeps a byte order mark in the header line (mapHeader strips it)", async () => {
    const file = write("bom.csv", `\uFEFF${HEADER}\n`);
    const probe = await probeFile(file);
    assert.equal(probe.encoding, "utf-8");
    assert.equal(probe.headerLine, `\uFEFF${HEADER}`);
  });

  it("detects gzip by its magic bytes even without a .gz extension, checksumming the compressed bytes", async () => {
    const plain = `${HEADER}\n536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom\n`;
    const compressed = zlib.gzipSync(Buffer.from(plain, "utf8"));
    const file = write("compressed-without-extension.csv", compressed);
    assert.deepEqual(await probeFile(file), {
      size: compressed.length,
      checksum: sha256(compressed),
      gzip: true,
      encoding: "utf-8",
      textEncoding: "utf-8",
      lineEnding: "lf",
      headerLine: HEADER,
    });
  });

  it("reads the header and encoding of a .csv.gz from the decompressed content", async () => {
    const latin1 = Buffer.concat([Buffer.from(`${HEADER}\n1,A,`, "latin1"), Buffer.from([0xa3]), Buffer.from("5 VOUCHER,1,d,1,,UK\n", "latin1")]);
    const compressed = zlib.gzipSync(latin1);
    const probe = await probeFile(write("latin.csv.gz", compressed));
    assert.equal(probe.gzip, true);
    assert.equal(probe.encoding, "latin-1");
    assert.equal(probe.headerLine, HEADER);
    assert.equal(probe.checksum, sha256(compressed));
  });

  it("detects ISO-8859-1 from a lone 0xA3 (£) byte", async () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n1,A,`), Buffer.from([0xa3]), Buffer.from("5 VOUCHER,1,d,1,,UK\n")]);
    const probe = await probeFile(write("latin.csv", bytes));
    assert.equal(probe.encoding, "latin-1");
    assert.equal(probe.headerLine, HEADER);
  });

  it("detects ISO-8859-1 even when the only non-UTF-8 byte is on the last line, past the first 64 KiB", async () => {
    const line = "536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom\n";
    const body = line.repeat(Math.ceil((3 * STREAM_CHUNK) / line.length));
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n${body}1,A,`), Buffer.from([0xa3]), Buffer.from("5,1,d,1,,UK\n")]);
    assert.ok(bytes.length > 3 * STREAM_CHUNK);
    const probe = await probeFile(write("latin-late.csv", bytes));
    assert.equal(probe.encoding, "latin-1");
    assert.equal(probe.size, bytes.length);
    assert.equal(probe.checksum, sha256(bytes));
  });

  it("detects UTF-8 for a £ written as the bytes C2 A3", async () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n1,A,`), Buffer.from([0xc2, 0xa3]), Buffer.from("5 VOUCHER,1,d,1,,UK\n")]);
    assert.equal((await probeFile(write("utf8-pound.csv", bytes))).encoding, "utf-8");
  });

  it("detects UTF-8 when a two-byte character straddles the 64 KiB stream chunk boundary", async () => {
    // Header and newline, then padding so that every é (C3 A9) starts at an odd offset: one starts at 65,535.
    let prefix = `${HEADER}\n`;
    if (Buffer.byteLength(prefix) % 2 === 0) prefix += "x";
    const bytes = Buffer.from(prefix + "é".repeat(110_000), "utf8");
    assert.ok(bytes.length > 200_000);
    assert.equal(bytes[STREAM_CHUNK - 1], 0xc3);
    assert.equal(bytes[STREAM_CHUNK], 0xa9);
    const probe = await probeFile(write("straddle.csv", bytes));
    assert.equal(probe.encoding, "utf-8");
    assert.equal(probe.headerLine, HEADER);
    assert.equal(probe.size, bytes.length);
  });

  it("detects UTF-8 when a four-byte character is cut after its first, second or third byte at the chunk boundary", async () => {
    const emoji = Buffer.from("😀", "utf8"); // F0 9F 98 80
    for (const before of [1, 2, 3]) {
      const prefix = Buffer.from(`${HEADER}\n`);
      const padding = Buffer.alloc(STREAM_CHUNK - before - prefix.length, "x");
      const bytes = Buffer.concat([prefix, padding, emoji, Buffer.from(" and after\n")]);
      assert.deepEqual(bytes.subarray(STREAM_CHUNK - before, STREAM_CHUNK), emoji.subarray(0, before));
      assert.equal((await probeFile(write(`cut-emoji-${before}.csv`, bytes))).encoding, "utf-8", `cut after byte ${before}`);
    }
  });

  it("detects ISO-8859-1 for a byte that cannot start a character, cut at the chunk boundary or not", async () => {
    const prefix = Buffer.from(`${HEADER}\n`);
    for (const [name, at] of [["edge", STREAM_CHUNK - 1], ["middle", 1000]] as const) {
      const bytes = Buffer.concat([prefix, Buffer.alloc(at - prefix.length, "x"), Buffer.from([0xf8, 0x88, 0x80]), Buffer.from(" after\n")]);
      assert.equal((await probeFile(write(`bad-lead-${name}.csv`, bytes))).encoding, "latin-1", name);
    }
  });

  it("detects ISO-8859-1 when the file ends inside a multi-byte UTF-8 sequence", async () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\n1,A,x,1,d,1,,UK`), Buffer.from([0xc3])]);
    assert.equal((await probeFile(write("cut-sequence.csv", bytes))).encoding, "latin-1");
  });

  it("probes an empty file as an empty UTF-8 header line", async () => {
    assert.deepEqual(await probeFile(write("empty.csv", Buffer.alloc(0))), {
      size: 0,
      checksum: sha256(Buffer.alloc(0)),
      gzip: false,
      encoding: "utf-8",
      textEncoding: "utf-8",
      lineEnding: "lf",
      headerLine: "",
    });
  });

  it("refuses a missing file with a LoadError naming the path", async () => {
    const missing = path.join(dir, "does-not-exist.csv");
    await assert.rejects(probeFile(missing), (error: unknown) => {
      assert.ok(error instanceof LoadError);
      assert.equal(error.message, `${missing}: cannot read the file (ENOENT). Check the path.`);
      return true;
    });
  });

  it("refuses a directory with a LoadError naming it", async () => {
    const sub = path.join(dir, "a-directory.csv");
    fs.mkdirSync(sub);
    await assert.rejects(probeFile(sub), (error: unknown) => {
      assert.ok(error instanceof LoadError);
      assert.equal(error.message, `${sub} is not a file.`);
      return true;
    });
  });

  it("refuses a truncated gzip file with a LoadError naming the file", async () => {
    const lines = [HEADER];
    for (let index = 1; index <= 2000; index += 1) lines.push(`${536365 + index},${10000 + ((index * 7919) % 9000)},ITEM ${index},${index},12/1/2010 8:26,2.55,,UK`);
    const compressed = zlib.gzipSync(Buffer.from(`${lines.join("\n")}\n`));
    const file = write("truncated.csv.gz", compressed.subarray(0, Math.floor(compressed.length / 2)));
    await assert.rejects(probeFile(file), (error: unknown) => {
      assert.ok(error instanceof LoadError);
      assert.equal(
        error.message,
        `${file}: the gzip data is damaged or truncated (unexpected end of file). Nothing was loaded; fetch or compress the file again.`
      );
      return true;
    });
  });
});
