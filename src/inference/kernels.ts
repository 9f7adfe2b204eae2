/**
 * How the kernels behave, beyond their FLOPs and bytes — two documented, overridable
 * properties of the serving engine (`engine.kernels({ … })`):
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
 */
import { SuanliError, show } from "../errors.js";
import { oneOf } from "../validate.js";

export type KvReads = "per-kv-head" | "per-query-head";
export const KV_READS: readonly KvReads[] = ["per-kv-head", "per-query-head"];

export interface Kernels {
  /** Fraction of the shorter of compute and memory time hidden under the longer, in [0, 1]. */
  readonly overlap: number;
  readonly kvReads: KvReads;
}

export const KERNEL_KEYS = ["overlap", "kvReads"] as const;

/** The defaults above. */
export const DEFAULT_KERNELS: Kernels = Object.freeze({ overlap: 0, kvReads: "per-kv-head" });

/** The classic roofline: perfect overlap, K/V read once per KV head. */
export const IDEAL_KERNELS: Kernels = Object.freeze({ overlap: 1, kvReads: "per-kv-head" });

/** Merge a user patch over `base`; overlap in [0, 1], kvReads one of KV_READS. */
export function withKernels(base: Kernels, patch: Partial<Kernels>): Kernels {
  if (patch === null || typeof patch !== "object") {
    throw new SuanliError("bad-argument", `kernels takes an object like { overlap: 0.5, kvReads: "per-kv-head" }, got ${show(patch)}`, { value: patch });
  }
  const next: { overlap: number; kvReads: KvReads } = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === "overlap") {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 1) {
        throw new SuanliError("bad-argument", `kernels.overlap must be in [0, 1], got ${show(v)}`, { value: v, expected: "0 ≤ x ≤ 1" });
      }
      next.overlap = v;
    } else if (k === "kvReads") {
      next.kvReads = oneOf(v, KV_READS, "kernels.kvReads");
    } else {
      throw new SuanliError("bad-argument", `unknown kernels option ${show(k)}; accepted: ${KERNEL_KEYS.join(", ")}`, { value: k, expected: KERNEL_KEYS.join(", ") });
    }
  }
  return Object.freeze(next);
}

/** Time of one operator: max(t_c, t_m) + (1 − overlap)·min(t_c, t_m). */
export function opTime(tc: number, tm: number, overlap: number): number {
  return tc >= tm ? tc + (1 - overlap) * tm : tm + (1 - overlap) * tc;
}
