import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromArrow } from "arquero";
import { sweep, toCsv, toJson, toArrow, exportTable } from "../../src/index.js";

const t = sweep({ gpu: ["H20", "H100"], batch: [1, 8] }, ({ gpu, batch }) => ({ kv_GiB: batch * 1.25, fits: batch < 8, tag: `${gpu}` }));

describe("toCsv / toJson / toArrow (table)", () => {
  it("toCsv keeps the unit-suffixed header", () => {
    expect(toCsv(t).split("\n")[0]).toBe("gpu,batch,kv_GiB,fits,tag");
    expect(toCsv(t).split("\n")[2]).toBe("H20,8,10,false,H20");
  });
  it("toJson: rows, or columns with their units", () => {
    expect(JSON.parse(toJson(t))[1]).toEqual({ gpu: "H20", batch: 8, kv_GiB: 10, fits: false, tag: "H20" });
    const c = JSON.parse(toJson(t, { shape: "columns" }));
    expect(c.columns.find((x: { name: string }) => x.name === "kv_GiB").unit).toBe("GiB");
    expect(c.rows.length).toBe(4);
  });
  it("toArrow round-trips through arquero's fromArrow", () => {
    const back = fromArrow(toArrow(t));
    expect(back.objects()).toEqual(t.objects());
  });
  it("exportTable(table, path) picks the format from the extension and refuses others", () => {
    const dir = mkdtempSync(join(tmpdir(), "suanli-export-"));
    expect(readFileSync(exportTable(t, join(dir, "a.csv")), "utf8")).toBe(toCsv(t));
    expect(fromArrow(readFileSync(exportTable(t, join(dir, "a.arrow")))).numRows()).toBe(4);
    expect(() => exportTable(t, join(dir, "a.xlsx"))).toThrowError(/end it in \.csv, \.json, \.arrow \(file\) or \.arrows \(stream\)/);
    expect(() => toCsv({} as never)).toThrowError(/give an arquero table/);
  });
});
