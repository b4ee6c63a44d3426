#!/usr/bin/env python3
"""The daemon, built with AddressSanitizer and LeakSanitizer (as scripts/test builds it), ingests a burst of
posts, answers the API and posts approved replies, then stops on SIGTERM; LeakSanitizer checks the whole
heap at that exit, so any leak makes the exit status non-zero and the test fail.

A replay source serves 1,000 posts (English and BCS, Latin and Cyrillic, emoji, markup), 200 a second;
every post needs an answer, so the daemon opens a case for each and queues drafts. Then an agent reads
every page of the queue through the API and approves 20 drafts, whose replies the daemon posts (the replay
platform simulates posting).

usage: leak_check_test.py ODZIV"""

import json
import os
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Daemon, Workspace  # noqa: E402

POSTS = 1000
APPROVALS = 20


def call(base, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=data, method="GET" if body is None else "POST",
                                     headers=headers)
    return json.loads(urllib.request.urlopen(request, timeout=90).read() or b"null")


def main():
    odziv = sys.argv[1]
    # g++ links AddressSanitizer's runtime as a shared library.
    sanitized = "libasan" in subprocess.run(["ldd", odziv], capture_output=True, text=True).stdout
    if not sanitized:
        print("note: this odziv is not built with AddressSanitizer: the run checks the exit status only")
    # LeakSanitizer on, whatever the caller's environment says.
    os.environ["ASAN_OPTIONS"] = ":".join(
        [o for o in os.environ.get("ASAN_OPTIONS", "").split(":") if o and not o.startswith("detect_leaks=")] +
        ["detect_leaks=1"])
    ws = Workspace(odziv)
    texts = ["narudžba kasni već tri dana, niko se ne javlja 😡", "Great coffee, thanks! ☕", "ХИТНО: поврат новца?",
             "cekam povrat novca, otkazujem pretplatu", "is the app down? can't log in", "<script>alert(1)</script>"]
    path = os.path.join(ws.dir, "posts.jsonl")
    with open(path, "w") as f:
        for i in range(POSTS):
            f.write(json.dumps({"id": f"p{i}", "text": f"{texts[i % len(texts)]} #{i}",
                                "author": {"id": f"a{i}", "handle": f"@customer{i}", "reach": i}}) + "\n")
    ws.run("brand", "add", "zrno", "--name", "Zrno", "--settings",
           json.dumps({"triage": {"answer_labels": ["neg", "neu", "pos"]}}))
    ws.run("source", "add", "zrno-replay", "--brand", "zrno", "--platform", "replay", "--interval", "1",
           "--set", f"file={path}", "--set", "batch=200")
    ws.run("user", "add", "ana", "--name", "Ana", "--brand", "zrno:agent")
    token = ws.run("user", "token", "ana", "--name", "leaks").stdout.splitlines()[0].strip()
    daemon = None
    try:
        daemon = Daemon(ws)
        api = f"http://127.0.0.1:{daemon.port()}"
        judged = 0
        while judged < POSTS:
            match = daemon.expect(r"(\d+) posts judged, .* (\d+) drafts queued")
            judged += int(match.group(1))
        # Drafting goes on, batch after batch, after the last post is judged: wait for every case's draft.
        undrafted = lambda: ws.query("SELECT count(*) FROM cases c WHERE NOT EXISTS "  # noqa: E731
                                     "(SELECT 1 FROM drafts d WHERE d.case_id = c.id)")[0][0]
        while undrafted() > 0:
            daemon.expect(r"[1-9]\d* drafts queued")
        queued = ws.query("SELECT count(*) FROM drafts WHERE status = 'pending'")[0][0]

        items, cursor = [], None
        while True:
            page = call(api, "/api/v1/queue?limit=100" + (f"&cursor={cursor}" if cursor else ""), token=token)
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(items) == queued, f"{len(items)} queue items, {queued} drafts queued"
        for draft in [item["draft"] for item in items[:APPROVALS]]:
            answer = call(api, f"/api/v1/drafts/{draft['id']}/approve", {"version": draft["version"]}, token=token)
            assert answer["draft"]["status"] == "approved", answer
        sent = lambda: ws.query("SELECT count(*) FROM deliveries WHERE status = 'sent'")[0][0]  # noqa: E731
        while sent() < APPROVALS:
            daemon.expect(r"replies: [1-9]\d* posted")
        daemon.stop()  # exit status 0: LeakSanitizer found nothing
        daemon = None
        assert ws.query("SELECT count(*) FROM posts")[0][0] == POSTS
        print(f"ok: {POSTS} posts ingested, {len(items)} queue items read, {APPROVALS} replies posted; "
              f"{'LeakSanitizer found no leak' if sanitized else 'exit status 0'}")
    finally:
        if daemon is not None:
            daemon.kill()


if __name__ == "__main__":
    main()
