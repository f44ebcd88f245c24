"""Echo load for bench/udp.sh, the same for every server: one UDP socket keeps WINDOW datagrams
of SIZE bytes in flight to 127.0.0.1:PORT for SECONDS and counts the echoes that come back
intact. When nothing comes for 0.2 s the datagrams in flight count as lost and the window
refills. Prints `echoes N seconds S lost L bad B`.

Usage: load.py PORT SECONDS [WINDOW [SIZE]]   (default 64 datagrams of 64 bytes)
With SECONDS 0 it checks one echo and exits 0 if it came back intact (the readiness probe)."""
import socket
import sys
import time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
window = int(sys.argv[3]) if len(sys.argv) > 3 else 64
size = int(sys.argv[4]) if len(sys.argv) > 4 else 64
payload = bytes(i % 251 for i in range(size))

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
sock.connect(('127.0.0.1', port))
sock.settimeout(0.2)

if seconds == 0:
    sock.send(payload)
    try:
        sys.exit(0 if sock.recv(65536) == payload else 1)
    except OSError:
        sys.exit(1)

in_flight = echoes = lost = bad = 0
start = time.perf_counter()
end = start + seconds
while time.perf_counter() < end:
    while in_flight < window:
        sock.send(payload)
        in_flight += 1
    try:
        data = sock.recv(65536)
    except socket.timeout:
        lost += in_flight
        in_flight = 0
        continue
    in_flight -= 1
    if data == payload:
        echoes += 1
    else:
        bad += 1
print(f'echoes {echoes} seconds {time.perf_counter() - start:.2f} lost {lost} bad {bad}')
