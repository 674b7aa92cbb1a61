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
        let mut best: Option<(f64, u32)> = None;
        for p in &self.pieces {
            if g < p.lo - 1e-12 || g > p.hi + 1e-12 {
                continue;
            }
            let v = p.value(g);
            if !v.is_finite() {
                continue;
            }
            best = match best {
                Some((bv, bo)) if bv < v || (bv == v && bo <= p.origin) => Some((bv, bo)),
                _ => Some((v, p.origin)),
            };
        }
        best
    }

    /// Intervals of the fraction axis where the response is ≤ `limit`, merged and sorted.
    pub fn covered_intervals(&self, limit: f64) -> Vec<(f64, f64)> {
        let mut iv: Vec<(f64, f64)> = self
            .pieces
            .iter()
            .filter_map(|p| p.within(limit))
            .map(|(x, y)| (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0)))
            .filter(|(x, y)| y >= x)
            .collect();
        iv.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut merged: Vec<(f64, f64)> = Vec::with_capacity(iv.len());
        for (x, y) in iv {
            match merged.last_mut() {
                Some(last) if x <= last.1 => last.1 = last.1.max(y),
                _ => merged.push((x, y)),
            }
        }
        merged
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
    /// pairwise intersections. The envelope is piecewise linear between them.
    pub fn breakpoints(&self) -> Vec<f64> {
        let mut g = vec![0.0, 1.0];
        for p in &self.pieces {
            g.push(p.lo);
            g.push(p.hi);
        }
        for (i, p) in self.pieces.iter().enumerate() {
            for q in &self.pieces[i + 1..] {
                let ds = p.slope - q.slope;
                if ds.abs() < 1e-15 {
                    continue;
                }
                // p.at_lo + p.slope (x - p.lo) = q.at_lo + q.slope (x - q.lo)
                let x = (q.at_lo - q.slope * q.lo - p.at_lo + p.slope * p.lo) / ds;
                if x.is_finite() && (0.0..=1.0).contains(&x) {
                    g.push(x);
                }
            }
        }
        g.sort_by(f64::total_cmp);
        g.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
        g
    }

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
    /// Exact, because the envelope's maxima lie at breakpoints.
    pub fn worst_by_owner(&self) -> Vec<(u32, f64, f64)> {
        let mut out: Vec<(u32, f64, f64)> = Vec::new();
        for g in self.breakpoints() {
            if let Some((v, o)) = self.at(g) {
                match out.iter_mut().find(|w| w.0 == o) {
                    Some(w) if v > w.1 => {
                        w.1 = v;
                        w.2 = g;
                    }
                    Some(_) => {}
                    None => out.push((o, v, g)),
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
}
