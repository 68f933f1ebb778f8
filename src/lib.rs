//! Sitboard: a native situation board for an epidemic command center.
//!
//! Data flows one way: feed sources → [`feed`] (parse, validate, merge) → [`model::Situation`]
//! → panels in [`ui`]. Panels emit commands back to the app's logic step; they never do IO.

pub mod backoff;
pub mod cli;
pub mod export;
pub mod feed;
pub mod hub;
pub mod hub_client;
pub mod i18n;
pub mod logging;
pub mod model;
pub mod recorder;
pub mod replay;
pub mod secret;
pub mod settings;
pub mod store;
pub mod timeline;
pub mod ui;
