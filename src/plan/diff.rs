//! Baseline versus plan on the same prepared network: every coverage figure per rescue
//! district (救援片区) and for the region, the demand points that gain or lose 5-minute
//! coverage (5分钟救援圈), each station's first-due area (辖区) before and after, and each
//! target's pass / fail counts before and after.

use serde::Serialize;

use super::checks::{Checks, TargetTally};
use crate::coverage::{Coverage, Metrics, Placement};
use crate::model::target::Force;
use crate::model::{DemandPoint, District, DistrictKind, Station};

/// One variant's results.
#[derive(Clone, Copy)]
pub struct Variant<'a> {
    pub stations: &'a [Station],
    pub coverage: &'a Coverage,
    pub checks: &'a Checks,
}

impl Variant<'_> {
    /// Station id of a search origin.
    fn origin_id(&self, origin: u32) -> &str {
        &self.stations[self.coverage.origins[origin as usize].station].id
    }
}

/// Reads one figure of [`Metrics`].
pub type MetricGetter = fn(&Metrics) -> Option<f64>;

/// Every figure of [`Metrics`] that is compared, by name (shares 0..1, seconds, km, km²,
/// counts).
pub const COMPARED: [(&str, MetricGetter); 12] = [
    ("demand_coverage", |m| m.demand_coverage),
    ("road_coverage", |m| m.road_coverage),
    ("area_coverage", |m| m.area_coverage),
    ("second_due_coverage", |m| m.second_due_coverage),
    ("p50_s", |m| m.p50_s),
    ("p90_s", |m| m.p90_s),
    ("max_s", |m| m.max_s),
    ("covered_road_km", |m| Some(m.covered_road_km)),
    ("covered_area_km2", |m| Some(m.covered_area_km2)),
    ("unreachable", |m| Some(m.unreachable as f64)),
    ("off_network", |m| Some(m.off_network as f64)),
    ("demand_points", |m| Some(m.demand_points as f64)),
];

/// A district (or the region) before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaComparison {
    /// District name, or `(region)`.
    pub name: String,
    /// None for the region.
    pub kind: Option<DistrictKind>,
    pub baseline: Metrics,
    pub plan: Metrics,
}

/// Whether a demand point gained or lost coverage within the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CoverageChange {
    Gained,
    Lost,
}

impl CoverageChange {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageChange::Gained => "gained",
            CoverageChange::Lost => "lost",
        }
    }
}

/// A demand point whose coverage within the threshold changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandChange {
    /// Index into the demand points.
    pub index: usize,
    pub id: String,
    pub lon: f64,
    pub lat: f64,
    pub weight: f64,
    pub district: Option<String>,
    pub change: CoverageChange,
    /// First station and response (seconds) in the baseline.
    pub baseline_station: Option<String>,
    pub baseline_s: Option<f64>,
    pub plan_station: Option<String>,
    pub plan_s: Option<f64>,
}

/// A station's first-due area before and after (None: not placed in that variant).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StationComparison {
    pub id: String,
    pub name: String,
    pub baseline_area_km2: Option<f64>,
    pub plan_area_km2: Option<f64>,
    pub baseline_worst_road_s: Option<f64>,
    pub plan_worst_road_s: Option<f64>,
    pub baseline_demand_share: Option<f64>,
    pub plan_demand_share: Option<f64>,
}

/// A target's counts before and after.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetComparison {
    pub id: String,
    pub force: Force,
    pub baseline: TargetTally,
    pub plan: TargetTally,
}

/// Baseline versus plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDiff {
    /// Each district in file order, then the region.
    pub areas: Vec<AreaComparison>,
    /// Demand points gaining or losing coverage, in input order.
    pub demand: Vec<DemandChange>,
    pub gained_points: usize,
    pub lost_points: usize,
    pub gained_weight: f64,
    pub lost_weight: f64,
    /// Every station of either variant: the baseline's in file order, then the plan's new ones.
    pub stations: Vec<StationComparison>,
    pub targets: Vec<TargetComparison>,
}

fn first_due(v: &Variant, i: usize) -> Option<(f64, Option<f64>, f64)> {
    match v.coverage.placement.get(i)? {
        Placement::Origin(o) => {
            let fd = &v.coverage.first_due[*o as usize];
            Some((fd.area_km2, fd.worst_road_s, fd.demand_share))
        }
        _ => None,
    }
}

/// Compares two variants evaluated on the same network, demand and districts (as
/// [`crate::run::run_with_plan`] makes them: the demand results of both are parallel to
/// `demand`, their district metrics to `districts`).
pub fn compare(
    baseline: Variant,
    plan: Variant,
    districts: &[District],
    demand: &[DemandPoint],
    threshold_s: f64,
) -> PlanDiff {
    let mut areas: Vec<AreaComparison> = districts
        .iter()
        .enumerate()
        .map(|(i, d)| AreaComparison {
            name: d.name.clone(),
            kind: Some(d.kind),
            baseline: baseline.coverage.districts[i].clone(),
            plan: plan.coverage.districts[i].clone(),
        })
        .collect();
    areas.push(AreaComparison {
        name: "(region)".into(),
        kind: None,
        baseline: baseline.coverage.region.clone(),
        plan: plan.coverage.region.clone(),
    });

    let covered = |s: Option<f64>| s.is_some_and(|t| t <= threshold_s);
    let mut changes = Vec::new();
    let pairs = baseline.coverage.demand.iter().zip(&plan.coverage.demand);
    for (i, (d, (b, p))) in demand.iter().zip(pairs).enumerate() {
        let (bs, ps) = (b.response.first_s(), p.response.first_s());
        let change = match (covered(bs), covered(ps)) {
            (false, true) => CoverageChange::Gained,
            (true, false) => CoverageChange::Lost,
            _ => continue,
        };
        changes.push(DemandChange {
            index: i,
            id: d.id.clone(),
            lon: d.location.x(),
            lat: d.location.y(),
            weight: d.weight,
            district: b.district.map(|k| districts[k].name.clone()),
            change,
            baseline_station: b
                .response
                .first
                .map(|f| baseline.origin_id(f.0).to_string()),
            baseline_s: bs,
            plan_station: p.response.first.map(|f| plan.origin_id(f.0).to_string()),
            plan_s: ps,
        });
    }
    let sum = |c: CoverageChange| -> (usize, f64) {
        let sel = changes.iter().filter(|x| x.change == c);
        (
            sel.clone().count(),
            sel.map(|x| x.weight).sum::<f64>() + 0.0,
        )
    };
    let (gained_points, gained_weight) = sum(CoverageChange::Gained);
    let (lost_points, lost_weight) = sum(CoverageChange::Lost);

    let mut stations = Vec::new();
    for (i, s) in baseline.stations.iter().enumerate() {
        let j = plan.stations.iter().position(|x| x.id == s.id);
        let b = first_due(&baseline, i);
        let p = j.and_then(|j| first_due(&plan, j));
        stations.push(StationComparison {
            id: s.id.clone(),
            name: j.map_or(&s.name, |j| &plan.stations[j].name).clone(),
            baseline_area_km2: b.map(|x| x.0),
            plan_area_km2: p.map(|x| x.0),
            baseline_worst_road_s: b.and_then(|x| x.1),
            plan_worst_road_s: p.and_then(|x| x.1),
            baseline_demand_share: b.map(|x| x.2),
            plan_demand_share: p.map(|x| x.2),
        });
    }
    for (j, s) in plan.stations.iter().enumerate() {
        if baseline.stations.iter().any(|x| x.id == s.id) {
            continue;
        }
        let p = first_due(&plan, j);
        stations.push(StationComparison {
            id: s.id.clone(),
            name: s.name.clone(),
            baseline_area_km2: None,
            plan_area_km2: p.map(|x| x.0),
            baseline_worst_road_s: None,
            plan_worst_road_s: p.and_then(|x| x.1),
            baseline_demand_share: None,
            plan_demand_share: p.map(|x| x.2),
        });
    }

    let bt = baseline.checks.tallies();
    let pt = plan.checks.tallies();
    let targets = pt
        .into_iter()
        .map(|p| {
            let b = bt
                .iter()
                .find(|b| b.id == p.id)
                .cloned()
                .unwrap_or(TargetTally {
                    id: p.id.clone(),
                    force: p.force,
                    pass: 0,
                    fail: 0,
                    no_data: 0,
                    not_applicable: 0,
                });
            TargetComparison {
                id: p.id.clone(),
                force: p.force,
                baseline: b,
                plan: p,
            }
        })
        .collect();

    PlanDiff {
        areas,
        demand: changes,
        gained_points,
        lost_points,
        gained_weight,
        lost_weight,
        stations,
        targets,
    }
}
