#!/usr/bin/env python3
"""A real SMTP server on loopback for tests (aiosmtpd, from Debian's python3-aiosmtpd). Prints
`port N` once it listens, then one JSON line per message received: {"from", "to", "data"} (data base64).
With --user/--password it requires AUTH (plain text allowed: loopback only). Exits when stdin closes."""

import argparse
import asyncio
import base64
import json
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    async def handle_DATA(self, server, session, envelope):
        print(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                          "data": base64.b64encode(envelope.original_content).decode()}), flush=True)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        # handled=False makes aiosmtpd answer 535 itself on failure.
        return AuthResult(success=ok, handled=ok)

    loop = asyncio.new_event_loop()
    kwargs = {}
    if args.user:
        kwargs = dict(authenticator=authenticate, auth_required=True, auth_require_tls=False)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(Sink(), **kwargs), "127.0.0.1", 0))
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(loop.stop)), daemon=True).start()
    loop.run_forever()


if __name__ == "__main__":
    main()
