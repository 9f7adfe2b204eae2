import { cluster, gpu, model } from "../../src/index.js";

/** Llama-2-70B on 8×H20 (tp 8), the reference setup. */
export const h20 = () => model("llama2-70b").on(cluster(gpu("H20"), 8).tp(8));
/** A small model on one H100, for fast simulations. */
export const small = () => model("llama2-7b").on(gpu("H100"));
