//! One replication: the discrete-event loop. Calls arrive in time order; each is sent the
//! nearest free units of the kinds its type's plan names (nearest by response time, the
//! next station when the nearest has none free); a sent unit is busy from the call until
//! it is back at its station (response + on-scene + drive back). What no free unit can
//! fill waits for the first suitable unit to come back (`queue`) or is not sent (`lost`).

use std::collections::VecDeque;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::Exp1;
use serde::Serialize;

use super::arrivals::ArrivalClock;
use super::clock::YEAR_S;
use super::queue::{EventQueue, UnitFree};
use super::setup::{replication_rng, SimSetup};
use super::sites::Candidate;
use crate::model::IncidentType;
use crate::params::simulation::WhenAllBusy;

/// A call: when, what, where and how long the units will work on scene.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Call {
    /// Seconds from the start (a Monday 00:00).
    pub time_s: f64,
    pub kind: IncidentType,
    /// Index into the setup's places.
    pub place: u32,
    /// Each unit's on-scene time from its own arrival, seconds.
    pub on_scene_s: f64,
    /// Where this call's responses fall in the calibrated spread (a standardised
    /// residual shared by every unit of the call: the address is as hard to find for
    /// all); unused without a calibration.
    pub delay_z: f64,
}

/// The random calls of one replication, up to `horizon_s`.
pub struct RandomCalls<'a> {
    setup: &'a SimSetup,
    rng: ChaCha8Rng,
    clock: ArrivalClock,
    horizon_s: f64,
}

impl<'a> RandomCalls<'a> {
    /// Calls of replication `rep` under `seed` over `years` (of 365.25 days).
    pub fn new(setup: &'a SimSetup, seed: u64, rep: u64, years: f64) -> Self {
        RandomCalls {
            setup,
            rng: replication_rng(seed, rep),
            clock: ArrivalClock::start(),
            horizon_s: years * YEAR_S,
        }
    }
}

impl Iterator for RandomCalls<'_> {
    type Item = Call;

    #[inline]
    fn next(&mut self) -> Option<Call> {
        let s = self.setup;
        let e: f64 = self.rng.sample(Exp1);
        let time_s = s.arrivals.advance(&mut self.clock, e);
        if time_s >= self.horizon_s {
            return None;
        }
        let u: f64 = self.rng.random();
        let t = s.type_cdf.iter().position(|&c| u < c).unwrap_or(0);
        let kind = IncidentType::ALL[t];
        let place = s.draw_place(kind, &mut self.rng);
        let on_scene_s = s.on_scene[t].sample(&mut self.rng);
        // Drawn only under a calibration, so free-flow streams stay as they were.
        let delay_z = match &s.spread {
            Some(spread) => spread.standard_quantile(self.rng.random()),
            None => 0.0,
        };
        Some(Call {
            time_s,
            kind,
            place,
            on_scene_s,
            delay_z,
        })
    }
}

/// What the first-due station (the nearest station to the place, 辖区 owner) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FirstDue {
    /// Sent at least one unit.
    Took,
    /// Has units of the plan's kinds, all out.
    Busy,
    /// Has no unit of any kind the plan needs.
    NotEquipped,
    /// No station reaches the place.
    None,
}

impl FirstDue {
    pub fn as_str(self) -> &'static str {
        match self {
            FirstDue::Took => "took",
            FirstDue::Busy => "busy",
            FirstDue::NotEquipped => "not-equipped",
            FirstDue::None => "none",
        }
    }
}

/// One simulated incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentRecord {
    pub time_s: f64,
    #[serde(rename = "type")]
    pub kind: IncidentType,
    pub place: u32,
    pub on_scene_s: f64,
    /// Origin of the first-due station.
    pub first_due: Option<u32>,
    pub first_due_status: FirstDue,
    /// Origin of the first unit to arrive.
    pub first_origin: Option<u32>,
    /// First unit's arrival after the call, seconds.
    pub first_s: Option<f64>,
    /// Last plan unit's arrival after the call, when the whole plan came.
    pub full_plan_s: Option<f64>,
    pub units_required: u32,
    pub units_sent: u32,
    /// Waited for a unit to come back.
    pub queued: bool,
    /// Response of the nearest station as if every unit were free (static coverage of
    /// this place).
    pub free_fleet_s: Option<f64>,
    #[serde(skip)]
    delay_z: f64,
    /// Latest arrival so far.
    #[serde(skip)]
    last_s: f64,
}

/// Per station over one replication.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StationTally {
    /// Unit-seconds busy within the horizon.
    pub busy_unit_s: f64,
    /// Incidents for which it is the first-due station.
    pub first_due: u64,
    /// … of which it had suitable units, all out.
    pub first_due_busy: u64,
    /// … of which it had no unit of the plan's kinds.
    pub first_due_not_equipped: u64,
    pub units_sent: u64,
}

/// The outcome of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    pub horizon_s: f64,
    pub incidents: Vec<IncidentRecord>,
    /// Per origin.
    pub stations: Vec<StationTally>,
}

/// Part of a plan still to come: (kind index, units).
struct Waiting {
    incident: u32,
    need: Vec<(u16, u32)>,
}

struct Engine<'a> {
    setup: &'a SimSetup,
    horizon_s: f64,
    /// Free units per (origin, kind): `free[origin × kinds + kind]`.
    free: Vec<u32>,
    kinds: usize,
    queue: EventQueue,
    waiting: VecDeque<Waiting>,
    incidents: Vec<IncidentRecord>,
    stations: Vec<StationTally>,
}

impl<'a> Engine<'a> {
    fn new(setup: &'a SimSetup, horizon_s: f64) -> Self {
        let kinds = setup.kinds.len();
        let mut free = vec![0u32; setup.stations.len() * kinds];
        for (o, s) in setup.stations.iter().enumerate() {
            free[o * kinds..(o + 1) * kinds].copy_from_slice(&s.units);
        }
        Engine {
            setup,
            horizon_s,
            free,
            kinds,
            queue: EventQueue::new(),
            waiting: VecDeque::new(),
            incidents: Vec::new(),
            stations: vec![StationTally::default(); setup.stations.len()],
        }
    }

    /// Sends one unit of `kind` from `c.origin` to incident `i` at `now`.
    #[inline]
    fn send(&mut self, i: u32, c: &Candidate, kind: u16, now: f64) {
        let rec = &mut self.incidents[i as usize];
        let response_s = self.setup.realised_s(c.response_s, rec.delay_z);
        let arrive = now + response_s;
        let free_at = arrive + rec.on_scene_s + c.return_s;
        // Exactly the response time for a unit sent at the call.
        let after_call = (now - rec.time_s) + response_s;
        if rec.first_s.is_none_or(|f| after_call < f) {
            rec.first_s = Some(after_call);
            rec.first_origin = Some(c.origin);
        }
        rec.last_s = rec.last_s.max(after_call);
        rec.units_sent += 1;
        let tally = &mut self.stations[c.origin as usize];
        tally.units_sent += 1;
        tally.busy_unit_s += (free_at.min(self.horizon_s) - now.min(self.horizon_s)).max(0.0);
        self.queue.push(UnitFree {
            time_s: free_at,
            origin: c.origin,
            kind,
        });
    }

    fn call(&mut self, call: Call) {
        let setup = self.setup;
        let i = self.incidents.len() as u32;
        let ranking = setup.sites.ranking(call.place);
        let plan = &setup.plans[call.kind.index()];
        let first_due = ranking.first().map(|c| c.origin);
        self.incidents.push(IncidentRecord {
            time_s: call.time_s,
            kind: call.kind,
            place: call.place,
            on_scene_s: call.on_scene_s,
            first_due,
            first_due_status: FirstDue::None,
            first_origin: None,
            first_s: None,
            full_plan_s: None,
            units_required: plan.iter().map(|p| p.1).sum(),
            units_sent: 0,
            queued: false,
            free_fleet_s: ranking
                .first()
                .map(|c| setup.realised_s(c.response_s, call.delay_z)),
            delay_z: call.delay_z,
            last_s: 0.0,
        });
        let mut took = false;
        let mut short: Vec<(u16, u32)> = Vec::new();
        for &(kind, count) in plan {
            let mut left = count;
            let ranking = setup.ranking_for(kind, call.place);
            for c in ranking {
                let slot = c.origin as usize * self.kinds + kind as usize;
                let take = self.free[slot].min(left);
                if take == 0 {
                    continue;
                }
                self.free[slot] -= take;
                left -= take;
                took |= Some(c.origin) == first_due;
                for _ in 0..take {
                    self.send(i, c, kind, call.time_s);
                }
                if left == 0 {
                    break;
                }
            }
            // Wait only for kinds some station within reach has at all.
            if left > 0 && ranking.iter().any(|c| setup.units(c.origin, kind) > 0) {
                short.push((kind, left));
            }
        }
        if let Some(fd) = first_due {
            let equipped = plan.iter().any(|&(k, _)| setup.units(fd, k) > 0);
            let status = if took {
                FirstDue::Took
            } else if equipped {
                FirstDue::Busy
            } else {
                FirstDue::NotEquipped
            };
            self.incidents[i as usize].first_due_status = status;
            let t = &mut self.stations[fd as usize];
            t.first_due += 1;
            match status {
                FirstDue::Busy => t.first_due_busy += 1,
                FirstDue::NotEquipped => t.first_due_not_equipped += 1,
                _ => {}
            }
        }
        if !short.is_empty() && setup.params.when_all_busy == WhenAllBusy::Queue {
            self.incidents[i as usize].queued = true;
            self.waiting.push_back(Waiting {
                incident: i,
                need: short,
            });
        }
    }

    /// A unit is back: it takes the oldest waiting incident that needs its kind and that
    /// its station reaches; otherwise it stays free.
    fn unit_free(&mut self, e: UnitFree) {
        let slot = e.origin as usize * self.kinds + e.kind as usize;
        self.free[slot] += 1;
        if self.waiting.is_empty() {
            return;
        }
        let setup = self.setup;
        let found = self.waiting.iter().enumerate().find_map(|(w, entry)| {
            let need = entry.need.iter().position(|n| n.0 == e.kind && n.1 > 0)?;
            let place = self.incidents[entry.incident as usize].place;
            let c = setup
                .ranking_for(e.kind, place)
                .iter()
                .find(|c| c.origin == e.origin)?;
            Some((w, need, *c))
        });
        let Some((w, need, c)) = found else {
            return;
        };
        self.free[slot] -= 1;
        let incident = self.waiting[w].incident;
        self.send(incident, &c, e.kind, e.time_s);
        let entry = &mut self.waiting[w];
        entry.need[need].1 -= 1;
        if entry.need.iter().all(|n| n.1 == 0) {
            self.waiting.remove(w);
        }
    }

    fn finish(mut self) -> Replication {
        for r in &mut self.incidents {
            if r.units_sent == r.units_required && r.units_required > 0 {
                r.full_plan_s = Some(r.last_s);
            }
        }
        Replication {
            horizon_s: self.horizon_s,
            incidents: self.incidents,
            stations: self.stations,
        }
    }
}

/// Runs the calls (in time order, all before `horizon_s`) through the event loop, then
/// lets every unit come back. Busy time is counted within `[0, horizon_s]`.
pub fn run_calls(
    setup: &SimSetup,
    horizon_s: f64,
    calls: impl IntoIterator<Item = Call>,
) -> Replication {
    let mut engine = Engine::new(setup, horizon_s);
    for call in calls {
        // A unit back at the very second of a call is free for it.
        while engine.queue.peek_time().is_some_and(|t| t <= call.time_s) {
            if let Some(e) = engine.queue.pop() {
                engine.unit_free(e);
            }
        }
        engine.call(call);
    }
    while let Some(e) = engine.queue.pop() {
        engine.unit_free(e);
    }
    engine.finish()
}

/// Replication `rep` of `years` under `seed`.
pub fn run_replication(setup: &SimSetup, years: f64, seed: u64, rep: u64) -> Replication {
    run_calls(
        setup,
        years * YEAR_S,
        RandomCalls::new(setup, seed, rep, years),
    )
}
