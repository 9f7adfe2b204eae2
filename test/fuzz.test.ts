import { describe, it, expect } from "vitest";
import { model, gpu, cluster, models, SuanliError, resetWarnings } from "../src/index.js";
import { rng } from "../src/util/random.js";
import { estimators, simulate, sweep, workload, train } from "../src/index.js";
import { cliInProcess } from "./cli/run.js";

// Random valid and invalid calls across the catalog: every result is finite, every refusal a SuanliError.
const ids = (models().objects() as { id: string }[]).map((m) => m.id);
const parts = ["H20", "A800", "H100", "L4", "MI300X", "B200", "RTX 4090"];

function finiteDeep(x: unknown, path = "result"): void {
  if (typeof x === "number") expect(Number.isFinite(x), path).toBe(true);
  else if (x && typeof x === "object" && !Array.isArray(x)) for (const [k, v] of Object.entries(x)) if (typeof v !== "function") finiteDeep(v, `${path}.${k}`);
}

function attempt(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(SuanliError);
    return undefined;
  }
}

describe("the public API on random input", () => {
  it("never returns NaN or Infinity, and refuses only with SuanliError", () => {
    resetWarnings({ silent: true });
    const u = rng(2024);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(u() * xs.length)]!;
    const weird = [0, -1, 1.5, NaN, Infinity, 2 ** 40, "8" as unknown as number];
    for (let i = 0; i < 300; i++) {
      const m = model(pick(ids));
      const batch = u() < 0.15 ? pick(weird) : 1 + Math.floor(u() ** 3 * 512);
      const seq = u() < 0.15 ? pick(weird) : 1 + Math.floor(u() ** 2 * 200_000);
      const kv = attempt(() => m.kv({ batch, seq, dtype: pick(["fp16", "fp8", "int8", "bf16"]) })) as { value: number } | undefined;
      if (kv) expect(Number.isFinite(kv.value)).toBe(true);
      const f = attempt(() => m.decodeFlops({ context: seq }).value);
      if (f !== undefined) expect(Number.isFinite(f as number)).toBe(true);
      const g = gpu(pick(parts));
      const n = pick([1, 2, 4, 8]);
      const e = attempt(() => m.on(cluster(g, n).tp(n)));
      if (!e) continue;
      const engine = e as ReturnType<typeof m.on>;
      const d = attempt(() => engine.decode({ batch, context: seq }));
      if (d) finiteDeep({ t: (d as { time: { value: number } }).time.value, tps: (d as { tokensPerSecond: number }).tokensPerSecond });
      const mem = attempt(() => engine.memory({ batch, context: seq }));
      if (mem) finiteDeep({ free: (mem as { free: number }).free });
      const mb = attempt(() => engine.maxBatch({ context: seq }));
      if (mb !== undefined) expect(Number.isInteger(mb)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The command line and the option objects on generated input (seeded): every outcome is either
// a correct answer (exit 0, parseable, finite) or exit 2 / SuanliError with one line naming the
// value; never an internal error, a stack trace, NaN or Infinity.

const MODELS = ["llama2-7b", "llama2-70b", "mixtral-8x7b", "deepseek-v2-lite", "qwen2-72b", "falcon-7b", "llama2-80b"];
const GPUS = ["H20", "H100", "A800", "L4", "MI300X", "H21"];
const GOOD = ["1", "2", "4", "8", "16", "64", "1e1", "4096"];
const BAD = ["-1", "0", "1.5", "0x10", "1e308", "abc", "", "9007199254740993", "Infinity", "NaN", "-0", "+", " ", "1e-3", "--", "1,2"];

function invocation(u: () => number): string[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(u() * xs.length)]!;
  const small = (xs: string[]) => (u() < 0.85 ? pick(xs.slice(0, 6)) : pick(xs));
  const verb = pick(["kv", "decode", "sweep", "gpus", "models", "simulate", "train", "kv", "decode", "sweep"]);
  const m = u() < 0.9 ? pick(MODELS.slice(0, 6)) : pick(MODELS);
  const g = u() < 0.9 ? pick(GPUS.slice(0, 5)) : pick(GPUS);
  const tp = pick(["1", "2", "4", "8"]);
  let a: string[];
  switch (verb) {
    case "kv":
      a = ["kv", m, "--batch", small(GOOD), u() < 0.5 ? "--context" : "--seq", pick(["128", "4096", "32768"]), ...(u() < 0.3 ? ["--kv", pick(["fp16", "fp8", "int8", "fp7"])] : []), ...(u() < 0.2 ? ["--mha"] : [])];
      break;
    case "decode":
      a = ["decode", m, "--gpu", g, "--tp", tp, "--batch", small(GOOD), "--context", pick(["512", "4096", "16384"]), ...(u() < 0.3 ? ["--precision", pick(["fp8", "bf16", "fp4", "int3"])] : []), ...(u() < 0.2 ? ["--price", pick(["2.5", "0.1", "1e308"])] : [])];
      break;
    case "sweep":
      a = ["sweep", m, "--gpu", g, "--tp", tp, "--batch", pick(["1,8", "1..3", "1..8*2", "64"]), "--context", pick(["512,4096", "128..130", "1024..8192*2"]), ...(u() < 0.5 ? [pick(["--csv", "--json"])] : [])];
      break;
    case "gpus":
    case "models":
      a = [verb, ...(u() < 0.5 ? [pick(["h1", "a8", "llama", "qwen", "zz"])] : []), ...(verb === "models" && u() < 0.3 ? ["--family", pick(["llama", "qwen", "deepseek", "gpt5"])] : []), ...(u() < 0.5 ? ["--json"] : [])];
      break;
    case "simulate":
      a = ["simulate", m, ...(u() < 0.5 ? [g] : ["--gpu", g]), "--gpus", pick(["1", "2", "8"]), "--requests", pick(["1", "4", "8"]), "--prompt", pick(["64", "512"]), "--output", pick(["4", "16"]), ...(u() < 0.5 ? ["--rate", pick(["0.5", "4", "100"])] : []), "--policy", pick(["static", "inflight", "both"]), ...(u() < 0.3 ? ["--max-steps", pick(["5", "100"])] : [])];
      break;
    default:
      a = ["train", m, "--gpu", g, "--gpus", pick(["8", "16", "64"]), "--tp", tp, "--context", pick(["2048", "4096"]), ...(u() < 0.3 ? ["--micro", small(GOOD)] : []), ...(u() < 0.2 ? ["--tokens", pick(["1e9", "2e12"])] : [])];
  }
  if (u() < 0.1) a.push("--json");
  // hostile mutations
  const mutations = u() < 0.6 ? 1 + Math.floor(u() * 2) : 0;
  for (let k = 0; k < mutations; k++) {
    const r = u();
    const flagAt = a.findIndex((t, i) => i > 1 && t.startsWith("--") && a[i + 1] !== undefined && !a[i + 1]!.startsWith("--"));
    if (r < 0.35 && flagAt > 0) a[flagAt + 1] = pick(BAD);
    else if (r < 0.45 && flagAt > 0) a.push(a[flagAt]!, a[flagAt + 1]!);
    else if (r < 0.55) a.push(pick(["extra", "H20", "8"]));
    else if (r < 0.65) a.push(pick(["--batch", "--family", "--out", "--max-batch", "--zero", "--mha", "--csv"]), pick(GOOD));
    else if (r < 0.72) a.push(pick(["--bacth", "--contxt", "--gpuz", "-x", "--"]));
    else if (r < 0.8) a.push("--csv", "--json");
    else if (r < 0.86 && flagAt > 0) a.splice(flagAt, 2);
    else if (r < 0.92) a.push(pick(["--gpu", "--tp", "--context"]));
    else a.push("--out", pick(["", "/proc/fuzz/x.csv", "/dev/null", "x.xlsx"]));
  }
  return a;
}

describe("the command line on 1,000 generated invocations", () => {
  it("answers correctly or refuses with exit 2 and one line naming the value", async () => {
    resetWarnings({ silent: true });
    const u = rng(11);
    const seen = { ok: 0, refused: 0 };
    for (let i = 0; i < 1000; i++) {
      const argv = invocation(u);
      const r = await cliInProcess(argv);
      const label = `suanli ${argv.map((t) => JSON.stringify(t)).join(" ")} → ${r.status} ${r.stderr}`;
      expect([0, 2], label).toContain(r.status);
      if (r.status === 0) {
        seen.ok++;
        expect(r.stdout.length, label).toBeGreaterThan(0);
        expect(r.stdout, label).not.toMatch(/\bNaN\b|Infinity/);
        if (argv.includes("--json") && !argv.includes("--csv")) expect(() => JSON.parse(r.stdout), label).not.toThrow();
      } else {
        seen.refused++;
        const lines = r.stderr.trim().split("\n");
        expect(lines, label).toHaveLength(1);
        expect(lines[0], label).toMatch(/^suanli: /);
        expect(lines[0], label).not.toMatch(/internal error|undefined|    at /);
        const named = argv.some((t) => t.trim() !== "" && t !== "--" && lines[0]!.includes(t.trim())) || /needs|give|empty string|given twice|both/.test(lines[0]!);
        expect(named, label).toBe(true);
      }
    }
    // the generator exercises both sides
    expect(seen.ok).toBeGreaterThan(200);
    expect(seen.refused).toBeGreaterThan(200);
  }, 240_000);
});

describe("option objects on 1,000 generated API calls", () => {
  it("a finite result or a SuanliError naming the value, never a silent default", () => {
    resetWarnings({ silent: true });
    const u = rng(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(u() * xs.length)]!;
    const weird: unknown[] = [0, -1, -8, 1.5, NaN, Infinity, -Infinity, 2 ** 53 + 2, "8", null, undefined, {}, [], 1e308];
    const num = () => (u() < 0.7 ? 1 + Math.floor(u() * 64) : pick(weird));
    const m = model("llama2-70b");
    const e = estimators(m, gpu("H20"), { tp: 8 });
    const small = model("llama2-7b").on(gpu("H100"));
    let calls = 0;
    const check = (f: () => unknown) => {
      calls++;
      try {
        const v = f();
        if (typeof v === "number") expect(Number.isFinite(v), String(v)).toBe(true);
      } catch (err) {
        expect(err, String(err)).toBeInstanceOf(SuanliError);
        expect(String((err as Error).message)).not.toMatch(/\n/);
      }
    };
    for (let i = 0; i < 200; i++) {
      check(() => e.kvBytes(num() as number, num() as number));
      check(() => e.decodeTime(num() as number, num() as number));
      check(() => e.decodeFlops(num() as number, num() as number));
      const typo = pick(["microbatch", "globalbatch", "sequence", "zer0", "precison", "seq"]);
      check(() => train(m, { seq: 4096, [typo]: num() } as never).on(cluster(gpu("H20"), 64).tp(8)).memory().total.value);
      check(() => cluster(gpu("H20"), pick([8, 16, 24, 64])).perNode(num() as number).nodes);
    }
    for (let i = 0; i < 100; i++) {
      check(() => gpu.custom({ name: "x", memory: pick(["80 GiB", 0, -1, "x"]) as string, bandwidth: pick(["2 TB/s", 0]) as string, peak: { [pick(["fp16", "fp8", "fp9"])]: pick(["100 TFLOPS", 0, -5, "0 TFLOPS"]) }, ...(u() < 0.3 ? { sms: num() } : {}), ...(u() < 0.2 ? { smz: 1 } : {}) } as never).spec.memory);
      check(() => sweep({ batch: [1, 2] }, ({ batch }) => ({ x: batch }), { [pick(["maxRows", "maxrows", "onProgress", "progress"])]: pick([10, -1, 0, "x", () => 0]) } as never).numRows());
      check(() => workload({ requests: num(), [pick(["rate", "rte", "seed", "prompt"])]: num() } as never).length);
      check(() => simulate(small, { requests: 3, output: 4, prompt: 64, [pick(["maxSteps", "maxsteps", "maxBatch", "chunk", "samples"])]: num() } as never).finished);
      check(() => estimators(m, gpu("H20"), { [pick(["tp", "tpp", "kv", "weights"])]: pick([8, "fp8", -1, "fp7"]) } as never).kvBytes(1, 1));
      check(() => model.fromHFConfig({ model_type: "llama", hidden_size: num(), num_hidden_layers: pick([32, 1e308, -1, 2 ** 40]), num_attention_heads: 32, intermediate_size: 11008, vocab_size: 32000 }).arch.layers);
    }
    expect(calls).toBeGreaterThanOrEqual(1000);
  }, 120_000);
});
