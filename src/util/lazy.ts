/**
 * Heavy dependencies loaded on first use, not at import: arquero (tables) is needed only by the
 * functions that return a table, so a one-shot CLI answer that prints a number never loads it.
 * `require` of an ES module returns the same module instance `import` does (Node ≥ 20.19 and
 * ≥ 22.12 load ES modules synchronously through require), so tables made here are the tables
 * a notebook's own `import * as aq from "arquero"` works with.
 */
import { createRequire } from "node:module";

type Arquero = typeof import("arquero");
const load = createRequire(import.meta.url);
let aq: Arquero | undefined;

/** The arquero module, loaded on the first call. */
export function arquero(): Arquero {
  return (aq ??= load("arquero") as Arquero);
}
