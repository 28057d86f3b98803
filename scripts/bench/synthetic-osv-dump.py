#!/usr/bin/env python3
"""Writes a synthetic OSV all.zip shaped like the public Debian dump, for import and scan benchmarks.

The public dump (https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip) holds about 60,000
DEBIAN-CVE/DSA/DLA records; this machine cannot reach it, so the benchmark uses one of the same size and
shape: each record names a source package (a real one from the given dpkg status file, or a made-up one),
affects two or three releases with an ECOSYSTEM range, and carries details, aliases, references and a
CVSS vector like the real records. Fixed versions are drawn so that some installed packages match.

usage: synthetic-osv-dump.py OUT.zip [--records N] [--status var/lib/dpkg/status] [--seed S]
"""
import argparse
import json
import random
import re
import zipfile


def source_packages(status_path):
    sources = {}
    if not status_path:
        return sources
    name = source = version = None
    with open(status_path, encoding="utf-8", errors="replace") as status:
        for line in list(status) + ["\n"]:
            if line == "\n":
                if name and version:
                    src = source or name
                    m = re.match(r"^(\S+) \((.+)\)$", src)
                    sources[m.group(1) if m else src] = m.group(2) if m else version
                name = source = version = None
            elif line.startswith("Package: "):
                name = line[9:].strip()
            elif line.startswith("Source: "):
                source = line[8:].strip()
            elif line.startswith("Version: "):
                version = line[9:].strip()
    return sources


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--records", type=int, default=60000)
    parser.add_argument("--status")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    real = source_packages(args.status)
    real_names = sorted(real)
    made_up = [f"lib{w}{i}" for i, w in enumerate(["foo", "bar", "baz", "qux", "zap"] * 1200)]
    with zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED) as dump:
        for n in range(args.records):
            year = 1999 + n % 27
            cve = f"CVE-{year}-{10000 + n}"
            if real_names and rnd.random() < 0.6:
                package = rnd.choice(real_names)
                installed = real[package]
                # half fixed in a later version (the installed one is affected), half already fixed
                fixed = installed + "+deb12u9" if rnd.random() < 0.1 else "0.1-1"
            else:
                package = rnd.choice(made_up)
                fixed = f"{rnd.randint(1, 9)}.{rnd.randint(0, 20)}-{rnd.randint(1, 5)}"
            affected = []
            for release in rnd.sample(["11", "12", "13"], rnd.randint(2, 3)):
                events = [{"introduced": "0"}]
                if rnd.random() < 0.85:
                    events.append({"fixed": fixed})
                affected.append({
                    "package": {"ecosystem": f"Debian:{release}", "name": package,
                                "purl": f"pkg:deb/debian/{package}?arch=source"},
                    "ranges": [{"type": "ECOSYSTEM", "events": events}],
                    "versions": [],
                })
            record = {
                "schema_version": "1.7.0",
                "id": f"DEBIAN-{cve}",
                "upstream": [cve],
                "modified": "2026-11-01T00:00:00Z",
                "published": f"{year}-06-01T00:00:00Z",
                "details": f"A flaw was found in {package} that allows a remote attacker to cause a denial of"
                           f" service or possibly execute arbitrary code via a crafted input ({n}).",
                "affected": affected,
                "severity": [{"type": "CVSS_V3",
                              "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H"}] if n % 3 == 0 else [],
                "references": [{"type": "ADVISORY", "url": f"https://security-tracker.debian.org/tracker/{cve}"}],
            }
            dump.writestr(f"DEBIAN-{cve}.json", json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
