//! Strings of live feeds (freshness badge, stale banner, sources window, follow/pause), in
//! Chinese and English: a part of [`super::Tr`], reached as `tr.live`.

use super::Lang;
use crate::feed::live::Health;

tr_table! {
    /// Live feeds: freshness badge, stale banner, sources window, follow/pause, sync.
    pub struct LiveTr {
        went_back: "数据源的最新日期倒退了，看板随之回到", "The source's newest day went back; the board moved back with it to";
        went_back_from: "此前最新为", "the newest was";
        went_back_hint: "数据源可能已重启或更换了数据；以前的数据仍可在存档回放中查看", "The source may have restarted or replaced its data; what was shown before can be replayed from a recording";
        following: "跟随最新", "Following";
        following_hint: "新数据到达时，看板自动显示最新一天", "The board moves to the newest day when data arrives";
        paused: "已暂停", "Paused";
        paused_hint:
            "看板停在您选择的日期；新数据到达时不会跳转",
            "The board stays on the day you chose; new data does not move it";
        jump_to_live: "▶ 回到实时", "▶ Jump to live";
        jump_to_live_hint: "显示最新一天，并在新数据到达时继续跟随", "Show the newest day and follow new data again";
        sources_button: "数据源", "Sources";
        sources_button_hint:
            "各数据源的状态：最后成功、最近错误、下次尝试",
            "State of each live source: last success, last error, next try";
        sources_window: "实时数据源", "Live sources";
        retry_now: "立即重试", "Retry now";
        retry_now_hint: "现在就向所有数据源请求数据", "Ask every source for data now";
        col_state: "状态", "State";
        col_url: "地址", "Address";
        col_interval: "刷新间隔", "Interval";
        col_last_success: "最后成功", "Last success";
        col_last_change: "内容更新", "Content changed";
        col_as_of: "数据截至", "Data as of";
        col_last_error: "最近错误", "Last error";
        col_next_try: "下次尝试", "Next try";
        col_traffic: "请求 / 下载 / 未变 (304)", "Requests / downloads / unchanged (304)";
        never: "从未", "never";
        none: "无", "none";
        kept_data:
            "屏幕上保留的是该数据源最后一次成功获取的数据",
            "The board shows the last data this source delivered";
        no_data_yet: "尚未取得数据", "No data yet";
        age_hint: "距数据源生成这份数据的时间", "Time since the source generated this data";
        pending_sync: "待同步", "Pending sync";
        pending_sync_hint:
            "已保存在本机日志，尚未送达枢纽；联网后按顺序自动推送",
            "Saved in the local journal, not yet on the hub; pushed in order when the hub can be reached";
        refused_by_hub: "枢纽拒收", "Refused by the hub";
        all_synced: "指令已全部同步到枢纽", "All directives are on the hub";
    }
}

impl LiveTr {
    /// A feed error in the language on screen. The feed client words its errors in English
    /// (they also go to the log); the common ones are said again in Chinese, keeping the
    /// technical detail (the OS's own text) in brackets.
    pub fn error_text(&self, msg: &str) -> String {
        if self.lang == Lang::En {
            return msg.to_owned();
        }
        let lower = msg.to_ascii_lowercase();
        let what = if lower.contains("dns error") || lower.contains("failed to lookup address") {
            "无法解析服务器地址（域名解析失败）：请检查地址和网络"
        } else if lower.contains("connection refused") {
            "连接被拒绝：服务器未运行，或地址、端口不对"
        } else if lower.starts_with("cannot connect: no answer") {
            "无法连接：连接超时，请检查地址和网络"
        } else if lower.starts_with("timed out") || lower.contains("timed out") {
            "超时：在限定时间内没有收到完整应答，服务器或网络太慢"
        } else if lower.starts_with("cannot connect") || lower.contains("network is unreachable") {
            "无法连接服务器：服务是否在运行，地址是否正确？"
        } else if lower.contains("connection reset") || lower.starts_with("the answer broke off") {
            "连接中断：应答没有传完"
        } else {
            return msg.to_owned();
        };
        format!("{what}（{msg}）")
    }

    pub fn health(&self, h: Health) -> &'static str {
        let (zh, en) = match h {
            Health::Connecting => ("连接中", "Connecting"),
            Health::Live => ("实时", "Live"),
            Health::Retrying => ("重试中", "Retrying"),
            Health::Stale => ("数据过期", "Stale"),
            Health::NoData => ("无数据", "No data"),
        };
        self.lang.pick(zh, en)
    }

    /// A duration in words, minute precision: `刚刚`, `3 分钟`, `2 小时 5 分钟` /
    /// `just now`, `3 min`, `2 h 5 min`.
    pub fn duration(&self, secs: i64) -> String {
        let secs = secs.max(0);
        let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
        match (self.lang, d, h, m) {
            (Lang::Zh, 0, 0, 0) => "不到 1 分钟".into(),
            (Lang::En, 0, 0, 0) => "under a minute".into(),
            (Lang::Zh, 0, 0, m) => format!("{m} 分钟"),
            (Lang::En, 0, 0, m) => format!("{m} min"),
            (Lang::Zh, 0, h, m) => format!("{h} 小时 {m} 分钟"),
            (Lang::En, 0, h, m) => format!("{h} h {m} min"),
            (Lang::Zh, d, h, _) => format!("{d} 天 {h} 小时"),
            (Lang::En, d, h, _) => format!("{d} d {h} h"),
        }
    }

    /// The top bar's badge for live data: `实时 · 2 分钟前` / `Live · 2 min ago` (the data's
    /// age); when stale, the time since the last good answer instead.
    pub fn badge(&self, h: Health, age_secs: Option<i64>, contact_secs: Option<i64>) -> String {
        let state = self.health(h);
        if h == Health::Stale
            && let Some(s) = contact_secs
        {
            return match self.lang {
                Lang::Zh => format!("{state} · 上次联系 {}前", self.duration(s)),
                Lang::En => format!("{state} · last contact {} ago", self.duration(s)),
            };
        }
        match (age_secs, self.lang) {
            (None, _) => state.to_owned(),
            (Some(s), Lang::Zh) if s < 60 => format!("{state} · 刚刚更新"),
            (Some(s), Lang::En) if s < 60 => format!("{state} · updated just now"),
            (Some(s), Lang::Zh) => format!("{state} · {}前", self.duration(s)),
            (Some(s), Lang::En) => format!("{state} · updated {} ago", self.duration(s)),
        }
    }

    /// The banner line of a stale source: since when (a clock time, so the line stays true
    /// without repainting), what the board shows instead, the last error.
    pub fn stale_line(&self, name: &str, since: &str, as_of: Option<&str>, error: Option<&str>) -> String {
        match self.lang {
            Lang::Zh => format!(
                "⚠ 数据源“{name}”已过期：自 {since} 起未成功更新。屏幕上是它最后一次成功获取的数据{}。{}",
                as_of.map(|a| format!("（截至 {a}）")).unwrap_or_default(),
                error.map(|e| format!("最近错误：{e}")).unwrap_or_default()
            ),
            Lang::En => format!(
                "⚠ Source “{name}” is stale: no successful update since {since}. The board shows its last good data{}.{}",
                as_of.map(|a| format!(" (as of {a})")).unwrap_or_default(),
                error.map(|e| format!(" Last error: {e}")).unwrap_or_default()
            ),
        }
    }

    /// The banner line of a source that never delivered.
    pub fn no_data_line(&self, name: &str, error: Option<&str>) -> String {
        match self.lang {
            Lang::Zh => {
                format!("⚠ 数据源“{name}”尚未取得数据。{}", error.map(|e| format!("最近错误：{e}")).unwrap_or_default())
            }
            Lang::En => {
                format!(
                    "⚠ Source “{name}” has no data yet.{}",
                    error.map(|e| format!(" Last error: {e}")).unwrap_or_default()
                )
            }
        }
    }

    pub fn next_try(&self, at: &str) -> String {
        match self.lang {
            Lang::Zh => format!("下次尝试 {at}"),
            Lang::En => format!("Next try {at}"),
        }
    }

    pub fn every(&self, secs: f64) -> String {
        let n = if secs.fract() == 0.0 { format!("{secs:.0}") } else { format!("{secs:.1}") };
        match self.lang {
            Lang::Zh => format!("每 {n} 秒"),
            Lang::En => format!("every {n} s"),
        }
    }

    pub fn failures(&self, n: u32) -> String {
        match self.lang {
            Lang::Zh => format!("连续失败 {n} 次"),
            Lang::En => format!("{n} failed attempts in a row"),
        }
    }

    /// The top bar's queue badge: `⇅ 待同步 3` / `⇅ 3 pending sync`.
    pub fn pending_n(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("⇅ 待同步 {n}"),
            Lang::En => format!("⇅ {n} pending sync"),
        }
    }

    /// `sitboard journal … --hub`: one line per event the hub took.
    pub fn pushed_line(&self, hub: &str, local: u64, remote: u64) -> String {
        match self.lang {
            Lang::Zh => format!("已推送到枢纽 {hub}：事件 #{local} → 枢纽事件 #{remote}"),
            Lang::En => format!("pushed to the hub {hub}: event {local} → hub event {remote}"),
        }
    }

    pub fn refused_line(&self, local: u64, why: &str) -> String {
        match self.lang {
            Lang::Zh => format!("枢纽拒收事件 #{local}（只保存在本机日志中）：{why}"),
            Lang::En => format!("the hub refused event {local} (kept in the local journal only): {why}"),
        }
    }

    pub fn queued_line(&self, n: usize, why: &str) -> String {
        match self.lang {
            Lang::Zh => {
                format!("待同步：{n} 个事件按顺序排队等待枢纽：{why}；`sitboard journal sync` 或看板会推送它们")
            }
            Lang::En => format!(
                "pending sync: {n} event(s) queued for the hub, in order: {why}; they are pushed by `sitboard journal \
                 sync` or by the board"
            ),
        }
    }

    pub fn nothing_to_push(&self, dir: &str) -> String {
        match self.lang {
            Lang::Zh => format!("没有要推送的内容：{dir} 中没有日志"),
            Lang::En => format!("nothing to push: no journal in {dir}"),
        }
    }

    pub fn sources_ok(&self, ok: usize, all: usize) -> String {
        format!("{} {ok}/{all}", self.sources_button)
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    #[test]
    fn common_feed_errors_are_said_in_chinese_with_the_detail_kept() {
        let zh = &Lang::Zh.tr().live;
        let refused = "cannot connect to the server (Connection refused (os error 111)); is it running, and is the address right?";
        let t = zh.error_text(refused);
        assert!(t.starts_with("连接被拒绝") && t.contains("os error 111"), "{t}");
        let dns = "cannot connect to the server (dns error: failed to lookup address information: Name or service not known); is it running, and is the address right?";
        assert!(zh.error_text(dns).starts_with("无法解析服务器地址"));
        assert!(
            zh.error_text("timed out: no complete answer within 30 s; the server or the network is too slow")
                .starts_with("超时")
        );
        // English stays as written; an unknown message is shown as it is.
        assert_eq!(Lang::En.tr().live.error_text(refused), refused);
        assert_eq!(zh.error_text("HTTP 503 Service Unavailable"), "HTTP 503 Service Unavailable");
    }
}
