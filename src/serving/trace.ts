/**
 * Request traces from files: CSV with a header naming `arrival` (or `time`, seconds), `prompt`
 * and `output` (tokens), or JSON lines of { arrival | time, prompt, output }. Every row is
 * checked where it is read: a missing, negative or fractional length, or a negative arrival,
 * is refused naming its line and the value as typed.
 */
import { readFileSync } from "node:fs";
import { SuanliError, show } from "../errors.js";
import { checkTrace, type Request } from "../longcontext/workload.js";

export type TraceFormat = "csv" | "jsonl";

function field(line: number, name: string, raw: unknown, integer: boolean): number {
  const v = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  const ok = typeof v === "number" && Number.isFinite(v) && (integer ? Number.isInteger(v) && v >= 1 : v >= 0);
  if (!ok) {
    const what = raw === undefined || raw === "" ? "is missing" : `is ${show(raw)}`;
    throw new SuanliError("bad-argument", `trace line ${line}: ${name} ${what}; expected ${integer ? "an integer number of tokens ≥ 1" : "seconds ≥ 0"}`, { value: raw, expected: integer ? "integer ≥ 1" : "≥ 0" });
  }
  return v as number;
}

function row(line: number, get: (k: string) => unknown): Request {
  const t = get("arrival") ?? get("time");
  return { time: field(line, "arrival", t, false), prompt: field(line, "prompt", get("prompt"), true), output: field(line, "output", get("output"), true) };
}

/**
 * Requests from the text of a trace (format guessed from the first character when not given:
 * "{" is JSON lines). Returned sorted by arrival.
 * @example parseTrace("arrival,prompt,output\n0,512,128\n0.4,2048,256")
 */
export function parseTrace(text: string, format?: TraceFormat): Request[] {
  if (typeof text !== "string") throw new SuanliError("bad-argument", `trace text must be a string, got ${show(text)}`, { value: text });
  const lines = text.split(/\r?\n/);
  const fmt = format ?? (text.trimStart().startsWith("{") ? "jsonl" : "csv");
  const out: Request[] = [];
  if (fmt === "jsonl") {
    lines.forEach((l, i) => {
      if (l.trim() === "") return;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new SuanliError("bad-argument", `trace line ${i + 1} is not JSON: ${show(l.slice(0, 60))}`, { value: l });
      }
      out.push(row(i + 1, (k) => o?.[k]));
    });
  } else {
    const header = (lines[0] ?? "").split(",").map((h) => h.trim().toLowerCase());
    const col = (k: string) => header.indexOf(k);
    if (col("prompt") < 0 || col("output") < 0 || (col("arrival") < 0 && col("time") < 0)) {
      throw new SuanliError("bad-argument", `trace CSV header ${show(lines[0] ?? "")} must name arrival (or time), prompt and output`, { value: lines[0], expected: "arrival,prompt,output" });
    }
    for (let i = 1; i < lines.length; i++) {
      if (lines[i]!.trim() === "") continue;
      const cells = lines[i]!.split(",");
      out.push(row(i + 1, (k) => (col(k) < 0 ? undefined : cells[col(k)]?.trim())));
    }
  }
  if (out.length === 0) throw new SuanliError("bad-argument", "the trace has no requests", { value: text.slice(0, 60) });
  return checkTrace(out);
}

/** Read a trace file (.csv, or .jsonl / .json lines); see parseTrace. */
export function loadTrace(path: string): Request[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new SuanliError("bad-argument", `cannot read trace file ${show(path)}`, { value: path, expected: "a readable .csv or .jsonl file" });
  }
  return parseTrace(text, /\.jsonl?$/i.test(path) ? "jsonl" : /\.csv$/i.test(path) ? "csv" : undefined);
}
