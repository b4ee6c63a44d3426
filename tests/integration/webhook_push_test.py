#!/usr/bin/env python3
"""Webhook pushes: a burst of 10,000 signed pushes sent over many connections at once is stored with none
lost and none duplicated; a replay of a push already stored adds nothing; forged, stale and malformed
pushes are refused with the reason and store nothing; the source's poll cursor is never moved by a push.
Prints the burst's rate (pushes per second, group commit at synchronous=FULL).

usage: webhook_push_test.py ODZIV"""

import hashlib
import hmac
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Workspace  # noqa: E402

SECRET = "push-test-secret-3f9a"
PUSHES = 10_000
CONNECTIONS = 32


def sign(body: bytes, secret: str = SECRET, t: int = None) -> str:
    t = int(time.time()) if t is None else t
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def body_for(i: int) -> bytes:
    post = {"id": f"push-{i}", "text": f"pushed post number {i}", "kind": "mention",
            "author": {"id": f"a{i % 97}", "handle": f"@user{i % 97}", "name": "User", "reach": i % 1000},
            "created_at": "2026-11-20T10:00:00Z"}
    return json.dumps({"posts": [post]}).encode()


def post(conn, path, body: bytes, signature=None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Odziv-Signature"] = signature
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read().decode()


def main():
    ws = Workspace(sys.argv[1])
    os.environ["ODZIV_TEST_PUSH_SECRET"] = SECRET
    ws.run("brand", "add", "zrno", "--name", "Zrno", "--db", ws.db)
    ws.run("source", "add", "shop", "--brand", "zrno", "--platform", "webhook", "--set",
           "secret=env:ODZIV_TEST_PUSH_SECRET", "--db", ws.db)
    ws.run("source", "add", "plain", "--brand", "zrno", "--platform", "webhook", "--db", ws.db)

    proc = subprocess.Popen([ws.odziv, "run", "--db", ws.db, "--log-format", "text",
                             "--http.listen", "127.0.0.1:0", "--http.threads", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = None
    log = []
    for line in proc.stderr:
        log.append(line)
        m = re.search(r"HTTP server listening on .* \(port (\d+)\)", line)
        if m:
            port = int(m.group(1))
        if "odziv started on" in line:
            break
    assert port, f"daemon did not start: {''.join(log)}"
    lock = threading.Condition()  # notified for every log line, so the test waits on lines, not on time

    def read_log():
        for line in proc.stderr:
            with lock:
                log.append(line)
                lock.notify_all()

    threading.Thread(target=read_log, daemon=True).start()
    try:
        cursor_before = ws.query("SELECT cursor FROM sources WHERE name = 'shop'")

        # Refusals: each with its status and reason, nothing stored.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        good = body_for(-1)
        cases = [
            ("missing signature", "/webhooks/shop", good, None, 401, "missing"),
            ("forged signature", "/webhooks/shop", good, "t=%d,v1=%s" % (time.time(), "0" * 64), 401, "does not match"),
            ("wrong secret", "/webhooks/shop", good, sign(good, "another-secret"), 401, "does not match"),
            ("altered body", "/webhooks/shop", good.replace(b"-1", b"-2"), sign(good), 401, "does not match"),
            ("replayed (old timestamp)", "/webhooks/shop", good, sign(good, t=int(time.time()) - 600), 401,
             "more than"),
            ("malformed body", "/webhooks/shop", b'{"posts": [{"text": "no id"}]}',
             sign(b'{"posts": [{"text": "no id"}]}'), 400, "'id'"),
            ("not JSON", "/webhooks/shop", b"posts", sign(b"posts"), 400, "not JSON"),
            ("unknown source", "/webhooks/nope", good, sign(good), 404, "no such source"),
            ("source without a secret", "/webhooks/plain", good, sign(good), 404, "'secret'"),
        ]
        for name, path, body, signature, status, reason in cases:
            got, text = post(conn, path, body, signature)
            assert got == status and reason in text, f"{name}: expected {status} with '{reason}', got {got} {text}"
        assert ws.query("SELECT count(*) FROM posts")[0][0] == 0, "a refused push stored something"
        def refused():
            return [l for l in log if "webhooks" in l and "refused" in l]

        # The answer can reach the test before the daemon's log line does: wait for the lines themselves.
        with lock:
            lock.wait_for(lambda: len(refused()) >= len(cases), timeout=60)
            refusals = refused()
        assert len(refusals) == len(cases), f"expected {len(cases)} refusal log lines, got {len(refusals)}"
        assert not any(SECRET in l for l in log), "the secret reached the log"

        # The burst: every connection sends its share, one request at a time, as fast as answers come.
        failures = []
        stored = [0] * CONNECTIONS

        def sender(k):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            for i in range(k, PUSHES, CONNECTIONS):
                body = body_for(i)
                status, text = post(c, "/webhooks/shop", body, sign(body))
                if status != 200:
                    failures.append((i, status, text))
                    return
                stored[k] += json.loads(text)["stored"]
            c.close()

        threads = [threading.Thread(target=sender, args=(k,)) for k in range(CONNECTIONS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        assert not failures, f"pushes refused: {failures[:3]}"
        assert sum(stored) == PUSHES, f"answers say {sum(stored)} stored, not {PUSHES}"
        rows = ws.query("SELECT count(*), count(DISTINCT external_id) FROM posts WHERE platform = 'webhook'")[0]
        assert rows == (PUSHES, PUSHES), f"expected {PUSHES} distinct posts, found {rows}"
        print(f"burst: {PUSHES} pushes over {CONNECTIONS} connections in {elapsed:.2f} s = "
              f"{PUSHES / elapsed:.0f} pushes/s, all stored once")

        # A replay within the tolerance passes the signature but stores nothing new.
        replay = body_for(1234)
        status, text = post(conn, "/webhooks/shop", replay, sign(replay))
        assert status == 200 and json.loads(text)["stored"] == 0, f"replay: {status} {text}"
        assert ws.query("SELECT count(*) FROM posts")[0][0] == PUSHES, "a replay stored a duplicate"
        assert ws.query("SELECT cursor FROM sources WHERE name = 'shop'") == cursor_before, "a push moved the cursor"
        conn.close()
    finally:
        proc.terminate()
        code = proc.wait(timeout=60)
    assert code == 0, f"daemon exited {code}"
    print("webhook pushes: refusals, burst, replay and cursor all as expected")


if __name__ == "__main__":
    main()
