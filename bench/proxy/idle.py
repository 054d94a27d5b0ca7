#!/usr/bin/env python3
"""Opens COUNT keep-alive connections to 127.0.0.1:PORT, one request each, and holds them idle
while the caller samples the proxy's memory; prints "ready" when all are open, exits on stdin EOF."""
import socket
import sys

port, count = int(sys.argv[1]), int(sys.argv[2])
request = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
held = []
for _ in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request)
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("connection closed after %d" % len(held))
        answer += chunk
    held.append(s)
print("ready", len(held), flush=True)
sys.stdin.read()
