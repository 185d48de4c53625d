#!/usr/bin/env python3
"""Real-broker checks for warren's scenario layer (issue 6), against RabbitMQ 3.10 on 127.0.0.1.

Run from anywhere:  python3 tests/broker/definitions_roundtrip.py

1. Definitions round-trip, for every preset: `warren definitions export` -> `rabbitmqctl
   import_definitions` -> `rabbitmqctl export_definitions` -> `warren definitions import` gives
   the same topology as importing warren's own export.
2. Generated pika code (`warren codegen pika`) for the Topics and Work-queues presets runs
   against the broker and the messages arrive where the scenario says.

Each preset uses its own virtual host (warren-scn-*), created and deleted here; the broker is
started with shared/conformance/oracle/start-broker.sh (idempotent) and never restarted, since
other tests may share it. Prints "N passed, M failed" last; exits 1 if anything failed.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PREFIX = "warren-scn-"
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + detail), flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 120), **kw)


def ctl(*args, stdin=None):
    return run(["rabbitmqctl", "-q", *args], input=stdin)


def start_broker():
    for shared in [os.environ.get("WARREN_SHARED", ""), os.path.join(ROOT, "..", "shared"), "/work/shared"]:
        script = os.path.join(shared, "conformance", "oracle", "start-broker.sh")
        if shared and os.path.exists(script):
            r = run(["bash", script], timeout=600)
            print(r.stdout.strip(), flush=True)
            return r.returncode == 0
    print("start-broker.sh not found (set WARREN_SHARED to the shared/ folder)")
    return False


def warren(*args):
    return run([os.path.join(ROOT, "target", "debug", "warren"), *args])


def delete_our_vhosts():
    r = ctl("list_vhosts", "name")
    for v in r.stdout.split():
        if v.startswith(PREFIX):
            ctl("delete_vhost", v)


def canonical_topology(scenario_json):
    topo = json.loads(scenario_json)["topology"]
    return {k: sorted(json.dumps(x, sort_keys=True) for x in topo.get(k, [])) for k in ("exchanges", "queues", "bindings")}


def broker_export():
    r = ctl("export_definitions", "-")
    return r.stdout if r.returncode == 0 else None


def definitions_round_trip(tmp):
    presets = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "www", "scenarios")) if f.endswith(".json"))
    merged = {"rabbit_version": "3.10.8", "vhosts": [], "queues": [], "exchanges": [], "bindings": []}
    ours = {}
    for p in presets:
        vhost = PREFIX + "rt-" + p
        r = warren("definitions", "export", os.path.join(ROOT, "www", "scenarios", p + ".json"), "--vhost", vhost)
        if r.returncode != 0:
            check(f"definitions export {p}", False, r.stderr.strip())
            continue
        defs = json.loads(r.stdout)
        path = os.path.join(tmp, f"{p}.defs.json")
        with open(path, "w") as f:
            f.write(r.stdout)
        imp = warren("definitions", "import", path, "--vhost", vhost)
        ours[p] = (vhost, canonical_topology(imp.stdout) if imp.returncode == 0 else None, defs)
        for k in merged:
            if k != "rabbit_version":
                merged[k].extend(defs[k])
    # Through stdin: rabbitmqctl reads files as the rabbitmq user, who cannot see our temp dir.
    r = ctl("import_definitions", stdin=json.dumps(merged))
    check("rabbitmqctl import_definitions accepts warren's export", r.returncode == 0, r.stderr.strip())
    # The import is asynchronous: wait until every object shows up in an export.
    want = len(merged["queues"]) + len(merged["exchanges"]) + len(merged["bindings"])
    back = None
    deadline = time.time() + 60
    while time.time() < deadline:
        text = broker_export()
        if text:
            d = json.loads(text)
            have = sum(1 for k in ("queues", "exchanges", "bindings") for x in d.get(k, []) if x.get("vhost", "").startswith(PREFIX + "rt-"))
            if have >= want:
                back = text
                break
        time.sleep(0.5)
    if back is None:
        check("broker shows the imported definitions", False, "timed out")
        return
    back_path = os.path.join(tmp, "broker-export.json")
    with open(back_path, "w") as f:
        f.write(back)
    for p, (vhost, expected, defs) in sorted(ours.items()):
        r = warren("definitions", "import", back_path, "--vhost", vhost)
        if r.returncode != 0 or expected is None:
            check(f"round-trip {p}", False, r.stderr.strip())
            continue
        got = canonical_topology(r.stdout)
        check(f"round-trip {p} ({len(defs['exchanges'])} exchanges, {len(defs['queues'])} queues, {len(defs['bindings'])} bindings)",
              got == expected, f"warren export {expected} != broker export {got}")


def fresh_vhost(name):
    import pika
    ctl("delete_vhost", name)
    for args in (["add_vhost", name], ["set_permissions", "-p", name, "guest", ".*", ".*", ".*"]):
        r = ctl(*args)
        if r.returncode != 0:
            print("rabbitmqctl", *args, "failed:", r.stderr.strip(), flush=True)
    url = f"amqp://guest:guest@127.0.0.1:5672/{name}"
    # A new virtual host takes a moment to start accepting connections.
    deadline = time.time() + 15
    while True:
        try:
            pika.BlockingConnection(pika.URLParameters(url)).close()
            return url
        except Exception as e:  # noqa: BLE001 - any failure: retry until the deadline
            if time.time() > deadline:
                print("cannot connect to", url, repr(e), flush=True)
                return url
            time.sleep(0.3)


def generate(preset, tmp, tweak):
    with open(os.path.join(ROOT, "www", "scenarios", preset + ".json")) as f:
        s = json.load(f)
    tweak(s)  # only timing: so the test runs in seconds, not minutes
    path = os.path.join(tmp, preset + ".fast.json")
    with open(path, "w") as f:
        json.dump(s, f)
    out = os.path.join(tmp, preset + "-py")
    r = warren("codegen", "pika", path, out)
    return out if r.returncode == 0 else None


def received(output):
    """(routing key, body) of each 'received:' line of a generated consumer."""
    out = []
    for line in output.splitlines():
        if line.startswith("received: "):
            rk, _, body = line[len("received: "):].partition(" ")
            out.append((rk, body))
    return out


def py(script, url, *args, timeout=60):
    return run([sys.executable, script, *map(str, args)], env={**os.environ, "AMQP_URL": url}, timeout=timeout)


def pika_topics(tmp):
    def fast(s):
        s["producers"][0]["rate"] = {"kind": "every", "every_ms": 20}
    out = generate("topics", tmp, fast)
    if not out:
        check("codegen topics", False)
        return
    url = fresh_vhost(PREFIX + "topics")
    steps = [py(os.path.join(out, "topology.py"), url), py(os.path.join(out, "producer_emit_log_topic.py"), url)]
    for r in steps:
        if r.returncode != 0:
            check("topics: generated topology and producer run", False, r.stderr[-500:])
            return
    check("topics: generated topology and producer run", True)
    # What the scenario (the tutorial's table) says each queue receives, in order.
    # TODO(sim): take this from `warren run` once the simulation engine lands.
    expected = {
        "c1": [("quick.orange.rabbit", "Animal #1"), ("lazy.orange.elephant", "Animal #2"), ("quick.orange.fox", "Animal #3")],
        "c2": [("quick.orange.rabbit", "Animal #1"), ("lazy.orange.elephant", "Animal #2"), ("lazy.brown.fox", "Animal #4"),
               ("lazy.pink.rabbit", "Animal #5"), ("lazy.orange.new.rabbit", "Animal #9")],
    }
    for cid, want in expected.items():
        r = py(os.path.join(out, f"consumer_{cid}.py"), url, 2)
        got = received(r.stdout)
        check(f"topics: consumer {cid} receives {len(want)} messages as the scenario says", got == want, f"got {got} {r.stderr[-300:]}")


def pika_work_queues(tmp):
    def fast(s):
        s["producers"][0]["rate"] = {"kind": "every", "every_ms": 20}
        s["consumers"][0]["processing_ms"] = 600
        s["consumers"][1]["processing_ms"] = 100
    out = generate("work-queues", tmp, fast)
    if not out:
        check("codegen work-queues", False)
        return
    vhost = PREFIX + "work"
    url = fresh_vhost(vhost)
    r = py(os.path.join(out, "topology.py"), url)
    if r.returncode != 0:
        check("work-queues: generated topology runs", False, r.stderr[-500:])
        return
    env = {**os.environ, "AMQP_URL": url}
    workers = {}
    for w in ("worker1", "worker2"):
        workers[w] = subprocess.Popen([sys.executable, os.path.join(out, f"consumer_{w}.py"), "4"], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for w, proc in workers.items():  # wait until both are subscribed
        line = proc.stdout.readline()
        if "waiting" not in line:
            check(f"work-queues: {w} starts", False, line)
    r = py(os.path.join(out, "producer_new_task.py"), url)
    check("work-queues: generated producer runs", r.returncode == 0, r.stderr[-500:])
    got = {}
    for w, proc in workers.items():
        try:
            stdout, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
        got[w] = received(stdout)
    bodies = sorted(b for w in got for _, b in got[w])
    want = sorted(f"Task {n}" for n in range(1, 11))
    check("work-queues: every task is processed exactly once", bodies == want, f"got {got}")
    slow, fast_ = len(got["worker1"]), len(got["worker2"])
    check(f"work-queues: prefetch 1 fair dispatch, fast worker does more ({fast_} vs {slow})", fast_ > slow, f"{got}")
    r = ctl("list_queues", "-p", vhost, "name", "messages", "durable")
    check("work-queues: task_queue is durable and empty afterwards", "task_queue\t0\ttrue" in r.stdout, r.stdout)


def main():
    if not start_broker():
        check("broker starts", False)
    else:
        r = run(["cargo", "build", "-q", "--bin", "warren"], cwd=ROOT, timeout=900)
        if r.returncode != 0:
            check("cargo build", False, r.stderr[-1000:])
        else:
            try:
                import pika  # noqa: F401
            except ImportError:
                check("pika is installed", False)
            delete_our_vhosts()
            with tempfile.TemporaryDirectory() as tmp:
                definitions_round_trip(tmp)
                pika_topics(tmp)
                pika_work_queues(tmp)
            delete_our_vhosts()
    passed = sum(1 for r in results if r)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
