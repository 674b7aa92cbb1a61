//! Turn restrictions (禁止转弯 / 限定转向) in the searches, exactly, by node splitting.
//!
//! A restriction names a turn at a road node: arriving from the neighbour `from`, leaving
//! towards `to`. For every (via node, arriving road) pair that some restriction names, the
//! graph gets one extra *vertex*: the via node as entered from that road. The edge along
//! that road into the via node leads to the copy, and the copy's out-edges are the node's
//! out-edges less the banned turns (or only the mandatory ones). The node itself keeps
//! every out-edge and the arrivals over unrestricted roads. A search over these vertices
//! is a plain node-based search, so both kernels of [`super::search`] stay as they are and
//! stay exact; only where a point meets the graph (its segment's end vertices) and the
//! per-segment envelope look at the copies. Costs nothing where there is no restriction.
//!
//! Vertex `i < node_count` is road node `i`; vertex `node_count + k` is the copy
//! [`TurnTable::copies`]`[k]`.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// What a turn restriction does to the turn it names (OSM `restriction=no_*` / `only_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TurnRule {
    /// The turn may not be made (`no_left_turn`, `no_u_turn`, …).
    Banned,
    /// Arriving on this road, this turn is the only one allowed (`only_straight_on`, …).
    Only,
}

/// One turn a restriction names, in node indices of the network it belongs to: from the
/// segment `from`–`via`, through `via`, onto the segment `via`–`to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Turn {
    pub from: u32,
    pub via: u32,
    pub to: u32,
    pub rule: TurnRule,
}

/// The turn restrictions of a built network, in its node indices, and the vertices they
/// add. Sorted, so that every lookup is a binary search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TurnTable {
    /// `(via, from)`: vertex `node_count + k` is node `copies[k].0` entered from
    /// `copies[k].1`. Sorted; only pairs whose segment may be driven into `via`.
    pub copies: Vec<(u32, u32)>,
    /// Banned turns `(from, via, to)`, sorted.
    pub banned: Vec<(u32, u32, u32)>,
    /// Mandatory turns `(from, via, to)`, sorted: entering `via` from `from`, only these.
    pub only: Vec<(u32, u32, u32)>,
    /// (via, arriving road) pairs whose restrictions were left out because on this network
    /// they trap a vehicle: every legal way on is a road the network does not keep.
    #[serde(default)]
    pub trapping: u32,
}

impl TurnTable {
    /// The table of `turns` (already in the network's node indices), with a copy for each
    /// (via, from) pair whose segment `drivable(from, via)` says may be driven into `via`.
    pub fn new(turns: &[Turn], drivable: impl Fn(u32, u32) -> bool) -> TurnTable {
        let mut t = TurnTable::default();
        for x in turns {
            let triple = (x.from, x.via, x.to);
            match x.rule {
                TurnRule::Banned => t.banned.push(triple),
                TurnRule::Only => t.only.push(triple),
            }
            if drivable(x.from, x.via) {
                t.copies.push((x.via, x.from));
            }
        }
        for v in [&mut t.banned, &mut t.only] {
            v.sort_unstable();
            v.dedup();
        }
        t.copies.sort_unstable();
        t.copies.dedup();
        t
    }

    /// The restrictions as turns again (to rebuild the table on fewer segments).
    pub fn turns(&self) -> Vec<Turn> {
        let as_turn = |rule| {
            move |&(from, via, to): &(u32, u32, u32)| Turn {
                from,
                via,
                to,
                rule,
            }
        };
        self.banned
            .iter()
            .map(as_turn(TurnRule::Banned))
            .chain(self.only.iter().map(as_turn(TurnRule::Only)))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.copies.is_empty()
    }

    /// Whether a vehicle arriving at `via` from `from` may leave towards `to`.
    pub fn allowed(&self, from: u32, via: u32, to: u32) -> bool {
        if self.banned.binary_search(&(from, via, to)).is_ok() {
            return false;
        }
        let only = range_of(&self.only, |x| (x.0, x.1).cmp(&(from, via)));
        only.is_empty() || self.only[only].iter().any(|x| x.2 == to)
    }

    /// Index `k` of the copy of `via` entered from `from`, if there is one.
    #[inline]
    pub fn copy(&self, via: u32, from: u32) -> Option<usize> {
        if self.copies.is_empty() {
            return None;
        }
        self.copies.binary_search(&(via, from)).ok()
    }

    /// Indices `k` of the copies of `via`.
    #[inline]
    pub fn copies_at(&self, via: u32) -> Range<usize> {
        if self.copies.is_empty() {
            return 0..0;
        }
        range_of(&self.copies, |x| x.0.cmp(&via))
    }

    /// The same restrictions after the nodes are renumbered by `new_index` (`u32::MAX`:
    /// dropped); a turn touching a dropped node is dropped.
    pub fn renumbered(turns: &[Turn], new_index: &[u32]) -> Vec<Turn> {
        let map = |i: u32| {
            new_index
                .get(i as usize)
                .copied()
                .filter(|&j| j != u32::MAX)
        };
        turns
            .iter()
            .filter_map(|t| {
                Some(Turn {
                    from: map(t.from)?,
                    via: map(t.via)?,
                    to: map(t.to)?,
                    rule: t.rule,
                })
            })
            .collect()
    }

    /// Whether every index names a node below `node_count` and the lists are sorted (what
    /// a table decoded from a cache must satisfy).
    pub fn check(&self, node_count: usize) -> Result<(), String> {
        let n = node_count as u32;
        let sorted = self.copies.windows(2).all(|w| w[0] < w[1])
            && self.banned.windows(2).all(|w| w[0] < w[1])
            && self.only.windows(2).all(|w| w[0] < w[1]);
        let in_range = self.copies.iter().all(|&(a, b)| a < n && b < n)
            && self
                .banned
                .iter()
                .chain(&self.only)
                .all(|&(a, b, c)| a < n && b < n && c < n);
        if sorted && in_range {
            Ok(())
        } else {
            Err("the turn-restriction table is out of order or names no node".into())
        }
    }
}

/// The range of the sorted `items` that `cmp` calls equal.
fn range_of<T>(items: &[T], cmp: impl Fn(&T) -> std::cmp::Ordering) -> Range<usize> {
    let start = items.partition_point(|x| cmp(x).is_lt());
    let end = start + items[start..].partition_point(|x| cmp(x).is_le());
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(from: u32, via: u32, to: u32, rule: TurnRule) -> Turn {
        Turn {
            from,
            via,
            to,
            rule,
        }
    }

    #[test]
    fn banned_and_only_turns() {
        let t = TurnTable::new(
            &[
                turn(0, 1, 2, TurnRule::Banned),
                turn(3, 1, 4, TurnRule::Only),
                turn(3, 1, 4, TurnRule::Only),
            ],
            |_, _| true,
        );
        assert_eq!(t.copies, vec![(1, 0), (1, 3)]);
        assert!(!t.allowed(0, 1, 2));
        assert!(t.allowed(0, 1, 4));
        assert!(t.allowed(0, 1, 0), "no restriction on the U-turn");
        assert!(t.allowed(3, 1, 4));
        assert!(!t.allowed(3, 1, 2));
        assert!(!t.allowed(3, 1, 3));
        assert!(t.allowed(2, 1, 0), "the other way through is free");
        assert_eq!(t.copies_at(1), 0..2);
        assert!(t.copies_at(0).is_empty());
        assert_eq!(t.copy(1, 3), Some(1));
        assert_eq!(t.copy(1, 2), None);
        assert!(t.check(5).is_ok());
        assert!(t.check(4).is_err());
    }

    #[test]
    fn no_copy_for_a_road_that_cannot_be_driven_in() {
        let t = TurnTable::new(&[turn(0, 1, 2, TurnRule::Banned)], |from, _| from != 0);
        assert!(t.copies.is_empty());
        assert!(!t.allowed(0, 1, 2));
    }

    #[test]
    fn renumbering_drops_turns_at_dropped_nodes() {
        let turns = [
            turn(0, 1, 2, TurnRule::Banned),
            turn(2, 3, 0, TurnRule::Only),
        ];
        let kept = TurnTable::renumbered(&turns, &[5, 6, 7, u32::MAX]);
        assert_eq!(kept, vec![turn(5, 6, 7, TurnRule::Banned)]);
    }
}
