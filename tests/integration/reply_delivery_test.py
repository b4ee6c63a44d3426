#!/usr/bin/env python3
"""Approved replies are posted exactly once, even when the daemon is killed between "the platform accepted
the reply" and "odziv recorded it".

The fake platform server serves a search of X with twelve posts and keeps the replies posted to it. The daemon
polls, opens cases and drafts; a person approves every draft with `odziv queue approve`. Then, ten times, the
daemon is started while the server holds back its answer to the next reply it receives (the reply is stored,
the answer never comes), and killed with SIGKILL as soon as the reply reaches the server. Finally the daemon
runs without faults until every delivery is recorded. The server must have exactly one reply per approved
draft, every delivery must be `sent` with the reply's id, and SQLite's integrity check must pass.

usage: reply_delivery_test.py ODZIV"""

import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Daemon, Workspace  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POSTS = 12
CRASHES = 10


def call(fake, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(fake + path, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=90).read() or b"null")


def main():
    ws = Workspace(sys.argv[1])
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests/fake_platform/fake_platform.py")],
                              stdout=subprocess.PIPE, text=True)
    daemon = None
    try:
        ready = server.stdout.readline().split()
        assert ready and ready[0] == "READY", f"fake server said {ready!r}"
        fake = ready[1]
        call(fake, "/_fake/synthetic", {"platform": "x", "path": "/2/tweets/search/recent", "rate_per_second": 100,
                                        "seed": 7, "start_epoch": time.time() - 3600, "total": POSTS})
        call(fake, "/_fake/replies", {"platform": "x", "brand_handle": "zrno", "brand_user_id": "99"})

        os.environ["ODZIV_FAKE_TOKEN"] = "fake-token-for-tests"
        # Every post needs an answer, so that each of the twelve opens a case.
        ws.run("brand", "add", "zrno", "--name", "Zrno", "--settings",
               json.dumps({"triage": {"answer_labels": ["neg", "neu", "pos"]}}))
        ws.run("user", "add", "ana", "--name", "Ana", "--brand", "zrno:agent")
        ws.run("source", "add", "zrno-x", "--brand", "zrno", "--platform", "x", "--set", f"base_url={fake}",
               "--set", "token=env:ODZIV_FAKE_TOKEN", "--set", "query=zrno", "--set", "brand_handle=zrno",
               "--set", "user_id=99")

        # Poll, judge, open cases and draft.
        daemon = Daemon(ws)
        queued = 0
        while queued < POSTS:
            queued += int(daemon.expect(r"(\d+) drafts queued").group(1))
        daemon.stop()
        daemon = None
        drafts = json.loads(ws.run("queue", "list", "--json").stdout)["drafts"]
        assert len(drafts) == POSTS, f"{len(drafts)} drafts for {POSTS} posts"

        for draft in drafts:
            ws.run("queue", "approve", str(draft["id"]), "--as", "ana")
        approved = {str(d["post"]["external_id"]) for d in drafts}
        assert len(approved) == POSTS

        # Each round: the server stores the next reply and never answers; the daemon dies at that moment.
        call(fake, "/_fake/fault", {"kind": "store_then_stall", "path": "/2/tweets", "method": "POST",
                                    "times": CRASHES})
        for crash in range(CRASHES):
            daemon = Daemon(ws)
            got = call(fake, f"/_fake/replies?at_least={crash + 1}")
            assert len(got) == crash + 1, f"crash {crash + 1}: {len(got)} replies on the server"
            daemon.kill()
            daemon = None
        call(fake, "/_fake/release", {})

        # Without faults, every delivery gets recorded.
        daemon = Daemon(ws)
        sent = lambda: ws.query("SELECT count(*) FROM deliveries WHERE status = 'sent'")[0][0]  # noqa: E731
        while sent() < POSTS:
            daemon.expect(r"replies: \d+ posted, \d+ found already posted")
        daemon.stop()
        daemon = None

        replies = [r for r in call(fake, "/_fake/replies") if r["platform"] == "x"]
        answered = [r["in_reply_to"] for r in replies]
        duplicates = sorted({a for a in answered if answered.count(a) > 1})
        assert not duplicates, f"posted twice: replies to {duplicates}"
        assert set(answered) == approved, f"replies to {sorted(set(answered))}, approved {sorted(approved)}"
        rows = ws.query("SELECT v.status, v.reply_external_id, d.status FROM deliveries v JOIN drafts d "
                        "ON d.id = v.draft_id")
        assert len(rows) == POSTS, f"{len(rows)} deliveries for {POSTS} approvals"
        reply_ids = {r["id"] for r in replies}
        for status, reply_id, draft_status in rows:
            assert status == "sent" and draft_status == "sent", (status, draft_status)
            assert reply_id in reply_ids, f"recorded reply {reply_id} is not on the platform"
        found = ws.query("SELECT count(*) FROM audit_events WHERE action = 'delivery.sent'")[0][0]
        assert found == POSTS, f"{found} delivery.sent events"
        assert ws.query("PRAGMA integrity_check")[0][0] == "ok"
        cases = ws.query("SELECT count(*) FROM cases WHERE status IN ('replied', 'confirmed')")[0][0]
        assert cases == POSTS, f"{cases} cases replied of {POSTS}"
        print(f"ok: {POSTS} approved replies, {CRASHES} kills between sending and recording, "
              f"{len(replies)} replies on the platform, none twice")
    finally:
        if daemon is not None:
            daemon.kill()
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
