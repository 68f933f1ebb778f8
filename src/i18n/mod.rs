//! The string table: every user-visible string in Chinese and English. A missing
//! translation is a compile error, because both tables are the same struct.
//!
//! The strings are split by area of the board, one file per area, each written with
//! `tr_table!` as one entry per key with the Chinese and the English side by side:
//!
//! | area | file | reached as |
//! |---|---|---|
//! | top bar, loading, problems, language switch, sources, tabs | `board.rs` | `tr.board` |
//! | region picker | `regions.rs` | `tr.regions` |
//! | date control | `dates.rs` | `tr.dates` |
//! | overview: key figures, response, subregions, indicators | `overview.rs` | `tr.overview` |
//! | risk levels and the county rule | `risk.rs` | `tr.risk` |
//! | case curves | `curves.rs` | `tr.curves` |
//! | map | `map.rs` | `tr.map` |
//! | checkpoints | `checkpoints.rs` | `tr.checkpoints` |
//! | 12345 hotline | `hotline.rs` | `tr.hotline` |
//! | live feeds | `live.rs` | `tr.live` |
//! | directive journal | `journal.rs` | `tr.journal` |
//! | the wall (大屏): clock, freshness, alarms, paging, rotation | `wall.rs` | `tr.wall` |
//! | exports: CSV, PNG, the daily briefing, the export record | `export.rs` | `tr.export` |
//!
//! Names of the figures ([`Tr::case_field`]) are used by every area and stay on [`Tr`].

use serde::{Deserialize, Serialize};

use crate::model::CaseField;

/// Declares one area's string table: a struct with a `pub KEY: &'static str` field per key
/// and its two tables, `NAME::ZH` and `NAME::EN`. Each key is written once, with both
/// languages side by side, and may carry doc comments:
///
/// ```ignore
/// tr_table! {
///     /// Top bar and board frame.
///     pub struct BoardTr {
///         /// The title in the top bar.
///         board_title: "疫情防控指挥部 · 态势总览", "Epidemic command center · Situation board";
///     }
/// }
/// ```
///
/// The struct also records its language, for the area's methods (`self.lang`).
macro_rules! tr_table {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident: $zh:literal, $en:literal;
            )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            lang: $crate::i18n::Lang,
            $(
                $(#[$field_meta])*
                pub $field: &'static str,
            )*
        }

        impl $name {
            /// The Chinese table.
            pub const ZH: $name = $name { lang: $crate::i18n::Lang::Zh, $($field: $zh,)* };
            /// The English table.
            pub const EN: $name = $name { lang: $crate::i18n::Lang::En, $($field: $en,)* };

            /// The language of this table.
            pub fn lang(&self) -> $crate::i18n::Lang {
                self.lang
            }

            /// Every key with its text, in the order of the table.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($field), self.$field)),*]
            }
        }
    };
}

pub mod board;
pub mod checkpoints;
pub mod compare;
pub mod curves;
pub mod dates;
pub mod export;
pub mod hotline;
pub mod journal;
pub mod live;
pub mod map;
pub mod officers;
pub mod overview;
pub mod regions;
pub mod risk;
pub mod wall;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn tr(self) -> &'static Tr {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" | "chinese" => Some(Lang::Zh),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// The one of a Chinese and an English text that is in this language.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// All strings of one language, by area.
pub struct Tr {
    lang: Lang,
    /// Top bar, loading, data problems, language switch, sources, tabs.
    pub board: board::BoardTr,
    /// The region picker.
    pub regions: regions::RegionsTr,
    /// The date control.
    pub dates: dates::DatesTr,
    /// The overview: key figures, response level, subregions, channels, indicators.
    pub overview: overview::OverviewTr,
    /// Risk levels, published and computed by the county rule.
    pub risk: risk::RiskTr,
    /// The case curves.
    pub curves: curves::CurvesTr,
    /// The map.
    pub map: map::MapTr,
    /// Checkpoints: the tab and the map popup.
    pub checkpoints: checkpoints::CheckpointsTr,
    /// The 12345 hotline: the tab, the map colouring, `report`.
    pub hotline: hotline::HotlineTr,
    /// Live feeds: freshness badge, stale banner, sources window, follow/pause.
    pub live: live::LiveTr,
    /// The directive journal: panel, command line, exports.
    pub journal: journal::JournalTr,
    /// Officers: sign-in, acknowledgments, what an officer may do.
    pub officers: officers::OfficersTr,
    /// Compare two moments.
    pub compare: compare::CompareTr,
    /// The wall (大屏).
    pub wall: wall::WallTr,
    /// Exports: CSV, PNG, the daily briefing, the export record.
    pub export: export::ExportTr,
}

pub static ZH: Tr = Tr {
    lang: Lang::Zh,
    board: board::BoardTr::ZH,
    regions: regions::RegionsTr::ZH,
    dates: dates::DatesTr::ZH,
    overview: overview::OverviewTr::ZH,
    risk: risk::RiskTr::ZH,
    curves: curves::CurvesTr::ZH,
    map: map::MapTr::ZH,
    checkpoints: checkpoints::CheckpointsTr::ZH,
    hotline: hotline::HotlineTr::ZH,
    live: live::LiveTr::ZH,
    journal: journal::JournalTr::ZH,
    officers: officers::OfficersTr::ZH,
    compare: compare::CompareTr::ZH,
    wall: wall::WallTr::ZH,
    export: export::ExportTr::ZH,
};

pub static EN: Tr = Tr {
    lang: Lang::En,
    board: board::BoardTr::EN,
    regions: regions::RegionsTr::EN,
    dates: dates::DatesTr::EN,
    overview: overview::OverviewTr::EN,
    risk: risk::RiskTr::EN,
    curves: curves::CurvesTr::EN,
    map: map::MapTr::EN,
    checkpoints: checkpoints::CheckpointsTr::EN,
    hotline: hotline::HotlineTr::EN,
    live: live::LiveTr::EN,
    journal: journal::JournalTr::EN,
    officers: officers::OfficersTr::EN,
    compare: compare::CompareTr::EN,
    wall: wall::WallTr::EN,
    export: export::ExportTr::EN,
};

impl Tr {
    /// The language of these strings.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Every area's keys with their texts, as `area.key`, in the order of the tables.
    pub fn entries(&self) -> Vec<(String, &'static str)> {
        let areas = [
            ("board", self.board.entries()),
            ("regions", self.regions.entries()),
            ("dates", self.dates.entries()),
            ("overview", self.overview.entries()),
            ("risk", self.risk.entries()),
            ("curves", self.curves.entries()),
            ("map", self.map.entries()),
            ("checkpoints", self.checkpoints.entries()),
            ("hotline", self.hotline.entries()),
            ("live", self.live.entries()),
            ("journal", self.journal.entries()),
            ("officers", self.officers.entries()),
            ("compare", self.compare.entries()),
            ("wall", self.wall.entries()),
            ("export", self.export.entries()),
        ];
        areas
            .into_iter()
            .flat_map(|(area, entries)| entries.into_iter().map(move |(key, text)| (format!("{area}.{key}"), text)))
            .collect()
    }

    /// The name of a figure (every area shows figures).
    pub fn case_field(&self, f: CaseField) -> &'static str {
        let (zh, en) = match f {
            CaseField::NewConfirmed => ("新增确诊", "New confirmed"),
            CaseField::CumulativeConfirmed => ("累计确诊", "Cumulative confirmed"),
            CaseField::Active => ("现有确诊", "Active cases"),
            CaseField::NewCured => ("新增治愈", "Newly cured"),
            CaseField::Cured => ("累计治愈", "Cured"),
            CaseField::NewDeaths => ("新增死亡", "New deaths"),
            CaseField::Deaths => ("累计死亡", "Deaths"),
            CaseField::Severe => ("现有重症", "Severe"),
            CaseField::Critical => ("现有危重症", "Critical"),
            CaseField::NewSuspected => ("新增疑似", "New suspected"),
            CaseField::Suspected => ("现有疑似", "Suspected"),
            CaseField::NewAsymptomatic => ("新增无症状", "New asymptomatic"),
            CaseField::ActiveAsymptomatic => ("现有无症状", "Asymptomatic (active)"),
            CaseField::UnderObservation => ("尚在医学观察", "Under medical observation"),
            CaseField::ContactsTraced => ("累计追踪密接", "Close contacts traced"),
            CaseField::ContactsReleased => ("累计解除观察", "Contacts released"),
            CaseField::FeverClinicVisits => ("发热门诊就诊", "Fever clinic visits"),
            CaseField::ImportedNew => ("新增境外输入", "New imported"),
            CaseField::ImportedCumulative => ("累计境外输入", "Imported (cumulative)"),
            CaseField::ImportedActive => ("现有境外输入", "Imported (active)"),
        };
        self.lang.pick(zh, en)
    }
}

/// The bundled CJK font (a subset of Noto Sans CJK SC, OFL; see `assets/fonts/SOURCES.md`):
/// the board's text and the daily briefing's PDF are set in it.
pub const BUNDLED_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Sitboard.otf");

/// A count with thousands separators: 16224 → "16,224".
pub fn fmt_count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A signed change: "+3", "−14", "0" (with a real minus sign).
pub fn fmt_delta(d: i64) -> String {
    match d {
        0 => "0".into(),
        d if d > 0 => format!("+{}", fmt_count(d.unsigned_abs())),
        d => format!("−{}", fmt_count(d.unsigned_abs())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_deltas() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(16224), "16,224");
        assert_eq!(fmt_count(1330000), "1,330,000");
        assert_eq!(fmt_delta(-14), "−14");
        assert_eq!(fmt_delta(3), "+3");
    }

    #[test]
    fn each_language_gets_its_own_tables() {
        for lang in [Lang::Zh, Lang::En] {
            let tr = lang.tr();
            assert_eq!(tr.lang(), lang);
            let areas = [
                tr.board.lang(),
                tr.regions.lang(),
                tr.dates.lang(),
                tr.overview.lang(),
                tr.risk.lang(),
                tr.curves.lang(),
                tr.map.lang(),
                tr.checkpoints.lang(),
                tr.hotline.lang(),
                tr.live.lang(),
                tr.journal.lang(),
                tr.officers.lang(),
            ];
            assert!(areas.iter().all(|a| *a == lang), "{lang:?}: {areas:?}");
        }
        assert_eq!(Lang::En.tr().board.switch_language, "中文");
        assert_eq!(Lang::Zh.tr().board.switch_language, "English");
    }

    #[test]
    fn no_string_is_empty() {
        for tr in [&ZH, &EN] {
            for (key, text) in tr.entries() {
                assert!(!text.trim().is_empty(), "{key} is empty in {:?}", tr.lang());
            }
        }
    }

    /// Keys meant to read the same in both languages (a proper noun, a number format). None
    /// today: every key is translated.
    const SAME_IN_BOTH: &[&str] = &[];

    #[test]
    fn chinese_and_english_differ() {
        let (zh, en) = (ZH.entries(), EN.entries());
        assert_eq!(zh.len(), en.len());
        for ((key, zh), (en_key, en)) in zh.into_iter().zip(en) {
            assert_eq!(key, en_key);
            if SAME_IN_BOTH.contains(&key.as_str()) {
                continue;
            }
            assert_ne!(zh, en, "{key} is the same in Chinese and English: translate it, or list it in SAME_IN_BOTH");
        }
    }
}
