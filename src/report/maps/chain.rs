//! Road pieces joined into polylines before they are written: a map's roads arrive as
//! tens of thousands of two-point pieces (one per edge piece of a band), and every piece
//! costs a `moveto`, two caps and a subpath in the SVG reader, the rasteriser and the PDF.
//! Joined at shared ends and with straight-through points dropped, the demo's supply map
//! has 8× fewer subpaths and 2.2× fewer points, and the corners are joined rather than
//! notched. Only for lines of one colour and width drawn opaque: their order then does
//! not change a pixel.

/// `lines` (pixel polylines of one style) joined end to end wherever two share an end
/// point, each result with its collinear interior points and repeated points dropped.
/// Deterministic: lines are taken in input order, and at a shared end the first unused
/// line given there continues the chain.
pub fn chain<'a>(lines: impl IntoIterator<Item = &'a [(i32, i32)]>) -> Vec<Vec<(i32, i32)>> {
    let lines: Vec<&[(i32, i32)]> = lines.into_iter().filter(|l| !l.is_empty()).collect();
    // Every line's end points with the line's index, sorted: the lines at a point are a
    // run found by binary search, in input order (a sort is faster than a hash map here).
    let mut at_end: Vec<((i32, i32), usize)> = Vec::with_capacity(lines.len() * 2);
    for (i, l) in lines.iter().enumerate() {
        at_end.push((l[0], i));
        if l[l.len() - 1] != l[0] {
            at_end.push((l[l.len() - 1], i));
        }
    }
    at_end.sort_unstable();
    let mut used = vec![false; lines.len()];
    // The first unused line given at `p`, marked used.
    let take = |p: (i32, i32), used: &mut [bool]| -> Option<usize> {
        let from = at_end.partition_point(|e| e.0 < p);
        let (_, j) = *at_end[from..]
            .iter()
            .take_while(|e| e.0 == p)
            .find(|e| !used[e.1])?;
        used[j] = true;
        Some(j)
    };
    let mut out = Vec::new();
    for i in 0..lines.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let mut line: Vec<(i32, i32)> = lines[i].to_vec();
        // Forwards from the last point, then backwards from the first.
        while let Some(j) = take(line[line.len() - 1], &mut used) {
            let next = lines[j];
            if next[0] == line[line.len() - 1] {
                line.extend_from_slice(&next[1..]);
            } else {
                line.extend(next.iter().rev().skip(1));
            }
        }
        let mut head: Vec<(i32, i32)> = Vec::new();
        let mut first = line[0];
        while let Some(j) = take(first, &mut used) {
            let prev = lines[j];
            if prev[prev.len() - 1] == first {
                head.extend(prev.iter().rev().skip(1));
            } else {
                head.extend_from_slice(&prev[1..]);
            }
            first = head[head.len() - 1];
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
