//! Upper bounds on the best value with `k` new sites, for the gap reported with every
//! answer: the LP relaxation (`good_lp` with the pure-Rust `microlp` solver) when the
//! instance is small enough, else a Lagrangian bound (the covering constraints relaxed,
//! multipliers by subgradient). Also the exact MILP, used by the tests on small instances.
//!
//! Model (element j with weight w_j and need r_j; x_i = site i opens):
//! max Σ w_j y_j  s.t.  r_j y_j ≤ Σ_{i covers j} x_i,  Σ x_i ≤ k,  x, y ∈ [0, 1].

use std::time::{Duration, Instant};

use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};
use serde::Serialize;

use super::solver::Instance;

/// How a bound was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BoundKind {
    /// LP relaxation solved to optimality.
    Lp,
    /// Lagrangian relaxation (subgradient).
    Lagrangian,
    /// Exact MILP: the bound is the optimum.
    Exact,
}

impl BoundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BoundKind::Lp => "lp",
            BoundKind::Lagrangian => "lagrangian",
            BoundKind::Exact => "exact",
        }
    }
}

/// Instances up to this many non-zeros (after merging identical elements) get the LP.
pub const LP_MAX_NONZEROS: usize = 20_000;
/// … and up to this many elements.
pub const LP_MAX_ELEMENTS: usize = 4_000;

fn nonzeros(inst: &Instance) -> usize {
    inst.sets.items.len()
}

/// An upper bound on the value of `k` sites; `incumbent` is a known value (a lower bound),
/// which steers the Lagrangian steps. Never below `incumbent`.
pub fn upper_bound(inst: &Instance, k: usize, incumbent: f64) -> (f64, BoundKind) {
    let cap = inst.reachable();
    if k >= inst.candidates() {
        return (cap, BoundKind::Exact);
    }
    if nonzeros(inst) <= LP_MAX_NONZEROS && inst.elements() <= LP_MAX_ELEMENTS {
        if let Some(v) = lp_bound(inst, k, false) {
            return (v.min(cap).max(incumbent), BoundKind::Lp);
        }
    }
    let v = lagrangian(inst, k, incumbent, 300, Duration::from_secs(20));
    (v.min(cap).max(incumbent), BoundKind::Lagrangian)
}

/// The LP relaxation (`integer = false`) or the exact MILP (`integer = true`) with
/// microlp; `None` if the solver fails.
pub fn lp_bound(inst: &Instance, k: usize, integer: bool) -> Option<f64> {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = (0..inst.candidates())
        .map(|_| {
            if integer {
                vars.add(variable().binary())
            } else {
                vars.add(variable().min(0.0).max(1.0))
            }
        })
        .collect();
    let live: Vec<usize> = (0..inst.elements())
        .filter(|&j| !inst.inverse.row(j).is_empty() && inst.weights[j] > 0.0)
        .collect();
    let y: Vec<Variable> = live
        .iter()
        .map(|&j| {
            if integer && inst.need[j] > 1 {
                vars.add(variable().binary())
            } else {
                vars.add(variable().min(0.0).max(1.0))
            }
        })
        .collect();
    let objective: Expression = live
        .iter()
        .zip(&y)
        .map(|(&j, &v)| inst.weights[j] * v)
        .sum();
    let mut model = vars.maximise(objective.clone()).using(microlp);
    let all: Expression = x.iter().copied().sum();
    model.add_constraint(constraint!(all <= k as f64));
    for (&j, &yj) in live.iter().zip(&y) {
        let cover: Expression = inst.inverse.row(j).iter().map(|&i| x[i as usize]).sum();
        model.add_constraint(constraint!(inst.need[j] as f64 * yj <= cover));
    }
    let sol = model.solve().ok()?;
    Some(sol.eval(&objective))
}

/// Exact optimum value with `k` sites (small instances only).
pub fn exact(inst: &Instance, k: usize) -> Option<f64> {
    lp_bound(inst, k.min(inst.candidates()), true)
}

/// Lagrangian bound: relaxing `r_j y_j ≤ Σ x_i` with multipliers λ_j ≥ 0 gives
/// L(λ) = Σ_j max(0, w_j − r_j λ_j) + (sum of the k largest Σ_{j∈N(i)} λ_j), an upper
/// bound for every λ; minimised by subgradient steps (Polyak step towards `incumbent`).
pub fn lagrangian(
    inst: &Instance,
    k: usize,
    incumbent: f64,
    iters: usize,
    budget: Duration,
) -> f64 {
    lagrangian_warm(inst, k, incumbent, iters, budget, &mut Vec::new())
}

/// [`lagrangian`] starting from `lambda` (reset when its length does not fit), which is
/// left at the best multipliers found. (Warm-starting k + 1 from k's multipliers was tried
/// for the curve and gave looser bounds on Liechtenstein: the curve starts cold.)
pub fn lagrangian_warm(
    inst: &Instance,
    k: usize,
    incumbent: f64,
    iters: usize,
    budget: Duration,
    warm: &mut Vec<f64>,
) -> f64 {
    let start = Instant::now();
    let m = inst.elements();
    let n = inst.candidates();
    if warm.len() != m {
        *warm = (0..m)
            .map(|j| inst.weights[j] / inst.need[j] as f64)
            .collect();
    }
    let mut lambda = warm.clone();
    let mut best = f64::INFINITY;
    let mut theta = 2.0;
    let mut since = 0;
    let mut score = vec![0.0; n];
    let mut order: Vec<usize> = (0..n).collect();
    let mut cnt = vec![0u32; m];
    for _ in 0..iters {
        for (i, s) in score.iter_mut().enumerate() {
            *s = inst.sets.row(i).iter().map(|&j| lambda[j as usize]).sum();
        }
        let kk = k.min(n);
        if kk > 0 && kk < n {
            order.select_nth_unstable_by(kk - 1, |&a, &b| score[b].total_cmp(&score[a]));
        }
        let top = &order[..kk];
        let mut value: f64 = top.iter().map(|&i| score[i].max(0.0)).sum();
        for ((w, r), l) in inst.weights.iter().zip(&inst.need).zip(&lambda) {
            value += (w - *r as f64 * l).max(0.0);
        }
        if value < best - 1e-12 {
            best = value;
            warm.copy_from_slice(&lambda);
            since = 0;
        } else {
            since += 1;
            if since >= 10 {
                theta /= 2.0;
                since = 0;
            }
        }
        if best - incumbent <= 1e-6 * best.max(1.0) || start.elapsed() > budget || theta < 1e-4 {
            break;
        }
        // Subgradient of L at λ: cnt_j(S) − r_j·[w_j > r_j λ_j].
        cnt.iter_mut().for_each(|c| *c = 0);
        for &i in top {
            for &j in inst.sets.row(i) {
                cnt[j as usize] += 1;
            }
        }
        let mut norm2 = 0.0;
        let g: Vec<f64> = (0..m)
            .map(|j| {
                let r = inst.need[j] as f64;
                let y = if inst.weights[j] > r * lambda[j] {
                    r
                } else {
                    0.0
                };
                let g = cnt[j] as f64 - y;
                norm2 += g * g;
                g
            })
            .collect();
        if norm2 <= 0.0 {
            break;
        }
        let step = theta * (value - incumbent).max(1e-9) / norm2;
        for j in 0..m {
            lambda[j] = (lambda[j] - step * g[j]).max(0.0);
        }
    }
    best
}
