//! Incident types (警情类型) of the simulation and how the `kind` column of an incident
//! file maps onto them.

use serde::Serialize;

/// The incident types the simulation draws; each has a response plan and an on-scene
/// time distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentType {
    /// 建筑火灾.
    BuildingFire,
    /// 车辆火灾.
    VehicleFire,
    /// 抢险救援 (traffic accidents, entrapment, lifts, water rescue).
    Rescue,
    /// 危化品事故.
    Hazmat,
    /// 其他 (outdoor fires, social assistance, false alarms).
    Other,
}

impl IncidentType {
    /// Every type, in the order used by arrays indexed by type.
    pub const ALL: [IncidentType; 5] = [
        IncidentType::BuildingFire,
        IncidentType::VehicleFire,
        IncidentType::Rescue,
        IncidentType::Hazmat,
        IncidentType::Other,
    ];

    /// The name used in files and in the scenario (`building_fire`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentType::BuildingFire => "building_fire",
            IncidentType::VehicleFire => "vehicle_fire",
            IncidentType::Rescue => "rescue",
            IncidentType::Hazmat => "hazmat",
            IncidentType::Other => "other",
        }
    }

    /// Chinese name used in reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            IncidentType::BuildingFire => "建筑火灾",
            IncidentType::VehicleFire => "车辆火灾",
            IncidentType::Rescue => "抢险救援",
            IncidentType::Hazmat => "危化品事故",
            IncidentType::Other => "其他",
        }
    }

    /// Index into arrays ordered like [`IncidentType::ALL`].
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The type named exactly (case-insensitive) by its file name or Chinese name;
    /// `None` otherwise.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s) || t.name_zh() == s)
    }

    /// The type of an incident record's `kind`: a named type, else `other`.
    pub fn of_record(kind: &str) -> Self {
        Self::parse(kind).unwrap_or(IncidentType::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_file_and_chinese_names() {
        assert_eq!(
            IncidentType::parse("Building_Fire"),
            Some(IncidentType::BuildingFire)
        );
        assert_eq!(
            IncidentType::parse("危化品事故"),
            Some(IncidentType::Hazmat)
        );
        assert_eq!(IncidentType::parse("fire"), None);
        assert_eq!(IncidentType::of_record("lift"), IncidentType::Other);
        for t in IncidentType::ALL {
            assert_eq!(IncidentType::ALL[t.index()], t);
        }
    }
}
