//! The heuristic: greedy start, then swap improvement (Teitz–Bart, with the fast
//! interchange bookkeeping of Whitaker: the gain of every candidate is kept up to date as
//! sites open and close, so one swap pass costs O(k · n) plus the work of the updates).
//!
//! The instance is general enough for all three problems: element `j` (a demand point
//! not yet covered well enough by the existing stations) has a weight and a *need*, the
//! number of further covers it takes to count — 1 for maximal covering, 1 or 2 for backup
//! coverage. The objective is the weight of elements whose need is met.

use super::sets::Csr;

/// A covering instance over the elements that can still gain.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub weights: Vec<f64>,
    /// Further covers needed (≥ 1).
    pub need: Vec<u8>,
    /// Candidate → elements it covers.
    pub sets: Csr,
    /// Element → candidates covering it.
    pub inverse: Csr,
}

impl Instance {
    pub fn new(weights: Vec<f64>, need: Vec<u8>, sets: Csr) -> Instance {
        assert_eq!(weights.len(), need.len());
        let inverse = sets.transpose(weights.len());
        Instance {
            weights,
            need,
            sets,
            inverse,
        }
    }

    /// From plain rows (tests, small instances).
    pub fn from_rows(weights: Vec<f64>, need: Vec<u8>, rows: Vec<Vec<u32>>) -> Instance {
        Instance::new(weights, need, Csr::from_rows(rows))
    }

    pub fn candidates(&self) -> usize {
        self.sets.rows()
    }
    pub fn elements(&self) -> usize {
        self.weights.len()
    }

    /// Weight whose need is met by opening `chosen`.
    pub fn value(&self, chosen: &[usize]) -> f64 {
        let mut count = vec![0u32; self.elements()];
        for &i in chosen {
            for &j in self.sets.row(i) {
                count[j as usize] += 1;
            }
        }
        count
            .iter()
            .zip(&self.need)
            .zip(&self.weights)
            .filter(|((&c, &n), _)| c >= n as u32)
            .map(|(_, w)| w)
            .sum()
    }

    /// The same instance with elements of equal need covered by the same candidates
    /// merged into one (weights summed): same values for every choice of sites, often
    /// far fewer elements (neighbouring demand points share their candidate sets).
    pub fn merged(&self) -> Instance {
        let mut index: std::collections::HashMap<(u8, &[u32]), usize> =
            std::collections::HashMap::new();
        let mut weights = Vec::new();
        let mut need = Vec::new();
        let mut rows: Vec<Vec<u32>> = Vec::new();
        for j in 0..self.elements() {
            let key = (self.need[j], self.inverse.row(j));
            if key.1.is_empty() {
                continue;
            }
            let e = *index.entry(key).or_insert_with(|| {
                weights.push(0.0);
                need.push(key.0);
                rows.push(key.1.to_vec());
                weights.len() - 1
            });
            weights[e] += self.weights[j];
        }
        let inverse = Csr::from_rows(rows);
        let sets = inverse.transpose(self.candidates());
        Instance {
            weights,
            need,
            sets,
            inverse,
        }
    }

    /// Weight of every element whose need can be met at all (enough covering candidates).
    pub fn reachable(&self) -> f64 {
        (0..self.elements())
            .filter(|&j| self.inverse.row(j).len() >= self.need[j] as usize)
            .map(|j| self.weights[j])
            .sum()
    }
}

/// A solution under construction: cover counts and every candidate's current gain.
#[derive(Debug, Clone)]
pub struct State<'a> {
    inst: &'a Instance,
    pub open: Vec<bool>,
    pub chosen: Vec<usize>,
    count: Vec<u32>,
    /// Weight an opening would complete.
    gain: Vec<f64>,
    /// Weight an opening would bring closer without completing (backup tie-break).
    progress: Vec<f64>,
    pub value: f64,
}

/// Contribution of an element with `c` covers and need `n` to a candidate's (gain, progress).
#[inline]
fn contrib(c: u32, n: u32) -> (bool, bool) {
    (c + 1 == n, c + 1 < n)
}

impl<'a> State<'a> {
    pub fn new(inst: &'a Instance) -> State<'a> {
        let mut gain = vec![0.0; inst.candidates()];
        let mut progress = vec![0.0; inst.candidates()];
        for i in 0..inst.candidates() {
            for &j in inst.sets.row(i) {
                let (g, p) = contrib(0, inst.need[j as usize] as u32);
                let w = inst.weights[j as usize];
                if g {
                    gain[i] += w;
                }
                if p {
                    progress[i] += w;
                }
            }
        }
        State {
            inst,
            open: vec![false; inst.candidates()],
            chosen: Vec::new(),
            count: vec![0u32; inst.elements()],
            gain,
            progress,
            value: 0.0,
        }
    }

    /// Current gain of opening `i` (for an open site: what closing it would lose).
    pub fn gain(&self, i: usize) -> f64 {
        self.gain[i]
    }

    fn shift(&mut self, i: usize, up: bool) {
        let inst = self.inst;
        for &j in inst.sets.row(i) {
            let ju = j as usize;
            let (n, w) = (inst.need[ju] as u32, inst.weights[ju]);
            let old = self.count[ju];
            let new = if up { old + 1 } else { old - 1 };
            self.count[ju] = new;
            if up && new == n {
                self.value += w;
            } else if !up && old == n {
                self.value -= w;
            }
            // gain counts "one more cover completes j", progress "brings j closer"; an
            // element past its need contributes to neither.
            let (g0, p0) = contrib(old, n);
            let (g1, p1) = contrib(new, n);
            if g0 != g1 || p0 != p1 {
                let dg = (g1 as i8 - g0 as i8) as f64 * w;
                let dp = (p1 as i8 - p0 as i8) as f64 * w;
                for &c in inst.inverse.row(ju) {
                    self.gain[c as usize] += dg;
                    self.progress[c as usize] += dp;
                }
            }
        }
    }

    pub fn open_site(&mut self, i: usize) {
        debug_assert!(!self.open[i]);
        self.shift(i, true);
        self.open[i] = true;
        self.chosen.push(i);
    }

    pub fn close_site(&mut self, i: usize) {
        debug_assert!(self.open[i]);
        self.shift(i, false);
        self.open[i] = false;
        self.chosen.retain(|&c| c != i);
    }

    /// Best closed candidate by (gain, progress), lowest index on ties.
    fn best_closed(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for i in 0..self.open.len() {
            if self.open[i] {
                continue;
            }
            best = match best {
                None => Some(i),
                Some(b) => {
                    let better = self.gain[i] > self.gain[b] + EPS
                        || ((self.gain[i] - self.gain[b]).abs() <= EPS
                            && self.progress[i] > self.progress[b] + EPS);
                    Some(if better { i } else { b })
                }
            };
        }
        best
    }
}

/// Improvements smaller than this are ignored (weights are counts or areas).
pub const EPS: f64 = 1e-9;

/// Greedy: opens `k` sites one by one, each the largest gain; returns them in order with
/// their marginal gains.
pub fn greedy(inst: &Instance, k: usize) -> Vec<(usize, f64)> {
    let mut st = State::new(inst);
    let mut out = Vec::with_capacity(k);
    for _ in 0..k.min(inst.candidates()) {
        let Some(i) = st.best_closed() else { break };
        let before = st.value;
        st.open_site(i);
        out.push((i, st.value - before));
    }
    out
}

/// How many greedy sites it takes to gain `target` (all candidates if never).
pub fn greedy_until(inst: &Instance, target: f64) -> usize {
    let mut st = State::new(inst);
    while st.value < target - EPS {
        match st.best_closed() {
            Some(i) => st.open_site(i),
            None => break,
        }
    }
    st.chosen.len()
}

/// Swap improvement from `start` until no swap of one open site for one closed site
/// raises the value. Returns the sites (sorted) and the value.
pub fn swap(inst: &Instance, start: &[usize]) -> (Vec<usize>, f64) {
    let mut st = State::new(inst);
    for &i in start {
        st.open_site(i);
    }
    loop {
        let mut improved = false;
        let mut order = st.chosen.clone();
        order.sort_unstable();
        for s in order {
            if !st.open[s] {
                continue;
            }
            let before = st.value;
            st.close_site(s);
            // The candidate that best replaces s (s itself is closed now and competes).
            let Some(b) = st.best_closed() else {
                st.open_site(s);
                continue;
            };
            if b != s && st.gain(b) > st.gain(s) + EPS {
                st.open_site(b);
                debug_assert!(st.value > before);
                improved = true;
            } else {
                st.open_site(s);
            }
        }
        if !improved {
            break;
        }
    }
    let mut sites = st.chosen.clone();
    sites.sort_unstable();
    let v = st.value;
    (sites, v)
}

/// Greedy then swap, for `k` new sites.
pub fn solve(inst: &Instance, k: usize) -> (Vec<usize>, f64) {
    let g: Vec<usize> = greedy(inst, k).into_iter().map(|x| x.0).collect();
    swap(inst, &g)
}

/// Orders `sites` by marginal gain (greedy among them): `(site, marginal gain, loss if
/// it alone were removed)`.
pub fn rank(inst: &Instance, sites: &[usize]) -> Vec<(usize, f64, f64)> {
    let mut st = State::new(inst);
    let mut left: Vec<usize> = sites.to_vec();
    let mut out = Vec::new();
    while !left.is_empty() {
        let (pos, _) = left.iter().enumerate().map(|(p, &i)| (p, st.gain(i))).fold(
            (0, f64::NEG_INFINITY),
            |a, b| if b.1 > a.1 + EPS { b } else { a },
        );
        let i = left.remove(pos);
        let before = st.value;
        st.open_site(i);
        out.push((i, st.value - before, 0.0));
    }
    for r in out.iter_mut() {
        st.close_site(r.0);
        r.2 = st.gain(r.0);
        st.open_site(r.0);
    }
    out
}
