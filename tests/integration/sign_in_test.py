#!/usr/bin/env python3
"""Signing in to the real daemon over HTTP: a user added with `odziv user add --password-stdin` signs in and
gets an HttpOnly session cookie; the session answers who is signed in; a change without the CSRF token is
refused and with it succeeds; an API token made on the command line works until `odziv user token --revoke`;
repeated wrong passwords are answered 429 with Retry-After; no session or token text is in the database
files, and the failures are logged with login and address but never the password.

usage: sign_in_test.py ODZIV"""

import http.client
import json
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Workspace  # noqa: E402

PASSWORD = "integration sign-in 7"
WRONG = "not-the-password-42"


class Client:
    def __init__(self, port):
        self.port = port

    def send(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data,
                         headers={"Content-Type": "application/json", **(headers or {})})
            response = conn.getresponse()
            text = response.read().decode()
            return response.status, dict(response.getheaders()), (json.loads(text) if text else None)
        finally:
            conn.close()


def main():
    ws = Workspace(sys.argv[1])
    ws.run("brand", "add", "zrno", "--name", "Zrno", "--db", ws.db)
    ws.run("user", "add", "ana", "--name", "Ana", "--brand", "zrno:agent", "--password-stdin", "--db", ws.db,
           stdin=PASSWORD + "\n")
    token = ws.run("user", "token", "ana", "--name", "script", "--db", ws.db).stdout.splitlines()[0]
    assert token.startswith("odz_"), token

    proc = subprocess.Popen([ws.odziv, "run", "--db", ws.db, "--log-format", "text",
                             "--http.listen", "127.0.0.1:0"],
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
    lock = threading.Condition()

    def read_log():
        for line in proc.stderr:
            with lock:
                log.append(line)
                lock.notify_all()

    threading.Thread(target=read_log, daemon=True).start()
    try:
        api = Client(port)
        status, headers, body = api.send("POST", "/api/v1/session", {"login": "ana", "password": PASSWORD})
        assert status == 200, (status, body)
        cookie_header = headers["Set-Cookie"]
        assert "HttpOnly" in cookie_header and "SameSite=Strict" in cookie_header, cookie_header
        cookie = cookie_header.split(";")[0]
        csrf = body["csrf_token"]
        assert body["user"]["login"] == "ana"
        assert body["user"]["brands"] == [{"id": 1, "slug": "zrno", "name": "Zrno", "role": "agent"}], body

        status, _, me = api.send("GET", "/api/v1/session", headers={"Cookie": cookie})
        assert status == 200 and me["via"] == "session", (status, me)

        status, _, body = api.send("POST", "/api/v1/tokens", {"name": "web"}, headers={"Cookie": cookie})
        assert status == 403 and body["error"]["code"] == "permission_denied", (status, body)
        status, _, made = api.send("POST", "/api/v1/tokens", {"name": "web"},
                                   headers={"Cookie": cookie, "X-CSRF-Token": csrf})
        assert status == 201 and made["token"].startswith("odz_"), (status, made)

        status, _, me = api.send("GET", "/api/v1/session", headers={"Authorization": f"Bearer {token}"})
        assert status == 200 and me["via"] == "token", (status, me)
        listed = ws.run("user", "token", "ana", "--list", "--db", ws.db).stdout
        token_id = next(line.split()[0] for line in listed.splitlines() if " script " in line)
        ws.run("user", "token", "ana", "--revoke", token_id, "--db", ws.db)
        status, _, _ = api.send("GET", "/api/v1/session", headers={"Authorization": f"Bearer {token}"})
        assert status == 401, status

        for _ in range(5):
            status, _, body = api.send("POST", "/api/v1/session", {"login": "ana", "password": WRONG})
            assert status == 401 and body["error"]["message"] == "wrong login or password", (status, body)
        status, headers, body = api.send("POST", "/api/v1/session", {"login": "ana", "password": PASSWORD})
        assert status == 429 and int(headers["Retry-After"]) > 0, (status, headers, body)
        status, _, _ = api.send("GET", "/api/v1/session", headers={"Cookie": cookie})
        assert status == 200, status  # the limit holds up sign-ins, not sessions already open

        with lock:
            assert lock.wait_for(lambda: sum("sign-in refused for login 'ana'" in l for l in log) == 5, timeout=60), \
                "".join(log)
        assert not any(WRONG in line or PASSWORD in line for line in log), "a password reached the log"
    finally:
        proc.terminate()
        proc.wait(timeout=60)

    stored = b""
    for name in os.listdir(ws.dir):
        with open(os.path.join(ws.dir, name), "rb") as f:
            stored += f.read()
    for secret in (token, made["token"], cookie.split("=", 1)[1], PASSWORD, WRONG):
        assert secret.encode() not in stored, "a secret is stored in the database files"
    events = [row[0] for row in ws.query("SELECT action FROM audit_events WHERE action LIKE 'session.%'")]
    assert events.count("session.sign_in") == 1 and events.count("session.sign_in_failed") == 5, events
    print("ok: sign-in, CSRF, API tokens, revocation, rate limit and audit over real HTTP")


if __name__ == "__main__":
    main()
