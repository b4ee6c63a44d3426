#!/usr/bin/env python3
"""HTTPS in the daemon itself: with http.tls-cert and http.tls-key set (a self-signed certificate made
with `openssl req` for this run), a client that trusts only that certificate gets answers over TLS with
Strict-Transport-Security, signing in sets a Secure cookie, a plain HTTP request to the port is answered
400 https_required, and SIGTERM stops the daemon cleanly. A key that is not the certificate's, a missing
certificate file, or only one of the two settings stops `odziv run` with exit status 78 and a message
naming the setting and the file.

usage: tls_test.py ODZIV"""

import http.client
import json
import os
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Workspace  # noqa: E402

PASSWORD = "integration tls 1234"


def make_certificate(directory, name):
    cert = os.path.join(directory, f"{name}-cert.pem")
    key = os.path.join(directory, f"{name}-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-subj", "/CN=localhost", "-days", "1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def request(conn, method, path, body=None):
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def main():
    ws = Workspace(sys.argv[1])
    cert, key = make_certificate(ws.dir, "server")
    _, other_key = make_certificate(ws.dir, "other")
    ws.run("brand", "add", "zrno", "--name", "Zrno", "--db", ws.db)
    ws.run("user", "add", "ana", "--name", "Ana", "--brand", "zrno:agent", "--password-stdin", "--db", ws.db,
           stdin=PASSWORD + "\n")

    proc = ws.start_daemon("--http.tls-cert", cert, "--http.tls-key", key, "--http.hsts-max-age", "600")
    try:
        assert proc.http_port, "no HTTP server port in the log"
        trusting = ssl.create_default_context(cafile=cert)
        trusting.check_hostname = False  # the certificate names localhost; the daemon listens on 127.0.0.1

        def tls():
            return http.client.HTTPSConnection("127.0.0.1", proc.http_port, context=trusting, timeout=60)

        status, headers, body = request(tls(), "GET", "/healthz")
        assert status == 200 and json.loads(body)["database"] == "ok", (status, body)
        assert headers.get("Strict-Transport-Security") == "max-age=600", headers

        status, headers, body = request(tls(), "POST", "/api/v1/session", {"login": "ana", "password": PASSWORD})
        assert status == 200, (status, body)
        assert "; Secure" in headers["Set-Cookie"], headers["Set-Cookie"]

        plain = http.client.HTTPConnection("127.0.0.1", proc.http_port, timeout=60)
        status, _, body = request(plain, "GET", "/healthz")
        assert status == 400 and json.loads(body)["error"]["code"] == "https_required", (status, body)

        # A client that does not trust the certificate is refused; the daemon goes on.
        try:
            request(http.client.HTTPSConnection("127.0.0.1", proc.http_port, timeout=60), "GET", "/healthz")
            raise AssertionError("a client that distrusts the certificate got an answer")
        except ssl.SSLCertVerificationError:
            pass
        status, _, _ = request(tls(), "GET", "/healthz")
        assert status == 200, status
    finally:
        proc.terminate()
        code = proc.wait(timeout=60)
    assert code == 0, f"daemon exited {code} on SIGTERM"

    def refused(expected, *settings):
        done = ws.run("run", "--db", ws.db, "--http.listen", "127.0.0.1:0", *settings, check=False)
        assert done.returncode == 78, (done.returncode, done.stderr)
        assert expected in done.stderr, done.stderr

    refused(f"http.tls-key = '{other_key}' is not the key of the certificate in http.tls-cert = '{cert}'",
            "--http.tls-cert", cert, "--http.tls-key", other_key)
    missing = os.path.join(ws.dir, "missing.pem")
    refused(f"http.tls-cert = '{missing}' cannot be read", "--http.tls-cert", missing, "--http.tls-key", key)
    refused("http.tls-cert and http.tls-key must be set together", "--http.tls-key", key)
    print("ok: HTTPS with the configured certificate, Secure cookie, HSTS, plain HTTP refused, bad files named")


if __name__ == "__main__":
    main()
