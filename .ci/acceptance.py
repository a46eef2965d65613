#!/usr/bin/env python3
"""Acceptance on third-party data that the repository does not hold (../shared), run by .ci/run after the
README's test command.

  .ci/acceptance.py [--shared DIR] [--gridscout CMD] [--only truth|peers] [--out DIR]

1. truth: `analyze --json` on every capture of SHARED/pcaps and SHARED/pcaps-peers that has a tshark truth file,
   then SHARED/tools/compare-truth.py for every protocol its truth file names.
2. peers: every case of SHARED/peer-suites/compare/cases.json (Zeek and ICSNPP test traces with their expected
   logs), compared by that directory's own comparators. They are imported from SHARED (read-only there); all
   output goes to --out.

A disagreement fails the run unless it is listed, with its reason, in testdata/acceptance/truth-differences.txt
or testdata/acceptance/peer-suite-differences.txt. A listed one that no longer appears is printed as "fixed"
(remove its line). One summary line per suite: agreeing / compared.
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # the comparators are imported from ../shared, which stays as it was laid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LISTS = os.path.join(ROOT, 'testdata', 'acceptance')
TRUTH_PROTOCOLS = {'modbus': 'modbus', 'dnp3': 'dnp3', 'opcua': 'opcua', 'iec104': 'iec104', 'mms': 'mms',
                   'goose': 'goose', 's7comm': 's7comm', 'enip': 'enip', 'synphasor': 'synphasor',
                   'bacnet': 'bacnet', 'dlms_cosem_heuristic': 'dlms'}


def read_list(name):
    """Lines 'key | reason' (key: everything before the last ' | '); '#' comments."""
    listed = {}
    path = os.path.join(LISTS, name)
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            key, sep, reason = line.rpartition(' | ')
            if not sep or not key.strip() or not reason.strip():
                sys.exit(f'{path}:{n}: a line must be "<difference> | <reason>"')
            listed[key.strip()] = reason.strip()
    return listed


def analyze(gs, capture, out_json):
    r = subprocess.run(gs + ['analyze', '--quiet', '--json', out_json, capture], capture_output=True, text=True)
    with open(out_json[:-5] + '.err', 'w') as f:
        f.write(r.stderr)
    return r.returncode


def judge(suite, found, listed, agreeing, compared):
    """found: the disagreement keys of this run. Prints the unlisted ones and the summary line; True when every
    disagreement is listed."""
    unlisted = sorted({k for k in found if k not in listed})
    fixed = sorted(set(listed) - set(found))
    for k in unlisted:
        print(f'  NEW DISAGREEMENT [{suite}] {k}')
    for k in fixed:
        print(f'  fixed, remove from the list [{suite}] {k}')
    print(f'{suite}: {agreeing} agreeing / {compared} compared; {len(set(found)) - len(unlisted)} listed '
          f'disagreements, {len(unlisted)} not listed')
    return not unlisted


def truth_suite(shared, gs, out):
    listed = read_list('truth-differences.txt')
    found, compared, captures = [], 0, 0
    tool = os.path.join(shared, 'tools', 'compare-truth.py')
    for sub in ('pcaps', 'pcaps-peers'):
        d = os.path.join(shared, sub)
        for name in sorted(os.listdir(d)):
            truth = os.path.join(d, name + '.truth.json')
            if name.endswith('.json') or not os.path.isfile(truth):
                continue
            captures += 1
            js = os.path.join(out, 'truth', name + '.json')
            os.makedirs(os.path.dirname(js), exist_ok=True)
            rc = analyze(gs, os.path.join(d, name), js)
            with open(truth, encoding='utf-8') as f:
                protos = [TRUTH_PROTOCOLS[k] for k in json.load(f) if k in TRUTH_PROTOCOLS]
            for proto in protos:
                compared += 1
                if rc not in (0, 1):
                    found.append(f'{sub}/{name} {proto}: analyze exit {rc}')
                    continue
                r = subprocess.run([sys.executable, tool, proto, truth, js], capture_output=True, text=True)
                if r.returncode not in (0, 1):
                    found.append(f'{sub}/{name} {proto}: compare-truth.py failed: {r.stderr.strip()[:200]}')
                lines = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
                found.extend(f'{sub}/{name} {proto}: {ln}' for ln in lines)
    # a (capture, protocol) pair agrees when it has no difference line
    pairs = {k.split(': ', 1)[0] for k in found}
    return judge(f'truth ({captures} captures of shared/pcaps and pcaps-peers x protocol, tshark)', found, listed,
                 compared - len(pairs), compared)


def peer_suites(shared, gs, out):
    listed = read_list('peer-suite-differences.txt')
    base = os.path.join(shared, 'peer-suites')
    here = os.path.join(base, 'compare')
    sys.path.insert(0, here)
    import run_all  # the comparators' own driver: proto_of, trace_ips
    from zeeklog import GS
    with open(os.path.join(here, 'cases.json'), encoding='utf-8') as f:
        cases = json.load(f)
    found, checks_ok, checks = [], 0, 0
    per = {}
    for c in cases:
        if not c['trace'] or not c['baseline']:
            continue
        trace = os.path.join(base, c['dir'], c['trace'])
        if not os.path.exists(trace):
            continue
        proto = run_all.proto_of(c)
        gj = os.path.join(out, 'peers', c['dir'], c['trace'] + '.json')
        os.makedirs(os.path.dirname(gj), exist_ok=True)
        rc = analyze(gs, trace, gj)
        if rc not in (0, 1):
            found.append(f"{c['dir']}/{c['trace']}: analyze exit {rc}")
            continue
        kw = {}
        if c['test'] == 'scripts.base.protocols.modbus.events':  # as run_all.py: baseline mixes two traces
            kw['trace_hosts'] = run_all.trace_ips(trace)
        if proto in ('osi', 'coverage'):
            kw['trace_path'] = trace
        res = importlib.import_module('cmp_' + proto).compare(c, os.path.join(base, c['dir'], c['baseline']), GS(gj), **kw)
        d = res.to_dict()
        p = per.setdefault(proto, [0, 0, 0])
        p[2] += 1
        for k, (x, y) in d['checks'].items():
            checks_ok += x
            checks += y
            p[0] += x
            p[1] += y
        found.extend(f"{c['dir']}/{c['trace']}: [{x['cat']}] {x['msg']}" for x in d['disagreements'])
    for proto, (x, y, n) in sorted(per.items()):
        print(f'  peer suite {proto}: {x} agreeing / {y} checks in {n} traces')
    return judge('peer suites (checks against Zeek/ICSNPP baselines, shared/peer-suites)', found, listed, checks_ok, checks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--shared', default=os.path.join(os.path.dirname(ROOT), 'shared'))
    ap.add_argument('--gridscout', default=f'java -jar {os.path.join(ROOT, "agent", "target", "gridscout.jar")}')
    ap.add_argument('--only', choices=['truth', 'peers'])
    ap.add_argument('--out', default=None)
    a = ap.parse_args()
    if not os.path.isdir(a.shared):
        sys.exit(f'acceptance: no shared data at {a.shared}')
    out = a.out or tempfile.mkdtemp(prefix='gridscout-acceptance-')
    gs = a.gridscout.split()
    ok = True
    if a.only in (None, 'truth'):
        ok &= truth_suite(a.shared, gs, out)
    if a.only in (None, 'peers'):
        ok &= peer_suites(a.shared, gs, out)
    print(f'acceptance: {"passed" if ok else "FAILED"} (outputs in {out})')
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
