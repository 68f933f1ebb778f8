//! Strings of the board frame (top bar, loading, data problems, language switch, sources,
//! tabs), in Chinese and English: a part of [`super::Tr`], reached as `tr.board`.

use super::Lang;

tr_table! {
    /// The board frame: top bar, loading, data problems, language switch, sources, freshness, tabs.
    pub struct BoardTr {
        // Top bar.
        board_title: "疫情防控指挥部 · 态势总览", "Epidemic command center · Situation board";
        as_of: "截至", "As of";
        /// Replaces "UTC+8" in the as-of time.
        zone_note: "北京时间", "China Standard Time";
        source: "数据来源", "Source";
        sources: "数据源", "Sources";
        /// The language switch: the name of the other language.
        switch_language: "English", "中文";
        switch_language_hint: "切换到英文界面", "Switch the interface to Chinese";
        // Loading and data problems.
        loading: "正在加载数据…", "Loading data…";
        /// Before the note on the sources being read.
        loading_sources: "正在读取", "Reading";
        load_failed: "数据无法加载", "The data could not be loaded";
        data_problems: "数据问题", "Data problems";
        /// After a count: "⚠ 3 条记录被拒绝".
        rows_rejected: "条记录被拒绝", "rows rejected";
        /// After a count: "⚠ 3 条数据存疑" (rows kept, but flagged: impossible combinations,
        /// corrections).
        rows_flagged: "条数据存疑", "figures flagged";
        details: "详情…", "Details…";
        close: "关闭", "Close";
        // Freshness of file data (live feeds: `tr.live`).
        freshness_replay: "回放", "Replay";
        exercise: "演练", "EXERCISE";
        exercise_hint:
            "数据源正在演练（如枢纽的实时演示）：“现在”是演练时钟；此时记录的指令是演练记录，单独保存，不与正式指令混合。",
            "The source runs an exercise (e.g. the hub's live demo): \"now\" is the exercise clock; directives logged now are exercise records, kept apart from real ones.";
        freshness_replay_hint: "数据来自文件，显示所选日期的态势", "Data from files; the board shows the selected day";
        replay_archive_hint: "回放快照存档（只读，不联网）", "Replaying a snapshot archive (read-only, offline)";
        snapshots: "个快照", "snapshots";
        recording: "录制中", "Recording";
        recording_hint: "本屏所跟踪的数据正被录入快照存档", "What this board follows is being recorded into a snapshot archive";
        recording_stopped: "录制已停止", "Recording stopped";
        freshness_current: "最新", "Current";
        freshness_stale: "数据过期", "Stale";
        synthetic_data: "含模拟数据", "includes synthetic data";
        // Tabs of the main area (the Directives tab: `tr.journal.tab`).
        tab_overview: "概况", "Overview";
        tab_curves: "病例曲线", "Case curves";
        tab_map: "地图", "Map";
        tab_checkpoints: "卡口", "Checkpoints";
        tab_wall: "大屏", "Wall";
        // Frame-time overlay.
        frame_time: "每帧 CPU", "CPU per frame";
        // The renderer line with the sources: "渲染器：cpu（软件，llvmpipe）".
        renderer: "渲染器", "Renderer";
        renderer_software: "软件渲染", "software";
        renderer_hardware: "硬件加速", "hardware";
    }
}

impl BoardTr {
    /// "6 个数据源" / "6 sources".
    pub fn n_sources(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("{n} 个数据源"),
            Lang::En => format!("{n} sources"),
        }
    }
}
