#!/usr/bin/env python3
"""Writes the seed corpora and the dictionaries of tests/fuzz from the
shipped files: scenarios, lessons, prepared traces (and small traces run now
by sendpath-cli, in JSON and CBOR), frames of the prepared TAP traces.

    python3 tests/fuzz/make_seeds.py build-dev/core/sendpath-cli

Seeds are named seed-*; inputs a campaign found a problem with are kept as
regression-* and never touched here. Run from anywhere."""
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")

# Small scenarios whose traces seed the trace readers (a few KiB each: the
# fuzzer mutates small inputs many times faster than big ones).
TRACE_SCENARIOS = ["tail_append", "nagle", "close_fin", "close_syn_sent", "retransmit_rto", "msg_oob",
                   "copy_fault_partial", "econnreset", "wait_connect_eagain"]


def clear_seeds(target):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    for f in glob.glob(os.path.join(d, "seed-*")):
        os.remove(f)
    return d


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(CORPUS, target, "seed-" + name), "wb") as f:
        f.write(data)


def copy_files(target, pattern, prefix=""):
    for p in sorted(glob.glob(os.path.join(TOP, pattern))):
        with open(p, "rb") as f:
            put(target, prefix + os.path.basename(p), f.read())


def main():
    cli = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
    for t in ["trace_json", "trace_cbor", "scenario", "lesson", "answers", "engine_options", "frame", "receive"]:
        clear_seeds(t)

    copy_files("scenario", "tests/scenarios/*.json")
    copy_files("scenario", "lessons/scenarios/*.json", "lesson-")
    copy_files("lesson", "lessons/*.json")

    for name, opts in {
        "empty.json": {},
        "modern.json": {"linear_copy": False, "autocork": True},
        "sizes.json": {"sizeof_sk_buff": 256, "max_tcp_header": 320, "sizeof_shinfo": 328, "l1_cache_bytes": 128},
        "tx_ms.json": {"autocork": True, "tx_completion_ms": 0.125},
        "small_trace.json": {"trace": True, "max_trace_frame_bytes": 65536},
    }.items():
        put("engine_options", name, json.dumps(opts, indent=2))

    answers = {
        "example.json": {"lesson": "first-send", "student": "Ada Lovelace",
                         "answers": {"branch2": "tail_append", "room": 31756, "held": "queued", "segments": None}},
        "full.json": {"lesson": "first-send", "student": "Bob", "student_id": 1234,
                      "meta": {"section": "B"},
                      "answers": {"branch1": "new_segment", "linear_room": 0, "held": ["queued"],
                                  "branch2": "tail_append", "room": 31756.0, "segments": 1},
                      "submitted_at": "2026-01-01T10:00:00Z",
                      "attempts": {"room": [{"answer": 3, "at": "2026-01-01T09:59:00Z"}]}},
        "wrong_types.json": {"lesson": "first-send", "student": "C", "answers": {"room": "a lot", "held": 3,
                                                                                 "nosuch": 1}},
        "other_lesson.json": {"lesson": "nagle-nodelay", "student": "D", "answers": {}},
        "extra_key.json": {"lesson": "first-send", "student": "E", "answers": {}, "unknown": True},
    }
    for name, a in answers.items():
        put("answers", name, json.dumps(a, indent=2))

    traces = sorted(glob.glob(os.path.join(TOP, "traces", "*.json")))
    small = [p for p in traces if os.path.getsize(p) < 40000]
    for p in small:
        with open(p, "rb") as f:
            put("trace_json", os.path.basename(p), f.read())
    if cli:
        with tempfile.TemporaryDirectory() as tmp:
            for sc in TRACE_SCENARIOS:
                j = os.path.join(tmp, sc + ".json")
                c = os.path.join(tmp, sc + ".cbor")
                subprocess.run([cli, "run", os.path.join(TOP, "tests/scenarios", sc + ".json"), "-o", j],
                               check=True, stdout=subprocess.DEVNULL)
                subprocess.run([cli, "export", j, "-f", "cbor", "-o", c], check=True, stdout=subprocess.DEVNULL)
                with open(j, "rb") as f:
                    text = f.read()
                put("trace_json", sc + ".json", text)
                # The same trace laid out another way: only the general reader takes it.
                put("trace_json", sc + "-indented.json", json.dumps(json.loads(text), indent=1, sort_keys=True))
                with open(c, "rb") as f:
                    put("trace_cbor", sc + ".cbor", f.read())

    # Frames both ways of the TAP traces, each distinct (header-sized ones mostly).
    seen = set()
    frames = []
    for p in [os.path.join(TOP, "traces", n) for n in ("14-real-kernel.json", "tap-07-nagle-nodelay.json")]:
        with open(p) as f:
            t = json.load(f)
        for fr in t["frames"]:
            b = bytes.fromhex(fr.get("hex", ""))
            key = (fr["dir"], len(b) > 100, b[47] if len(b) > 47 else 0)
            if b and key not in seen:
                seen.add(key)
                frames.append((fr["dir"], b))
    for k, (d, b) in enumerate(frames):
        put("frame", "%02d-%s.bin" % (k, d), b)

    # receive: [state] then [control][length][bytes] records (receive.cpp).
    # sack: up to 3 blocks (start relative to snd_nxt, length), as receive.cpp reads them.
    def structured(flags, seq=0, ack=0, window=65535, opts=0, tail=b"", gap=4, sack=()):
        blocks = b"".join(s.to_bytes(2, "big", signed=True) + n.to_bytes(2, "big") for s, n in sack)
        opts |= len(sack) << 4
        body = bytes([flags]) + seq.to_bytes(2, "big", signed=True) + ack.to_bytes(2, "big", signed=True) + \
            window.to_bytes(2, "big") + bytes([opts]) + bytes(12) + blocks + bytes(18 - len(blocks)) + tail
        return bytes([gap << 1, len(body) & 0xff]) + body[:255]

    def raw(frame, gap=4):
        return bytes([(gap << 1) | 1, min(len(frame), 255)]) + frame[:255]

    ack, rst, fin, syn, psh = 0x10, 0x04, 0x01, 0x02, 0x08
    tap_in = [b for d, b in frames if d == "in"][:2]
    for state, sname in enumerate(["syn_sent", "established", "fin_wait", "time_wait"]):
        put("receive", sname + "-ack.bin", bytes([state]) + structured(ack))
        put("receive", sname + "-dupacks.bin", bytes([state]) + structured(ack, ack=-2000) * 4)
        put("receive", sname + "-rst.bin", bytes([state]) + structured(rst | ack))
        put("receive", sname + "-synack.bin", bytes([state]) + structured(syn | ack, seq=-1, opts=0x0f))
        if sname != "established":  # that one is tests/fuzz/findings/receive-established-window0.bin (README)
            put("receive", sname + "-window0.bin", bytes([state]) + structured(ack, ack=-1000, window=0) +
                structured(ack, window=1000, gap=100))
        put("receive", sname + "-sack.bin", bytes([state | 4]) + structured(ack, ack=-3000, opts=0x28))
        put("receive", sname + "-data-fin.bin", bytes([state]) + structured(ack | psh | fin, tail=b"hello"))
        if sname == "established":
            # Three segments of 1448 in flight (receive.cpp): the 2nd SACKed (tcp_fragment cuts it off), then
            # the 2nd and 3rd (the 3rd shifts into the 2nd's skb: tcp_shift_skb_data), then the 3rd alone
            # again (a duplicate SACK of shifted data).
            put("receive", sname + "-sack-shift.bin", bytes([state | 4]) +  # 4: the peer agrees to SACK
                structured(ack, ack=-4344, sack=[(-2896, 1448)]) +
                structured(ack, ack=-4344, sack=[(-2896, 2896)]) +
                structured(ack, ack=-4344, sack=[(-1448, 1448), (-2896, 2896)]))
        for k, b in enumerate(tap_in):
            put("receive", "%s-raw%d.bin" % (sname, k), bytes([state]) + raw(b))

    dicts(traces)


def dicts(traces):
    """JSON keys and names of every format, and the same names as CBOR text strings."""
    words = set()

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                words.add(k)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and len(v) <= 40 and "\\" not in v and '"' not in v:
            words.add(v)

    for p in glob.glob(os.path.join(TOP, "assets", "*.schema.json")):
        with open(p) as f:
            s = json.load(f)
        walk(s)
    for p in traces[:3]:
        with open(p) as f:
            t = json.load(f)
        for e in t["events"][:400]:
            walk(e)
        walk(t["scenario"])
        walk(t["options"])
    words = sorted(w for w in words if w.isprintable() and 0 < len(w) <= 40 and w.isascii())

    def esc(b):
        return "".join(c if (32 <= ord(c) < 127 and c not in '"\\') else "\\x%02x" % ord(c)
                       for c in b.decode("latin-1"))

    with open(os.path.join(HERE, "dict", "json.dict"), "w") as f:
        f.write("# JSON keys and names of sendpath's formats (written by make_seeds.py)\n")
        for w in words:
            f.write('"%s"\n' % esc(('"%s"' % w).encode()))
        for tok in ["{", "}", "[", "]", ":", ",", "null", "true", "false", "-1", "1e400", "0.5", "\\u0000",
                    "\\ud800", "4294967296", "9223372036854775808"]:
            f.write('"%s"\n' % esc(tok.encode()))
    with open(os.path.join(HERE, "dict", "cbor.dict"), "w") as f:
        f.write("# names as CBOR text strings, and CBOR heads (written by make_seeds.py)\n")
        for w in words:
            b = w.encode()
            head = bytes([0x60 + len(b)]) if len(b) < 24 else bytes([0x78, len(b)])
            f.write('"%s"\n' % esc(head + b))
        for h in [b"\x9f", b"\xbf", b"\xff", b"\xf6", b"\xf5", b"\xf4", b"\x1b\xff\xff\xff\xff\xff\xff\xff\xff",
                  b"\x3b\xff\xff\xff\xff\xff\xff\xff\xff", b"\x1a\xff\xff\xff\xff", b"\x5a\xff\xff\xff\xff",
                  b"\x7a\xff\xff\xff\xff", b"\x9a\xff\xff\xff\xff", b"\xfb\x7f\xf8\x00\x00\x00\x00\x00\x00",
                  b"\xd9\xd9\xf7"]:
            f.write('"%s"\n' % esc(h))


if __name__ == "__main__":
    os.makedirs(os.path.join(HERE, "dict"), exist_ok=True)
    main()
