//! Places: the core's street lattice with its one-way pairs, the new town, the towns and
//! the large-block industrial zone (villages come later, in the layout).

use std::f64::consts::PI;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::districts::{district_idx, District};
use crate::geometry::{km, Frame, P};
use crate::lattice::{Lattice, Mask, OneWay};
use crate::roads::Hw;

/// A place by name; the names are the generator's own constants.
pub fn place<'a>(places: &'a [Lattice], name: &str) -> &'a Lattice {
    places
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no place {name}"))
}

/// The place (not the rural lattice) a point lies in.
pub fn in_any_place(places: &[Lattice], ds: &[District], p: P) -> Option<usize> {
    places
        .iter()
        .position(|pl| pl.name != "农村道路" && pl.mask.contains(p, ds))
}

/// A town: a round lattice of residential streets with tertiary and secondary lines.
fn town(
    name: &'static str,
    id: u64,
    c: (f64, f64),
    r_km: f64,
    s: f64,
    rng: &mut ChaCha8Rng,
) -> Lattice {
    let center = km(c.0, c.1);
    let r = r_km * 1000.0;
    let phase = rng.random::<f64>() * 2.0 * PI;
    let mut t = Lattice::new(
        name,
        id,
        center,
        s,
        rng.random_range(-0.35..0.35),
        (r * 1.3, r * 1.3),
        Mask::Circle(center, r, phase),
        Hw::Residential,
    );
    t.rules = vec![(1000, 0, Hw::Secondary), (4, 2, Hw::Tertiary)];
    t.drop = 0.14;
    t.jitter = 12.0;
    t
}

/// The core, the new town, 马鞍, the industrial zone and the other towns, built (points
/// inside their masks) but not yet emitted as ways.
pub fn places(fr: &Frame, ds: &[District], rng: &mut ChaCha8Rng) -> Vec<Lattice> {
    let core_d = district_idx(ds, "柯中");
    let north_d = district_idx(ds, "柯北");
    let maan_d = district_idx(ds, "马鞍");

    let mut places: Vec<Lattice> = Vec::new();
    let mut core = Lattice::new(
        "柯中",
        1,
        km(14.25, 16.1),
        110.0,
        0.0,
        (4900.0, 3300.0),
        Mask::District(core_d),
        Hw::Residential,
    );
    core.rules = vec![
        (16, 8, Hw::Primary),
        (8, 0, Hw::Secondary),
        (4, 0, Hw::Tertiary),
    ];
    core.drop = 0.08;
    core.jitter = 6.0;
    core.oneways = vec![
        OneWay {
            horizontal: true,
            line: 10,
            from: -30,
            to: 30,
            forward: true,
            hw: Hw::Secondary,
        },
        OneWay {
            horizontal: true,
            line: 13,
            from: -30,
            to: 30,
            forward: false,
            hw: Hw::Secondary,
        },
        OneWay {
            horizontal: false,
            line: 3,
            from: -24,
            to: 24,
            forward: true,
            hw: Hw::Secondary,
        },
        OneWay {
            horizontal: false,
            line: 6,
            from: -24,
            to: 24,
            forward: false,
            hw: Hw::Secondary,
        },
    ];
    places.push(core);

    let mut new_town = Lattice::new(
        "北部新城",
        2,
        km(14.4, 21.3),
        165.0,
        0.0,
        (4700.0, 2700.0),
        Mask::All(vec![
            Mask::District(north_d),
            Mask::Rect(km(10.0, 18.7), km(18.8, 23.75)),
        ]),
        Hw::Residential,
    );
    new_town.rules = vec![
        (12, 6, Hw::Primary),
        (6, 0, Hw::Secondary),
        (3, 0, Hw::Tertiary),
    ];
    new_town.drop = 0.12;
    new_town.jitter = 10.0;
    places.push(new_town);

    let maan_c = km(11.5, 26.9);
    places.push(town("马鞍", 10, (11.5, 26.9), 1.35, 170.0, rng));

    let mut industry = Lattice::new(
        "滨海工业区",
        3,
        km(15.5, 29.0),
        750.0,
        0.03,
        (13600.0, 4600.0),
        Mask::All(vec![
            Mask::District(maan_d),
            Mask::Rect(km(1.8, 24.4), km(28.75, 31.3)),
            Mask::Not(Box::new(Mask::Circle(maan_c, 1750.0, 0.0))),
        ]),
        Hw::Tertiary,
    );
    industry.rules = vec![
        (6, 0, Hw::Trunk),
        (3, 0, Hw::Primary),
        (2, 1, Hw::Secondary),
    ];
    industry.jitter = 90.0;
    industry.densify = (110.0, 0.0);
    places.push(industry);

    let towns: [(&str, (f64, f64), f64, f64); 14] = [
        ("钱清", (4.0, 17.3), 1.5, 170.0),
        ("杨汛桥", (4.6, 22.95), 1.0, 170.0),
        ("夏履", (1.7, 14.2), 0.6, 150.0),
        ("安昌", (22.3, 23.0), 0.9, 160.0),
        ("齐贤", (25.8, 22.7), 1.0, 170.0),
        ("福全", (14.5, 11.0), 1.0, 160.0),
        ("兰亭", (9.3, 9.8), 0.8, 160.0),
        ("漓渚", (4.2, 10.4), 0.8, 160.0),
        ("柯岩", (21.6, 15.6), 1.3, 170.0),
        ("湖塘", (23.6, 11.2), 1.0, 170.0),
        ("鉴湖", (26.8, 16.9), 0.9, 160.0),
        ("平水", (24.2, 5.1), 0.7, 150.0),
        ("稽东", (10.6, 3.2), 0.45, 120.0),
        ("王坛", (16.6, 2.2), 0.45, 120.0),
    ];
    for (k, &(name, c, r, s)) in towns.iter().enumerate() {
        places.push(town(name, 20 + k as u64, c, r, s, rng));
    }
    for pl in &mut places {
        pl.build(ds, fr);
    }
    places
}
