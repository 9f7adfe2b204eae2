/**
 * How the kernels behave, beyond their FLOPs and bytes — documented, overridable properties
 * of the serving engine (`engine.kernels({ … })`), fitted by `calibrate()` where they are numbers:
 *
 * - overlap ∈ [0, 1]: how much of an operator's compute and memory time overlap,
 *
 *     t_op = max(t_c, t_m) + (1 − overlap) · min(t_c, t_m)
 *
 *   overlap = 1 is the classic roofline (Williams et al., CACM 2009: perfect overlap, an
 *   optimistic bound); overlap = 0 is serial, a pessimistic one. The two differ only near the
 *   ridge, where real GEMMs lose most: tile pipelines fill and drain, and at small M a GEMM
 *   runs less than one wave of tiles ("wave quantization", NVIDIA, Matrix Multiplication
 *   Background User's Guide, https://docs.nvidia.com/deeplearning/performance/dl-performance-matrix-multiplication/).
 *   Default 0: `calibrate()` on the shipped TensorRT-LLM measurements prefers 0–0.3, and a
 *   128-token prefill of Llama-2-7B/70B on A100 (intensity 128 FLOP/B beside a ridge of 153)
 *   measures 16 / 47 ms — the serial sum predicts both within 3 %, the max 46 % low.
 * - kvReads: "per-kv-head" (default) — decode attention reads each KV head once for its whole
 *   query group (GQA/MQA kernels: TensorRT-LLM's XQA, FlashDecoding, vLLM's paged attention
 *   with grouped queries); "per-query-head" — each query head streams its K/V again, as the
 *   generic masked-MHA kernels did before XQA. NVIDIA measured 2.4× more Llama-70B
 *   throughput on H200 with XQA than without ("New XQA-kernel provides 2.4x more Llama-70B
 *   throughput within the same latency budget", TensorRT-LLM docs/source/blogs/XQA-kernel.md,
 *   https://github.com/NVIDIA/TensorRT-LLM/blob/main/docs/source/blogs/XQA-kernel.md).
 * - halfM (rows, default 0): GEMM compute efficiency by shape. A GEMM of M rows (tokens after
 *   batching) fills its output tiles and SM waves only when M is large; below a few hundred rows
 *   the tile pipeline runs part-empty ("wave quantization" and tile padding, NVIDIA's Matrix
 *   Multiplication Background guide above). The compute rate is η_c·peak × M ÷ (M + halfM): half
 *   the large-M efficiency at M = halfM. XLA's measured H100 table (efficiency.ts) has m = 512 at
 *   0.82 and m = 2048 at 0.96 of the m = 4096 rate (n = k = 4096), i.e. halfM ≈ 100 — but those
 *   times mix the compute ramp with the memory roof and the tile pipeline's fill, which the serial
 *   overlap (0) already charges: on the shipped measurements halfM 0, 16 and 64 give a median
 *   of 9.8, 10.0 and 11.5 %, and a ramp applied to M = batch would make a memory-bound decode
 *   GEMV compute-bound on a low-ridge part (H20: ridge 74 FLOP/B), which decode kernels avoid
 *   (swap-AB / GEMV tiles of 8–16 rows). Default 0 (shape-blind); set it, or let calibrate()
 *   fit it, for GEMM-level studies. Memory time is unaffected.
 * - grouped (fraction, default 0.4) and imbalance (≥ 1, default 1.25): MoE expert GEMMs run as a
 *   grouped GEMM over many small matrices, each with the few tokens routed to it, beside the
 *   routing kernels (top-k, token permute and un-permute), which ops.ts prices apart as
 *   memory-bound traffic ("routing"). `grouped` scales their compute rate (many short, padded tiles per expert); their weights
 *   stream at the dense memory rate (each touched expert is one contiguous block of megabytes).
 *   0.4 is what the shipped MoE measurements ask for (TensorRT-LLM v0.9 Mixtral-8x7B prefill and
 *   large-batch rows, which calibrate() alone fits at 0.35 with imbalance 1.21 — part of it the
 *   v0.9 MoE plugin running its GEMMs below the FP8 rate; datasets/measurements.json);
 *   `imbalance` is the busiest expert's load over the mean under real (non-uniform) routing, which
 *   sets when the grouped GEMM ends: DeepSeek reports per-expert loads far from uniform and
 *   balances them with redundant experts (EPLB, https://github.com/deepseek-ai/EPLB; DeepSeek-V3,
 *   arXiv:2412.19437 §3.4); it divides the grouped GEMM's compute rate. Each expert's M (for
 *   halfM) is the mean tokens per touched expert, N·k ÷ E_touched.
 *   grouped "tiles" prices the grouped GEMM by its tile padding instead of one fraction: a
 *   grouped GEMM pads each expert's m rows up to its M tile, so the useful fraction is
 *
 *     grouped(m) = ρ × m ÷ tile(m),  tile(m) = the smallest of 16, 32, 64 rows ≥ m, else ⌈m/128⌉·128
 *
 *   128 above 64 rows: DeepGEMM aligns every expert's block of its contiguous layout (prefill)
 *   to its M block, 128 (get_m_alignment_for_contiguous_layout; BLOCK_M 64 for m ≤ 64 in its
 *   normal and masked kernels, get_best_configs, deep_gemm/jit_kernels/gemm.py,
 *   https://github.com/deepseek-ai/DeepGEMM at a6d97a1); 16–64 below: the small-batch tiles of
 *   the decode kernels (vLLM fused_moe's default config takes BLOCK_SIZE_M 16 when the tokens
 *   are no more than the experts, get_default_config). ρ = GROUPED_LARGE_M = 1, the grouped
 *   kernel's large-M rate beside the dense GEMM's: DeepGEMM's README (H800, FP8, a6d97a1)
 *   measures its grouped contiguous GEMM at 1297 / 1288 TFLOPS (4 × 8192 / 8 × 4096 rows,
 *   N 4096, K 7168) beside 1304 TFLOPS for its normal GEMM of M 4096 at that N and K (0.99),
 *   and 1099 / 1093 beside 1025 at N 7168, K 2048 (1.07). m is the mean over touched experts
 *   (the padding of the mean, not the mean padding); `imbalance` still divides the rate, and
 *   the routing kernels are priced apart (ops.ts). A number keeps the flat fraction.
 *   Opt-in, not the default: on the shipped kernel measurements, with the routing kernels priced
 *   in both modes, "tiles" takes the MoE rows' median error from 8.4 to 14.1 % (LOSO 8.9 →
 *   13.7 %) — TensorRT-LLM v0.9's Mixtral "fp8" prefill rows come out 50 % fast, as their experts
 *   did not run at the FP8 rate (FP8 for Mixtral arrived in v0.10, release notes,
 *   https://github.com/NVIDIA/TensorRT-LLM/releases/tag/v0.10.0; at half the rate, 16-bit
 *   experts, those rows' median error is still 21 % against 8 % flat); on the serving rows it
 *   turns DeepSeek's H800 prefill profile from −43 % to −4 % and GB200's from −36 to −1 %, but
 *   SGLang's H100 prefill rows from −31…−36 % to +14…+17 %, Kimi K2's H200 prefill from −28 to
 *   +39 %, DeepSeek's online prefill with cache from +7 to +74 %, SGLang's large-batch
 *   expert-parallel decode from +6 to +36 % and TensorRT-LLM's B200 max-throughput rows from
 *   +34/+36 to +55/+64 % — what the flat fraction still absorbs is more than routing traffic.
 * - moe: which kernel family runs the experts — a property of the serving engine, named by each
 *   measurement's setup. "grouped" (default): the tokens are permuted by expert and one grouped
 *   GEMM runs each touched expert once (TensorRT-LLM's MoE plugin, vLLM's fused_moe, SGLang), so
 *   the weights read are the E_touched experts'. "gather": each token gathers its own k experts'
 *   weights by index and runs batched GEMVs (gpt-fast's Mixtral, ConditionalFeedForward:
 *   `self.w1[expert_indices]` then einsum, https://github.com/pytorch-labs/gpt-fast/blob/main/mixtral-moe/model.py),
 *   so the weights read are N·k experts' — the same as grouped at batch 1, k/E_touched × more
 *   beyond it — at the dense GEMV rate (no grouped tiles, no wait on the busiest expert). With
 *   expert parallelism (ep > 1) the experts always run grouped.
 * - dequant (vector operations per weight element, default 2): weight-only quantization (weights
 *   stored narrower than the compute precision: int8/int4/fp4 weights under fp16/bf16 compute, or
 *   int4 under fp8) converts each weight to the compute type inside the GEMM — a convert and a
 *   scale per element — on the CUDA cores, not the tensor cores. At decode the GEMM is a GEMV
 *   and this vector work sits beside the weight stream: on A100 (19.5 TFLOPS of FP32 beside
 *   2 TB/s, ~10 vector operations per HBM byte) two operations per int8 weight add about a
 *   quarter to its read time, more at 4 bits per weight. gpt-fast measures it: weight-only
 *   int8 Llama-2-7B reaches 1069 GB/s of HBM against 1397 GB/s in bf16 on the same A100
 *   (README "Benchmarks", https://github.com/pytorch-labs/gpt-fast/blob/main/README.md), and
 *   Marlin's design is built around hiding this dequantization (Frantar et al. 2024,
 *   arXiv:2408.11743). Priced as a compute term per GEMM: weights × dequant ÷ (η_c × the GPU's
 *   FP32 vector peak; 1/16 of its 16-bit tensor peak where the catalog has none), serial with the
 *   weight stream under overlap 0. 0 turns it off.
 * - lmHead: how tensor parallelism holds the LM head. "vocab-parallel" (default): each GPU
 *   holds vocab/tp rows and the logits are all-gathered (Megatron-LM's parallel output layer;
 *   TensorRT-LLM, vLLM). "replicated": every GPU reads the whole head and no gather runs — gpt-fast
 *   shards only the attention and feed-forward of each block (tp.py, apply_tp,
 *   https://github.com/pytorch-labs/gpt-fast/blob/main/tp.py), so at batch 1 on 8 GPUs Llama-3.1's
 *   1 GB head is read whole by each. The step time follows it; the memory fit keeps the
 *   vocabulary-parallel share.
 * - allReduce (seconds, default 12 µs, inside the published 6–17 µs; null for NCCL's ring
 *   alone): launch-and-barrier latency of the engine's one-shot/two-shot all-reduce over
 *   NVLink (hardware/collectives.ts).
 * - allToAll: how the expert-parallel all-to-all (MoE dispatch and combine, ep > 1) runs.
 *   "direct" (default): every rank writes each routed token straight to the rank of its expert,
 *   all peers at once — one start-up latency plus the busiest rank's bytes over its link, as
 *   DeepEP's low-latency kernels (pure RDMA, IBGDA) that DeepSeek decodes with; "ring": NCCL's
 *   pairwise exchange, (n−1) start-ups (hardware/collectives.ts, allToAllTime, with DeepEP's
 *   measured EP 8–256 latencies); "forwarded": DeepEP's normal kernels, which the serving
 *   engines run in prefill — over a group spanning nodes a token crosses the network once per
 *   remote node holding one of its experts and is spread over NVLink there (roofline.ts
 *   expertAllToAll); inside one node it is "direct".
 * - epOverlap ∈ [0, 1] (default 0): fraction of the all-to-all time hidden behind compute by
 *   running the step as two micro-batches, one's dispatch/combine in flight while the other
 *   computes attention or experts (DeepSeek-V3/R1 inference system, open-infra-index
 *   202502OpenSourceWeek day 6, "Communication-Computation Overlapping": dual micro-batch in
 *   prefill, attention split in two and a 5-stage pipeline in decode,
 *   https://github.com/deepseek-ai/open-infra-index/blob/main/202502OpenSourceWeek/day_6_one_more_thing_deepseekV3R1_inference_system_overview.md;
 *   DeepEP's receive hooks move the RDMA traffic off the SMs). The step saves
 *   epOverlap × min(t_all-to-all, t_rest), t_rest the step's non-collective time; 1 is perfect
 *   hiding. The two micro-batches' repeated weight reads and smaller GEMMs are not charged, so
 *   a value near 1 is optimistic. Default 0: the overlap is a property of the engine's
 *   schedule, not of the kernels, and no shipped measurement pins it. "two-batch" prices that
 *   schedule instead of a fraction: two micro-batches of half the sequences, each a whole step
 *   (its own weight read, GEMMs at half the rows), one's all-to-all behind the other's compute,
 *   layer by layer, DeepEP's normal kernels ("forwarded") holding 24 SMs from the compute meanwhile
 *   (twoBatch.ts); a step of one sequence, or without expert parallelism, runs whole.
 * - gemmLatency (seconds, default null: the part's catalog figure, 0 where it has none): fixed
 *   time each GEMM launch costs beyond its roofline, paid launches(op) times per operator
 *   (launches.ts): t = roofline + launches × gemmLatency. A small-M GEMM does not stream its
 *   weights from its first cycle: the tiles are dispatched across the chip, the pipeline fills and
 *   the split-K partial sums are reduced, and that time does not shrink with the bytes. AMD's own
 *   tuned FP8 block-scale GEMM times on MI300X (gfx942, 304 CUs; ROCm/aiter
 *   aiter/configs/model_configs/a8w8_blockscale_tuned_gemm_ds_v3.csv, rows M ≤ 16) fit
 *   t = 4.7 µs + bytes ÷ 3.97 TB/s — the bytes at 0.75 of HBM peak, near the kit's memory
 *   efficiency, plus 4.7 µs per GEMM (datasets/gpus.json `gemmLatency`). NVIDIA's TensorRT-LLM
 *   GEMM tables (aiconfigurator) give 3.1–4.9 µs on A100, H100, H200 and B200 the same way
 *   (launches.ts). Parts without a measured figure get 0: their launch cost sits in the fitted
 *   per-layer overhead (overhead.ts). Under the default, a GEMM with quantized activations (FP8,
 *   NVFP4) also pays its separate quantize launch, the part's per-format excess (gpus.json
 *   gemmLatency.formats; launches.ts); an explicit value is every GEMM's, whatever its format.
 */
import type { Unit } from "mathjs";
import { SuanliError, show } from "../errors.js";
import { ALL_TO_ALL_ALGORITHMS, ONE_SHOT_LATENCY, type AllToAllAlgorithm } from "../hardware/collectives.js";
import type { Precision } from "../hardware/precision.js";
import { TWO_BATCH } from "./twoBatch.js";
import { parseQuantity } from "../units.js";
import { oneOf, unitFraction } from "../validate.js";

/** kernels.grouped: price MoE grouped GEMMs by each expert's tile padding (groupedFraction). */
export const GROUPED_TILES = "tiles";
/** M tile of the large-M grouped GEMM, rows (DeepGEMM's contiguous-layout alignment; module comment). */
export const GROUPED_TILE_M = 128;
/** Smaller M tiles the grouped kernels take for few rows per expert (module comment). */
export const GROUPED_SMALL_TILES: readonly number[] = [16, 32, 64];
/** Large-M grouped GEMM rate over the dense GEMM's (DeepGEMM README, H800 FP8: 0.99–1.07; module comment). */
export const GROUPED_LARGE_M = 1;

export type KvReads = "per-kv-head" | "per-query-head";
export const KV_READS: readonly KvReads[] = ["per-kv-head", "per-query-head"];
export type MoeKernels = "grouped" | "gather";
export const MOE_KERNELS: readonly MoeKernels[] = ["grouped", "gather"];
export type LmHead = "vocab-parallel" | "replicated";
export const LM_HEADS: readonly LmHead[] = ["vocab-parallel", "replicated"];

export interface Kernels {
  /** Fraction of the shorter of compute and memory time hidden under the longer, in [0, 1]. */
  readonly overlap: number;
  readonly kvReads: KvReads;
  /** GEMM rows at which compute reaches half its large-M efficiency (≥ 0; 0 = shape-blind). */
  readonly halfM: number;
  /** Fraction of the dense rates MoE grouped GEMMs reach, in (0, 1]; or "tiles": by each expert's tile padding (groupedFraction). */
  readonly grouped: number | typeof GROUPED_TILES;
  /** Busiest expert's load over the mean (≥ 1). */
  readonly imbalance: number;
  /** Latency of the engine's one-shot/two-shot all-reduce, s; null: NCCL ring only. */
  readonly allReduce: number | null;
  /** Kernel family of the MoE experts: one grouped GEMM per step, or per-token weight gathers. */
  readonly moe: MoeKernels;
  /** Vector operations per weight element to dequantize weight-only formats (≥ 0). */
  readonly dequant: number;
  /** How tensor parallelism holds the LM head: split over the vocabulary, or whole on every GPU. */
  readonly lmHead: LmHead;
  /** How the expert-parallel all-to-all runs: direct writes to every peer (one latency), or NCCL's ring. */
  readonly allToAll: AllToAllAlgorithm;
  /** Fraction of the expert-parallel all-to-all hidden behind the other micro-batch's compute, in [0, 1]; or "two-batch": the two micro-batches priced (twoBatch.ts). */
  readonly epOverlap: number | typeof TWO_BATCH;
  /** Fixed seconds per GEMM launch beyond its roofline; null: the part's catalog figure (0 where none). */
  readonly gemmLatency: number | null;
}

export const KERNEL_KEYS = ["overlap", "kvReads", "halfM", "grouped", "imbalance", "allReduce", "moe", "dequant", "lmHead", "allToAll", "epOverlap", "gemmLatency"] as const;

/** The defaults above. */
export const DEFAULT_KERNELS: Kernels = Object.freeze({ overlap: 0, kvReads: "per-kv-head", halfM: 0, grouped: 0.4, imbalance: 1.25, allReduce: ONE_SHOT_LATENCY, moe: "grouped", dequant: 2, lmHead: "vocab-parallel", allToAll: "direct", epOverlap: 0, gemmLatency: null });

/** The classic roofline: perfect overlap, K/V read once per KV head, shape-blind dense GEMMs, ring all-reduce and all-to-all, free dequantization. */
export const IDEAL_KERNELS: Kernels = Object.freeze({ overlap: 1, kvReads: "per-kv-head", halfM: 0, grouped: 1, imbalance: 1, allReduce: null, moe: "grouped", dequant: 0, lmHead: "vocab-parallel", allToAll: "ring", epOverlap: 0, gemmLatency: 0 });

export type KernelOptions = { [K in keyof Kernels]?: K extends "allReduce" | "gemmLatency" ? number | string | Unit | null : K extends "moe" ? MoeKernels | string : K extends "lmHead" ? LmHead | string : K extends "allToAll" ? AllToAllAlgorithm | string : K extends "epOverlap" | "grouped" ? number | string : Kernels[K] };

const bad = (k: string, v: unknown, expected: string) =>
  new SuanliError("bad-argument", `kernels.${k} must be ${expected}, got ${show(v)}`, { value: v, expected });

/** Merge a user patch over `base`, validating each key (see the module comment) and refusing unknown ones. */
export function withKernels(base: Kernels, patch: KernelOptions): Kernels {
  if (patch === null || typeof patch !== "object") {
    throw new SuanliError("bad-argument", `kernels takes an object like { overlap: 0.5, kvReads: "per-kv-head" }, got ${show(patch)}`, { value: patch });
  }
  const next: { -readonly [K in keyof Kernels]: Kernels[K] } = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === "overlap") {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) throw bad(k, v, "in [0, 1]");
      next.overlap = v;
    } else if (k === "kvReads") {
      next.kvReads = oneOf(v, KV_READS, "kernels.kvReads");
    } else if (k === "halfM") {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw bad(k, v, "a number of rows ≥ 0");
      next.halfM = v;
    } else if (k === "grouped") {
      if (v === GROUPED_TILES) next.grouped = GROUPED_TILES;
      else if (typeof v !== "number") throw bad(k, v, `a fraction in (0, 1] or "${GROUPED_TILES}"`);
      else next.grouped = unitFraction(v, "kernels.grouped");
    } else if (k === "imbalance") {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 1) throw bad(k, v, "a ratio ≥ 1");
      next.imbalance = v;
    } else if (k === "moe") {
      next.moe = oneOf(v, MOE_KERNELS, "kernels.moe");
    } else if (k === "lmHead") {
      next.lmHead = oneOf(v, LM_HEADS, "kernels.lmHead");
    } else if (k === "allToAll") {
      next.allToAll = oneOf(v, ALL_TO_ALL_ALGORITHMS, "kernels.allToAll");
    } else if (k === "epOverlap") {
      if (v === TWO_BATCH) next.epOverlap = TWO_BATCH;
      else if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) throw bad(k, v, `in [0, 1] or "${TWO_BATCH}"`);
      else next.epOverlap = v;
    } else if (k === "dequant") {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw bad(k, v, "a number of operations per weight ≥ 0");
      next.dequant = v;
    } else if (k === "allReduce") {
      // mathjs spells micro "u": accept the micro sign and Greek mu too.
      next.allReduce = v === null ? null : parseQuantity((typeof v === "string" ? v.replace(/[\u00b5\u03bc]s\b/g, "us") : v) as number | string | Unit, "time", "kernels.allReduce");
    } else if (k === "gemmLatency") {
      next.gemmLatency = v === null ? null : parseQuantity((typeof v === "string" ? v.replace(/[\u00b5\u03bc]s\b/g, "us") : v) as number | string | Unit, "time", "kernels.gemmLatency");
    } else {
      throw new SuanliError("bad-argument", `unknown kernels option ${show(k)}; accepted: ${KERNEL_KEYS.join(", ")}`, { value: k, expected: KERNEL_KEYS.join(", ") });
    }
  }
  return Object.freeze(next);
}

/** Bytes per operand element of GEMMs at compute precision `p` (fp16/bf16 2, fp8/int8 1, fp4 ½). */
export function operandBytes(p: Precision): number {
  return p === "fp4" ? 0.5 : p === "fp8" || p === "int8" ? 1 : p === "fp16" || p === "bf16" ? 2 : p === "fp64" || p === "fp64Tensor" ? 8 : 4;
}

/**
 * Whether weights stored as `weightBytes` bytes per element are dequantized inside GEMMs that
 * compute with `operandBytes`-byte operands (weight-only quantization: narrower storage).
 */
export function dequantizes(weightBytes: number, operandBytes: number): boolean {
  return weightBytes < operandBytes;
}

/**
 * Fraction of the dense GEMM rate a grouped GEMM of `rows` mean rows per expert reaches: `grouped`
 * itself when a number, else ρ × m ÷ tile(m) (the module comment's "tiles"; 1 where the op gives no rows).
 */
export function groupedFraction(rows: number | undefined, grouped: number | typeof GROUPED_TILES): number {
  if (typeof grouped === "number") return grouped;
  if (rows === undefined || !(rows > 0)) return GROUPED_LARGE_M;
  const tile = GROUPED_SMALL_TILES.find((t) => rows <= t) ?? Math.ceil(rows / GROUPED_TILE_M) * GROUPED_TILE_M;
  return (GROUPED_LARGE_M * rows) / tile;
}

/** GEMM compute-rate factor of M rows: M ÷ (M + halfM) (1 when halfM = 0 or the op gives no M). */
export function shapeFactor(rows: number | undefined, halfM: number): number {
  return halfM > 0 && rows !== undefined ? rows / (rows + halfM) : 1;
}

/**
 * Seconds of a step's all-to-all time `a2a` hidden behind its other time `rest`: epOverlap ×
 * min(a2a, rest); 0 under "two-batch" (a step it does not split runs whole; twoBatch.ts).
 */
export function epHidden(a2a: number, rest: number, epOverlap: number | typeof TWO_BATCH): number {
  return typeof epOverlap === "number" && epOverlap > 0 && a2a > 0 ? epOverlap * Math.min(a2a, Math.max(rest, 0)) : 0;
}

/** Time of one operator: max(t_c, t_m) + (1 − overlap)·min(t_c, t_m). */
export function opTime(tc: number, tm: number, overlap: number): number {
  return tc >= tm ? tc + (1 - overlap) * tm : tm + (1 - overlap) * tc;
}
