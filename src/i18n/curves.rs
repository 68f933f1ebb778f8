//! Strings of the case curves, in Chinese and English: a part of [`super::Tr`], reached as
//! `tr.curves`.

tr_table! {
    /// The case curves.
    pub struct CurvesTr {
        no_subregions: "该地区没有下辖地区数据", "This region has no subregions with data";
        curves_single: "本地区", "This region";
        curves_compare: "下辖地区对比", "Compare subregions";
        curves_multiples: "分区小图", "Small multiples";
        log_scale: "对数坐标", "Log scale";
        per_100k: "每10万人", "Per 100,000 people";
        /// Appended to a chart note (starts with its own space or bracket).
        per_100k_unit: "（每10万人）", " (per 100,000 people)";
        /// Alone, or before the list of regions without a population figure.
        no_population: "缺少人口数据", "No population data for";
        avg7_label: "7日平均新增", "7-day average of new";
        reset_view: "重置视图", "Reset view";
        today_line: "当前日期", "Day in view";
        curves_legend_note:
            "柱色深为通报值、浅为推算值；圆点为通报的现有确诊；虚线为指令发布时间，底色为应急响应级别；点击图中某日可跳转到该日",
            "Solid bars are reported, pale bars reconstructed; dots mark reported active cases; dashed lines are directive issue times, shading is the response level; click a day to go to it";
        curves_compare_note:
            "各地区同一指标对比，线尾标注地区名；点击某日跳转",
            "Each line is a subregion, named at its end; click a day to go to it";
        multiples_note:
            "各小图纵轴刻度相同：柱为新增确诊，线为现有确诊；点击小图选择该地区",
            "All small charts share one scale: bars are new confirmed, the line is active cases; click a chart to select that region";
        annotations: "图中标注的指令", "Directives marked on the chart";
    }
}
