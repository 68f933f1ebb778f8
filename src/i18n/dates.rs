//! Strings of the timeline bar, in Chinese and English: a part of [`super::Tr`], reached
//! as `tr.dates`.

tr_table! {
    /// The timeline bar.
    pub struct DatesTr {
        date: "日期", "Date";
        date_control: "日期控制", "Date control";
        previous_day: "前一天", "Previous day";
        next_day: "后一天", "Next day";
        first_day: "最早", "First";
        last_day: "最新", "Latest";
        date_input: "跳转到日期", "Go to date";
        date_input_invalid: "格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM（北京时间）", "Use YYYY-MM-DD or YYYY-MM-DD HH:MM (Beijing time)";
        date_not_in_data: "该日期没有数据", "No data for that date";
        time_out_of_range: "该时刻不在数据的时间范围内", "That time is outside the data's time range";
        episodes: "时段", "Periods";
        play: "播放", "Play";
        pause: "暂停", "Pause";
        keys_hint: "空格键：播放/暂停 · ←/→：上一个/下一个时刻 · Home/End：最早/最新", "Space: play/pause · ←/→: previous/next instant · Home/End: first/latest";
        instant_hint: "画面所示时刻（北京时间）：各面板都显示这一时刻的情况", "The instant in view (Beijing time): every panel shows the situation at this instant";
        speed: "播放速度", "Playback speed";
        speed_marks: "个时刻/秒", "instant/s";
        speed_days: "天/秒", "day/s";
        speed_real: "实时", "Real time";
        loop_play: "循环", "Loop";
        loop_hint: "播放到最后一个时刻后从头开始", "After the last instant, start again at the first";
    }
}
