#!/usr/bin/env python3
"""`odziv source add` + `odziv poll SOURCE --once` against the fake platform server, for every connector of
part 1 and part 2 (Reddit, Bluesky): each source ingests every recorded item (the counts of docs/platforms.md), a second poll stores
nothing twice, a 429 in X's form leaves the cursor where it was and schedules the retry the platform asked
for, and an expired token marks the source as needing a person.

usage: platforms_cli_test.py ODZIV"""

import json
import os
import subprocess
import sys
import urllib.request
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Workspace  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (name, platform, settings, posts) as docs/platforms.md lists them for recorded.json.
SOURCES = [
    ("x-search-tweepy", "x", {"query": "Tweepy"}, 10),
    ("x-mentions-783214", "x", {"user_id": "783214"}, 10),
    ("x-search-snowman", "x", {"query": "snowman"}, 4),
    ("x-mentions-2244994945", "x", {"user_id": "2244994945"}, 5),
    ("mastodon-mentions", "mastodon", {}, 1),
    ("reddit-askreddit", "reddit", {"subreddit": "askreddit", "auth_url": "{fake}", "client_id": "odziv",
                                    "user_agent": "odziv-test"}, 100),
    ("reddit-mentions", "reddit", {"username": "zrno", "password": "env:ODZIV_FAKE_TOKEN", "limit": "16",
                                   "auth_url": "{fake}", "client_id": "odziv"}, 16),
    ("bluesky-notifications", "bluesky", {"handle": "bskyr.bsky.social", "app_password": "env:ODZIV_FAKE_TOKEN"}, 11),
    ("bluesky-search", "bluesky", {"handle": "bskyr.bsky.social", "app_password": "env:ODZIV_FAKE_TOKEN",
                                   "query": "redistricting"}, 25),
    ("rss-github", "rss", {"url": "{fake}/feeds/github.atom"}, 20),
    ("rss-onethingwell", "rss", {"url": "{fake}/feeds/onethingwell.rss"}, 20),
    ("rss-youtube", "rss", {"url": "{fake}/feeds/youtube.xml"}, 15),
    ("rss-latin1", "rss", {"url": "{fake}/feeds/iso-8859-1.rss"}, 1),
    ("youtube-channel", "youtube", {"channel_id": "UCa-vrCLQHviTOVnEKDOdetQ"}, 4),
    ("youtube-video", "youtube", {"video_id": "F1UP7wRCPH8"}, 5),
    ("facebook-feed", "facebook", {"page_id": "4"}, 5),
    ("facebook-post", "facebook", {"page_id": "19292868552", "post_id": "19292868552_10158407654328553"}, 15),
    ("instagram-media", "instagram", {"ig_user_id": "17841406338772941", "media_id": "17846368219941692"}, 2),
]


def control(fake, path, body):
    request = urllib.request.Request(fake + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()


def main():
    ws = Workspace(sys.argv[1])
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests/fake_platform/fake_platform.py"), "--routes",
                               os.path.join(ROOT, "tests/fake_platform/recorded.json")],
                              stdout=subprocess.PIPE, text=True)
    try:
        ready = server.stdout.readline().split()
        assert ready and ready[0] == "READY", f"fake server said {ready!r}"
        fake = ready[1]
        os.environ["ODZIV_FAKE_TOKEN"] = "fake-token-for-tests"
        ws.run("brand", "add", "zrno", "--name", "Zrno", "--db", ws.db)
        failures = []
        for name, platform, settings, expected in SOURCES:
            args = ["source", "add", name, "--brand", "zrno", "--platform", platform, "--db", ws.db]
            settings = {k: v.replace("{fake}", fake) for k, v in settings.items()}
            if platform != "rss":
                settings.update(base_url=fake, token="env:ODZIV_FAKE_TOKEN")
            for key, value in settings.items():
                args += ["--set", f"{key}={value}"]
            ws.run(*args)
            first = json.loads(ws.run("poll", name, "--once", "--json", "--db", ws.db).stdout)
            second = json.loads(ws.run("poll", name, "--once", "--json", "--db", ws.db).stdout)
            ok = first["inserted"] == expected and second["inserted"] == 0 and first["error"] is None
            print(f"{'ok  ' if ok else 'FAIL'} {name}: first poll stored {first['inserted']} of {expected}, "
                  f"second poll stored {second['inserted']}")
            if not ok:
                failures.append(name)

        # A 429 in X's form: the poll fails, the cursor stays, the retry waits as long as X said.
        before = json.loads(ws.run("source", "show", "x-search-tweepy", "--json", "--db", ws.db).stdout)
        control(fake, "/_fake/fault", {"kind": "rate_limit", "platform": "x", "retry_after": 600})
        limited = ws.run("poll", "x-search-tweepy", "--once", "--json", "--db", ws.db, check=False)
        after = json.loads(ws.run("source", "show", "x-search-tweepy", "--json", "--db", ws.db).stdout)
        result = json.loads(limited.stdout)
        next_poll = datetime.fromisoformat(after["next_poll_at"].replace("Z", "+00:00"))
        wait = (next_poll - datetime.now(timezone.utc)).total_seconds()
        checks = {
            "exit status 1": limited.returncode == 1,
            "error rate_limited": (result["error"] or {}).get("code") == "rate_limited",
            "cursor unchanged": after["cursor"] == before["cursor"],
            "health degraded": after["health"] == "degraded",
            "retry in about 600 s": 500 < wait < 700,
        }
        # An expired token: a person must act.
        control(fake, "/_fake/fault", {"kind": "expired_token", "platform": "mastodon"})
        expired = ws.run("poll", "mastodon-mentions", "--once", "--json", "--db", ws.db, check=False)
        mastodon = json.loads(ws.run("source", "show", "mastodon-mentions", "--json", "--db", ws.db).stdout)
        checks["expired token: unauthenticated"] = json.loads(expired.stdout)["error"]["code"] == "unauthenticated"
        checks["expired token: needs_human"] = mastodon["health"] == "needs_human"
        checks["no token in the message"] = "fake-token-for-tests" not in expired.stderr + expired.stdout
        for what, ok in checks.items():
            print(f"{'ok  ' if ok else 'FAIL'} {what}")
            if not ok:
                failures.append(what)
        if failures:
            print("failed: " + ", ".join(failures))
            sys.exit(1)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
