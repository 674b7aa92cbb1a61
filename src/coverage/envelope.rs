//! Response time along one road segment: the lower envelope of linear pieces (from each
//! end node, and from stations standing on the segment), used for exact road coverage
//! (split at the threshold point) and for the worst point of each first-due area.

/// A linear piece on `[lo, hi]` of the segment's fraction axis:
/// response(g) = `at_lo + slope · (g − lo)`, reached by `origin`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    pub lo: f64,
    pub hi: f64,
    pub at_lo: f64,
    pub slope: f64,
    pub origin: u32,
}

impl Piece {
    /// Driving towards `b` from fraction `f`, reached at `at_s`; `t_ab`: seconds for the
    /// whole segment from `a` to `b`.
    pub fn towards_b(f: f64, at_s: f64, t_ab: f64, origin: u32) -> Piece {
        Piece {
            lo: f,
            hi: 1.0,
            at_lo: at_s,
            slope: t_ab,
            origin,
        }
    }

    /// Driving towards `a` from fraction `f`, reached at `at_s`; `t_ba`: seconds for the
    /// whole segment from `b` to `a`.
    pub fn towards_a(f: f64, at_s: f64, t_ba: f64, origin: u32) -> Piece {
        Piece {
            lo: 0.0,
            hi: f,
            at_lo: at_s + f * t_ba,
            slope: -t_ba,
            origin,
        }
    }

    #[inline]
    pub fn value(&self, g: f64) -> f64 {
        self.at_lo + self.slope * (g - self.lo)
    }

    /// The part of `[lo, hi]` where the piece is ≤ `limit`, if any.
    fn within(&self, limit: f64) -> Option<(f64, f64)> {
        if !self.at_lo.is_finite() {
            return None;
        }
        let at_hi = self.value(self.hi);
        match (self.at_lo <= limit, at_hi <= limit) {
            (true, true) => Some((self.lo, self.hi)),
            (false, false) => None,
            // Crossing: solve at_lo + slope (g - lo) = limit.
            (true, false) => Some((self.lo, self.lo + (limit - self.at_lo) / self.slope)),
            (false, true) => Some((self.lo + (limit - self.at_lo) / self.slope, self.hi)),
        }
    }
}

/// Response-time envelope of one segment (fraction 0 at node `a`, 1 at node `b`).
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    pub pieces: Vec<Piece>,
}

impl Envelope {
    /// Lowest response at `g` and who reaches it (ties: lowest origin).
    pub fn at(&self, g: f64) -> Option<(f64, u32)> {
        self.lowest(g).map(|p| (p.value(g), p.origin))
    }

    /// The piece lowest at `g` (ties: lowest origin).
    fn lowest(&self, g: f64) -> Option<&Piece> {
        let mut best: Option<(f64, &Piece)> = None;
        for p in &self.pieces {
            if g < p.lo - 1e-12 || g > p.hi + 1e-12 {
                continue;
            }
            let v = p.value(g);
            if !v.is_finite() {
                continue;
            }
            best = match best {
                Some((bv, b)) if bv < v || (bv == v && b.origin <= p.origin) => Some((bv, b)),
                _ => Some((v, p)),
            };
        }
        best.map(|(_, p)| p)
    }

    /// Intervals of the fraction axis where the response is ≤ `limit`, merged and sorted.
    pub fn covered_intervals(&self, limit: f64) -> Vec<(f64, f64)> {
        let iv: Vec<(f64, f64)> = self
            .pieces
            .iter()
            .filter_map(|p| p.within(limit))
            .map(|(x, y)| (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0)))
            .filter(|(x, y)| y >= x)
            .collect();
        crate::model::intervals::union(iv)
    }

    /// Share of the segment with response ≤ `limit` (exact: pieces are linear).
    pub fn covered_share(&self, limit: f64) -> f64 {
        self.covered_intervals(limit)
            .iter()
            .map(|(x, y)| y - x)
            .sum::<f64>()
            .min(1.0)
    }

    /// Candidate fractions where the envelope can change owner or peak: piece ends and
    /// the crossings of pieces that can both be lowest there. The envelope is piecewise
    /// linear between them.
    pub fn breakpoints(&self) -> Vec<f64> {
        let mut g = vec![0.0, 1.0];
        for p in &self.pieces {
            g.push(p.lo);
            g.push(p.hi);
        }
        match self.two_directions() {
            Some((forward, backward)) => g.extend(directed_crossings(&forward, &backward)),
            None => {
                for (i, p) in self.pieces.iter().enumerate() {
                    for q in &self.pieces[i + 1..] {
                        g.extend(crossing(p, q));
                    }
                }
            }
        }
        g.sort_by(f64::total_cmp);
        g.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
        g
    }

    /// The pieces split by direction when they have the shape `segment_envelope` builds:
    /// forward pieces (towards `b`) all of one slope and ending at 1, backward pieces all
    /// of one slope and starting at 0. `None` for any other shape.
    fn two_directions(&self) -> Option<(Vec<&Piece>, Vec<&Piece>)> {
        let forward_slope = self.pieces.iter().map(|p| p.slope).fold(f64::NAN, f64::max);
        let backward_slope = self.pieces.iter().map(|p| p.slope).fold(f64::NAN, f64::min);
        let (mut forward, mut backward) = (Vec::new(), Vec::new());
        for p in &self.pieces {
            if p.slope == forward_slope && p.hi == 1.0 {
                forward.push(p);
            } else if p.slope == backward_slope && p.lo == 0.0 {
                backward.push(p);
            } else {
                return None;
            }
        }
        Some((forward, backward))
    }
}

/// Where pieces `p` and `q` (as lines) cross inside `[0, 1]`, if they do.
fn crossing(p: &Piece, q: &Piece) -> Option<f64> {
    let ds = p.slope - q.slope;
    if ds.abs() < 1e-15 {
        return None;
    }
    // p.at_lo + p.slope (x - p.lo) = q.at_lo + q.slope (x - q.lo)
    let x = (q.at_lo - q.slope * q.lo - p.at_lo + p.slope * p.lo) / ds;
    (x.is_finite() && (0.0..=1.0).contains(&x)).then_some(x)
}

/// The crossings that matter of a two-direction envelope, in O(k log k) rather than the
/// O(k²) pairs (a segment holding hundreds of stations made coverage cubic; issue 20, H2).
///
/// Pieces of one direction share a slope, so among them the lowest is the one with the
/// lowest line: forward pieces start at their `lo`, so the lowest forward line at `g` is
/// a running minimum over the pieces started by `g`; backward pieces end at their `hi`, a
/// running minimum from the right. Between consecutive piece ends both are fixed lines,
/// which cross at most once; those crossings (and the piece ends) are all the places the
/// envelope can change owner or peak.
fn directed_crossings(forward: &[&Piece], backward: &[&Piece]) -> Vec<f64> {
    let line_key = |p: &Piece| p.at_lo - p.slope * p.lo;
    let mut ends: Vec<f64> = forward
        .iter()
        .map(|p| p.lo)
        .chain(backward.iter().map(|p| p.hi))
        .collect();
    ends.extend([0.0, 1.0]);
    ends.sort_by(f64::total_cmp);
    ends.dedup();
    let mut by_lo: Vec<&Piece> = forward.to_vec();
    by_lo.sort_by(|a, b| a.lo.total_cmp(&b.lo));
    let mut by_hi: Vec<&Piece> = backward.to_vec();
    by_hi.sort_by(|a, b| b.hi.total_cmp(&a.hi));
    // Lowest backward line usable on each interval [ends[i], ends[i + 1]], from the right.
    let mut lowest_backward: Vec<Option<&Piece>> = vec![None; ends.len().saturating_sub(1)];
    let mut best: Option<&Piece> = None;
    let mut next = 0;
    for i in (0..lowest_backward.len()).rev() {
        while next < by_hi.len() && by_hi[next].hi >= ends[i + 1] {
            let q = by_hi[next];
            if best.is_none_or(|b| line_key(q) < line_key(b)) {
                best = Some(q);
            }
            next += 1;
        }
        lowest_backward[i] = best;
    }
    let mut out = Vec::new();
    let mut best: Option<&Piece> = None;
    let mut next = 0;
    for (i, q) in lowest_backward.iter().enumerate() {
        while next < by_lo.len() && by_lo[next].lo <= ends[i] {
            let p = by_lo[next];
            if best.is_none_or(|b| line_key(p) < line_key(b)) {
                best = Some(p);
            }
            next += 1;
        }
        if let (Some(p), Some(q)) = (best, q) {
            out.extend(crossing(p, q).filter(|x| (ends[i]..=ends[i + 1]).contains(x)));
        }
    }
    out
}

impl Envelope {
    /// The segment cut into pieces by response band: `(from, to, band)` on the fraction
    /// axis, in order, covering `[0, 1]`, where band `i` holds responses ≤ `limits[i]`
    /// (and above the limit before it), band `limits.len()` those above every limit and
    /// band `limits.len() + 1` the unreached parts. Exact: the envelope is linear between
    /// its breakpoints, so a band can change only there or where a piece crosses a limit.
    pub fn band_pieces(&self, limits: &[f64]) -> Vec<(f64, f64, usize)> {
        let mut cuts = self.breakpoints();
        for p in &self.pieces {
            for &limit in limits {
                if p.slope.abs() > 1e-15 && p.at_lo.is_finite() {
                    let g = p.lo + (limit - p.at_lo) / p.slope;
                    if g > p.lo && g < p.hi && (0.0..=1.0).contains(&g) {
                        cuts.push(g);
                    }
                }
            }
        }
        cuts.sort_by(f64::total_cmp);
        cuts.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
        let band = |v: Option<(f64, u32)>| match v {
            None => limits.len() + 1,
            Some((t, _)) => limits.iter().position(|&l| t <= l).unwrap_or(limits.len()),
        };
        let mut out: Vec<(f64, f64, usize)> = Vec::new();
        for w in cuts.windows(2) {
            let (x, y) = (w[0], w[1]);
            let b = band(self.at((x + y) / 2.0));
            match out.last_mut() {
                Some(last) if last.2 == b => last.1 = y,
                _ => out.push((x, y, b)),
            }
        }
        if out.is_empty() {
            out.push((0.0, 1.0, band(self.at(0.5))));
        }
        out
    }

    /// The worst (largest) response on the segment for each owner: `(origin, seconds, g)`.
    /// Exact: between consecutive breakpoints one piece is lowest, so each owner's worst
    /// lies at an end of a stretch it owns — counted for that owner even where the end is
    /// a tie that [`Envelope::at`] gives to a lower origin.
    pub fn worst_by_owner(&self) -> Vec<(u32, f64, f64)> {
        let mut out: Vec<(u32, f64, f64)> = Vec::new();
        let g = self.breakpoints();
        for w in g.windows(2) {
            let Some(p) = self.lowest((w[0] + w[1]) / 2.0) else {
                continue;
            };
            for x in [w[0], w[1]] {
                let v = p.value(x);
                match out.iter_mut().find(|o| o.0 == p.origin) {
                    Some(o) if v > o.1 => {
                        o.1 = v;
                        o.2 = x;
                    }
                    Some(_) => {}
                    None => out.push((p.origin, v, x)),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_a(t_a: f64, t_ab: f64, o: u32) -> Piece {
        Piece {
            lo: 0.0,
            hi: 1.0,
            at_lo: t_a,
            slope: t_ab,
            origin: o,
        }
    }
    fn from_b(t_b: f64, t_ba: f64, o: u32) -> Piece {
        Piece {
            lo: 0.0,
            hi: 1.0,
            at_lo: t_b + t_ba,
            slope: -t_ba,
            origin: o,
        }
    }

    #[test]
    fn split_at_threshold_from_both_ends() {
        // a reached at 200 s, b at 280 s, 100 s to drive the segment either way:
        // from a covered to g = 1.0 (300 s); from b covered back to g = 0.8.
        let e = Envelope {
            pieces: vec![from_a(200.0, 100.0, 0), from_b(280.0, 100.0, 1)],
        };
        assert!((e.covered_share(300.0) - 1.0).abs() < 1e-12);
        // a at 250, b at 290: a covers [0, 0.5], b covers [0.9, 1] → 0.6.
        let e = Envelope {
            pieces: vec![from_a(250.0, 100.0, 0), from_b(290.0, 100.0, 1)],
        };
        assert!((e.covered_share(300.0) - 0.6).abs() < 1e-12);
        // Worst point: lines meet where 250 + 100 g = 290 + 100 (1 - g) → g = 0.7, 320 s.
        let w = e.worst_by_owner();
        let worst = w.iter().map(|x| x.1).fold(0.0, f64::max);
        assert!((worst - 320.0).abs() < 1e-9);
    }

    #[test]
    fn band_pieces_split_exactly_at_each_limit() {
        // a at 120 s, b at 400 s, 300 s to drive either way: from a the time is
        // 120 + 300 g, from b 400 + 300 (1 - g); they meet at g = 0.9667 (410 s).
        let e = Envelope {
            pieces: vec![from_a(120.0, 300.0, 0), from_b(400.0, 300.0, 1)],
        };
        let b = e.band_pieces(&[180.0, 300.0, 480.0]);
        let want = [(0.0, 0.2, 0), (0.2, 0.6, 1), (0.6, 1.0, 2)];
        assert_eq!(b.len(), want.len(), "{b:?}");
        for (got, want) in b.iter().zip(want) {
            assert!(
                (got.0 - want.0).abs() < 1e-12 && (got.1 - want.1).abs() < 1e-12,
                "{b:?}"
            );
            assert_eq!(got.2, want.2, "{b:?}");
        }
        // The band edges agree with the covered intervals at the same limit.
        let covered: f64 = b.iter().filter(|p| p.2 <= 1).map(|p| p.1 - p.0).sum();
        assert!((covered - e.covered_share(300.0)).abs() < 1e-12);
        // No piece: the whole segment is unreached (band after "above every limit").
        assert_eq!(
            Envelope::default().band_pieces(&[300.0]),
            vec![(0.0, 1.0, 2)]
        );
        // One way from b only: late near a.
        let e = Envelope {
            pieces: vec![from_b(100.0, 400.0, 0)],
        };
        let b = e.band_pieces(&[300.0]);
        assert_eq!(b.len(), 2);
        assert!(
            (b[0].1 - 0.5).abs() < 1e-12 && b[0].2 == 1 && b[1].2 == 0,
            "{b:?}"
        );
    }

    #[test]
    fn oneway_only_from_a() {
        let e = Envelope {
            pieces: vec![from_a(280.0, 40.0, 3)],
        };
        assert!((e.covered_share(300.0) - 0.5).abs() < 1e-12);
        assert_eq!(e.at(1.0), Some((320.0, 3)));
    }

    /// A random envelope of the shape `segment_envelope` builds: both end nodes and up
    /// to `k` stations standing on the segment, from a small LCG.
    fn random_segment(seed: &mut u64, k: usize) -> Envelope {
        let mut next = || {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (*seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let (t_ab, t_ba) = (5.0 + 100.0 * next(), 5.0 + 100.0 * next());
        let mut pieces = vec![
            from_a(300.0 * next(), t_ab, 0),
            from_b(300.0 * next(), t_ba, 1),
        ];
        let stations = (next() * k as f64) as usize;
        for o in 0..stations {
            // Some stations share a place (a tie of lines).
            let f = if o > 0 && next() < 0.2 {
                pieces[pieces.len() - 1].hi
            } else {
                next()
            };
            let offset = 300.0 * next();
            let origin = 2 + o as u32;
            pieces.push(Piece::towards_b(f, offset, t_ab, origin));
            pieces.push(Piece::towards_a(f, offset, t_ba, origin));
        }
        Envelope { pieces }
    }

    /// The two-direction breakpoints (O(k log k)) give the envelope exactly: one owner and
    /// one line between consecutive breakpoints, and each owner's worst response equal to
    /// one sampled at every pairwise crossing (the O(k²) candidates they replace).
    #[test]
    fn directed_breakpoints_match_all_pairs() {
        let mut seed = 7;
        for round in 0..3000 {
            let e = random_segment(&mut seed, if round % 10 == 0 { 60 } else { 8 });
            assert!(e.two_directions().is_some());
            let g = e.breakpoints();
            for w in g.windows(2) {
                let (x, y) = (w[0], w[1]);
                if y - x < 1e-9 {
                    continue;
                }
                let (v1, o1) = e.at(x + (y - x) / 3.0).unwrap();
                let (v2, o2) = e.at(x + 2.0 * (y - x) / 3.0).unwrap();
                let (vm, om) = e.at((x + y) / 2.0).unwrap();
                assert_eq!(
                    (o1, o2),
                    (om, om),
                    "round {round}: owner changes inside ({x}, {y})"
                );
                assert!(
                    (vm - (v1 + v2) / 2.0).abs() < 1e-6,
                    "round {round}: not linear"
                );
            }
            // Worst per owner, sampled: at every piece end and pairwise crossing (the old
            // O(k²) candidates) and just either side of each, where a tie gives the
            // point itself to the lower origin.
            let mut all = vec![0.0, 1.0];
            for (i, p) in e.pieces.iter().enumerate() {
                all.extend([p.lo, p.hi]);
                for q in &e.pieces[i + 1..] {
                    all.extend(crossing(p, q));
                }
            }
            let near: Vec<f64> = all.iter().flat_map(|&x| [x - 1e-10, x + 1e-10]).collect();
            all.extend(near.into_iter().filter(|x| (0.0..=1.0).contains(x)));
            let mut expected: Vec<(u32, f64)> = Vec::new();
            for &x in &all {
                if let Some((v, o)) = e.at(x) {
                    match expected.iter_mut().find(|w| w.0 == o) {
                        Some(w) => w.1 = w.1.max(v),
                        None => expected.push((o, v)),
                    }
                }
            }
            let mut got: Vec<(u32, f64)> = e.worst_by_owner().iter().map(|w| (w.0, w.1)).collect();
            got.sort_by_key(|w| w.0);
            expected.sort_by_key(|w| w.0);
            assert_eq!(got.len(), expected.len(), "round {round}: owners");
            for (a, b) in got.iter().zip(&expected) {
                assert_eq!(a.0, b.0);
                assert!(
                    (a.1 - b.1).abs() < 1e-6,
                    "round {round}: worst of {} {} vs {}",
                    a.0,
                    a.1,
                    b.1
                );
            }
        }
    }
}
