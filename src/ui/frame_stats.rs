//! What a frame costs, from inside (issue 19): `sitboard --frame-stats` (or
//! `SITBOARD_FRAME_STATS=1`) prints a line to stderr every 10 s while frames are drawn and
//! one for the whole run at exit: frames drawn, the process's CPU per frame (all threads,
//! `getrusage`), split into UI (the board's pass and tessellation) and render/present with
//! p50/p95, the longest frame (UI + render: a stall), the textures egui holds (count and
//! bytes: a wall running for weeks must not grow them), the renderer and its adapter, the
//! time from process start to the first presented frame, and to the first complete frame:
//! the first one presented with the data loaded and the first view drawn with it (not the
//! loading board).
//!
//! The split is exact on the CPU renderer (the runner times its own phases). On eframe's
//! paths (wgpu, OpenGL) the UI part is the process CPU spent in the board's `logic` and `ui`,
//! and render/present is eframe's own figure for the rest of the frame on the main thread
//! (`Frame::info().cpu_usage`, which excludes the wait for vsync); the CPU per frame over the
//! window includes the driver's threads (llvmpipe) either way.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How often a line is printed while frames are drawn.
pub const INTERVAL: Duration = Duration::from_secs(10);

static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Note when the process started (call first thing in `main`; later calls do nothing).
pub fn mark_process_start() {
    let _ = PROCESS_START.get_or_init(Instant::now);
}

/// Time since [`mark_process_start`] (since the first call of this function if it was never
/// called).
pub fn since_process_start() -> Duration {
    PROCESS_START.get_or_init(Instant::now).elapsed()
}

/// Whether `SITBOARD_FRAME_STATS` asks for the statistics (`1`, `true`, `yes`, `on`).
pub fn enabled_by_env() -> bool {
    std::env::var("SITBOARD_FRAME_STATS")
        .map(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
        .unwrap_or(false)
}

/// CPU time used so far by the whole process (user + system, all threads); `None` where it
/// cannot be read.
pub fn process_cpu() -> Option<Duration> {
    #[cfg(unix)]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage writes a `rusage` into the pointer it is given; it is valid and
        // zero-initialised, and read only when the call succeeds.
        let usage = unsafe {
            if libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) != 0 {
                return None;
            }
            usage.assume_init()
        };
        let tv = |t: libc::timeval| {
            Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
                + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
        };
        Some(tv(usage.ru_utime) + tv(usage.ru_stime))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// A histogram of milliseconds in 0.05 ms steps up to 200 ms (and one bin above): p50/p95
/// without keeping every sample.
#[derive(Clone)]
struct Histogram {
    bins: Vec<u32>,
    count: u64,
    sum_ms: f64,
}

const BIN_MS: f64 = 0.05;
const BINS: usize = 4000;

impl Default for Histogram {
    fn default() -> Self {
        Histogram { bins: vec![0; BINS + 1], count: 0, sum_ms: 0.0 }
    }
}

impl Histogram {
    fn add(&mut self, ms: f64) {
        let ms = if ms.is_finite() { ms.max(0.0) } else { 0.0 };
        let bin = ((ms / BIN_MS) as usize).min(BINS);
        if let Some(b) = self.bins.get_mut(bin) {
            *b += 1;
        }
        self.count += 1;
        self.sum_ms += ms;
    }

    fn mean(&self) -> f64 {
        if self.count == 0 { 0.0 } else { self.sum_ms / self.count as f64 }
    }

    /// The upper edge of the bin holding quantile `q` (0–1).
    fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let target = ((self.count as f64 * q).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (i, n) in self.bins.iter().enumerate() {
            seen += u64::from(*n);
            if seen >= target {
                return (i + 1) as f64 * BIN_MS;
            }
        }
        (BINS + 1) as f64 * BIN_MS
    }
}

/// Frames over a span of time.
#[derive(Clone)]
struct Span {
    started: Instant,
    cpu_at_start: Option<Duration>,
    frames: u64,
    ui: Histogram,
    render: Histogram,
    /// The longest frame, UI + render, in ms.
    longest_ms: f64,
}

impl Span {
    fn new() -> Self {
        Span {
            started: Instant::now(),
            cpu_at_start: process_cpu(),
            frames: 0,
            ui: Histogram::default(),
            render: Histogram::default(),
            longest_ms: 0.0,
        }
    }
}

/// The counters of one window's frames; prints only when enabled.
pub struct FrameStats {
    enabled: bool,
    renderer: String,
    first_frame: Option<Duration>,
    first_complete: Option<Duration>,
    window: Span,
    total: Span,
    /// The textures egui held after the last frame: count and bytes.
    textures: Option<(usize, usize)>,
}

impl FrameStats {
    /// Statistics for frames drawn by `renderer` (its description, e.g. "cpu (software,
    /// egui_software_backend)"); lines are printed only when `enabled`.
    pub fn new(enabled: bool, renderer: String) -> Self {
        FrameStats {
            enabled,
            renderer,
            first_frame: None,
            first_complete: None,
            window: Span::new(),
            total: Span::new(),
            textures: None,
        }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    pub fn set_renderer(&mut self, renderer: String) {
        self.renderer = renderer;
    }

    /// One frame drawn: milliseconds of UI and of render/present.
    pub fn frame(&mut self, ui_ms: f64, render_ms: f64) {
        for span in [&mut self.window, &mut self.total] {
            span.frames += 1;
            span.ui.add(ui_ms);
            span.render.add(render_ms);
            span.longest_ms = span.longest_ms.max(ui_ms + render_ms);
        }
    }

    /// The textures egui holds now (call once a frame with the context's texture manager).
    pub fn textures(&mut self, ctx: &egui::Context) {
        let tex = ctx.tex_manager();
        let tex = tex.read();
        self.textures = Some((tex.num_allocated(), tex.allocated().map(|(_, m)| m.bytes_used()).sum()));
    }

    /// The first frame was presented `since_start` after the process started (only the first
    /// call counts).
    pub fn first_presented(&mut self, since_start: Duration) {
        if self.first_frame.is_none() {
            self.first_frame = Some(since_start);
            if self.enabled {
                eprintln!("frame stats: first frame presented {:.3} s after start", since_start.as_secs_f64());
            }
        }
    }

    pub fn first_frame(&self) -> Option<Duration> {
        self.first_frame
    }

    /// The first complete frame (the data loaded and drawn) was presented `since_start` after
    /// the process started (only the first call counts; it is a presented frame too).
    pub fn complete_presented(&mut self, since_start: Duration) {
        self.first_presented(since_start);
        if self.first_complete.is_none() {
            self.first_complete = Some(since_start);
            if self.enabled {
                eprintln!("frame stats: first complete frame presented {:.3} s after start", since_start.as_secs_f64());
            }
        }
    }

    pub fn first_complete(&self) -> Option<Duration> {
        self.first_complete
    }

    /// Call after each frame: prints the last window's line when [`INTERVAL`] has passed.
    pub fn tick(&mut self) {
        if self.window.started.elapsed() >= INTERVAL {
            if self.enabled {
                eprintln!("{}", self.line(&self.window, "last"));
            }
            self.window = Span::new();
        }
    }

    /// The line for the whole run (printed at exit when enabled).
    pub fn total_line(&self) -> String {
        self.line(&self.total, "run")
    }

    /// Print the whole run's line (when enabled).
    pub fn finish(&self) {
        if self.enabled {
            eprintln!("{}", self.total_line());
        }
    }

    fn line(&self, span: &Span, label: &str) -> String {
        let cpu = match (span.cpu_at_start, process_cpu()) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        };
        format_line(&LineFigures {
            label,
            seconds: span.started.elapsed().as_secs_f64(),
            frames: span.frames,
            process_cpu_ms: cpu.map(|d| d.as_secs_f64() * 1000.0),
            ui: [span.ui.mean(), span.ui.quantile(0.5), span.ui.quantile(0.95)],
            render: [span.render.mean(), span.render.quantile(0.5), span.render.quantile(0.95)],
            longest_ms: span.longest_ms,
            textures: self.textures,
            renderer: &self.renderer,
            first_frame_s: self.first_frame.map(|d| d.as_secs_f64()),
            first_complete_s: self.first_complete.map(|d| d.as_secs_f64()),
        })
    }
}

/// What one stats line says.
pub struct LineFigures<'a> {
    /// "last" (the last interval) or "run" (since start).
    pub label: &'a str,
    pub seconds: f64,
    pub frames: u64,
    /// Process CPU (all threads) over the span, when known.
    pub process_cpu_ms: Option<f64>,
    /// Mean, p50 and p95 in ms.
    pub ui: [f64; 3],
    pub render: [f64; 3],
    /// The longest frame (UI + render), ms.
    pub longest_ms: f64,
    /// The textures egui holds at the end of the span: count and bytes.
    pub textures: Option<(usize, usize)>,
    pub renderer: &'a str,
    pub first_frame_s: Option<f64>,
    /// The first frame presented with the data drawn.
    pub first_complete_s: Option<f64>,
}

/// One line of frame statistics.
pub fn format_line(f: &LineFigures<'_>) -> String {
    let per_frame = match f.process_cpu_ms {
        Some(ms) if f.frames > 0 => format!("{:.2} ms", ms / f.frames as f64),
        Some(_) => "-".to_owned(),
        None => "n/a".to_owned(),
    };
    let cpu_total = f.process_cpu_ms.map_or_else(|| "n/a".to_owned(), |ms| format!("{:.2} s", ms / 1000.0));
    let first = f.first_frame_s.map_or_else(|| "not yet".to_owned(), |s| format!("{s:.3} s"));
    let complete = f.first_complete_s.map_or_else(|| "not yet".to_owned(), |s| format!("{s:.3} s"));
    let textures =
        f.textures.map_or_else(|| "not counted".to_owned(), |(n, b)| format!("{n} ({:.1} KiB)", b as f64 / 1024.0));
    format!(
        "frame stats ({} {:.1} s): {} frames; process CPU {} ({} per frame, all threads); \
         UI mean {:.2} p50 {:.2} p95 {:.2} ms; render+present mean {:.2} p50 {:.2} p95 {:.2} ms; \
         longest frame {:.2} ms; textures {}; renderer {}; first frame {} after start, first complete frame {}",
        f.label,
        f.seconds,
        f.frames,
        cpu_total,
        per_frame,
        f.ui[0],
        f.ui[1],
        f.ui[2],
        f.render[0],
        f.render[1],
        f.render[2],
        f.longest_ms,
        textures,
        f.renderer,
        first,
        complete
    )
}

/// The frame statistics of eframe's paths, fed from the app's `ui`: eframe reports a frame's
/// cost (`cpu_usage`) at the start of the next one, so each frame is recorded then.
pub struct EframeProbe {
    pub stats: FrameStats,
    started: Option<(Instant, Option<Duration>)>,
    /// The last `ui` call's process CPU (ms), wall time and whether it drew the data, until
    /// eframe reports its frame.
    pending: Option<(f64, Duration, bool)>,
    first_start: Option<Duration>,
    /// When the last `ui` call started, until a complete frame was presented.
    complete_start: Option<Duration>,
}

impl EframeProbe {
    pub fn new(stats: FrameStats) -> Self {
        EframeProbe { stats, started: None, pending: None, first_start: None, complete_start: None }
    }

    /// At the start of `ui`, with `frame.info().cpu_usage` (the previous frame, seconds).
    pub fn begin(&mut self, previous_frame_s: Option<f32>) {
        if let Some((ui_ms, ui_wall, complete)) = self.pending.take() {
            let frame = previous_frame_s.map(|s| Duration::from_secs_f32(s.max(0.0)));
            let render_ms = frame.map_or(0.0, |f| f.saturating_sub(ui_wall).as_secs_f64() * 1000.0);
            self.stats.frame(ui_ms, render_ms);
            if let (Some(start), Some(f)) = (self.first_start, frame) {
                self.stats.first_presented(start + f);
            }
            if complete && let Some(f) = frame {
                self.stats.complete_presented(self.complete_start.unwrap_or_default() + f);
            }
            self.stats.tick();
        }
        if self.first_start.is_none() {
            self.first_start = Some(since_process_start());
        }
        if self.stats.first_complete().is_none() {
            self.complete_start = Some(since_process_start());
        }
        self.started = Some((Instant::now(), process_cpu()));
    }

    /// At the end of `ui`; `complete`: the frame drew the data (not the loading board).
    pub fn end(&mut self, complete: bool) {
        if let Some((t0, cpu0)) = self.started.take() {
            let wall = t0.elapsed();
            let ui_ms = match (cpu0, process_cpu()) {
                (Some(a), Some(b)) => b.saturating_sub(a).as_secs_f64() * 1000.0,
                _ => wall.as_secs_f64() * 1000.0,
            };
            self.pending = Some((ui_ms, wall, complete));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_frames_cpu_split_quantiles_renderer_and_first_frame() {
        let line = format_line(&LineFigures {
            label: "last",
            seconds: 10.0,
            frames: 200,
            process_cpu_ms: Some(2000.0),
            ui: [2.0, 1.9, 3.5],
            render: [6.0, 5.5, 9.25],
            longest_ms: 31.5,
            textures: Some((3, 4 * 1024 * 1024)),
            renderer: "cpu (software, egui_software_backend)",
            first_frame_s: Some(0.412),
            first_complete_s: Some(0.468),
        });
        assert_eq!(
            line,
            "frame stats (last 10.0 s): 200 frames; process CPU 2.00 s (10.00 ms per frame, all threads); \
             UI mean 2.00 p50 1.90 p95 3.50 ms; render+present mean 6.00 p50 5.50 p95 9.25 ms; \
             longest frame 31.50 ms; textures 3 (4096.0 KiB); renderer cpu (software, egui_software_backend); \
             first frame 0.412 s after start, first complete frame 0.468 s"
        );
        let none = format_line(&LineFigures {
            label: "run",
            seconds: 1.0,
            frames: 0,
            process_cpu_ms: None,
            ui: [0.0; 3],
            render: [0.0; 3],
            longest_ms: 0.0,
            textures: None,
            renderer: "gpu",
            first_frame_s: None,
            first_complete_s: None,
        });
        assert!(none.contains("0 frames; process CPU n/a (n/a per frame"), "{none}");
        assert!(none.ends_with("first frame not yet after start, first complete frame not yet"), "{none}");
    }

    #[test]
    fn frames_are_counted_and_quantiles_come_from_them() {
        let mut stats = FrameStats::new(false, "cpu".into());
        for i in 0..100 {
            // UI 1..=100 ms; render always 4 ms.
            stats.frame(f64::from(i + 1), 4.0);
        }
        stats.first_presented(Duration::from_millis(420));
        stats.first_presented(Duration::from_secs(9)); // only the first counts
        assert_eq!(stats.first_frame(), Some(Duration::from_millis(420)));
        let line = stats.total_line();
        assert!(line.contains(": 100 frames;"), "{line}");
        assert!(line.contains("UI mean 50.50 p50 50.05 p95 95.05 ms"), "{line}");
        assert!(line.contains("render+present mean 4.00 p50 4.05 p95 4.05 ms"), "{line}");
        assert!(line.contains("longest frame 104.00 ms; textures not counted;"), "{line}");
        assert!(line.contains("renderer cpu;"), "{line}");
        assert!(line.contains("first frame 0.420 s after start, first complete frame not yet"), "{line}");
        // The loading board came first; the first frame with the data is the complete one.
        stats.complete_presented(Duration::from_millis(610));
        stats.complete_presented(Duration::from_secs(9));
        assert_eq!(stats.first_frame(), Some(Duration::from_millis(420)));
        assert_eq!(stats.first_complete(), Some(Duration::from_millis(610)));
        assert!(stats.total_line().ends_with("first frame 0.420 s after start, first complete frame 0.610 s"));
        #[cfg(unix)]
        assert!(!line.contains("n/a"), "{line}");
    }

    #[test]
    fn the_process_cpu_clock_runs() {
        #[cfg(unix)]
        {
            let a = process_cpu().expect("getrusage");
            let mut x = 0u64;
            let t = Instant::now();
            while t.elapsed() < Duration::from_millis(30) {
                x = x.wrapping_add(std::hint::black_box(1));
            }
            let b = process_cpu().expect("getrusage");
            assert!(b > a, "{a:?} -> {b:?} ({x})");
        }
    }
}
