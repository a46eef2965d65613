#!/usr/bin/env python3
"""Build mapping/src/main/resources/io/gridscout/mapping/oui/oui.tsv.gz from Debian's ieee-data.

Usage: python3 mapping/tools/make-oui.py [/usr/share/ieee-data] [output]

Output (gzip, UTF-8): a first line '# <source date/version>', then 'HEXPREFIX<TAB>vendor' sorted by
prefix; the prefix has 6 (MA-L, 24 bit), 7 (MA-M, 28 bit) or 9 (MA-S and IAB, 36 bit) hex digits.
Dropped on purpose: 'Private' entries (no vendor to report) and MA-L blocks held by the
'IEEE Registration Authority' (parents of MA-M/MA-S/IAB blocks; an unlisted sub-block there is unknown,
not the IEEE's). Duplicate assignments (two in oui.csv) keep both names joined by ' / '.
"""
import csv
import datetime
import gzip
import os
import re
import subprocess
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/ieee-data"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    HERE, "..", "src", "main", "resources", "io", "gridscout", "mapping", "oui", "oui.tsv.gz")
FILES = [("oui.csv", "MA-L", 6), ("mam.csv", "MA-M", 7), ("oui36.csv", "MA-S", 9), ("iab.csv", "IAB", 9)]


def clean(name):
    name = re.sub(r"\s+", " ", name).strip()
    return name.rstrip(",").strip()


def source_line():
    try:
        version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "ieee-data"],
                                 capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        version = "unknown"
    with open(os.path.join(SRC, ".lastupdate")) as f:
        fetched = datetime.datetime.fromtimestamp(int(f.read().strip()), datetime.timezone.utc)
    return "%s (IEEE registry via Debian ieee-data %s)" % (fetched.strftime("%Y-%m-%d"), version)


def main():
    entries = {}
    for fname, registry, digits in FILES:
        with open(os.path.join(SRC, fname), encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                prefix = row["Assignment"].strip().upper()
                if row["Registry"].strip() != registry or not re.fullmatch("[0-9A-F]{%d}" % digits, prefix):
                    raise SystemExit("unexpected row in %s: %r" % (fname, row))
                name = clean(row["Organization Name"])
                if not name or name.lower() == "private":
                    continue
                if registry == "MA-L" and name.lower() == "ieee registration authority":
                    continue
                old = entries.get(prefix)
                if old is None:
                    entries[prefix] = name
                elif name not in old.split(" / "):
                    entries[prefix] = old + " / " + name
    lines = ["# " + source_line()]
    lines += ["%s\t%s" % (p, entries[p]) for p in sorted(entries)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(OUT, "wb") as f:  # mtime=0: reproducible bytes
        f.write(gzip.compress(data, compresslevel=9, mtime=0))
    print("%d entries, %d bytes raw, %d bytes gzip -> %s" % (len(entries), len(data), os.path.getsize(OUT), OUT))


if __name__ == "__main__":
    main()
