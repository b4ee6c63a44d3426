#!/usr/bin/env python3
"""The daemon meets a full disk, a read-only database and a database locked by another process:

(a) disk full: the database lives on a small tmpfs. The daemon ingests until the disk is full, says so in a
    clear log line, keeps running and keeps what it stored (integrity check ok), /healthz says the disk is
    full and the source is not blamed; when the tmpfs is made larger it goes on by itself and every post
    ends up stored and judged exactly once. Mounting needs root: without it this part is skipped with a
    message (CI runs as root).
(b) read-only database: a database its user cannot write (on a read-only mount as root, or a read-only
    file) is refused at start with one clear line and a non-zero exit, untouched.
(c) locked database: another process holds `BEGIN EXCLUSIVE` while the daemon ingests. The daemon says the
    database is locked, keeps trying, and once the lock is released stores every post exactly once.

usage: storage_faults_test.py ODZIV"""

import json
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import FileServer, Daemon, Workspace  # noqa: E402

DAEMON_ARGS = ("--scheduler.jitter", "0", "--scheduler.max-pages-per-poll", "4", "--scheduler.first-backoff", "2")


def posts_file(count, text_bytes):
    lines = [json.dumps({"id": f"p{i}", "kind": "mention", "text": f"post {i} " + "o kafi " * (text_bytes // 7),
                         "author": {"id": f"a{i % 41}", "handle": f"@user{i % 41}", "reach": i}})
             for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


def add_source(ws, server, batch):
    ws.run("brand", "add", "zrno", "--name", "Zrno", "--db", ws.db)
    ws.run("source", "add", "zrno-replay", "--brand", "zrno", "--platform", "replay", "--interval", "1",
           "--set", f"file={server.url}", "--set", f"batch={batch}", "--set", "drain=true", "--db", ws.db)


def count_posts(ws):
    return ws.query("SELECT count(*) FROM posts")[0][0]


def unjudged(ws):
    return ws.query("SELECT count(*) FROM posts p WHERE NOT EXISTS "
                    "(SELECT 1 FROM assessments a WHERE a.post_id = p.id)")[0][0]


def wait_for_posts(ws, daemon, total):
    """Waits, on the daemon's log lines, until `total` posts are stored."""
    while count_posts(ws) < total:
        daemon.expect(r"source zrno-replay: fetched|posts judged")


def assert_each_once(ws, total):
    rows = ws.query("SELECT external_id, count(*) FROM posts GROUP BY external_id")
    stored = dict(rows)
    missing = [f"p{i}" for i in range(total) if f"p{i}" not in stored]
    assert not missing, f"lost {len(missing)} posts, e.g. {missing[:5]}"
    assert all(n == 1 for n in stored.values()), f"stored twice: {[k for k, n in stored.items() if n > 1][:5]}"
    assert len(stored) == total, f"{len(stored)} posts, expected {total}"
    (integrity,) = ws.query("PRAGMA integrity_check")[0]
    assert integrity == "ok", integrity


def assert_source_healthy(ws, fault):
    """A database fault is not the platform's: the source must not be marked failing or backed off for it."""
    health, failures = ws.query("SELECT health, consecutive_failures FROM sources WHERE name = 'zrno-replay'")[0]
    assert (health, failures) == ("ok", 0), f"{fault} was blamed on the source: {health}, {failures} failures"


def healthz(port):
    try:
        return json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30).read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read())


def mount_tmpfs(path, size):
    """True when a tmpfs of `size` is mounted at `path`; False when this process may not mount."""
    os.makedirs(path, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", path],
                          capture_output=True, text=True)
    return done.returncode == 0


def resize(path, size):
    subprocess.run(["mount", "-o", f"remount,size={size}", path], check=True, capture_output=True)


def disk_full(odziv):
    ws = Workspace(odziv)
    disk = os.path.join(ws.dir, "disk")
    if not mount_tmpfs(disk, "16m"):
        print("(a) disk full: SKIPPED — mounting a small tmpfs needs root (CI runs as root)")
        return
    try:
        ws.db = os.path.join(disk, "odziv.db")
        total = 1500
        server = FileServer(posts_file(total, 1500))  # about 3 MB of posts
        add_source(ws, server, batch=25)
        used = sum(os.path.getsize(os.path.join(disk, f)) for f in os.listdir(disk))
        resize(disk, f"{used // 1024 + 768}k")  # room for a few hundred posts, not for all of them

        daemon = Daemon(ws, *DAEMON_ARGS)
        port = daemon.port()
        daemon.expect(r"the disk holding \S+ is full: free some space")
        stored = count_posts(ws)
        assert 0 < stored < total, f"{stored} of {total} posts stored when the disk was full"
        (integrity,) = ws.query("PRAGMA integrity_check")[0]
        assert integrity == "ok", f"the full disk damaged the database: {integrity}"
        assert daemon.proc.poll() is None, "the daemon gave up on a full disk"
        assert_source_healthy(ws, "a full disk")
        health = healthz(port)
        assert health["status"] == "failing" and "is full" in health["database_writable"], \
            f"/healthz does not see the full disk: {health}"

        resize(disk, "128m")  # space comes back: the daemon goes on by itself
        wait_for_posts(ws, daemon, total)
        # Posts whose judging failed on the full disk are judged once there is room.
        while unjudged(ws) > 0:
            daemon.expect(r"posts judged")
        health = healthz(port)
        assert health["database_writable"] == "ok", f"/healthz still fails once there is room: {health}"
        daemon.stop()
        assert_each_once(ws, total)
        assert_source_healthy(ws, "a full disk")
        server.close()
        print(f"(a) disk full: ok — {stored} posts stored when the disk filled, all {total} once space came back")
    finally:
        subprocess.run(["umount", "-l", disk], capture_output=True)


def refused_at_start(odziv, ws, how, prefix=()):
    """The daemon, started on a database it cannot write, exits at once with one clear line, changing nothing."""
    before = open(ws.db, "rb").read()
    proc = subprocess.run([*prefix, odziv, "run", "--db", ws.db, "--log-format", "text", "--http.listen",
                           "127.0.0.1:0"], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0, f"the daemon ran on a database it cannot write: {proc.stderr[-500:]}"
    last = proc.stderr.strip().splitlines()[-1]
    assert "cannot be written" in last or "read-only" in last.lower(), proc.stderr
    assert ws.db in last, f"the error does not name the database: {proc.stderr}"
    assert "Sanitizer" not in proc.stderr, proc.stderr
    assert open(ws.db, "rb").read() == before, "the read-only database was changed"
    print(f"(b) read-only database ({how}): ok — {last}")


def read_only(odziv):
    server = FileServer(posts_file(10, 20))
    ws = Workspace(odziv)
    ro_mount = os.path.join(ws.dir, "ro")
    if mount_tmpfs(ro_mount, "16m"):
        ws.db = os.path.join(ro_mount, "odziv.db")
        add_source(ws, server, batch=5)
        subprocess.run(["mount", "-o", "remount,ro", ro_mount], check=True, capture_output=True)
        try:
            refused_at_start(odziv, ws, "on a read-only mount")
        finally:
            subprocess.run(["umount", "-l", ro_mount], capture_output=True)
    ws = Workspace(odziv)
    add_source(ws, server, batch=5)
    os.chmod(ws.db, 0o444)
    if os.geteuid() == 0:
        # Root writes any file: run the daemon as nobody, in a directory it may write (for its lock file).
        os.chmod(ws.dir, 0o777)
        refused_at_start(odziv, ws, "a file its user may not write", ("setpriv", "--reuid=nobody", "--regid=nogroup",
                                                                       "--clear-groups"))
    else:
        refused_at_start(odziv, ws, "a file its user may not write")
    server.close()


def locked(odziv):
    ws = Workspace(odziv)
    total = 300
    server = FileServer(posts_file(total, 40))
    add_source(ws, server, batch=7)
    holder = sqlite3.connect(ws.db, timeout=60, isolation_level=None)
    daemon = Daemon(ws, *DAEMON_ARGS)
    port = daemon.port()
    daemon.expect(r"source zrno-replay: fetched")
    holder.execute("BEGIN EXCLUSIVE")  # waits for the daemon's own transaction, if one is open
    held_at = holder.execute("SELECT count(*) FROM posts").fetchone()[0]
    line = daemon.expect(r"database \S+ is locked by another process").string
    health = healthz(port)
    assert health["database_writable"] != "ok", f"/healthz does not see the lock: {health}"
    assert holder.execute("SELECT count(*) FROM posts").fetchone()[0] == held_at, "written past an exclusive lock"
    holder.execute("ROLLBACK")
    holder.close()
    wait_for_posts(ws, daemon, total)
    daemon.stop()
    assert_each_once(ws, total)
    assert_source_healthy(ws, "a locked database")
    server.close()
    print(f"(c) locked database: ok — {held_at} posts stored when the lock was taken; the daemon said: "
          f"{line.split(']')[-1].strip()}; all {total} stored once after it was released")


def main():
    odziv = sys.argv[1]
    disk_full(odziv)
    read_only(odziv)
    locked(odziv)


if __name__ == "__main__":
    main()
