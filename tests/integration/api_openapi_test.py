#!/usr/bin/env python3
"""The real daemon's /api/v1 answers match docs/openapi.json, and the roles and brand isolation hold over
real sign-in.

Two brands (zrno and bora) each get a replay source whose posts all need an answer, so the daemon opens
cases and drafts. Users are made with the CLI: an instance admin, an agent and a viewer of zrno, each with an
API token. Every GET route that docs/openapi.json documents is called and each answer (including errors) is
validated against the schema the document gives for its status, with python3-jsonschema; then a few changes
(approve, edit and approve, reject, assign, close, a brand PATCH, a source added and removed) are made and
their answers validated too, and so are the users, tokens, session (a real password sign-in with its cookie)
and statistics routes. Every route the document names must have been called. The agent of zrno must get 404
for bora and for bora's case, and the viewer 403 for an approval.

usage: api_openapi_test.py ODZIV"""

import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Daemon, Workspace  # noqa: E402

try:
    import jsonschema
except ImportError:
    sys.exit("python3-jsonschema is missing: run scripts/install-deps")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POSTS = 4         # per brand
SPEC = json.load(open(os.path.join(ROOT, "docs", "openapi.json")))


def validator(schema):
    """A validator for `schema`, whose $refs point into the OpenAPI document's components."""
    root = {**schema, "components": SPEC["components"]}
    return jsonschema.Draft202012Validator(root)


class Api:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.checked = set()  # (method, pattern) whose answers were validated

    def call(self, token, method, path, pattern, body=None, expect=200, headers=None):
        """Calls as the API token `token` (or with only `headers` when token is None); returns the answer."""
        return self.exchange(token, method, path, pattern, body, expect, headers)[0]

    def exchange(self, token, method, path, pattern, body=None, expect=200, headers=None):
        """As call, and also returns the answer's headers."""
        data = None if body is None else json.dumps(body).encode()
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw, answer_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as e:
            status, raw, answer_headers = e.code, e.read(), e.headers
        assert status == expect, f"{method} {path}: {status}, expected {expect}: {raw[:500]!r}"
        answer = json.loads(raw) if raw else None
        self.validate(method, pattern, status, answer)
        return answer, answer_headers

    def validate(self, method, pattern, status, answer):
        operation = SPEC["paths"].get(pattern, {}).get(method.lower())
        assert operation, f"{method} {pattern} is not in docs/openapi.json"
        response = operation["responses"].get(str(status))
        assert response, f"{method} {pattern}: status {status} is not documented"
        content = response.get("content")
        if content is None:
            assert answer is None, f"{method} {pattern}: {status} should have no body"
        else:
            errors = sorted(validator(content["application/json"]["schema"]).iter_errors(answer),
                            key=lambda e: list(e.path))
            assert not errors, (f"{method} {pattern} ({status}) does not match docs/openapi.json: " +
                                "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5]))
        self.checked.add((method.upper(), pattern))


def feed(ws, name, words):
    path = os.path.join(ws.dir, f"{name}.jsonl")
    with open(path, "w") as f:
        for i in range(POSTS):
            f.write(json.dumps({"id": f"{name}{i}", "text": f"{words} {i}: narudžba kasni, niko se ne javlja",
                                "author": {"id": f"{name}-a{i}", "handle": f"@{name}_customer{i}",
                                           "name": f"Customer {i}"}}) + "\n")
    return path


def token(ws, login):
    out = ws.run("user", "token", login, "--name", "api-test").stdout
    return out.splitlines()[0].strip()


def main():
    ws = Workspace(sys.argv[1])
    answer_all = json.dumps({"triage": {"answer_labels": ["neg", "neu", "pos"]}})
    for slug, name in (("zrno", "Kafeterija Zrno"), ("bora", "Pekara Bora")):
        ws.run("brand", "add", slug, "--name", name, "--settings", answer_all)
        ws.run("source", "add", f"{slug}-replay", "--brand", slug, "--platform", "replay", "--interval", "1",
               "--set", f"file={feed(ws, slug, name)}", "--set", f"batch={POSTS}")
    ws.run("user", "add", "root", "--name", "Root", "--admin")
    ws.run("user", "add", "ana", "--name", "Ana", "--brand", "zrno:agent")
    ws.run("user", "add", "vid", "--name", "Vid", "--brand", "zrno:viewer")
    root, ana, vid = token(ws, "root"), token(ws, "ana"), token(ws, "vid")

    daemon = Daemon(ws)
    try:
        port = daemon.expect(r"HTTP server listening on .* \(port (\d+)\)").group(1)
        queued = 0
        while queued < 2 * POSTS:
            queued += int(daemon.expect(r"(\d+) drafts queued").group(1))
        api = Api(port)

        # Reads, as each role.
        brands = api.call(ana, "GET", "/api/v1/brands", "/api/v1/brands")
        assert [b["slug"] for b in brands["items"]] == ["zrno"], brands
        assert len(api.call(root, "GET", "/api/v1/brands", "/api/v1/brands")["items"]) == 2
        api.call(ana, "GET", "/api/v1/brands/zrno", "/api/v1/brands/{slug}")
        settings = api.call(root, "GET", "/api/v1/brands/zrno", "/api/v1/brands/{slug}")["settings"]
        api.call(ana, "GET", "/api/v1/brands/zrno/sources", "/api/v1/brands/{slug}/sources")
        posts = api.call(ana, "GET", "/api/v1/posts?limit=2", "/api/v1/posts")
        assert len(posts["items"]) == 2 and posts["next_cursor"], posts
        api.call(ana, "GET", f"/api/v1/posts?limit=2&cursor={posts['next_cursor']}", "/api/v1/posts")
        api.call(ana, "GET", "/api/v1/posts?label=neg&brand=zrno", "/api/v1/posts")
        api.call(ana, "GET", f"/api/v1/posts/{posts['items'][0]['id']}", "/api/v1/posts/{id}")
        cases = api.call(ana, "GET", "/api/v1/cases?sort=urgency", "/api/v1/cases")
        assert len(cases["items"]) == POSTS, cases
        api.call(ana, "GET", "/api/v1/cases?state=unanswered&overdue=0&limit=1", "/api/v1/cases")
        api.call(ana, "GET", f"/api/v1/cases/{cases['items'][0]['id']}", "/api/v1/cases/{id}")
        items = api.call(vid, "GET", "/api/v1/queue", "/api/v1/queue")["items"]
        assert len(items) == POSTS, items
        api.call(vid, "GET", f"/api/v1/drafts/{items[0]['draft']['id']}", "/api/v1/drafts/{id}")
        api.call(ana, "GET", "/api/v1/alerts", "/api/v1/alerts")
        changes = api.call(ana, "GET", "/api/v1/changes", "/api/v1/changes")

        # Isolation: the agent of zrno learns nothing of bora.
        bora_cases = api.call(root, "GET", "/api/v1/cases?brand=bora", "/api/v1/cases")["items"]
        api.call(ana, "GET", "/api/v1/brands/bora", "/api/v1/brands/{slug}", expect=404)
        api.call(ana, "GET", f"/api/v1/cases/{bora_cases[0]['id']}", "/api/v1/cases/{id}", expect=404)
        api.call(ana, "GET", "/api/v1/queue?brand=bora", "/api/v1/queue", expect=404)
        api.call(ana, "GET", "/api/v1/cases?sort=sideways", "/api/v1/cases", expect=400)

        # Changes.
        first, second, third = items[0]["draft"], items[1]["draft"], items[2]["draft"]
        api.call(vid, "POST", f"/api/v1/drafts/{first['id']}/approve", "/api/v1/drafts/{id}/approve",
                 {"version": first["version"]}, expect=403)
        approved = api.call(ana, "POST", f"/api/v1/drafts/{first['id']}/approve", "/api/v1/drafts/{id}/approve",
                            {"version": first["version"]})
        assert approved["draft"]["status"] == "approved" and len(approved["deliveries"]) == 1, approved
        api.call(ana, "POST", f"/api/v1/drafts/{first['id']}/approve", "/api/v1/drafts/{id}/approve",
                 {"version": first["version"]}, expect=409)
        edited = api.call(ana, "PATCH", f"/api/v1/drafts/{second['id']}", "/api/v1/drafts/{id}",
                          {"text": "Izvinite na čekanju, javljamo se odmah.", "version": second["version"],
                           "approve": True})
        assert edited["draft"]["status"] == "approved", edited
        rejected = api.call(ana, "POST", f"/api/v1/drafts/{third['id']}/reject", "/api/v1/drafts/{id}/reject",
                            {"reason": "wrong tone", "version": third["version"]})
        assert rejected["case"]["state"] == "open", rejected
        case_id = third["case_id"]
        api.call(ana, "POST", f"/api/v1/cases/{case_id}/assign", "/api/v1/cases/{id}/assign", {"login": "ana"})
        closed = api.call(ana, "POST", f"/api/v1/cases/{case_id}/close", "/api/v1/cases/{id}/close",
                          {"reason": "resolved_privately", "note": "called them"})
        assert closed["state"] == "closed", closed
        later = api.call(ana, "GET", f"/api/v1/changes?since={changes['token']}", "/api/v1/changes")
        assert later["queue_changed"], later
        api.call(ana, "PATCH", "/api/v1/brands/zrno", "/api/v1/brands/{slug}", {"name": "Zrno"}, expect=403)
        api.call(root, "PATCH", "/api/v1/brands/zrno", "/api/v1/brands/{slug}",
                 {"settings": {**settings, "approval": {"two_people_for": "everything"}}}, expect=400)
        api.call(root, "PATCH", "/api/v1/brands/zrno", "/api/v1/brands/{slug}", {"name": "Kafeterija Zrno d.o.o."})
        api.call(root, "POST", "/api/v1/brands", "/api/v1/brands", {"slug": "cvijet", "name": "Cvijet"}, expect=201)
        api.call(root, "POST", "/api/v1/brands/cvijet/sources", "/api/v1/brands/{slug}/sources",
                 {"name": "cvijet-rss", "platform": "rss", "settings": {"url": "http://127.0.0.1:9/feed"},
                  "paused": True}, expect=201)
        api.call(root, "PATCH", "/api/v1/brands/cvijet/sources/cvijet-rss", "/api/v1/brands/{slug}/sources/{name}",
                 {"poll_interval_s": 3600})
        api.call(root, "DELETE", "/api/v1/brands/cvijet/sources/cvijet-rss", "/api/v1/brands/{slug}/sources/{name}",
                 expect=204)

        # Statistics.
        stats = api.call(ana, "GET", "/api/v1/stats?brand=zrno&bucket=hour", "/api/v1/stats")
        assert sum(b["posts"] for b in stats["buckets"]) == POSTS, stats
        api.call(ana, "GET", "/api/v1/stats", "/api/v1/stats")
        api.call(ana, "GET", "/api/v1/stats?brand=bora", "/api/v1/stats", expect=404)
        api.call(ana, "GET", "/api/v1/stats?from=yesterday", "/api/v1/stats", expect=400)

        # Users and tokens.
        users = api.call(root, "GET", "/api/v1/users", "/api/v1/users")
        assert [u["login"] for u in users["items"]] == ["root", "ana", "vid"], users
        assert [u["login"] for u in api.call(ana, "GET", "/api/v1/users", "/api/v1/users")["items"]] == ["ana"]
        api.call(root, "GET", "/api/v1/users/vid", "/api/v1/users/{login}")
        api.call(ana, "GET", "/api/v1/users/vid", "/api/v1/users/{login}", expect=404)
        api.call(root, "POST", "/api/v1/users", "/api/v1/users",
                 {"login": "mia", "name": "Mia", "brands": {"bora": "agent"}}, expect=201)
        api.call(root, "POST", "/api/v1/users", "/api/v1/users", {"login": "mia", "name": "Mia"}, expect=409)
        api.call(ana, "POST", "/api/v1/users", "/api/v1/users", {"login": "eve", "name": "Eve"}, expect=403)
        mia = api.call(root, "PATCH", "/api/v1/users/mia", "/api/v1/users/{login}",
                       {"brands": {"bora": None, "zrno": "viewer"}, "languages": ["bs"]})
        assert mia["brands"] == {"zrno": "viewer"} and mia["languages"] == ["bs"], mia
        api.call(root, "DELETE", "/api/v1/users/mia", "/api/v1/users/{login}", expect=204)
        api.call(root, "POST", "/api/v1/users/ana/password", "/api/v1/users/{login}/password",
                 {"password": "short"}, expect=400)
        api.call(root, "POST", "/api/v1/users/ana/password", "/api/v1/users/{login}/password",
                 {"password": "kafa-bez-secera-42"}, expect=204)
        made = api.call(ana, "POST", "/api/v1/tokens", "/api/v1/tokens", {"name": "script"}, expect=201)
        assert made["token"].startswith("odz_"), made
        listed = api.call(made["token"], "GET", "/api/v1/tokens", "/api/v1/tokens")["items"]
        assert made["id"] in [t["id"] for t in listed] and all("token" not in t for t in listed), listed
        api.call(ana, "DELETE", f"/api/v1/tokens/{made['id']}", "/api/v1/tokens/{id}", expect=204)
        api.call(made["token"], "GET", "/api/v1/tokens", "/api/v1/tokens", expect=401)
        api.call(vid, "DELETE", f"/api/v1/tokens/{made['id']}", "/api/v1/tokens/{id}", expect=404)

        # A session: signing in with the password just set, then out.
        api.call(None, "POST", "/api/v1/session", "/api/v1/session", {"login": "ana", "password": "wrong-password-1"},
                 expect=401)
        session, answer_headers = api.exchange(None, "POST", "/api/v1/session", "/api/v1/session",
                                               {"login": "ana", "password": "kafa-bez-secera-42"})
        cookie = answer_headers["Set-Cookie"].split(";")[0]
        assert cookie.startswith("odziv_session=") and session["user"]["login"] == "ana", session
        shown = api.call(None, "GET", "/api/v1/session", "/api/v1/session", headers={"Cookie": cookie})
        assert shown["via"] == "session" and shown["csrf_token"] == session["csrf_token"], shown
        assert api.call(ana, "GET", "/api/v1/session", "/api/v1/session")["via"] == "token"
        api.call(ana, "DELETE", "/api/v1/session", "/api/v1/session", expect=409)
        api.call(None, "DELETE", "/api/v1/session", "/api/v1/session", expect=204,
                 headers={"Cookie": cookie, "X-CSRF-Token": session["csrf_token"]})
        api.call(None, "GET", "/api/v1/session", "/api/v1/session", expect=401, headers={"Cookie": cookie})

        # Every documented route was called and its answer validated.
        documented = {(method.upper(), path) for path, ops in SPEC["paths"].items() for method in ops}
        missing = documented - api.checked
        assert not missing, f"documented routes not exercised: {sorted(missing)}"
        daemon.stop()
        daemon = None
    finally:
        if daemon:
            daemon.proc.kill()
    print(f"ok: {len(api.checked)} routes answered as docs/openapi.json describes")


if __name__ == "__main__":
    main()
