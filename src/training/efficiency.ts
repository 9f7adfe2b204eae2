/**
 * Training matmul efficiency: the fraction of the dense peak a training run's GEMMs reach, by
 * GPU architecture and GEMM precision, from datasets/training-efficiency.json (each entry with
 * its source). The rest of what makes MFU depend on the model — the memory-bound kernels whose
 * share of the step shrinks as hidden size grows (traffic.ts), communication, the pipeline
 * bubble — is modelled apart, so this one number is what large GEMMs reach on the part.
 *
 *   key                 architecture of the GPU (gpus.json "architecture"), or "*" for any other
 *   precision           "bf16" (bf16 and fp16 run at the same tensor-core rate; fp32 training
 *                       runs TF32 matmuls and takes this entry too) or "fp8"
 *
 * @example
 * gemmEfficiency("Ampere", "bf16").value   // the Ampere entry
 */
import { SuanliError, show } from "../errors.js";
import { readJson } from "../data/paths.js";
import type { TrainPrecision } from "./options.js";

export interface GemmEfficiencyEntry {
  readonly architecture: string;
  readonly precision: "bf16" | "fp8";
  readonly value: number;
  readonly source: string;
  readonly where: string;
  readonly note: string;
}

let cache: readonly GemmEfficiencyEntry[] | undefined;

/** The entries of datasets/training-efficiency.json, validated once. */
export function gemmEfficiencies(): readonly GemmEfficiencyEntry[] {
  if (cache) return cache;
  const raw = readJson("training-efficiency.json") as { gemm?: Record<string, unknown>[] };
  if (!Array.isArray(raw.gemm)) throw new SuanliError("bad-dataset", `training-efficiency.json has no "gemm" array`);
  cache = Object.freeze(raw.gemm.map((e, i) => {
    for (const k of ["architecture", "source", "where", "note"]) {
      if (typeof e[k] !== "string" || e[k] === "") throw new SuanliError("bad-dataset", `training-efficiency.json gemm[${i}]: "${k}" must be a non-empty string, got ${show(e[k])}`, { value: e[k] });
    }
    if (e.precision !== "bf16" && e.precision !== "fp8") throw new SuanliError("bad-dataset", `training-efficiency.json gemm[${i}]: precision must be "bf16" or "fp8", got ${show(e.precision)}`, { value: e.precision });
    const v = e.value;
    if (typeof v !== "number" || !(v > 0 && v <= 1)) throw new SuanliError("bad-dataset", `training-efficiency.json gemm[${i}]: value must be in (0, 1], got ${show(v)}`, { value: v });
    return Object.freeze(e as unknown as GemmEfficiencyEntry);
  }));
  if (!cache.some((e) => e.architecture === "*" && e.precision === "bf16")) throw new SuanliError("bad-dataset", `training-efficiency.json needs a fallback entry { architecture: "*", precision: "bf16" }`);
  return cache;
}

/**
 * The default matmul efficiency for a GPU architecture at a training precision: the entry for
 * (architecture, precision), else (architecture, bf16) for precisions without an entry, else the
 * "*" entries.
 */
export function gemmEfficiency(architecture: string, precision: TrainPrecision): GemmEfficiencyEntry {
  const p = precision === "fp8" ? "fp8" : "bf16";
  const all = gemmEfficiencies();
  const find = (arch: string, prec: string) => all.find((e) => e.architecture.toLowerCase() === arch.toLowerCase() && e.precision === prec);
  return find(architecture, p) ?? find("*", p) ?? find(architecture, "bf16") ?? find("*", "bf16")!;
}
