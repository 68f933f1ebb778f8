//! Strings of risk levels, published and computed by the February 2020 county rule (the
//! overview's risk card, the map, `sitboard report`), in Chinese and English: a part of
//! [`super::Tr`], reached as `tr.risk`.

use crate::model::RiskLevel;
use crate::model::risk_rules::RuleReason;

tr_table! {
    /// Risk levels, published and computed by the county rule (overview, map, `sitboard report`).
    pub struct RiskTr {
        // Published levels.
        risk_levels: "风险等级", "Risk levels";
        /// After a count of county-level units.
        county_units: "个县级单位", "county-level units";
        risk_unknown: "未定级", "Not rated";
        risk_of_region: "本地区风险等级", "Risk level here";
        risk_elevated: "中高风险", "Medium or high";
        // The February 2020 county rule and the Strict Nine.
        risk_computed: "按2020年2月县域规则计算", "Computed by the February 2020 county rule";
        risk_published: "通报", "published";
        /// Levels as the feeds give them, some reconstructed by their publisher.
        risk_given: "数据源给出", "as the sources give them";
        /// After a count of county-level units whose level the feed reconstructed.
        risk_reconstructed: "个为数据源重建（非通报）", "reconstructed by the source, not published";
        /// After a count of county-level units.
        risk_disagree: "个县级单位通报与计算不一致", "county-level units where published and computed levels differ";
        yan_jiu_tiao: "严九条", "Strict Nine";
        yan_jiu_tiao_note:
            "确诊10例及以上的县（市、区）自2020-02-18起实行",
            "applies from 2020-02-18 to counties with 10 or more confirmed cases";
        /// After a count of county-level units.
        yan_jiu_tiao_units: "个县级单位实行严九条", "county-level units under the Strict Nine";
        rule_not_applicable: "规则无法计算（数据不足14天）", "rule cannot be applied (less than 14 days of data)";
    }
}

impl RiskTr {
    pub fn risk_level(&self, r: RiskLevel) -> &'static str {
        let (zh, en) = match r {
            RiskLevel::Low => ("低风险", "Low"),
            RiskLevel::Medium => ("中风险", "Medium"),
            RiskLevel::High => ("高风险", "High"),
        };
        self.lang.pick(zh, en)
    }

    /// Why the county rule gave its level.
    pub fn rule_reason(&self, r: RuleReason) -> &'static str {
        let (zh, en) = match r {
            RuleReason::NoCase => ("无确诊病例", "no confirmed case"),
            RuleReason::ClearFourteenDays => ("连续14天无新增", "14 days without a new case"),
            RuleReason::RecentCaseAtMostFifty => {
                ("14天内有新增，累计不超过50例", "a new case within 14 days, at most 50 in total")
            }
            RuleReason::OverFiftyNoCluster => {
                ("累计超过50例，14天内无聚集性疫情", "over 50 in total, no cluster within 14 days")
            }
            RuleReason::OverFiftyWithCluster => {
                ("累计超过50例，14天内有聚集性疫情", "over 50 in total, a cluster within 14 days")
            }
            RuleReason::OverFiftyClusterUnknown => {
                ("累计超过50例，聚集性疫情情况不明，按高风险计", "over 50 in total, clusters unknown: taken as high")
            }
        };
        self.lang.pick(zh, en)
    }
}
