//! Strings of the region picker, in Chinese and English: a part of [`super::Tr`], reached
//! as `tr.regions`.

tr_table! {
    /// The region picker.
    pub struct RegionsTr {
        region: "地区", "Region";
        region_picker: "地区选择", "Region picker";
        province: "全省", "Province";
        search_region: "查找地区", "Find a region";
        no_polygon_note: "无边界数据", "no boundary data";
    }
}
