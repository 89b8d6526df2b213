#!/usr/bin/env python3
"""Loopback listeners for tests/net-check.sh: one that accepts, a port where nothing listens, and N
listeners whose accept queue is full, so the kernel drops further SYNs and connects time out.

Writes "open PORT", "closed PORT" and "full PORT..." lines to the file given, then waits for SIGTERM."""
import select
import signal
import socket
import sys

out, n_full = sys.argv[1], int(sys.argv[2])
keep = []

opened = socket.socket()
opened.bind(("127.0.0.1", 0))
opened.listen(16)
keep.append(opened)

closed = socket.socket()
closed.bind(("127.0.0.1", 0))
closed_port = closed.getsockname()[1]
closed.close()  # nothing listens there now: connects are refused

full_ports = []
for _ in range(n_full):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    keep.append(srv)
    for _ in range(8):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        keep.append(c)
    full_ports.append(port)
select.select([], [], [], 0.2)  # let the kernel settle the handshakes it completes

# Prove the trick works on this kernel: a connect to a full queue must not complete.
for port in full_ports:
    probe = socket.socket()
    probe.settimeout(0.5)
    try:
        probe.connect(("127.0.0.1", port))
        sys.exit(f"the accept queue of port {port} is not full on this kernel")
    except socket.timeout:
        pass
    finally:
        probe.close()

with open(out + ".tmp", "w") as f:
    f.write(f"open {opened.getsockname()[1]}\nclosed {closed_port}\nfull {' '.join(map(str, full_ports))}\n")
import os
os.rename(out + ".tmp", out)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    signal.pause()
