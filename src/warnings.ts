/**
 * Warnings for input that is valid but suspicious (a context past the model's trained length, a
 * tensor-parallel group that spans nodes): printed once per distinct message (Observable Plot's
 * warnings.js does the same), and kept so a notebook or a test can read them back.
 */
const seen = new Set<string>();
const log: string[] = [];
let quiet = false;

/** Warn once per message: `suanli warning: …` on stderr (console.warn). */
export function warn(message: string): void {
  if (seen.has(message)) return;
  seen.add(message);
  log.push(message);
  if (!quiet) console.warn(`suanli warning: ${message}`);
}

/** The warnings given so far (each once), oldest first. */
export function warnings(): readonly string[] {
  return [...log];
}

/** Forget the warnings given so far (each may be printed again); `silent` stops printing. */
export function resetWarnings(opts: { silent?: boolean } = {}): void {
  seen.clear();
  log.length = 0;
  quiet = opts.silent ?? quiet;
}
