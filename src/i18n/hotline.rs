//! Strings of the 12345 hotline (the hotline tab, the map's "hotline overdue" colouring, the
//! wall's hotline view, `sitboard report`), in Chinese and English: a part of [`super::Tr`],
//! reached as `tr.hotline`.

tr_table! {
    /// The 12345 hotline.
    pub struct HotlineTr {
        tab: "12345热线", "12345 hotline";
        title: "12345 热线工单", "12345 hotline work orders";
        none: "本地区此时没有热线工单数据", "No hotline work orders for this region at this time";
        synthetic_note: "工单为合成演示数据", "Work orders are synthetic demo data";
        // Key figures.
        volume_today: "今日受理", "Received today";
        open: "未办结", "Open";
        overdue: "超时", "Overdue";
        in_time: "按时办结率", "Closed in time";
        acted_in_time: "2小时内响应", "Acted on within 2 h";
        no_closings: "今日无办结", "none closed today";
        // Published period figures.
        published: "公开发布", "Published";
        requests: "诉求", "requests";
        connection_rate: "接通率", "connection rate";
        response_rate: "答复率", "response rate";
        baseline: "较平时", "vs normal";
        topics_published: "主要诉求", "Main topics";
        reported: "公开数据", "reported";
        // Charts.
        by_hour: "近24小时受理（每小时）", "Received per hour, last 24 h";
        by_day: "每日受理（近30天）", "Received per day, last 30 days";
        topics: "诉求分类排行（近7天）", "Topics ranked, last 7 days";
        backlog: "积压工单（未办结，近7天）", "Backlog (open orders), last 7 days";
        // Lists and filters.
        overdue_list: "超时工单（逐项督办）", "Overdue orders (chased until closed)";
        due_soon: "即将超时", "About to breach";
        districts: "各区县", "Districts";
        district: "区县", "District";
        category: "分类", "Category";
        all_categories: "全部分类", "All categories";
        all_districts: "全部区县", "All districts";
        received: "受理时间", "Received";
        breach_first_action: "2小时未响应", "no action in 2 h";
        breach_close: "1个工作日未办结", "not closed in 1 working day";
        /// Before a duration: "超时 3小时20分".
        overdue_by: "超时", "overdue by";
        /// Before a duration: "剩余 25分".
        left: "剩余", "left";
        hours: "小时", "h";
        minutes: "分", "min";
        days: "天", "d";
        select_district_hint: "点击选中该区县（地图、曲线同步）", "Click to select this district on the whole board (map, curves)";
        cases_today: "今日新增确诊", "New cases today";
        directives_in_force: "有效指令", "Directives in force";
        // Map colouring.
        map_mode: "热线超时工单", "Hotline overdue";
        // report.
        report_heading: "12345 热线", "12345 hotline";
        report_none: "无工单数据", "no work orders";
    }
}

impl HotlineTr {
    /// A category's name; an unknown one (allowed by a config) shows as written.
    pub fn category<'a>(&self, c: &'a str) -> &'a str {
        let (zh, en) = match c {
            "policy" => ("政策咨询", "Policy questions"),
            "key_area_control" => ("重点区域人群管控", "Key-area controls"),
            "testing" => ("核酸检测", "Testing"),
            "health_code" => ("赋码改码", "Health code"),
            "key_venues" => ("重点场所管理", "Key venues"),
            "supplies" => ("防疫物资", "Supplies"),
            "travel" => ("出行", "Travel"),
            "medical" => ("就医", "Medical help"),
            "maternity" => ("孕产", "Births"),
            "livelihood" => ("生活保障", "Livelihood"),
            "complaint" => ("投诉", "Complaints"),
            "other" => ("其他", "Other"),
            _ => return c,
        };
        self.lang.pick(zh, en)
    }

    /// A duration in days, hours and minutes ("3小时20分", "3 h 20 min").
    pub fn duration(&self, d: chrono::Duration) -> String {
        let mins = d.num_minutes().max(0);
        let (days, h, m) = (mins / 1440, mins / 60 % 24, mins % 60);
        let sep = self.lang.pick("", " ");
        let mut out = String::new();
        if days > 0 {
            out.push_str(&format!("{days}{sep}{}{sep}", self.days));
        }
        if days > 0 || h > 0 {
            out.push_str(&format!("{h}{sep}{}{sep}", self.hours));
        }
        out.push_str(&format!("{m}{sep}{}", self.minutes));
        out
    }
}
