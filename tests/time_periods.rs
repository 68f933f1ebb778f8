//! One "now" across periods (issue 11's defects): on the demo's Harbin 2022 days the board
//! does not headline the 2020 response level as current, and the curve's indicators do not
//! run across the 2020 → 2022 gap as if the days between had no case.

use std::sync::Arc;

use chrono::NaiveDate;
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::model::overview::Overview;
use sitboard::model::{Adcode, Dataset, Situation};

fn demo() -> Arc<Dataset> {
    let dir = sitboard::settings::paths::bundled_demo_dir().expect("bundled demo folder data/demo");
    Arc::new(load_sources(&[FeedSource::Path(dir)], registry::bundled().expect("registry")).dataset)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn a_2020_response_level_is_not_the_level_of_2022() {
    let data = demo();
    let province = Adcode::new(230000).unwrap();
    let in_2020 = Overview::compute(&Situation::at_end_of(data.clone(), date("2020-04-30")), province);
    assert!(in_2020.response.is_some(), "2020 has a published level");
    let in_2022 = Situation::at_end_of(data.clone(), date("2022-11-30"));
    assert_eq!(in_2022.period_start(), Some(*data.episodes().last().map(|(a, _)| a).unwrap()));
    let ov = Overview::compute(&in_2022, province);
    assert!(ov.response.is_none(), "none is published for the 2022 period: {:?}", ov.response);
}

#[test]
fn indicators_stay_inside_their_period() {
    let data = demo();
    let (start, end) = *data.episodes().last().unwrap();
    let sit = Situation::at_end_of(data.clone(), end);
    for code in [230000, 230100] {
        let ind = sit.indicators(Adcode::new(code).unwrap()).expect("indicators");
        if let Some(z) = ind.longest_zero_streak {
            assert!(z.first >= start, "{code}: a zero streak from {} runs across the gap", z.first);
        }
        let period_days = (end - start).num_days() as u32 + 1;
        match ind.since_last_new {
            sitboard::model::indicators::SinceLastNew::Days { days, .. }
            | sitboard::model::indicators::SinceLastNew::NoneInData { days } => {
                assert!(days <= period_days, "{code}: {days} days since the last case, in a {period_days}-day period")
            }
            sitboard::model::indicators::SinceLastNew::Unknown => {}
        }
    }
}
