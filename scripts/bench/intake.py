#!/usr/bin/env python3
"""Intake throughput: posts copies of one spooled agent batch, each as a new agent (so every finding is new),
then the same agents again (every finding refreshed), and prints findings per second as the server reports them.

With a server that queues batches (vigil server --queue kafka://...), answers are "queued" without a findings
count: pass --token (a session token or read API key) and the script also waits until the workers stored every
batch (each agent's lastSeen passed the round's start) and reads the new findings from /api/v1/findings.

With --parallel N, N batches are in flight at once (as a fleet's agents send them), so the server can match one
batch while it stores another.

usage: intake.py SERVER_URL API_KEY SPOOLED_BATCH.json.gz [--agents N] [--parallel N] [--token TOKEN]
"""
import concurrent.futures
import copy
import argparse
import datetime
import gzip
import json
import time
import urllib.request
import uuid


def post(url, key, data):
    request = urllib.request.Request(url + "/intake/v1/batches", data=data,
                                     method="POST", headers={"Authorization": "Bearer " + key,
                                                             "Content-Type": "application/json",
                                                             "Content-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


def get(url, token, path):
    request = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


def open_findings(url, token):
    return get(url, token, "/api/v1/findings?status=open&limit=1")["total"]


def wait_stored(url, token, agents, since):
    """Until every agent's lastSeen is at or after `since` (seconds): the workers stored its batch."""
    while True:
        seen = {a["id"]: datetime.datetime.fromisoformat(a["lastSeen"]).timestamp()
                for a in get(url, token, "/api/v1/agents")["agents"]}
        if all(seen.get(agent, 0) >= since for agent in agents):
            return
        time.sleep(0.02)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("key")
    parser.add_argument("batch")
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--token")
    args = parser.parse_args()
    template = json.loads(gzip.open(args.batch).read())
    agents = [str(uuid.uuid4()) for _ in range(args.agents)]
    per_batch = None
    for label in ("new findings", "refreshed findings"):
        findings = 0
        queued = False
        before = open_findings(args.url, args.token) if args.token else 0
        # the requests are encoded and compressed before the clock starts: it times the server, not this script
        bodies = {}
        for agent in agents:
            body = copy.copy(template)
            body["batchId"] = str(uuid.uuid4())
            body["agent"] = dict(template["agent"], id=agent)
            bodies[agent] = gzip.compress(json.dumps(body).encode())
        start_wall = time.time() - 0.001
        start = time.monotonic()

        def send(agent):
            return post(args.url, args.key, bodies[agent])

        with concurrent.futures.ThreadPoolExecutor(max_workers=args.parallel) as pool:
            for answer in pool.map(send, agents):
                queued |= answer["status"] == "queued"
                findings += answer.get("findings", 0)
        answered = time.monotonic() - start
        if queued:
            if not args.token:
                raise SystemExit("the server queues batches: pass --token to wait until they are stored")
            wait_stored(args.url, args.token, agents, start_wall)
            if per_batch is None:
                per_batch = (open_findings(args.url, args.token) - before) / len(agents)
            findings = int(per_batch * len(agents))
        elapsed = time.monotonic() - start
        print(f"{label}: {findings} findings in {elapsed:.2f} s = {findings / elapsed:,.0f} findings/s "
              f"({args.agents} batches of one host inventory each, {args.parallel} at a time, matching included"
              + (f"; all {args.agents} answered 'queued' within {answered:.2f} s)" if queued else ")"))


if __name__ == "__main__":
    main()
