import type { Architecture } from "../../src/model/architecture.js";
import { readTrainOptions, type TrainOptions } from "../../src/training/options.js";

/**
 * A GPT layer as Korthikanti et al. 2022 and Narayanan et al. 2021 count it: MHA, a plain 4h
 * MLP, no biases (so a layer is exactly 12h² parameters), untied LM head.
 */
export function gptArch(o: { layers: number; hidden: number; heads: number; vocab: number }): Architecture {
  return Object.freeze({
    modelType: "gpt", layers: o.layers, hidden: o.hidden, heads: o.heads, kvHeads: o.heads, headDim: o.hidden / o.heads, vHeadDim: o.hidden / o.heads,
    vocab: o.vocab, intermediate: 4 * o.hidden, mlp: "plain", tiedEmbeddings: false, maxPosition: 2048, learnedPositions: false,
    norm: "layer", normsPerLayer: 2, qkNorm: false, bias: "none", windows: Array.from({ length: o.layers }, () => null), attention: "mha",
  } as Architecture);
}

/** GPT-3 175B (Brown et al. 2020, Table 2.1): 96 layers, h = 12288, 96 heads, s = 2048. */
export const GPT3 = gptArch({ layers: 96, hidden: 12288, heads: 96, vocab: 51200 });

export const cfg = (o: Partial<TrainOptions> = {}) => readTrainOptions({ seq: 2048, ...o });

/** The kit's seeded PRNG, so property tests are reproducible. */
export { rng as prng } from "../../src/util/random.js";
export const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
