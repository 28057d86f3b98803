#!/usr/bin/env python3
"""Measures how a running Vigil server holds up against hostile clients (docs/benchmarks.md, "Hostile load").

  hostile.py URL INTAKE_KEY SERVER_PID [--threads 64] [--seconds 15]

1. Login flood: THREADS threads post wrong passwords to /api/v1/login for SECONDS seconds while one thread times
   GET /healthz; prints the answers the flood got and healthz latency percentiles.
2. Gzip bomb: a gzip body of about 250 KB that inflates to 250 MiB of `{},` inside a batch, twice at once, while
   healthz is timed; prints the answers, their time and the server's peak RSS growth (from /proc/PID/status).
Only the standard library: this machine reaches no PyPI.
"""
import argparse
import gzip
import io
import json
import threading
import time
import urllib.error
import urllib.request


def request(url, data=None, headers=None, timeout=120):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    start = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    except Exception as e:  # connection refused, reset, timeout: counted by name
        status = type(e).__name__
    return status, time.monotonic() - start


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class HealthProbe(threading.Thread):
    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.latencies = []
        self.failures = 0
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            status, seconds = request(self.url + "/healthz", timeout=60)
            if status == 200:
                self.latencies.append(seconds)
            else:
                self.failures += 1
            time.sleep(0.05)

    def report(self, label):
        ms = [s * 1000 for s in self.latencies]
        print(f"{label}: healthz p50 {percentile(ms, 50):.0f} ms, p99 {percentile(ms, 99):.0f} ms, "
              f"max {max(ms, default=float('nan')):.0f} ms over {len(ms)} probes, {self.failures} not 200")


def login_flood(url, threads, seconds):
    answers = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    body = json.dumps({"email": "admin@vigil.local", "password": "wrong-password-123"}).encode()

    def flood(index):
        while time.monotonic() < deadline:
            status, _ = request(url + "/api/v1/login", body, {"Content-Type": "application/json"}, timeout=60)
            with lock:
                answers[status] = answers.get(status, 0) + 1

    probe = HealthProbe(url)
    probe.start()
    workers = [threading.Thread(target=flood, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    probe.stop.set()
    probe.join()
    print(f"login flood ({threads} threads, {seconds} s): answers {dict(sorted(answers.items(), key=str))}")
    probe.report("login flood")


def gzip_bomb():
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as z:
        z.write(b'{"batchId":"bomb-0000-0001","agent":{"id":"bomb-agent-01","hostname":"h","version":"1",'
                b'"deployment":"linux"},"inventories":[')
        chunk = b"{}," * (1 << 20)
        for _ in range(83):  # 83 x 3 MiB = about 250 MiB
            z.write(chunk)
        z.write(b"{}]}")
    return out.getvalue()


def bomb(url, key, pid):
    body = gzip_bomb()
    before = rss_kib(pid)
    peak = [before]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(pid))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    probe = HealthProbe(url)
    probe.start()
    results = []

    def send():
        results.append(request(url + "/intake/v1/batches", body, {
            "Authorization": "Bearer " + key, "Content-Encoding": "gzip", "Content-Type": "application/json"},
            timeout=300))

    senders = [threading.Thread(target=send) for _ in range(2)]
    for s in senders:
        s.start()
    for s in senders:
        s.join()
    time.sleep(0.5)
    probe.stop.set()
    probe.join()
    done.set()
    watcher.join()
    print(f"gzip bomb ({len(body) // 1024} KiB inflating to 250 MiB, 2 at once): answers "
          + ", ".join(f"{status} in {seconds:.2f} s" for status, seconds in results)
          + f"; server RSS {before // 1024} MiB before, peak {peak[0] // 1024} MiB (+{(peak[0] - before) // 1024} MiB)")
    probe.report("gzip bomb")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("key")
    parser.add_argument("pid", type=int)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    login_flood(args.url, args.threads, args.seconds)
    bomb(args.url, args.key, args.pid)


if __name__ == "__main__":
    main()
