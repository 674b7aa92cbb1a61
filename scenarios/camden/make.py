#!/usr/bin/env python3
"""Build the Camden calibration scenario's tables from the London Fire Brigade data.

Reads ../shared/data/london-lfb/ (beside the repository; see its PROVENANCE.md):
  incidents_2009.csv  6,708 LFB primary fires in dwellings, 2009, with observed
                      first- and second-pump attendance times;
  stations.csv        113 LFB fire stations (property register, about 2014).
Writes, next to this script:
  stations.csv   the six stations on or next to the Camden road extract (Kentish Town,
                 West Hampstead, Euston, Belsize, Soho, Clerkenwell) as they were in 2009:
                 id = Unique_Asset_ID, class1, existing (all six were open in 2009);
  records.csv    calibration records, one row per arriving pump: Camden incidents
                 (BoroughName = Camden) whose first or second arriving pump came from
                 one of the six stations; response_s = that pump's attendance time
                 (LFB: mobilisation to arrival), NULL times skipped;
  incidents.csv  demand points: every 2009 incident in Camden, whichever station attended.
Rows are sorted by id (incident numbers compared as integers, station ids as text), then
pump_order; UTF-8, '\\n' line endings. The inputs are checked against the sha256 sums of
PROVENANCE.md, so the output is the same on every run. Counts are printed to stdout.

Run from the repository root:  python3 scenarios/camden/make.py
Python 3 standard library only.

Data licence: incident and station data © London Fire Brigade, published on the London
Datastore under the Open Government Licence v3.0 (as cited by the R package spatsurv, from
which the files were taken); map data (camden.osm.pbf, not read here) © OpenStreetMap
contributors, ODbL 1.0.
"""

import csv
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent          # <repo>/scenarios/camden
REPO = HERE.parent.parent                       # <repo>
DATA = REPO.parent / "shared" / "data" / "london-lfb"

SHA256 = {
    "incidents_2009.csv": "a448589e8efa8aacc7d2d1d7fc6483facf220570ca5569f62603379ca30503e1",
    "stations.csv": "8be1c7d65a0ca28037c569fafce8d345e9749662f80c9d9b8f90d0c1114b40d0",
}

# The six stations on or next to the Camden extract, as named in stations.csv `name`.
SIX = ["Kentish Town", "West Hampstead", "Euston", "Belsize", "Soho", "Clerkenwell"]
BOROUGH = "Camden"
# Dwelling fires: the simulation's building-fire type.
KIND = "building_fire"


def norm(name):
    """Station / borough names compared without case and surrounding or doubled spaces."""
    return " ".join(name.split()).casefold()


def die(msg):
    sys.exit(f"make.py: {msg}")


def read_csv(name):
    path = DATA / name
    if not path.is_file():
        die(f"{path} not found (expected ../shared/data/london-lfb beside the repository)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256[name]:
        die(f"{path}: sha256 {digest} differs from PROVENANCE.md ({SHA256[name]})")
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def coord(text, what, where):
    try:
        return f"{float(text):.6f}"
    except ValueError:
        die(f"{where}: {what} {text!r} is not a number")


def seconds(text, where):
    """Attendance time as integer seconds, or None for NULL / empty."""
    text = text.strip()
    if text in ("", "NULL"):
        return None
    value = float(text)
    if value != int(value) or value < 0:
        die(f"{where}: attendance time {text!r} is not a whole number of seconds")
    return int(value)


def write_csv(name, header, rows):
    with open(HERE / name, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    stations = read_csv("stations.csv")
    incidents = read_csv("incidents_2009.csv")

    # Stations: the six, by name.
    by_name = {}
    for s in stations:
        if norm(s["name"]) in {norm(n) for n in SIX}:
            if norm(s["name"]) in by_name:
                die(f"station name {s['name']!r} occurs twice in stations.csv")
            by_name[norm(s["name"])] = s
    missing = [n for n in SIX if norm(n) not in by_name]
    if missing:
        die(f"stations not found in stations.csv: {', '.join(missing)}")
    station_rows = sorted(
        (
            s["Unique_Asset_ID"].strip(),
            coord(s["lon"], "lon", f"stations.csv {s['name']}"),
            coord(s["lat"], "lat", f"stations.csv {s['name']}"),
            "class1",
            s["name"].strip(),
            "existing",
        )
        for s in by_name.values()
    )
    station_id = {key: s["Unique_Asset_ID"].strip() for key, s in by_name.items()}

    # Incidents in Camden (demand) and their pumps from the six stations (records).
    demand, records = [], []
    seen = set()
    skipped = Counter()
    for line, inc in enumerate(incidents, start=2):
        where = f"incidents_2009.csv line {line}"
        if norm(inc["BoroughName"]) != norm(BOROUGH):
            continue
        iid = inc["IncidentNumber"].strip()
        if not iid.isdigit():
            die(f"{where}: IncidentNumber {iid!r} is not an integer")
        if iid in seen:
            die(f"{where}: IncidentNumber {iid} occurs twice")
        seen.add(iid)
        lon = coord(inc["lon"], "lon", where)
        lat = coord(inc["lat"], "lat", where)
        alarm = f"{inc['DateOfCall'].strip()}T{inc['TimeOfCall'].strip()}"
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", alarm):
            die(f"{where}: date/time of call {alarm!r} is not YYYY-MM-DD / HH:MM:SS")
        demand.append((iid, lon, lat, KIND, alarm))
        for order, prefix in ((1, "FirstPumpArriving"), (2, "SecondPumpArriving")):
            station = norm(inc[f"{prefix}_DeployedFromStation"])
            t = seconds(inc[f"{prefix}_AttendanceTime"], where)
            if station == "null":
                skipped[f"pump {order}: none arrived (NULL station)"] += 1
                continue
            if station not in station_id:
                skipped[f"pump {order}: from another station"] += 1
                continue
            if t is None:
                skipped[f"pump {order} from the six, NULL time"] += 1
                continue
            records.append((iid, lon, lat, station_id[station], t, order, alarm, KIND))

    demand.sort(key=lambda r: int(r[0]))
    records.sort(key=lambda r: (int(r[0]), r[5]))
    write_csv("stations.csv", ["id", "lon", "lat", "class", "name", "status"], station_rows)
    write_csv(
        "records.csv",
        ["id", "lon", "lat", "station", "response_s", "pump_order", "alarm", "kind"],
        records,
    )
    write_csv("incidents.csv", ["id", "lon", "lat", "kind", "time"], demand)

    # Counts.
    name_of = {r[0]: r[4] for r in station_rows}
    per = {sid: Counter() for sid in name_of}
    for r in records:
        per[r[3]][r[5]] += 1
    first = sum(1 for r in records if r[5] == 1)
    print(f"stations:           {len(station_rows)}")
    print(f"Camden incidents:   {len(demand)} (incidents.csv)")
    print(f"record incidents:   {len({r[0] for r in records})} (with at least one record)")
    print(f"record rows:        {len(records)} = {first} first-pump + "
          f"{len(records) - first} second-pump (records.csv)")
    for key, n in sorted(skipped.items()):
        print(f"  skipped: {key}: {n}")
    print("per station         first second")
    for sid in sorted(name_of):
        print(f"  {sid:<5} {name_of[sid]:<14} {per[sid][1]:5} {per[sid][2]:6}")


if __name__ == "__main__":
    main()
