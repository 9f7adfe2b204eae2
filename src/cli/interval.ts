/**
 * `--interval [LEVEL]` of decode, train and capacity: the level as typed, checked to lie in
 * (0, 1). Undefined when the flag is absent, so no residual is read unless asked.
 */
import { SuanliError, show } from "../errors.js";
import { num, type Parsed } from "./args.js";

export function intervalLevel(p: Parsed): number | undefined {
  const v = num(p, "interval");
  if (v === undefined) return undefined;
  if (!(v > 0 && v < 1)) throw new SuanliError("bad-argument", `${p.typed.interval ?? "--interval"} must be a level in (0, 1), e.g. 0.8 or 0.9; got ${show(v)}`, { value: v, expected: "0 < level < 1" });
  return v;
}
