#!/usr/bin/env python3
"""The daemon is killed with SIGKILL at random moments, fifty times, while every stage works at once: it
ingests posts from the fake platform, a person approves drafts over the API, approved replies are posted to
the fake platform, and SLA alerts are sent to a local webhook receiver. Afterwards:

- every post is stored exactly once;
- every approved reply is on the platform exactly once, and its delivery is recorded as sent (X can be asked
  whether a reply exists, so a delivery cut off mid-request is looked up before it is sent again);
- every alert of the outbox reached the receiver, and a kill repeats at most one (same dedup key);
- SQLite's integrity check passes.

Each round starts the daemon and arms one trigger, chosen at random among the stages that have work left:
the n-th request for posts reaching the fake platform, the n-th reply (or reply lookup) reaching it, the n-th
alert reaching the receiver, the n-th approval the test sends, or the n-th log line. The trigger kills the
daemon after a random delay of up to 30 ms, so the kill lands before, during or after the daemon's own work
on that event. Nothing waits on a timed sleep.

usage: crash_loop_test.py ODZIV [SEED]"""

import http.client
import http.server
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Daemon, Workspace  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "fake_platform"))
import fake_platform  # noqa: E402

KILLS = 50
FIRST_POSTS = 8       # on the platform before the first start; each round adds one more
SEARCH = "/2/tweets/search/recent"
KILL_DELAY_S = 0.03   # the longest random delay between a trigger's event and the kill
FOUND = re.compile(r"replies: \d+ posted, (\d+) found already posted")


class Trigger:
    """Kills the armed daemon on the n-th event of one kind."""

    def __init__(self):
        self.lock = threading.Lock()
        self.kind = None

    def arm(self, proc, kind, n, delay):
        with self.lock:
            self.proc, self.kind, self.n, self.delay, self.seen = proc, kind, n, delay, 0

    def disarm(self):
        with self.lock:
            self.kind = None

    def event(self, kind):
        with self.lock:
            if kind != self.kind:
                return
            self.seen += 1
            if self.seen < self.n:
                return
            self.kind = None
            proc, delay = self.proc, self.delay
        threading.Timer(delay, lambda: proc.send_signal(signal.SIGKILL)).start()


class Platform:
    """The fake platform, in this process so that a request reaching it can fire the trigger."""

    def __init__(self, trigger):
        state = fake_platform.State(os.path.join(ROOT, "tests", "data"))

        class Handler(fake_platform.Handler):
            def handle_any(self):
                if not self.path.startswith("/_fake/"):
                    if self.command == "POST" or "in_reply_to_tweet_id" in urllib.parse.unquote_plus(self.path):
                        trigger.event("reply")
                    elif self.command == "GET":
                        trigger.event("ingest")
                super().handle_any()

        self.state = state
        self.httpd = fake_platform.Server(("127.0.0.1", 0), Handler)
        self.httpd.state = state
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def control(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method="GET" if body is None else "POST",
                                         headers={"Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request, timeout=60).read() or b"null")

    def set_total(self, total):
        with self.state.lock:
            self.state.synthetic[SEARCH].total = total


class AlertReceiver:
    """A webhook receiver on loopback: keeps the dedup key of every alert, and the round it arrived in."""

    def __init__(self, trigger):
        self.received = []  # (round, dedup key)
        self.mismatched = []  # Idempotency-Key headers that differ from the body's dedup_key
        self.round = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                key = self.headers.get("Idempotency-Key")
                if key != json.loads(body).get("dedup_key"):
                    receiver.mismatched.append(key)
                receiver.received.append((receiver.round, key))
                trigger.event("alert")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


class Approver:
    """Approves every pending draft over the API, one request at a time, whenever the daemon queues drafts."""

    def __init__(self, ws, token, trigger):
        self.ws, self.token, self.trigger = ws, token, trigger
        self.unexpected = []  # answers other than success, "not pending any more" or a dead daemon

    def prepare(self, budget=None):
        """Before the daemon starts: its first log lines may come before `start`. `budget`: how many drafts
        to approve while this daemon runs (None: all), so that some wait for the next one."""
        self.port, self.wake, self.done, self.budget = None, threading.Event(), threading.Event(), budget

    def start(self, daemon):
        self.daemon = daemon
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def on_line(self, line):
        listening = re.search(r"HTTP server listening on \S+ \(port (\d+)\)", line)
        if listening:
            self.port = int(listening.group(1))
        if listening or "drafts queued" in line:
            self.wake.set()

    def stop(self):
        self.done.set()
        self.wake.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the approver is stuck"

    def _run(self):
        while True:
            self.wake.wait()
            self.wake.clear()
            if self.done.is_set():
                return
            if self.port is None:
                continue
            for draft_id, version in self.ws.query("SELECT id, version FROM drafts WHERE status = 'pending' "
                                                   "ORDER BY id"):
                if self.done.is_set() or self.daemon.proc.poll() is not None or self.budget == 0:
                    return
                if self.budget is not None:
                    self.budget -= 1
                self.trigger.event("approve")
                request = urllib.request.Request(
                    f"http://127.0.0.1:{self.port}/api/v1/drafts/{draft_id}/approve",
                    data=json.dumps({"version": version}).encode(), method="POST",
                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
                try:
                    urllib.request.urlopen(request, timeout=60).read()
                except urllib.error.HTTPError as e:
                    if e.code != 409:  # 409: approved already, by the request a kill cut short
                        self.unexpected.append((draft_id, e.code, e.read()[:200]))
                except (urllib.error.URLError, ConnectionError, http.client.HTTPException) as e:
                    try:
                        self.daemon.proc.wait(timeout=120)  # the kill that cut the request short
                    except subprocess.TimeoutExpired:
                        self.unexpected.append((draft_id, "no answer from a live daemon", str(e)))
                    return


def outstanding(ws, now):
    """The work left for each stage, from the database: what a trigger of that kind can wait for."""
    (pending,) = ws.query("SELECT count(*) FROM drafts WHERE status = 'pending'")[0]
    (deliveries,) = ws.query("SELECT count(*) FROM deliveries WHERE status != 'sent' AND status != 'failed' AND "
                             "(next_attempt_at IS NULL OR next_attempt_at <= ?)", now)[0]
    (alerts,) = ws.query("SELECT count(*) FROM alerts WHERE status = 'pending' AND "
                         "(next_attempt_at IS NULL OR next_attempt_at <= ?)", now)[0]
    return {"approve": pending, "reply": deliveries, "alert": alerts}


def work_left(ws, total):
    """What is not done yet, by stage (empty when everything is)."""
    left = {
        "posts not stored": total - ws.query("SELECT count(*) FROM posts")[0][0],
        # The brand's own posts are not judged (the feed has a few).
        "posts not judged": ws.query("SELECT count(*) FROM posts p WHERE from_brand = 0 AND NOT EXISTS "
                                     "(SELECT 1 FROM assessments a WHERE a.post_id = p.id)")[0][0],
        "cases not answered": ws.query("SELECT count(*) FROM cases WHERE status IN "
                                       "('open', 'awaiting_approval')")[0][0],
        "deliveries not sent": ws.query("SELECT count(*) FROM deliveries WHERE status != 'sent'")[0][0],
        "alerts not sent": ws.query("SELECT count(*) FROM alerts WHERE status = 'pending'")[0][0],
    }
    return {k: n for k, n in left.items() if n > 0}


def main():
    ws = Workspace(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"seed {seed} (run again with: crash_loop_test.py ODZIV {seed})", flush=True)
    trigger = Trigger()
    platform = Platform(trigger)
    receiver = AlertReceiver(trigger)
    total = FIRST_POSTS
    platform.control("/_fake/synthetic", {"platform": "x", "path": SEARCH, "rate_per_second": 100, "seed": seed,
                                          "start_epoch": time.time() - 3600, "total": total})
    platform.control("/_fake/replies", {"platform": "x", "brand_handle": "zrno", "brand_user_id": "99"})

    os.environ["ODZIV_FAKE_TOKEN"] = "fake-token-for-tests"
    os.environ["CRASH_HOOK_SECRET"] = "hook-secret-for-tests"
    # Every post opens a case needing an answer; the posts are an hour old, so a five-minute SLA has passed
    # both steps of the ladder the moment a case opens: two alerts per case, on two webhook routes.
    hook = {"type": "webhook", "secret": "env:CRASH_HOOK_SECRET"}
    settings = {"triage": {"answer_labels": ["neg", "neu", "pos"]},
                "sla": {"policies": [{"name": "all", "minutes": 5, "clock": "always"}],
                        "escalation": [{"at": 0.5, "route": "team"}, {"at": 1.0, "route": "manager"}]},
                "routes": {"team": {**hook, "url": receiver.url + "/team"},
                           "manager": {**hook, "url": receiver.url + "/manager"}}}
    ws.run("brand", "add", "zrno", "--name", "Zrno", "--settings", json.dumps(settings))
    ws.run("user", "add", "ana", "--name", "Ana", "--brand", "zrno:agent")
    token = ws.run("user", "token", "ana", "--name", "crash-loop").stdout.splitlines()[0].strip()
    ws.run("source", "add", "zrno-x", "--brand", "zrno", "--platform", "x", "--interval", "1",
           "--set", f"base_url={platform.url}", "--set", "token=env:ODZIV_FAKE_TOKEN", "--set", "query=zrno",
           "--set", "brand_handle=zrno", "--set", "user_id=99")
    approver = Approver(ws, token, trigger)
    daemon_args = ("--scheduler.jitter", "0", "--scheduler.first-backoff", "1")

    kills = {}
    found_posted = 0  # replies a kill cut off after the platform took them, found there instead of sent again
    post_counts = []
    started = time.monotonic()
    for kill in range(KILLS):
        total += 1
        platform.set_total(total)
        work = outstanding(ws, int(time.time() * 1000))
        kinds = ["ingest", "log"] + [k for k, n in work.items() if n > 0]
        kind = rng.choice(kinds)
        never = [k for k in kinds if k not in kills]
        if never and KILLS - kill <= 10:  # the last rounds make sure every stage was hit at least once
            kind = never[0]
        most = {"ingest": 2, "log": 6}.get(kind) or min(3, work[kind])
        n, delay = rng.randint(1, most), rng.uniform(0, KILL_DELAY_S)
        budget = rng.randint(1, 3)
        if kind == "approve":
            budget = max(budget, n)
        line_trigger = (lambda line: trigger.event("log")) if kind == "log" else None
        receiver.round = kill

        def on_line(line, line_trigger=line_trigger):
            approver.on_line(line)
            if line_trigger:
                line_trigger(line)

        approver.prepare(budget)
        daemon = Daemon(ws, *daemon_args, on_line=on_line)
        trigger.arm(daemon.proc, kind, n, delay)
        approver.start(daemon)
        try:
            status = daemon.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            daemon.kill()
            raise AssertionError(f"round {kill}: no {kind} event #{n} within 120 s; work left {work}; "
                                 f"last lines: {daemon.log[-5:]}")
        trigger.disarm()
        approver.stop()
        assert status == -signal.SIGKILL, f"round {kill}: the daemon exited {status}: {daemon.log[-5:]}"
        kills[kind] = kills.get(kind, 0) + 1
        found_posted += sum(int(m.group(1)) for m in map(FOUND.search, daemon.log) if m)
        post_counts.append(ws.query("SELECT count(*) FROM posts")[0][0])
    print(f"{KILLS} kills in {time.monotonic() - started:.0f} s, by trigger: {kills}; {found_posted} replies found "
          f"already posted after a kill", flush=True)
    assert post_counts == sorted(post_counts), f"a restart lost posts: {post_counts}"
    assert set(kills) == {"ingest", "log", "approve", "reply", "alert"}, f"a stage was never hit: {kills}"

    # Without kills, everything left gets done.
    receiver.round = KILLS
    approver.prepare()
    daemon = Daemon(ws, *daemon_args, on_line=approver.on_line)
    approver.start(daemon)
    while left := work_left(ws, total):
        try:
            daemon.expect(r".")
        except AssertionError as e:
            cases = ws.query("SELECT c.id, c.status, d.status, v.status, v.last_error FROM cases c "
                             "LEFT JOIN drafts d ON d.case_id = c.id LEFT JOIN deliveries v ON v.draft_id = d.id "
                             "WHERE c.status IN ('open', 'awaiting_approval') OR v.status != 'sent'")
            raise AssertionError(f"{e}\nwork left: {left}; cases, drafts, deliveries: {cases[:10]}")
    approver.stop()
    daemon.stop()
    assert not approver.unexpected, f"unexpected answers to approvals: {approver.unexpected[:5]}"

    # Posts: each served post stored once.
    feed = platform.state.synthetic[SEARCH]
    served = {str(feed.base_id + n) for n in range(total)}
    rows = ws.query("SELECT external_id, count(*) FROM posts GROUP BY external_id")
    stored = {external_id: count for external_id, count in rows}
    assert served <= set(stored), f"lost posts: {sorted(served - set(stored))[:5]}"
    assert all(count == 1 for count in stored.values()), f"stored twice: {[k for k, c in stored.items() if c > 1]}"

    # Replies: each approved draft answered once on the platform, and recorded.
    replies = [r for r in platform.control("/_fake/replies") if r["platform"] == "x"]
    answered = [r["in_reply_to"] for r in replies]
    twice = sorted({a for a in answered if answered.count(a) > 1})
    assert not twice, f"posted twice: replies to {twice}"
    rows = ws.query("SELECT v.status, v.reply_external_id, p.external_id FROM deliveries v "
                    "JOIN drafts d ON d.id = v.draft_id JOIN posts p ON p.id = d.post_id")
    assert rows, "no reply was approved: the test proved nothing"
    assert sorted(answered) == sorted(r[2] for r in rows), \
        f"{len(replies)} replies on the platform for {len(rows)} deliveries"
    reply_ids = {r["id"] for r in replies}
    for status, reply_id, _ in rows:
        assert status == "sent" and reply_id in reply_ids, (status, reply_id)
    (drafts_twice,) = ws.query("SELECT count(*) FROM (SELECT draft_id FROM deliveries GROUP BY draft_id "
                               "HAVING count(*) > 1)")[0]
    assert drafts_twice == 0, f"{drafts_twice} drafts have two deliveries"

    # Alerts: every one the outbox holds reached the receiver; each kill repeats at most one.
    outbox = dict(ws.query("SELECT dedup_key, status FROM alerts"))
    assert outbox, "no alert was written: the test proved nothing"
    assert set(outbox.values()) == {"sent"}, f"alert statuses: {sorted(set(outbox.values()))}"
    assert not receiver.mismatched, f"Idempotency-Key is not the dedup key: {receiver.mismatched[:3]}"
    keys = [key for _, key in receiver.received]
    assert set(keys) == set(outbox), f"lost alerts: {sorted(set(outbox) - set(keys))[:5]}, " \
                                     f"unknown: {sorted(set(keys) - set(outbox))[:5]}"
    seen, repeats = set(), {}
    for round_, key in receiver.received:
        if key in seen:
            repeats[round_] = repeats.get(round_, 0) + 1
        seen.add(key)
    # Each kill leaves at most one alert received but not recorded, repeated in a later round: by the start of
    # round k there were k kills, so at most k repeats.
    for round_ in sorted(repeats):
        so_far = sum(n for r, n in repeats.items() if r <= round_)
        assert so_far <= round_, f"{so_far} alerts repeated after {round_} kills: {repeats}"

    (integrity,) = ws.query("PRAGMA integrity_check")[0]
    assert integrity == "ok", integrity
    print(f"ok: {KILLS} kills; {len(stored)} posts stored once each; {len(replies)} approved replies posted once "
          f"each; {len(outbox)} alerts, none lost, {sum(repeats.values())} repeated; integrity ok")


if __name__ == "__main__":
    main()
