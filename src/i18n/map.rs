//! Strings of the map (toolbar, colouring, legend, region popup), in Chinese and English: a
//! part of [`super::Tr`], reached as `tr.map`. The risk words it shows are in `tr.risk`, the
//! checkpoint popup's in `tr.checkpoints`.

tr_table! {
    /// The map: toolbar, colouring, legend, region popup.
    pub struct MapTr {
        map_no_boundaries: "没有可用的边界数据，无法绘制地图", "No boundary data: the map cannot be drawn";
        map_colour_by: "着色", "Colour by";
        map_mode_risk: "风险等级", "Risk level";
        map_mode_risk_computed: "风险等级（规则计算）", "Risk level (computed)";
        map_mode_new7: "近7日新增", "New in 7 days";
        map_mode_per100k: "近7日每10万人新增", "New in 7 days per 100,000";
        map_fit_province: "适配全省", "Fit province";
        map_fit_region: "缩放至", "Zoom to";
        map_zoom_in: "放大", "Zoom in";
        map_zoom_out: "缩小", "Zoom out";
        map_scale: "比例尺", "Scale";
        map_tiles_from: "底图", "Tiles";
        map_tiles_attribution: "底图瓦片来自配置的服务器", "Background tiles from the configured server";
        map_badges_note: "严：实行严九条　≠：通报与计算不一致", "严: Strict Nine   ≠: published ≠ computed";
        map_disagree: "通报等级与规则计算不一致", "Published and computed levels differ";
        risk_published_level: "通报风险等级", "Published level";
        no_data: "无数据", "No data";
        /// After a count of county-level units.
        map_computed_fallback:
            "个县级单位无通报等级，按规则计算着色",
            "units have no published level: coloured by the computed one";
    }
}
