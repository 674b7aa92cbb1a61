//! # fireplan
//!
//! Fire-station coverage and resource planning on real road networks.
//!
//! Glossary (the planners' terms, used in names throughout):
//! - **response time** = dispatch + turnout (出动) + travel on the road graph, seconds;
//! - **5-minute coverage** (5分钟救援圈): share of demand / road / area reached within
//!   `threshold_s` (300 s) of the dispatch order;
//! - **first-due area** (辖区): the places a station reaches before any other;
//! - **second-due**: a second, different station within `second_threshold_s`;
//! - **rescue district** (救援片区): a planning area with a kind (urban, suburban, rural);
//! - **logistics support** (战勤保障): depots and support stations reaching what they
//!   serve within their tier time.

pub mod atomic;
pub mod calibrate;
pub mod coverage;
pub mod error;
pub mod io;
pub mod load;
pub mod memory;
pub mod model;
pub mod names;
pub mod network;
pub mod optimize;
pub mod params;
pub mod plan;
pub mod progress;
pub mod report;
pub mod run;
pub mod sim;
pub mod supply;
pub mod sweep;
pub mod synth;
pub mod water;

pub use error::{Error, Result};
