#!/usr/bin/env python3
"""Writes a synthetic OSV all.zip shaped like the public Debian dump, for import and scan benchmarks and demos.

The public dump (https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip) holds about 60,000
DEBIAN-CVE records; this machine cannot reach it, so the benchmarks use one of the same size and shape: each
record names a source package (a real one from the given dpkg status file, or a made-up one), affects two or
three Debian releases with an ECOSYSTEM range, and carries details, aliases, references, Debian's urgency and,
for about half, a CVSS vector.

The spread of urgencies and of per-release states follows the real Debian records in ../shared/fixtures
(vulns/advisories/vunnel/debian: 43 security-tracker records and 25 release entries of debian.json):
  urgency: unimportant 39 %, not yet assigned 24 %, low 12 %, medium 12 %, high 12 %
  release: fixed 84 %, not affected 8 % (tracker version "0": the release is not listed), still open 4 %,
           won't fix 4 % (the fixtures' two are open with urgency "end-of-life": no fixed version)
A fixed release of an installed package is usually fixed at or before the installed version; 5 % are fixed
later (an update this host has not installed yet), so the host is affected by those, the open and the
won't-fix ones.

The output depends only on the arguments (and the status file): the same seed gives the same bytes, so
benchmarks and demos are comparable from run to run and machine to machine with the same packages.

usage: synthetic-osv-dump.py OUT.zip [--records N] [--status var/lib/dpkg/status] [--seed S]
"""
import argparse
import json
import random
import re
import zipfile

# (weight, urgency as Debian writes it), from the fixtures counted above.
URGENCIES = [(26, "unimportant"), (16, "not yet assigned"), (8, "low"), (8, "medium"), (8, "high")]
# (weight, state of one release): fixed, not-affected, open, wont-fix.
STATES = [(84, "fixed"), (8, "not-affected"), (4, "open"), (4, "wont-fix")]
FIXED_LATER = 0.05  # of a fixed release of an installed package: fixed after the installed version
WITH_CVSS = 0.5
# Real CVSS 3.1 vectors by the band of their base score; an urgency draws from its band, an unassigned one from any.
CVSS_BANDS = {
    "critical": ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"],
    "high": ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H",
             "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"],
    "medium": ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H",
               "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"],
    "low": ["CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:N/I:L/A:N",
            "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:L"],
}
BAND_OF_URGENCY = {"unimportant": "low", "low": "low", "medium": "medium", "high": "high"}
RELEASES = ["11", "12", "13"]
# A fixed timestamp for every zip entry: the archive's bytes depend on the arguments only.
ZIP_TIME = (2026, 11, 1, 0, 0, 0)


def weighted(rnd, table):
    total = sum(weight for weight, _ in table)
    pick = rnd.random() * total
    for weight, value in table:
        pick -= weight
        if pick < 0:
            return value
    return table[-1][1]


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


def record(rnd, n, real, real_names, made_up):
    year = 1999 + n % 27
    cve = f"CVE-{year}-{10000 + n}"
    if real_names and rnd.random() < 0.6:
        package = rnd.choice(real_names)
        installed = real[package]
    else:
        package = rnd.choice(made_up)
        installed = None
    urgency = weighted(rnd, URGENCIES)
    affected = []
    releases = sorted(rnd.sample(RELEASES, rnd.randint(2, 3)))
    for release in releases:
        state = weighted(rnd, STATES)
        if state == "not-affected" and (affected or release != releases[-1]):
            continue  # the tracker's "0": OSV lists no range for a release that never had the flaw
        events = [{"introduced": "0"}]
        specific = {"urgency": "end-of-life" if state == "wont-fix" else urgency}
        if state == "not-affected":
            events.append({"fixed": "0.1-1"})  # the record needs one release: one never affected in practice
        elif state == "fixed":
            if installed is None:
                fixed = f"{rnd.randint(1, 9)}.{rnd.randint(0, 20)}-{rnd.randint(1, 5)}"
            elif rnd.random() < FIXED_LATER:
                fixed = installed + "+deb12u9"
            else:
                fixed = installed + "~pre1" if rnd.random() < 0.5 else "0.1-1"
            events.append({"fixed": fixed})
        affected.append({
            "package": {"ecosystem": f"Debian:{release}", "name": package,
                        "purl": f"pkg:deb/debian/{package}?arch=source"},
            "ranges": [{"type": "ECOSYSTEM", "events": events}],
            "versions": [],
            "ecosystem_specific": specific,
        })
    severity = []
    if rnd.random() < WITH_CVSS:
        band = BAND_OF_URGENCY.get(urgency) or rnd.choice(sorted(CVSS_BANDS))
        severity = [{"type": "CVSS_V3", "score": rnd.choice(CVSS_BANDS[band])}]
    return f"DEBIAN-{cve}", {
        "schema_version": "1.7.0",
        "id": f"DEBIAN-{cve}",
        "upstream": [cve],
        "modified": "2026-11-01T00:00:00Z",
        "published": f"{year}-06-01T00:00:00Z",
        "details": f"A flaw was found in {package} that allows a remote attacker to cause a denial of"
                   f" service or possibly execute arbitrary code via a crafted input ({n}).",
        "affected": affected,
        "severity": severity,
        "references": [{"type": "ADVISORY", "url": f"https://security-tracker.debian.org/tracker/{cve}"}],
    }


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
            name, body = record(rnd, n, real, real_names, made_up)
            entry = zipfile.ZipInfo(f"{name}.json", date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dump.writestr(entry, json.dumps(body, indent=2))


if __name__ == "__main__":
    main()
