//! Strings of checkpoints (the checkpoint tab, the checkpoint popup on the map, `sitboard
//! report`), in Chinese and English: a part of [`super::Tr`], reached as `tr.checkpoints`.

use crate::model::CheckpointKind;

tr_table! {
    /// Checkpoints: the checkpoint tab and the checkpoint popup on the map.
    pub struct CheckpointsTr {
        // Status and the map popup.
        cp_status: "状态", "Status";
        cp_open: "开通", "Open";
        cp_closed: "关闭", "Closed";
        cp_restricted: "限行", "Restricted";
        cp_stale: "数据超过2小时未更新", "No data for more than 2 hours";
        cp_last_interval: "最近一小时车辆与人员", "Vehicles and people, last interval";
        cp_positives: "阳性", "Positives";
        cp_red_codes: "红码", "Red codes";
        cp_temperature_alarms: "体温报警", "Temperature alarms";
        cp_position_approximate: "位置为近似", "Position is approximate";
        // The checkpoint tab.
        cp_title: "卡口通行", "Checkpoint throughput";
        /// After a count: "12 个卡口".
        cp_count: "个卡口", "checkpoints";
        cp_vehicles: "车辆", "Vehicles";
        cp_people: "人员", "People";
        cp_alarms: "告警", "Alarms";
        cp_turned_back: "劝返", "Turned back";
        cp_tests: "落地检", "Tests";
        cp_day_totals: "当日合计", "Totals for the day";
        cp_name: "名称", "Name";
        cp_kind: "类型", "Kind";
        cp_region: "地区", "Region";
        cp_last_hour: "最近一小时", "Last hour";
        cp_queue: "排队（分钟）", "Queue (min)";
        cp_freshness: "数据更新", "Data";
        /// After a count of minutes.
        cp_minutes_ago: "分钟前", "min ago";
        cp_no_data: "无数据", "no data";
        cp_alert_positive: "阳性", "positive";
        cp_alert_dropped: "通行量骤降为零", "traffic dropped to zero";
        cp_alert_stale: "数据中断", "feed stopped";
        cp_none: "该地区没有卡口", "No checkpoints in this region";
        cp_region_sum: "地区合计", "Region total";
        cp_window_24h: "近24小时", "Last 24 hours";
        cp_window_14d: "近14天", "Last 14 days";
        cp_by_lane_vehicles: "分车道车辆（每小时）", "Vehicles per hour by lane";
        cp_by_lane_people: "分车道人员（每小时）", "People per hour by lane";
        cp_catch: "查获情况", "What the checkpoints caught";
        cp_per_1000: "每千人", "per 1,000 people";
        cp_capacity: "通行能力", "Capacity";
        cp_synthetic_note: "演示通行数据为模拟数据", "Demo throughput is synthetic";
        cp_yellow_codes: "黄码", "Yellow codes";
        lane_passenger: "客运车道", "Passenger lane";
        lane_freight: "货运车道", "Freight lane";
        lane_green: "绿色通道", "Green channel";
        cp_show_region: "显示地区合计", "Show the region total";
        /// After a count of checkpoints.
        cp_attention:
            "个卡口需关注（阳性、通行骤降或数据中断）",
            "checkpoints need attention (positive, traffic dropped, or feed stopped)";
    }
}

impl CheckpointsTr {
    pub fn checkpoint_kind(&self, k: CheckpointKind) -> &'static str {
        let (zh, en) = match k {
            CheckpointKind::ExpresswayExit => ("高速出口", "Expressway exit"),
            CheckpointKind::TollStation => ("收费站", "Toll station"),
            CheckpointKind::RoadCheckpoint => ("道路卡口", "Road checkpoint"),
            CheckpointKind::RailStation => ("火车站", "Rail station"),
            CheckpointKind::LogisticsPark => ("物流园区", "Logistics park"),
            CheckpointKind::CommunityGate => ("社区卡口", "Community gate"),
        };
        self.lang.pick(zh, en)
    }
}
