//! The daily briefing as an A4 PDF, written with `krilla` (the PDF layer of typst): text
//! shaped and set in the bundled Noto Sans SC subset, which krilla subsets again to the
//! glyphs used and embeds with a ToUnicode map (so the text can be searched and copied).
//! A small flowing layout: a cursor down the page, lines broken by the font's own advance
//! widths (anywhere between CJK characters, at spaces in English), a new page when full.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::{Page, PageSettings};
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use super::{BriefTable, Briefing, Curve, Section, curve_max};
use crate::i18n::BUNDLED_FONT;

const A4: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 50.0;
const BODY: f32 = 10.5;
const RED: (u8, u8, u8) = (0xb0, 0x00, 0x00);

/// Write the briefing as PDF bytes.
pub fn render(b: &Briefing) -> Result<Vec<u8>, String> {
    let font = Font::new(BUNDLED_FONT.to_vec().into(), 0).ok_or("the bundled font cannot be read")?;
    let face = ttf_parser::Face::parse(BUNDLED_FONT, 0).map_err(|e| format!("the bundled font cannot be read: {e}"))?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(b.title.clone())
            .language(b.lang.pick("zh-CN", "en").to_owned())
            .creator("Sitboard".to_owned()),
    );
    {
        let mut w = Writer { doc: &mut doc, font, face, y: MARGIN, page: None, lang_zh: !b.lang.is_en() };
        w.new_page();
        w.title(b);
        w.paragraph(&b.headline, 12.0, 2.0);
        if let Some(t) = &b.by_region {
            w.heading(&t.title);
            w.table(t);
        }
        w.heading(&b.curve.title);
        w.chart(&b.curve);
        for s in b.sections.iter().chain(std::iter::once(&b.provenance)) {
            w.section(s);
        }
        w.y += 8.0;
        w.line_rule((0x99, 0x99, 0x99), 0.5);
        w.paragraph(&b.footer, 8.5, 0.0);
        w.finish_page();
    }
    doc.finish().map_err(|e| format!("cannot write the PDF: {e:?}"))
}

struct Writer<'d> {
    doc: &'d mut Document,
    font: Font,
    face: ttf_parser::Face<'static>,
    y: f32,
    /// The page being drawn: its page and surface live only while drawing, so the page's
    /// draw commands are kept here and drawn when the page is finished.
    page: Option<Vec<Op>>,
    lang_zh: bool,
}

/// A drawing command of the current page.
enum Op {
    Text { x: f32, y: f32, size: f32, text: String, colour: (u8, u8, u8) },
    Rect { x: f32, y: f32, w: f32, h: f32, colour: (u8, u8, u8) },
    Line { points: Vec<(f32, f32)>, colour: (u8, u8, u8), width: f32 },
}

impl Writer<'_> {
    fn new_page(&mut self) {
        self.finish_page();
        self.page = Some(Vec::new());
        self.y = MARGIN;
    }

    fn finish_page(&mut self) {
        let Some(ops) = self.page.take() else { return };
        let Some(settings) = PageSettings::from_wh(A4.0, A4.1) else { return };
        let mut page: Page<'_> = self.doc.start_page_with(settings);
        let mut s: Surface<'_> = page.surface();
        for op in ops {
            match op {
                Op::Text { x, y, size, text, colour } => {
                    s.set_fill(Some(fill(colour)));
                    s.draw_text(Point::from_xy(x, y), self.font.clone(), size, &text, false, TextDirection::Auto);
                }
                Op::Rect { x, y, w, h, colour } => {
                    if let Some(r) = Rect::from_xywh(x, y, w.max(0.1), h.max(0.1)) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(r);
                        if let Some(p) = pb.finish() {
                            s.set_fill(Some(fill(colour)));
                            s.set_stroke(None);
                            s.draw_path(&p);
                        }
                    }
                }
                Op::Line { points, colour, width } => {
                    let mut pb = PathBuilder::new();
                    for (i, (x, y)) in points.iter().enumerate() {
                        if i == 0 { pb.move_to(*x, *y) } else { pb.line_to(*x, *y) }
                    }
                    if let Some(p) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
                            width,
                            ..Default::default()
                        }));
                        s.draw_path(&p);
                        s.set_stroke(None);
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.page.get_or_insert_with(Vec::new)
    }

    /// Room for `h` more points on this page, else a new page.
    fn need(&mut self, h: f32) {
        if self.y + h > A4.1 - MARGIN {
            self.new_page();
        }
    }

    fn width_of(&self, text: &str, size: f32) -> f32 {
        let upem = f32::from(self.face.units_per_em());
        text.chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .map(|a| f32::from(a) / upem * size)
                    .unwrap_or(size)
            })
            .sum()
    }

    /// Break text into lines no wider than `width`: anywhere after a CJK character or a
    /// space, or anywhere at all in a word too long for a line.
    fn wrap(&self, text: &str, size: f32, width: f32, first_indent: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut w = first_indent;
        let mut last_break: Option<usize> = None;
        for c in text.chars() {
            let cw = self.width_of(&c.to_string(), size);
            if w + cw > width && !line.is_empty() {
                match last_break.filter(|b| *b > 0 && *b < line.len()) {
                    Some(b) if !is_cjk(c) && c != ' ' => {
                        let rest = line.split_off(b);
                        lines.push(line.trim_end().to_owned());
                        line = rest.trim_start().to_owned();
                    }
                    _ => {
                        lines.push(line.trim_end().to_owned());
                        line = String::new();
                    }
                }
                w = self.width_of(&line, size);
                last_break = None;
                if c == ' ' {
                    continue;
                }
            }
            line.push(c);
            w += cw;
            if c == ' ' || is_cjk(c) {
                last_break = Some(line.len());
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn text(&mut self, x: f32, size: f32, text: &str, colour: (u8, u8, u8)) {
        let y = self.y + size;
        self.ops().push(Op::Text { x, y, size, text: text.to_owned(), colour });
    }

    fn title(&mut self, b: &Briefing) {
        let size = 20.0;
        let w = self.width_of(&b.title, size);
        self.text((A4.0 - w) / 2.0, size, &b.title, RED);
        self.y += size * 1.5;
        self.line_rule(RED, 1.5);
        let w = self.width_of(&b.subtitle, 10.0);
        self.text((A4.0 - w) / 2.0, 10.0, &b.subtitle, (0x44, 0x44, 0x44));
        self.y += 22.0;
    }

    fn line_rule(&mut self, colour: (u8, u8, u8), width: f32) {
        let y = self.y;
        self.ops().push(Op::Line { points: vec![(MARGIN, y), (A4.0 - MARGIN, y)], colour, width });
        self.y += 6.0;
    }

    /// A paragraph; `indent_em` indents its first line (2 em in a Chinese bulletin).
    fn paragraph(&mut self, text: &str, size: f32, indent_em: f32) {
        let indent = if self.lang_zh { indent_em * size } else { 0.0 };
        let lines = self.wrap(text, size, A4.0 - 2.0 * MARGIN, indent);
        for (i, l) in lines.iter().enumerate() {
            self.need(size * 1.6);
            let x = MARGIN + if i == 0 { indent } else { 0.0 };
            self.text(x, size, l, (0x11, 0x11, 0x11));
            self.y += size * 1.6;
        }
        self.y += 4.0;
    }

    fn heading(&mut self, title: &str) {
        self.need(40.0);
        self.y += 6.0;
        let y = self.y;
        self.ops().push(Op::Rect { x: MARGIN, y, w: 3.0, h: 15.0, colour: RED });
        self.text(MARGIN + 8.0, 12.5, title, (0, 0, 0));
        self.y += 22.0;
    }

    fn section(&mut self, s: &Section) {
        self.heading(&s.title);
        for l in &s.lines {
            let lines = self.wrap(l, BODY, A4.0 - 2.0 * MARGIN - 12.0, 0.0);
            for (i, line) in lines.iter().enumerate() {
                self.need(BODY * 1.6);
                if i == 0 {
                    self.text(MARGIN, BODY, "•", (0x55, 0x55, 0x55));
                }
                self.text(MARGIN + 12.0, BODY, line, (0x11, 0x11, 0x11));
                self.y += BODY * 1.6;
            }
        }
    }

    fn table(&mut self, t: &BriefTable) {
        let size = 9.5;
        let row_h = size * 1.9;
        let total = A4.0 - 2.0 * MARGIN;
        let n = t.columns.len().max(1);
        // The first and last columns are text (name, provenance); the rest are numbers.
        let name_w = total * 0.2;
        let prov_w = total * 0.22;
        let num_w = (total - name_w - prov_w) / (n.saturating_sub(2).max(1)) as f32;
        let widths: Vec<f32> = (0..n)
            .map(|i| {
                if i == 0 {
                    name_w
                } else if i == n - 1 {
                    prov_w
                } else {
                    num_w
                }
            })
            .collect();
        let draw_row = |w: &mut Self, cells: &[String], header: bool| {
            w.need(row_h);
            if header {
                let y = w.y;
                w.ops().push(Op::Rect { x: MARGIN, y, w: total, h: row_h, colour: (0xee, 0xee, 0xee) });
            }
            let mut x = MARGIN;
            for (i, c) in cells.iter().enumerate() {
                let cw = widths.get(i).copied().unwrap_or(num_w);
                let numeric = i > 0 && i < n - 1 && !header;
                let mut text = c.clone();
                while w.width_of(&text, size) > cw - 6.0 && text.chars().count() > 1 {
                    text.pop();
                }
                let tx = if numeric { x + cw - 4.0 - w.width_of(&text, size) } else { x + 4.0 };
                let y = w.y + (row_h - size) / 2.0 - 1.0;
                let colour = if header { (0x33, 0x33, 0x33) } else { (0x11, 0x11, 0x11) };
                w.ops().push(Op::Text { x: tx, y: y + size, size, text, colour });
                x += cw;
            }
            w.y += row_h;
            let y = w.y;
            w.ops().push(Op::Line {
                points: vec![(MARGIN, y), (MARGIN + total, y)],
                colour: (0xbb, 0xbb, 0xbb),
                width: 0.4,
            });
        };
        draw_row(self, &t.columns, true);
        for r in &t.rows {
            draw_row(self, r, false);
        }
        self.y += 6.0;
    }

    fn chart(&mut self, c: &Curve) {
        let h = 150.0;
        self.need(h + 30.0);
        let (left, top) = (MARGIN + 30.0, self.y + 16.0);
        let width = A4.0 - MARGIN - left;
        let bottom = top + h - 20.0;
        let max = curve_max(c) as f32;
        let n = c.days.len().max(1) as f32;
        let step = width / n;
        let y_of = |v: f32| bottom - v / max * (bottom - top);
        // Legend.
        let ly = self.y;
        self.ops().push(Op::Rect { x: left, y: ly + 2.0, w: 8.0, h: 8.0, colour: (0xd9, 0x53, 0x4f) });
        self.ops().push(Op::Text {
            x: left + 12.0,
            y: ly + 10.0,
            size: 8.5,
            text: c.new_label.clone(),
            colour: (0x33, 0x33, 0x33),
        });
        self.ops().push(Op::Line {
            points: vec![(left + 110.0, ly + 6.0), (left + 122.0, ly + 6.0)],
            colour: (0x1f, 0x5f, 0xa8),
            width: 2.0,
        });
        self.ops().push(Op::Text {
            x: left + 126.0,
            y: ly + 10.0,
            size: 8.5,
            text: c.active_label.clone(),
            colour: (0x33, 0x33, 0x33),
        });
        // Axis and scale.
        self.ops().push(Op::Line {
            points: vec![(left, bottom), (left + width, bottom)],
            colour: (0x66, 0x66, 0x66),
            width: 0.6,
        });
        self.ops().push(Op::Line { points: vec![(left, top), (left, bottom)], colour: (0x66, 0x66, 0x66), width: 0.6 });
        let max_label = format!("{}", max as u32);
        let mw = self.width_of(&max_label, 8.0);
        self.ops().push(Op::Text {
            x: left - 4.0 - mw,
            y: top + 8.0,
            size: 8.0,
            text: max_label,
            colour: (0x44, 0x44, 0x44),
        });
        self.ops().push(Op::Text {
            x: left - 10.0,
            y: bottom,
            size: 8.0,
            text: "0".into(),
            colour: (0x44, 0x44, 0x44),
        });
        for (i, (_, new, _)) in c.days.iter().enumerate() {
            if let Some(v) = new.filter(|v| *v > 0) {
                let x = left + i as f32 * step + step * 0.1;
                let y = y_of(v as f32);
                self.ops().push(Op::Rect { x, y, w: (step * 0.8).max(0.4), h: bottom - y, colour: (0xd9, 0x53, 0x4f) });
            }
        }
        let pts: Vec<(f32, f32)> = c
            .days
            .iter()
            .enumerate()
            .filter_map(|(i, (_, _, a))| a.map(|a| (left + (i as f32 + 0.5) * step, y_of(a as f32))))
            .collect();
        if pts.len() > 1 {
            self.ops().push(Op::Line { points: pts, colour: (0x1f, 0x5f, 0xa8), width: 1.5 });
        }
        if let (Some(first), Some(last)) = (c.days.first(), c.days.last()) {
            let l = last.0.to_string();
            let lw = self.width_of(&l, 8.0);
            self.ops().push(Op::Text {
                x: left,
                y: bottom + 11.0,
                size: 8.0,
                text: first.0.to_string(),
                colour: (0x44, 0x44, 0x44),
            });
            self.ops().push(Op::Text {
                x: left + width - lw,
                y: bottom + 11.0,
                size: 8.0,
                text: l,
                colour: (0x44, 0x44, 0x44),
            });
        }
        self.y = bottom + 20.0;
    }
}

fn fill(c: (u8, u8, u8)) -> Fill {
    Fill { paint: rgb::Color::new(c.0, c.1, c.2).into(), opacity: NormalizedF32::ONE, ..Default::default() }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}
