/**
 * Files written whole or not at all, and file-system errors in the kit's error voice.
 *
 * - `ensureDir` creates missing parents one level at a time (never `mkdir -p`'s recursive
 *   mode, which spins forever on paths under /proc), refusing a parent that is a file.
 * - `AtomicFile` writes to a temporary name beside the target and renames it into place on
 *   `commit()` (rename is atomic within a file system), so a reader never sees half a file;
 *   `abort()` — or the process exiting first — removes the temporary.
 * - `ioError` turns ENOENT, EACCES, EISDIR, … into a one-line SuanliError naming the path.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { SuanliError, show } from "../errors.js";

const WHY: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "it is a directory",
  ENOTDIR: "a parent is not a directory",
  EEXIST: "it exists and is not a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  ENAMETOOLONG: "the name is too long",
  EXDEV: "cannot rename across file systems",
  EINVAL: "invalid path for this file system",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
};

/** A file-system error as a one-line SuanliError naming the path (exit status 2 on the CLI). */
export function ioError(e: unknown, path: string, action: string): SuanliError {
  if (e instanceof SuanliError) return e;
  const code = (e as { code?: unknown })?.code;
  const why = typeof code === "string" ? (WHY[code] ?? `${code}`) : e instanceof Error ? e.message : String(e);
  return new SuanliError("bad-argument", `cannot ${action} ${show(path)}: ${why}`, { value: path });
}

/** A non-empty path string, or a refusal naming `what`. */
export function requirePath(path: unknown, what: string): string {
  if (typeof path !== "string" || path.trim() === "" || path.includes("\0")) {
    throw new SuanliError("bad-argument", `${what}: give a file or directory path, got ${show(path)}`, { value: path });
  }
  return path;
}

/** Make `dir` and its missing parents, one level at a time; refuse parents that are files. */
export function ensureDir(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(d).isDirectory();
    } catch (e) {
      if ((e as { code?: string }).code !== "ENOENT") throw ioError(e, dir, "create directory");
      missing.push(d);
      const up = dirname(d);
      if (up === d) break;
      d = up;
      continue;
    }
    if (!isDir) throw new SuanliError("bad-argument", `cannot create directory ${show(dir)}: ${show(d)} is a file`, { value: dir });
    break;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw ioError(e, dir, "create directory");
    }
  }
}

const open = new Set<string>();
let hooked = false;
function track(tmp: string): void {
  open.add(tmp);
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const t of open) rmSync(t, { force: true, recursive: true });
    });
  }
}

/** A name beside `path` for staging it: .NAME.PID-RANDOM.tmp */
export function stagingName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
}

/** Lstat-free check that `path` is not an existing directory. */
export function refuseDirectory(path: string): void {
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    return;
  }
  if (dir) throw new SuanliError("bad-argument", `cannot write ${show(path)}: it is a directory`, { value: path });
}

/** A file written to a temporary name and renamed into place on commit. */
export class AtomicFile {
  readonly path: string;
  private readonly tmp: string;
  private fd: number | null;

  constructor(path: string, what = "write") {
    this.path = requirePath(path, what);
    refuseDirectory(path);
    ensureDir(dirname(path));
    this.tmp = stagingName(path);
    try {
      this.fd = openSync(this.tmp, "wx");
    } catch (e) {
      throw ioError(e, path, "write");
    }
    track(this.tmp);
  }

  /** Append bytes or UTF-8 text. */
  write(data: Uint8Array | string): void {
    if (this.fd === null) throw new SuanliError("bad-argument", `${show(this.path)} is already closed`, { value: this.path });
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    try {
      for (let off = 0; off < buf.byteLength; ) off += writeSync(this.fd, buf, off, buf.byteLength - off);
    } catch (e) {
      this.abort();
      throw ioError(e, this.path, "write");
    }
  }

  /** Close and rename into place; returns the path. */
  commit(): string {
    try {
      closeSync(this.fd!);
      this.fd = null;
      renameSync(this.tmp, this.path);
      open.delete(this.tmp);
    } catch (e) {
      this.abort();
      throw ioError(e, this.path, "write");
    }
    return this.path;
  }

  /** Drop the temporary file; the target is left as it was. */
  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
    rmSync(this.tmp, { force: true });
    open.delete(this.tmp);
  }
}

/**
 * Write `files` (name → content) into `dir`, all or nothing: a new directory is filled under
 * a staging name and renamed into place; into an existing one, every target is checked first,
 * then each file is staged and renamed. Returns the paths written.
 */
export function writeFilesAtomically(dir: string, files: ReadonlyMap<string, string | Uint8Array>, what = "write"): string[] {
  requirePath(dir, what);
  for (const name of files.keys()) {
    if (name === "" || name.includes("/") || name.includes("\\") || name === "." || name === "..") {
      throw new SuanliError("bad-argument", `${what}: a file name must not be empty or contain a path separator, got ${show(name)}`, { value: name });
    }
  }
  let exists = false;
  try {
    exists = statSync(dir).isDirectory();
    if (!exists) throw new SuanliError("bad-argument", `cannot write into ${show(dir)}: it is a file, not a directory`, { value: dir });
  } catch (e) {
    if (e instanceof SuanliError) throw e;
    if ((e as { code?: string }).code !== "ENOENT") throw ioError(e, dir, "write into");
  }
  if (!exists) {
    ensureDir(dirname(resolve(dir)));
    const stage = stagingName(resolve(dir));
    try {
      mkdirSync(stage);
    } catch (e) {
      throw ioError(e, dir, "create directory");
    }
    track(stage);
    try {
      for (const [name, content] of files) writeWhole(join(stage, name), content, join(dir, name));
      renameSync(stage, dir);
      open.delete(stage);
    } catch (e) {
      rmSync(stage, { recursive: true, force: true });
      open.delete(stage);
      throw ioError(e, dir, "write");
    }
    return [...files.keys()].map((n) => join(dir, n));
  }
  for (const name of files.keys()) refuseDirectory(join(dir, name));
  const staged: AtomicFile[] = [];
  try {
    for (const [name, content] of files) {
      const f = new AtomicFile(join(dir, name), what);
      staged.push(f);
      f.write(content);
    }
  } catch (e) {
    for (const f of staged) f.abort();
    throw e;
  }
  return staged.map((f) => f.commit());
}

function writeWhole(path: string, content: string | Uint8Array, shown: string): void {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (e) {
    throw ioError(e, shown, "write");
  }
  try {
    const buf = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    for (let off = 0; off < buf.byteLength; ) off += writeSync(fd, buf, off, buf.byteLength - off);
  } catch (e) {
    throw ioError(e, shown, "write");
  } finally {
    closeSync(fd);
  }
}
