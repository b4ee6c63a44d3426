#!/usr/bin/env python3
"""No secret leaves odziv: a source with a platform token, a brand with an SMTP password, a Slack webhook URL
(its path is the secret) and a signing secret, a user with a password and an API token. The daemon polls the
source against a hostile fake platform that refuses the token and repeats it in its error body, and answers
every /api/v1 list, the brand and source views, errors (a wrong token, a pasted secret), /metrics and
/healthz. None of the secrets may appear in the daemon's log, in any HTTP answer, in `odziv config export`,
`brand show` or `source show`, or in the database files: the database holds only the secret references
(env:NAME) and the hashes of the password and the token.

usage: secrets_test.py ODZIV"""

import http.client
import http.server
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Daemon, Workspace  # noqa: E402

SECRETS = {
    "ODZIV_IT_X_TOKEN": "xtok-5ecret-AAAA-1111",
    "ODZIV_IT_SMTP_PASSWORD": "smtp-5ecret-BBBB-2222",
    "ODZIV_IT_HOOK_SECRET": "hook-5ecret-DDDD-4444",
}
SLACK_PATH = "slack5ecretCCCC3333"
PASSWORD = "user-5ecret-EEEE-5555"
PASTED = "pasted-5ecret-FFFF-6666"


class SlackReceiver:
    """A Slack incoming webhook on loopback: records the messages posted to it and answers "ok"."""

    def __init__(self):
        self.messages = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.messages.append(self.path + " " + self.rfile.read(int(self.headers["Content-Length"])).decode())
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/services/T0000/B0000/{SLACK_PATH}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


class HostilePlatform:
    """Answers every request 401 with the bearer token it was sent repeated in the error body, and records
    the tokens it saw (which prove that the daemon did use the secret)."""

    def __init__(self):
        self.seen = []
        platform = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                token = self.headers.get("Authorization", "")
                platform.seen.append(token)
                body = json.dumps({"title": "Unauthorized", "type": "about:blank", "status": 401,
                                   "detail": f"token {token} is not valid; you sent {token}"}).encode()
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def send(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        data = body.encode() if isinstance(body, str) else (json.dumps(body).encode() if body is not None else None)
        conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        head = "".join(f"{k}: {v}\n" for k, v in response.getheaders())
        return response.status, head + response.read().decode(errors="replace")
    finally:
        conn.close()


def assert_clean(where, text, secrets):
    for secret in secrets:
        assert secret not in text, f"a secret ({secret[:8]}…) appears in {where}"


def main():
    slack = SlackReceiver()
    SECRETS["ODZIV_IT_SLACK_WEBHOOK"] = slack.url
    os.environ.update(SECRETS)
    ws = Workspace(sys.argv[1])
    platform = HostilePlatform()
    routes = {
        "source_health": {"route": "team"},
        "routes": {
            "team": {"type": "slack", "webhook_url": "env:ODZIV_IT_SLACK_WEBHOOK"},
            "manager": {"type": "email", "host": "127.0.0.1", "port": 1, "security": "none",
                        "username": "alerts@zrno.ba", "password": "env:ODZIV_IT_SMTP_PASSWORD",
                        "from": "alerts@zrno.ba", "to": ["manager@zrno.ba"]},
            "assignee": {"type": "webhook", "url": "http://127.0.0.1:1/hook", "secret": "env:ODZIV_IT_HOOK_SECRET"},
        }
    }
    ws.run("brand", "add", "zrno", "--name", "Zrno", "--db", ws.db)
    ws.run("brand", "update", "zrno", "--settings", json.dumps(routes), "--db", ws.db)
    ws.run("source", "add", "zrno-x", "--brand", "zrno", "--platform", "x", "--set", "query=zrno",
           "--set", f"base_url={platform.url}", "--set", "token=env:ODZIV_IT_X_TOKEN", "--interval", "60",
           "--db", ws.db)
    ws.run("user", "add", "ana", "--name", "Ana", "--brand", "zrno:lead", "--admin", "--password-stdin",
           "--db", ws.db, stdin=PASSWORD + "\n")
    api_token = ws.run("user", "token", "ana", "--name", "script", "--db", ws.db).stdout.splitlines()[0]
    everything = [*SECRETS.values(), SLACK_PATH, PASSWORD, api_token, PASTED]
    # The daemon is given the secrets (it must use them); the checks are about what it gives back.
    pasted = ws.run("source", "add", "zrno-x2", "--brand", "zrno", "--platform", "x", "--set", "query=z",
                    "--set", f"token={PASTED}", "--db", ws.db, check=False)
    assert pasted.returncode != 0, "a pasted token was accepted"
    assert_clean("the refusal of a pasted token", pasted.stdout + pasted.stderr, everything)
    for command in (["config", "export"], ["brand", "show", "zrno", "--json"], ["source", "show", "zrno-x", "--json"],
                    ["source", "list", "--json"], ["user", "list", "--json"]):
        out = ws.run(*command, "--db", ws.db)
        assert_clean(f"odziv {' '.join(command)}", out.stdout + out.stderr, everything)

    daemon = Daemon(ws, "--log-level", "debug")
    port = daemon.port()
    answers = []
    try:
        # The poll: the platform refuses the token and repeats it; the source needs a person afterwards.
        daemon.expect(r"zrno-x.*(needs|401|credential)|(needs|401|credential).*zrno-x")
        assert f"Bearer {SECRETS['ODZIV_IT_X_TOKEN']}" in platform.seen, platform.seen
        # The source_unhealthy alert goes to Slack with the source's last error, which must not carry the token
        # the platform repeated.
        daemon.expect(r"alerts: [1-9]\d* sent")
        assert slack.messages and all(m.startswith(f"/services/T0000/B0000/{SLACK_PATH} ") for m in slack.messages)
        for message in slack.messages:
            assert_clean("the Slack message", message.split(" ", 1)[1], everything)

        auth = {"Authorization": f"Bearer {api_token}"}
        for path in ("/api/v1/brands", "/api/v1/brands/zrno", "/api/v1/brands/zrno/sources", "/api/v1/posts",
                     "/api/v1/cases", "/api/v1/alerts", "/api/v1/queue", "/api/v1/users", "/api/v1/users/ana",
                     "/api/v1/tokens", "/api/v1/session", "/api/v1/changes", "/api/v1/stats?brand=zrno"):
            status, text = send(port, "GET", path, headers=auth)
            assert status == 200, (path, status, text)
            answers.append((path, text))
        for path in ("/metrics", "/healthz"):
            answers.append((path, send(port, "GET", path)[1]))
        # Errors: a wrong token that looks like one, a pasted secret in a source, a bad sign-in.
        status, text = send(port, "GET", "/api/v1/brands", headers={"Authorization": f"Bearer odz_{PASTED}"})
        assert status == 401, (status, text)
        answers.append(("a wrong token", text))
        status, text = send(port, "PATCH", "/api/v1/brands/zrno/sources/zrno-x", {"settings": {"token": PASTED}},
                            headers=auth)
        assert status == 400, (status, text)
        answers.append(("a pasted secret", text))
        status, text = send(port, "POST", "/api/v1/session", {"login": "ana", "password": PASTED})
        assert status == 401, (status, text)
        answers.append(("a wrong password", text))
        status, text = send(port, "POST", "/api/v1/brands", '{"slug": "' + PASTED, headers=auth)
        assert status == 400, (status, text)
        answers.append(("a broken body", text))
    finally:
        daemon.stop()

    for where, text in answers:
        assert_clean(where, text, everything)
    assert_clean("the daemon's log", "\n".join(daemon.log), everything)

    stored = b""
    for name in os.listdir(ws.dir):
        with open(os.path.join(ws.dir, name), "rb") as f:
            stored += f.read()
    for secret in everything:
        assert secret.encode() not in stored, f"a secret ({secret[:8]}…) is stored in the database files"
    assert b"env:ODZIV_IT_X_TOKEN" in stored and b"env:ODZIV_IT_SMTP_PASSWORD" in stored
    print("ok: no token, password, webhook URL or signing secret in logs, answers, exports or the database")


if __name__ == "__main__":
    main()
