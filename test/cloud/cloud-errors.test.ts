import { strict as assert } from "node:assert";
import { quietMetadataProbe } from "../../scripts/cloud/cloud-errors";

/*
 * Off Google Cloud, google-auth-library's metadata-server look-up fails and emits a
 * MetadataLookupWarning, which Node prints under the command's one line. The credentials check drops
 * that warning while it runs, and only that one.
 */
describe("the credentials check's quiet metadata probe", () => {
  it("drops MetadataLookupWarning while it is on, passes every other warning on, and puts emitWarning back", () => {
    const original = process.emitWarning;
    const emitted: string[] = [];
    // Stands in for Node's emitWarning, so the test records what would be printed instead of printing it.
    const recorder = ((warning: string | Error, type?: string) => {
      emitted.push(`${typeof warning === "string" ? type : warning.name}: ${typeof warning === "string" ? warning : warning.message}`);
    }) as typeof process.emitWarning;
    process.emitWarning = recorder;
    try {
      const restore = quietMetadataProbe();
      process.emitWarning("received unexpected error = All promises were rejected", "MetadataLookupWarning");
      const lookup = new Error("from an Error object");
      lookup.name = "MetadataLookupWarning";
      process.emitWarning(lookup);
      process.emitWarning("something else", "OtherWarning");
      restore();
      assert.equal(process.emitWarning, recorder);
      process.emitWarning("after the check", "MetadataLookupWarning");
    } finally {
      process.emitWarning = original;
    }
    assert.deepEqual(emitted, ["OtherWarning: something else", "MetadataLookupWarning: after the check"]);
  });
});
