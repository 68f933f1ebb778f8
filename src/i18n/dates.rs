//! Strings of the date control, in Chinese and English: a part of [`super::Tr`], reached
//! as `tr.dates`.

tr_table! {
    /// The date control.
    pub struct DatesTr {
        date: "日期", "Date";
        date_control: "日期控制", "Date control";
        previous_day: "前一天", "Previous day";
        next_day: "后一天", "Next day";
        first_day: "最早", "First";
        last_day: "最新", "Latest";
        date_input: "跳转到日期", "Go to date";
        date_input_invalid: "日期格式应为 YYYY-MM-DD", "Use the form YYYY-MM-DD";
        date_not_in_data: "该日期没有数据", "No data for that date";
        episodes: "时段", "Periods";
    }
}
