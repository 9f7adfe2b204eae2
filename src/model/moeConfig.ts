/**
 * The mixture-of-experts block of a HuggingFace config.json, per model family:
 * - mixtral: num_local_experts, top num_experts_per_tok, every layer (Jiang et al. 2024);
 * - deepseek_v2/v3/v32, kimi_k2: n_routed_experts + n_shared_experts of moe_intermediate_size,
 *   the first first_k_dense_replace layers dense, group-limited routing over n_group groups
 *   choosing topk_group of them (DeepSeek-V3 report, arXiv:2412.19437 §2.1.2);
 * - qwen3_moe: num_experts of moe_intermediate_size on every decoder_sparse_step-th layer,
 *   minus mlp_only_layers; no shared expert (Qwen3 technical report, arXiv:2505.09388 §2);
 * - llama4_text: num_local_experts + one shared expert, both intermediate_size wide, on every
 *   interleave_moe_layer_step-th layer; the other layers are dense, intermediate_size_mlp wide
 *   (HF Llama4TextConfig.moe_layers);
 * - gpt_oss: num_local_experts with biases, a router with a bias, every layer (gpt-oss model
 *   card, arXiv:2508.10925 §2.1).
 */
import type { MoeSpec } from "./architecture.js";
import type { HFConfig, Reader } from "./config.js";

const intList = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : []);

/** The MoE spec of `c` (model type `type`), or undefined for a dense model. */
export function readMoe(c: HFConfig, type: string, r: Reader, intermediate: number): MoeSpec | undefined {
  const base = { shared: 0, firstDense: 0, every: 1, phase: 0, denseLayers: [] as number[], routerBias: false, groups: 1, topkGroups: 1 };
  switch (type) {
    case "mixtral":
      return { ...base, experts: r.int("num_local_experts"), active: r.int("num_experts_per_tok"), expertIntermediate: intermediate };
    case "deepseek_v2":
    case "deepseek_v3":
    case "deepseek_v32":
    case "kimi_k2":
      if (!c.n_routed_experts) return undefined;
      return {
        ...base,
        experts: r.int("n_routed_experts"),
        active: r.int("num_experts_per_tok"),
        shared: r.optInt("n_shared_experts") ?? 0,
        expertIntermediate: r.int("moe_intermediate_size"),
        firstDense: typeof c.first_k_dense_replace === "number" ? c.first_k_dense_replace : 0,
        every: r.optInt("moe_layer_freq") ?? 1,
        routerBias: c.topk_method === "noaux_tc",
        groups: r.optInt("n_group") ?? 1,
        topkGroups: r.optInt("topk_group") ?? 1,
      };
    case "qwen3_moe": {
      const every = r.optInt("decoder_sparse_step") ?? 1;
      return {
        ...base,
        experts: r.int("num_experts"),
        active: r.int("num_experts_per_tok"),
        expertIntermediate: r.int("moe_intermediate_size"),
        every,
        phase: every - 1,
        denseLayers: intList(c.mlp_only_layers),
      };
    }
    case "llama4_text": {
      const every = r.optInt("interleave_moe_layer_step") ?? 1;
      return { ...base, experts: r.int("num_local_experts"), active: r.int("num_experts_per_tok"), shared: 1, expertIntermediate: r.int("intermediate_size"), every, phase: every - 1 };
    }
    case "gpt_oss":
      return { ...base, experts: r.int("num_local_experts"), active: r.int("num_experts_per_tok", "experts_per_token"), expertIntermediate: intermediate, routerBias: true };
    default:
      return undefined;
  }
}
