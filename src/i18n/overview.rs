//! Strings of the overview (key figures, emergency response, subregions, channels,
//! directives in force, trend indicators; also printed by `sitboard report`), in Chinese and
//! English: a part of [`super::Tr`], reached as `tr.overview`.

use super::Lang;
use crate::model::indicators::{Indicators, SinceLastNew};
use crate::model::overview::FigureSource;
use crate::model::{Channel, RegionLevel, ResponseLevel};

tr_table! {
    /// The overview: key figures, response level, subregions, channels, directives in force, trend indicators.
    pub struct OverviewTr {
        // Key figures.
        overview: "概况", "Overview";
        key_figures: "主要指标", "Key figures";
        no_report: "该地区当日无通报数据", "No report for this region on this day";
        vs_previous_day: "较昨日", "vs previous day";
        correction: "订正", "Correction";
        window: "统计时段", "Reporting window";
        provenance_legend: "● 通报值　◌ 推算值　Σ 下级汇总", "● reported   ◌ reconstructed   Σ sum of subregions";
        reported_from: "出处", "Source";
        // Emergency response.
        response_level: "应急响应", "Emergency response";
        response_none: "未启动", "Not in effect";
        since: "自", "since";
        inherited_from: "沿用", "from";
        last_known: "最后已知，数据截至", "last known; data ends";
        // Subregion table.
        subregions: "下辖地区", "Subregions";
        col_region: "地区", "Region";
        col_new: "新增", "New";
        col_active: "现有", "Active";
        col_cumulative: "累计", "Cumulative";
        col_cured: "治愈", "Cured";
        col_deaths: "死亡", "Deaths";
        col_risk: "风险", "Risk";
        // Channels and directives in force.
        channels: "发现途径", "How new positives were found";
        local: "本土", "local";
        directives_in_force: "生效中的指令与公告", "Directives in force";
        no_directives: "无生效中的指令", "No directive in force";
        // Trend indicators.
        indicators: "趋势指标", "Trend indicators";
        avg7_new: "近7日日均新增", "7-day average of new cases";
        week_growth: "周环比", "Week-over-week change";
        doubling_time: "倍增时间", "Doubling time";
        halving_time: "减半时间", "Halving time";
        days_unit: "天", "days";
        day_unit: "天", "day";
        days_since_last_new: "距上一例新增", "Days since the last new case";
        last_new_on: "上一例新增于", "last new case on";
        no_new_in_data: "数据期内无新增", "no new case in the data";
        unknown: "未知", "unknown";
        fourteen_days_clear: "已连续14天无新增", "14 days without a new case";
        longest_zero_streak: "最长连续零新增", "Longest run without a new case";
    }
}

impl OverviewTr {
    pub fn channel(&self, c: Channel) -> &'static str {
        let (zh, en) = match c {
            Channel::Quarantined => ("隔离管控人员中发现", "Among people under quarantine"),
            Channel::CommunityScreening => ("社区筛查发现", "Community screening"),
            Channel::ContactScreening => ("密切接触者筛查发现", "Close-contact screening"),
            Channel::KeyPersonScreening => ("重点人员筛查发现", "Key-person screening"),
            Channel::CrossRegionRequest => ("跨区域协查发现", "Cross-region investigation"),
            Channel::Other => ("其他", "Other"),
        };
        self.lang.pick(zh, en)
    }

    pub fn response(&self, r: ResponseLevel) -> &'static str {
        let (zh, en) = match r {
            ResponseLevel::I => ("一级响应", "Level I"),
            ResponseLevel::II => ("二级响应", "Level II"),
            ResponseLevel::III => ("三级响应", "Level III"),
            ResponseLevel::IV => ("四级响应", "Level IV"),
            ResponseLevel::None => ("未启动", "None"),
        };
        self.lang.pick(zh, en)
    }

    pub fn region_level(&self, l: RegionLevel) -> &'static str {
        let (zh, en) = match l {
            RegionLevel::Province => ("省", "Province"),
            RegionLevel::City => ("市（地区）", "City"),
            RegionLevel::County => ("县（市、区）", "County"),
        };
        self.lang.pick(zh, en)
    }

    /// The indicator lines shown in the overview and printed by `sitboard report`.
    pub fn indicator_lines(&self, ind: &Indicators) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let na = || "—".to_owned();
        out.push((self.avg7_new, ind.avg7_new.map(|a| format!("{a:.1}")).unwrap_or_else(na)));
        out.push((
            self.week_growth,
            ind.week_growth
                .map(|g| {
                    format!(
                        "{}{:.0} %",
                        if g > 0.0 {
                            "+"
                        } else if g < 0.0 {
                            "−"
                        } else {
                            ""
                        },
                        (g * 100.0).abs()
                    )
                })
                .unwrap_or_else(na),
        ));
        if let Some(dd) = ind.doubling_days {
            out.push((self.doubling_time, format!("{dd:.1} {}", self.days_unit)));
        } else if let Some(h) = ind.halving_days {
            out.push((self.halving_time, format!("{h:.1} {}", self.days_unit)));
        } else {
            out.push((self.doubling_time, na()));
        }
        let since = match ind.since_last_new {
            SinceLastNew::Days { days, last } => {
                let mut s = format!("{days} {} ({} {last})", self.days(days), self.last_new_on);
                if ind.fourteen_days_clear {
                    s.push_str(&format!(" · {}", self.fourteen_days_clear));
                }
                s
            }
            SinceLastNew::NoneInData { days } => format!("{} ({days} {})", self.no_new_in_data, self.days(days)),
            SinceLastNew::Unknown => self.unknown.to_owned(),
        };
        out.push((self.days_since_last_new, since));
        out.push((
            self.longest_zero_streak,
            ind.longest_zero_streak
                .map(|z| format!("{} {} ({} … {})", z.days, self.days(z.days), z.first, z.last))
                .unwrap_or_else(na),
        ));
        out
    }

    /// "day" or "days" after a count (天 either way).
    fn days<N: PartialEq + From<u8>>(&self, n: N) -> &'static str {
        if n == N::from(1) { self.day_unit } else { self.days_unit }
    }

    /// Short provenance label for a figure.
    pub fn figure_source(&self, s: FigureSource) -> String {
        match (s, self.lang) {
            (FigureSource::Reported, Lang::Zh) => "通报".into(),
            (FigureSource::Reported, Lang::En) => "reported".into(),
            (FigureSource::Reconstructed, Lang::Zh) => "推算".into(),
            (FigureSource::Reconstructed, Lang::En) => "reconstructed".into(),
            (FigureSource::Aggregated { children, of }, Lang::Zh) => format!("下级汇总 {children}/{of}"),
            (FigureSource::Aggregated { children, of }, Lang::En) => format!("sum of {children}/{of} subregions"),
            (FigureSource::Derived, Lang::Zh) => "由其他数推得".into(),
            (FigureSource::Derived, Lang::En) => "derived".into(),
            (FigureSource::Synthetic, Lang::Zh) => "模拟".into(),
            (FigureSource::Synthetic, Lang::En) => "synthetic".into(),
            (FigureSource::Missing, Lang::Zh) => "未通报".into(),
            (FigureSource::Missing, Lang::En) => "not reported".into(),
        }
    }
}
