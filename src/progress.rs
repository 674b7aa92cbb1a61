//! Progress of long work, as the library reports it: a step starts (a spinner, or a bar of
//! `total` items), advances, changes its message and finishes. The binary draws it with
//! `indicatif` on a terminal; tests, CI and `--quiet` use [`Silent`]. Keeping the trait
//! here keeps terminal drawing out of the library's signatures.

/// Receives the progress of one step at a time. Must be shareable across rayon workers.
pub trait Progress: Sync {
    /// A step begins: `total` items when known (a bar), else a spinner.
    fn start(&self, message: &str, total: Option<u64>);
    /// The step's message changes (e.g. the pass of an import).
    fn message(&self, message: &str);
    /// `n` more items of the step are done.
    fn advance(&self, n: u64);
    /// The step is over; its display is cleared.
    fn finish(&self);
}

/// Shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: &str, _: Option<u64>) {}
    fn message(&self, _: &str) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
