/**
 * The one error class of the kit. Every refusal names the bad value and what is accepted,
 * so a notebook user can fix the call without reading a stack trace.
 *
 * @example
 * throw new SuanliError("unknown-gpu", 'unknown gpu: "H21" (did you mean H20?)', { value: "H21" });
 */
export type ErrorCode =
  | "unknown-gpu"
  | "unknown-model"
  | "unknown-precision"
  | "unknown-link"
  | "unknown-unit"
  | "unsupported-precision"
  | "bad-argument"
  | "bad-config"
  | "bad-dataset"
  | "unit-mismatch"
  | "does-not-fit"
  | "bad-parallelism";

export class SuanliError extends Error {
  readonly code: ErrorCode;
  readonly value: unknown;
  readonly expected: string | undefined;

  constructor(code: ErrorCode, message: string, detail: { value?: unknown; expected?: string } = {}) {
    super(message);
    this.name = "SuanliError";
    this.code = code;
    this.value = detail.value;
    this.expected = detail.expected;
  }
}

/** Show a user-supplied value in an error message: strings quoted, others as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
