/** `suanli kv MODEL --batch N --context N` — a KV cache size with its derivation. */
import { SuanliError } from "../errors.js";
import { flag, num, str, type Parsed } from "./args.js";
import { loadModel } from "./device.js";
import { print } from "./output.js";

export async function runKv(p: Parsed): Promise<number> {
  let m = loadModel(p, "kv");
  if (flag(p, "mha")) m = m.mha();
  const batch = num(p, "batch") ?? 1;
  const seq = num(p, "context");
  if (seq === undefined) throw new SuanliError("bad-argument", "kv needs --context N (tokens per sequence), e.g. --context 4096", { value: undefined });
  const dtype = str(p, "kv") ?? "fp16";
  const kv = m.kv({ batch, seq, dtype });
  const d = kv.explain();
  if (flag(p, "json")) {
    print(JSON.stringify({ model: m.id, batch, context: seq, seq, dtype, bytes: kv.value, text: kv.format(), perTokenBytes: kv.perToken.value, perLayerBytes: kv.perLayer, derivation: d.line }, null, 2));
  } else print(`${d.text}\n  = ${kv.format({ system: "decimal" })} (decimal)\n  per token: ${kv.perToken.format()} (${kv.perToken.format({ system: "decimal" })})`);
  return 0;
}
