//! Strings of officers, sign-in and acknowledgments (issue 12), in Chinese and English: a
//! part of [`super::Tr`], reached as `tr.officers`. The reasons an action is refused come
//! from [`Refusal`], the rules of `model::officer`.

use chrono::Duration;

use crate::model::officer::{OfficerRole, Refusal};

tr_table! {
    /// Sign-in, the awaiting-acknowledgment list, per-unit acknowledgment status.
    pub struct OfficersTr {
        awaiting_title: "待确认", "Awaiting your acknowledgment";
        awaiting_hint:
            "发给本人辖区内单位、在所看时刻尚未确认的指令，逾期和最紧急的在前",
            "Directives addressed to units in your scope, not acknowledged at the instant in view; overdue and most urgent first";
        awaiting_none: "没有待确认的指令", "Nothing awaits your acknowledgment";
        acknowledge: "确认收到", "Acknowledge";
        note: "备注（可选）", "Note (optional)";
        send_ack: "提交确认", "Send acknowledgment";
        sending: "已确认（发送中）", "acknowledged (sending…)";
        sending_hint:
            "已记入本机日志，正经发件箱发往指挥中心；断线时保留，重连后自动重发",
            "Recorded in this board's journal and on its way to the hub through the outbox; kept while offline and resent on reconnect";
        units_title: "各单位确认情况", "Acknowledgment by unit";
        acknowledged: "已确认", "acknowledged";
        awaiting: "待确认", "awaiting";
        overdue: "逾期未确认", "overdue";
        signed_in: "已登录", "Signed in";
        sign_in_title: "登录指挥中心", "Sign in to the hub";
        sign_in_intro:
            "请输入指挥中心为您签发的令牌（sitboard-hub officer add / officer token 的最后一行）。",
            "Enter the token the hub issued to you (the last line of sitboard-hub officer add / officer token).";
        token: "令牌", "Token";
        sign_in: "登录", "Sign in";
        signing_in: "正在登录…", "Signing in…";
        remember: "记住（保存到本机用户配置目录，仅本人可读）", "Remember (saved in your user config folder, readable by you only)";
        token_refused:
            "指挥中心不认可该令牌（未知或已吊销），请重新登录；屏幕保留最后一次的数据",
            "The hub does not accept this token (unknown or revoked): sign in again; the last data stays on screen";
        hub_open:
            "指挥中心未设置人员（开放模式）：以本机值班人员记录",
            "The hub has no officers (it is open): records are logged under this board's officer";
        whoami_failed: "无法确认登录身份：", "Cannot confirm who is signed in: ";
        role_issue: "可发布指令", "may issue";
        role_acknowledge: "可确认指令", "may acknowledge";
        role_view: "仅查看", "view only";
        scope: "辖区", "Scope";
        cannot_issue: "不能发布指令：", "Cannot issue: ";
        cannot_change: "不能修改、解除或撤销：", "Cannot amend, lift or revoke: ";
        wall_overdue: "逾期未确认的指令", "Overdue acknowledgments";
    }
}

impl OfficersTr {
    fn en(&self) -> bool {
        self.lang.is_en()
    }

    pub fn role(&self, r: OfficerRole) -> &'static str {
        match r {
            OfficerRole::Issue => self.role_issue,
            OfficerRole::Acknowledge => self.role_acknowledge,
            OfficerRole::View => self.role_view,
        }
    }

    /// Why an officer may not do something, with region names from `name`.
    pub fn refusal(&self, r: &Refusal, name: impl Fn(crate::model::Adcode) -> String) -> String {
        let en = self.en();
        match r {
            Refusal::ViewOnly if en => "this officer may only view".into(),
            Refusal::ViewOnly => "本人员仅可查看".into(),
            Refusal::AcknowledgeOnly if en => {
                "this officer may acknowledge directives, not issue or change them".into()
            }
            Refusal::AcknowledgeOnly => "本人员只能确认指令，不能发布或修改".into(),
            Refusal::OutsideScope { region } if en => format!("{} {region} is outside your scope", name(*region)),
            Refusal::OutsideScope { region } => format!("{} {region} 不在本人辖区内", name(*region)),
            Refusal::NotAddressed { unit } if en => format!("the directive is not addressed to {} {unit}", name(*unit)),
            Refusal::NotAddressed { unit } => format!("该指令未发给 {} {unit}", name(*unit)),
            Refusal::UnitOutsideScope { unit } if en => format!("{} {unit} is not a unit in your scope", name(*unit)),
            Refusal::UnitOutsideScope { unit } => format!("{} {unit} 不是本人辖区内的单位", name(*unit)),
            Refusal::NotIssuerOrAbove { issuer } if en => {
                format!("only the issuer ({issuer}) or an officer above them may change it")
            }
            Refusal::NotIssuerOrAbove { issuer } => format!("只有发布人（{issuer}）或其上级可以修改"),
        }
    }

    /// `1/2 已确认`, `1 of 2 acknowledged`.
    pub fn n_of_m(&self, n: usize, m: usize) -> String {
        if self.en() { format!("{n} of {m} acknowledged") } else { format!("{n}/{m} 已确认") }
    }

    /// `due in 25 min`, `剩余 25 分钟`.
    pub fn due_in(&self, d: Duration) -> String {
        if self.en() { format!("due in {}", self.span(d)) } else { format!("剩余 {}", self.span(d)) }
    }

    /// `overdue by 1 h 5 min`, `已逾期 1 小时 5 分钟`.
    pub fn overdue_by(&self, d: Duration) -> String {
        if self.en() { format!("overdue by {}", self.span(d)) } else { format!("已逾期 {}", self.span(d)) }
    }

    /// A length of time in days, hours and minutes (at least a minute).
    pub fn span(&self, d: Duration) -> String {
        let mins = d.num_minutes().max(1);
        let (days, hours, m) = (mins / 1440, mins % 1440 / 60, mins % 60);
        let en = self.en();
        let mut parts = Vec::new();
        if days > 0 {
            parts.push(if en { format!("{days} d") } else { format!("{days} 天") });
        }
        if hours > 0 {
            parts.push(if en { format!("{hours} h") } else { format!("{hours} 小时") });
        }
        if m > 0 && days == 0 {
            parts.push(if en { format!("{m} min") } else { format!("{m} 分钟") });
        }
        parts.join(" ")
    }

    /// `due 11-24 08:30`, `时限 11-24 08:30`.
    pub fn due(&self, at: &str) -> String {
        if self.en() { format!("due {at}") } else { format!("时限 {at}") }
    }

    /// `by daowai01`, `确认人 daowai01`.
    pub fn by(&self, officer: &str) -> String {
        if self.en() { format!("by {officer}") } else { format!("确认人 {officer}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_counts() {
        let (zh, en) = (&OfficersTr::ZH, &OfficersTr::EN);
        assert_eq!(en.n_of_m(1, 2), "1 of 2 acknowledged");
        assert_eq!(zh.n_of_m(1, 2), "1/2 已确认");
        assert_eq!(en.overdue_by(Duration::minutes(65)), "overdue by 1 h 5 min");
        assert_eq!(zh.due_in(Duration::minutes(25)), "剩余 25 分钟");
        assert_eq!(en.span(Duration::minutes(26 * 60 + 3)), "1 d 2 h");
        assert_eq!(en.span(Duration::seconds(10)), "1 min");
    }
}
