//! Strings of the wall display (大屏): its clock, freshness strip, alarms, paging and
//! rotation, in Chinese and English: a part of [`super::Tr`], reached as `tr.wall`.

use super::Lang;

tr_table! {
    /// The wall display: clock, freshness, alarms, pages, rotation.
    pub struct WallTr {
        /// Before the wall clock (Beijing time).
        clock: "北京时间", "Beijing time";
        /// Before the data's as-of time, next to the clock.
        data_as_of: "数据截至", "Data as of";
        /// The red banner along the wall's edge while any source is stale.
        stale_banner: "数据过期：以下数字不是当前数据", "STALE DATA: the figures below are not current";
        /// The large message when every live source is lost.
        all_lost: "所有数据源已中断", "ALL DATA SOURCES LOST";
        all_lost_note: "屏幕上是最后一次成功获取的数据，不是当前态势", "What is shown is the last data received, not the current situation";
        /// The rotation is paused by a key or a click.
        paused: "轮播已暂停（无操作 1 分钟后继续）", "Rotation paused (resumes after a minute without input)";
        /// Before the playlist position ("2/5").
        rotation: "轮播", "Rotation";
        /// The late and stale states of a source chip.
        late: "延迟", "late";
        stale: "过期", "stale";
        no_data: "无数据", "no data";
        /// Before a source's age: "更新于 3 分钟前".
        age_ago: "前", "ago";
        /// The risk card and the map when no county has a level, published or computed.
        no_risk_levels: "本时期未发布县级风险等级", "No county risk levels published for this period";
        /// The ultra-wide wall's subregion ranking.
        subregions: "下辖地区（按现有确诊）", "Subregions (by active cases)";
        /// The window title of a wall screen beyond the first: "大屏 2".
        screen: "大屏", "Wall screen";
    }
}

impl WallTr {
    /// A source chip's age: `3 分钟前` / `3 min ago`; `刚刚` / `just now` under a minute.
    pub fn age(&self, secs: i64, duration: &str) -> String {
        match self.lang {
            Lang::Zh if secs < 60 => "刚刚".into(),
            Lang::En if secs < 60 => "just now".into(),
            Lang::Zh => format!("{duration}{}", self.age_ago),
            Lang::En => format!("{duration} {}", self.age_ago),
        }
    }
}
