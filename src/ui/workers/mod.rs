//! The board's background work, one worker per job and all of one shape: `XLink::spawn(…,
//! waker)` starts a thread and returns the UI's end at once; `XLink::poll()` takes in what
//! arrived without blocking; a worker wakes the UI through its [`Waker`] only when something
//! on screen changes. The UI thread never waits on IO.
//!
//! - [`load`]: read the file sources once (and prepare the map geometry);
//! - [`live`]: follow http(s) sources (the feed client runs on its own runtime);
//! - [`journal`]: the directive journal's writes, reads and exports;
//! - [`push`]: send the local journal to the hub;
//! - [`replay`]: read a snapshot archive back, instant by instant;
//! - [`signin`]: ask the hub who the officer's token belongs to.

pub mod journal;
pub mod live;
pub mod load;
pub mod push;
pub mod replay;
pub mod signin;

use std::sync::{Arc, OnceLock};

pub use journal::{JournalLink, JournalRequest, JournalStatus};
pub use live::LiveLink;
pub use load::{LoadLink, LoadResult};
pub use push::{PushLink, PushStatus};
pub use replay::{ReplayLink, ReplayMsg};
pub use signin::{SignInLink, SignInStatus};

/// How a worker asks for a repaint. Made before the UI runs (the app's constructor, tests)
/// it can be given the egui context later; without one, waking does nothing (headless
/// tests drive frames themselves).
#[derive(Clone, Default)]
pub struct Waker(Arc<OnceLock<egui::Context>>);

impl Waker {
    pub fn new(ctx: Option<egui::Context>) -> Self {
        let w = Waker::default();
        if let Some(c) = ctx {
            let _ = w.0.set(c);
        }
        w
    }

    /// Give the waker the context to repaint (once the UI runs; later calls change nothing).
    pub fn set_ctx(&self, ctx: &egui::Context) {
        if self.0.get().is_none() {
            let _ = self.0.set(ctx.clone());
        }
    }

    pub fn wake(&self) {
        if let Some(c) = self.0.get() {
            c.request_repaint();
        }
    }
}
