//! Road pieces joined into polylines before they are written: a map's roads arrive as
//! tens of thousands of two-point pieces (one per edge piece of a band), and every piece
//! costs a `moveto`, two caps and a subpath in the SVG reader, the rasteriser and the PDF.
//! Joined at shared ends ([`chain`]), the demo's supply map has 8× fewer subpaths and 2.2×
//! fewer points, and the corners are joined rather than notched; thinned to half a pixel
//! ([`thin`]), the response map has a fifth fewer points again. Only for lines of one
//! colour and width drawn opaque: their order then does not change a pixel.

/// `lines` (pixel polylines of one style) joined end to end wherever two share an end
/// point, each result with its collinear interior points and repeated points dropped.
/// Deterministic: lines are taken in input order, and at a shared end the first unused
/// line given there continues the chain.
pub fn chain<'a>(lines: impl IntoIterator<Item = &'a [(i32, i32)]>) -> Vec<Vec<(i32, i32)>> {
    let lines: Vec<&[(i32, i32)]> = lines.into_iter().filter(|l| !l.is_empty()).collect();
    // Every line's ends as `(point, 2 × line + end)` (end 0 first, 1 last; a closed line
    // has one), sorted: the ends at a point are a run, in input order. A sort is faster
    // than a hash map here.
    let mut ends: Vec<((i32, i32), usize)> = Vec::with_capacity(lines.len() * 2);
    for (i, l) in lines.iter().enumerate() {
        ends.push((l[0], 2 * i));
        if l[l.len() - 1] != l[0] {
            ends.push((l[l.len() - 1], 2 * i + 1));
        }
    }
    ends.sort_unstable();
    // Where each end's run begins, and where each line's two ends are in `ends`: a chain
    // looks up the lines at its end by position (a binary search per step, missing the
    // cache, was half of the joining time).
    let mut run_start = vec![0usize; ends.len()];
    let mut slot = vec![[0usize; 2]; lines.len()];
    for (k, &(p, e)) in ends.iter().enumerate() {
        run_start[k] = if k > 0 && ends[k - 1].0 == p {
            run_start[k - 1]
        } else {
            k
        };
        slot[e / 2][e % 2] = k;
        if e % 2 == 0 && lines[e / 2][0] == lines[e / 2][lines[e / 2].len() - 1] {
            slot[e / 2][1] = k;
        }
    }
    let mut used = vec![false; lines.len()];
    // The first unused line with an end where entry `k` is, marked used, with that end.
    let take = |k: usize, used: &mut [bool]| -> Option<(usize, usize)> {
        let p = ends[k].0;
        let (_, e) = *ends[run_start[k]..]
            .iter()
            .take_while(|e| e.0 == p)
            .find(|e| !used[e.1 / 2])?;
        used[e / 2] = true;
        Some((e / 2, e % 2))
    };
    let closed = |j: usize| slot[j][0] == slot[j][1];
    let mut out = Vec::new();
    for i in 0..lines.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let mut line: Vec<(i32, i32)> = lines[i].to_vec();
        // Forwards from the last point, then backwards from the first.
        let mut tail = slot[i][1];
        while let Some((j, end)) = take(tail, &mut used) {
            let next = lines[j];
            if end == 0 {
                line.extend_from_slice(&next[1..]);
            } else {
                line.extend(next.iter().rev().skip(1));
            }
            tail = slot[j][1 - end];
        }
        let mut head: Vec<(i32, i32)> = Vec::new();
        let mut first = slot[i][0];
        while let Some((j, end)) = take(first, &mut used) {
            let prev = lines[j];
            if end == 1 || closed(j) {
                head.extend(prev.iter().rev().skip(1));
                first = slot[j][0];
            } else {
                head.extend_from_slice(&prev[1..]);
                first = slot[j][1];
            }
        }
        if !head.is_empty() {
            head.reverse();
            head.extend(line);
            line = head;
        }
        out.push(straighten(&line));
    }
    out
}

/// How far (pixels) a joined line may move when its points are thinned: half a pixel, so
/// the thinned line covers the same pixels to within anti-aliasing.
const TOLERANCE_PX: f64 = 0.5;

/// A joined line thinned for drawing: its points within half a pixel of the line drawn
/// through the others dropped ([`simplify`]).
pub fn thin(line: &[(i32, i32)]) -> Vec<(i32, i32)> {
    simplify(line, TOLERANCE_PX)
}

/// `line` thinned by Ramer–Douglas–Peucker: a point is dropped when it lies within
/// `tolerance_px` of the segment between the points kept around it. Road pieces come
/// with a point every 3–4 pixels; thinned at half a pixel the demo's response map has a
/// fifth fewer points to stroke. Hand-written rather than `geo::Simplify`: that one
/// recurses once per kept point (a province's joined line can hold 10⁵ points) and
/// wants float coordinates; this one keeps an explicit stack of spans over the pixels.
fn simplify(line: &[(i32, i32)], tolerance_px: f64) -> Vec<(i32, i32)> {
    if line.len() < 3 {
        return line.to_vec();
    }
    let mut keep = vec![false; line.len()];
    keep[0] = true;
    keep[line.len() - 1] = true;
    let mut spans = vec![(0, line.len() - 1)];
    while let Some((a, b)) = spans.pop() {
        let (far, dist) = (a + 1..b)
            .map(|i| (i, distance_to_segment(line[i], line[a], line[b])))
            .fold((a, -1.0), |best, d| if d.1 > best.1 { d } else { best });
        if dist > tolerance_px {
            keep[far] = true;
            spans.push((a, far));
            spans.push((far, b));
        }
    }
    line.iter()
        .zip(&keep)
        .filter_map(|(p, &k)| k.then_some(*p))
        .collect()
}

/// Pixels from `p` to the segment `a`–`b` (to `a` itself when the two are one point).
fn distance_to_segment(p: (i32, i32), a: (i32, i32), b: (i32, i32)) -> f64 {
    let f = |q: (i32, i32)| (f64::from(q.0), f64::from(q.1));
    super::scene::point_segment_dist(f(p), f(a), f(b))
}

/// `line` without repeated points and without points a straight line passes through
/// (same direction on both sides: a U-turn is kept).
fn straighten(line: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(line.len());
    for &p in line {
        if out.last() == Some(&p) {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let (ux, uy) = (i64::from(b.0 - a.0), i64::from(b.1 - a.1));
            let (vx, vy) = (i64::from(p.0 - b.0), i64::from(p.1 - b.1));
            if ux * vy - uy * vx == 0 && ux * vx + uy * vy > 0 {
                out.pop();
            }
        }
        out.push(p);
    }
    if out.len() == 1 {
        // A line of zero length stays a line (its cap or square is drawn).
        out.push(out[0]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&[(i32, i32)]]) -> Vec<Vec<(i32, i32)>> {
        chain(lines.iter().copied())
    }

    #[test]
    fn points_within_half_a_pixel_are_dropped_and_bends_kept() {
        // A gentle wobble (at most 0.4 px off the chord) is straightened; a bend of 3 px
        // is kept, and so is a U-turn's far end (0 px off the line, 5 px off the segment).
        let wobble = [(0, 0), (4, 0), (8, 1), (12, 1), (16, 2), (20, 2)];
        assert_eq!(simplify(&wobble, 0.5), vec![(0, 0), (20, 2)]);
        let bend = [(0, 0), (10, 3), (20, 0)];
        assert_eq!(simplify(&bend, 0.5), bend.to_vec());
        let u_turn = [(0, 0), (10, 0), (5, 0)];
        assert_eq!(simplify(&u_turn, 0.5), u_turn.to_vec());
        // A closed ring keeps its far side.
        let ring = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)];
        assert_eq!(simplify(&ring, 0.5), ring.to_vec());
        assert!((distance_to_segment((3, 4), (0, 0), (0, 0)) - 5.0).abs() < 1e-12);
    }

    #[test]
    fn a_thinned_line_passes_within_half_a_pixel_of_every_point() {
        // A wiggly road of 2,000 points (a deterministic pseudo-random walk): every point
        // dropped lies within 0.5 px of the thinned line, the ends are kept, and most
        // points go.
        let mut line = vec![(0, 0)];
        let mut state: u64 = 7;
        for _ in 1..2000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let (x, y) = line[line.len() - 1];
            let dy = ((state >> 33) % 3) as i32 - 1;
            line.push((x + 3, y + dy));
        }
        let thinned = thin(&line);
        assert_eq!(
            (thinned[0], thinned[thinned.len() - 1]),
            (line[0], line[line.len() - 1])
        );
        assert!(
            thinned.len() < line.len() / 2,
            "{} of {}",
            thinned.len(),
            line.len()
        );
        for &p in &line {
            let d = thinned
                .windows(2)
                .map(|w| distance_to_segment(p, w[0], w[1]))
                .fold(f64::INFINITY, f64::min);
            assert!(d <= 0.5, "{p:?} is {d} px off");
        }
    }

    #[test]
    fn pieces_of_one_street_become_one_line() {
        // Three pieces along y = 0, given out of order and one reversed.
        let got = run(&[&[(10, 0), (20, 0)], &[(0, 0), (10, 0)], &[(30, 0), (20, 0)]]);
        assert_eq!(got, vec![vec![(0, 0), (30, 0)]]);
    }

    #[test]
    fn a_corner_is_kept_and_a_u_turn_too() {
        let got = run(&[&[(0, 0), (10, 0)], &[(10, 0), (10, 10)]]);
        assert_eq!(got, vec![vec![(0, 0), (10, 0), (10, 10)]]);
        let got = run(&[&[(0, 0), (10, 0)], &[(10, 0), (5, 0)]]);
        assert_eq!(got, vec![vec![(0, 0), (10, 0), (5, 0)]]);
    }

    #[test]
    fn a_crossing_keeps_every_piece_and_point() {
        // A plus sign: four arms meeting at (0, 0).
        let arms: [&[(i32, i32)]; 4] = [
            &[(0, 0), (10, 0)],
            &[(0, 0), (-10, 0)],
            &[(0, 0), (0, 10)],
            &[(0, 0), (0, -10)],
        ];
        let got = run(&arms);
        // Two lines through the centre; every arm end is drawn exactly once.
        let mut ends: Vec<(i32, i32)> = got
            .iter()
            .flat_map(|l| [l[0], l[l.len() - 1]])
            .filter(|&p| p != (0, 0))
            .collect();
        ends.sort();
        assert_eq!(ends, vec![(-10, 0), (0, -10), (0, 10), (10, 0)]);
        let segments: usize = got.iter().map(|l| l.len() - 1).sum();
        assert!(segments <= 4, "{got:?}");
        // The first arm continues through the second (first given at the shared end).
        assert_eq!(got[0], vec![(-10, 0), (10, 0)]);
    }

    #[test]
    fn a_zero_length_piece_and_a_ring_survive() {
        assert_eq!(run(&[&[(3, 4), (3, 4)]]), vec![vec![(3, 4), (3, 4)]]);
        let ring = run(&[
            &[(0, 0), (10, 0)],
            &[(10, 0), (10, 10)],
            &[(10, 10), (0, 0)],
        ]);
        assert_eq!(ring, vec![vec![(0, 0), (10, 0), (10, 10), (0, 0)]]);
    }

    #[test]
    fn every_segment_is_still_drawn() {
        // A 6 × 6 grid of unit pieces: the joined lines cover exactly the same unit edges.
        let mut pieces = Vec::new();
        for i in 0..6 {
            for j in 0..6 {
                pieces.push(vec![(i, j), (i + 1, j)]);
                pieces.push(vec![(i, j), (i, j + 1)]);
            }
        }
        let got = chain(pieces.iter().map(Vec::as_slice));
        let unit = |l: &Vec<(i32, i32)>| {
            let mut e = Vec::new();
            for w in l.windows(2) {
                let (a, b) = (w[0], w[1]);
                let n = (b.0 - a.0).abs().max((b.1 - a.1).abs());
                let (dx, dy) = ((b.0 - a.0).signum(), (b.1 - a.1).signum());
                for k in 0..n {
                    let p = (a.0 + k * dx, a.1 + k * dy);
                    let q = (p.0 + dx, p.1 + dy);
                    e.push(if p < q { (p, q) } else { (q, p) });
                }
            }
            e
        };
        let mut want: Vec<_> = pieces.iter().flat_map(unit).collect();
        let mut have: Vec<_> = got.iter().flat_map(unit).collect();
        want.sort();
        have.sort();
        assert_eq!(have, want);
        assert!(got.len() < pieces.len() / 4, "{} lines", got.len());
    }
}
