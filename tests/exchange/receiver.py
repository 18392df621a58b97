#!/usr/bin/env python3
"""An idempotent HTTP receiver, as a real process, for the exchange's integration tests.

It accepts POST on any path and requires an Idempotency-Key header. Every request it answers is
appended to the log as one JSON line:

    {"seq": n, "key": ... or null, "path": ..., "new": true|false, "status": code, "sha256": body hash}

A key is accepted once (status 200, "new": true); the same key again is answered 200 with
"new": false ("already have it"). The first K requests this process receives (--fail-first K,
all requests counted) are answered with --fail-status instead, and not accepted. At start the
receiver reads the log to learn which keys it already has, so a test may stop it, let cartera
retry, and start it again on the same log. "seq" keeps counting across restarts.

With --port 0 it binds an ephemeral port and writes the number to --port-file (atomically: a
temporary file renamed into place), which tells a test it is ready. SIGTERM (and SIGINT) stop it
cleanly, with exit status 0. Standard library only.
"""

import argparse
import hashlib
import http.server
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time


class Receiver:
    """What the receiver knows and remembers; every decision is taken under one lock."""

    def __init__(self, log_path, fail_first, fail_status):
        self.log_path = log_path
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.lock = threading.Lock()
        self.received = 0  # requests this process has received, for --fail-first
        self.seq = 0
        self.accepted = set()
        if os.path.exists(log_path):
            with open(log_path, encoding="utf-8") as f:
                for line in f:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue  # a line cut short by a killed receiver
                    self.seq = max(self.seq, entry.get("seq", 0))
                    if entry.get("status") == 200 and entry.get("key"):
                        self.accepted.add(entry["key"])
        self.log = open(log_path, "a", encoding="utf-8")

    def decide(self, key, path, body):
        """Returns the log entry (and the reply) for one request."""
        with self.lock:
            self.received += 1
            self.seq += 1
            entry = {"seq": self.seq, "key": key, "path": path, "new": False,
                     "sha256": hashlib.sha256(body).hexdigest()}
            if self.received <= self.fail_first:
                entry["status"] = self.fail_status
            elif not key:
                entry["status"] = 400
            else:
                entry["status"] = 200
                entry["new"] = key not in self.accepted
                self.accepted.add(key)
            self.log.write(json.dumps(entry, sort_keys=True) + "\n")
            self.log.flush()
            os.fsync(self.log.fileno())
            return entry

    def close(self):
        with self.lock:  # no request is halfway through writing its line
            self.log.close()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a connection may stay silent
    server_version = "receiver.py"

    def do_POST(self):
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.answer(411, {"error": "a Content-Length is required"})
            return
        body = self.rfile.read(int(length))
        if self.server.delay:
            # A slow receiver: a client killed while waiting leaves a request it still takes.
            time.sleep(self.server.delay)
        entry = self.server.receiver.decide(self.headers.get("Idempotency-Key"), self.path, body)
        if entry["status"] == 400:
            entry["error"] = "the Idempotency-Key header is required"
        self.answer(entry["status"], entry)

    def do_GET(self):
        self.answer(405, {"error": "only POST is accepted"})

    def answer(self, status, payload):
        data = (json.dumps(payload, sort_keys=True) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if self.server.verbose:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    delay = 0.0  # seconds to wait before taking each request (--delay-ms)
    tls = None  # an ssl.SSLContext when serving HTTPS

    def get_request(self):
        sock, address = self.socket.accept()
        if self.tls:
            # The handshake happens on the connection's own thread, at its first read, so a
            # client that never completes it cannot hold up the accepting thread.
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)


def write_port_file(path, port):
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(f"{port}\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="0 = an ephemeral port (see --port-file)")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--log", required=True, help="JSON lines, one per request; read again at start")
    parser.add_argument("--fail-first", type=int, default=0, metavar="K")
    parser.add_argument("--fail-status", type=int, default=503)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--port-file", help="where to write the bound port once listening")
    parser.add_argument("--verbose", action="store_true", help="log requests and errors to stderr")
    parser.add_argument("--delay-ms", type=int, default=0, help="wait this long before taking each request")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.port == 0 and not args.port_file:
        parser.error("--port 0 needs --port-file")

    # SIGTERM becomes SystemExit in the main thread, which leaves serve_forever below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    Server.address_family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    server = Server((args.bind, args.port), Handler)
    server.verbose = args.verbose
    server.delay = args.delay_ms / 1000.0
    server.receiver = Receiver(args.log, args.fail_first, args.fail_status)
    if args.tls_cert:
        server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.tls.load_cert_chain(args.tls_cert, args.tls_key)
    if args.port_file:
        write_port_file(args.port_file, server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.receiver.close()


if __name__ == "__main__":
    main()
