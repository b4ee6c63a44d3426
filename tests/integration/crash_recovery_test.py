#!/usr/bin/env python3
"""The daemon is killed with SIGKILL at random moments while it ingests from a local HTTP source, and
restarted, several times. Afterwards no post is lost and none is stored twice, and SQLite's integrity check
passes. The kill is fired by the source itself after a random number of requests (plus a random delay of
up to 30 ms, so that it lands in fetching, parsing or storing), never by a timed sleep in the test.

usage: crash_recovery_test.py ODZIV [SEED]"""

import json
import os
import random
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import FileServer, Workspace  # noqa: E402

POSTS = 400
KILLS = 12


def main():
    odziv = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"seed {seed}")
    lines = [json.dumps({"id": f"p{i}", "kind": "mention", "text": f"post number {i} o kafi ☕ čćžšđ",
                         "author": {"id": f"a{i % 37}", "handle": f"@user{i % 37}", "reach": i}})
             for i in range(POSTS)]
    server = FileServer(("\n".join(lines) + "\n").encode())
    ws = Workspace(odziv)
    ws.run("brand", "add", "crash", "--name", "Crash Test", "--db", ws.db)
    ws.run("source", "add", "crash-src", "--brand", "crash", "--platform", "replay", "--interval", "1",
           "--set", f"file={server.url}", "--set", "batch=7", "--set", "drain=true", "--db", ws.db)

    counts = []
    for kill in range(KILLS):
        daemon = ws.start_daemon("--scheduler.max-pages-per-poll", "2", "--scheduler.jitter", "0")
        fire_at = server.requests + rng.randint(1, 5)
        delay = rng.uniform(0, 0.03)
        fired = threading.Event()

        def on_request(n, daemon=daemon, fire_at=fire_at, delay=delay, fired=fired):
            if n >= fire_at and not fired.is_set():
                fired.set()
                threading.Timer(delay, lambda: daemon.send_signal(signal.SIGKILL)).start()

        server.on_request = on_request
        status = daemon.wait(timeout=120)
        server.on_request = None
        assert status == -signal.SIGKILL, f"run {kill}: daemon exited {status} instead of being killed"
        (count,) = ws.query("SELECT COUNT(*) FROM posts")[0]
        counts.append(count)
    print(f"posts stored after each kill: {counts}")
    assert counts[0] < POSTS, "the first kill came after everything was stored: the test proved nothing"
    assert counts == sorted(counts), f"a restart lost posts: {counts}"

    # Drain what is left with one synchronous poll, then check every post is there exactly once.
    ws.run("poll", "crash-src", "--once", "--max-pages", "10000", "--db", ws.db)
    rows = ws.query("SELECT external_id, COUNT(*) FROM posts GROUP BY external_id")
    stored = {external_id: n for external_id, n in rows}
    missing = [f"p{i}" for i in range(POSTS) if f"p{i}" not in stored]
    doubled = [k for k, n in stored.items() if n != 1]
    assert not missing, f"lost {len(missing)} posts, e.g. {missing[:5]}"
    assert not doubled, f"stored twice: {doubled[:5]}"
    assert len(stored) == POSTS, f"{len(stored)} distinct posts, expected {POSTS}"
    (text,) = ws.query("SELECT text FROM posts WHERE external_id = 'p7'")[0]
    assert text == "post number 7 o kafi ☕ čćžšđ", text
    (integrity,) = ws.query("PRAGMA integrity_check")[0]
    assert integrity == "ok", integrity
    server.close()
    print(f"ok: {KILLS} kills, {POSTS} posts stored once each, integrity ok")


if __name__ == "__main__":
    main()
