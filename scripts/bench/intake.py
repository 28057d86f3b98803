#!/usr/bin/env python3
"""Intake throughput: posts copies of one spooled agent batch, each as a new agent (so every finding is new),
then the same agents again (every finding refreshed), and prints findings per second as the server reports them.

usage: intake.py SERVER_URL API_KEY SPOOLED_BATCH.json.gz [--agents N]
"""
import argparse
import gzip
import json
import time
import urllib.request
import uuid


def post(url, key, body):
    request = urllib.request.Request(url + "/intake/v1/batches", data=gzip.compress(json.dumps(body).encode()),
                                     method="POST", headers={"Authorization": "Bearer " + key,
                                                             "Content-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("key")
    parser.add_argument("batch")
    parser.add_argument("--agents", type=int, default=5)
    args = parser.parse_args()
    template = json.loads(gzip.open(args.batch).read())
    agents = [str(uuid.uuid4()) for _ in range(args.agents)]
    for label in ("new findings", "refreshed findings"):
        findings = 0
        start = time.monotonic()
        for agent in agents:
            template["batchId"] = str(uuid.uuid4())
            template["agent"]["id"] = agent
            findings += post(args.url, args.key, template)["findings"]
        elapsed = time.monotonic() - start
        print(f"{label}: {findings} findings in {elapsed:.2f} s = {findings / elapsed:,.0f} findings/s "
              f"({args.agents} batches of one host inventory each, matching included)")


if __name__ == "__main__":
    main()
