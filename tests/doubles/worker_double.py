"""Misbehaving stand-ins for ``_phcpack_worker.py`` (stdlib only, run by file path).

Usage: ``python worker_double.py MODE [PIDFILE] REQUEST.json ANSWER.json``; the backend appends
the last two arguments. Modes:

* ``exit139``: ``os._exit(139)`` without an answer (what an Ada exception handler does).
* ``segfault``: kill itself with SIGSEGV.
* ``sleep``: write its pid and a sleeping grandchild's pid to PIDFILE, then sleep forever.
* ``spam``: write a lot to fds 1 and 2 (and via print), then a valid answer (one endpoint,
  ``(1, 2 - 0.5j)`` cut to the request's number of variables).
* ``garbage``: write an answer file that is not JSON and exit 0.
* ``no-answer``: exit 0 without writing an answer.
* ``bad-shape``: a JSON answer with an endpoint of the wrong length, exit 0.
* ``fail``: ``{"ok": false, "error": ...}`` and exit 1, like the real worker on an exception.
"""

import json
import os
import signal
import subprocess
import sys
import time

VALID_ANSWER = {
    "ok": True,
    "endpoints": [{"coordinates": [[1.0, 0.0], [2.0, -0.5]], "err": 1e-16, "rco": 0.5,
                   "res": 1e-15, "m": 1}],
    "root_counts": {"mixed_volume": 1},
    "paths_tracked": 1,
    "dropped_nonfinite": 0,
    "phcpack_version": "0.0-double",
}


def write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def main():
    mode = sys.argv[1]
    answer_path = sys.argv[-1]
    if mode == "exit139":
        os.write(2, b"raised STORAGE_ERROR : s-intman.adb:136 explicit raise\n")
        os._exit(139)
    elif mode == "segfault":
        os.write(1, b"about to segfault\n")
        os.kill(os.getpid(), signal.SIGSEGV)
    elif mode == "sleep":
        grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
        write(sys.argv[2], f"{os.getpid()} {grandchild.pid}")
        time.sleep(3600)
    elif mode == "spam":
        for index in range(2000):
            os.write(1, b"fd1 spam line %d\n" % index)
            os.write(2, b"fd2 spam line %d\n" % index)
        print("print spam", flush=True)
        print("stderr spam", file=sys.stderr, flush=True)
        with open(sys.argv[-2], encoding="utf-8") as handle:
            nvars = json.load(handle)["nvars"]
        endpoint = dict(VALID_ANSWER["endpoints"][0])
        endpoint["coordinates"] = endpoint["coordinates"][:nvars]
        write(answer_path, json.dumps(dict(VALID_ANSWER, endpoints=[endpoint])))
        os.write(1, b"last spam line\n")
    elif mode == "garbage":
        write(answer_path, '{"ok": true, "endpoints": [[1.0, ')
    elif mode == "no-answer":
        pass
    elif mode == "bad-shape":
        answer = dict(VALID_ANSWER, endpoints=[{"coordinates": [[1.0, 0.0]]}])
        write(answer_path, json.dumps(answer))
    elif mode == "fail":
        write(answer_path, json.dumps({"ok": False, "error": "RuntimeError: double failed"}))
        sys.exit(1)
    else:
        sys.exit(f"unknown mode {mode}")


main()
