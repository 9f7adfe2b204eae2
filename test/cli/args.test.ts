import { describe, expect, it } from "vitest";
import { helpText, parseVerb, readList, readNumber, registerVerbs } from "../../src/cli/args.js";
import { VERBS } from "../../src/cli/verbs.js";
import { errorOf } from "../helpers.js";

registerVerbs(VERBS);
const spec = (name: string) => VERBS.find((v) => v.name === name)!;
const parse = (name: string, ...argv: string[]) => parseVerb(spec(name), argv);

describe("readNumber: numbers as typed", () => {
  it("accepts decimal and scientific notation", () => {
    expect(readNumber("8", "--batch", { kind: "int" })).toBe(8);
    expect(readNumber("2e12", "--tokens", { kind: "num" })).toBe(2e12);
    expect(readNumber("1e3", "--batch", { kind: "int" })).toBe(1000);
    expect(readNumber("0.5", "--rate", { kind: "num" })).toBe(0.5);
  });
  it("refuses hex, fractions, non-finite and unsafe integers, naming the value as typed", () => {
    for (const [raw, why] of [["0x10", /got "0x10" \(hexadecimal/], ["1.5", /positive integer, got "1.5"$/], ["1e309", /got "1e309" \(too large\)/], ["Infinity", /got "Infinity"/], ["abc", /got "abc"/], ["9007199254740993", /got "9007199254740993" \(beyond 2\^53/], ["-1", /got "-1"/], ["0", /got "0"/]] as const) {
      expect(errorOf(() => readNumber(raw, "--batch", { kind: "int" })).message).toMatch(why);
    }
    expect(errorOf(() => readNumber("1e308", "--price", { kind: "num", max: 1e6 })).message).toMatch(/--price must be a number > 0 up to 1,000,000, got "1e308"/);
  });
  it("reads lists and ranges, refusing empty items and huge ranges", () => {
    expect(readList("1..8*2", "--batch")).toEqual([1, 2, 4, 8]);
    expect(errorOf(() => readList("1,,2", "--batch")).message).toMatch(/cannot read "1,,2"/);
    expect(errorOf(() => readList("1..1e12", "--batch")).message).toMatch(/over the limit/);
    expect(errorOf(() => readList("8..1", "--batch")).message).toMatch(/cannot read "8..1"/);
  });
});

describe("parseVerb: one parser for every verb", () => {
  it("reads negative numbers as values (never Node's 'argument is ambiguous')", () => {
    expect(errorOf(() => parse("kv", "llama2-70b", "--batch", "-1", "--context", "8")).message).toBe('--batch must be a positive integer, got "-1"');
    expect(errorOf(() => parse("decode", "llama2-70b", "--price=-1")).message).toMatch(/--price must be a number > 0 .*got "-1"/);
  });
  it("refuses duplicates (aliases included), other verbs' flags, unknown flags and stray positionals", () => {
    expect(errorOf(() => parse("kv", "m", "--batch", "1", "--batch", "2")).message).toMatch(/--batch given twice/);
    expect(errorOf(() => parse("kv", "m", "--context", "1", "--seq", "2")).message).toMatch(/given twice \(as --context and --seq\)/);
    expect(errorOf(() => parse("models", "--batch", "8")).message).toMatch(/models does not take --batch \(it is an option of kv, decode, sweep\)/);
    expect(errorOf(() => parse("kv", "m", "--contxt", "8")).message).toMatch(/did you mean --context\?/);
    expect(errorOf(() => parse("gpus", "h20", "extra")).message).toMatch(/unexpected argument "extra"/);
    expect(errorOf(() => parse("reproduce", "now")).message).toMatch(/takes no positional arguments/);
  });
  it("refuses missing and empty values, and values on switches", () => {
    expect(errorOf(() => parse("sweep", "m", "--gpu")).message).toMatch(/--gpu needs a value/);
    expect(errorOf(() => parse("sweep", "m", "--out", "")).message).toMatch(/--out needs a value \(FILE\), got an empty string/);
    expect(errorOf(() => parse("sweep", "m", "--csv=yes")).message).toMatch(/--csv is a switch/);
    expect(errorOf(() => parse("simulate", "m", "--policy", "dynamic")).message).toMatch(/--policy must be one of static, inflight, both; got "dynamic"/);
  });
  it("takes MODEL or --config, -h anywhere, -- before positionals", () => {
    expect(parse("kv", "--config", "x.json", "--context", "8").values.config).toBe("x.json");
    expect(parse("kv", "-h").help).toBe(true);
    expect(parse("kv", "--context", "8", "--", "-odd-name").positionals).toEqual(["-odd-name"]);
    expect(errorOf(() => parse("kv", "--context", "8")).message).toMatch(/kv needs MODEL \(a catalog id, or --config path\/config.json\)/);
  });
  it("help states the defaults the verbs run with, and every verb takes the shared vocabulary", () => {
    expect(helpText(spec("train"))).toMatch(/--precision P .*\(default bf16 where the GPU has a bf16 peak\)/);
    expect(helpText(spec("sweep"))).toMatch(/--context, --seq LIST/);
    for (const v of ["decode", "simulate", "train"]) for (const f of ["gpu", "gpus", "tp", "pp", "precision", "config", "network"]) expect(Object.keys(spec(v).flags), `${v} --${f}`).toContain(f);
    for (const v of ["decode", "simulate", "sweep"]) for (const f of ["weights", "kv"]) expect(Object.keys(spec(v).flags), `${v} --${f}`).toContain(f);
    for (const v of ["kv", "decode", "sweep", "train"]) expect(spec(v).flags.context?.alias).toContain("seq");
  });
});
