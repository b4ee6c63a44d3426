#!/usr/bin/env python3
"""The daemon's life: it starts, answers /healthz, polls a source that the CLI adds while it runs (no
restart), re-reads its configuration on SIGHUP (keeping the old one when the new one is bad), and exits 0
on SIGTERM. Each step waits for the daemon's own log line, never for a fixed time.

usage: daemon_lifecycle_test.py ODZIV"""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from odziv_process import Workspace  # noqa: E402


class Daemon:
    def __init__(self, ws, config):
        self.lines = queue.Queue()
        self.proc = subprocess.Popen([ws.odziv, "run", "--config", config, "--log-format", "text"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, "ODZIV_DB": ws.db})
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, pattern, timeout=60):
        """Returns the first log line matching `pattern`; fails on exit or after `timeout` seconds."""
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no log line matching {pattern!r} within {timeout} s")
            if line is None:
                raise AssertionError(f"daemon exited {self.proc.wait()} before logging {pattern!r}")
            print(f"  daemon: {line}")
            match = re.search(pattern, line)
            if match:
                return match


def main():
    ws = Workspace(sys.argv[1])
    feed = os.path.join(ws.dir, "feed.jsonl")
    with open(feed, "w") as f:
        for i in range(6):
            f.write(json.dumps({"id": f"l{i}", "text": f"pitanje {i}: radite li nedjeljom?"}) + "\n")
    config = os.path.join(ws.dir, "odziv.conf")
    with open(config, "w") as f:
        f.write(f"db = {ws.db}\n[http]\nlisten = 127.0.0.1:0\n")
    ws.run("brand", "add", "zrno", "--name", "Zrno", "--db", ws.db)

    daemon = Daemon(ws, config)
    port = daemon.expect(r"HTTP server listening on .* \(port (\d+)\)").group(1)
    daemon.expect(r"odziv started on")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
        health = json.load(response)
    assert response.status == 200 and health["status"] == "ok" and health["database"] == "ok", health

    # A source added while the daemon runs is picked up without a restart.
    ws.run("source", "add", "live", "--brand", "zrno", "--platform", "replay", "--interval", "1",
           "--set", f"file={feed}", "--set", "batch=6", "--db", ws.db)
    daemon.expect(r"source live \(replay\) scheduled")
    daemon.expect(r"source live: fetched 6, new 6")
    (count,) = ws.query("SELECT COUNT(*) FROM posts")[0]
    assert count == 6, count

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        metrics = response.read().decode()
    assert re.search(r"^odziv_posts_stored_total 6$", metrics, re.M), metrics

    # SIGHUP with a bad file keeps the running configuration; with a good one applies it.
    with open(config, "w") as f:
        f.write(f"db = {ws.db}\n[scheduler]\njitter = 9\n")
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.expect(r"configuration not reloaded.*scheduler\.jitter")
    with open(config, "w") as f:
        f.write(f"db = {ws.db}\nlog-level = debug\n[http]\nlisten = 127.0.0.1:0\n")
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.expect(r"configuration reloaded")
    daemon.expect(r"source live: nothing new")  # a debug line: the new log level is in force

    daemon.proc.send_signal(signal.SIGTERM)
    daemon.expect(r"received SIGTERM")
    status = daemon.proc.wait(timeout=30)
    assert status == 0, f"exit status {status} after SIGTERM"
    print("ok: healthz, live source, metrics, reload, SIGTERM")


if __name__ == "__main__":
    main()
