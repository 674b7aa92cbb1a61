#!/usr/bin/env python3
"""Independent reference figures for fireplan's OSM reader tests.

Reads the OPL text that `osmium cat -f opl FILE.osm.pbf` prints (osmium-tool, a C++
reader unrelated to the Rust `osmpbf` crate) and applies the rules of DESIGN §3 with
plain Python, so the Rust test can compare against figures obtained another way.

Usage: osmium cat -f opl FILE.osm.pbf | python3 reference.py [way_id ...]
Prints counts, then for each given way id its segments (from id, to id, haversine m).
"""
import math
import re
import sys

R = 6_371_008.8
CLASSES = {"motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
           "residential", "living_street", "service", "road"}
LINKS = {"motorway", "trunk", "primary", "secondary", "tertiary"}


def unescape(s):
    return re.sub(r"%([0-9a-fA-F]+)%", lambda m: chr(int(m.group(1), 16)), s)


def tags_of(field):
    out = {}
    if not field:
        return out
    for kv in field.split(","):
        k, _, v = kv.partition("=")
        out[unescape(k)] = unescape(v)
    return out


def drivable(hw):
    if hw is None:
        return False
    if hw.endswith("_link"):
        return hw[:-5] in LINKS
    return hw in CLASSES


def hav(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1.0, math.sqrt(a)))


def main():
    want = [int(a) for a in sys.argv[1:]]
    nodes, ways, rels = {}, [], []
    for line in sys.stdin:
        parts = line.rstrip("\n").split(" ")
        kind, oid = parts[0][0], int(parts[0][1:])
        fields = {p[0]: p[1:] for p in parts[1:] if p}
        if kind == "n":
            nodes[oid] = (float(fields["x"]), float(fields["y"])) if fields.get("x") else None
        elif kind == "w":
            refs = [int(r[1:]) for r in fields.get("N", "").split(",") if r]
            ways.append((oid, tags_of(fields.get("T")), refs))
        elif kind == "r":
            rels.append((oid, tags_of(fields.get("T"))))

    cls_ways = kept = skipped = missing = segs = maxsp_bad = self_loops = 0
    used = set()
    seg_of = {}
    for wid, t, refs in sorted(ways):
        if not drivable(t.get("highway")):
            continue
        cls_ways += 1
        if (t.get("access") in ("no", "private") and t.get("emergency") != "yes") \
                or t.get("area") == "yes":
            skipped += 1
            continue
        kept += 1
        if "maxspeed" in t:
            m = re.fullmatch(r"\s*([0-9.]+)\s*(mph|km/h|kmh|kph)?\s*", t["maxspeed"])
            if not m or not re.fullmatch(r"[0-9]+(\.[0-9]*)?|\.[0-9]+", m.group(1)) or float(m.group(1)) <= 0:
                maxsp_bad += 1
        missing += sum(1 for r in refs if nodes.get(r) is None)
        for a, b in zip(refs, refs[1:]):
            if nodes.get(a) is None or nodes.get(b) is None:
                continue
            if a == b:
                self_loops += 1
            segs += 1
            used.update((a, b))
            seg_of.setdefault(wid, []).append((a, b, hav(*nodes[a], *nodes[b])))

    b_ok = b_missing = b_open = b_rel = 0
    for wid, t, refs in ways:
        if "building" in t and t["building"] != "no":
            if len(refs) < 4 or refs[0] != refs[-1]:
                b_open += 1
            elif any(nodes.get(r) is None for r in refs):
                b_missing += 1
            else:
                b_ok += 1
    for rid, t in rels:
        if t.get("type") == "multipolygon" and "building" in t and t["building"] != "no":
            b_rel += 1

    print(f"nodes_read={len(nodes)} drivable_class_ways={cls_ways} drivable_ways={kept} "
          f"ways_skipped_access={skipped} missing_node_refs={missing} segments={segs} "
          f"used_nodes={len(used)} maxspeed_ignored={maxsp_bad} self_loops={self_loops}")
    print(f"buildings={b_ok} buildings_missing_nodes={b_missing} buildings_not_closed={b_open} "
          f"building_relations={b_rel}")
    for w in want:
        for a, b, d in seg_of.get(w, []):
            print(f"way {w}: {a} -> {b} {d!r}")


if __name__ == "__main__":
    main()
