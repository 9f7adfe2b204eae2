/** A context longer than the model was trained for is valid input, but worth a warning. */
import { warn } from "../warnings.js";
import type { Architecture } from "./architecture.js";

export function checkContext(a: Architecture, tokens: number, model: string): void {
  if (tokens > a.maxPosition) {
    warn(`${model}: ${tokens} tokens is past the model's max_position_embeddings (${a.maxPosition}); its quality there is unknown, the arithmetic still holds (warned once per model)`, `context>${model}`);
  }
}
