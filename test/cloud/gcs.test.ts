import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { Storage } from "@google-cloud/storage";
import { createStorage, describeApiError, downloadGcsObject, listGcsObjects, parseGcsUri, readGcsHead, type GcsObject } from "../../scripts/cloud/gcs";
import { LoadError, UsageError } from "../../scripts/errors";
import { FakeGcp } from "../support/fake-gcp";
import { makeTempDir } from "../support/temp";

const HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
const JANUARY = `${HEADER}\n536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n`;

/** CSV text of `lines` data lines, varied enough that gzip cannot shrink it to nothing. */
function salesCsv(lines: number): string {
  const rows = Array.from({ length: lines }, (_, i) => `${536365 + i},${(85123 * (i + 7)) % 99991},ITEM ${(i * 7919) % 10007},${i % 13},12/1/2010 8:26,${(i % 97) / 4},${17850 + i},United Kingdom`);
  return `${HEADER}\n${rows.join("\n")}\n`;
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

describe("Cloud Storage access (scripts/cloud/gcs)", () => {
  let fake: FakeGcp;
  let storage: Storage;
  let generations: Record<string, string>;
  const big = Buffer.from(salesCsv(6000), "utf8");
  const bigGzip = zlib.gzipSync(big);

  before(async () => {
    fake = await FakeGcp.start();
    storage = createStorage({ projectId: "test-project", apiEndpoint: fake.endpoint });
    generations = {
      "raw/2011-01.csv": fake.putObject("bucket", "raw/2011-01.csv", JANUARY),
      "raw/2011-02.csv.gz": fake.putObject("bucket", "raw/2011-02.csv.gz", zlib.gzipSync(JANUARY), "application/gzip"),
      "raw/archive/x.csv": fake.putObject("bucket", "raw/archive/x.csv", JANUARY),
      "raw/notes.txt": fake.putObject("bucket", "raw/notes.txt", "not a CSV"),
      "big/sales.csv": fake.putObject("bucket", "big/sales.csv", big),
      "big/sales.csv.gz": fake.putObject("bucket", "big/sales.csv.gz", bigGzip, "application/gzip"),
      "big/sales-gzip-without-extension.csv": fake.putObject("bucket", "big/sales-gzip-without-extension.csv", bigGzip),
    };
  });

  after(async () => {
    await fake.stop();
  });

  beforeEach(() => fake.clearRequests());

  afterEach(() => {
    assert.deepEqual(fake.foreignConnections, [], "only the stand-in on 127.0.0.1 may be contacted");
    assert.deepEqual(
      fake.requests.filter((request) => request.headers.authorization !== undefined),
      [],
      "no request may carry credentials"
    );
  });

  function object(name: string): GcsObject {
    const data = fake.buckets.get("bucket")?.get(name)?.data;
    assert.ok(data, `test object ${name}`);
    return { uri: `gs://bucket/${name}`, bucket: "bucket", name, size: data.length, generation: generations[name] ?? "" };
  }

  describe("parseGcsUri", () => {
    it("splits gs://b/raw/*.csv into the bucket b and the pattern raw/*.csv", () => {
      assert.deepEqual(parseGcsUri("gs://b/raw/*.csv"), { bucket: "b", pattern: "raw/*.csv" });
    });

    it("keeps an object name with folders and dots as the pattern", () => {
      assert.deepEqual(parseGcsUri("gs://my-bucket.example.com/exports/2011/online_retail.csv.gz"), {
        bucket: "my-bucket.example.com",
        pattern: "exports/2011/online_retail.csv.gz",
      });
    });

    for (const [uri, reason] of [
      ["s3://bucket/raw/x.csv", "not a Cloud Storage URI"],
      ["bucket/raw/x.csv", "not a Cloud Storage URI"],
      ["gs://", "no bucket is named"],
      ["gs:///raw/x.csv", "no bucket is named"],
      ["gs://My_Bucket/raw/x.csv", '"My_Bucket" is not a valid bucket name'],
      ["gs://bucket", "names no object"],
      ["gs://bucket/", "names no object"],
      ["gs://bucket/raw/", "names no object"],
    ] as const) {
      it(`refuses ${JSON.stringify(uri)} with a UsageError naming it (${reason})`, () => {
        assert.throws(
          () => parseGcsUri(uri),
          (error: unknown) => error instanceof UsageError && error.message.startsWith(JSON.stringify(uri)) && error.message.includes(reason)
        );
      });
    }
  });

  describe("listGcsObjects", () => {
    it("gives a plain object URI's metadata, read with one GET of the object", async () => {
      const objects = await listGcsObjects(storage, "gs://bucket/raw/2011-01.csv");
      assert.deepEqual(objects, [
        {
          uri: "gs://bucket/raw/2011-01.csv",
          bucket: "bucket",
          name: "raw/2011-01.csv",
          size: Buffer.byteLength(JANUARY),
          generation: generations["raw/2011-01.csv"],
        },
      ]);
      assert.deepEqual(fake.requestLines(), ["GET /storage/v1/b/bucket/o/raw%2F2011-01.csv"]);
    });

    it("matches gs://bucket/raw/*.csv to raw/2011-01.csv only: not raw/2011-02.csv.gz, raw/archive/x.csv nor raw/notes.txt, listing only the prefix raw/", async () => {
      const objects = await listGcsObjects(storage, "gs://bucket/raw/*.csv");
      assert.deepEqual(
        objects.map((found) => [found.uri, found.size, found.generation]),
        [["gs://bucket/raw/2011-01.csv", Buffer.byteLength(JANUARY), generations["raw/2011-01.csv"]]]
      );
      assert.deepEqual(fake.requestLines(), ["GET /storage/v1/b/bucket/o?prefix=raw%2F"]);
      assert.equal(fake.requests[0]?.query.prefix, "raw/");
    });

    it("takes plain and gzip-compressed exports with gs://bucket/raw/*.{csv,csv.gz}, and lists from the literal prefix raw/2011-", async () => {
      assert.deepEqual(
        (await listGcsObjects(storage, "gs://bucket/raw/*.{csv,csv.gz}")).map((found) => found.name),
        ["raw/2011-01.csv", "raw/2011-02.csv.gz"]
      );
      fake.clearRequests();
      assert.deepEqual(
        (await listGcsObjects(storage, "gs://bucket/raw/2011-0?.csv*")).map((found) => found.name),
        ["raw/2011-01.csv", "raw/2011-02.csv.gz"]
      );
      assert.equal(fake.requests[0]?.query.prefix, "raw/2011-0");
    });

    it("lets * match within one folder of the pattern only: raw/*/x.csv finds raw/archive/x.csv", async () => {
      const objects = await listGcsObjects(storage, "gs://bucket/raw/*/x.csv");
      assert.deepEqual(
        objects.map((found) => found.name),
        ["raw/archive/x.csv"]
      );
    });

    it("returns the matches sorted by name", async () => {
      const objects = await listGcsObjects(storage, "gs://bucket/big/*");
      assert.deepEqual(
        objects.map((found) => found.name),
        ["big/sales-gzip-without-extension.csv", "big/sales.csv", "big/sales.csv.gz"]
      );
    });

    it("refuses a pattern that matches nothing with a LoadError naming the pattern", async () => {
      await assert.rejects(
        listGcsObjects(storage, "gs://bucket/raw/*.xlsx"),
        (error: unknown) =>
          error instanceof LoadError &&
          error.message.startsWith("gs://bucket/raw/*.xlsx: no object matches the pattern (4 objects under gs://bucket/raw/;")
      );
    });

    it("refuses a missing object with the LoadError \"<uri>: no such object\", keeping the API error as cause", async () => {
      await assert.rejects(listGcsObjects(storage, "gs://bucket/raw/missing.csv"), (error: unknown) => {
        assert.ok(error instanceof LoadError);
        assert.equal(error.message, "gs://bucket/raw/missing.csv: no such object");
        assert.equal((error.cause as { code?: number }).code, 404);
        return true;
      });
    });

    it("refuses a missing bucket with a LoadError naming the URI", async () => {
      await assert.rejects(
        listGcsObjects(storage, "gs://no-such-bucket/raw/*.csv"),
        (error: unknown) => error instanceof LoadError && error.message.startsWith("gs://no-such-bucket/raw/*.csv: cannot list gs://no-such-bucket/raw/")
      );
    });
  });

  describe("readGcsHead", () => {
    it("reads the first 64 KiB of a plain object with one range request pinned to the listed generation", async () => {
      const head = await readGcsHead(storage, object("big/sales.csv"));
      assert.equal(head.length, 64 * 1024);
      assert.ok(head.equals(big.subarray(0, 64 * 1024)));
      assert.equal(head.toString("utf8").split("\n")[0], HEADER);
      assert.deepEqual(fake.requestLines(), [`GET /storage/v1/b/bucket/o/big%2Fsales.csv?alt=media&generation=${generations["big/sales.csv"]}`]);
      assert.equal(fake.requests[0]?.headers.range, "bytes=0-65535");
    });

    it("reads a small object whole, asking for no more bytes than it has", async () => {
      const head = await readGcsHead(storage, object("raw/2011-01.csv"));
      assert.equal(head.toString("utf8"), JANUARY);
      assert.equal(fake.requests[0]?.headers.range, `bytes=0-${Buffer.byteLength(JANUARY) - 1}`);
    });

    it("inflates a gzip object's head: the header line comes back decompressed", async () => {
      const head = await readGcsHead(storage, object("big/sales.csv.gz"));
      assert.equal(head.length, 64 * 1024);
      assert.ok(head.equals(big.subarray(0, 64 * 1024)));
      assert.equal(fake.requests[0]?.headers.range, "bytes=0-65535");
    });

    it("recognises gzip content by its magic bytes when the name does not end .gz", async () => {
      const head = await readGcsHead(storage, object("big/sales-gzip-without-extension.csv"));
      assert.equal(head.toString("utf8").split("\n")[0], HEADER);
    });

    it("reads more compressed bytes while the inflated head has no complete first line", async () => {
      const head = await readGcsHead(storage, object("big/sales.csv.gz"), 20);
      assert.equal(head.toString("utf8"), HEADER.slice(0, 20));
      assert.deepEqual(
        fake.requests.map((request) => request.headers.range),
        ["bytes=0-19", "bytes=0-79", "bytes=0-319"]
      );
    });
  });

  describe("downloadGcsObject", () => {
    let temp: ReturnType<typeof makeTempDir>;

    beforeEach(() => {
      temp = makeTempDir("ecom-gcs");
    });

    afterEach(() => temp.remove());

    it("writes the object's exact bytes, a .csv.gz staying compressed, and reports progress up to the total", async () => {
      const target = path.join(temp.dir, "sales.csv.gz");
      const progress: [number, number][] = [];
      await downloadGcsObject(storage, object("big/sales.csv.gz"), target, (done, total) => progress.push([done, total]));
      assert.equal(sha256(fs.readFileSync(target)), sha256(bigGzip));
      assert.deepEqual(progress.at(-1), [bigGzip.length, bigGzip.length]);
      assert.ok(progress.every(([done, total], i) => total === bigGzip.length && done > (progress[i - 1]?.[0] ?? 0)), "progress only grows");
      assert.deepEqual(fs.readdirSync(temp.dir), ["sales.csv.gz"]);
      assert.deepEqual(fake.requestLines(), [`GET /storage/v1/b/bucket/o/big%2Fsales.csv.gz?alt=media&generation=${generations["big/sales.csv.gz"]}`]);
      assert.equal(fake.requests[0]?.headers.range, undefined);
    });

    it("writes a plain object's exact bytes in several chunks", async () => {
      const target = path.join(temp.dir, "sales.csv");
      let calls = 0;
      await downloadGcsObject(storage, object("big/sales.csv"), target, () => (calls += 1));
      assert.equal(sha256(fs.readFileSync(target)), sha256(big));
      assert.ok(calls > 1, `progress after each chunk (got ${calls} calls)`);
    });

    it("leaves no partial file, and an existing file untouched, when the connection is cut mid-download", async () => {
      const target = path.join(temp.dir, "sales.csv");
      fs.writeFileSync(target, "the previous download");
      fake.cutDownloads.add("big/sales.csv");
      try {
        await assert.rejects(downloadGcsObject(storage, object("big/sales.csv"), target, undefined, { stallTimeoutMs: 200 }), (error: unknown) => {
          assert.ok(error instanceof LoadError);
          assert.match(error.message, /^gs:\/\/bucket\/big\/sales\.csv: download to .* failed \(no data for 0\.2 s: the connection stalled or was cut\)/);
          assert.ok(error.cause instanceof Error);
          return true;
        });
      } finally {
        fake.cutDownloads.clear();
      }
      assert.deepEqual(fs.readdirSync(temp.dir), ["sales.csv"]);
      assert.equal(fs.readFileSync(target, "utf8"), "the previous download");
    });

    it("refuses an object overwritten since it was listed (its generation is gone) with a LoadError naming the URI", async () => {
      const stale = { ...object("raw/2011-01.csv"), generation: "1" };
      const target = path.join(temp.dir, "x.csv");
      await assert.rejects(
        downloadGcsObject(storage, stale, target),
        (error: unknown) => error instanceof LoadError && error.message.includes("gs://bucket/raw/2011-01.csv: download to") && error.message.includes("generation 1 no longer exists")
      );
      assert.deepEqual(fs.readdirSync(temp.dir), []);
    });
  });

  describe("describeApiError", () => {
    it("gives the message of a JSON error document, which a failed download carries as its message", () => {
      const body = JSON.stringify({ error: { code: 403, message: "ecom@example.iam.gserviceaccount.com does not have storage.objects.get access." } });
      assert.equal(describeApiError(new Error(body)), "ecom@example.iam.gserviceaccount.com does not have storage.objects.get access.");
    });

    it("puts a multi-line message on one line", () => {
      assert.equal(describeApiError(new Error("Multiple errors occurred.\n    1. first\n    2. second")), "Multiple errors occurred. 1. first 2. second");
    });
  });

  describe("isolation from Google", () => {
    it("sends no credentials: createStorage with an apiEndpoint skips authentication", async () => {
      await listGcsObjects(storage, "gs://bucket/raw/*.csv");
      assert.ok(fake.requests.length > 0);
      assert.ok(fake.requests.every((request) => request.headers.authorization === undefined));
    });

    it("would fail a request that tried to load credentials (the stand-in points them at a missing file)", async () => {
      const authenticating = new Storage({ projectId: "test-project", apiEndpoint: fake.endpoint, useAuthWithCustomEndpoint: true });
      await assert.rejects(authenticating.bucket("bucket").file("raw/2011-01.csv").getMetadata(), /ecom-test-credentials\.json/);
      assert.deepEqual(fake.requests, []);
    });

    it("notices a connection to anywhere but 127.0.0.1", async () => {
      const socket = net.connect(80, "metadata.google.internal.invalid");
      await new Promise<void>((resolve) => socket.once("error", () => resolve()).once("connect", () => resolve()));
      socket.destroy();
      assert.deepEqual(fake.foreignConnections.splice(0), ["metadata.google.internal.invalid"]);
    });
  });
});
