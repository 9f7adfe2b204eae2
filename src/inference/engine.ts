/**
 * `m.on(device)` — a model served on a GPU or a cluster: prefill, decode and request latency,
 * throughput, memory fit and cost, from the per-operator roofline (roofline.ts, ops.ts).
 * Immutable: `.efficiency({…})`, `.kernels({…})`, `.overhead({…})`, `.dtypes({…})`, `.reserve(f)`,
 * `.maxTokens(n)` return new engines.
 *
 * What prefill, decode and request report is `fullStepTime`: the operators' roofline with the
 * kernels' partial compute/memory overlap (kernels.ts) plus a fixed per-step and per-layer
 * overhead (overhead.ts); `stepTime` is the same, and long-context's mixedStep reproduces it
 * operator by operator. `idealStepTime` is the classic roofline alone (perfect overlap, no
 * overhead).
 *
 * Layout: `batch` is the number of sequences one model replica (tp × pp GPUs) runs together;
 * the cluster's dp replicas each run such a batch, so total tokens/s = dp × replica tokens/s.
 * With pp > 1 the batch is split into pp micro-batches that keep every stage busy, so a step
 * costs pp × (stage time of one micro-batch + its hand-off to the next stage).
 *
 * @example
 * const e = model("llama2-70b").on(cluster(gpu("H20").fp8(), 8).tp(8));
 * e.decode({ batch: 64, context: 4096 }).tokensPerSecond   // total output tokens/s
 * e.decode({ batch: 64, context: 4096 }).bound             // "memory" | "compute" | "link"
 * e.breakdown({ batch: 64, context: 4096 })                // arquero table of the ops
 */
import type { ColumnTable } from "arquero";
import { SuanliError } from "../errors.js";
import { asCluster, type Cluster } from "../hardware/cluster.js";
import { p2pTime } from "../hardware/collectives.js";
import type { Gpu } from "../hardware/gpu.js";
import type { Model } from "../model/model.js";
import { checkContext } from "../model/context.js";
import { format, parseQuantity } from "../units.js";
import { checkKeys, positiveInt, positiveNumber } from "../validate.js";
import type { Unit } from "mathjs";
import { ACTIVATION_BYTES, checkpointDtypes, defaultDtypes, describeWeights, expertBytesPerParam, weightBytesPerParam, withDtypes, type DtypeOptions, type Dtypes, type WeightFormat } from "./dtypes.js";
import { quantizedGemm, quantizeLatency } from "./launches.js";
import { computeFactor, DEFAULT_EFFICIENCY, withEfficiency, type Efficiency } from "./efficiency.js";
import { DEFAULT_KERNELS, IDEAL_KERNELS, dequantizes, operandBytes, withKernels, type KernelOptions, type Kernels } from "./kernels.js";
import { compile, type CompiledEngine } from "./compiled.js";
import { checkGemmLibrary, gemmLibraryFactor, type GemmLibraryChoice } from "./gemmLibraries.js";
import { DEFAULT_OVERHEAD, NO_OVERHEAD, overheadTime, withOverhead, type Overhead, type OverheadOptions } from "./overhead.js";
import { kernelLayers } from "./layerKernels.js";
import { DEFAULT_RESERVE, largest, memoryParts, type MemoryParts } from "./memory.js";
import { rates, stepRows, stepTime, type Bound, type OpRow, type Rates, type StepTime } from "./roofline.js";
import { shard, type Shard } from "./shard.js";
import type { Step } from "./ops.js";
import { breakdownTable, decodeResult, memoryResult, prefillResult, requestResult, type DecodeResult, type MemoryResult, type PrefillResult, type RequestResult } from "./results.js";

export interface EngineState {
  readonly model: Model;
  readonly cluster: Cluster;
  readonly efficiency: Efficiency;
  /** Compute/memory overlap and attention KV reads of the kernels (kernels.ts). */
  readonly kernels: Kernels;
  /** Fixed time per step and per layer beyond the roofline (overhead.ts). */
  readonly overhead: Overhead;
  readonly dtypes: Dtypes;
  /** Bytes of GPU memory held back for the runtime (CUDA context, cuBLAS/NCCL workspaces). */
  readonly reserve: number;
  /** Largest forward pass in tokens (prefill chunk), sizing the activation workspace. */
  readonly maxTokens: number;
  /** The FP8 GEMM library (gemmLibraries.ts); absent: the generation's factor (efficiency.ts). */
  readonly gemmLibrary?: GemmLibraryChoice;
}

export type BreakdownOptions = { batch?: number; context: number } | { batch?: number; prompt: number };

export class InferenceEngine {
  readonly state: EngineState;
  /** The per-GPU split (validated once, when the engine is made). */
  readonly shard: Shard;

  constructor(state: EngineState) {
    this.state = state;
    const { tp, pp } = state.cluster.layout;
    this.shard = shard(state.model.arch, tp, pp, state.model.id, state.cluster.expertParallel, state.cluster.state.epImbalance);
    // Every link a step uses must exist (a group spanning nodes needs a network): refuse here, not mid-sweep.
    state.cluster.tpLink();
    if (pp > 1) state.cluster.ppLink();
    if (this.shard.ep > 1) state.cluster.linkFor(this.shard.ep);
    Object.freeze(this);
  }

  private with(patch: Partial<EngineState>): InferenceEngine {
    return new InferenceEngine({ ...this.state, ...patch });
  }

  get model(): Model { return this.state.model; }
  get cluster(): Cluster { return this.state.cluster; }
  get gpu(): Gpu { return this.state.cluster.gpu; }

  /** The achievable fractions in use; with a patch, a new engine using them (each in (0, 1]). */
  efficiency(): Efficiency;
  efficiency(patch: Partial<Efficiency>): InferenceEngine;
  efficiency(patch?: Partial<Efficiency>): Efficiency | InferenceEngine {
    if (patch === undefined) return this.state.efficiency;
    return this.with({ efficiency: withEfficiency(this.state.efficiency, patch) });
  }

  /**
   * The kernel model in use; with a patch, a new engine: `.kernels({ overlap: 1 })` for the
   * classic roofline, `.kernels({ kvReads: "per-query-head" })` for pre-XQA GQA attention.
   */
  kernels(): Kernels;
  kernels(patch: KernelOptions): InferenceEngine;
  kernels(patch?: KernelOptions): Kernels | InferenceEngine {
    if (patch === undefined) return this.state.kernels;
    return this.with({ kernels: withKernels(this.state.kernels, patch) });
  }

  /**
   * Fixed overhead in use (seconds); with a patch, a new engine: `.overhead({ perLayer: "4 µs" })`,
   * `.overhead({ perStep: 0, perLayer: 0 })` for none.
   */
  overhead(): Overhead;
  overhead(patch: OverheadOptions): InferenceEngine;
  overhead(patch?: OverheadOptions): Overhead | InferenceEngine {
    if (patch === undefined) return this.state.overhead;
    return this.with({ overhead: withOverhead(this.state.overhead, patch) });
  }

  /** Storage formats in use; with options, a new engine: `.dtypes({ weights: "int4", kv: "fp8" })`. */
  dtypes(): Dtypes;
  dtypes(o: DtypeOptions): InferenceEngine;
  dtypes(o?: DtypeOptions): Dtypes | InferenceEngine {
    if (o === undefined) return this.state.dtypes;
    return this.with({ dtypes: withDtypes(this.state.dtypes, o) });
  }

  /** Memory held back per GPU for the runtime: "4 GiB", a mathjs Unit or bytes (default 2 GiB). */
  reserve(bytes: string | number | Unit): InferenceEngine {
    return this.with({ reserve: parseQuantity(bytes, "bytes", "reserve") });
  }

  /**
   * The FP8 GEMM library in use (undefined: the generation's factor); with a name from
   * GEMM_LIBRARIES or `{ fp8: factor }`, a new engine whose FP8 GEMMs reach that library's
   * fraction: `.gemmLibrary("DeepGEMM")`.
   */
  gemmLibrary(): GemmLibraryChoice | undefined;
  gemmLibrary(choice: GemmLibraryChoice): InferenceEngine;
  gemmLibrary(choice?: GemmLibraryChoice): GemmLibraryChoice | undefined | InferenceEngine {
    if (arguments.length === 0) return this.state.gemmLibrary;
    return this.with({ gemmLibrary: checkGemmLibrary(choice as GemmLibraryChoice) });
  }

  /** Largest forward pass in tokens (default 8192, TensorRT-LLM's max_num_tokens). */
  maxTokens(n: number): InferenceEngine {
    return this.with({ maxTokens: positiveInt(n, "maxTokens") });
  }

  /**
   * The classic ideal roofline as an engine of its own: every operator at max(t_c, t_m)
   * (perfect compute/memory overlap), GEMMs shape-blind, MoE experts at the dense GEMM rate
   * with uniform load, free dequantization, and no fixed overhead (the attention kernels' KV
   * reads, the MoE kernel family, the LM head layout and the all-reduce algorithm stay as configured) — an optimistic bound, available
   * to every door (`estimators(…, { ideal: true })`, `suanli decode|sweep --ideal`).
   */
  ideal(): InferenceEngine {
    const { kvReads, allReduce, moe, lmHead } = this.state.kernels;
    return this.with({ kernels: Object.freeze({ ...IDEAL_KERNELS, kvReads, allReduce, moe, lmHead }), overhead: NO_OVERHEAD });
  }

  /** The engine specialised for plain-number sweeps (compiled.ts): the same arithmetic, no Quantities. */
  compile(): CompiledEngine {
    return compile(this);
  }

  /** Achievable rates of one GPU under the current efficiency. */
  rates(): Rates {
    const g = this.gpu;
    const peak = g.peak().value;
    const peak16 = g.spec.peak.fp16 ?? g.spec.peak.bf16 ?? peak;
    // Weight-only formats dequantize on the vector units (kernels.ts): the FP32 peak, else 1/16 of
    // the 16-bit tensor peak. Which GEMMs do is decided per weight class in ops.ts (Rates.operand).
    const operand = operandBytes(g.precisionName);
    const dt = this.state.dtypes;
    const anyNarrow = dequantizes(weightBytesPerParam(dt), operand) || dequantizes(expertBytesPerParam(dt), operand);
    const vector = anyNarrow ? (g.spec.peak.fp32 ?? peak16 / 16) : 0;
    // Each class at its own precision's generation factor: GEMMs at the chosen one, attention 16-bit, the indexer FP8.
    const arch = g.spec.architecture;
    const factor8 = computeFactor(arch, g.spec.peak.fp8 ? "fp8" : "fp16");
    // fixed seconds per GEMM launch: the kernels' override, else the part's measured figure (kernels.ts)
    const gemmLatency = this.state.kernels.gemmLatency ?? g.spec.gemmLatency ?? 0;
    // the GEMMs' factor: the engine's FP8 GEMM library where it lists this generation (gemmLibraries.ts)
    const factor = gemmLibraryFactor(this.state.gemmLibrary, arch, g.precisionName) ?? computeFactor(arch, g.precisionName);
    const base = rates(peak, peak16, g.spec.bandwidth, this.state.cluster.tpLink(), this.state.efficiency, factor, g.spec.peak.fp8 ?? peak16, vector, operand, computeFactor(arch, "fp16"), factor8, gemmLatency);
    // quantized-activation GEMMs' extra launch (launches.ts); an explicit kernels.gemmLatency replaces every format's
    const quant = this.state.kernels.gemmLatency === null ? this.quantizeLatency() : null;
    const r = quant ? { ...base, quantizeLatency: quant } : base;
    if (this.shard.ep <= 1) return r;
    const c = this.state.cluster;
    const perNode = Math.min(this.shard.ep, c.gpusPerNode);
    return { ...r, sms: g.spec.sms, epLink: c.linkFor(this.shard.ep), ...(this.shard.ep > perNode ? { epNode: { size: perNode, link: c.linkFor(perNode) } } : {}) };
  }

  /** Extra seconds per activation-quantize launch for the dense and expert weights (launches.ts), or null when none. */
  private quantizeLatency(): { dense: number; experts: number } | null {
    const g = this.gpu;
    const dt = this.state.dtypes;
    const q = this.model.arch.quantization;
    const at = (w: WeightFormat) => quantizeLatency(quantizedGemm(w, g.precisionName, q), g.spec.gemmLatency, g.spec.gemmLatencyFormats);
    const dense = at(dt.weights);
    const experts = at(dt.experts ?? dt.weights);
    return dense > 0 || experts > 0 ? { dense, experts } : null;
  }

  /**
   * Seconds of one step of `batch` sequences, as prefill/decode/request report it (fast path
   * for sweeps and the serving simulator; no fit check): the same as `fullStepTime`.
   */
  stepTime(step: Step, r: Rates = this.rates()): StepTime {
    return this.fullStepTime(step, r);
  }

  /**
   * The classic roofline alone: each operator at max(t_c, t_m), no fixed overhead (an optimistic
   * bound); the kernels' efficiencies (GEMM shape, grouped GEMMs, all-reduce algorithm) still apply.
   */
  idealStepTime(step: Step, r: Rates = this.rates()): StepTime {
    return this.timeOf(step, r, { ...this.state.kernels, overlap: 1 }, 0);
  }

  /**
   * Seconds of one step as prefill/decode/request report it: each operator at
   * max(t_c, t_m) + (1 − overlap)·min(t_c, t_m), plus perStep + perLayer × layers + perSequence ×
   * sequences of overhead per stage and micro-batch (split.overhead).
   */
  fullStepTime(step: Step, r: Rates = this.rates()): StepTime {
    const sequences = this.shard.pp > 1 ? Math.ceil(step.batch / this.shard.pp) : step.batch;
    return this.timeOf(step, r, this.state.kernels, overheadTime(this.state.overhead, kernelLayers(this.shard), sequences));
  }

  private timeOf(step: Step, r: Rates, k: Kernels, fixed: number): StepTime {
    const pp = this.shard.pp;
    if (pp === 1) {
      const t = stepTime(this.shard, this.state.dtypes, step, r, k);
      t.total += fixed;
      t.overhead = fixed;
      return t;
    }
    const mb = Math.ceil(step.batch / pp);
    const t = stepTime(this.shard, this.state.dtypes, { ...step, batch: mb }, r, k);
    const hop = p2pTime(mb * step.tokens * this.state.model.arch.hidden * ACTIVATION_BYTES, this.state.cluster.ppLink(), this.state.efficiency.link);
    return { total: pp * (t.total + hop + fixed), compute: pp * t.compute, memory: pp * t.memory, link: pp * (t.link + hop), overhead: pp * fixed };
  }

  /** Memory of one GPU for `batch` sequences of `context` tokens, against its capacity. */
  memory(opts: { batch?: number; context: number }): MemoryResult {
    checkKeys(opts, ["batch", "context"], "memory");
    const batch = positiveInt(opts?.batch ?? 1, "batch");
    const context = positiveInt(opts?.context, "context");
    return memoryResult(this.parts(batch, context), this.describe(), batch, context);
  }

  /** Largest batch whose weights, KV cache, workspace and reserve fit at `context` (0 if none). */
  maxBatch(opts: { context: number }): number {
    checkKeys(opts, ["context"], "maxBatch");
    const context = positiveInt(opts?.context, "context");
    return largest((b) => this.fits(b, context), 1 << 24);
  }

  /** Longest context that fits at `batch` (0 if none). */
  maxContext(opts: { batch?: number } = {}): number {
    checkKeys(opts, ["batch"], "maxContext");
    const batch = positiveInt(opts?.batch ?? 1, "batch");
    return largest((c) => this.fits(batch, c), 1 << 26);
  }

  /** Time to first token for `batch` prompts of `prompt` tokens. Refused if it does not fit. */
  prefill(opts: { batch?: number; prompt: number }): PrefillResult {
    checkKeys(opts, ["batch", "prompt"], "prefill");
    const batch = positiveInt(opts?.batch ?? 1, "batch");
    const prompt = positiveInt(opts?.prompt, "prompt");
    this.requireFit(batch, prompt);
    const step: Step = { batch, tokens: prompt, past: 0 };
    return prefillResult(this, step, this.fullStepTime(step));
  }

  /** One decode step of `batch` sequences at `context` tokens: time per output token and tokens/s. */
  decode(opts: { batch?: number; context: number }): DecodeResult {
    checkKeys(opts, ["batch", "context"], "decode");
    const batch = positiveInt(opts?.batch ?? 1, "batch");
    const context = positiveInt(opts?.context, "context");
    this.requireFit(batch, context);
    const step: Step = { batch, tokens: 1, past: context - 1 };
    return decodeResult(this, step, this.fullStepTime(step));
  }

  /**
   * End-to-end latency of `batch` requests of `prompt` tokens in and `output` tokens out, run
   * together (static batching): prefill, then output − 1 decode steps at growing context.
   */
  request(opts: { prompt: number; output: number; batch?: number }): RequestResult {
    checkKeys(opts, ["prompt", "output", "batch"], "request");
    const batch = positiveInt(opts?.batch ?? 1, "batch");
    const prompt = positiveInt(opts?.prompt, "prompt");
    const output = positiveInt(opts?.output, "output");
    this.requireFit(batch, prompt + output);
    const r = this.rates();
    const ttft = this.fullStepTime({ batch, tokens: prompt, past: 0 }, r).total;
    const steps = output - 1;
    let decode = 0;
    const stride = Math.max(1, Math.ceil(steps / 512));
    for (let i = 1; i <= steps; i += stride) {
      const n = Math.min(stride, steps - i + 1);
      // Sample the middle of each stride (exact when stride = 1).
      decode += n * this.fullStepTime({ batch, tokens: 1, past: prompt + i - 1 + Math.floor((n - 1) / 2) }, r).total;
    }
    return requestResult(this, { batch, prompt, output }, ttft, decode);
  }

  /**
   * The operators of a decode step ({ context }) or a prefill ({ prompt }) as an arquero table
   * (each op's time under `.kernels()`; the fixed overhead is not an operator and is left out).
   */
  breakdown(opts: BreakdownOptions): ColumnTable {
    return breakdownTable(this.rows(opts));
  }

  /** The operators as plain rows (base units: FLOP, B, s). */
  rows(opts: BreakdownOptions): OpRow[] {
    checkKeys(opts, "prompt" in (opts ?? {}) ? ["batch", "prompt"] : ["batch", "context"], "breakdown");
    const batch = positiveInt(opts?.batch ?? 1, "batch");
    const step: Step = "prompt" in opts ? { batch, tokens: positiveInt(opts.prompt, "prompt"), past: 0 } : { batch, tokens: 1, past: positiveInt(opts?.context, "context") - 1 };
    return stepRows(this.shard, this.state.dtypes, step, this.rates(), this.state.kernels);
  }

  /**
   * Output tokens per unit of money at `pricePerGpuHour` (your price, in your currency; the kit
   * ships no prices): tokens/s × 3600 ÷ (price × GPUs). Decode-only with { context }, whole
   * requests with { prompt, output }.
   */
  cost(opts: { pricePerGpuHour: number; batch?: number } & ({ context: number } | { prompt: number; output: number })): { tokensPerSecond: number; tokensPerDollar: number; dollarsPerMillionTokens: number } {
    checkKeys(opts, ["pricePerGpuHour", "batch", "context", "prompt", "output"], "cost");
    const price = positiveNumber(opts?.pricePerGpuHour, "pricePerGpuHour");
    const { pricePerGpuHour: _, ...shape } = opts;
    const tps = "context" in shape ? this.decode(shape).tokensPerSecond : this.request(shape).tokensPerSecond;
    const perDollar = (tps * 3600) / (price * this.state.cluster.size);
    return Object.freeze({ tokensPerSecond: tps, tokensPerDollar: perDollar, dollarsPerMillionTokens: 1e6 / perDollar });
  }

  private parts(batch: number, context: number): MemoryParts {
    return memoryParts(this.shard, this.state.dtypes, batch, context, this.gpu.spec.memory, this.state.reserve, this.state.maxTokens);
  }

  private fits(batch: number, context: number): boolean {
    const p = this.parts(batch, context);
    return p.total <= p.capacity;
  }

  private requireFit(batch: number, context: number): void {
    checkContext(this.state.model.arch, context, this.state.model.id);
    const p = this.parts(batch, context);
    if (p.total <= p.capacity) return;
    const max = this.maxBatch({ context });
    throw new SuanliError(
      "does-not-fit",
      `batch ${batch} at context ${context} needs ${format(p.total, "bytes")} per GPU (weights ${format(p.weights, "bytes")}, KV ${format(p.kv, "bytes")}, ` +
        `workspace ${format(p.activations, "bytes")}, reserve ${format(p.reserve, "bytes")}) but ${this.gpu.id} has ${format(p.capacity, "bytes")}: ` +
        `${format(p.total - p.capacity, "bytes")} over. ${max > 0 ? `Largest batch at this context: ${max}` : `Nothing fits at this context on this layout; use more GPUs or smaller dtypes`}.`,
      { value: { batch, context }, expected: max > 0 ? `batch ≤ ${max}` : "a larger tp/pp or smaller dtypes" },
    );
  }

  /**
   * "llama2-70b on 8× H20 fp8 (tp 8) · weights fp8 · kv fp8"; where a checkpoint's experts are
   * stored apart, "· weights fp16, experts mxfp4 · kv fp16".
   */
  describe(): string {
    const c = this.state.cluster;
    const { tp, pp, dp } = c.layout;
    const dt = this.state.dtypes;
    return `${this.state.model.id} on ${c.size}× ${this.gpu.id} ${this.gpu.precisionName} (tp ${tp}${pp > 1 ? `, pp ${pp}` : ""}${dp > 1 ? `, dp ${dp}` : ""}${c.expertParallel > 1 ? `, ep ${c.expertParallel}` : ""}) · weights ${describeWeights(dt)} · kv ${dt.kv}`;
  }

  toString(): string {
    return `InferenceEngine ${this.describe()}`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Serve model `m` on `device` (a Gpu or a Cluster) with default efficiencies, kernels, overhead
 * and dtypes: the compute precision's storage, or the checkpoint's where it is narrower (dtypes.ts).
 */
export function inference(m: Model, device: Gpu | Cluster): InferenceEngine {
  const c = asCluster(device);
  return new InferenceEngine({
    model: m,
    cluster: c,
    efficiency: DEFAULT_EFFICIENCY,
    kernels: DEFAULT_KERNELS,
    overhead: DEFAULT_OVERHEAD,
    dtypes: checkpointDtypes(defaultDtypes(c.gpu.precisionName), m.arch.quantization),
    reserve: DEFAULT_RESERVE,
    maxTokens: 8192,
  });
}

export type { Bound, DecodeResult, PrefillResult, RequestResult, MemoryResult };
