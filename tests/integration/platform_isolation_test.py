#!/usr/bin/env python3
"""One platform failing does not slow down the others.

24 sources of three brands poll once a second, 8 on each of three fake platforms (X mentions, Mastodon
instances, RSS feeds), each serving a synthetic feed that publishes a post every two seconds. Then one whole
platform at a time misbehaves:

(a) X hangs: every request is held unanswered (the fake's "hold" fault) for longer than the HTTP client's
    timeout. The Mastodon and RSS sources keep polling once a second (no gap over interval + slack in the
    fake's request log) and their new posts are stored within interval + slack; X never has more requests
    in flight than its share of the concurrent polls; every held request is given up by the daemon at its
    timeout, so no poll holds a thread for ever.
(b) Mastodon answers 429 in its own form (X-RateLimit-Reset) with a reset 8 s away: X and RSS keep their
    cadence; each Mastodon source asks once and then waits the platform's time before asking again.
(c) RSS feeds reset their connections or answer 503 with Retry-After: X and Mastodon keep their cadence;
    the RSS sources back off (scheduler.first-backoff, or the Retry-After when longer) instead of polling
    every second.

After each fault clears, the faulty platform's sources are healthy again; at the end every post each feed
published is stored exactly once. Everything is synchronised on the fake platforms' request logs and the
daemon's log lines, with deadlines; nothing sleeps.

usage: platform_isolation_test.py ODZIV [EXTRA DAEMON OPTIONS…]
  (e.g. --scheduler.max-concurrent-polls-per-platform 4 lets one platform take every poll: (a) then fails)"""

import json
import os
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "fake_platform"))
from odziv_process import Daemon, Workspace  # noqa: E402
import fake_platform  # noqa: E402

SOURCES_PER_PLATFORM = 8
BRANDS = ["zrno", "luka", "vrt"]
INTERVAL = 1.0       # seconds between polls of every source
TIMEOUT = 3          # http-client.timeout, seconds
FIRST_BACKOFF = 2    # scheduler.first-backoff
MAX_BACKOFF = 4      # scheduler.max-backoff
PER_PLATFORM = 2     # the default share of one platform: half of the 4 concurrent polls
SLACK = 1.5          # seconds a poll or a post may be late beyond the interval on a loaded test machine
RETRY_AFTER = 8      # the Mastodon rate limit's reset, seconds ahead
BUSY_RETRY_AFTER = 5  # the RSS 503's Retry-After
RATE = 0.5           # posts a second on every feed
FOREVER = 10 ** 9    # a fault's "times": every request
RESEND = 0.5         # seconds within which a request sent again by the HTTP client counts as the same poll
HANGUP_NOTICED = 0.3  # seconds the fake may take to notice that a client gave up a held request


class Events:
    """Counts what happened (a request reached or left a fake platform, the daemon logged a line), so that a
    test waits for a condition to hold after the next event instead of sleeping."""

    def __init__(self):
        self.cond = threading.Condition()
        self.count = 0

    def notify(self, *_):
        with self.cond:
            self.count += 1
            self.cond.notify_all()

    def wait_until(self, predicate, what, deadline_s=30.0):
        deadline = time.monotonic() + deadline_s
        while True:
            with self.cond:
                seen = self.count
            value = predicate()
            if value:
                return value
            with self.cond:
                while self.count == seen:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise AssertionError(f"not within {deadline_s:.0f} s: {what}")
                    self.cond.wait(remaining)


class Platform:
    """A fake platform server in this process, so that the test sees each request as it arrives."""

    def __init__(self, name, events):
        class State(fake_platform.State):
            def take_fault(self, method, path):  # called as a request arrives, after it is logged
                fault = super().take_fault(method, path)
                events.notify()
                return fault

        class Handler(fake_platform.Handler):
            def handle_any(self):
                try:
                    super().handle_any()
                finally:
                    events.notify()

        self.name = name
        self.state = State(os.path.join(ROOT, "tests", "data"))
        self.httpd = fake_platform.Server(("127.0.0.1", 0), Handler)
        self.httpd.state = self.state
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def control(self, path, body):
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        return json.loads(urllib.request.urlopen(request, timeout=30).read())

    def requests(self, path=None, since=0.0):
        with self.state.lock:
            return [dict(r) for r in self.state.requests if r["at"] >= since and (path is None or r["path"] == path)]

    def close(self):
        self.control("/_fake/clear_faults", {})
        self.httpd.shutdown()


class Source:
    def __init__(self, name, brand, platform, path, settings):
        self.name, self.brand, self.platform, self.path, self.settings = name, brand, platform, path, settings

    def polls(self, since=0.0):
        """Arrival times of this source's requests since `since`."""
        return [r["at"] for r in self.platform.requests(self.path, since)]

    def retry(self, since):
        """(when the first poll since `since` met a fault, when the next poll came or None), or None. The HTTP
        client sends a read again at once when its connection is reset: requests within RESEND s of the
        faulted one belong to the same poll."""
        requests = self.platform.requests(self.path, since)
        failed = next((i for i, r in enumerate(requests) if "fault" in r), None)
        if failed is None:
            return None
        at = requests[failed]["at"]
        later = [r["at"] for r in requests[failed + 1:] if r["at"] > at + RESEND]
        return at, later[0] if later else None


def make_sources(x, mastodon, rss):
    sources = []
    for i in range(SOURCES_PER_PLATFORM):
        brand = BRANDS[i % len(BRANDS)]
        user_id = str(1000 + i)
        sources.append(Source(f"x-{i}", brand, x, f"/2/users/{user_id}/mentions",
                              {"base_url": x.url, "token": "env:ODZIV_FAKE_TOKEN", "user_id": user_id}))
        sources.append(Source(f"mastodon-{i}", brand, mastodon, f"/m{i}/api/v1/notifications",
                              {"base_url": f"{mastodon.url}/m{i}", "token": "env:ODZIV_FAKE_TOKEN"}))
        # Half the feeds will reset their connections, the other half answer 503: two path prefixes.
        path = f"/{'reset' if i % 2 else 'busy'}/feed{i}.xml"
        sources.append(Source(f"rss-{i}", brand, rss, path, {"url": rss.url + path}))
    return sources


def start_feeds(sources):
    start = time.time() - 10  # five posts already published
    for k, s in enumerate(sources):
        kind = s.platform.name
        base = {"x": 1900000000000000000, "mastodon": 110000000000000000, "rss": 5000000000}[kind]
        s.platform.control("/_fake/synthetic", {"platform": kind, "path": s.path, "rate_per_second": RATE,
                                                "seed": k + 1, "start_epoch": start, "base_id": base + k * 10 ** 6})


def import_config(ws, sources):
    brands = []
    for slug in BRANDS:
        mine = [{"name": s.name, "platform": s.platform.name, "settings": s.settings, "poll_interval_s": int(INTERVAL),
                 "paused": False} for s in sources if s.brand == slug]
        brands.append({"slug": slug, "name": slug.title(), "timezone": "Europe/Sarajevo", "settings": {},
                       "sources": mine})
    ws.run("config", "import", "-", stdin=json.dumps({"odziv_config": 1, "brands": brands}))


def stored(ws):
    """{source name: (posts, distinct external ids, health)}"""
    rows = ws.query("SELECT s.name, count(p.id), count(DISTINCT p.external_id), s.health FROM sources s "
                    "LEFT JOIN posts p ON p.source_id = s.id GROUP BY s.id")
    return {name: (n, distinct, health) for name, n, distinct, health in rows}


def check_cadence(sources, since, until, label):
    """Every source polled at least once per interval + slack over [since, until]."""
    for s in sources:
        times = [since] + s.polls(since) + [until]
        times = [t for t in times if t <= until]
        worst = max(b - a for a, b in zip(times, times[1:]))
        assert worst <= INTERVAL + SLACK, \
            f"{label}: {s.name} went {worst:.1f} s without a poll (interval {INTERVAL:.0f} s): {times}"


def check_fresh_posts(ws, sources, since, until, label):
    """Posts published on these sources' feeds in [since, until] were stored within interval + slack."""
    names = ",".join(f"'{s.name}'" for s in sources)
    rows = ws.query("SELECT s.name, p.external_id, p.created_at, p.fetched_at FROM posts p "
                    f"JOIN sources s ON s.id = p.source_id WHERE s.name IN ({names}) "
                    "AND p.created_at >= ? AND p.created_at < ?", int(since * 1000), int(until * 1000))
    assert rows, f"{label}: no post published during the fault was stored"
    # An RSS pubDate has whole seconds, so its post may look up to a second older than it is.
    late = [(name, ext, (fetched - created) / 1000) for name, ext, created, fetched in rows
            if (fetched - created) / 1000 > INTERVAL + SLACK + (1 if name.startswith("rss") else 0)]
    assert not late, f"{label}: {len(late)} of {len(rows)} new posts stored late, e.g. {late[:3]}"


def max_overlap(requests, now):
    """The most of these requests that were open at one moment (one still held ends now). The fake notices a
    hang-up a little after it happens, so a request is counted as ended HANGUP_NOTICED s before it noticed."""
    edges = []
    for r in requests:
        edges.append((r["at"], 1))
        edges.append((r["at"] + max(0.0, r["held_s"] - HANGUP_NOTICED) if "held_s" in r else now, -1))
    most = current = 0
    for _, step in sorted(edges):
        current += step
        most = max(most, current)
    return most


def wait_recovered(events, ws, sources, since, label):
    """Each source polled after `since` and is healthy again."""
    def done():
        health = stored(ws)
        return all(s.polls(since) and health[s.name][2] == "ok" for s in sources)
    events.wait_until(done, f"{label}: every source healthy again", deadline_s=MAX_BACKOFF * 2 + 10)


def hang(events, ws, x, others):
    """(a) every X request is held longer than the HTTP timeout."""
    t0 = time.time()
    x.control("/_fake/fault", {"kind": "hold", "times": FOREVER})

    def enough():
        given_up = [r for r in x.requests(since=t0) if r.get("hold_end") == "client"]
        return len(given_up) >= 2 * PER_PLATFORM and all(len(s.polls(t0)) >= 4 for s in others)
    events.wait_until(enough, "(a) X's held requests given up at their timeout, the others polled on",
                      deadline_s=4 * TIMEOUT + 15)
    t1 = time.time()
    held = [r for r in x.requests(since=t0) if r.get("fault") == "hold"]
    x.control("/_fake/clear_faults", {})
    check_cadence(others, t0, t1, "(a) X hangs")
    check_fresh_posts(ws, others, t0, t1 - INTERVAL - SLACK, "(a) X hangs")
    most = max_overlap(held, t1)
    assert most <= PER_PLATFORM, f"(a) {most} X requests were in flight at once, more than its share {PER_PLATFORM}"
    ended = [r for r in held if "hold_end" in r and r["at"] < t1]
    assert all(r["hold_end"] == "client" for r in ended), f"(a) a held request ended otherwise: {ended}"
    slow = [r["held_s"] for r in ended if r["held_s"] > TIMEOUT + SLACK]
    assert not slow, f"(a) the daemon held X requests open past its {TIMEOUT} s timeout: {slow}"
    print(f"(a) X hung for {t1 - t0:.1f} s: {len(held)} X requests, at most {most} at once, each given up "
          f"after {min(r['held_s'] for r in ended):.1f}-{max(r['held_s'] for r in ended):.1f} s; "
          f"{len(others)} other sources polled {sum(len(s.polls(t0)) for s in others)} times, none late", flush=True)
    return t1


def rate_limited(events, ws, mastodon_sources, others):
    """(b) Mastodon answers 429 with X-RateLimit-Reset RETRY_AFTER s ahead."""
    mastodon = mastodon_sources[0].platform
    t0 = time.time()
    mastodon.control("/_fake/fault", {"kind": "rate_limit", "platform": "mastodon", "retry_after": RETRY_AFTER,
                                      "times": FOREVER})
    events.wait_until(lambda: all(s.retry(t0) for s in mastodon_sources), "(b) every Mastodon source met the 429")
    mastodon.control("/_fake/clear_faults", {})
    t_clear = time.time()
    wait_recovered(events, ws, mastodon_sources, t_clear, "(b)")
    events.wait_until(lambda: all(len(s.polls(t0)) >= 4 for s in others), "(b) the others polled on")
    t1 = time.time()
    check_cadence(others, t0, t1, "(b) Mastodon rate-limited")
    check_fresh_posts(ws, others, t0, t1 - INTERVAL - SLACK, "(b) Mastodon rate-limited")
    waits = {}
    for s in mastodon_sources:
        limited, again = s.retry(t0)
        assert again is not None, f"(b) {s.name} did not poll again after its 429"
        waits[s.name] = again - limited
    # The reset is whole seconds, so up to a second less than RETRY_AFTER may remain when the 429 is read.
    early = {k: round(v, 1) for k, v in waits.items() if v < RETRY_AFTER - 1.5}
    assert not early, f"(b) Mastodon sources asked again before the rate limit's reset: {early}"
    print(f"(b) Mastodon rate-limited: each source asked once, then waited {min(waits.values()):.1f}-"
          f"{max(waits.values()):.1f} s (reset {RETRY_AFTER} s ahead); the others polled on, none late", flush=True)


def failing(events, ws, rss_sources, others):
    """(c) half the RSS feeds reset their connections, half answer 503 with Retry-After."""
    rss = rss_sources[0].platform
    t0 = time.time()
    rss.control("/_fake/fault", {"kind": "reset", "path": "/reset/", "times": FOREVER})
    rss.control("/_fake/fault", {"kind": "status", "status": 503, "headers": {"Retry-After": str(BUSY_RETRY_AFTER)},
                                 "path": "/busy/", "times": FOREVER})
    events.wait_until(lambda: all((s.retry(t0) or (0, None))[1] for s in rss_sources) and
                      all(len(s.polls(t0)) >= 4 for s in others),
                      "(c) every RSS source retried once, the others polled on", deadline_s=BUSY_RETRY_AFTER + 20)
    t1 = time.time()
    rss.control("/_fake/clear_faults", {})
    check_cadence(others, t0, t1, "(c) RSS failing")
    check_fresh_posts(ws, others, t0, t1 - INTERVAL - SLACK, "(c) RSS failing")
    waits = {}
    for s in rss_sources:
        first, second = s.retry(t0)
        waits[s.name] = second - first
        wanted = BUSY_RETRY_AFTER if s.path.startswith("/busy/") else FIRST_BACKOFF
        assert second - first >= wanted - 0.3, \
            f"(c) {s.name} retried after {second - first:.1f} s, not after {wanted} s"
    wait_recovered(events, ws, rss_sources, t1, "(c)")
    print(f"(c) RSS failing: resets retried after {FIRST_BACKOFF} s, 503s after their Retry-After "
          f"{BUSY_RETRY_AFTER} s (waits {min(waits.values()):.1f}-{max(waits.values()):.1f} s); the others polled "
          "on, none late", flush=True)


def main():
    ws = Workspace(sys.argv[1])
    extra = sys.argv[2:]
    events = Events()
    x, mastodon, rss = Platform("x", events), Platform("mastodon", events), Platform("rss", events)
    daemon = None
    try:
        sources = make_sources(x, mastodon, rss)
        by_platform = {p.name: [s for s in sources if s.platform is p] for p in (x, mastodon, rss)}
        start_feeds(sources)
        os.environ["ODZIV_FAKE_TOKEN"] = "fake-token-for-tests"
        import_config(ws, sources)
        daemon = Daemon(ws, "--scheduler.jitter", "0", "--http-client.timeout", str(TIMEOUT),
                        "--scheduler.first-backoff", str(FIRST_BACKOFF), "--scheduler.max-backoff", str(MAX_BACKOFF),
                        "--scheduler.max-concurrent-polls", str(2 * PER_PLATFORM), *extra, on_line=events.notify)

        def warmed_up():
            posts = stored(ws)
            return all(len(s.polls()) >= 2 and posts[s.name][0] > 0 for s in sources)
        events.wait_until(warmed_up, "every source polled twice and stored posts")
        hang(events, ws, x, by_platform["mastodon"] + by_platform["rss"])
        wait_recovered(events, ws, by_platform["x"], time.time(), "(a)")
        rate_limited(events, ws, by_platform["mastodon"], by_platform["x"] + by_platform["rss"])
        failing(events, ws, by_platform["rss"], by_platform["x"] + by_platform["mastodon"])

        # Nothing lost, nothing twice: the feeds stop publishing, and every post each published gets stored once.
        expected = {}
        for s in sources:
            with s.platform.state.lock:
                feed = s.platform.state.synthetic[s.path]
                feed.total = feed.available(time.time())
                expected[s.name] = feed.total
        events.wait_until(lambda: all(stored(ws)[name][0] >= n for name, n in expected.items()),
                          "every published post stored")
        final = stored(ws)
        wrong = {name: final[name] for name, n in expected.items() if final[name] != (n, n, "ok")}
        assert not wrong, f"posts lost, stored twice or sources unhealthy (expected {expected}): {wrong}"
        daemon.stop()
        daemon = None
        print(f"ok: {sum(expected.values())} posts of {len(sources)} sources each stored once")
    finally:
        if daemon is not None:
            daemon.kill()
        for p in (x, mastodon, rss):
            p.close()


if __name__ == "__main__":
    main()
