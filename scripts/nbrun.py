#!/usr/bin/python3
"""Execute a Jupyter notebook cell by cell and report the *real* error.

Built on jupyter_client (the kernel protocol) rather than nbconvert because
nbconvert/nbclient report tslab errors as an empty "<Error>:" -- tslab puts
the compiler diagnostics / stack trace on the stderr stream and sends an
error reply with an empty ename/evalue.  This runner records every iopub
message of each cell, and on failure prints the cell index, its source and
that cell's full iopub stream (stream / error / execute_result / display
messages) and exits 1.

Usage:
  /usr/bin/python3 scripts/nbrun.py NOTEBOOK [--out PATH | --inplace]
      [--kernel NAME] [--cwd DIR] [--timeout SECONDS]
      [--startup-timeout SECONDS]

Defaults: kernel = the notebook's metadata.kernelspec.name (else "tslab"),
cwd = the notebook's folder, timeout = 300 s per cell.  Cells tagged
"raises-exception" may fail; cells tagged "skip-execution" are skipped.
Requires the Debian packages python3-nbclient / python3-ipykernel (which
bring jupyter_client and nbformat).  Kernels started via a bare command name
(tslab's kernel.json runs "tslab") must be on PATH: run-notebooks.sh puts
node_modules/.bin first.
"""

import argparse
import os
import queue
import sys
import time

try:
    import nbformat
    from jupyter_client.manager import KernelManager
except ImportError as exc:  # pragma: no cover - environment problem
    sys.stderr.write(
        "nbrun.py: missing Jupyter Python modules (%s).\n"
        "Install: apt-get install -y jupyter-nbconvert python3-nbclient "
        "python3-ipykernel  (and run with /usr/bin/python3)\n" % exc
    )
    sys.exit(2)


OUTPUT_TYPES = ("stream", "error", "execute_result", "display_data")


def log(msg):
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def fmt_msg(msg):
    """Human-readable rendering of one iopub message."""
    mt = msg["header"]["msg_type"]
    c = msg["content"]
    if mt == "stream":
        return "[stream:%s]\n%s" % (c.get("name"), c.get("text", ""))
    if mt == "error":
        tb = "\n".join(c.get("traceback") or [])
        return "[error] ename=%r evalue=%r\n[traceback]\n%s" % (
            c.get("ename"), c.get("evalue"), tb)
    if mt in ("execute_result", "display_data", "update_display_data"):
        data = c.get("data", {})
        parts = []
        for mime, val in data.items():
            if mime.startswith("text/") or mime.endswith("json"):
                s = val if isinstance(val, str) else repr(val)
                if len(s) > 4000:
                    s = s[:4000] + "... [%d chars]" % len(s)
                parts.append("  %s: %s" % (mime, s))
            else:
                parts.append("  %s: <%d chars>" % (mime, len(str(val))))
        return "[%s]\n%s" % (mt, "\n".join(parts))
    if mt == "status":
        return "[status] %s" % c.get("execution_state")
    if mt == "execute_input":
        return "[execute_input] execution_count=%s" % c.get("execution_count")
    if mt == "clear_output":
        return "[clear_output]"
    return "[%s] %r" % (mt, c)


def strip_ansi(s):
    import re
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", s)


def report_failure(path, index, code_no, cell, msgs, reply, reason):
    bar = "=" * 72
    out = [bar, "NOTEBOOK CELL FAILED: %s" % path,
           "cell index: %d (0-based, counting all cells; code cell #%d)" % (index, code_no),
           "reason: %s" % reason, bar, "--- cell source ---",
           cell.source, "--- iopub stream for this cell ---"]
    shown = [m for m in msgs if m["header"]["msg_type"] not in ("status", "execute_input")]
    if not shown:
        out.append("(no output messages)")
    for m in shown:
        out.append(strip_ansi(fmt_msg(m)).rstrip("\n"))
    if reply is not None:
        c = reply["content"]
        out.append("--- execute_reply ---")
        out.append("status=%r ename=%r evalue=%r" % (
            c.get("status"), c.get("ename"), c.get("evalue")))
        if c.get("traceback"):
            out.append(strip_ansi("\n".join(c["traceback"])))
    out.append(bar)
    sys.stderr.write("\n".join(out) + "\n")
    sys.stderr.flush()


def run_cell(kc, km, source, timeout, stop_on_error=True):
    """Execute source; return (iopub msgs, execute_reply or None, reason)."""
    msg_id = kc.execute(source, store_history=True, allow_stdin=False,
                        stop_on_error=stop_on_error)
    deadline = time.monotonic() + timeout
    msgs, reply, idle = [], None, False
    while not (idle and reply is not None):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return msgs, reply, "timeout after %ss" % timeout
        if not km.is_alive():
            return msgs, reply, "kernel died"
        got = False
        try:
            m = kc.get_iopub_msg(timeout=min(1.0, remaining))
            got = True
            if m.get("parent_header", {}).get("msg_id") == msg_id:
                msgs.append(m)
                if (m["header"]["msg_type"] == "status"
                        and m["content"].get("execution_state") == "idle"):
                    idle = True
        except queue.Empty:
            pass
        if reply is None:
            try:
                r = kc.get_shell_msg(timeout=0 if got else 0.05)
                if r.get("parent_header", {}).get("msg_id") == msg_id:
                    reply = r
            except queue.Empty:
                pass
    return msgs, reply, None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebook")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--out", help="write the executed notebook here")
    g.add_argument("--inplace", action="store_true",
                   help="overwrite the input notebook with the executed copy")
    ap.add_argument("--kernel", help="kernel name (default: notebook metadata, else tslab)")
    ap.add_argument("--cwd", help="kernel working directory (default: notebook's folder)")
    ap.add_argument("--timeout", type=float, default=300, help="per-cell timeout, s")
    ap.add_argument("--startup-timeout", type=float, default=120)
    args = ap.parse_args(argv)

    path = os.path.abspath(args.notebook)
    nb = nbformat.read(path, as_version=4)
    kernel = (args.kernel
              or nb.metadata.get("kernelspec", {}).get("name")
              or "tslab")
    cwd = os.path.abspath(args.cwd or os.path.dirname(path))

    km = KernelManager(kernel_name=kernel)
    t0 = time.monotonic()
    km.start_kernel(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    failed = False
    try:
        try:
            kc.wait_for_ready(timeout=args.startup_timeout)
        except RuntimeError as exc:
            sys.stderr.write("nbrun.py: kernel %r did not start: %s\n" % (kernel, exc))
            return 1
        log("  kernel %s ready in %.1fs (cwd=%s)" % (kernel, time.monotonic() - t0, cwd))
        count = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            tags = cell.get("metadata", {}).get("tags", [])
            if "skip-execution" in tags or not cell.source.strip():
                continue
            count += 1
            tc = time.monotonic()
            msgs, reply, reason = run_cell(kc, km, cell.source, args.timeout,
                                           stop_on_error="raises-exception" not in tags)
            outputs, exec_count = [], None
            for m in msgs:
                mt = m["header"]["msg_type"]
                if mt == "execute_input":
                    exec_count = m["content"].get("execution_count")
                elif mt == "clear_output":
                    outputs = []
                elif mt == "update_display_data":
                    # a display that redraws itself (progress): replace the output it names
                    did = m["content"].get("transient", {}).get("display_id")
                    for i, o in enumerate(outputs):
                        if did is not None and o.get("metadata", {}).get("display_id_") == did:
                            new = nbformat.v4.new_output("display_data", data=m["content"].get("data", {}))
                            new.metadata["display_id_"] = did
                            outputs[i] = new
                elif mt in OUTPUT_TYPES:
                    out = nbformat.v4.output_from_msg(m)
                    did = m["content"].get("transient", {}).get("display_id")
                    if did is not None:
                        out.setdefault("metadata", {})["display_id_"] = did
                    outputs.append(out)
            cell.outputs = outputs
            cell.execution_count = exec_count or count
            status = reply["content"].get("status") if reply else None
            had_error = any(m["header"]["msg_type"] == "error" for m in msgs)
            if reason is None and (status != "ok" or had_error):
                reason = "execute_reply status=%r%s" % (
                    status, ", error message on iopub" if had_error else "")
            dt = time.monotonic() - tc
            if reason is not None:
                if "raises-exception" in tags and reason.startswith("execute_reply"):
                    log("  cell %d: error allowed (raises-exception) %.1fs" % (index, dt))
                    # tslab ignores stop_on_error: after an error it cancels every
                    # execute_request arriving within 200 ms (reply status 'abort').
                    time.sleep(0.4)
                    continue
                report_failure(path, index, count, cell, msgs, reply, reason)
                failed = True
                if reason.startswith("timeout"):
                    try:
                        km.interrupt_kernel()
                    except Exception:
                        pass
                break
            log("  cell %d ok %.1fs" % (index, dt))
    finally:
        try:
            kc.stop_channels()
        finally:
            km.shutdown_kernel(now=True)

    dest = path if args.inplace else args.out
    if args.inplace and failed:
        log("  not overwriting %s (execution failed)" % path)
    elif dest:
        os.makedirs(os.path.dirname(os.path.abspath(dest)) or ".", exist_ok=True)
        nbformat.write(nb, dest)
        log("  wrote %s%s" % (dest, " (partial: stopped at failing cell)" if failed else ""))
    log("  %s: %s in %.1fs" % (os.path.basename(path), "FAILED" if failed else "ok",
                                time.monotonic() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
