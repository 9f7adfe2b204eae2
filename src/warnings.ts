/**
 * Warnings for input that is valid but suspicious (a context past the model's trained length, a
 * tensor-parallel group that spans nodes): printed once per distinct message (Observable Plot's
 * warnings.js does the same), and kept so a notebook or a test can read them back.
 */
const seen = new Set<string>();
const log: string[] = [];
let quiet = false;

/**
 * Warn once per `key` (default: the message itself): `suanli warning: …` on stderr. A sweep
 * that crosses the same line a thousand times warns once.
 */
export function warn(message: string, key = message): void {
  if (seen.has(key)) return;
  seen.add(key);
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
