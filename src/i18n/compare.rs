//! Strings of the compare view (two moments side by side), in Chinese and English: a part of
//! [`super::Tr`], reached as `tr.compare`.

tr_table! {
    /// Compare two moments.
    pub struct CompareTr {
        tab: "对比", "Compare";
        instant_a: "时刻 A", "Instant A";
        instant_b: "时刻 B", "Instant B";
        b_is_now: "B = 画面时刻", "B = the instant in view";
        b_is_now_hint: "B 跟随时间轴：播放或拖动时间轴时，对比随之更新", "B follows the timeline: playing or moving it updates the comparison";
        input_hint: "YYYY-MM-DD 或 YYYY-MM-DD HH:MM", "YYYY-MM-DD or YYYY-MM-DD HH:MM";
        input_invalid: "无法识别的时刻", "Not a time";
        a_week_before: "B 前 7 天", "7 days before B";
        figure: "指标", "Figure";
        change: "变化", "Change";
        day_shown: "所示日期", "Day shown";
        response: "应急响应", "Emergency response";
        risk_counts: "风险等级（高/中/低）", "Risk levels (high/medium/low)";
        directives_between: "A 与 B 之间发布的指令", "Directives issued between A and B";
        none_between: "这段时间没有发布指令", "No directive was issued in this time";
        subregions: "下辖地区：现有确诊的变化（按变化排序）", "Subregions: change in active cases (largest first)";
        map_at: "地图", "Map at";
        curve: "新增确诊（柱）与现有确诊（线），虚线为 A 和 B", "New cases (bars) and active cases (line); dashed lines mark A and B";
        same_data: "两个时刻都按当前数据计算（回放时为画面时刻所含的快照）", "Both instants are read from the data on screen (in a replay, the snapshots of the instant in view)";
    }
}
