import { strict as assert } from "node:assert";
import { isBlankSql, withoutLeadingComments } from "../scripts/sql-text";

describe("compiled statements read past their comments", () => {
  it("takes a statement from its first keyword, past line and block comments before it", () => {
    assert.equal(withoutLeadingComments("-- why\n  /* and how */\nDELETE FROM t WHERE a = '--not a comment'"), "\nDELETE FROM t WHERE a = '--not a comment'");
  });

  it("calls blank only what holds nothing but blanks and comments", () => {
    assert.equal(isBlankSql(""), true);
    assert.equal(isBlankSql("  \n\n"), true);
    assert.equal(isBlankSql("-- the watermark first\n"), true);
    assert.equal(isBlankSql("/* a */ -- b"), true);
    assert.equal(isBlankSql("-- a\nSELECT 1"), false);
    assert.equal(isBlankSql("/* never closed\nSELECT 1"), false);
  });
});
