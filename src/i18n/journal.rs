//! Strings of the directive journal (the Directives panel, `sitboard journal`, exports), in
//! Chinese and English: a part of [`super::Tr`], reached as `tr.journal`. Also the directive words
//! that the overview and the curves share (issued, effective, category).

use super::Lang;
use crate::model::journal::{EventKind, Field, JournalEvent, Problem};
use crate::model::text::TextProblem;
use crate::model::{DirectiveCategory, DirectiveStatus, Priority};
use crate::store::journal::{BadEvent, BadReason};

tr_table! {
    /// The directive journal: the Directives panel, `sitboard journal`, exports.
    pub struct JournalTr {
        tab: "指令", "Directives";
        officer: "值班人员（姓名/工号）", "Officer (name or ID)";
        officer_hint: "如 王明 0231", "e.g. Wang Ming 0231";
        new_directive: "起草新指令…", "New directive…";
        in_force_now: "现行有效", "In force now";
        in_force_now_hint:
            "在所看时刻（时间轴所在时刻）有效的指令",
            "In force at the instant in view (where the timeline is)";
        exercise_badge: "演练", "Exercise";
        exercise_banner:
            "演练记录：本机正在跟随演练（实时演示），这里记录的指令是演练记录，按演练时钟生效，单独保存在演练日志中，不会与正式指令混在一起。",
            "Exercise records: this board follows an exercise (a live demo). Directives logged here are exercise records, take effect on the exercise clock, and are kept in a separate exercise journal, never mixed with real directives.";
        only_region: "仅所选地区", "Only the selected region";
        all_categories: "全部类别", "All categories";
        all_statuses: "全部状态", "All statuses";
        category: "类别", "Category";
        status: "状态", "Status";
        priority: "紧急程度", "Priority";
        list_empty: "没有符合条件的指令", "No directive matches";
        badge_local: "本地记录", "Logged here";
        badge_local_hint:
            "记录在本机指令日志中：可签收、修改、解除、撤销",
            "Recorded in this board's journal: can be acknowledged, amended, lifted or revoked";
        badge_feed: "数据源", "Feed";
        form_new: "起草指令", "Draft a directive";
        form_amend: "修改指令", "Amend a directive";
        form_issue_draft: "发布草稿", "Issue a draft";
        number: "文号", "Number";
        issuer: "发布机构", "Issuing body";
        title: "标题", "Title";
        body: "正文", "Body";
        scope: "适用地区（区划代码，逗号分隔）", "Scope (region codes, comma-separated)";
        scope_hint: "如 231202, 230100", "e.g. 231202, 230100";
        add_region: "加入所选地区", "Add the selected region";
        from: "生效时间", "Effective from";
        until: "截止时间", "Effective until";
        from_hint:
            "YYYY-MM-DD HH:MM（北京时间），留空为发布即生效",
            "YYYY-MM-DD HH:MM (Beijing time); empty: from issue";
        until_hint:
            "YYYY-MM-DD HH:MM（北京时间），留空为直至解除",
            "YYYY-MM-DD HH:MM (Beijing time); empty: until lifted";
        save_draft: "保存草稿", "Save draft";
        issue: "发布", "Issue";
        save_amendment: "保存修改", "Save amendment";
        cancel: "取消", "Cancel";
        acknowledge: "签收…", "Acknowledge…";
        amend: "修改…", "Amend…";
        lift: "解除…", "Lift…";
        revoke: "撤销…", "Revoke…";
        issue_draft: "发布…", "Issue…";
        unit: "签收单位", "Acknowledging unit";
        reason: "原因", "Reason";
        confirm_ack: "确认签收", "Confirm acknowledgment";
        confirm_lift: "确认解除", "Confirm lift";
        confirm_revoke: "确认撤销", "Confirm revocation";
        saving: "正在保存…", "Saving…";
        not_saved: "未保存", "Not saved";
        opening: "正在打开指令日志…", "Opening the directive journal…";
        open_failed:
            "指令日志无法打开，本次只能查看数据源发布的指令",
            "The directive journal cannot be opened; only feed directives can be viewed";
        no_journal:
            "未打开指令日志：只能查看数据源发布的指令",
            "No directive journal open: only feed directives can be viewed";
        replay_no_journal:
            "回放：显示录制时的指令（含录制端本机记录的指令），回放时不能记录新指令",
            "Replay: the directives as recorded (those logged on the recording board included); no new directive can be logged while replaying";
        journal_file: "日志文件", "Journal file";
        broken: "指令日志校验未通过", "The directive journal failed verification";
        history: "事件记录", "History";
        col_seq: "序号", "#";
        col_time: "时间（北京时间）", "Time (Beijing)";
        col_event: "事件", "Event";
        col_officer: "人员", "Officer";
        col_detail: "说明", "Details";
        col_hash: "校验值", "Hash";
        col_source: "来源", "Source";
        acknowledgments: "签收情况", "Acknowledgments";
        no_acks: "尚无单位签收", "No unit has acknowledged yet";
        select_hint:
            "在左侧列表中选择一条指令，查看详情和事件记录",
            "Select a directive in the list to see its details and history";
        scope_label: "适用地区", "Scope";
        drafted: "起草", "Drafted";
        until_label: "截止", "Until";
        ended: "结束", "Ended";
        until_lifted: "直至解除", "until lifted";
        on_issue: "发布即生效", "from issue";
        feed_history_note:
            "数据源只提供发布信息和截至其数据时间的状态",
            "A feed gives only the issue and the status as of its data";
        export_list_csv: "导出列表 CSV", "Export list as CSV";
        export_list_html: "导出列表网页（可打印）", "Export list as a web page (printable)";
        export_history_csv: "导出事件记录 CSV", "Export history as CSV";
        export_history_html: "导出事件记录网页（可打印）", "Export history as a web page (printable)";
        export_hint:
            "导出当前列表（按筛选条件），文件保存在数据目录的 exports 文件夹",
            "Exports the list as filtered; files go to the exports folder of the data dir";
        exported: "已导出到", "Exported to";
        export_failed: "导出失败", "Export failed";
        list_title: "指令清单", "Directives";
        history_title: "指令事件记录", "Directive history";
        generated: "生成时间", "Generated";
        verified: "校验通过", "Verified";
        verify_failed: "校验失败", "Verification failed";
        verify_no_wal:
            "已按文件现状只读校验；该文件使用预写日志，旁边没有 -wal 文件：若它是正在使用的日志的副本，尚未写回主文件的最新事件不在其中（请连同 -wal 文件一起复制，或用 sqlite3 .backup）",
            "Checked read-only as the file stands. It uses a write-ahead log and has no -wal file beside it: if it is a copy of a journal in use, its newest events (not yet written back to the main file) are not in it; copy the -wal file with it, or use sqlite3 .backup";
        nothing_logged: "指令日志中还没有记录", "Nothing has been logged in the directive journal yet";
        // Directive words shared with the overview and the curves.
        feed_directive: "数据源发布，只读", "Published by a feed, read-only";
        issued: "发布", "Issued";
        effective: "生效", "Effective";
    }
}

impl JournalTr {
    fn pick(&self, zh: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(zh, en)
    }

    pub fn directive_category(&self, c: DirectiveCategory) -> &'static str {
        let (zh, en) = match c {
            DirectiveCategory::TrafficControl => ("交通管制", "Traffic control"),
            DirectiveCategory::ResidentialControl => ("小区管控", "Residential control"),
            DirectiveCategory::Testing => ("核酸检测", "Testing"),
            DirectiveCategory::Reopening => ("恢复秩序", "Reopening"),
            DirectiveCategory::Supplies => ("物资保障", "Supplies"),
            DirectiveCategory::Other => ("其他", "Other"),
        };
        self.pick(zh, en)
    }

    pub fn status(&self, s: DirectiveStatus) -> &'static str {
        match s {
            DirectiveStatus::Draft => self.pick("草稿", "Draft"),
            DirectiveStatus::InForce => self.pick("生效中", "In force"),
            DirectiveStatus::Lifted => self.pick("已解除", "Lifted"),
            DirectiveStatus::Revoked => self.pick("已撤销", "Revoked"),
            DirectiveStatus::Superseded => self.pick("已被替代", "Superseded"),
        }
    }

    /// The status at the instant in view, for a directive the journal or a feed records with
    /// `recorded` (its latest status): one issued later reads "not yet issued", one issued but
    /// not yet effective "not yet effective", one in force at that instant "in force".
    pub fn status_at(&self, recorded: DirectiveStatus, issued_later: bool, in_force: bool) -> &'static str {
        match recorded {
            DirectiveStatus::Draft => self.status(recorded),
            _ if issued_later => self.pick("尚未发布", "Not yet issued"),
            _ if in_force => self.status(DirectiveStatus::InForce),
            DirectiveStatus::InForce => self.pick("尚未生效", "Not yet effective"),
            _ => self.status(recorded),
        }
    }

    pub fn event(&self, k: EventKind) -> &'static str {
        match k {
            EventKind::Drafted => self.pick("起草", "Drafted"),
            EventKind::Issued => self.pick("发布", "Issued"),
            EventKind::Amended => self.pick("修改", "Amended"),
            EventKind::Acknowledged => self.pick("签收", "Acknowledged"),
            EventKind::Lifted => self.pick("解除", "Lifted"),
            EventKind::Revoked => self.pick("撤销", "Revoked"),
        }
    }

    /// The verb of an action ("lift", "解除"), for "cannot lift …".
    fn action(&self, k: EventKind) -> &'static str {
        match k {
            EventKind::Drafted => self.pick("起草", "draft"),
            EventKind::Issued => self.pick("发布", "issue"),
            EventKind::Amended => self.pick("修改", "amend"),
            EventKind::Acknowledged => self.pick("签收", "acknowledge"),
            EventKind::Lifted => self.pick("解除", "lift"),
            EventKind::Revoked => self.pick("撤销", "revoke"),
        }
    }

    pub fn priority(&self, p: Priority) -> &'static str {
        match p {
            Priority::Normal => self.pick("一般", "Normal"),
            Priority::High => self.pick("紧急", "High"),
            Priority::Urgent => self.pick("特急", "Urgent"),
        }
    }

    pub fn field(&self, f: Field) -> &'static str {
        match f {
            Field::Number => self.number,
            Field::Issuer => self.issuer,
            Field::Title => self.title,
            Field::Body => self.body,
            Field::Scope => self.scope_label,
            Field::From => self.from,
            Field::Until => self.until,
            Field::Officer => self.pick("值班人员", "Officer"),
            Field::Unit => self.unit,
            Field::Reason => self.reason,
        }
    }

    /// One problem as a sentence a person can act on.
    pub fn problem(&self, p: &Problem) -> String {
        let en = self.lang.is_en();
        match p {
            Problem::Missing(Field::Title) if !en => "请填写标题".into(),
            Problem::Missing(Field::Title) => "Enter a title".into(),
            Problem::Missing(Field::Scope) if !en => "请填写适用地区（至少一个区划代码）".into(),
            Problem::Missing(Field::Scope) => "Enter the scope: at least one region code".into(),
            Problem::Missing(f) if !en => format!("请填写{}", self.field(*f)),
            Problem::Missing(f) => format!("Enter the {}", self.field(*f).to_lowercase()),
            Problem::Text { field, problem: TextProblem::TooLong { chars, max } } => {
                if en {
                    format!("{} is too long: {chars} characters, at most {max}", self.field(*field))
                } else {
                    format!("{}过长：{chars} 个字符，最多 {max} 个", self.field(*field))
                }
            }
            Problem::Text { field, problem: TextProblem::BadCharacter { code, position } } => {
                if en {
                    format!(
                        "{} contains a control or text-direction character (U+{code:04X}) at position {}: remove it",
                        self.field(*field),
                        position + 1
                    )
                } else {
                    format!(
                        "{}第 {} 个字符是控制字符或文字方向符（U+{code:04X}），请删除",
                        self.field(*field),
                        position + 1
                    )
                }
            }
            Problem::BadRegionCode(s) if en => format!("{s:?} is not a region code: use 6 digits, e.g. 231202"),
            Problem::BadRegionCode(s) => format!("“{s}”不是区划代码：应为 6 位数字，如 231202"),
            Problem::UnknownRegion(c) if en => format!("Unknown region {c}: it is not in the region registry"),
            Problem::UnknownRegion(c) => format!("未知地区 {c}：地区表中没有这个代码"),
            Problem::TooManyRegions { count, max } if en => format!("Too many regions ({count}; at most {max})"),
            Problem::TooManyRegions { count, max } => format!("地区过多（{count} 个，最多 {max} 个）"),
            Problem::BadTime { field, text } if en => {
                format!(
                    "{} {text:?} is not a time: use YYYY-MM-DD HH:MM (Beijing time) or RFC 3339",
                    self.field(*field)
                )
            }
            Problem::BadTime { field, text } => {
                format!("{}“{text}”不是时间：应为 YYYY-MM-DD HH:MM（北京时间）或 RFC 3339", self.field(*field))
            }
            Problem::EndsBeforeStart if en => "The end is before the start: the effective-until time must be later \
                                               than the effective-from time"
                .into(),
            Problem::EndsBeforeStart => "截止时间早于生效时间：截止时间必须晚于生效时间".into(),
            Problem::EndsInPast if en => "The end time has passed: the directive would never be in force".into(),
            Problem::EndsInPast => "截止时间已过：这条指令将不会生效".into(),
            Problem::DuplicateNumber { issuer, number } if en => {
                format!("Duplicate number: {issuer} already has a directive {number}")
            }
            Problem::DuplicateNumber { issuer, number } => format!("文号重复：{issuer}已有文号为 {number} 的指令"),
            Problem::UnknownDirective { number } if en => format!("No directive {number} in the journal"),
            Problem::UnknownDirective { number } => format!("指令日志中没有 {number}"),
            Problem::AmbiguousNumber { number, issuers } if en => {
                format!("Several issuing bodies use {number} ({}): give --issuer", issuers.join("; "))
            }
            Problem::AmbiguousNumber { number, issuers } => {
                format!("多个发布机构使用文号 {number}（{}）：请用 --issuer 指明", issuers.join("；"))
            }
            Problem::NotAllowed { action, number, status } => {
                let hint = match (status, action) {
                    (DirectiveStatus::Draft, _) => self.pick("请先发布", "issue it first"),
                    (DirectiveStatus::InForce, EventKind::Issued) => self.pick("已经发布", "it is already issued"),
                    _ => self.pick("已结束的指令不能再变更", "a closed directive cannot change"),
                };
                if en {
                    format!(
                        "Cannot {} {number}: it is {} ({hint})",
                        self.action(*action),
                        self.status(*status).to_lowercase()
                    )
                } else {
                    format!("不能{}{number}：该指令{}（{hint}）", self.action(*action), self.status_phrase(*status))
                }
            }
            Problem::FeedReadOnly { number } if en => format!("{number} was published by a feed and is read-only"),
            Problem::FeedReadOnly { number } => format!("{number} 由数据源发布，只读"),
            Problem::Mismatch if en => "The event does not match its directive".into(),
            Problem::Mismatch => "事件与指令不符".into(),
            Problem::ExerciseMix { exercise: true } if en => "An exercise record cannot be written to the real \
                directive journal: exercise records go to the exercise journal"
                .into(),
            Problem::ExerciseMix { exercise: true } => "演练记录不能写入正式指令日志：演练记录写入演练日志".into(),
            Problem::ExerciseMix { exercise: false } if en => "This journal holds exercise (演练) records only: \
                a real directive cannot be written to it"
                .into(),
            Problem::ExerciseMix { exercise: false } => "这是演练日志，只记录演练：正式指令不能写入".into(),
        }
    }

    fn status_phrase(&self, s: DirectiveStatus) -> &'static str {
        match s {
            DirectiveStatus::Draft => "还是草稿",
            DirectiveStatus::InForce => "正在生效",
            DirectiveStatus::Lifted => "已解除",
            DirectiveStatus::Revoked => "已撤销",
            DirectiveStatus::Superseded => "已被替代",
        }
    }

    /// "label: text" with the language's colon ("原因：平稳", "Reason: stable").
    pub fn labelled(&self, label: &str, text: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{label}：{text}"),
            Lang::En => format!("{label}: {text}"),
        }
    }

    /// What an event says besides its kind: the unit, the reason, or the title it recorded.
    pub fn event_detail(&self, e: &JournalEvent) -> String {
        match e.event.kind {
            EventKind::Acknowledged => self.labelled(self.unit, e.event.unit.as_deref().unwrap_or("")),
            EventKind::Lifted | EventKind::Revoked => {
                self.labelled(self.reason, e.event.reason.as_deref().unwrap_or(""))
            }
            _ => e.event.content.as_ref().map(|c| c.title.clone()).unwrap_or_default(),
        }
    }

    /// "Saved: event #12 (issued 绥指公5号)".
    pub fn saved(&self, seq: u64, kind: EventKind, number: &str) -> String {
        match self.lang {
            Lang::Zh => format!("已保存：事件 #{seq}（{}{number}）", self.event(kind)),
            Lang::En => format!("Saved: event #{seq} ({} {number})", self.event(kind).to_lowercase()),
        }
    }

    /// "12 directives".
    /// `journal list` on the real journal, when the exercise journal beside it holds records.
    pub fn exercise_elsewhere(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => {
                format!("另有 {n} 条演练记录（不在此列，与正式指令分开保存）：sitboard journal --exercise list")
            }
            Lang::En => {
                format!("{n} exercise records are kept apart and not listed here: sitboard journal --exercise list")
            }
        }
    }

    /// `journal --exercise list`: the heading.
    pub fn exercise_heading(&self, path: &str) -> String {
        match self.lang {
            Lang::Zh => format!("演练记录（非正式指令）· {path}"),
            Lang::En => format!("Exercise records (not real directives) · {path}"),
        }
    }

    pub fn n_directives(&self, n: usize) -> String {
        match self.lang {
            Lang::Zh => format!("共 {n} 条"),
            Lang::En => format!("{n} directives"),
        }
    }

    /// "Verified: PATH · 12 events · chain head HASH".
    pub fn verified_line(&self, path: &std::path::Path, events: u64, head: &str) -> String {
        match self.lang {
            Lang::Zh => format!("{}：{} · {events} 个事件 · 链尾 {head}", self.verified, path.display()),
            Lang::En => format!("{}: {} · {events} events · chain head {head}", self.verified, path.display()),
        }
    }

    /// How many events the file holds against the last one its head record names.
    pub fn verify_counts(&self, held: u64, recorded: u64) -> String {
        match self.lang {
            Lang::Zh => format!("文件中有 {held} 个事件；链尾记录为第 {recorded} 号事件"),
            Lang::En => format!("The file holds {held} events; its head record names event {recorded}"),
        }
    }

    /// The hub's audit record (officers' grants, sign-ins, refusals) verified.
    pub fn audit_verified(&self, n: u64) -> String {
        match self.lang {
            Lang::Zh => format!("审计记录 {n} 条（授权、登录、拒绝），哈希链完整"),
            Lang::En => format!("{n} audit records (grants, sign-ins, refusals), hash chain intact"),
        }
    }

    /// The first bad row of the audit record.
    pub fn bad_audit(&self, b: &crate::store::journal::BadAudit) -> String {
        match self.lang {
            Lang::Zh => format!("审计记录第 {} 条（{} {}）：{}", b.seq, b.kind, b.officer, b.reason),
            Lang::En => format!("audit record {} ({} {}): {}", b.seq, b.kind, b.officer, b.reason),
        }
    }

    /// The first bad event found by `verify`, named.
    pub fn bad_event(&self, b: &BadEvent) -> String {
        let what = match self.lang {
            Lang::Zh => format!("事件 #{}（{} {} {}）", b.seq, b.kind, b.issuer, b.number),
            Lang::En => format!("event #{} ({} {} {})", b.seq, b.kind, b.issuer, b.number),
        };
        let why = match (&b.reason, self.lang) {
            (BadReason::HashMismatch, Lang::Zh) => "内容与校验值不符：写入后被改动过".into(),
            (BadReason::HashMismatch, Lang::En) => {
                "its content does not match its hash: it was changed after it was written".into()
            }
            (BadReason::ChainBroken, Lang::Zh) => "与前一事件的链接断开：之前的事件被改动、删除或插入过".into(),
            (BadReason::ChainBroken, Lang::En) => {
                "it does not link to the event before it: an earlier event was changed, removed or inserted".into()
            }
            (BadReason::Gap { after }, Lang::Zh) => format!("其前缺少事件（#{after} 之后）"),
            (BadReason::Gap { after }, Lang::En) => format!("events are missing before it (after #{after})"),
            (BadReason::Truncated { head_seq }, Lang::Zh) => format!("其后的事件被删除（日志原有 {head_seq} 个事件）"),
            (BadReason::Truncated { head_seq }, Lang::En) => {
                format!("events after it were removed (the journal had {head_seq})")
            }
            (BadReason::NotInHead { head_seq }, Lang::Zh) => {
                format!("不是由 Sitboard 写入的（日志记录为 {head_seq} 个事件）")
            }
            (BadReason::NotInHead { head_seq }, Lang::En) => {
                format!("it was added outside Sitboard (the journal records {head_seq} events)")
            }
            (BadReason::Unreadable(d), Lang::Zh) => format!("无法读取：{d}"),
            (BadReason::Unreadable(d), Lang::En) => format!("it cannot be read: {d}"),
            (BadReason::BreaksRules(p), Lang::Zh) => format!("违反指令状态规则：{}", self.problem(p)),
            (BadReason::BreaksRules(p), Lang::En) => format!("it breaks the lifecycle rules: {}", self.problem(p)),
        };
        match self.lang {
            Lang::Zh => format!("{what}：{why}"),
            Lang::En => format!("{what}: {why}"),
        }
    }
}
