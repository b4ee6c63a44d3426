"""Helpers for integration tests that run the real odziv binary: temporary databases, a local HTTP
source serving a JSON Lines file, and starting, waiting for and killing daemons."""

import http.server
import os
import queue
import re
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time


class Workspace:
    """A temporary directory with a database path, removed by the test runner's temp cleanup."""

    def __init__(self, odziv):
        self.odziv = odziv
        self.dir = tempfile.mkdtemp(prefix="odziv-it-")
        self.db = os.path.join(self.dir, "odziv.db")

    def run(self, *args, check=True, stdin=None):
        """Runs `odziv ARGS --db DB` (for commands that take --db) and returns the CompletedProcess."""
        proc = subprocess.run([self.odziv, *args], input=stdin, capture_output=True, text=True,
                              env={**os.environ, "ODZIV_DB": self.db}, timeout=120)
        if check and proc.returncode != 0:
            raise AssertionError(f"odziv {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
        return proc

    def start_daemon(self, *extra):
        """Starts `odziv run` and returns the Popen once it has said it started (its lock is held); its
        `http_port` is the port its HTTP server bound."""
        proc = subprocess.Popen([self.odziv, "run", "--db", self.db, "--log-format", "text",
                                 "--http.listen", "127.0.0.1:0", *extra],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        proc.http_port = None
        for line in proc.stderr:
            listening = re.search(r"HTTP server listening on .* \(port (\d+)\)", line)
            if listening:
                proc.http_port = int(listening.group(1))
            if "odziv started on" in line:
                threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
                return proc
        raise AssertionError(f"daemon exited {proc.wait()} before starting")

    def query(self, sql, *params):
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()


class Daemon:
    """`odziv run` whose log lines the test waits on (the daemon says when it has done something).
    `on_line(line)`, when given, sees every line as it arrives, on the reader thread: tests that kill the
    daemon on a log line do it there. `env` replaces the environment; `preexec_fn` runs in the child."""

    def __init__(self, ws, *extra, on_line=None, env=None, preexec_fn=None, deadline_s=120):
        self.deadline_s = deadline_s
        self.on_line = on_line
        self.proc = subprocess.Popen([ws.odziv, "run", "--db", ws.db, "--log-format", "text",
                                      "--http.listen", "127.0.0.1:0", *extra], env=env, preexec_fn=preexec_fn,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.log = []  # every line so far, for failure messages
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            line = line.rstrip("\n")
            self.log.append(line)
            if self.on_line:
                self.on_line(line)
            self.lines.put(line)
        self.lines.put(None)

    def expect(self, pattern, exited_ok=False):
        """The first log line from now on matching `pattern`; fails after the deadline, and when the daemon
        exits first (or returns None then, with exited_ok)."""
        deadline = time.monotonic() + self.deadline_s
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no log line matching {pattern!r} within {self.deadline_s} s; "
                                     f"last lines: {self.log[-5:]}")
            if line is None:
                self.lines.put(None)  # later calls see the end too
                if exited_ok:
                    return None
                raise AssertionError(f"daemon exited {self.proc.wait()} before logging {pattern!r}; "
                                     f"last lines: {self.log[-5:]}")
            match = re.search(pattern, line)
            if match:
                return match

    def port(self):
        """The port of the daemon's HTTP server, from its log."""
        return int(self.expect(r"HTTP server listening on \S+ \(port (\d+)\)").group(1))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=60)
        assert status == 0, f"the daemon did not stop cleanly: {status}; last lines: {self.log[-5:]}"

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        return self.proc.wait(timeout=60)


class FileServer:
    """Serves one body at /posts.jsonl on loopback. `on_request(n)` runs after the n-th response is sent."""

    def __init__(self, body: bytes):
        self.body = body
        self.requests = 0
        self.on_request = None
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != "/posts.jsonl":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)
                self.wfile.flush()
                with server.lock:
                    server.requests += 1
                    n = server.requests
                if server.on_request:
                    server.on_request(n)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/posts.jsonl"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
