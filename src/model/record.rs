//! Incident records with observed times (出警记录): where a unit went, from which station,
//! and how long it took — the evidence `fireplan calibrate` fits the response model to.

use geo::Point;
use serde::Serialize;

/// What a record's response time is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasuredFrom {
    /// The dispatch order (派车/出动命令): arrival − `dispatch`.
    Dispatch,
    /// The call (接警): arrival − `alarm`.
    Alarm,
    /// The file's `response_s` column, as the brigade defines it.
    Record,
}

impl MeasuredFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            MeasuredFrom::Dispatch => "dispatch",
            MeasuredFrom::Alarm => "alarm",
            MeasuredFrom::Record => "record",
        }
    }
}

/// One unit's response to one incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentRecord {
    pub id: String,
    /// 1-based line in the records file (header = line 1).
    pub line: u64,
    pub location: Point,
    /// Index of the responding station in the scenario's stations.
    pub station: usize,
    /// Observed response, seconds, from [`RecordsFile::measured_from`] to arrival.
    pub response_s: f64,
    /// Observed time before the wheels turned (from the same start to `turnout`), when the
    /// record has a `turnout` timestamp.
    pub pre_travel_s: Option<f64>,
    /// Hour of day (0–23) the call came in, local time as written.
    pub hour: Option<u8>,
    pub unit: Option<String>,
    pub kind: Option<String>,
    /// 1 = first to arrive at the incident, 2 = second, ….
    pub pump_order: Option<u32>,
}

/// A row left out of the fit, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RejectedRecord {
    pub line: u64,
    pub id: String,
    pub field: String,
    pub reason: String,
}

/// A records file: the usable records and the rows left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordsFile {
    pub measured_from: MeasuredFrom,
    pub records: Vec<IncidentRecord>,
    pub rejected: Vec<RejectedRecord>,
}
