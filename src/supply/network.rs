//! The logistics network: the same roads as the emergency network, driven with the
//! logistics speed profile (DESIGN §3: class speed after the `maxspeed` cap × 0.85,
//! capped at 70 km/h, then × `speed_factor`), prepared and cached separately.
//!
//! Both networks are built from the same raw input, so they keep the same strongly
//! connected component, the same node order and the same segments: only edge times
//! differ. [`check_same_graph`] verifies that rather than assume it, because reports join
//! the two (station snaps, segment layers).

use crate::error::{Error, Result};
use crate::io::scenario::Scenario;
use crate::network::{Network, Profile};
use crate::run::{prepare_network, PreparedNetwork, RunOptions};

/// Prepares the logistics network of `scenario` (from the cache when it can) and checks
/// it against the emergency network `emergency` when one is given.
pub fn prepare_logistics(
    scenario: &Scenario,
    opts: &RunOptions,
    emergency: Option<&Network>,
) -> Result<PreparedNetwork> {
    // The input files are already recorded by the emergency load.
    let mut files = Vec::new();
    let (prepared, _) = prepare_network(scenario, Profile::Logistics, opts, &mut files)?;
    if let Some(e) = emergency {
        check_same_graph(e, &prepared.network)?;
    }
    Ok(prepared)
}

/// Ok when `logistics` has the same nodes (ids and coordinates, same order), the same
/// segments (same ends, same directions drivable) and the same CSR structure as
/// `emergency`, and is built with the logistics profile.
pub fn check_same_graph(emergency: &Network, logistics: &Network) -> Result<()> {
    let fail = |what: String| {
        Err(Error::Scenario(format!(
            "the logistics network does not match the emergency network ({what}); \
             both must come from the same road input"
        )))
    };
    if logistics.profile != Profile::Logistics {
        return fail(format!("profile {:?}", logistics.profile));
    }
    if emergency.nodes.len() != logistics.nodes.len() {
        return fail(format!(
            "{} nodes against {}",
            logistics.nodes.len(),
            emergency.nodes.len()
        ));
    }
    if let Some(i) = (0..emergency.nodes.len()).find(|&i| emergency.nodes[i] != logistics.nodes[i])
    {
        return fail(format!("node {i} differs"));
    }
    if emergency.segments.len() != logistics.segments.len() {
        return fail(format!(
            "{} segments against {}",
            logistics.segments.len(),
            emergency.segments.len()
        ));
    }
    let same_shape = |a: &crate::network::Segment, b: &crate::network::Segment| {
        a.a == b.a
            && a.b == b.b
            && a.time_ab_s.is_finite() == b.time_ab_s.is_finite()
            && a.time_ba_s.is_finite() == b.time_ba_s.is_finite()
    };
    if let Some(i) = (0..emergency.segments.len())
        .find(|&i| !same_shape(&emergency.segments[i], &logistics.segments[i]))
    {
        return fail(format!("segment {i} differs"));
    }
    if emergency.first_out != logistics.first_out || emergency.head != logistics.head {
        return fail("adjacency differs".into());
    }
    Ok(())
}
