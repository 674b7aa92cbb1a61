//! The routable road graph: travel-time model (DESIGN §3), cleaning, snapping, searches.

pub mod raw;
