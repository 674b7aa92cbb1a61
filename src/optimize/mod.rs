//! Station placement search (DESIGN §8): where new stations help most, existing stations
//! fixed.
//!
//! Pipeline: [`candidates`] (a CSV, a grid of network nodes or random nodes; exclusions:
//! off the network, outside the chosen districts, near hazard sites) → demand in scope
//! (the scenario's incidents or buildings, or every network node; optionally only in some
//! districts) and what the existing stations already cover (one two-label search) →
//! [`sets`] (one bounded search per candidate, sparse) → [`solver`] (greedy + swap) →
//! [`bound`] (LP relaxation or Lagrangian: the gap) → [`output`] (ranked sites, curve,
//! plan file, GeoJSON) and [`effect`] (what the chosen sites add, for the map).
//!
//! Problems: maximal covering (`Goal::Add(k)`), fewest new sites for a coverage level
//! (`Goal::Reach(level)`, partial set covering) and, with `backup`, both over demand
//! covered *twice* within the threshold (existing covers count towards the two).

pub mod bound;
pub mod candidates;
pub mod effect;
pub mod rerank;
pub mod sets;
pub mod solver;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use geo::{Contains, Point};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::load::Inputs;
use crate::model::{AreaKind, District, StationClass};
use crate::network::{Network, SnapIndex, SnapPoint};
use crate::params::Crs;
use crate::progress::Progress;
use bound::BoundKind;
use candidates::{Candidate, CandidateSet};
use sets::{Csr, Site};
use solver::{Instance, Requirement};

/// What to find.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Goal {
    /// The best `k` new sites.
    Add(usize),
    /// The fewest new sites reaching this share of demand (0–1].
    Reach(f64),
}

/// Where candidates come from.
#[derive(Debug, Clone, PartialEq)]
pub enum CandidateSource {
    /// A CSV `id, lon, lat[, name]`.
    File(PathBuf, Crs),
    /// One network node per grid cell of this many metres.
    Grid(f64),
    /// `n` distinct random network nodes (seeded): benchmarks.
    Random { n: usize, seed: u64 },
}

/// Options of a placement search.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub candidates: CandidateSource,
    /// Maximise demand covered twice instead of once.
    pub backup: bool,
    /// Restrict demand and candidates to these districts (names); empty = everywhere.
    pub districts: Vec<String>,
    /// Hazard sites CSV (`id, lon, lat`) and the minimum distance from them.
    pub hazards: Option<PathBuf>,
    pub hazard_m: f64,
    /// Every network node is a demand point of weight 1 (instead of the scenario's demand).
    pub demand_nodes: bool,
    /// `(n, seed)`: n random demand points of weight 1 along random road segments, up to
    /// 30 m off the road (benchmarks; replaces the scenario's demand).
    pub random_demand: Option<(usize, u64)>,
    /// `--require-area-kind`: every special-risk site of these kinds (`[areas]`) must have
    /// its worst road point within the threshold once the answer's sites open.
    pub require_area_kinds: Vec<AreaKind>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            candidates: CandidateSource::Grid(500.0),
            backup: false,
            districts: Vec::new(),
            hazards: None,
            hazard_m: 300.0,
            demand_nodes: false,
            random_demand: None,
            require_area_kinds: Vec::new(),
        }
    }
}

/// Everything the search works on.
#[derive(Debug, Clone)]
pub struct Problem {
    pub candidates: CandidateSet,
    pub sites: Vec<Site>,
    /// Demand in scope (on the network).
    pub demand: Vec<SnapPoint>,
    pub demand_weights: Vec<f64>,
    /// Demand weight in scope, off-network points included (they count as uncovered).
    pub total_weight: f64,
    /// Weight the existing stations already cover (once, or twice with `backup`).
    pub base_weight: f64,
    /// Elements = demand points that can still gain, merged by equal candidate sets.
    pub instance: Instance,
    pub backup: bool,
    pub threshold_s: f64,
    /// Non-zeros of the coverage sets (memory is proportional to this).
    pub set_entries: usize,
    pub sets_s: f64,
    /// Sites that must be covered (`--require-area-kind`), in layer order.
    pub required: Vec<RequiredSite>,
    /// Their road points the existing stations do not reach, as must-cover lists.
    pub requirement: Requirement,
}

/// Spacing of the road points a required site is checked at, metres.
pub const REQUIRED_POINT_SPACING_M: f64 = 10.0;

/// A special-risk site that must be covered (`--require-area-kind`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequiredSite {
    /// Index into the `[areas]` layer (`Inputs::areas`).
    pub area: usize,
    pub name: String,
    pub kind: AreaKind,
    /// Road points it is checked at (every [`REQUIRED_POINT_SPACING_M`] along the road
    /// inside it; one, its nearest road point, for a site without road inside).
    pub road_points: usize,
    /// Of those, the points the existing stations do not reach within the threshold.
    pub open_points: usize,
}

/// Whether the answer covers a required site: its worst road point
/// ([`crate::coverage::sites`]) today and with the answer's sites open.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequiredResult {
    pub name: String,
    pub kind: &'static str,
    pub road_points: usize,
    pub open_points: usize,
    /// Response at the site's worst road point, seconds: today and with the answer.
    pub worst_today_s: Option<f64>,
    pub worst_after_s: Option<f64>,
    /// The station first at most of its road with the answer (the plan id of a new site).
    pub first_due_after: Option<String>,
    /// `worst_after_s` within the threshold.
    pub covered: bool,
}

/// One point of the coverage-versus-k curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    pub k: usize,
    /// Covered share after greedy alone and after swap improvement.
    pub greedy: f64,
    pub coverage: f64,
    /// Upper bound on the covered share with k new sites, and how it was found.
    pub upper: f64,
    pub bound: BoundKind,
    /// `upper − coverage`, percentage points.
    pub gap_pp: f64,
    pub sites: Vec<usize>,
}

/// A chosen site, ranked by marginal gain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedSite {
    pub rank: usize,
    /// Index into `problem.candidates.kept`.
    pub candidate: usize,
    /// Weight it adds given the higher-ranked sites, and as a share of all demand.
    pub marginal_weight: f64,
    pub marginal_share: f64,
    /// Covered share once this and every higher-ranked site is open.
    pub coverage_after: f64,
    /// Weight lost if only this site were dropped from the answer.
    pub loss_if_removed: f64,
    pub class: StationClass,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub goal: Goal,
    pub backup: bool,
    pub base_coverage: f64,
    pub coverage: f64,
    pub upper: f64,
    pub bound: BoundKind,
    pub gap_pp: f64,
    /// Relative gap on the weight gained: (bound − found) / bound.
    pub gap_relative: f64,
    pub sites: Vec<RankedSite>,
    pub curve: Vec<CurvePoint>,
    /// `Reach`: a lower bound on the number of sites any answer needs.
    pub min_sites_bound: Option<usize>,
    pub solve_s: f64,
    /// The required sites and whether the answer covers them ([`check_required`]; empty
    /// until it is called, and without `--require-area-kind`).
    pub required: Vec<RequiredResult>,
}

fn select_districts<'a>(inputs: &'a Inputs, names: &[String]) -> Result<Vec<&'a District>> {
    names
        .iter()
        .map(|n| {
            inputs
                .districts
                .iter()
                .find(|d| &d.name == n)
                .ok_or_else(|| {
                    Error::option(
                        format!("--district `{n}`"),
                        format!(
                            "no such district; the scenario has {}",
                            inputs
                                .districts
                                .iter()
                                .map(|d| format!("`{}`", d.name))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })
        })
        .collect()
}

/// The places generated candidates are named after: the villages (`[villages]`), then the
/// stations (by name), so that a site reads "1.2 km NE of Dongcun" to a planner.
fn naming_places(inputs: &Inputs) -> Vec<candidates::Place> {
    let villages = inputs.villages.iter().flatten().map(|v| candidates::Place {
        name: v.name.clone(),
        location: v.anchor(),
    });
    let stations = inputs.stations.iter().map(|s| candidates::Place {
        name: s.name.clone(),
        location: s.location,
    });
    villages.chain(stations).collect()
}

/// `n` distinct network nodes drawn with a seeded ChaCha8 (ids `R<node>`).
pub fn random_candidates(net: &Network, n: usize, seed: u64) -> Vec<Candidate> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let total = net.node_count();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    while out.len() < n.min(total) {
        let v = rng.random_range(0..total);
        if seen.insert(v) {
            let node = &net.nodes[v];
            out.push(Candidate {
                id: format!("R{v}"),
                name: format!("node {v}"),
                location: Point::new(node.lon, node.lat),
                line: None,
                grid_cell: None,
            });
        }
    }
    out
}

/// `n` random points along random segments, jittered up to 30 m (seeded ChaCha8).
pub fn random_demand(net: &Network, n: usize, seed: u64) -> Vec<(Point<f64>, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let proj = &net.projection;
    (0..n)
        .map(|_| {
            let s = &net.segments[rng.random_range(0..net.segments.len())];
            let (a, b) = (&net.nodes[s.a as usize], &net.nodes[s.b as usize]);
            let f: f64 = rng.random_range(0.0..1.0);
            let [x, y] = proj.project(a.lon + f * (b.lon - a.lon), a.lat + f * (b.lat - a.lat));
            let dx: f64 = rng.random_range(-30.0..30.0);
            let dy: f64 = rng.random_range(-30.0..30.0);
            let (lon, lat) = proj.unproject([x + dx, y + dy]);
            (Point::new(lon, lat), 1.0)
        })
        .collect()
}

/// Candidates, demand in scope, existing coverage and coverage sets. `progress` gets the
/// number of candidates as its length and advances once per coverage set.
pub fn prepare(
    inputs: &Inputs,
    net: &Network,
    index: &SnapIndex,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Problem> {
    let scenario = &inputs.scenario;
    let params = &scenario.response;
    let max_snap_m = scenario.max_snap_m;
    let chosen = select_districts(inputs, &opts.districts)?;

    // Demand in scope.
    let points: Vec<(Point<f64>, f64)> = if let Some((n, seed)) = opts.random_demand {
        random_demand(net, n, seed)
    } else if opts.demand_nodes {
        net.nodes
            .iter()
            .map(|n| (Point::new(n.lon, n.lat), 1.0))
            .collect()
    } else {
        match &inputs.demand {
            Some(d) => d.iter().map(|p| (p.location, p.weight)).collect(),
            None => {
                return Err(Error::Scenario(format!(
                    "{}: the scenario has no `[demand]`; add one or use --demand-nodes \
                     (every road node, weight 1)",
                    scenario.path.display()
                )))
            }
        }
    };
    let mut total_weight = 0.0;
    let mut demand = Vec::new();
    let mut demand_weights = Vec::new();
    for (p, w) in points {
        if !chosen.is_empty() && !chosen.iter().any(|d| d.area.contains(&p)) {
            continue;
        }
        total_weight += w;
        if let Some(sp) = index.snap(net, p.x(), p.y()) {
            if sp.access_m <= max_snap_m {
                demand.push(sp);
                demand_weights.push(w);
            }
        }
    }
    if total_weight <= 0.0 {
        return Err(Error::Scenario(
            "no demand in scope (none in the chosen districts, or all weights 0)".into(),
        ));
    }

    // What the existing stations already give.
    let t0 = Instant::now();
    let counts = sets::existing_counts(net, index, &inputs.stations, params, max_snap_m, &demand);
    let goal_covers: u8 = if opts.backup { 2 } else { 1 };
    let need: Vec<u8> = counts
        .iter()
        .map(|&c| goal_covers.saturating_sub(c))
        .collect();
    let base_weight: f64 = need
        .iter()
        .zip(&demand_weights)
        .filter(|(n, _)| **n == 0)
        .map(|(_, w)| w)
        .sum();

    // Candidates.
    let (list, source, file) = match &opts.candidates {
        CandidateSource::File(p, crs) => (
            candidates::read_candidates(p, *crs)?,
            p.display().to_string(),
            Some(p.clone()),
        ),
        CandidateSource::Grid(g) => {
            if !g.is_finite() || *g <= 0.0 {
                return Err(Error::option(
                    format!("--grid {g}"),
                    "spacing must be > 0 m",
                ));
            }
            let mut grid = candidates::grid_candidates(net, *g, &chosen);
            candidates::name_by_places(
                &mut grid,
                &naming_places(inputs),
                scenario.lang.eq_ignore_ascii_case("en"),
            );
            (grid, format!("grid {g} m"), None)
        }
        CandidateSource::Random { n, seed } => (
            random_candidates(net, *n, *seed),
            format!("{n} random nodes (seed {seed})"),
            None,
        ),
    };
    let hazards = match &opts.hazards {
        Some(p) => candidates::read_hazards(p, Crs::Wgs84)?,
        None => Vec::new(),
    };
    let (kept, excluded) = candidates::filter(
        net,
        index,
        list,
        &chosen,
        &hazards,
        opts.hazard_m,
        max_snap_m,
    );
    let set = CandidateSet {
        kept,
        excluded,
        source,
        file,
    };
    if set.kept.is_empty() {
        return Err(candidates::empty_error(&set));
    }
    let sites: Vec<Site> = set
        .kept
        .iter()
        .map(|(_, sp)| Site::new(*sp, params))
        .collect();

    // Coverage sets over the demand that can still gain.
    progress.start(
        "coverage sets of the candidate sites",
        Some(sites.len() as u64),
    );
    let keep = |j: usize| need[j] > 0;
    let raw = sets::cover_sets(net, &sites, &demand, params.threshold_s, &keep, progress);
    progress.finish();
    let mut element = vec![u32::MAX; demand.len()];
    let mut weights = Vec::new();
    let mut needs = Vec::new();
    for j in 0..demand.len() {
        if need[j] > 0 {
            element[j] = weights.len() as u32;
            weights.push(demand_weights[j]);
            needs.push(need[j]);
        }
    }
    let rows: Vec<Vec<u32>> = (0..raw.rows())
        .map(|i| raw.row(i).iter().map(|&j| element[j as usize]).collect())
        .collect();
    let set_entries = raw.items.len();
    drop(raw);
    let instance = Instance::new(weights, needs, Csr::from_rows(rows)).merged();
    let (required, requirement) =
        required_sites(inputs, net, index, &sites, &opts.require_area_kinds)?;
    Ok(Problem {
        candidates: set,
        sites,
        demand,
        demand_weights,
        total_weight,
        base_weight,
        instance,
        backup: opts.backup,
        threshold_s: params.threshold_s,
        set_entries,
        sets_s: t0.elapsed().as_secs_f64(),
        required,
        requirement,
    })
}

/// The sites of `kinds` and the must-cover lists of their road points: for every road
/// point the existing stations do not reach within the threshold, the candidates that
/// do. Errors: no `[areas]`, no site of a kind, a site off the roads, a point no
/// candidate reaches.
fn required_sites(
    inputs: &Inputs,
    net: &Network,
    index: &SnapIndex,
    sites: &[Site],
    kinds: &[AreaKind],
) -> Result<(Vec<RequiredSite>, Requirement)> {
    if kinds.is_empty() {
        return Ok((Vec::new(), Requirement::default()));
    }
    let scenario = &inputs.scenario;
    let params = &scenario.response;
    let option = |k: AreaKind| format!("--require-area-kind {}", k.as_str());
    let Some(areas) = inputs.areas.as_deref() else {
        return Err(Error::option(
            option(kinds[0]),
            "the scenario has no `[areas]` layer (add `[areas] file` and `sites`): no site \
             of that kind to cover",
        ));
    };
    for &k in kinds {
        if !k.is_risk_site() {
            return Err(Error::option(
                option(k),
                "townships and functional zones are not special-risk sites; name a risk-site \
                 kind (chemical_park, industrial_park, business_district, scenic_area, \
                 residential, high_rise, forest, water)",
            ));
        }
        if !areas.iter().any(|a| a.kind == k) {
            let mut have: Vec<&str> = areas.iter().map(|a| a.kind.as_str()).collect();
            have.sort_unstable();
            have.dedup();
            return Err(Error::option(
                option(k),
                format!(
                    "the scenario's `[areas]` hold no site of that kind (kinds present: {})",
                    have.join(", ")
                ),
            ));
        }
    }
    let mut required = Vec::new();
    let mut points: Vec<SnapPoint> = Vec::new();
    let mut site_of: Vec<usize> = Vec::new();
    for (ai, a) in areas.iter().enumerate() {
        if !kinds.contains(&a.kind) {
            continue;
        }
        let p = crate::coverage::sites::road_points(
            net,
            index,
            a,
            REQUIRED_POINT_SPACING_M,
            scenario.max_snap_m,
        );
        if p.is_empty() {
            return Err(Error::Scenario(format!(
                "required {} `{}` ({}): no road inside it and none within max_snap_m = {} m \
                 of it; it cannot be reached by road",
                a.kind.as_str(),
                a.name,
                option(a.kind),
                scenario.max_snap_m
            )));
        }
        required.push(RequiredSite {
            area: ai,
            name: a.name.clone(),
            kind: a.kind,
            road_points: p.len(),
            open_points: 0,
        });
        site_of.extend(std::iter::repeat_n(required.len() - 1, p.len()));
        points.extend(p);
    }
    let counts = sets::existing_counts(
        net,
        index,
        &inputs.stations,
        params,
        scenario.max_snap_m,
        &points,
    );
    let open = |j: usize| counts[j] == 0;
    let rows = sets::cover_sets(
        net,
        sites,
        &points,
        params.threshold_s,
        &open,
        &crate::progress::Silent,
    );
    let by_point = rows.transpose(points.len());
    let mut lists = Vec::new();
    for j in 0..points.len() {
        if !open(j) {
            continue;
        }
        let r = &mut required[site_of[j]];
        r.open_points += 1;
        let list = by_point.row(j);
        if list.is_empty() {
            return Err(Error::Scenario(format!(
                "required {} `{}` ({}): no candidate site reaches its road point at \
                 {:.6},{:.6} within {:.0} s, and no existing station does; add candidates \
                 near it (--candidates, a finer --grid) or leave the kind out",
                r.kind.as_str(),
                r.name,
                option(r.kind),
                points[j].lon,
                points[j].lat,
                params.threshold_s
            )));
        }
        lists.push(list.to_vec());
    }
    let requirement = Requirement::new(lists, sites.len());
    Ok((required, requirement))
}

/// Whether the answer covers each required site: the worst road point of the site
/// ([`crate::coverage::sites::evaluate_sites`]) with the existing stations and with the
/// answer's sites added as planned stations (suggested class, the scenario's turnout).
pub fn check_required(
    inputs: &Inputs,
    net: &Network,
    index: &SnapIndex,
    problem: &Problem,
    outcome: &Outcome,
) -> Vec<RequiredResult> {
    use crate::coverage;
    use crate::model::Station;
    let Some(areas) = inputs.areas.as_deref() else {
        return Vec::new();
    };
    if problem.required.is_empty() {
        return Vec::new();
    }
    let scenario = &inputs.scenario;
    let existing: std::collections::HashSet<&str> =
        inputs.stations.iter().map(|s| s.id.as_str()).collect();
    let mut all = inputs.stations.clone();
    for s in &outcome.sites {
        let (c, _) = &problem.candidates.kept[s.candidate];
        all.push(Station::planned(
            plan_id(&c.id, &existing),
            c.name.clone(),
            s.class,
            c.location,
        ));
    }
    let worst = |stations: &[Station]| {
        let cov = coverage::evaluate(
            net,
            index,
            stations,
            &[],
            &inputs.districts,
            &scenario.response,
            scenario.max_snap_m,
        );
        let sites = coverage::sites::evaluate_sites(net, index, &cov, areas);
        (cov, sites)
    };
    let (_, today) = worst(&inputs.stations);
    let (cov_after, after) = worst(&all);
    problem
        .required
        .iter()
        .map(|r| {
            let t = today.iter().find(|s| s.area == r.area);
            let a = after.iter().find(|s| s.area == r.area);
            let worst_after_s = a.and_then(|a| a.worst).map(|w| w.0);
            RequiredResult {
                name: r.name.clone(),
                kind: r.kind.as_str(),
                road_points: r.road_points,
                open_points: r.open_points,
                worst_today_s: t.and_then(|t| t.worst).map(|w| w.0),
                worst_after_s,
                first_due_after: a
                    .and_then(|a| a.first_due)
                    .map(|o| all[cov_after.origins[o as usize].station].id.clone()),
                covered: worst_after_s.is_some_and(|w| w <= problem.threshold_s),
            }
        })
        .collect()
}

/// Suggested class of a new site from the demand share it adds: ≥ 5 % a class-1 station
/// (一级站), ≥ 1 % class-2 (二级站), else a small station (小型站).
pub fn suggest_class(marginal_share: f64) -> StationClass {
    if marginal_share >= 0.05 {
        StationClass::Class1
    } else if marginal_share >= 0.01 {
        StationClass::Class2
    } else {
        StationClass::Small
    }
}

impl Problem {
    fn share(&self, gained: f64) -> f64 {
        (self.base_weight + gained) / self.total_weight
    }

    /// Covered share with every candidate open.
    pub fn reachable_share(&self) -> f64 {
        self.share(self.instance.reachable())
    }

    fn point(
        &self,
        k: usize,
        greedy: f64,
        sites: Vec<usize>,
        value: f64,
        budget: Duration,
    ) -> CurvePoint {
        let (ub, kind) = bound_with_budget(&self.instance, k, value, budget);
        CurvePoint {
            k,
            greedy: self.share(greedy),
            coverage: self.share(value),
            upper: self.share(ub),
            bound: kind,
            gap_pp: (ub - value).max(0.0) / self.total_weight * 100.0,
            sites,
        }
    }

    /// Solves for `goal`. Errors: `k` larger than the candidates, a level that cannot be
    /// reached (the message says which level can).
    pub fn solve(&self, goal: Goal) -> Result<Outcome> {
        let t0 = Instant::now();
        let inst = &self.instance;
        let n = self.sites.len();
        let what = if self.backup {
            "backup (twice-covered) "
        } else {
            ""
        };
        // Sites the required risk sites take (opened first; swaps keep them covered).
        let req = &self.requirement;
        let forced: Vec<usize> = if req.is_empty() {
            Vec::new()
        } else {
            req.cover(inst).ok_or_else(|| {
                Error::Scenario("a required site has a road point no candidate reaches".into())
            })?
        };
        let (k_max, target) = match goal {
            Goal::Add(k) => {
                if k == 0 {
                    return Err(Error::option("--add 0", "ask for at least one new site"));
                }
                if k > n {
                    return Err(Error::option(
                        format!("--add {k}"),
                        format!(
                            "only {n} candidate site(s) remain after exclusions (from {}); ask \
                             for at most {n}",
                            self.candidates.source
                        ),
                    ));
                }
                if forced.len() > k {
                    return Err(Error::option(
                        format!("--add {k}"),
                        format!(
                            "covering the required sites ({}) takes {} new sites in this \
                             search (a greedy cover of their road points); ask for --add {} \
                             or more",
                            self.required_names(),
                            forced.len(),
                            forced.len()
                        ),
                    ));
                }
                (k, None)
            }
            Goal::Reach(level) => {
                if !level.is_finite() || level <= 0.0 || level > 1.0 {
                    return Err(Error::option(
                        format!("--reach {level}"),
                        "give a share in (0, 1], e.g. 0.95",
                    ));
                }
                let reachable = self.reachable_share();
                if level > reachable + 1e-12 {
                    return Err(Error::Scenario(format!(
                        "{what}coverage {:.1} % is not reachable: with all {n} candidate \
                         sites open it is at most {:.2} % (today {:.2} %); ask for \
                         --reach {:.4} or less, or add candidates",
                        level * 100.0,
                        reachable * 100.0,
                        self.share(0.0) * 100.0,
                        (reachable * 1e4).floor() / 1e4
                    )));
                }
                let target = level * self.total_weight - self.base_weight;
                if target <= solver::EPS && forced.is_empty() {
                    let base = self.share(0.0);
                    return Ok(Outcome {
                        goal,
                        backup: self.backup,
                        base_coverage: base,
                        coverage: base,
                        upper: base,
                        bound: BoundKind::Exact,
                        gap_pp: 0.0,
                        gap_relative: 0.0,
                        sites: Vec::new(),
                        curve: Vec::new(),
                        min_sites_bound: Some(0),
                        solve_s: t0.elapsed().as_secs_f64(),
                        required: Vec::new(),
                    });
                }
                // Greedy until the target is met: at most that many sites are needed.
                let g = solver::greedy_until_after(inst, &forced, target);
                (g.max(forced.len()).max(1), Some(target))
            }
        };
        let greedy = solver::greedy_after(inst, &forced, k_max);
        let budget = Duration::from_secs_f64((60.0 / k_max as f64).clamp(2.0, 20.0));
        let mut curve = Vec::with_capacity(k_max);
        let mut found: Option<usize> = None;
        // With required sites, answers with fewer sites than their cover are not drawn.
        let k_min = forced.len().max(1);
        for k in k_min..=k_max {
            let start: Vec<usize> = greedy[..k].iter().map(|x| x.0).collect();
            let gv: f64 = greedy[..k].iter().map(|x| x.1).sum();
            let (sites, v) = if req.is_empty() {
                solver::swap(inst, &start)
            } else {
                solver::swap_required(inst, req, &start)
            };
            curve.push(self.point(k, gv, sites, v, budget));
            if let Some(t) = target {
                if found.is_none() && v >= t - solver::EPS {
                    found = Some(k);
                    break;
                }
            }
        }
        let (best, min_sites_bound) = match target {
            None => (curve.last().cloned().expect("k ≥ 1"), None),
            Some(t) => {
                let k = found.unwrap_or(k_max);
                let best = curve[k - k_min].clone();
                // The smallest k whose bound reaches the target: no answer has fewer (below
                // the required sites' cover, the bound without the requirement).
                let lb = (1..=k)
                    .find(|&kk| {
                        let upper_gain = if kk < k_min {
                            bound_with_budget(inst, kk, 0.0, budget).0
                        } else {
                            curve[kk - k_min].upper * self.total_weight - self.base_weight
                        };
                        upper_gain >= t - 1e-9
                    })
                    .unwrap_or(k);
                (best, Some(lb))
            }
        };
        let sites = self.ranked_sites(&best.sites);
        let gained_best = (best.coverage * self.total_weight - self.base_weight).max(0.0);
        let ub_gain = (best.upper * self.total_weight - self.base_weight).max(0.0);
        Ok(Outcome {
            goal,
            backup: self.backup,
            base_coverage: self.share(0.0),
            coverage: best.coverage,
            upper: best.upper,
            bound: best.bound,
            gap_pp: best.gap_pp,
            gap_relative: if ub_gain > 0.0 {
                ((ub_gain - gained_best) / ub_gain).max(0.0)
            } else {
                0.0
            },
            sites,
            curve,
            min_sites_bound,
            solve_s: t0.elapsed().as_secs_f64(),
            required: Vec::new(),
        })
    }

    /// The required sites' names, for messages.
    fn required_names(&self) -> String {
        let names: Vec<String> = self
            .required
            .iter()
            .map(|r| format!("{} `{}`", r.kind.as_str(), r.name))
            .collect();
        names.join(", ")
    }
}

impl Problem {
    /// The chosen sites ranked by marginal gain, with suggested classes.
    fn ranked_sites(&self, chosen: &[usize]) -> Vec<RankedSite> {
        let mut gained = 0.0;
        solver::rank(&self.instance, chosen)
            .into_iter()
            .enumerate()
            .map(|(r, (i, g, loss))| {
                gained += g;
                let share = g / self.total_weight;
                RankedSite {
                    rank: r + 1,
                    candidate: i,
                    marginal_weight: g,
                    marginal_share: share,
                    coverage_after: self.share(gained),
                    loss_if_removed: loss,
                    class: suggest_class(share),
                }
            })
            .collect()
    }

    /// Up to `n` answers with as many sites as `outcome`, best static coverage first: the
    /// outcome itself, then for each of its sites the answer with that one site swapped for
    /// the candidate that does best in its place. These are the "best few answers" that
    /// `fireplan optimize --simulate N` re-ranks by simulated coverage (busy units can
    /// reorder answers whose static coverage is close).
    pub fn alternatives(&self, outcome: &Outcome, n: usize) -> Vec<Outcome> {
        let inst = &self.instance;
        let chosen: Vec<usize> = outcome.sites.iter().map(|s| s.candidate).collect();
        let mut answers: Vec<(f64, Vec<usize>)> = vec![(inst.value(&chosen), chosen.clone())];
        let mut st = solver::State::new(inst);
        for &c in &chosen {
            st.open_site(c);
        }
        for (pos, &c) in chosen.iter().enumerate() {
            st.close_site(c);
            let best = (0..inst.candidates())
                .filter(|j| !chosen.contains(j))
                .map(|j| (st.gain(j), j))
                .fold(None, |b: Option<(f64, usize)>, x| match b {
                    Some(b) if b.0 >= x.0 => Some(b),
                    _ => Some(x),
                });
            st.open_site(c);
            if let Some((_, j)) = best {
                let mut alt = chosen.clone();
                alt[pos] = j;
                // A swap that leaves a required site uncovered is no answer.
                if self.requirement.met(&alt) {
                    answers.push((inst.value(&alt), alt));
                }
            }
        }
        // Best first; equal values keep the outcome first, then swap order (deterministic).
        answers.sort_by(|a, b| b.0.total_cmp(&a.0));
        answers.dedup_by(|a, b| {
            let (mut x, mut y) = (a.1.clone(), b.1.clone());
            x.sort_unstable();
            y.sort_unstable();
            x == y
        });
        answers.truncate(n.max(1));
        answers
            .into_iter()
            .map(|(v, sites)| Outcome {
                coverage: self.share(v),
                gap_pp: (outcome.upper - self.share(v)).max(0.0) * 100.0,
                sites: self.ranked_sites(&sites),
                ..outcome.clone()
            })
            .collect()
    }
}

fn bound_with_budget(inst: &Instance, k: usize, value: f64, budget: Duration) -> (f64, BoundKind) {
    if k >= inst.candidates()
        || (inst.sets.items.len() <= bound::LP_MAX_NONZEROS
            && inst.elements() <= bound::LP_MAX_ELEMENTS)
    {
        return bound::upper_bound(inst, k, value);
    }
    let v = bound::lagrangian(inst, k, value, 300, budget);
    (v.min(inst.reachable()).max(value), BoundKind::Lagrangian)
}

/// The id a new site gets in the plan: the candidate's id, prefixed with `OPT-` when an
/// existing station already uses it.
pub fn plan_id(candidate_id: &str, existing: &std::collections::HashSet<&str>) -> String {
    if existing.contains(candidate_id) {
        format!("OPT-{candidate_id}")
    } else {
        candidate_id.to_string()
    }
}

/// An answer (`outcome`, or one of [`Problem::alternatives`]) as a plan: one
/// `add_station` per chosen site, in rank order, with its suggested class and the reason
/// in numbers. `report::optimize::plan_toml` writes it as `optimize_plan.toml`.
pub fn answer_plan(
    problem: &Problem,
    outcome: &Outcome,
    existing_ids: &[String],
    scenario: &str,
) -> crate::plan::Plan {
    use crate::model::Station;
    use crate::plan::file::{Action, Change};
    let existing: std::collections::HashSet<&str> =
        existing_ids.iter().map(String::as_str).collect();
    let what = if outcome.backup {
        "covered twice"
    } else {
        "covered"
    };
    let changes = outcome
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (c, _) = &problem.candidates.kept[s.candidate];
            let id = plan_id(&c.id, &existing);
            Change {
                entry: format!("change[{}] (id {id})", i + 1),
                number: i + 1,
                action: Action::AddStation(Box::new(Station::planned(
                    id,
                    c.name.clone(),
                    s.class,
                    c.location,
                ))),
                reason: format!(
                    "fireplan optimize rank {} of {}: +{:.2} % of demand {what} within {:.0} s \
                     (coverage {:.2} % after it); class suggested from that share",
                    s.rank,
                    outcome.sites.len(),
                    s.marginal_share * 100.0,
                    problem.threshold_s,
                    s.coverage_after * 100.0
                ),
            }
        })
        .collect();
    let goal = match outcome.goal {
        Goal::Add(k) => format!("the best {k} new station(s)"),
        Goal::Reach(l) => format!("the fewest new stations for {:.1} % coverage", l * 100.0),
    };
    crate::plan::Plan {
        name: format!("{scenario}: {goal}"),
        description: Some(format!(
            "Written by fireplan optimize. Demand {what} within {:.0} s: {:.2} % today, \
             {:.2} % with the plan; upper bound {:.2} % ({}), gap {:.2} percentage points.",
            problem.threshold_s,
            outcome.base_coverage * 100.0,
            outcome.coverage * 100.0,
            outcome.upper * 100.0,
            outcome.bound.as_str(),
            outcome.gap_pp
        )),
        path: std::path::PathBuf::from("optimize_plan.toml"),
        changes,
    }
}

/// The full coverage sets of a search for independent solvers (`--export-sets`): every
/// existing station (fixed) and every kept candidate, with the demand each reaches within
/// the threshold (no demand left out, unlike [`Problem::instance`]).
pub struct SetsExport {
    /// (id, fixed) per site: existing stations first, then candidates.
    pub sites: Vec<(String, bool)>,
    pub demand_weights: Vec<f64>,
    /// Row `i`: the demand indices site `i` covers.
    pub sets: sets::Csr,
}

/// Builds [`SetsExport`] for `problem` on the loaded inputs and network.
pub fn export_sets(
    problem: &Problem,
    inputs: &Inputs,
    net: &Network,
    index: &SnapIndex,
) -> SetsExport {
    let scenario = &inputs.scenario;
    let (_, origins) = crate::coverage::place_stations(
        net,
        index,
        &inputs.stations,
        &scenario.response,
        scenario.max_snap_m,
    );
    let mut sites: Vec<(String, bool)> = Vec::new();
    let mut list: Vec<Site> = Vec::new();
    for o in &origins {
        sites.push((inputs.stations[o.station].id.clone(), true));
        list.push(Site {
            snap: o.snap,
            offset_s: o.offset_s,
        });
    }
    for ((c, _), s) in problem.candidates.kept.iter().zip(&problem.sites) {
        sites.push((c.id.clone(), false));
        list.push(*s);
    }
    let sets = sets::cover_sets(
        net,
        &list,
        &problem.demand,
        scenario.response.threshold_s,
        &|_| true,
        &crate::progress::Silent,
    );
    SetsExport {
        sites,
        demand_weights: problem.demand_weights.clone(),
        sets,
    }
}
