#!/usr/bin/env python3
"""Key server stand-in for tests/integration/discovery.test.sh, on loopback only.

usage: discovery_server.py WWW_DIR HTTP_PORT HTTPS_PORT CERT KEY

Serves files of WWW_DIR over HTTP and HTTPS (the query string is ignored), and these
hostile paths: /redirect-host (302 to another host), /redirect-file (302 to file:),
/big (500 MB of zeros, no Content-Length), /slow (headers, then one byte per second).
Each finished or aborted /big response is noted in WWW_DIR/../big.log with the bytes sent.
"""
import http.server
import os
import ssl
import sys
import threading
import time

WWW, CERT, KEY = sys.argv[1], sys.argv[4], sys.argv[5]
HTTP_PORT, HTTPS_PORT = int(sys.argv[2]), int(sys.argv[3])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        special = {"/redirect-host": self.redirect_host, "/redirect-file": self.redirect_file,
                   "/big": self.big, "/slow": self.slow}
        if path in special:
            return special[path]()
        file = os.path.normpath(os.path.join(WWW, path.lstrip("/")))
        if not file.startswith(os.path.abspath(WWW)) or not os.path.isfile(file):
            return self.reply(404, b"not found")
        with open(file, "rb") as f:
            self.reply(200, f.read())

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect_host(self):
        where = "http://elsewhere.sealpost.test:%d/keys/bob.pgp" % HTTP_PORT
        self.reply(302, b"", [("Location", where)])

    def redirect_file(self):
        self.reply(302, b"", [("Location", "file:///etc/passwd")])

    def big(self):
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        sent, chunk = 0, b"\0" * 65536
        try:
            while sent < 500 * 1024 * 1024:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        with open(os.path.join(WWW, "..", "big.log"), "a") as log:
            log.write("%d\n" % sent)
        self.close_connection = True

    def slow(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(1000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass
        self.close_connection = True


def serve(port, tls):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(CERT, KEY)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


threading.Thread(target=serve, args=(HTTPS_PORT, True), daemon=True).start()
serve(HTTP_PORT, False)
