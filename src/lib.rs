//! Sitboard: a native situation board for an epidemic command center.
//!
//! Data flows one way: feed sources → [`feed`] (parse, validate, merge) → [`model::Situation`]
//! → panels in [`ui`]. Panels emit commands back to the app's logic step; they never do IO.

pub mod cli;
pub mod config;
pub mod export;
pub mod feed;
pub mod hub;
pub mod i18n;
pub mod model;
pub mod paths;
pub mod store;
pub mod sync;
pub mod ui;
