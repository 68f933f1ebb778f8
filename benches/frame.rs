//! Frame-time benchmark: runs the whole board headlessly (`egui::Context::run_ui` plus
//! tessellation) on the bundled demo at 1920×1080 and prints CPU milliseconds per frame.
//! Run with `cargo bench --bench frame` (release profile).
//!
//! The `raster:` scenarios also draw each frame as the CPU renderer does (`--renderer cpu`,
//! `src/ui/cpu_runner.rs`): the vendored rasterizer renders the tessellated frame into its
//! canvas (only the primitives that changed) and the damaged rectangles are copied out into a
//! window-sized buffer, as they are into softbuffer's before presenting. They print the UI
//! part and the raster part of each frame (`cargo bench --bench frame -- raster`).

use std::time::{Duration, Instant};

use egui_software_backend::ColorFieldOrder;
use sitboard::feed::{FeedSource, load_sources, registry};
use sitboard::i18n::Lang;
use sitboard::model::Adcode;
use sitboard::settings::StartView;
use sitboard::timeline::Speed;
use sitboard::ui::{SitboardApp, UiCommand, fonts, theme};

struct Stats {
    median: f64,
    p95: f64,
    mean: f64,
    max: f64,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = v.len();
    Stats {
        median: ms(v[n / 2]),
        p95: ms(v[(n * 95 / 100).min(n - 1)]),
        mean: v.iter().map(|d| ms(*d)).sum::<f64>() / n as f64,
        max: ms(v[n - 1]),
    }
}

/// Scenarios whose name contains this drag the pointer across the map (panning).
const PANNING: &str = "panning";
/// Scenarios whose name contains this play the timeline (10 instants a second, looping).
const PLAYING: &str = "playing";
/// Scenarios whose name contains this rasterize every frame with the CPU renderer.
const RASTER: &str = "raster:";
/// Scenarios whose name contains this move the pointer slowly over the case curves' chart
/// (the hover readout follows it).
const HOVER: &str = "hover";

fn input(frame: u64, size: egui::Vec2) -> egui::RawInput {
    // The pointer sweeps across the board, so hover effects are part of the cost.
    let t = frame as f32;
    let pos = egui::pos2((t * 37.0) % size.x, (t * 23.0) % size.y);
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
        time: Some(frame as f64 / 60.0),
        events: vec![egui::Event::PointerMoved(pos)],
        ..Default::default()
    }
}

fn demo_app(lang: Lang) -> SitboardApp {
    let Some(dir) = sitboard::settings::paths::bundled_demo_dir() else {
        eprintln!("the bundled demo folder data/demo was not found");
        std::process::exit(1);
    };
    let reg = match registry::bundled() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let outcome = load_sources(&[FeedSource::Path(dir)], reg);
    SitboardApp::from_outcome(outcome, lang)
}

/// A national-scale synthetic layer: `n` county polygons (24-gons with irregular radii) on a
/// grid over mainland China's extent, under one province, with one case report so the board
/// has a day to show.
fn national_app(n: usize) -> SitboardApp {
    use sitboard::model::geometry::RegionOutline;
    use sitboard::model::{CaseReport, DatasetBuilder, Region, RegionLevel, RegionRegistry};
    let code = |c: u32| Adcode::new(c).expect("constant adcode");
    let mut regions = vec![Region {
        adcode: code(100000),
        name_zh: "全国".into(),
        name_en: "Nation".into(),
        level: RegionLevel::Province,
        parent: None,
        population: None,
        has_polygon: false,
        aliases: vec![],
    }];
    let cols = 70usize;
    let mut outlines = Vec::new();
    let mut seed = 7u64;
    let mut rnd = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 1000) as f64 / 1000.0
    };
    for i in 0..n {
        let c = code(110_001 + i as u32);
        regions.push(Region {
            adcode: c,
            name_zh: format!("县{i:04}"),
            name_en: format!("County {i}"),
            level: RegionLevel::County,
            parent: Some(code(100000)),
            population: None,
            has_polygon: true,
            aliases: vec![],
        });
        let (cx, cy) = (75.0 + 0.85 * (i % cols) as f64, 20.0 + 0.75 * (i / cols) as f64);
        let ring: Vec<[f64; 2]> = (0..24)
            .map(|k| {
                let a = k as f64 / 24.0 * std::f64::consts::TAU;
                let r = 0.3 + 0.1 * rnd();
                [cx + r * a.cos(), cy + r * a.sin()]
            })
            .collect();
        outlines.push(RegionOutline { adcode: c, level: RegionLevel::County, polygons: vec![vec![ring]] });
    }
    let reg = RegionRegistry::from_regions(regions).expect("synthetic registry");
    let mut b = DatasetBuilder::new(reg);
    let mut r = CaseReport::new(code(100000), chrono::NaiveDate::from_ymd_opt(2020, 3, 3).expect("date"));
    r.counts.set(sitboard::model::CaseField::Active, Some(1));
    b.add_case_report(r, None);
    let mut report = sitboard::feed::IngestReport::new("synthetic");
    report.accept("case_reports");
    let outcome = sitboard::feed::LoadOutcome { dataset: b.build(), reports: vec![report] };
    let layer = std::sync::Arc::new(sitboard::ui::panels::map::layer::MapLayer::build(&outlines));
    SitboardApp::from_outcome(outcome, Lang::Zh).with_map_layer(layer)
}

/// The demo plus `n` synthetic checkpoints spread over Heilongjiang, each with 14 days of
/// hourly throughput ending 2022-11-29 24:00.
fn checkpoints_app(n: usize) -> SitboardApp {
    use sitboard::model::checkpoint::CodeColours;
    use sitboard::model::{Checkpoint, CheckpointKind, CheckpointStatus, DatasetBuilder, LaneCounts, Throughput};
    let Some(dir) = sitboard::settings::paths::bundled_demo_dir() else {
        eprintln!("the bundled demo folder data/demo was not found");
        std::process::exit(1);
    };
    let reg = registry::bundled().unwrap_or_default();
    let counties: Vec<Adcode> = reg
        .iter_sorted()
        .filter(|r| r.level == sitboard::model::RegionLevel::County && r.has_polygon)
        .map(|r| r.adcode)
        .collect();
    let docs: Vec<sitboard::feed::FeedDocument> = std::fs::read_dir(&dir)
        .map(|e| e.flatten().map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            sitboard::feed::FeedDocument::parse(&text, &p.display().to_string()).ok()
        })
        .collect();
    let mut b = DatasetBuilder::new(reg);
    let mut reports = sitboard::feed::ingest_documents(&docs, &mut b);
    let end = chrono::DateTime::parse_from_rfc3339("2022-11-30T00:00:00+08:00").map(|t| t.to_utc()).unwrap_or_default();
    let start = end - chrono::Duration::days(14);
    let mut seed = 11u64;
    let mut rnd = |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m.max(1)) as u32
    };
    for i in 0..n {
        let id = format!("synthetic-{i:04}");
        let region = counties[i % counties.len().max(1)];
        b.add_checkpoint(
            Checkpoint {
                id: id.clone(),
                name_zh: format!("合成卡口{i:04}"),
                name_en: format!("Synthetic checkpoint {i}"),
                kind: CheckpointKind::ALL[i % CheckpointKind::ALL.len()],
                region,
                lon: 124.0 + (i % 40) as f64 * 0.2,
                lat: 44.5 + (i / 40) as f64 * 0.2,
                position_approximate: true,
                lanes: [2, 2, 1],
                capacity_vehicles_per_hour: Some(600),
                capacity_people_per_hour: None,
                status: vec![(start, CheckpointStatus::Open)],
                source: "synthetic".into(),
                reference: None,
            },
            None,
        );
        for h in 0..14 * 24 {
            let lane = |v: u32| Some(LaneCounts { vehicles: v, people: v + v / 2 });
            b.add_throughput(
                Throughput {
                    checkpoint: id.clone(),
                    start: start + chrono::Duration::hours(h),
                    minutes: 60,
                    lanes: [lane(rnd(80)), lane(rnd(60)), lane(rnd(10))],
                    temperature_alarms: Some(rnd(3) / 2),
                    codes: Some(CodeColours { green: rnd(200), yellow: rnd(5), red: rnd(40) / 39 }),
                    turned_back: Some(rnd(4)),
                    tests: Some(rnd(30)),
                    positives: Some(rnd(2000) / 1999),
                    queue_minutes: Some(rnd(20)),
                    synthetic: true,
                },
                None,
            );
        }
    }
    let mut report = sitboard::feed::IngestReport::new("synthetic checkpoints");
    report.accept("throughput");
    reports.push(report);
    SitboardApp::from_outcome(sitboard::feed::LoadOutcome { dataset: b.build(), reports }, Lang::Zh)
}

/// The demo plus `n` synthetic 12345 work orders over Harbin's districts, 2022-11-01 … 11-29
/// (about one in twelve open and past a deadline at the end).
fn hotline_outcome(n: usize) -> sitboard::feed::LoadOutcome {
    use sitboard::model::{DatasetBuilder, WorkOrder, WorkOrderStatus};
    let Some(dir) = sitboard::settings::paths::bundled_demo_dir() else {
        eprintln!("the bundled demo folder data/demo was not found");
        std::process::exit(1);
    };
    let reg = registry::bundled().unwrap_or_default();
    let districts: Vec<Adcode> = reg.children(Adcode::new(230100).expect("Harbin")).to_vec();
    let docs: Vec<sitboard::feed::FeedDocument> = std::fs::read_dir(&dir)
        .map(|e| e.flatten().map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            sitboard::feed::FeedDocument::parse(&text, &p.display().to_string()).ok()
        })
        .collect();
    let mut b = DatasetBuilder::new(reg);
    let mut reports = sitboard::feed::ingest_documents(&docs, &mut b);
    let start =
        chrono::DateTime::parse_from_rfc3339("2022-11-01T00:00:00+08:00").map(|t| t.to_utc()).unwrap_or_default();
    let span = 29 * 24 * 3600;
    let cats =
        ["policy", "key_area_control", "testing", "health_code", "key_venues", "livelihood", "complaint", "other"];
    let mut seed = 13u64;
    let mut rnd = |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m.max(1)
    };
    for i in 0..n {
        let received = start + chrono::Duration::seconds((i as u64 * span / n as u64) as i64);
        let acted = received + chrono::Duration::minutes(rnd(150) as i64 + 1);
        let open = rnd(12) == 0;
        let closed = (!open).then(|| acted + chrono::Duration::minutes(rnd(1800) as i64));
        b.add_work_order(
            WorkOrder {
                id: format!("bench-{i:06}"),
                category: cats[rnd(cats.len() as u64) as usize].into(),
                region: districts[rnd(districts.len() as u64) as usize],
                received_at: received,
                first_action_at: (rnd(10) > 0).then_some(acted),
                due_at: None,
                status: if open { WorkOrderStatus::InProgress } else { WorkOrderStatus::Closed },
                closed_at: closed,
                summary: String::new(),
            },
            None,
        );
    }
    let mut report = sitboard::feed::IngestReport::new("synthetic work orders");
    report.accept("work_orders");
    reports.push(report);
    sitboard::feed::LoadOutcome { dataset: b.build(), reports }
}

/// The hotline's aggregation for a new instant: one `HotlineView` per hour of a day, for the
/// city (all categories), as the panel computes it when the cursor moves.
fn hotline_aggregation(n: usize, quick: bool) {
    use sitboard::model::HotlineView;
    let name = format!("hotline aggregation, {n} orders, new instant");
    if !selected(&name) {
        return;
    }
    let outcome = hotline_outcome(n);
    let data = outcome.dataset;
    let harbin = Adcode::new(230100).expect("Harbin");
    let t0 = chrono::DateTime::parse_from_rfc3339("2022-11-29T00:00:00+08:00").map(|t| t.to_utc()).unwrap_or_default();
    let rounds = if quick { 2 } else { 48 };
    let times: Vec<Duration> = (0..rounds)
        .map(|k| {
            let t = t0 + chrono::Duration::minutes(30 * k as i64 + 7);
            let start = Instant::now();
            let v = HotlineView::compute(data.hotline_index(), &data.registry, harbin, None, t);
            let e = start.elapsed();
            std::hint::black_box(v.overdue.len());
            e
        })
        .collect();
    let s = stats(times);
    println!(
        "{name:<40} median {:>6.3} ms   p95 {:>6.3} ms   mean {:>6.3} ms   max {:>6.3} ms   ({rounds} instants)",
        s.median, s.p95, s.mean, s.max
    );
}

fn run(name: &str, lang: Lang, commands: &[UiCommand], view: Option<StartView>, frames: u64) {
    if selected(name) {
        run_app(name, demo_app(lang), commands, view, frames);
    }
}

/// Scenario filters from the command line (`cargo bench --bench frame -- map`).
fn selected(name: &str) -> bool {
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
}

fn run_app(name: &str, mut app: SitboardApp, commands: &[UiCommand], view: Option<StartView>, frames: u64) {
    if !selected(name) {
        return;
    }
    let panning = name.contains(PANNING);
    let hover = name.contains(HOVER);
    let mut raster =
        name.contains(RASTER).then(|| egui_software_backend::EguiSoftwareRender::new(ColorFieldOrder::Bgra));
    // The window's buffer the damaged rectangles are copied into (softbuffer's, in the runner).
    let mut window = vec![0u32; 1920 * 1080];
    let mut raster_times = Vec::new();
    // Playing: each frame is 1/60 s of wall time, so at 10 instants a second one frame in six
    // moves the board to the next day (the p95 is those frames).
    let playing = name.contains(PLAYING);
    for c in commands {
        app.apply(c.clone());
    }
    if let Some(v) = view {
        app.show_view(v);
    }
    let ctx = egui::Context::default();
    fonts::install(&ctx);
    // As the CPU runner says: the map's layer comes to the rasterizer as a moved raster.
    sitboard::ui::renderer::set_moved_meshes(&ctx, raster.is_some());
    theme::apply(&ctx);
    let size = egui::vec2(1920.0, 1080.0);
    let mut frame_no = 0u64;
    let mut step = |app: &mut SitboardApp| {
        frame_no += 1;
        let start = Instant::now();
        if playing {
            app.tick(Duration::from_secs_f64(1.0 / 60.0));
        }
        let mut raw = input(frame_no, size);
        if hover {
            // Along the chart, a few points a frame, as a person reading the curves.
            let x = 500.0 + (frame_no as f32 * 3.0) % 1000.0;
            raw.events = vec![egui::Event::PointerMoved(egui::pos2(x, 520.0))];
        }
        if panning {
            // Hold the primary button over the map and drag it in a slow circle.
            let t = frame_no as f32 / 20.0;
            let pos = egui::pos2(1100.0 + 200.0 * t.cos(), 600.0 + 150.0 * t.sin());
            raw.events = vec![egui::Event::PointerMoved(pos)];
            // (pressed once the map is laid out: a press in the first frame lands on nothing)
            if frame_no == 5 {
                raw.events.push(egui::Event::PointerButton {
                    pos,
                    button: egui::PointerButton::Primary,
                    pressed: true,
                    modifiers: egui::Modifiers::NONE,
                });
            }
        }
        let mut out = ctx.run_ui(raw, |ui| app.frame(ui));
        let prims = ctx.tessellate(std::mem::take(&mut out.shapes), out.pixels_per_point);
        let elapsed = start.elapsed();
        if let Some(r) = raster.as_mut() {
            let t = Instant::now();
            r.render_to_canvas(1920, 1080, &prims, &out.textures_delta, out.pixels_per_point);
            let damage = r.damage();
            r.copy_canvas_to(&mut window, &damage);
            raster_times.push(t.elapsed());
            std::hint::black_box(&window);
        }
        // Applied by the rasterizer, or no renderer: font-atlas updates are dropped on purpose.
        out.textures_delta.clear();
        std::hint::black_box(prims.len());
        elapsed
    };
    for _ in 0..if frames < 10 { 2 } else { 20 } {
        step(&mut app);
    }
    let centre_before = app.map_state().view().0;
    let times: Vec<Duration> = (0..frames).map(|_| step(&mut app)).collect();
    if view == Some(StartView::Map) && !app.map_state().drawn() {
        eprintln!("warning: {name}: the map drew nothing");
    }
    if panning && app.map_state().view().0 == centre_before {
        eprintln!("warning: {name}: the map did not move");
    }
    if raster.is_some() {
        // The warm-up frames' rasters are left out, as their UI times are.
        let measured = raster_times.split_off(raster_times.len().saturating_sub(times.len()));
        let total = stats(times.iter().zip(&measured).map(|(u, r)| *u + *r).collect());
        let (ui, r) = (stats(times), stats(measured));
        println!(
            "{name:<40} UI median {:>6.3} p95 {:>6.3} ms + raster median {:>6.3} p95 {:>6.3} ms \
             = frame median {:>6.3} p95 {:>6.3} ms   ({frames} frames, 1920x1080)",
            ui.median, ui.p95, r.median, r.p95, total.median, total.p95
        );
        return;
    }
    let s = stats(times);
    println!(
        "{name:<40} median {:>6.3} ms   p95 {:>6.3} ms   mean {:>6.3} ms   max {:>6.3} ms   ({frames} frames, 1920x1080)",
        s.median, s.p95, s.mean, s.max
    );
}

fn main() {
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` it is absent, and the
    // benchmark only checks that every scenario runs (a few frames, debug build).
    let quick = !std::env::args().any(|a| a == "--bench") || std::env::var("SITBOARD_BENCH_QUICK").is_ok();
    let frames = if quick { 3 } else { 300 };
    let code = |c| Adcode::new(c).expect("constant adcode");
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("constant date");
    println!("Sitboard frame benchmark (CPU time of run_ui + tessellate per frame)");
    let prov = || vec![UiCommand::SetDate(d("2020-03-03")), UiCommand::SelectRegion(code(230000))];
    let end = || vec![UiCommand::SetDate(d("2020-04-30")), UiCommand::SelectRegion(code(230000))];
    run("overview, province, zh, 2020-03-03", Lang::Zh, &prov(), Some(StartView::Overview), frames);
    run("overview, province, en, 2020-03-03", Lang::En, &prov(), Some(StartView::Overview), frames);
    run(
        "overview, Harbin districts, 2022-11-29",
        Lang::Zh,
        &[UiCommand::SetDate(d("2022-11-29")), UiCommand::SelectRegion(code(230100))],
        Some(StartView::Overview),
        frames,
    );
    run("curves, province, 101 days, 2020-04-30", Lang::Zh, &end(), Some(StartView::Curves), frames);
    run("curves, 13 cities compared x 101 days", Lang::Zh, &end(), Some(StartView::Compare), frames);
    run("curves, 13 city small multiples x 101 days", Lang::Zh, &end(), Some(StartView::Multiples), frames);
    let play = || {
        vec![
            UiCommand::SetDate(d("2020-01-21")),
            UiCommand::SelectRegion(code(230000)),
            UiCommand::SetSpeed(Speed::MarksPerSecond(10.0)),
            UiCommand::SetLoop(true),
            UiCommand::TogglePlay,
        ]
    };
    run("overview, playing 10 days/s, province", Lang::Zh, &play(), Some(StartView::Overview), frames);
    run("wall, playing 10 days/s, province", Lang::Zh, &play(), Some(StartView::Wall), frames);
    let day = || vec![UiCommand::SetDate(d("2020-03-04")), UiCommand::SelectRegion(code(230000))];
    run("map, province, 136 regions + checkpoints", Lang::Zh, &day(), Some(StartView::Map), frames);
    run("map, province, panning (drag every frame)", Lang::Zh, &day(), Some(StartView::Map), frames);
    run(
        "map, Harbin districts, 2022-11-29",
        Lang::Zh,
        &[UiCommand::SetDate(d("2022-11-29")), UiCommand::SelectRegion(code(230100))],
        Some(StartView::Map),
        frames,
    );
    let cps = "checkpoints, 1,000 synthetic x 14 days hourly, province table + region sum";
    if selected(cps) {
        run_app(
            cps,
            checkpoints_app(1000),
            &[UiCommand::SetDate(d("2022-11-29")), UiCommand::SelectRegion(code(230000))],
            Some(StartView::Checkpoints),
            frames,
        );
    }
    let cp1 = "checkpoints, 1,000 synthetic x 14 days, one selected";
    if selected(cp1) {
        run_app(
            cp1,
            checkpoints_app(1000),
            &[
                UiCommand::SetDate(d("2022-11-29")),
                UiCommand::SelectRegion(code(230000)),
                UiCommand::SelectCheckpoint(Some("synthetic-0007".into())),
            ],
            Some(StartView::Checkpoints),
            frames,
        );
    }
    let hot = "hotline, 100,000 synthetic work orders, Harbin";
    if selected(hot) {
        run_app(
            hot,
            SitboardApp::from_outcome(hotline_outcome(100_000), Lang::Zh),
            &[UiCommand::SetDate(d("2022-11-29")), UiCommand::SelectRegion(code(230100))],
            Some(StartView::Hotline),
            frames,
        );
    }
    hotline_aggregation(100_000, quick);
    // What the CPU renderer adds to a frame (the `raster:` scenarios draw every frame).
    run("raster: overview, province, zh, 2020-03-03", Lang::Zh, &prov(), Some(StartView::Overview), frames);
    run("raster: map, province, panning (drag every frame)", Lang::Zh, &day(), Some(StartView::Map), frames);
    run("raster: curves, province, 101 days, hover", Lang::Zh, &end(), Some(StartView::Curves), frames);
    let national = "map, synthetic national layer, 2,800 polygons";
    run_app(
        national,
        if selected(national) { national_app(2800) } else { national_app(1) },
        &[UiCommand::SelectRegion(code(100000))],
        Some(StartView::Map),
        frames,
    );
}
