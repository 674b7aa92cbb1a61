//! The report section "Logistics-support reach (战勤保障)" for `report.md`.

use std::fmt::Write;

use crate::model::{DemandPoint, District, Station};
use crate::params::supply::level_name_zh;
use crate::supply::reach::{LevelReach, ReachStatus, WorstPlace};
use crate::supply::Supply;

fn secs(t: Option<f64>) -> String {
    t.map(|t| format!("{t:.0} s")).unwrap_or_else(|| "—".into())
}

fn margin(r: &LevelReach) -> String {
    r.margin_min()
        .map(|m| format!("{m:+.1} min"))
        .unwrap_or_else(|| "—".into())
}

fn result(r: &LevelReach) -> String {
    match r.status {
        ReachStatus::Pass => "pass".into(),
        s if s.is_failure() => format!("**{}**", s.as_str()),
        s => s.as_str().into(),
    }
}

fn point(sup: &Supply, n: Option<(usize, f64)>) -> String {
    n.map(|(p, _)| sup.points[p].label.clone())
        .unwrap_or_else(|| "—".into())
}

/// The section, starting with its `##` heading.
pub fn section(
    sup: &Supply,
    stations: &[Station],
    districts: &[District],
    demand: &[DemandPoint],
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Logistics-support reach (战勤保障)\n");
    let _ = writeln!(
        s,
        "Door-to-door time from the nearest support point of each level (access legs at 15 km/h, \
         logistics speed profile: class speed × 0.85, at most 70 km/h). Reach times (seed 002: \
         省内2小时、市内1小时、县内半小时) and capacities (seed 000) are scenario data. \
         Logistics-support stations {} county-level support points.\n",
        if sup.params.logistics_stations {
            "count as"
        } else {
            "do not count as"
        }
    );
    let _ = writeln!(
        s,
        "**Reach: {}. Capacity: {}.**\n",
        if sup.reach_ok() {
            "every checked place is reached in time"
        } else {
            "some places are not reached in time"
        },
        if sup.capacity_ok() {
            "no support point is over-subscribed"
        } else {
            "over-subscribed support points (see below)"
        }
    );

    let _ = writeln!(
        s,
        "| level | reach time | support points | stations in time | districts in time (worst point) | worst margin |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- |");
    for (li, l) in sup.levels.iter().enumerate() {
        let checked = |r: &LevelReach| {
            matches!(
                r.status,
                ReachStatus::Pass | ReachStatus::Fail | ReachStatus::NoDepot
            )
        };
        let st: Vec<&LevelReach> = sup
            .stations
            .iter()
            .map(|x| &x.levels[li])
            .filter(|r| checked(r))
            .collect();
        let dw: Vec<LevelReach> = sup
            .districts
            .iter()
            .filter_map(|d| d.levels[li].worst.map(|w| w.reach))
            .filter(checked)
            .collect();
        let on = l.points.iter().filter(|&&p| sup.points[p].usable()).count();
        let _ = writeln!(
            s,
            "| {} {} | {} | {}{} | {} | {} | {} |",
            l.level.as_str(),
            level_name_zh(l.level),
            secs(l.reach_s),
            on,
            if on < l.points.len() {
                format!(" ({} off-network)", l.points.len() - on)
            } else {
                String::new()
            },
            if l.reach_s.is_some() {
                format!(
                    "{} of {}",
                    st.iter().filter(|r| r.status == ReachStatus::Pass).count(),
                    st.len()
                )
            } else {
                "times only".into()
            },
            if l.reach_s.is_some() {
                format!(
                    "{} of {}",
                    dw.iter().filter(|r| r.status == ReachStatus::Pass).count(),
                    dw.len()
                )
            } else {
                "times only".into()
            },
            sup.worst_margin_min(li)
                .map(|m| format!("{m:+.1} min"))
                .unwrap_or_else(|| "—".into())
        );
    }

    let _ = writeln!(s, "\n### Support points and capacity\n");
    let _ = writeln!(
        s,
        "Each firefighting station is assigned, per level, to its nearest support point; the staff \
         of its stations is the personnel it must sustain.\n"
    );
    let _ = writeln!(
        s,
        "| id | name | kind | level | capacity | stations | staff to sustain | load | status |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (p, load) in sup.points.iter().zip(&sup.loads) {
        let status = if !p.usable() {
            format!("**off-network** ({:.0} m)", p.snap_m)
        } else if load.over_subscribed() {
            "**over-subscribed**".into()
        } else {
            "ok".into()
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {}{} | {} | {} |",
            crate::report::write::md_cell(&p.label),
            crate::report::write::md_cell(&p.name),
            p.kind(),
            p.level.as_str(),
            p.capacity_persons
                .map(|c| format!("{c:.0}"))
                .unwrap_or_else(|| "—".into()),
            load.stations.len(),
            load.staff_persons,
            if load.unknown_staff > 0 {
                format!(" ({} without staff figure)", load.unknown_staff)
            } else {
                String::new()
            },
            load.utilisation()
                .map(|u| format!("{:.0} %", u * 100.0))
                .unwrap_or_else(|| "—".into()),
            status
        );
    }

    let _ = writeln!(s, "\n### Stations\n");
    let _ = writeln!(
        s,
        "| station | level | nearest | time | margin | result | second | second time |"
    );
    let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- |");
    for sr in &sup.stations {
        let st = &stations[sr.station];
        for r in &sr.levels {
            if r.status == ReachStatus::OutsideArea {
                continue;
            }
            let _ = writeln!(
                s,
                "| {} {} | {} | {} | {} | {} | {} | {} | {} |",
                crate::report::write::md_cell(&st.id),
                crate::report::write::md_cell(&st.name),
                r.level.as_str(),
                point(sup, r.nearest),
                secs(r.nearest.map(|n| n.1)),
                margin(r),
                result(r),
                point(sup, r.second),
                secs(r.second.map(|n| n.1)),
            );
        }
    }

    let _ = writeln!(s, "\n### Rescue districts (救援片区)\n");
    let _ = writeln!(
        s,
        "Worst place: the demand point reached last (a road point in districts without demand).\n"
    );
    let _ = writeln!(
        s,
        "| district | level | worst place | nearest | time | margin | result | centroid time | centroid result | demand in time |"
    );
    let _ = writeln!(
        s,
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for dr in &sup.districts {
        for (li, l) in dr.levels.iter().enumerate() {
            let (place, wr) = match &l.worst {
                Some(w) => (
                    match w.place {
                        WorstPlace::Demand(i) => demand[i].id.clone(),
                        WorstPlace::Road { .. } => format!("road ({:.5}, {:.5})", w.lon, w.lat),
                    },
                    Some(w.reach),
                ),
                None => ("—".into(), None),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                crate::report::write::md_cell(&districts[dr.district].name),
                sup.levels[li].level.as_str(),
                place,
                wr.map_or("—".into(), |r| point(sup, r.nearest)),
                wr.map_or("—".into(), |r| secs(r.nearest.map(|n| n.1))),
                wr.map_or("—".into(), |r| margin(&r)),
                wr.map_or("—".into(), |r| result(&r)),
                secs(l.centroid.reach.nearest.map(|n| n.1)),
                result(&l.centroid.reach),
                l.demand_within_share
                    .map(|x| format!("{:.1} %", x * 100.0))
                    .unwrap_or_else(|| "—".into()),
            );
        }
    }
    if !sup.findings.is_empty() {
        let _ = writeln!(s, "\n### Findings\n");
        for f in &sup.findings {
            let _ = writeln!(s, "- {f}");
        }
    }
    let _ = writeln!(
        s,
        "\nFiles: `supply_reach.csv` (station × level), `supply_districts.csv` (district × level), \
         `supply.geojson` (support points and their reach per level).\n"
    );
    s
}
