"""Schemathesis hook: records each call's operation and status, one JSON line per call, so the
fuzz summary can tell which operations never got past 404 or 401/403 (FUZZ_CALLS names the file)."""
import json
import os

import schemathesis

_out = open(os.environ["FUZZ_CALLS"], "a", encoding="utf-8")


@schemathesis.hook
def after_call(context, case, response):
    meta = case.meta
    mode = meta.generation.mode.value if meta is not None else "unknown"
    phase = meta.phase.name.value if meta is not None else "unknown"
    _out.write(json.dumps({"operation": case.operation.label, "status": response.status_code, "mode": mode, "phase": phase, "ms": round(response.elapsed * 1000), "url": case.formatted_path, "t": round(__import__("time").time(), 2)}) + "\n")
    _out.flush()


@schemathesis.hook
def before_call(context, case, kwargs):
    # With after_call's line, shows which request was in flight when the server went quiet.
    import time
    _out.write(json.dumps({"start": case.operation.label, "t": round(time.time(), 2), "url": case.formatted_path, "method": case.method}) + "\n")
    _out.flush()
