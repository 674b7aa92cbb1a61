#!/usr/bin/env python3
"""Independent reference figures for fireplan's OSM reader tests.

Reads the OPL text that `osmium cat -f opl FILE.osm.pbf` prints (osmium-tool, a C++
reader unrelated to the Rust `osmpbf` crate) and applies the rules of DESIGN §3 and
docs/access.md with plain Python, so the Rust test can compare against figures obtained another way.

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


# docs/access.md, written again from the table (not from the Rust code).
DENY = {"no", "private", "agricultural", "forestry"}
ALLOW = {"yes", "designated", "permissive", "destination", "delivery", "customers",
         "discouraged", "official", "permit"}
PASSABLE_BARRIERS = {"no", "gate", "lift_gate", "swing_gate", "sliding_gate", "toll_booth",
                     "border_control", "cattle_grid", "entrance", "height_restrictor",
                     "sally_port", "kerb"}


def verdict(v):
    v = (v or "").strip()
    return "deny" if v in DENY else "allow" if v in ALLOW else None


def fire_engine(t):
    """'deny', 'allow' or None: emergency decides; then motorcar or hgv only when they
    allow; then motor_vehicle, vehicle, access."""
    if verdict(t.get("emergency")):
        return verdict(t.get("emergency"))
    if "allow" in (verdict(t.get("motorcar")), verdict(t.get("hgv"))):
        return "allow"
    for key in ("motor_vehicle", "vehicle", "access"):
        if verdict(t.get(key)):
            return verdict(t.get(key))
    return None


def closed_to_cars(t):
    for key in ("motorcar", "motor_vehicle", "vehicle", "access"):
        if verdict(t.get(key)):
            return verdict(t.get(key)) == "deny"
    return False


def barrier_stops(t):
    verdict = fire_engine(t)
    if verdict is not None:
        return verdict == "deny"
    if t.get("locked") == "yes":
        return True
    b = t["barrier"].strip()
    if b == "bollard" and t.get("bollard") == "rising":
        return False
    return b not in PASSABLE_BARRIERS


TURN_KINDS = {"no_left_turn", "no_right_turn", "no_straight_on", "no_u_turn", "no_entry",
              "no_exit", "only_left_turn", "only_right_turn", "only_straight_on", "only_u_turn"}


NUM = r"[0-9]+(\.[0-9]*)?|\.[0-9]+"


def weight_t(v):
    """maxweight in tonnes (docs/access.md): N, N t, N kg, N st, N lbs."""
    m = re.fullmatch(r"\s*(" + NUM + r")\s*(t|kg|st|lbs)?\s*", v)
    if not m or float(m.group(1)) <= 0:
        return None
    return float(m.group(1)) * {None: 1, "t": 1, "kg": 0.001, "st": 0.90718474,
                                "lbs": 0.00045359237}[m.group(3)]


def dimension_m(v):
    """maxheight / maxwidth in metres: N, N m, N ft, F'I\"."""
    m = re.fullmatch(r"\s*(" + NUM + r")\s*'\s*(?:(" + NUM + r")\s*\"?)?\s*", v)
    if m:
        inches = float(m.group(3)) if m.group(3) else 0.0
        if float(m.group(1)) <= 0 or inches >= 12:
            return None
        return (float(m.group(1)) * 12 + inches) * 0.0254
    m = re.fullmatch(r"\s*(" + NUM + r")\s*(m|ft)?\s*", v)
    if not m or float(m.group(1)) <= 0:
        return None
    return float(m.group(1)) * (0.3048 if m.group(3) == "ft" else 1.0)


LIMIT_KEYS = [("maxweight", weight_t), ("maxweight:hgv", weight_t), ("maxheight", dimension_m),
              ("maxheight:physical", dimension_m), ("maxwidth", dimension_m),
              ("maxwidth:physical", dimension_m)]


def limits_of(t):
    """(any limit understood, any limit value not understood)"""
    understood = ignored = False
    for key, parse in LIMIT_KEYS:
        if key in t:
            if parse(t[key]) is not None:
                understood = True
            elif t[key].strip() not in ("none", "default", "no"):
                ignored = True
    return understood, ignored


def hav(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1.0, math.sqrt(a)))


def main():
    want = [int(a) for a in sys.argv[1:]]
    nodes, ways, rels, barrier = {}, [], [], {}
    for line in sys.stdin:
        parts = line.rstrip("\n").split(" ")
        kind, oid = parts[0][0], int(parts[0][1:])
        fields = {p[0]: p[1:] for p in parts[1:] if p}
        if kind == "n":
            nodes[oid] = (float(fields["x"]), float(fields["y"])) if fields.get("x") else None
            nt = tags_of(fields.get("T"))
            if "barrier" in nt:
                barrier[oid] = barrier_stops(nt)
        elif kind == "w":
            refs = [int(r[1:]) for r in fields.get("N", "").split(",") if r]
            ways.append((oid, tags_of(fields.get("T")), refs))
        elif kind == "r":
            members = [m for m in fields.get("M", "").split(",") if m]
            rels.append((oid, tags_of(fields.get("T")), members))

    cls_ways = kept = skipped = missing = segs = maxsp_bad = self_loops = 0
    construction = emergency_only = with_limits = limits_ignored = 0
    missing_distinct = set()
    used = set()
    seg_of = {}
    for wid, t, refs in sorted(ways):
        if t.get("highway") == "construction":
            construction += 1
        if not drivable(t.get("highway")):
            continue
        cls_ways += 1
        if fire_engine(t) == "deny" or t.get("area") == "yes":
            skipped += 1
            continue
        kept += 1
        if closed_to_cars(t):
            emergency_only += 1
        understood, ignored = limits_of(t)
        with_limits += understood
        limits_ignored += ignored
        if "maxspeed" in t:
            m = re.fullmatch(r"\s*([0-9.]+)\s*(mph|km/h|kmh|kph)?\s*", t["maxspeed"])
            if not m or not re.fullmatch(r"[0-9]+(\.[0-9]*)?|\.[0-9]+", m.group(1)) or float(m.group(1)) <= 0:
                maxsp_bad += 1
        missing += sum(1 for r in refs if nodes.get(r) is None)
        missing_distinct.update(r for r in refs if nodes.get(r) is None)
        for a, b in zip(refs, refs[1:]):
            if nodes.get(a) is None or nodes.get(b) is None:
                continue
            if a == b:
                self_loops += 1
            segs += 1
            used.update((a, b))
            seg_of.setdefault(wid, []).append((a, b, hav(*nodes[a], *nodes[b])))

    ends = {}
    for segs_of_way in seg_of.values():
        for a, b, _ in segs_of_way:
            ends[a] = ends.get(a, 0) + 1
            ends[b] = ends.get(b, 0) + 1
    stopping = [n for n in used if barrier.get(n) is True]
    passing = [n for n in used if barrier.get(n) is False]
    out_nodes = len(used) + sum(ends[n] - 1 for n in stopping)

    b_ok = b_missing = b_open = b_rel = 0
    for wid, t, refs in ways:
        if "building" in t and t["building"] != "no":
            if len(refs) < 4 or refs[0] != refs[-1]:
                b_open += 1
            elif any(nodes.get(r) is None for r in refs):
                b_missing += 1
            else:
                b_ok += 1
    turn = {"via_node": 0, "via_way": 0, "unusable": 0, "on_roads": 0, "exempt": 0, "turns": 0}
    for rid, t, members in rels:
        if t.get("type") != "restriction":
            continue
        roles = [(m[0], m.partition("@")[2]) for m in members]
        count = lambda kind, role: sum(1 for r in roles if r == (kind, role))
        rest = len(roles) - count("w", "from") - count("w", "to") - count("n", "via") - count("w", "via")
        ok = (t.get("restriction", "").strip() in TURN_KINDS and count("w", "from") == 1
              and count("w", "to") == 1 and rest == 0)
        if ok and count("n", "via") == 1 and count("w", "via") == 0:
            turn["via_node"] += 1
            ref = lambda kind, role: next(int(m[1:].partition("@")[0]) for m in members
                                          if m[0] == kind and m.partition("@")[2] == role)
            via, w_from, w_to = ref("n", "via"), ref("w", "from"), ref("w", "to")
            if via not in used:
                continue
            if "emergency" in [e.strip() for e in t.get("except", "").split(";")] \
                    or barrier.get(via) is True:
                turn["exempt"] += 1
                continue
            u_turn = t["restriction"].strip().endswith("u_turn")
            near = lambda w: sorted({b if a == via else a for a, b, _ in seg_of.get(w, [])
                                     if a != b and via in (a, b)})
            pairs = [(f, g) for f in near(w_from) for g in near(w_to)
                     if w_from != w_to or (f == g) == u_turn]
            if pairs:
                turn["on_roads"] += 1
                turn["turns"] += len(pairs)
        elif ok and count("n", "via") == 0 and count("w", "via") > 0:
            turn["via_way"] += 1
        else:
            turn["unusable"] += 1
    for rid, t, _ in rels:
        if t.get("type") == "multipolygon" and "building" in t and t["building"] != "no":
            b_rel += 1

    print(f"nodes_read={len(nodes)} drivable_class_ways={cls_ways} drivable_ways={kept} "
          f"ways_skipped_access={skipped} missing_node_refs={missing} segments={segs} "
          f"used_nodes={len(used)} maxspeed_ignored={maxsp_bad} self_loops={self_loops}")
    print(f"ways_skipped_construction={construction} ways_emergency_only={emergency_only} "
          f"barriers_blocking={len(stopping)} barriers_passable={len(passing)} "
          f"nodes_with_barrier_copies={out_nodes} missing_nodes={len(missing_distinct)}")
    print(f"turn_restrictions_via_node={turn['via_node']} turn_restrictions_via_way="
          f"{turn['via_way']} turn_restrictions_unusable={turn['unusable']} "
          f"turn_restrictions_on_roads={turn['on_roads']} turn_restrictions_exempt="
          f"{turn['exempt']} turns={turn['turns']}")
    print(f"ways_with_limits={with_limits} limits_ignored={limits_ignored}")
    print(f"buildings={b_ok} buildings_missing_nodes={b_missing} buildings_not_closed={b_open} "
          f"building_relations={b_rel}")
    for w in want:
        for a, b, d in seg_of.get(w, []):
            print(f"way {w}: {a} -> {b} {d!r}")


if __name__ == "__main__":
    main()
