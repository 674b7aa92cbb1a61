//! The event queue of the simulation: units coming free, in time order, ties in order of insertion.
//!
//! Calls are not queued: they come from their own ordered stream and the event loop
//! merges the two (a unit free at the very second of a call is free for it). Only the
//! moment a unit is back at its station and available again needs an event; its arrival
//! on scene and its drive back are known when it is sent.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A unit of vehicle kind `kind` (index into the setup's kinds) of station `origin` is
/// back and free at `time_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitFree {
    pub time_s: f64,
    pub origin: u32,
    pub kind: u16,
}

/// Min-heap on (time, insertion number): deterministic for equal times.
#[derive(Debug, Default)]
pub struct EventQueue {
    /// (time bits, sequence, origin, kind); non-negative f64 bits order like the numbers.
    heap: BinaryHeap<Reverse<(u64, u64, u32, u16)>>,
    seq: u64,
}

impl EventQueue {
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules an event; `time_s` must be ≥ 0 (the heap orders times by their bits, which
    /// is only right for non-negative numbers; checked in every build).
    #[inline]
    pub fn push(&mut self, e: UnitFree) {
        assert!(e.time_s >= 0.0, "event at {} s", e.time_s);
        self.heap
            .push(Reverse((e.time_s.to_bits(), self.seq, e.origin, e.kind)));
        self.seq += 1;
    }

    /// Time of the earliest event.
    #[inline]
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.peek().map(|Reverse(k)| f64::from_bits(k.0))
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<UnitFree> {
        self.heap
            .pop()
            .map(|Reverse((bits, _, origin, kind))| UnitFree {
                time_s: f64::from_bits(bits),
                origin,
                kind,
            })
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_order_then_insertion_order() {
        let mut q = EventQueue::new();
        let ev = |time_s, origin| UnitFree {
            time_s,
            origin,
            kind: 0,
        };
        q.push(ev(5.0, 9));
        q.push(ev(1.5, 3));
        q.push(ev(5.0, 1));
        q.push(ev(0.0, 7));
        assert_eq!(q.peek_time(), Some(0.0));
        let order: Vec<u32> = std::iter::from_fn(|| q.pop()).map(|e| e.origin).collect();
        assert_eq!(order, [7, 3, 9, 1]);
    }
}
