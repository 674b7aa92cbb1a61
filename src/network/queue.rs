//! The queue of the searches: a bucket queue on time (Dial's buckets, Δ-stepping's
//! label-correcting rule inside a bucket). Hand-written because it is the hot kernel
//! (DESIGN §11): a binary heap costs log₂(frontier) ≈ 8–11 sift levels per node on
//! a district graph, a bucket costs a push and a pop.
//!
//! Entries are filed unsorted in buckets of [`BUCKET_WIDTH_S`] and a bucket is emptied in
//! any order before the next one. This is exact as a *label-correcting* search: a node whose
//! label improves after it was scanned is pushed again and scanned again, and nothing in a
//! later bucket can improve an earlier one (times are non-negative). Only edges shorter than
//! a bucket can cause a rescan — about 1 % of edges on the real extracts.

const NIL: u32 = u32::MAX;

/// Width of a bucket, seconds.
pub const BUCKET_WIDTH_S: f64 = 0.25;

/// Buckets beyond this are folded into the last one (times of about 12 days): still exact,
/// only slower.
const MAX_BUCKETS: usize = 1 << 22;

/// Monotone bucket queue of entries `E` filed by time in seconds. A pushed time must not
/// fall in a bucket before the one being emptied (true in a search from non-negative
/// times over non-negative edges); the buckets grow as needed.
#[derive(Debug, Clone, Default)]
pub struct BucketQueue<E> {
    /// Per bucket, the newest arena entry in it (a stack linked through the arena), or NIL.
    heads: Vec<u32>,
    arena: Vec<(E, u32)>,
    /// Bucket being emptied.
    current: usize,
    /// Entries waiting.
    len: usize,
}

impl<E: Copy> BucketQueue<E> {
    pub fn new() -> Self {
        BucketQueue {
            heads: Vec::new(),
            arena: Vec::new(),
            current: 0,
            len: 0,
        }
    }

    /// A queue with room for `entries` pushes before it reallocates.
    pub fn with_capacity(entries: usize) -> Self {
        BucketQueue {
            arena: Vec::with_capacity(entries),
            ..BucketQueue::new()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the queue, keeping its buffers.
    pub fn clear(&mut self) {
        if self.len > 0 {
            self.heads.fill(NIL);
            self.len = 0;
        }
        self.arena.clear();
        self.current = 0;
    }

    /// Files `e` at `time_s`, which must be finite: an infinite time would land in the last
    /// of `MAX_BUCKETS` buckets and make the queue that long. Checked in every build (one
    /// predictable branch), so the release-mode tests catch a search that breaks it.
    #[inline]
    pub fn push(&mut self, time_s: f64, e: E) {
        assert!(time_s.is_finite(), "bucket queue push at {time_s}");
        // `as` saturates (NaN → 0); a time before the current bucket joins it.
        let b = ((time_s * (1.0 / BUCKET_WIDTH_S)) as usize).clamp(self.current, MAX_BUCKETS - 1);
        if b >= self.heads.len() {
            self.grow(b);
        }
        let i = self.arena.len() as u32;
        self.arena.push((e, self.heads[b]));
        self.heads[b] = i;
        self.len += 1;
    }

    #[cold]
    fn grow(&mut self, b: usize) {
        let want = (b + 1).max(self.heads.len() * 2).min(MAX_BUCKETS);
        self.heads.resize(want, NIL);
    }

    #[inline]
    pub fn pop(&mut self) -> Option<E> {
        if self.len == 0 {
            if !self.arena.is_empty() {
                self.arena.clear();
                self.current = 0;
            }
            return None;
        }
        while self.heads[self.current] == NIL {
            self.current += 1;
        }
        let i = self.heads[self.current] as usize;
        let (e, next) = self.arena[i];
        self.heads[self.current] = next;
        self.len -= 1;
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pops come bucket by bucket; inside a bucket in any order; everything comes out once.
    #[test]
    fn pops_by_bucket_and_loses_nothing() {
        let mut q = BucketQueue::new();
        let times = [3.0, 0.1, 0.2, 7.5, 0.0, 3.1, 1e9, 2.0, 0.24];
        for (i, &t) in times.iter().enumerate() {
            q.push(t, i);
        }
        let mut out = Vec::new();
        while let Some(i) = q.pop() {
            out.push(i);
        }
        let mut sorted = out.clone();
        sorted.sort();
        assert_eq!(sorted, (0..times.len()).collect::<Vec<_>>());
        let buckets: Vec<usize> = out
            .iter()
            .map(|&i| ((times[i] / BUCKET_WIDTH_S) as usize).min(MAX_BUCKETS - 1))
            .collect();
        assert!(buckets.windows(2).all(|w| w[0] <= w[1]), "{buckets:?}");
        // 1e9 s lands in the last bucket, 0.0/0.1/0.2/0.24 share the first.
        assert_eq!(out.last(), Some(&6));
        assert_eq!(buckets[..4], [0, 0, 0, 0]);
    }

    /// Pushing into the bucket being emptied (an edge shorter than a bucket) and reusing
    /// the queue after `clear` in the middle of a search.
    #[test]
    fn push_into_current_bucket_and_reuse() {
        let mut q = BucketQueue::new();
        q.push(10.0, 'a');
        q.push(30.0, 'z');
        assert_eq!(q.pop(), Some('a'));
        q.push(10.1, 'b'); // same bucket as 'a'
        q.push(5.0, 'c'); // earlier than the current bucket: joins it
        let mut two = [q.pop(), q.pop()];
        two.sort();
        assert_eq!(two, [Some('b'), Some('c')]);
        q.clear();
        assert!(q.is_empty());
        assert_eq!(q.pop(), None);
        q.push(1.0, 'd');
        q.push(0.5, 'e');
        assert_eq!(q.pop(), Some('e'));
        assert_eq!(q.pop(), Some('d'));
        assert_eq!(q.pop(), None);
    }
}
