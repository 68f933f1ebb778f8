//! The string table: every user-visible string in Chinese and English. A missing
//! translation is a compile error, because both tables are the same struct.

use serde::{Deserialize, Serialize};

use crate::model::overview::FigureSource;
use crate::model::{CaseField, Channel, CheckpointKind, DirectiveCategory, RegionLevel, ResponseLevel, RiskLevel};

pub mod journal;
pub mod live;

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
}

pub struct Tr {
    pub board_title: &'static str,
    pub as_of: &'static str,
    pub zone_note: &'static str,
    pub source: &'static str,
    pub sources: &'static str,
    pub switch_language: &'static str,
    pub switch_language_hint: &'static str,
    pub loading: &'static str,
    pub loading_sources: &'static str,
    pub load_failed: &'static str,
    pub data_problems: &'static str,
    pub rows_rejected: &'static str,
    pub details: &'static str,
    pub close: &'static str,
    pub freshness_replay: &'static str,
    pub freshness_replay_hint: &'static str,
    pub freshness_current: &'static str,
    pub freshness_stale: &'static str,
    /// Live feeds: freshness badge, stale banner, sources window, follow/pause.
    pub live: live::LiveTr,
    pub synthetic_data: &'static str,

    pub region: &'static str,
    pub region_picker: &'static str,
    pub province: &'static str,
    pub search_region: &'static str,
    pub no_polygon_note: &'static str,

    pub date: &'static str,
    pub date_control: &'static str,
    pub previous_day: &'static str,
    pub next_day: &'static str,
    pub first_day: &'static str,
    pub last_day: &'static str,
    pub date_input: &'static str,
    pub date_input_invalid: &'static str,
    pub date_not_in_data: &'static str,
    pub episodes: &'static str,

    pub overview: &'static str,
    pub key_figures: &'static str,
    pub no_report: &'static str,
    pub vs_previous_day: &'static str,
    pub correction: &'static str,
    pub window: &'static str,
    pub provenance_legend: &'static str,
    pub reported_from: &'static str,

    pub response_level: &'static str,
    pub response_none: &'static str,
    pub since: &'static str,
    pub inherited_from: &'static str,
    pub last_known: &'static str,

    pub risk_levels: &'static str,
    pub county_units: &'static str,
    pub risk_unknown: &'static str,
    pub risk_of_region: &'static str,
    pub risk_elevated: &'static str,

    pub subregions: &'static str,
    pub col_region: &'static str,
    pub col_new: &'static str,
    pub col_active: &'static str,
    pub col_cumulative: &'static str,
    pub col_cured: &'static str,
    pub col_deaths: &'static str,
    pub col_risk: &'static str,

    pub channels: &'static str,
    pub local: &'static str,
    pub directives_in_force: &'static str,
    pub no_directives: &'static str,
    pub feed_directive: &'static str,
    pub issued: &'static str,
    pub effective: &'static str,
    /// The directive journal: panel, command line, exports.
    pub journal: journal::JournalTr,

    pub indicators: &'static str,
    pub avg7_new: &'static str,
    pub week_growth: &'static str,
    pub doubling_time: &'static str,
    pub halving_time: &'static str,
    pub days_unit: &'static str,
    pub days_since_last_new: &'static str,
    pub last_new_on: &'static str,
    pub no_new_in_data: &'static str,
    pub unknown: &'static str,
    pub fourteen_days_clear: &'static str,
    pub longest_zero_streak: &'static str,
    pub tab_overview: &'static str,
    pub tab_curves: &'static str,
    pub no_subregions: &'static str,
    pub curves_single: &'static str,
    pub curves_compare: &'static str,
    pub curves_multiples: &'static str,
    pub log_scale: &'static str,
    pub per_100k: &'static str,
    pub per_100k_unit: &'static str,
    pub no_population: &'static str,
    pub avg7_label: &'static str,
    pub reset_view: &'static str,
    pub today_line: &'static str,
    pub curves_legend_note: &'static str,
    pub curves_compare_note: &'static str,
    pub multiples_note: &'static str,
    pub annotations: &'static str,
    pub risk_computed: &'static str,
    pub risk_published: &'static str,
    pub risk_disagree: &'static str,
    pub yan_jiu_tiao: &'static str,
    pub yan_jiu_tiao_note: &'static str,
    pub yan_jiu_tiao_units: &'static str,
    pub rule_not_applicable: &'static str,
    pub tab_map: &'static str,
    pub map_no_boundaries: &'static str,
    pub map_colour_by: &'static str,
    pub map_mode_risk: &'static str,
    pub map_mode_risk_computed: &'static str,
    pub map_mode_new7: &'static str,
    pub map_mode_per100k: &'static str,
    pub map_fit_province: &'static str,
    pub map_fit_region: &'static str,
    pub map_tiles_from: &'static str,
    pub map_tiles_attribution: &'static str,
    pub map_badges_note: &'static str,
    pub map_disagree: &'static str,
    pub risk_published_level: &'static str,
    pub no_data: &'static str,
    pub cp_status: &'static str,
    pub cp_open: &'static str,
    pub cp_closed: &'static str,
    pub cp_restricted: &'static str,
    pub cp_stale: &'static str,
    pub cp_last_interval: &'static str,
    pub cp_positives: &'static str,
    pub cp_red_codes: &'static str,
    pub cp_temperature_alarms: &'static str,
    pub cp_position_approximate: &'static str,
    pub map_computed_fallback: &'static str,
    pub tab_checkpoints: &'static str,
    pub cp_title: &'static str,
    pub cp_count: &'static str,
    pub cp_vehicles: &'static str,
    pub cp_people: &'static str,
    pub cp_alarms: &'static str,
    pub cp_turned_back: &'static str,
    pub cp_tests: &'static str,
    pub cp_day_totals: &'static str,
    pub cp_name: &'static str,
    pub cp_kind: &'static str,
    pub cp_region: &'static str,
    pub cp_last_hour: &'static str,
    pub cp_queue: &'static str,
    pub cp_freshness: &'static str,
    pub cp_minutes_ago: &'static str,
    pub cp_no_data: &'static str,
    pub cp_alert_positive: &'static str,
    pub cp_alert_dropped: &'static str,
    pub cp_alert_stale: &'static str,
    pub cp_none: &'static str,
    pub cp_region_sum: &'static str,
    pub cp_window_24h: &'static str,
    pub cp_window_14d: &'static str,
    pub cp_by_lane_vehicles: &'static str,
    pub cp_by_lane_people: &'static str,
    pub cp_catch: &'static str,
    pub cp_per_1000: &'static str,
    pub cp_capacity: &'static str,
    pub cp_synthetic_note: &'static str,
    pub cp_yellow_codes: &'static str,
    pub lane_passenger: &'static str,
    pub lane_freight: &'static str,
    pub lane_green: &'static str,
    pub cp_show_region: &'static str,
    pub cp_attention: &'static str,
    pub tab_wall: &'static str,
    pub frame_time: &'static str,
}

pub static ZH: Tr = Tr {
    board_title: "疫情防控指挥部 · 态势总览",
    as_of: "截至",
    zone_note: "北京时间",
    source: "数据来源",
    sources: "数据源",
    switch_language: "English",
    switch_language_hint: "切换到英文界面",
    loading: "正在加载数据…",
    loading_sources: "正在读取",
    load_failed: "数据无法加载",
    data_problems: "数据问题",
    rows_rejected: "条记录被拒绝",
    details: "详情…",
    close: "关闭",
    freshness_replay: "回放",
    freshness_replay_hint: "数据来自文件，显示所选日期的态势",
    freshness_current: "最新",
    freshness_stale: "数据过期",
    live: live::ZH,
    synthetic_data: "含模拟数据",

    region: "地区",
    region_picker: "地区选择",
    province: "全省",
    search_region: "查找地区",
    no_polygon_note: "无边界数据",

    date: "日期",
    date_control: "日期控制",
    previous_day: "前一天",
    next_day: "后一天",
    first_day: "最早",
    last_day: "最新",
    date_input: "跳转到日期",
    date_input_invalid: "日期格式应为 YYYY-MM-DD",
    date_not_in_data: "该日期没有数据",
    episodes: "时段",

    overview: "概况",
    key_figures: "主要指标",
    no_report: "该地区当日无通报数据",
    vs_previous_day: "较昨日",
    correction: "订正",
    window: "统计时段",
    provenance_legend: "● 通报值　◌ 推算值　Σ 下级汇总",
    reported_from: "出处",

    response_level: "应急响应",
    response_none: "未启动",
    since: "自",
    inherited_from: "沿用",
    last_known: "最后已知，数据截至",

    risk_levels: "风险等级",
    county_units: "个县级单位",
    risk_unknown: "未定级",
    risk_of_region: "本地区风险等级",
    risk_elevated: "中高风险",

    subregions: "下辖地区",
    col_region: "地区",
    col_new: "新增",
    col_active: "现有",
    col_cumulative: "累计",
    col_cured: "治愈",
    col_deaths: "死亡",
    col_risk: "风险",

    channels: "发现途径",
    local: "本土",
    directives_in_force: "生效中的指令与公告",
    no_directives: "无生效中的指令",
    feed_directive: "数据源发布，只读",
    issued: "发布",
    effective: "生效",
    journal: journal::ZH,

    indicators: "趋势指标",
    avg7_new: "近7日日均新增",
    week_growth: "周环比",
    doubling_time: "倍增时间",
    halving_time: "减半时间",
    days_unit: "天",
    days_since_last_new: "距上一例新增",
    last_new_on: "上一例新增于",
    no_new_in_data: "数据期内无新增",
    unknown: "未知",
    fourteen_days_clear: "已连续14天无新增",
    longest_zero_streak: "最长连续零新增",
    tab_overview: "概况",
    tab_curves: "病例曲线",
    no_subregions: "该地区没有下辖地区数据",
    curves_single: "本地区",
    curves_compare: "下辖地区对比",
    curves_multiples: "分区小图",
    log_scale: "对数坐标",
    per_100k: "每10万人",
    per_100k_unit: "（每10万人）",
    no_population: "缺少人口数据",
    avg7_label: "7日平均新增",
    reset_view: "重置视图",
    today_line: "当前日期",
    curves_legend_note: "柱色深为通报值、浅为推算值；圆点为通报的现有确诊；虚线为指令发布时间，底色为应急响应级别；点击图中某日可跳转到该日",
    curves_compare_note: "各地区同一指标对比，线尾标注地区名；点击某日跳转",
    multiples_note: "各小图纵轴刻度相同：柱为新增确诊，线为现有确诊；点击小图选择该地区",
    annotations: "图中标注的指令",
    risk_computed: "按2020年2月县域规则计算",
    risk_published: "通报",
    risk_disagree: "个县级单位通报与计算不一致",
    yan_jiu_tiao: "严九条",
    yan_jiu_tiao_note: "确诊10例及以上的县（市、区）自2020-02-18起实行",
    yan_jiu_tiao_units: "个县级单位实行严九条",
    rule_not_applicable: "规则无法计算（数据不足14天）",
    tab_map: "地图",
    map_no_boundaries: "没有可用的边界数据，无法绘制地图",
    map_colour_by: "着色",
    map_mode_risk: "风险等级",
    map_mode_risk_computed: "风险等级（规则计算）",
    map_mode_new7: "近7日新增",
    map_mode_per100k: "近7日每10万人新增",
    map_fit_province: "适配全省",
    map_fit_region: "缩放至",
    map_tiles_from: "底图",
    map_tiles_attribution: "底图瓦片来自配置的服务器",
    map_badges_note: "严：实行严九条　≠：通报与计算不一致",
    map_disagree: "通报等级与规则计算不一致",
    risk_published_level: "通报风险等级",
    no_data: "无数据",
    cp_status: "状态",
    cp_open: "开通",
    cp_closed: "关闭",
    cp_restricted: "限行",
    cp_stale: "数据超过2小时未更新",
    cp_last_interval: "最近一小时车辆与人员",
    cp_positives: "阳性",
    cp_red_codes: "红码",
    cp_temperature_alarms: "体温报警",
    cp_position_approximate: "位置为近似",
    map_computed_fallback: "个县级单位无通报等级，按规则计算着色",
    tab_checkpoints: "卡口",
    cp_title: "卡口通行",
    cp_count: "个卡口",
    cp_vehicles: "车辆",
    cp_people: "人员",
    cp_alarms: "告警",
    cp_turned_back: "劝返",
    cp_tests: "落地检",
    cp_day_totals: "当日合计",
    cp_name: "名称",
    cp_kind: "类型",
    cp_region: "地区",
    cp_last_hour: "最近一小时",
    cp_queue: "排队（分钟）",
    cp_freshness: "数据更新",
    cp_minutes_ago: "分钟前",
    cp_no_data: "无数据",
    cp_alert_positive: "阳性",
    cp_alert_dropped: "通行量骤降为零",
    cp_alert_stale: "数据中断",
    cp_none: "该地区没有卡口",
    cp_region_sum: "地区合计",
    cp_window_24h: "近24小时",
    cp_window_14d: "近14天",
    cp_by_lane_vehicles: "分车道车辆（每小时）",
    cp_by_lane_people: "分车道人员（每小时）",
    cp_catch: "查获情况",
    cp_per_1000: "每千人",
    cp_capacity: "通行能力",
    cp_synthetic_note: "演示通行数据为模拟数据",
    cp_yellow_codes: "黄码",
    lane_passenger: "客运车道",
    lane_freight: "货运车道",
    lane_green: "绿色通道",
    cp_show_region: "显示地区合计",
    cp_attention: "个卡口需关注（阳性、通行骤降或数据中断）",
    tab_wall: "大屏",
    frame_time: "每帧 CPU",
};

pub static EN: Tr = Tr {
    board_title: "Epidemic command center · Situation board",
    as_of: "As of",
    zone_note: "China Standard Time",
    source: "Source",
    sources: "Sources",
    switch_language: "中文",
    switch_language_hint: "Switch the interface to Chinese",
    loading: "Loading data…",
    loading_sources: "Reading",
    load_failed: "The data could not be loaded",
    data_problems: "Data problems",
    rows_rejected: "rows rejected",
    details: "Details…",
    close: "Close",
    freshness_replay: "Replay",
    freshness_replay_hint: "Data from files; the board shows the selected day",
    freshness_current: "Current",
    freshness_stale: "Stale",
    live: live::EN,
    synthetic_data: "includes synthetic data",

    region: "Region",
    region_picker: "Region picker",
    province: "Province",
    search_region: "Find a region",
    no_polygon_note: "no boundary data",

    date: "Date",
    date_control: "Date control",
    previous_day: "Previous day",
    next_day: "Next day",
    first_day: "First",
    last_day: "Latest",
    date_input: "Go to date",
    date_input_invalid: "Use the form YYYY-MM-DD",
    date_not_in_data: "No data for that date",
    episodes: "Periods",

    overview: "Overview",
    key_figures: "Key figures",
    no_report: "No report for this region on this day",
    vs_previous_day: "vs previous day",
    correction: "Correction",
    window: "Reporting window",
    provenance_legend: "● reported   ◌ reconstructed   Σ sum of subregions",
    reported_from: "Source",

    response_level: "Emergency response",
    response_none: "Not in effect",
    since: "since",
    inherited_from: "from",
    last_known: "last known; data ends",

    risk_levels: "Risk levels",
    county_units: "county-level units",
    risk_unknown: "Not rated",
    risk_of_region: "Risk level here",
    risk_elevated: "Medium or high",

    subregions: "Subregions",
    col_region: "Region",
    col_new: "New",
    col_active: "Active",
    col_cumulative: "Cumulative",
    col_cured: "Cured",
    col_deaths: "Deaths",
    col_risk: "Risk",

    channels: "How new positives were found",
    local: "local",
    directives_in_force: "Directives in force",
    no_directives: "No directive in force",
    feed_directive: "Published by a feed, read-only",
    issued: "Issued",
    effective: "Effective",
    journal: journal::EN,

    indicators: "Trend indicators",
    avg7_new: "7-day average of new cases",
    week_growth: "Week-over-week change",
    doubling_time: "Doubling time",
    halving_time: "Halving time",
    days_unit: "days",
    days_since_last_new: "Days since the last new case",
    last_new_on: "last new case on",
    no_new_in_data: "no new case in the data",
    unknown: "unknown",
    fourteen_days_clear: "14 days without a new case",
    longest_zero_streak: "Longest run without a new case",
    tab_overview: "Overview",
    tab_curves: "Case curves",
    no_subregions: "This region has no subregions with data",
    curves_single: "This region",
    curves_compare: "Compare subregions",
    curves_multiples: "Small multiples",
    log_scale: "Log scale",
    per_100k: "Per 100,000 people",
    per_100k_unit: " (per 100,000 people)",
    no_population: "No population data for",
    avg7_label: "7-day average of new",
    reset_view: "Reset view",
    today_line: "Day in view",
    curves_legend_note: "Solid bars are reported, pale bars reconstructed; dots mark reported active cases; dashed lines are directive issue times, shading is the response level; click a day to go to it",
    curves_compare_note: "Each line is a subregion, named at its end; click a day to go to it",
    multiples_note: "All small charts share one scale: bars are new confirmed, the line is active cases; click a chart to select that region",
    annotations: "Directives marked on the chart",
    risk_computed: "Computed by the February 2020 county rule",
    risk_published: "published",
    risk_disagree: "county-level units where published and computed levels differ",
    yan_jiu_tiao: "Strict Nine",
    yan_jiu_tiao_note: "applies from 2020-02-18 to counties with 10 or more confirmed cases",
    yan_jiu_tiao_units: "county-level units under the Strict Nine",
    rule_not_applicable: "rule cannot be applied (less than 14 days of data)",
    tab_map: "Map",
    map_no_boundaries: "No boundary data: the map cannot be drawn",
    map_colour_by: "Colour by",
    map_mode_risk: "Risk level",
    map_mode_risk_computed: "Risk level (computed)",
    map_mode_new7: "New in 7 days",
    map_mode_per100k: "New in 7 days per 100,000",
    map_fit_province: "Fit province",
    map_fit_region: "Zoom to",
    map_tiles_from: "Tiles",
    map_tiles_attribution: "Background tiles from the configured server",
    map_badges_note: "严: Strict Nine   ≠: published ≠ computed",
    map_disagree: "Published and computed levels differ",
    risk_published_level: "Published level",
    no_data: "No data",
    cp_status: "Status",
    cp_open: "Open",
    cp_closed: "Closed",
    cp_restricted: "Restricted",
    cp_stale: "No data for more than 2 hours",
    cp_last_interval: "Vehicles and people, last interval",
    cp_positives: "Positives",
    cp_red_codes: "Red codes",
    cp_temperature_alarms: "Temperature alarms",
    cp_position_approximate: "Position is approximate",
    map_computed_fallback: "units have no published level: coloured by the computed one",
    tab_checkpoints: "Checkpoints",
    cp_title: "Checkpoint throughput",
    cp_count: "checkpoints",
    cp_vehicles: "Vehicles",
    cp_people: "People",
    cp_alarms: "Alarms",
    cp_turned_back: "Turned back",
    cp_tests: "Tests",
    cp_day_totals: "Totals for the day",
    cp_name: "Name",
    cp_kind: "Kind",
    cp_region: "Region",
    cp_last_hour: "Last hour",
    cp_queue: "Queue (min)",
    cp_freshness: "Data",
    cp_minutes_ago: "min ago",
    cp_no_data: "no data",
    cp_alert_positive: "positive",
    cp_alert_dropped: "traffic dropped to zero",
    cp_alert_stale: "feed stopped",
    cp_none: "No checkpoints in this region",
    cp_region_sum: "Region total",
    cp_window_24h: "Last 24 hours",
    cp_window_14d: "Last 14 days",
    cp_by_lane_vehicles: "Vehicles per hour by lane",
    cp_by_lane_people: "People per hour by lane",
    cp_catch: "What the checkpoints caught",
    cp_per_1000: "per 1,000 people",
    cp_capacity: "Capacity",
    cp_synthetic_note: "Demo throughput is synthetic",
    cp_yellow_codes: "Yellow codes",
    lane_passenger: "Passenger lane",
    lane_freight: "Freight lane",
    lane_green: "Green channel",
    cp_show_region: "Show the region total",
    cp_attention: "checkpoints need attention (positive, traffic dropped, or feed stopped)",
    tab_wall: "Wall",
    frame_time: "CPU per frame",
};

impl Tr {
    fn is_en(&self) -> bool {
        std::ptr::eq(self, &EN)
    }

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
        if self.is_en() { en } else { zh }
    }

    pub fn channel(&self, c: Channel) -> &'static str {
        let (zh, en) = match c {
            Channel::Quarantined => ("隔离管控人员中发现", "Among people under quarantine"),
            Channel::CommunityScreening => ("社区筛查发现", "Community screening"),
            Channel::ContactScreening => ("密切接触者筛查发现", "Close-contact screening"),
            Channel::KeyPersonScreening => ("重点人员筛查发现", "Key-person screening"),
            Channel::CrossRegionRequest => ("跨区域协查发现", "Cross-region investigation"),
            Channel::Other => ("其他", "Other"),
        };
        if self.is_en() { en } else { zh }
    }

    pub fn risk_level(&self, r: RiskLevel) -> &'static str {
        let (zh, en) = match r {
            RiskLevel::Low => ("低风险", "Low"),
            RiskLevel::Medium => ("中风险", "Medium"),
            RiskLevel::High => ("高风险", "High"),
        };
        if self.is_en() { en } else { zh }
    }

    pub fn response(&self, r: ResponseLevel) -> &'static str {
        let (zh, en) = match r {
            ResponseLevel::I => ("一级响应", "Level I"),
            ResponseLevel::II => ("二级响应", "Level II"),
            ResponseLevel::III => ("三级响应", "Level III"),
            ResponseLevel::IV => ("四级响应", "Level IV"),
            ResponseLevel::None => ("未启动", "None"),
        };
        if self.is_en() { en } else { zh }
    }

    pub fn region_level(&self, l: RegionLevel) -> &'static str {
        let (zh, en) = match l {
            RegionLevel::Province => ("省", "Province"),
            RegionLevel::City => ("市（地区）", "City"),
            RegionLevel::County => ("县（市、区）", "County"),
        };
        if self.is_en() { en } else { zh }
    }

    pub fn checkpoint_kind(&self, k: CheckpointKind) -> &'static str {
        let (zh, en) = match k {
            CheckpointKind::ExpresswayExit => ("高速出口", "Expressway exit"),
            CheckpointKind::TollStation => ("收费站", "Toll station"),
            CheckpointKind::RoadCheckpoint => ("道路卡口", "Road checkpoint"),
            CheckpointKind::RailStation => ("火车站", "Rail station"),
            CheckpointKind::LogisticsPark => ("物流园区", "Logistics park"),
            CheckpointKind::CommunityGate => ("社区卡口", "Community gate"),
        };
        if self.is_en() { en } else { zh }
    }

    pub fn directive_category(&self, c: DirectiveCategory) -> &'static str {
        let (zh, en) = match c {
            DirectiveCategory::TrafficControl => ("交通管制", "Traffic control"),
            DirectiveCategory::ResidentialControl => ("小区管控", "Residential control"),
            DirectiveCategory::Testing => ("核酸检测", "Testing"),
            DirectiveCategory::Reopening => ("恢复秩序", "Reopening"),
            DirectiveCategory::Supplies => ("物资保障", "Supplies"),
            DirectiveCategory::Other => ("其他", "Other"),
        };
        if self.is_en() { en } else { zh }
    }

    /// The indicator lines shown in the overview and printed by `sitboard report`.
    pub fn indicator_lines(&self, ind: &crate::model::indicators::Indicators) -> Vec<(&'static str, String)> {
        use crate::model::indicators::SinceLastNew;
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
                let mut s = format!("{days} {} ({} {last})", self.days_unit, self.last_new_on);
                if ind.fourteen_days_clear {
                    s.push_str(&format!(" · {}", self.fourteen_days_clear));
                }
                s
            }
            SinceLastNew::NoneInData { days } => format!("{} ({days} {})", self.no_new_in_data, self.days_unit),
            SinceLastNew::Unknown => self.unknown.to_owned(),
        };
        out.push((self.days_since_last_new, since));
        out.push((
            self.longest_zero_streak,
            ind.longest_zero_streak
                .map(|z| format!("{} {} ({} … {})", z.days, self.days_unit, z.first, z.last))
                .unwrap_or_else(na),
        ));
        out
    }

    /// Why the county rule gave its level.
    pub fn rule_reason(&self, r: crate::model::risk_rules::RuleReason) -> &'static str {
        use crate::model::risk_rules::RuleReason as R;
        let (zh, en) = match r {
            R::NoCase => ("无确诊病例", "no confirmed case"),
            R::ClearFourteenDays => ("连续14天无新增", "14 days without a new case"),
            R::RecentCaseAtMostFifty => {
                ("14天内有新增，累计不超过50例", "a new case within 14 days, at most 50 in total")
            }
            R::OverFiftyNoCluster => {
                ("累计超过50例，14天内无聚集性疫情", "over 50 in total, no cluster within 14 days")
            }
            R::OverFiftyWithCluster => {
                ("累计超过50例，14天内有聚集性疫情", "over 50 in total, a cluster within 14 days")
            }
            R::OverFiftyClusterUnknown => {
                ("累计超过50例，聚集性疫情情况不明，按高风险计", "over 50 in total, clusters unknown: taken as high")
            }
        };
        if self.is_en() { en } else { zh }
    }

    /// "6 个数据源" / "6 sources".
    pub fn n_sources(&self, n: usize) -> String {
        if self.is_en() { format!("{n} sources") } else { format!("{n} 个数据源") }
    }

    /// Short provenance label for a figure.
    pub fn figure_source(&self, s: FigureSource) -> String {
        let en = self.is_en();
        match s {
            FigureSource::Reported => (if en { "reported" } else { "通报" }).into(),
            FigureSource::Reconstructed => (if en { "reconstructed" } else { "推算" }).into(),
            FigureSource::Aggregated { children, of } => {
                if en {
                    format!("sum of {children}/{of} subregions")
                } else {
                    format!("下级汇总 {children}/{of}")
                }
            }
            FigureSource::Derived => (if en { "derived" } else { "由其他数推得" }).into(),
            FigureSource::Synthetic => (if en { "synthetic" } else { "模拟" }).into(),
            FigureSource::Missing => (if en { "not reported" } else { "未通报" }).into(),
        }
    }
}

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
}
