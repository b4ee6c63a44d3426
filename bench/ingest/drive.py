#!/usr/bin/env python3
"""bench/ingest/drive.py: one end-to-end ingest run of `odziv run`, started by bench/ingest/run.

Brands and their sources are written with `odziv config import` into a new database; each source polls its own
synthetic feed on one of the fake platform servers (tests/fake_platform); every brand's alert route is a Slack
route whose webhook URL points at a receiver in this process. The feeds start a few seconds after the daemon
and publish `posts` posts in all at `rate` posts per second; the run ends when every post is judged and every
case's alert has arrived (or a deadline passes). Prints one JSON object of figures on stdout; progress on
stderr. Everything it starts is stopped when it ends.
"""

import argparse
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import urllib.request

PLATFORM_PATHS = {"x": "/2/tweets/search/recent", "mastodon": "/api/v1/notifications", "rss": "/feed.rss"}
BASE_IDS = {"x": 1900000000000000000, "mastodon": 110000000000000000, "rss": 120000000000000000}
BRAND_ID_SPAN = 10_000_000_000  # each brand's ids: base + brand * span …


def say(*parts):
    print("bench/ingest:", *parts, file=sys.stderr, flush=True)


class Receiver(ThreadingHTTPServer):
    """Stands in for Slack: answers `ok` and keeps (time received, body) of every message."""
    daemon_threads = True

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), ReceiverHandler)


class ReceiverHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        at = time.time()
        with self.server.lock:
            self.server.messages.append((at, body))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def control(base, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def proc_status(pid, key):
    """A VmHWM-style line of /proc/PID/status, in MB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def crossing(timeline, column, mark):
    """When timeline[column] reached `mark`, interpolated between samples; None if it never did."""
    previous = None
    for point in timeline:
        if point[column] >= mark:
            if previous is None or point[column] == previous[column]:
                return point[0]
            share = (mark - previous[column]) / float(point[column] - previous[column])
            return previous[0] + share * (point[0] - previous[0])
        previous = point
    return None


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, int(round(p / 100.0 * (len(ordered) - 1)))))
    return ordered[k]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--odziv", required=True)
    parser.add_argument("--fake", required=True, help="tests/fake_platform/fake_platform.py")
    parser.add_argument("--work", required=True)
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--brands", type=int, default=100)
    parser.add_argument("--rate", type=float, default=1000.0, help="posts per second, all brands together")
    parser.add_argument("--interval", type=int, default=1, help="poll interval of every source, seconds")
    parser.add_argument("--platforms", default="x,mastodon,rss")
    parser.add_argument("--fakes", type=int, default=2, help="fake platform server processes")
    parser.add_argument("--negative", type=float, default=0.3, help="share of posts that are complaints")
    parser.add_argument("--authors", type=int, default=100000, help="different authors per feed")
    parser.add_argument("--polls", type=int, default=4, help="scheduler.max-concurrent-polls")
    parser.add_argument("--lead", type=float, default=4.0, help="seconds between the daemon's start and the first post")
    parser.add_argument("--drain", type=float, default=60.0, help="seconds to wait after the last post for the rest")
    args = parser.parse_args()

    platforms = args.platforms.split(",")
    for p in platforms:
        if p not in PLATFORM_PATHS:
            sys.exit("bench/ingest: unknown platform %r (x, mastodon, rss)" % p)
    db = os.path.join(args.work, "odziv.db")
    children = []

    def stop_all():
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in reversed(children):
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    try:
        # Fake platform servers.
        fakes = []
        for i in range(args.fakes):
            child = subprocess.Popen([sys.executable, args.fake], stdout=subprocess.PIPE, text=True)
            children.append(child)
            line = child.stdout.readline().strip()
            if not line.startswith("READY "):
                sys.exit("bench/ingest: fake platform server %d did not start" % i)
            fakes.append(line.split()[1])
            control(fakes[-1], "/_fake/gzip", {"enabled": False})  # the fake server's CPU is not what is measured

        receiver = Receiver()
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        slack_url = "http://127.0.0.1:%d/slack" % receiver.server_address[1]

        # Brands, each with one source on its own feed, and a Slack route told of every case when it opens
        # ("new_case" with every priority), without throttling, digests or quiet hours.
        per_brand = args.posts // args.brands
        extra = args.posts - per_brand * args.brands
        rate_per_brand = args.rate / args.brands
        feeds = []
        brands = []
        for b in range(args.brands):
            platform = platforms[b % len(platforms)]
            total = per_brand + (1 if b < extra else 0)
            fake = fakes[b % len(fakes)]
            prefix = "/b%d" % b
            base_id = BASE_IDS[platform] + b * BRAND_ID_SPAN
            settings = {"token": "env:ODZIV_BENCH_TOKEN"}
            if platform == "x":
                settings.update({"base_url": fake + prefix, "query": "brand%d" % b})
            elif platform == "mastodon":
                settings.update({"base_url": fake + prefix})
            else:
                limit = max(100, int(rate_per_brand * args.interval * 10))  # room for late polls
                settings = {"url": "%s%s%s?limit=%d" % (fake, prefix, PLATFORM_PATHS["rss"], limit)}
            brand_settings = {
                "routes": {"team": {"type": "slack", "webhook_url": "env:ODZIV_BENCH_SLACK"}},
                "new_case": {"route": "team", "max_priority": 4},
            }
            brands.append({"slug": "brand%d" % b, "name": "Brand %d" % b, "timezone": "UTC",
                           "settings": brand_settings,
                           "sources": [{"name": "brand%d-%s" % (b, platform), "platform": platform,
                                        "settings": settings, "poll_interval_s": args.interval, "paused": False}]})
            feeds.append({"brand": b, "name": "Brand %d" % b, "platform": platform, "fake": fake,
                          "path": prefix + PLATFORM_PATHS[platform], "base_id": base_id, "total": total})
        config_file = os.path.join(args.work, "config.json")
        with open(config_file, "w") as f:
            json.dump({"odziv_config": 1, "brands": brands}, f)
        imported = subprocess.run([args.odziv, "config", "import", config_file, "--db", db], capture_output=True,
                                  text=True)
        if imported.returncode != 0:
            sys.exit("bench/ingest: odziv config import failed: " + imported.stderr.strip())

        # First each feed holds one post, so that every source's first poll (which takes only the newest page,
        # as on the real platforms) sets its cursor; the measured stream starts once every source has one.
        def feed_args(feed, start, total):
            return {"platform": feed["platform"], "path": feed["path"], "rate_per_second": rate_per_brand,
                    "seed": feed["brand"] + 1, "start_epoch": start, "total": total, "base_id": feed["base_id"],
                    "authors": args.authors, "negative": args.negative}
        warm = time.time() - 1
        for feed in feeds:
            control(feed["fake"], "/_fake/synthetic", feed_args(feed, warm, 1))
        env = dict(os.environ, ODZIV_BENCH_TOKEN="bench", ODZIV_BENCH_SLACK=slack_url)
        log = open(os.path.join(args.work, "odziv.log"), "w")
        daemon = subprocess.Popen([args.odziv, "run", "--db", db, "--http.listen", "off",
                                   "--log-level", os.environ.get("ODZIV_BENCH_LOG", "warn"),
                                   "--scheduler.max-concurrent-polls", str(args.polls), "--scheduler.jitter", "0"],
                                  stdout=log, stderr=subprocess.STDOUT, env=env)
        children.append(daemon)

        watch = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
        warm_deadline = time.time() + 120
        while True:
            try:
                ready = watch.execute("SELECT count(DISTINCT source_id) FROM posts").fetchone()[0]
            except sqlite3.OperationalError:
                ready = 0  # the daemon is still creating the schema
            if ready >= len(feeds):
                break
            if time.time() > warm_deadline or daemon.poll() is not None:
                sys.exit("bench/ingest: only %d of %d sources polled their first post" % (ready, len(feeds)))
            time.sleep(0.2)
        warm_posts = len(feeds)
        start = time.time() + args.lead
        for feed in feeds:  # item 0 is the first post again (same id, already stored); the stream is 1 …
            control(feed["fake"], "/_fake/synthetic", feed_args(feed, start - 1.0 / rate_per_brand, feed["total"] + 1))
        last_created = max(start + (f["total"] - 1) / rate_per_brand for f in feeds if f["total"] > 0)
        say("%d posts for %d brands on %s at %.0f posts/s, polled every %d s; first post in %.0f s, last in %.0f s"
            % (args.posts, args.brands, ",".join(platforms), args.rate, args.interval, args.lead,
               last_created - time.time()))

        # Watch the database (read-only) until everything is judged and every case's alert has arrived.
        expected = args.posts + warm_posts
        timeline = []  # (time, posts stored, posts judged, daemon cpu seconds)
        deadline = last_created + args.drain
        stored = judged = 0
        all_judged_at = all_stored_at = None
        while time.time() < deadline:
            if daemon.poll() is not None:
                sys.exit("bench/ingest: odziv run exited with status %d; see its log" % daemon.returncode)
            # The newest ids are the counts: a new database, posts never edited, each judged once.
            stored = watch.execute("SELECT coalesce(max(id), 0) FROM posts").fetchone()[0]
            judged = watch.execute("SELECT coalesce(max(id), 0) FROM assessments").fetchone()[0]
            now = time.time()
            timeline.append((now, stored, judged, cpu_seconds(daemon.pid)))
            if stored >= expected and all_stored_at is None:
                all_stored_at = now
            if judged >= expected and all_judged_at is None:
                all_judged_at = now
            if all_judged_at is not None:
                alerts = watch.execute("SELECT coalesce(max(id), 0) FROM alerts").fetchone()[0]
                with receiver.lock:
                    received = len(receiver.messages)
                cases = watch.execute("SELECT coalesce(max(id), 0) FROM cases").fetchone()[0]
                if received >= cases and alerts >= cases and cases > 0:
                    break
            time.sleep(0.25)
        peak_mb = proc_status(daemon.pid, "VmHWM")
        rss_mb = proc_status(daemon.pid, "VmRSS")
        cpu = cpu_seconds(daemon.pid)
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=30)
        children.remove(daemon)

        # Each alert quotes its case's first post: brand name (header), author and platform (quote).
        case_rows = watch.execute(
            "SELECT c.id, b.name, p.platform, p.author_handle, p.author_name, p.created_at, c.opened_at "
            "FROM cases c JOIN posts p ON p.id = c.first_post_id JOIN brands b ON b.id = c.brand_id").fetchall()
        drafts = watch.execute("SELECT count(*) FROM drafts").fetchone()[0]
        alert_rows = watch.execute("SELECT status, count(*) FROM alerts GROUP BY status").fetchall()
        watch.close()
        by_key = {}
        for case_id, brand_name, platform, handle, name, created_ms, opened_ms in case_rows:
            who = (handle or name).lstrip("@")
            by_key.setdefault((brand_name, platform, who), []).append((created_ms / 1000.0, opened_ms / 1000.0))
        for v in by_key.values():
            v.sort()
        delays, open_delays, unmatched = [], [], 0
        with receiver.lock:
            messages = list(receiver.messages)
        for at, body in messages:
            try:
                doc = json.loads(body)
                header = doc["blocks"][0]["text"]["text"]  # "P2 · Brand 7: title"
                brand_name = header.split(" · ", 1)[1].split(":", 1)[0]
                quote = next(bl["text"]["text"] for bl in doc["blocks"][1:]
                             if bl.get("type") == "section" and " on " in bl["text"]["text"].split("\n", 1)[0])
                first = quote.split("\n", 1)[0]
                who = re.match(r"\*@?([^*]+)\*", first).group(1)
                platform = first.rsplit(" on ", 1)[1].split(" ")[0]
                created, opened = by_key[(brand_name, platform, who)].pop(0)
            except (KeyError, IndexError, ValueError, AttributeError, StopIteration):
                unmatched += 1
                continue
            if created < start - 0.5 / rate_per_brand:
                continue  # a case of the first posts, which existed before the stream
            delays.append(at - created)
            open_delays.append(opened - created)

        first_created = start
        end = all_judged_at or timeline[-1][0]
        # Sustained: judged posts per second between the tenth and the ninth tenth of the run, so that neither
        # the start nor the last poll interval counts.
        t10 = crossing(timeline, 2, warm_posts + args.posts * 0.1)
        t90 = crossing(timeline, 2, warm_posts + args.posts * 0.9)
        sustained = args.posts * 0.8 / (t90 - t10) if t10 is not None and t90 is not None and t90 > t10 else 0.0
        tenths = []
        if all_judged_at is not None:
            # CPU time of the daemon per post judged, in tenths of the posts.
            marks = [warm_posts + args.posts * k // 10 for k in range(11)]
            points = []
            for mark in marks:
                point = next((t for t in timeline if t[2] >= mark), None)
                points.append(point)
            for k in range(10):
                a, b = points[k], points[k + 1]
                if a and b and b[2] > a[2]:
                    tenths.append(round((b[3] - a[3]) / (b[2] - a[2]) * 1e6, 1))
        result = {
            "posts": args.posts, "brands": args.brands, "platforms": platforms, "offered_rate": args.rate,
            "interval_s": args.interval, "fakes": args.fakes,
            "stored": stored - warm_posts, "judged": judged - warm_posts, "cases": len(case_rows), "drafts": drafts,
            "alerts": dict(alert_rows), "alerts_received": len(messages), "alerts_unmatched": unmatched,
            "seconds": round(end - first_created, 2),
            "sustained_rate": round(sustained, 1),
            "overall_rate": round((judged - warm_posts) / (end - first_created), 1) if end > first_created else 0,
            "stored_rate": round((stored - warm_posts) / ((all_stored_at or end) - first_created), 1),
            "lag_after_last_post_s": round(end - last_created, 2),
            "delay_median_s": round(statistics.median(delays), 2) if delays else None,
            "delay_p99_s": round(percentile(delays, 99), 2) if delays else None,
            "delay_max_s": round(max(delays), 2) if delays else None,
            "open_median_s": round(statistics.median(open_delays), 2) if open_delays else None,
            "open_p99_s": round(percentile(open_delays, 99), 2) if open_delays else None,
            "peak_mb": round(peak_mb, 1), "rss_end_mb": round(rss_mb, 1), "cpu_s": round(cpu, 2),
            "cpu_us_per_post": round(cpu / max(1, judged) * 1e6, 1), "cpu_us_per_post_tenths": tenths,
            "finished": all_judged_at is not None,
        }
        print(json.dumps(result), flush=True)
    finally:
        stop_all()


if __name__ == "__main__":
    main()
