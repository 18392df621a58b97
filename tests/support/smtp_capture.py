#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for cartera's tests, writing what it accepts to a folder.

    smtp_capture.py DIR [--port 0] [--tls-cert C --tls-key K] [--require-tls]
                        [--auth USER:PASS] [--reject ADDR]... [--tempfail ADDR]...

Prints the port it listens on (127.0.0.1) as the first line of standard output. Every accepted
message becomes DIR/NNNN.eml (the bytes after SMTP's dot-unstuffing) and DIR/NNNN.json, a summary
parsed by Python's own email package, so the C++ side checks its MIME against an independent
reader: the decoded subject, from, to, message_id, text body, the attachments (filename,
content_type, size, sha256 of the decoded bytes), every parse defect, and whether the session was
encrypted and authenticated. The .json is renamed into place last: once it exists, both are
complete. aiosmtpd's log goes to DIR/server.log. SIGTERM or SIGINT stops the server, exit status 0.
"""

import argparse
import asyncio
import email
import email.policy
import hashlib
import json
import logging
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def summarize(raw: bytes) -> dict:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [type(d).__name__ for part in msg.walk() for d in part.defects]
    body = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    attachments = []
    for part in msg.iter_attachments():
        content = part.get_payload(decode=True) or b""
        attachments.append({
            "filename": part.get_filename() or "",
            "content_type": part.get_content_type(),
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        })
    return {
        "subject": str(msg.get("Subject", "")),
        "from": str(msg.get("From", "")),
        "to": str(msg.get("To", "")),
        "reply_to": str(msg.get("Reply-To", "")),
        "date": str(msg.get("Date", "")),
        "message_id": str(msg.get("Message-ID", "")),
        "content_type": msg.get_content_type(),
        # Line ends as LF whatever the transfer encoding kept, so that a test compares text.
        "text": body.get_content().replace("\r\n", "\n") if body is not None else "",
        "html": html.get_content().replace("\r\n", "\n") if html is not None else "",
        "attachments": attachments,
        "defects": defects,
    }


class Capture:
    def __init__(self, folder, reject, tempfail):
        self.folder = folder
        self.reject = {a.lower() for a in reject}
        self.tempfail = {a.lower() for a in tempfail}
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address.lower() in self.tempfail:
            return f"451 4.3.0 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.folder, f"{self.count:04d}")
        raw = envelope.original_content
        with open(stem + ".eml", "wb") as f:
            f.write(raw)
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "auth_user": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
        }
        try:
            summary.update(summarize(raw))
        except Exception as e:  # a message Python cannot parse is itself the finding
            summary["parse_error"] = repr(e)
        with open(stem + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False, indent=1)
        os.replace(stem + ".json.tmp", stem + ".json")
        return f"250 2.0.0 OK: queued as {self.count:04d}"


def authenticator_for(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    return authenticate


async def serve(args):
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    handler = Capture(args.dir, args.reject, args.tempfail)
    options = {
        # A fixed name: socket.getfqdn() may wait on DNS for seconds.
        "hostname": "cartera-test.localhost",
        "tls_context": tls,
        "require_starttls": args.require_tls,
    }
    if args.auth:
        options.update(authenticator=authenticator_for(args.auth), auth_required=True, auth_require_tls=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, loop=loop, **options), "127.0.0.1", args.port)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-tls", action="store_true")
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--reject", action="append", default=[], metavar="ADDRESS")
    parser.add_argument("--tempfail", action="append", default=[], metavar="ADDRESS")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.require_tls and not args.tls_cert:
        parser.error("--require-tls needs --tls-cert and --tls-key")
    os.makedirs(args.dir, exist_ok=True)
    # aiosmtpd logs the TLS handshakes tests fail on purpose with tracebacks: to a file, not to
    # the test's output.
    logging.basicConfig(filename=os.path.join(args.dir, "server.log"), level=logging.INFO)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
