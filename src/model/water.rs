//! Fire water sources (消防水源): municipal hydrants (市政消火栓), fire water tanks
//! (消防水池), natural sources (天然水源) and their suction points (取水点), as a water-source
//! register or the OSM extract lists them. No I/O.

use geo::Point;
use serde::{Deserialize, Serialize};

/// What a water source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaterSourceKind {
    /// 市政消火栓: a municipal fire hydrant on the mains.
    Hydrant,
    /// 消防水池 / 消防水箱: a fire water tank or cistern.
    WaterTank,
    /// 天然水源: a river, lake, pond or reservoir used as a fire water source.
    Natural,
    /// 取水点 / 取水平台: a suction point where an engine drafts from a natural source.
    SuctionPoint,
}

impl WaterSourceKind {
    pub const ALL: [WaterSourceKind; 4] = [
        WaterSourceKind::Hydrant,
        WaterSourceKind::WaterTank,
        WaterSourceKind::Natural,
        WaterSourceKind::SuctionPoint,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            WaterSourceKind::Hydrant => "hydrant",
            WaterSourceKind::WaterTank => "water_tank",
            WaterSourceKind::Natural => "natural",
            WaterSourceKind::SuctionPoint => "suction_point",
        }
    }

    /// Chinese name used in reports.
    pub fn name_zh(self) -> &'static str {
        match self {
            WaterSourceKind::Hydrant => "市政消火栓",
            WaterSourceKind::WaterTank => "消防水池",
            WaterSourceKind::Natural => "天然水源",
            WaterSourceKind::SuctionPoint => "取水点",
        }
    }

    /// A static source (静态水源: tank, natural source, suction point): water that stays
    /// where it is, listed for demand beyond hydrant reach.
    pub fn is_static(self) -> bool {
        self != WaterSourceKind::Hydrant
    }
}

/// Whether a source can be used today (完好).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaterSourceStatus {
    /// 完好: in service.
    #[default]
    InService,
    /// 损坏 / 停用: out of service; listed, never counted as supply.
    OutOfService,
}

impl WaterSourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WaterSourceStatus::InService => "in_service",
            WaterSourceStatus::OutOfService => "out_of_service",
        }
    }
}

/// One fire water source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterSource {
    /// As written in the register, or `osm:n<id>` for an OSM node.
    pub id: String,
    pub kind: WaterSourceKind,
    pub status: WaterSourceStatus,
    pub location: Point<f64>,
    /// Rated flow, L/s, where known.
    pub flow_lps: Option<f64>,
    /// Date of the last inspection as written (ISO 8601), where known.
    pub last_inspected: Option<String>,
}

impl WaterSource {
    /// In service: the only sources that count as supply (完好率's numerator).
    pub fn serviceable(&self) -> bool {
        self.status == WaterSourceStatus::InService
    }
}
