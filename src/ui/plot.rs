//! Chart helpers shared by every egui_plot chart of the board: a day's x (days since
//! 1970-01-01), an instant's x, the log scale and the axis labels.

use chrono::{Datelike, NaiveDate, Timelike};
use egui_plot::{GridInput, GridMark};

use crate::i18n::fmt_count;
use crate::model::time::china;

/// Day number of a date (days since 1970-01-01), the chart's x.
pub fn day_x(d: NaiveDate) -> f64 {
    f64::from(d.num_days_from_ce() - 719_163)
}

pub fn x_day(x: f64) -> Option<NaiveDate> {
    let n = i32::try_from(x.round() as i64).ok()?;
    NaiveDate::from_num_days_from_ce_opt(n.checked_add(719_163)?)
}

/// x of an instant: its local day plus the fraction of the day.
pub fn instant_x(t: chrono::DateTime<chrono::Utc>) -> f64 {
    let local = t.with_timezone(&china());
    day_x(local.date_naive()) + f64::from(local.time().num_seconds_from_midnight()) / 86_400.0 - 0.5
}

/// y of a value on the chosen scale. Log scale is log₁₀(1 + v), so zero days stay on the axis.
pub fn y_of(value: f64, log: bool) -> f64 {
    if log { (1.0 + value.max(0.0)).log10() } else { value }
}

pub fn y_label(y: f64, log: bool) -> String {
    let v = if log { 10f64.powf(y) - 1.0 } else { y };
    if v < 0.0 {
        return String::new();
    }
    if v >= 10.0 || v == v.round() { fmt_count(v.round() as u64) } else { format!("{v:.1}") }
}

pub fn date_label(mark: GridMark) -> String {
    x_day(mark.value).map(|d| format!("{:02}-{:02}", d.month(), d.day())).unwrap_or_default()
}

/// The smallest of 1, 2 or 5 × 10ⁿ that is ≥ `x` (`x` > 0).
fn next_1_2_5(x: f64) -> f64 {
    let decade = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|k| k * decade).find(|s| *s >= x * (1.0 - 1e-9)).unwrap_or(10.0 * decade)
}

/// A grid of 1-2-5 steps for small charts. egui_plot's default spacer steps by powers of ten,
/// so a chart 130 px high over 0…80 gets lines every 10 (too close for labels) and every 100
/// (beyond the data): its value axis read only "0". Here the labelled step is ≥ 3× the finest.
pub fn nice_grid_spacer(input: GridInput) -> Vec<GridMark> {
    let base = input.base_step_size;
    let (lo, hi) = input.bounds;
    if !(base.is_finite() && base > 0.0 && lo.is_finite() && hi.is_finite()) || (hi - lo) / base > 10_000.0 {
        return Vec::new();
    }
    let s1 = next_1_2_5(base);
    let s2 = next_1_2_5(s1 * 3.0);
    let s3 = next_1_2_5(s2 * 3.0);
    let mut marks: Vec<GridMark> = Vec::new();
    for step in [s3, s2, s1] {
        let mut k = (lo / step).ceil();
        while k * step <= hi {
            let value = k * step;
            // Coarser steps were added first: a value already marked keeps its thicker line.
            if !marks.iter().any(|m| (m.value - value).abs() < 0.1 * s1) {
                marks.push(GridMark { value, step_size: step });
            }
            k += 1.0;
        }
    }
    marks.sort_by(|a, b| a.value.total_cmp(&b.value));
    marks
}

#[cfg(test)]
mod grid_tests {
    use super::*;

    #[test]
    fn steps_are_1_2_5_and_the_labelled_step_fits_the_range() {
        assert_eq!(next_1_2_5(4.0), 5.0);
        assert_eq!(next_1_2_5(5.0), 5.0);
        assert_eq!(next_1_2_5(12.0), 20.0);
        assert_eq!(next_1_2_5(0.03), 0.05);
        // 0…86 over ~130 px (egui_plot's base step ≈ 6 px ≈ 4 units): lines every 5, thicker
        // every 20 (≈ 30 px, labelled), thickest every 100.
        let marks = nice_grid_spacer(GridInput { bounds: (-4.0, 86.0), base_step_size: 4.0 });
        let at = |v: f64| marks.iter().find(|m| (m.value - v).abs() < 1e-9).map(|m| m.step_size);
        assert_eq!(at(20.0), Some(20.0));
        assert_eq!(at(40.0), Some(20.0));
        assert_eq!(at(0.0), Some(100.0));
        assert_eq!(at(5.0), Some(5.0));
        assert_eq!(marks.iter().filter(|m| m.step_size == 20.0).count(), 4, "20, 40, 60, 80");
        assert!(nice_grid_spacer(GridInput { bounds: (0.0, 1.0), base_step_size: 0.0 }).is_empty());
    }
}

/// Screen y positions of labels moved apart so that no two are closer than `gap` (each moves
/// as little as possible, order kept): line-end names of lines ending close together would
/// otherwise print over each other. Returns the new positions in the input's order.
pub fn spread_labels(ys: &[f32], gap: f32) -> Vec<f32> {
    let mut order: Vec<usize> = (0..ys.len()).collect();
    order.sort_by(|a, b| ys[*a].total_cmp(&ys[*b]));
    // Pool adjacent violators: clusters of labels closer than `gap` are centred on their mean.
    let mut blocks: Vec<(f32, usize)> = Vec::new(); // (top of the block, number of labels)
    for &i in &order {
        blocks.push((ys[i], 1));
        while blocks.len() > 1 {
            let (top2, n2) = blocks[blocks.len() - 1];
            let (top1, n1) = blocks[blocks.len() - 2];
            if top1 + gap * n1 as f32 <= top2 {
                break;
            }
            // Merged block: centre of the member labels' wanted positions.
            let centre =
                (top1 + gap * (n1 as f32 - 1.0) / 2.0) * n1 as f32 + (top2 + gap * (n2 as f32 - 1.0) / 2.0) * n2 as f32;
            let n = n1 + n2;
            let top = centre / n as f32 - gap * (n as f32 - 1.0) / 2.0;
            blocks.truncate(blocks.len() - 2);
            blocks.push((top, n));
        }
    }
    let mut out = vec![0.0; ys.len()];
    let mut k = 0;
    for (top, n) in blocks {
        for j in 0..n {
            out[order[k]] = top + gap * j as f32;
            k += 1;
        }
    }
    out
}

#[cfg(test)]
mod spread_tests {
    use super::spread_labels;

    #[test]
    fn labels_closer_than_the_gap_move_apart_around_their_centre() {
        assert_eq!(spread_labels(&[100.0, 200.0], 14.0), vec![100.0, 200.0]);
        assert_eq!(spread_labels(&[100.0, 102.0], 14.0), vec![94.0, 108.0]);
        // Input order is kept; three at once spread evenly around their mean.
        assert_eq!(spread_labels(&[110.0, 100.0, 105.0], 10.0), vec![115.0, 95.0, 105.0]);
        let ys = [300.0, 301.0, 302.0, 303.0, 50.0];
        let out = spread_labels(&ys, 14.0);
        let mut sorted = out.clone();
        sorted.sort_by(f32::total_cmp);
        assert!(sorted.windows(2).all(|w| w[1] - w[0] >= 14.0 - 1e-3), "{out:?}");
        assert_eq!(out[4], 50.0);
        assert!(spread_labels(&[], 14.0).is_empty());
    }
}
