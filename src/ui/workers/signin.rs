//! Sign-in with the hub: asks `GET /v1/whoami` who the officer's token belongs to, on its
//! own thread (the UI never waits), and — after a sign-in from the dialog — remembers the
//! token for next time in the user's config folder (readable by the user only). The board
//! then shows who is signed in and limits the Directives form to what they may do.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

use crate::hub_client::{HubTarget, WhoAmI, client, whoami};
use crate::model::officer::Officer;

use super::Waker;

/// Where sign-in with the hub stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SignInStatus {
    /// Asking the hub.
    Checking,
    /// The hub knows the token: this officer.
    SignedIn(Officer),
    /// The hub has no officers (it is open): the board works as without officers.
    Open,
    /// No token is known, or the hub refused it (its words): the dialog asks for one.
    NeedsToken(Option<String>),
    /// Could not ask (the hub is down, a bad answer); asked again on the next attempt.
    Failed(String),
}

impl SignInStatus {
    pub fn officer(&self) -> Option<&Officer> {
        match self {
            SignInStatus::SignedIn(o) => Some(o),
            _ => None,
        }
    }

    /// Whether the sign-in dialog is to be shown.
    pub fn needs_token(&self) -> bool {
        matches!(self, SignInStatus::NeedsToken(_))
    }
}

/// What one sign-in attempt found.
pub struct SignInReply {
    /// The token asked about.
    pub hub: HubTarget,
    pub status: SignInStatus,
    /// Remembering the token failed (the sign-in still holds for this session).
    pub remember_problem: Option<String>,
}

/// The board's end of a sign-in attempt.
pub struct SignInLink {
    rx: Receiver<SignInReply>,
}

impl SignInLink {
    /// Ask the hub who `hub.token` belongs to; on success remember the token in `remember`
    /// (a sign-in from the dialog). Returns at once.
    pub fn spawn(hub: HubTarget, remember: Option<PathBuf>, waker: Waker) -> SignInLink {
        let (tx, rx) = channel();
        let spawned = std::thread::Builder::new().name("sitboard-signin".into()).spawn(move || {
            let status = match client() {
                Ok(c) => match whoami(&c, &hub) {
                    WhoAmI::Officer(o) => SignInStatus::SignedIn(o),
                    WhoAmI::Open => SignInStatus::Open,
                    WhoAmI::NoToken => SignInStatus::NeedsToken(None),
                    WhoAmI::Refused(m) => SignInStatus::NeedsToken(Some(m)),
                    WhoAmI::Failed(m) => SignInStatus::Failed(m),
                },
                Err(e) => SignInStatus::Failed(e),
            };
            let mut remember_problem = None;
            if let (SignInStatus::SignedIn(_), Some(file), Some(token)) = (&status, &remember, &hub.token)
                && let Err(e) = crate::settings::paths::write_token(file, &hub.url, token.expose())
            {
                tracing::warn!("the token is not remembered: {e}");
                remember_problem = Some(e);
            }
            let _ = tx.send(SignInReply { hub, status, remember_problem });
            waker.wake();
        });
        if let Err(e) = spawned {
            tracing::error!("cannot start the sign-in thread: {e}");
        }
        SignInLink { rx }
    }

    /// The answer, once it is there (never blocks).
    pub fn poll(&self) -> Option<SignInReply> {
        self.rx.try_recv().ok()
    }
}
