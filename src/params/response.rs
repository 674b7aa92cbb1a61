//! `[response]`: the response-time standard (DESIGN §3–4): dispatch, turnout, the
//! 5-minute threshold, the second-due threshold and the area grid.

use serde::{Deserialize, Serialize};

/// `[response]`: the response-time standard (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseParams {
    /// From call to dispatch order; 0 because the 5-minute standard starts at the order.
    #[serde(default)]
    pub dispatch_s: f64,
    /// Turnout (出动) time, overridable per station.
    #[serde(default = "default_turnout_s")]
    pub turnout_s: f64,
    /// The 5-minute threshold.
    #[serde(default = "default_threshold_s")]
    pub threshold_s: f64,
    /// Second-due threshold.
    #[serde(default = "default_second_threshold_s")]
    pub second_threshold_s: f64,
    /// Grid cell for area coverage, metres.
    #[serde(default = "default_grid_cell_m")]
    pub grid_cell_m: f64,
    /// Micro fire stations (微型消防站) and volunteer teams (志愿消防队) take part in
    /// response coverage like the other stations (default false: they are the villages'
    /// and communities' first hands, not part of the 5-minute response system).
    #[serde(default, skip_serializing_if = "is_false")]
    pub micro_and_volunteer_respond: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Default for ResponseParams {
    fn default() -> Self {
        ResponseParams {
            dispatch_s: 0.0,
            turnout_s: default_turnout_s(),
            threshold_s: default_threshold_s(),
            second_threshold_s: default_second_threshold_s(),
            grid_cell_m: default_grid_cell_m(),
            micro_and_volunteer_respond: false,
        }
    }
}

fn default_turnout_s() -> f64 {
    60.0
}
fn default_threshold_s() -> f64 {
    300.0
}
fn default_second_threshold_s() -> f64 {
    480.0
}
fn default_grid_cell_m() -> f64 {
    250.0
}
