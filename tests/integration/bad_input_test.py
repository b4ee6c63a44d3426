#!/usr/bin/env python3
"""Wrong configuration, wrong commands and an unusable database each get a one-line error that names the
problem, the documented exit status, and leave what is stored untouched.

usage: bad_input_test.py ODZIV"""

import hashlib
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Workspace  # noqa: E402

failures = []


def check(name, proc, status, *words):
    err = proc.stderr.strip()
    problems = []
    if proc.returncode != status:
        problems.append(f"exit {proc.returncode}, expected {status}")
    if len(err.splitlines()) != 1:
        problems.append(f"stderr has {len(err.splitlines())} lines, expected one")
    for w in words:
        if w not in err:
            problems.append(f"stderr lacks {w!r}")
    print(f"{'ok  ' if not problems else 'FAIL'} {name}: {err}")
    if problems:
        failures.append(f"{name}: {'; '.join(problems)}")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    odziv = sys.argv[1]
    ws = Workspace(odziv)
    ws.run("brand", "add", "zrno", "--name", "Zrno", "--db", ws.db)

    check("unknown command", ws.run("frobnicate", check=False), 2, "frobnicate")
    check("unknown option", ws.run("brand", "list", "--colour", "--db", ws.db, check=False), 2, "colour")
    check("missing argument", ws.run("brand", "add", "--db", ws.db, check=False), 2, "required")
    check("bad slug", ws.run("brand", "add", "Bad Slug!", "--name", "x", "--db", ws.db, check=False), 2, "slug")
    check("unknown brand", ws.run("brand", "show", "nope", "--db", ws.db, check=False), 1, "nope")
    check("pasted secret", ws.run("source", "add", "s1", "--brand", "zrno", "--platform", "replay", "--set",
                                  "file=x.jsonl", "--set", "token=AAAA1234secret", "--db", ws.db, check=False),
          2, "token", "env:NAME")
    if "AAAA1234secret" in ws.run("source", "add", "s1", "--brand", "zrno", "--platform", "replay", "--set",
                                  "token=AAAA1234secret", "--db", ws.db, check=False).stderr:
        failures.append("the error message repeats the pasted secret")

    conf = os.path.join(ws.dir, "bad.conf")
    with open(conf, "w") as f:
        f.write("[scheduler]\njitter = lots\nturbo = on\n")
    check("corrupt config", ws.run("run", "--config", conf, "--db", ws.db, check=False), 78, "bad.conf")
    with open(conf, "w") as f:
        f.write("log-level = loud\n[scheduler]\njitter = 7\n")
    check("bad config values", ws.run("run", "--config", conf, "--db", ws.db, check=False), 78, "2 problems",
          "log-level", "scheduler.jitter")
    check("missing config file", ws.run("run", "--config", "/nonexistent/odziv.conf", check=False), 78,
          "/nonexistent/odziv.conf")
    check("missing database directory", ws.run("run", "--db", "/nonexistent/dir/odziv.db", check=False), 78,
          "/nonexistent/dir")

    text_file = os.path.join(ws.dir, "notes.txt")
    with open(text_file, "w") as f:
        f.write("this is not a database\n" * 100)
    before = digest(text_file)
    check("not a database", ws.run("brand", "list", "--db", text_file, check=False), 1, "notes.txt")
    if digest(text_file) != before:
        failures.append("a file that is not a database was modified")

    # A second daemon on the same database is refused while the first keeps running.
    first = ws.start_daemon()
    try:
        check("second daemon", ws.run("run", "--db", ws.db, check=False), 1, "already running", str(first.pid))
        if first.poll() is not None:
            failures.append("the first daemon died when a second one started")
    finally:
        first.terminate()
        status = first.wait(timeout=30)
        if status != 0:
            failures.append(f"SIGTERM: the daemon exited {status}, expected 0")

    # A read-only database (a read-only bind mount in a private mount namespace; as root, file modes do not
    # stop writes): reading works, writing fails with a clear message, and nothing changes.
    if shutil.which("unshare"):
        before = digest(ws.db)
        script = (f"mount --bind {ws.dir} {ws.dir} && mount -o remount,bind,ro {ws.dir} && "
                  f"{odziv} brand list --db {ws.db} >/dev/null && "
                  f"exec {odziv} brand add other --name Other --db {ws.db}")
        proc = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True, text=True)
        if "Operation not permitted" in proc.stderr and "mount" in proc.stderr:
            print("skip read-only database: this machine does not allow a private mount namespace")
        else:
            check("read-only database", proc, 1, ws.db)
            if digest(ws.db) != before:
                failures.append("the read-only database was modified")

    stored = ws.run("brand", "list", "--json", "--db", ws.db).stdout
    if '"zrno"' not in stored:
        failures.append("the brand stored before the errors is gone")

    if failures:
        print("\n".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
