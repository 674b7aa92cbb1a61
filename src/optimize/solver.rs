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
        self.best_closed_where(|_| true)
    }

    /// [`Self::best_closed`] among the candidates `allowed` accepts.
    fn best_closed_where(&self, allowed: impl Fn(usize) -> bool) -> Option<usize> {
        let mut best: Option<usize> = None;
        for i in 0..self.open.len() {
            if self.open[i] || !allowed(i) {
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

/// Must-cover constraints (`fireplan optimize --require-area-kind`): lists of candidates,
/// each of which must have at least one open (a road point of a required site that the
/// existing stations do not reach within the threshold: one of the candidates reaching it
/// must open). Points with the same list are kept once.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Requirement {
    /// List → candidates (sorted).
    pub lists: Csr,
    /// Candidate → lists it appears in.
    pub by_candidate: Csr,
}

impl Requirement {
    /// From lists of candidates (each sorted) over `candidates` candidates; equal lists
    /// kept once, in first-seen order.
    pub fn new(lists: Vec<Vec<u32>>, candidates: usize) -> Requirement {
        let mut seen = std::collections::HashSet::new();
        let lists: Vec<Vec<u32>> = lists
            .into_iter()
            .filter(|l| seen.insert(l.clone()))
            .collect();
        let lists = Csr::from_rows(lists);
        let by_candidate = lists.transpose(candidates);
        Requirement {
            lists,
            by_candidate,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lists.rows() == 0
    }

    /// Whether opening `chosen` meets every list.
    pub fn met(&self, chosen: &[usize]) -> bool {
        (0..self.lists.rows()).all(|l| {
            self.lists
                .row(l)
                .iter()
                .any(|&c| chosen.contains(&(c as usize)))
        })
    }

    /// A small set of candidates meeting every list: greedy (the candidate meeting the
    /// most open lists; ties: the larger gain in `inst`, then the lower index), then
    /// sites whose lists the others meet dropped, last chosen first. `None` when a list
    /// is empty (no candidate reaches that point).
    pub fn cover(&self, inst: &Instance) -> Option<Vec<usize>> {
        if (0..self.lists.rows()).any(|l| self.lists.row(l).is_empty()) {
            return None;
        }
        let mut hit = vec![0u32; self.lists.rows()];
        let mut st = State::new(inst);
        let mut chosen: Vec<usize> = Vec::new();
        while hit.contains(&0) {
            let mut best: Option<(usize, usize)> = None;
            for c in 0..self.by_candidate.rows() {
                if st.open[c] {
                    continue;
                }
                let n = self
                    .by_candidate
                    .row(c)
                    .iter()
                    .filter(|&&l| hit[l as usize] == 0)
                    .count();
                if n == 0 {
                    continue;
                }
                best = match best {
                    Some((b, bn)) if bn > n || (bn == n && st.gain(b) >= st.gain(c) - EPS) => {
                        Some((b, bn))
                    }
                    _ => Some((c, n)),
                };
            }
            let (c, _) = best?;
            st.open_site(c);
            chosen.push(c);
            for &l in self.by_candidate.row(c) {
                hit[l as usize] += 1;
            }
        }
        for pos in (0..chosen.len()).rev() {
            let c = chosen[pos];
            let redundant = self
                .by_candidate
                .row(c)
                .iter()
                .all(|&l| hit[l as usize] > 1);
            if redundant {
                for &l in self.by_candidate.row(c) {
                    hit[l as usize] -= 1;
                }
                chosen.remove(pos);
            }
        }
        Some(chosen)
    }
}

/// Greedy after `forced`: opens the forced sites (in order), then up to `k` sites in all,
/// each the largest gain; returns every site in order with its marginal gain.
pub fn greedy_after(inst: &Instance, forced: &[usize], k: usize) -> Vec<(usize, f64)> {
    let mut st = State::new(inst);
    let mut out = Vec::with_capacity(k.max(forced.len()));
    for &i in forced {
        let before = st.value;
        st.open_site(i);
        out.push((i, st.value - before));
    }
    while out.len() < k.min(inst.candidates()) {
        let Some(i) = st.best_closed() else { break };
        let before = st.value;
        st.open_site(i);
        out.push((i, st.value - before));
    }
    out
}

/// How many sites greedy after `forced` takes to gain `target` (the forced ones counted).
pub fn greedy_until_after(inst: &Instance, forced: &[usize], target: f64) -> usize {
    let mut st = State::new(inst);
    for &i in forced {
        st.open_site(i);
    }
    while st.value < target - EPS {
        match st.best_closed() {
            Some(i) => st.open_site(i),
            None => break,
        }
    }
    st.chosen.len()
}

/// [`swap`] keeping `req` met: an open site is swapped only for a closed candidate that
/// meets every list the site alone met. `start` must meet `req`.
pub fn swap_required(inst: &Instance, req: &Requirement, start: &[usize]) -> (Vec<usize>, f64) {
    let mut st = State::new(inst);
    let mut hit = vec![0u32; req.lists.rows()];
    for &i in start {
        st.open_site(i);
        for &l in req.by_candidate.row(i) {
            hit[l as usize] += 1;
        }
    }
    loop {
        let mut improved = false;
        let mut order = st.chosen.clone();
        order.sort_unstable();
        for s in order {
            if !st.open[s] {
                continue;
            }
            st.close_site(s);
            for &l in req.by_candidate.row(s) {
                hit[l as usize] -= 1;
            }
            let unmet: Vec<usize> = req
                .by_candidate
                .row(s)
                .iter()
                .map(|&l| l as usize)
                .filter(|&l| hit[l] == 0)
                .collect();
            let allowed = |c: usize| {
                unmet
                    .iter()
                    .all(|&l| req.lists.row(l).binary_search(&(c as u32)).is_ok())
            };
            let b = st.best_closed_where(allowed);
            let next = match b {
                Some(b) if b != s && st.gain(b) > st.gain(s) + EPS => {
                    improved = true;
                    b
                }
                _ => s,
            };
            st.open_site(next);
            for &l in req.by_candidate.row(next) {
                hit[l as usize] += 1;
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
