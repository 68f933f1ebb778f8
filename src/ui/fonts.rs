//! The bundled CJK font (a subset of Noto Sans CJK SC, OFL; see `assets/fonts/SOURCES.md`),
//! installed as the first choice for all text so Chinese renders on any machine.

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

const NOTO_SC: &[u8] = crate::i18n::BUNDLED_FONT;
const NAME: &str = "NotoSansSC-Sitboard";

pub fn definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(NAME.to_owned(), Arc::new(FontData::from_static(NOTO_SC)));
    if let Some(list) = fonts.families.get_mut(&FontFamily::Proportional) {
        list.insert(0, NAME.to_owned());
    }
    if let Some(list) = fonts.families.get_mut(&FontFamily::Monospace) {
        list.push(NAME.to_owned());
    }
    fonts
}

pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}
