#!/usr/bin/env python3
"""fake_platform: a loopback stand-in for the platform APIs odziv polls, for tests, load tests and the demo.

It serves recorded responses (tests/data/<platform>/…) at the paths they were recorded at, pages through
them, injects faults on command, records every request it receives and can generate synthetic traffic.

    python3 tests/fake_platform/fake_platform.py --data tests/data [--port 0] [--port-file F] [--load x/a.json …]
                                                 [--routes tests/fake_platform/recorded.json]

--routes loads a JSON file {"routes": [...]} whose entries are /_fake/route bodies or {"load": "<cassette>"};
recorded.json serves every recording at once (see docs/platforms.md for the matching source settings).

Once listening it prints one line "READY http://127.0.0.1:<port>" on stdout (and writes the port to
--port-file), so callers wait for that line instead of sleeping. Standard library only.

Control API (JSON bodies; every other path is a platform endpoint):
  POST /_fake/load      {"file": "x/tweepy__….json"}: every interaction of a recorded cassette becomes a route
                        (method, path, and the recorded query parameters as the match)
  POST /_fake/route     {"method": "GET", "path": "/v19.0/1/feed", "match": {"after": "X"}, "status": 200,
                         "headers": {…}, "body": <JSON value or text> | "body_file": "facebook/….json",
                         "times": N (optional: serve N times, then fall through),
                         "numbered": true (optional: each "#{n}" in the body becomes how many times the route
                                       has answered, 1, 2, …: a token endpoint that issues a new token each time)}
                        The route whose match has the most parameters (all present in the request) wins; a
                        later route with the same method, path and match replaces the earlier one.
                        A route with an ETag / Last-Modified header answers 304 to a request that sends it back.
  POST /_fake/routes    {"file": "/abs/path/recorded.json"}: as --routes
  POST /_fake/fault     {"kind": …, "path": "/2/tweets" (prefix, optional), "method": (optional), "times": 1}
                        kinds: "rate_limit" {"platform": x|mastodon|meta|google|reddit|bluesky|generic,
                                             "retry_after": 30, "reset_epoch": (optional absolute epoch)}
                               "expired_token" {"platform": …}
                               "status" {"status": 500|503|…, "headers": {…}, "body": …}
                               "slow" {"delay_ms": 2000}       (then the normal answer)
                               "truncate"   (Content-Length of the whole body, half of it sent, then closed)
                               "malformed"  (half of the body, with a matching Content-Length)
                               "garbage"    (200 with an HTML page)
                               "reset"      (connection closed without an answer)
                               "drip" {"interval_ms": 200}  (the normal answer, its body one byte per
                                   interval: a server that never stops sending yet never finishes)
                               "hold"       (no answer, not even headers, until POST /_fake/release or
                                   /_fake/clear_faults, then the normal answer as of that moment; closed
                                   unanswered when the client hangs up or 60 s pass): a platform that hangs
                        "times" counts the requests a fault spoils (default 1); a large number spoils all.
  POST /_fake/synthetic {"platform": "x"|"mastodon"|"rss", "path": …, "rate_per_second": 5, "seed": 1,
                         "start_epoch": (optional), "total": (optional cap), "authors": 500,
                         "negative": (optional share of complaints)}: GETs of `path` answer with
                        generated posts, rate_per_second of them per second of wall time since start, paged
                        as the platform pages (see synthetic.py)
                               "store_then_stall"  the request is served as usual (a reply is stored, see
                                   below) but the answer is withheld until the client disconnects, POST
                                   /_fake/release, or 60 s pass (then the connection is closed unanswered)
                               "store_then_drop"   the request is served as usual, then the connection is
                                   closed without an answer
                        The last two stand for a crash or a lost connection between "the platform accepted
                        the reply" and "odziv recorded it"; give "method": "POST" to spare the GETs.
  POST /_fake/release   answer every request held by "store_then_stall" or "hold"
  POST /_fake/clear_faults {"path": prefix (optional)}: forget the faults (of paths under the prefix), then
                        answer every held request
  POST /_fake/replies   {"platform": "x", "brand_handle": "zrno", "brand_user_id": "99"} or
                        {"platform": "mastodon", "brand_acct": "zrno", "brand_account_id": "77"}: stateful
                        replies on that platform (opt-in; recorded routes keep working for everything else):
                        x         POST /2/tweets creates a tweet with a new snowflake id (its time is now) and
                                  answers 201 {"data": {"id", "text", "edit_history_tweet_ids"}};
                                  GET /2/tweets/search/recent?query=in_reply_to_tweet_id:N from:HANDLE answers
                                  with the stored replies to N in the v2 search shape
                        mastodon  POST /api/v1/statuses (form or JSON) creates a status by the brand account;
                                  the same Idempotency-Key returns the same status instead of a new one;
                                  GET /api/v1/statuses/:id serves stored statuses (other ids fall through to
                                  the routes); GET /api/v1/statuses/:id/context lists the stored replies
                                  below :id as descendants
  GET  /_fake/replies   every reply created so far: [{"platform","id","in_reply_to","text","idempotency_key","at"}];
                        with ?at_least=N the answer waits (up to 60 s) until there are N
  GET  /_fake/requests  every request received so far: [{"method","path","query","headers","body","at"}], "at"
                        the epoch seconds it arrived; one that met a fault also has "fault" (its kind), and
                        one that met "hold" "held_s" (seconds it was held) and "hold_end": "release",
                        "client" (the client hung up) or "limit"
  POST /_fake/reset     forget routes, faults, synthetic feeds, requests, stateful replies; release held requests
  POST /_fake/gzip      {"enabled": true|false}: compress answers for clients that accept gzip (default on)
"""

import argparse
import gzip
import json
import os
import re
import select
import socket
import sys
import threading
import time
import urllib.parse
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synthetic  # noqa: E402


class State:
    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.lock = threading.Lock()
        self.released = threading.Condition(self.lock)
        self.replied = threading.Condition(self.lock)  # notified whenever a stateful reply is stored
        self.release_generation = 0
        self.last_id = {}     # platform -> the last id handed out (ids only grow, even across resets)
        with self.lock:
            self.reset()
        self.gzip = True

    def reset(self):  # with the lock held
        self.routes = []      # dicts: method, path, match, status, headers, body (bytes), times
        self.faults = []
        self.requests = []
        self.synthetic = {}   # path -> synthetic.Feed
        self.reply_brands = {}  # platform -> the /_fake/replies body that enabled stateful replies
        self.replies = []     # dicts: platform, id, in_reply_to, text, idempotency_key, at (+ per platform)
        self.release()

    def release(self):
        self.release_generation += 1
        self.released.notify_all()

    def new_id(self, platform, now):
        """A snowflake-like id: increasing, and on X one whose time bits say `now`."""
        millis = int(now * 1000)
        if platform == "x":
            candidate = (millis - X_EPOCH_MILLIS) << 22
        else:  # Mastodon's ids: milliseconds in the high bits, a sequence in the low 16
            candidate = millis << 16
        value = max(candidate, self.last_id.get(platform, 0) + 1)
        self.last_id[platform] = value
        return str(value)

    def read_data(self, relative):
        path = os.path.normpath(os.path.join(self.data_dir, relative))
        if not path.startswith(os.path.normpath(self.data_dir) + os.sep):
            raise ValueError("body_file must stay inside the data directory")
        with open(path, "rb") as f:
            return f.read()

    def add_route(self, route):
        key = (route["method"], route["path"], tuple(sorted(route["match"].items())))
        self.routes = [r for r in self.routes
                       if (r["method"], r["path"], tuple(sorted(r["match"].items()))) != key]
        self.routes.append(route)

    def load_cassette(self, relative):
        doc = json.loads(self.read_data(relative))
        count = 0
        for interaction in doc.get("interactions", []):
            req, resp = interaction["request"], interaction["response"]
            url = urllib.parse.urlsplit(req["uri"])
            match = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            body = resp.get("body")
            if resp.get("body_format") == "json":
                body = json.dumps(body, ensure_ascii=False).encode("utf-8")
            elif body is None:
                body = b""
            else:
                body = body.encode("utf-8")
            self.add_route({"method": req["method"].upper(), "path": url.path, "match": match,
                            "status": resp["status"], "headers": dict(resp.get("headers", {})),
                            "body": body, "times": None})
            count += 1
        return count

    def route_from(self, args):
        """A route from a /_fake/route body (or --routes entry)."""
        body = self.read_data(args["body_file"]) if "body_file" in args else encode_body(args.get("body"))
        return {"method": args.get("method", "GET").upper(), "path": args["path"],
                "match": {k: str(v) for k, v in args.get("match", {}).items()},
                "status": int(args.get("status", 200)), "headers": args.get("headers", {}),
                "body": body, "times": args.get("times"), "numbered": bool(args.get("numbered")), "served": 0}

    def load_routes(self, path):
        with open(path, "rb") as f:
            doc = json.load(f)
        for entry in doc["routes"]:
            if "load" in entry:
                self.load_cassette(entry["load"])
            else:
                self.add_route(self.route_from(entry))

    def find_route(self, method, path, query):
        best = None
        for r in self.routes:
            if r["method"] != method or r["path"] != path:
                continue
            if r["times"] is not None and r["times"] <= 0:
                continue
            if all(query.get(k) == v for k, v in r["match"].items()):
                if best is None or len(r["match"]) >= len(best["match"]):
                    best = r
        return best

    def take_fault(self, method, path):
        for f in self.faults:
            if f.get("method") and f["method"] != method:
                continue
            if f.get("path") and not path.startswith(f["path"]):
                continue
            f["times"] -= 1
            if f["times"] <= 0:
                self.faults.remove(f)
            return f
        return None


X_EPOCH_MILLIS = 1288834974657
X_REPLY_QUERY = re.compile(r"^\s*in_reply_to_tweet_id:(\d+)\s+from:@?(\w+)\s*$")
STALL_LIMIT_SECONDS = 60


def iso_time(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + ".%03dZ" % (int(epoch * 1000) % 1000)


def header(headers, name):
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def request_fields(headers, body):
    """The fields of a JSON or form-encoded request body, as a dict."""
    text = body.decode("utf-8", "replace")
    if "json" in (header(headers, "Content-Type") or ""):
        try:
            value = json.loads(text) if text else {}
        except ValueError:
            return {}  # answered like a body without the required fields
        return value if isinstance(value, dict) else {}
    return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))


def x_reply_tweet(state, reply):
    brand = state.reply_brands["x"]
    parent = next((r for r in state.replies if r["platform"] == "x" and r["id"] == reply["in_reply_to"]), None)
    tweet = {"id": reply["id"], "text": reply["text"], "author_id": str(brand.get("brand_user_id", "1")),
             "conversation_id": reply["conversation_id"], "created_at": reply["at"],
             "edit_history_tweet_ids": [reply["id"]]}
    if reply["in_reply_to"]:
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply["in_reply_to"]}]
    if parent is not None:  # only a stored parent's author is known here
        tweet["in_reply_to_user_id"] = str(brand.get("brand_user_id", "1"))
    return tweet


def x_replies(state, method, path, query, headers, body, now):
    """The stateful X answer to this request, or None to let routes answer it."""
    if "x" not in state.reply_brands:
        return None
    brand = state.reply_brands["x"]
    if method == "POST" and path == "/2/tweets":
        fields = request_fields({"Content-Type": "application/json"}, body)
        text = fields.get("text")
        if not isinstance(text, str) or not text:
            return 400, {}, {"title": "Invalid Request", "detail": "text is required", "status": 400}
        reply_to = fields.get("reply") if isinstance(fields.get("reply"), dict) else {}
        parent_id = str(reply_to.get("in_reply_to_tweet_id") or "")
        parent = next((r for r in state.replies if r["platform"] == "x" and r["id"] == parent_id), None)
        reply_id = state.new_id("x", now)
        state.replies.append({"platform": "x", "id": reply_id, "in_reply_to": parent_id, "text": text,
                              "idempotency_key": header(headers, "Idempotency-Key"), "at": iso_time(now),
                              "conversation_id": parent["conversation_id"] if parent else (parent_id or reply_id)})
        return 201, {}, {"data": {"id": reply_id, "text": text, "edit_history_tweet_ids": [reply_id]}}
    if method == "GET" and path == "/2/tweets/search/recent":
        wanted = X_REPLY_QUERY.match(query.get("query", ""))
        if wanted is None:
            return None
        parent_id, handle = wanted.group(1), wanted.group(2)
        found = []
        if handle.lower() == str(brand.get("brand_handle", "")).lstrip("@").lower():
            found = [r for r in state.replies if r["platform"] == "x" and r["in_reply_to"] == parent_id]
        found.sort(key=lambda r: int(r["id"]), reverse=True)  # newest first, as X answers
        if not found:
            return 200, {}, {"meta": {"result_count": 0}}
        handle = str(brand.get("brand_handle", "")).lstrip("@")
        user = {"id": str(brand.get("brand_user_id", "1")), "username": handle, "name": brand.get("brand_name", handle),
                "public_metrics": {"followers_count": 0, "following_count": 0, "tweet_count": len(found),
                                   "listed_count": 0}}
        return 200, {}, {"data": [x_reply_tweet(state, r) for r in found], "includes": {"users": [user]},
                         "meta": {"result_count": len(found), "newest_id": found[0]["id"],
                                  "oldest_id": found[-1]["id"]}}
    return None


def mastodon_status(state, reply, host):
    brand = state.reply_brands["mastodon"]
    acct = str(brand.get("brand_acct", "brand")).lstrip("@")
    account_id = str(brand.get("brand_account_id", brand.get("brand_user_id", "1")))
    url = "http://%s/@%s/%s" % (host or "127.0.0.1", acct, reply["id"])
    return {"id": reply["id"], "created_at": reply["at"], "in_reply_to_id": reply["in_reply_to"] or None,
            "in_reply_to_account_id": None, "visibility": reply["visibility"], "language": None,
            "uri": url, "url": url, "content": "<p>%s</p>" % html_escape(reply["text"]), "spoiler_text": "",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
            "account": {"id": account_id, "username": acct.split("@")[0], "acct": acct,
                        "display_name": brand.get("brand_name", acct), "followers_count": 0}}


def html_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def mastodon_replies(state, method, path, query, headers, body, now):
    """The stateful Mastodon answer to this request, or None to let routes answer it."""
    if "mastodon" not in state.reply_brands:
        return None
    host = header(headers, "Host")
    mine = [r for r in state.replies if r["platform"] == "mastodon"]
    if method == "POST" and path == "/api/v1/statuses":
        key = header(headers, "Idempotency-Key")
        if key:
            earlier = next((r for r in mine if r["idempotency_key"] == key), None)
            if earlier is not None:
                return 200, {}, mastodon_status(state, earlier, host)
        fields = request_fields(headers, body)
        text = fields.get("status")
        if not isinstance(text, str) or not text:
            return 422, {}, {"error": "Validation failed: Text can't be blank"}
        reply = {"platform": "mastodon", "id": state.new_id("mastodon", now),
                 "in_reply_to": str(fields.get("in_reply_to_id") or ""), "text": text, "idempotency_key": key,
                 "at": iso_time(now), "visibility": fields.get("visibility") or "public"}
        state.replies.append(reply)
        return 200, {}, mastodon_status(state, reply, host)
    parts = path.split("/")  # "", api, v1, statuses, :id[, context]
    if method == "GET" and len(parts) in (5, 6) and parts[1:4] == ["api", "v1", "statuses"]:
        status_id = parts[4]
        if len(parts) == 5:
            stored = next((r for r in mine if r["id"] == status_id), None)
            return None if stored is None else (200, {}, mastodon_status(state, stored, host))
        if parts[5] != "context":
            return None
        below, frontier = [], {status_id}
        while frontier:  # every stored reply under status_id, at any depth
            step = [r for r in mine if r["in_reply_to"] in frontier and r not in below]
            below.extend(step)
            frontier = {r["id"] for r in step}
        below.sort(key=lambda r: int(r["id"]))
        return 200, {}, {"ancestors": [], "descendants": [mastodon_status(state, r, host) for r in below]}
    return None


def rate_limit_answer(fault):
    """The 429 (or Meta's / Google's equivalent) exactly as each platform sends it (PLATFORMS.md §2.1)."""
    platform = fault.get("platform", "generic")
    wait = int(fault.get("retry_after", 30))
    reset = int(fault.get("reset_epoch", time.time() + wait))
    if platform == "x":
        return 429, {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset),
                     "content-type": "application/problem+json"}, \
            {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}
    if platform == "mastodon":
        iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(reset)) + ".000000Z"
        return 429, {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": iso}, \
            {"error": "Too many requests"}
    if platform == "bluesky":
        return 429, {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": str(reset),
                     "RateLimit-Policy": "3000;w=300"}, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
    if platform == "reddit":
        return 429, {"x-ratelimit-used": "100", "x-ratelimit-remaining": "0.0", "x-ratelimit-reset": str(wait)}, \
            {"message": "Too Many Requests", "error": 429}
    if platform == "meta":
        code = int(fault.get("code", 4))
        usage = {"1234": [{"type": "pages", "call_count": 100, "total_cputime": 30, "total_time": 40,
                           "estimated_time_to_regain_access": max(1, wait // 60)}]}
        return 400, {"X-App-Usage": json.dumps({"call_count": 100, "total_time": 40, "total_cputime": 30}),
                     "X-Business-Use-Case-Usage": json.dumps(usage)}, \
            {"error": {"message": "(#%d) Application request limit reached" % code, "type": "OAuthException",
                       "is_transient": True, "code": code, "fbtrace_id": "AbCdEfGh"}}
    if platform == "google":
        reason = fault.get("reason", "quotaExceeded")
        return 403, {}, {"error": {"code": 403, "message": "The request cannot be completed because you have "
                                   "exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                                   "errors": [{"message": "quota", "domain": "youtube.quota", "reason": reason}]}}
    return 429, {"Retry-After": str(wait)}, "Too Many Requests"


def expired_token_answer(fault):
    platform = fault.get("platform", "generic")
    if platform == "x":
        return 401, {}, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
    if platform == "mastodon":
        return 401, {}, {"error": "The access token is invalid"}
    if platform == "meta":
        return 400, {}, {"error": {"message": "Error validating access token: Session has expired.",
                                   "type": "OAuthException", "code": 190, "error_subcode": 463,
                                   "fbtrace_id": "AbCdEfGh"}}
    if platform == "google":
        return 401, {}, {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                   "status": "UNAUTHENTICATED"}}
    if platform == "bluesky":
        return 400, {}, {"error": "ExpiredToken", "message": "Token has expired"}
    if platform == "reddit":
        return 401, {"www-authenticate": 'Bearer realm="reddit", error="invalid_token"'}, \
            {"message": "Unauthorized", "error": 401}
    return 401, {}, "Unauthorized"


def encode_body(body):
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake_platform/1"

    def log_message(self, fmt, *args):  # quiet: tests read requests through /_fake/requests
        pass

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def handle_any(self):
        state = self.server.state
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/_fake/"):
            return self.control(state, url, body)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        with state.lock:
            record = {"method": self.command, "path": url.path, "query": url.query,
                      "headers": {k: v for k, v in self.headers.items()},
                      "body": body.decode("utf-8", "replace"), "at": time.time()}
            state.requests.append(record)
            fault = state.take_fault(self.command, url.path)
            if fault is not None:
                record["fault"] = fault["kind"]
            generation = state.release_generation  # a release from now on frees a stall of this request
            stateful = None
        if fault is not None and fault["kind"] == "hold":
            held_since = time.monotonic()
            end = self.hold(state, generation)
            with state.lock:
                record["held_s"] = round(time.monotonic() - held_since, 3)
                record["hold_end"] = end
                fault = None  # released: answered as if nothing had happened
            if end != "release":
                return self.drop()
        with state.lock:
            # Faults that cut the answer short still let the platform act on the request.
            if fault is None or fault["kind"] in ("slow", "drip", "truncate", "malformed", "store_then_stall",
                                                  "store_then_drop"):
                now = time.time()
                replies_before = len(state.replies)
                stateful = (x_replies(state, self.command, url.path, query, self.headers, body, now) or
                            mastodon_replies(state, self.command, url.path, query, self.headers, body, now))
                if len(state.replies) != replies_before:
                    state.replied.notify_all()
            feed = state.synthetic.get(url.path) if self.command == "GET" and stateful is None else None
            route = None if feed or stateful else state.find_route(self.command, url.path, query)
            if route is not None and route["times"] is not None:
                route["times"] -= 1
            if route is not None and route.get("numbered"):
                route["served"] += 1
                numbered_body = route["body"].replace(b"#{n}", str(route["served"]).encode())
        if fault is not None:
            kind = fault["kind"]
            if kind == "rate_limit":
                return self.send(*rate_limit_answer(fault))
            if kind == "expired_token":
                return self.send(*expired_token_answer(fault))
            if kind == "status":
                return self.send(int(fault.get("status", 500)), fault.get("headers", {}),
                                 fault.get("body", "Internal Server Error"))
            if kind == "reset":
                return self.drop()
            if kind == "garbage":
                return self.send(200, {"Content-Type": "text/html"}, "<html><body>Oops</body></html>")
            if kind == "slow":
                time.sleep(int(fault.get("delay_ms", 2000)) / 1000.0)
            # truncate / malformed fall through to the normal answer, cut below.
        if stateful is not None:
            status, headers, answer = stateful
        elif feed is not None:
            status, headers, answer = feed.answer(query, time.time())
        elif route is None:
            status, headers, answer = 404, {"Content-Type": "application/json"}, \
                {"error": "fake_platform has no route for %s %s" % (self.command, url.path)}
        else:
            status, headers, answer = route["status"], dict(route["headers"]), route["body"]
            if route.get("numbered"):
                answer = numbered_body
            etag = next((v for k, v in headers.items() if k.lower() == "etag"), None)
            modified = next((v for k, v in headers.items() if k.lower() == "last-modified"), None)
            if (etag and self.headers.get("If-None-Match") == etag) or \
                    (modified and not etag and self.headers.get("If-Modified-Since") == modified):
                keep = {k: v for k, v in headers.items() if k.lower() in ("etag", "last-modified")}
                return self.send(304, keep, b"")
        if fault is not None and fault["kind"] == "store_then_drop":
            return self.drop()
        if fault is not None and fault["kind"] == "store_then_stall" and not self.stall(state, generation):
            return self.drop()
        if fault is not None and fault["kind"] == "drip":
            return self.send(status, headers, answer, drip_s=int(fault.get("interval_ms", 200)) / 1000.0)
        if fault is not None and fault["kind"] in ("truncate", "malformed"):
            data = encode_body(answer)
            return self.send(status, headers, data[: len(data) // 2],
                             claimed_length=len(data) if fault["kind"] == "truncate" else None)
        return self.send(status, headers, answer)

    def drop(self):
        """Closes the connection without an answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client is gone already
        return None

    def stall(self, state, generation):
        """Holds the answer until /_fake/release (True), or the client hangs up or time runs out (False)."""
        return self.hold(state, generation) == "release"

    def hold(self, state, generation):
        """Waits until /_fake/release ("release"), the client hangs up ("client") or time runs out ("limit")."""
        deadline = time.monotonic() + STALL_LIMIT_SECONDS
        while time.monotonic() < deadline:
            with state.lock:
                if state.release_generation != generation:
                    return "release"
                state.released.wait(0.05)
                if state.release_generation != generation:
                    return "release"
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return "client"  # the client closed its end
                except OSError:
                    return "client"
        return "limit"

    def send(self, status, headers, body, claimed_length=None, drip_s=None):
        data = encode_body(body)
        headers = dict(headers)
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json; charset=utf-8" if data[:1] in (b"{", b"[") else "text/plain"
        compress = (claimed_length is None and drip_s is None and status != 304 and self.server.state.gzip and len(data) > 0
                    and "gzip" in (self.headers.get("Accept-Encoding") or ""))
        if compress:
            data = gzip.compress(data)
        self.send_response(status)
        for k, v in headers.items():
            if k.lower() in ("content-length", "content-encoding", "transfer-encoding", "connection"):
                continue
            self.send_header(k, v)
        if compress:
            self.send_header("Content-Encoding", "gzip")
        if "date" not in (k.lower() for k in headers):
            self.send_header("Date", formatdate(usegmt=True))
        self.send_header("Content-Length", str(claimed_length if claimed_length is not None else len(data)))
        if claimed_length is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if drip_s is not None:
            self.wfile.flush()
            for i in range(len(data)):
                time.sleep(drip_s)
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
            return None
        if self.command != "HEAD" and status != 304:
            self.wfile.write(data)
        self.wfile.flush()
        return None

    def control(self, state, url, body):
        try:
            args = json.loads(body) if body else {}
            with state.lock:
                if url.path == "/_fake/requests":
                    return self.send(200, {}, state.requests)
                if url.path == "/_fake/replies" and self.command == "GET":
                    wanted = dict(urllib.parse.parse_qsl(url.query)).get("at_least")
                    if wanted:  # waits (at most 60 s) until that many replies exist, for tests to sync on
                        state.replied.wait_for(lambda: len(state.replies) >= int(wanted), timeout=60)
                    return self.send(200, {}, [{k: r[k] for k in ("platform", "id", "in_reply_to", "text",
                                                                  "idempotency_key", "at")}
                                               for r in state.replies])
                if url.path == "/_fake/replies":
                    if args.get("platform") not in ("x", "mastodon"):
                        raise ValueError("platform must be x or mastodon")
                    state.reply_brands[args["platform"]] = dict(args)
                    return self.send(200, {}, {"ok": True})
                if url.path == "/_fake/release":
                    state.release()
                    return self.send(200, {}, {"ok": True})
                if url.path == "/_fake/clear_faults":
                    prefix = args.get("path", "")
                    state.faults = [f for f in state.faults if not (f.get("path") or "").startswith(prefix)]
                    state.release()
                    return self.send(200, {}, {"ok": True})
                if url.path == "/_fake/reset":
                    state.reset()
                    return self.send(200, {}, {"ok": True})
                if url.path == "/_fake/load":
                    return self.send(200, {}, {"routes": state.load_cassette(args["file"])})
                if url.path == "/_fake/route":
                    state.add_route(state.route_from(args))
                    return self.send(200, {}, {"ok": True})
                if url.path == "/_fake/routes":
                    state.load_routes(args["file"])
                    return self.send(200, {}, {"ok": True})
                if url.path == "/_fake/fault":
                    fault = dict(args)
                    fault["times"] = int(fault.get("times", 1))
                    state.faults.append(fault)
                    return self.send(200, {}, {"ok": True})
                if url.path == "/_fake/synthetic":
                    feed = synthetic.Feed(args, time.time())
                    state.synthetic[args["path"]] = feed
                    return self.send(200, {}, {"ok": True})
                if url.path == "/_fake/gzip":
                    state.gzip = bool(args.get("enabled", True))
                    return self.send(200, {}, {"ok": True})
            return self.send(404, {}, {"error": "unknown control path " + url.path})
        except Exception as e:  # a test's mistake: say what it was
            return self.send(400, {}, {"error": "%s: %s" % (type(e).__name__, e)})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that time out on a "slow" fault close their end: expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: chosen by the OS")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--load", action="append", default=[], help="cassette to serve, relative to --data")
    parser.add_argument("--routes", action="append", default=[], help="JSON file of routes (see recorded.json)")
    args = parser.parse_args()
    state = State(os.path.abspath(args.data))
    for f in args.load:
        state.load_cassette(f)
    for f in args.routes:
        state.load_routes(f)
    server = Server((args.host, args.port), Handler)
    server.state = state
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("READY http://%s:%d" % (args.host, port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
