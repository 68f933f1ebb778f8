//! Officers at the hub (issue 12): who may read the feed and write directive events, with
//! their role and scope (`model::officer` holds the rules). Officers live in the hub's
//! journal database, derived from its chained audit record (`sitboard-hub officer add |
//! list | revoke | token`, [`add`] and friends here); the entries of a tokens file (`token
//! add`) are officers too, with the `issue` role over the province.
//!
//! The running hub reads them through an [`OfficerBook`]: one connection of its own to the
//! journal file, whose `PRAGMA data_version` is checked on every request, so a grant, a
//! revocation or a new token from `sitboard-hub officer …` (another process) counts from
//! the next request on, without a restart and without a polling timer. The book also notes
//! sign-ins (the first request of a day with a token) and refusals in the audit record.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};

use super::tokens::{self, Tokens, hash_token};
use crate::model::journal::{AuditEvent, OfficerEntry};
use crate::model::officer::{Officer, OfficerRole, Refusal};
use crate::model::time::local_date;
use crate::model::{Adcode, RegionRegistry};
use crate::store::{JournalKind, JournalStore, StoreError};

/// The scope of a tokens-file officer (`token add`): the province.
pub const PROVINCE: Adcode = Adcode::new_unchecked(230_000);

/// Who the hub records as the author of what it notes itself (sign-ins, refusals).
pub const HUB_ACTOR: &str = "hub";

/// Who a request is from.
#[derive(Clone, Debug, PartialEq)]
pub enum Auth {
    /// The hub has no officers and no tokens: open to anyone (reads; it takes no events).
    Open,
    /// No bearer token on a hub that needs one.
    NoToken,
    /// A token the hub does not know.
    Unknown,
    /// The token of an officer who was revoked.
    Revoked(String),
    /// An officer of the hub.
    Officer(Officer),
}

/// What the book knows, reloaded when the journal file changes.
#[derive(Default)]
struct Known {
    /// Token hash → the officer and whether they are revoked.
    by_hash: HashMap<String, (Officer, bool)>,
    /// Every officer ever granted (revoked ones too), by ID: the issuers of directives.
    by_id: HashMap<String, Officer>,
    /// Whether the hub has officers or tokens (then every request needs a token).
    closed: bool,
}

struct BookState {
    store: Option<JournalStore>,
    version: i64,
    known: Known,
    /// Officers who signed in on a day (noted once per day).
    signed_in: HashSet<(String, NaiveDate)>,
}

/// The hub's officers, as of the request being served.
pub struct OfficerBook {
    state: Mutex<BookState>,
    file: Option<Tokens>,
}

/// A tokens-file officer (`token add`): the `issue` role over the province.
pub fn file_officer(id: &str) -> Officer {
    Officer {
        id: id.to_owned(),
        name: id.to_owned(),
        unit: "黑龙江省".to_owned(),
        scope: vec![PROVINCE],
        role: OfficerRole::Issue,
    }
}

fn build(entries: &[OfficerEntry], revoked_elsewhere: &[String], file: Option<&Tokens>, store: bool) -> Known {
    let mut k = Known::default();
    if let Some(t) = file {
        for e in t.entries() {
            let o = file_officer(&e.officer);
            let revoked = revoked_elsewhere.contains(&e.officer);
            k.by_id.entry(o.id.clone()).or_insert_with(|| o.clone());
            k.by_hash.insert(e.sha256.to_ascii_lowercase(), (o, revoked));
        }
    }
    for e in entries {
        k.by_id.insert(e.officer.id.clone(), e.officer.clone());
        k.by_hash.insert(e.token_sha256.to_ascii_lowercase(), (e.officer.clone(), e.revoked));
    }
    k.closed = file.is_some() || !entries.is_empty() || (store && !revoked_elsewhere.is_empty());
    k
}

impl OfficerBook {
    /// The book of a hub: its tokens file (if any) and the journal database in `dir` (if
    /// any; its audit chain is verified first: a hub does not start on a tampered record).
    pub fn open(dir: Option<&Path>, file: Option<Tokens>) -> Result<OfficerBook, String> {
        let store = match dir {
            Some(d) => {
                let s =
                    JournalStore::open_kind_in(d, JournalKind::Real).map_err(|e| format!("the hub's officers: {e}"))?;
                match s.verify_audit().map_err(|e| format!("the hub's officers: {e}"))? {
                    Ok(n) => tracing::info!("audit record {}: {n} records, chain verified", s.path().display()),
                    Err(bad) => {
                        return Err(format!(
                            "the hub's audit record {} fails verification at {bad}; it was left untouched: restore \
                             it from a backup",
                            s.path().display()
                        ));
                    }
                }
                Some(s)
            }
            None => None,
        };
        let mut signed_in = HashSet::new();
        if let Some(s) = &store {
            for r in s.audit().map_err(|e| format!("the hub's officers: {e}"))? {
                if let AuditEvent::SignedIn { officer, day } = r.event {
                    signed_in.insert((officer, day));
                }
            }
        }
        let book = OfficerBook {
            state: Mutex::new(BookState { store, version: -1, known: Known::default(), signed_in }),
            file,
        };
        book.lock().refresh(book.file.as_ref())?;
        Ok(book)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BookState> {
        match self.state.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Whether the hub has no officers and no tokens (open to anyone).
    pub fn is_open(&self) -> bool {
        let mut s = self.lock();
        if let Err(e) = s.refresh(self.file.as_ref()) {
            tracing::error!("{e}");
        }
        !s.known.closed
    }

    /// How many officers (active or revoked) and tokens-file entries the book holds.
    pub fn counts(&self) -> (usize, usize) {
        let s = self.lock();
        (s.known.by_id.len(), self.file.as_ref().map_or(0, Tokens::len))
    }

    /// Who a request with this bearer token is from, as of now (a change made by
    /// `sitboard-hub officer …` counts at once). The first request of a day with a valid
    /// token is noted in the audit record as a sign-in.
    pub fn authenticate(&self, token: Option<&str>, now: DateTime<Utc>) -> Auth {
        let mut s = self.lock();
        if let Err(e) = s.refresh(self.file.as_ref()) {
            // The file cannot be read now: keep what was known (a revocation already seen
            // stays in force), and say so.
            tracing::error!("{e}");
        }
        if !s.known.closed {
            return Auth::Open;
        }
        let Some(token) = token else { return Auth::NoToken };
        let (officer, revoked) = match s.known.by_hash.get(&hash_token(token)) {
            None => return Auth::Unknown,
            Some((o, revoked)) => (o.clone(), *revoked),
        };
        if revoked {
            return Auth::Revoked(officer.id);
        }
        let day = local_date(now);
        if !s.signed_in.contains(&(officer.id.clone(), day)) {
            let event = AuditEvent::SignedIn { officer: officer.id.clone(), day };
            let noted = match s.store.as_mut() {
                Some(store) => store.append_audit(&event, HUB_ACTOR, now).map(|_| ()),
                None => Ok(()),
            };
            match noted {
                Ok(()) => {
                    s.signed_in.insert((officer.id.clone(), day));
                    tracing::info!("{} signed in ({})", officer.id, officer.role.wire_name());
                }
                Err(e) => tracing::error!("cannot note {}'s sign-in in the audit record: {e}", officer.id),
            }
        }
        Auth::Officer(officer)
    }

    /// The officer with this ID (revoked ones too): the issuer of a directive.
    pub fn officer(&self, id: &str) -> Option<Officer> {
        self.lock().known.by_id.get(id).cloned()
    }

    /// Note a refused request in the audit record.
    pub fn note_refusal(&self, event: &AuditEvent, now: DateTime<Utc>) {
        let mut s = self.lock();
        if let Some(store) = s.store.as_mut()
            && let Err(e) = store.append_audit(event, HUB_ACTOR, now)
        {
            tracing::error!("cannot note a refusal in the audit record: {e}");
        }
    }
}

impl BookState {
    /// Read the officers again when the journal file changed since the last look (another
    /// connection committed: `PRAGMA data_version` moved).
    fn refresh(&mut self, file: Option<&Tokens>) -> Result<(), String> {
        let Some(store) = &self.store else {
            if self.version < 0 {
                self.known = build(&[], &[], file, false);
                self.version = 0;
            }
            return Ok(());
        };
        let v = store.data_version().map_err(|e| format!("the hub's officers: {e}"))?;
        if v == self.version {
            return Ok(());
        }
        let (entries, revoked_elsewhere) = store.officers().map_err(|e| format!("the hub's officers: {e}"))?;
        self.known = build(&entries, &revoked_elsewhere, file, true);
        self.version = v;
        Ok(())
    }
}

/// The English sentence of a refusal (the hub's 403 answer and its audit record).
pub fn refusal_sentence(r: &Refusal, officer: &Officer) -> String {
    let scope = officer.scope.iter().map(Adcode::to_string).collect::<Vec<_>>().join(", ");
    match r {
        Refusal::ViewOnly => format!("{} may only view (role view); nothing was written", officer.id),
        Refusal::AcknowledgeOnly => {
            format!("{} may only acknowledge directives (role acknowledge); nothing was written", officer.id)
        }
        Refusal::OutsideScope { region } => {
            format!("region {region} is outside {}'s scope ({scope}); nothing was written", officer.id)
        }
        Refusal::NotAddressed { unit } => {
            format!("the directive does not address unit {unit}; nothing was written")
        }
        Refusal::UnitOutsideScope { unit } => {
            format!(
                "unit {unit} is outside {}'s scope ({scope}): acknowledge only for your own units; nothing was written",
                officer.id
            )
        }
        Refusal::NotIssuerOrAbove { issuer } => format!(
            "only the issuing officer ({issuer}) or an issuer above them in the region tree may change this directive; \
             nothing was written"
        ),
    }
}

// ---- The `sitboard-hub officer …` commands ----

/// Where the officer commands act: the hub's journal folder and its tokens file.
#[derive(Clone, Debug)]
pub struct Place {
    pub journal_dir: PathBuf,
    pub tokens: Option<PathBuf>,
    /// Who runs the command (recorded as the actor of the audit event).
    pub actor: String,
}

/// An officer to add, as given on the command line (checked by [`add`]).
#[derive(Clone, Debug)]
pub struct NewOfficer {
    pub id: String,
    pub name: String,
    pub unit: String,
    /// `ADCODE[,ADCODE…]`
    pub scope: String,
    /// `issue`, `acknowledge` or `view`
    pub role: String,
}

/// Longest name or unit.
const MAX_NAME_CHARS: usize = 100;

/// Check an officer's fields against the bundled registry: the officer to grant, or what is
/// wrong (naming the option).
pub fn check_new(n: &NewOfficer, registry: &RegionRegistry) -> Result<Officer, String> {
    tokens::check_officer_id(&n.id)?;
    let text = |opt: &str, v: &str| -> Result<String, String> {
        let t = crate::model::text::check_text(v, false, MAX_NAME_CHARS).map_err(|p| format!("--{opt}: {p}"))?;
        if t.is_empty() {
            return Err(format!("--{opt} is empty"));
        }
        Ok(t)
    };
    let name = text("name", &n.name)?;
    let unit = text("unit", &n.unit)?;
    let role = OfficerRole::parse(n.role.trim())
        .ok_or_else(|| format!("--role {:?} is not a role: give issue, acknowledge or view", n.role))?;
    let mut scope = Vec::new();
    for part in n.scope.split(',').map(str::trim) {
        if part.is_empty() {
            return Err(format!("--scope {:?}: an empty region code (give ADCODE[,ADCODE…])", n.scope));
        }
        let code: Adcode = part.parse().map_err(|e| format!("--scope: {e}"))?;
        if registry.get(code).is_none() {
            return Err(format!("--scope: {code} is not a region of the registry (bundled data/regions/regions.csv)"));
        }
        if !scope.contains(&code) {
            scope.push(code);
        }
    }
    if scope.is_empty() {
        return Err("--scope names no region".into());
    }
    Ok(Officer { id: n.id.trim().to_owned(), name, unit, scope, role })
}

fn open_store(place: &Place) -> Result<JournalStore, String> {
    JournalStore::open_kind_in(&place.journal_dir, JournalKind::Real).map_err(|e| e.to_string())
}

fn store_err(e: StoreError) -> String {
    e.to_string()
}

fn file_tokens(place: &Place) -> Result<Option<Tokens>, String> {
    match &place.tokens {
        Some(p) if p.exists() => Tokens::load(p).map(Some),
        _ => Ok(None),
    }
}

/// `officer add`: grant an officer (a chained audit event) and return them with their
/// token (to print once; only its SHA-256 is stored).
pub fn add(place: &Place, new: &NewOfficer, now: DateTime<Utc>) -> Result<(Officer, String), String> {
    let registry = crate::feed::registry::bundled()?;
    let officer = check_new(new, &registry)?;
    if let Some(t) = file_tokens(place)?
        && t.entries().iter().any(|e| e.officer == officer.id)
    {
        return Err(format!("the officer ID {:?} is taken by the tokens file: choose another", officer.id));
    }
    let token = tokens::new_token()?;
    let mut store = open_store(place)?;
    store
        .append_audit(
            &AuditEvent::Granted { officer: officer.clone(), token_sha256: hash_token(&token) },
            &place.actor,
            now,
        )
        .map_err(store_err)?;
    Ok((officer, token))
}

/// One line of `officer list`.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub officer: Officer,
    pub revoked: bool,
    /// `journal` (granted by `officer add`) or `tokens file`.
    pub from_file: bool,
    pub granted_at: Option<DateTime<Utc>>,
}

/// `officer list`: the officers of the journal, then those of the tokens file.
pub fn list(place: &Place) -> Result<Vec<Listed>, String> {
    let store = open_store(place)?;
    let (entries, revoked_elsewhere) = store.officers().map_err(store_err)?;
    let mut out: Vec<Listed> = entries
        .into_iter()
        .map(|e| Listed { officer: e.officer, revoked: e.revoked, from_file: false, granted_at: Some(e.granted_at) })
        .collect();
    if let Some(t) = file_tokens(place)? {
        for e in t.entries() {
            if out.iter().any(|l| l.officer.id == e.officer) {
                continue;
            }
            out.push(Listed {
                officer: file_officer(&e.officer),
                revoked: revoked_elsewhere.contains(&e.officer),
                from_file: true,
                granted_at: DateTime::parse_from_rfc3339(&e.created).ok().map(|t| t.with_timezone(&Utc)),
            });
        }
    }
    Ok(out)
}

/// `officer revoke`: the officer's tokens stop working from the next request (a chained
/// audit event; a tokens-file officer's entries are also removed from the file).
pub fn revoke(place: &Place, id: &str, now: DateTime<Utc>) -> Result<(), String> {
    let mut store = open_store(place)?;
    let (entries, revoked_elsewhere) = store.officers().map_err(store_err)?;
    let in_journal = entries.iter().find(|e| e.officer.id == id);
    let in_file = file_tokens(place)?.is_some_and(|t| t.entries().iter().any(|e| e.officer == id));
    if in_journal.is_none() && !in_file {
        return Err(if revoked_elsewhere.iter().any(|r| r == id) {
            format!("{id:?} is revoked already")
        } else {
            format!("no officer {id:?} in {} (see `sitboard-hub officer list`)", store.path().display())
        });
    }
    store.append_audit(&AuditEvent::Revoked { officer: id.to_owned() }, &place.actor, now).map_err(store_err)?;
    if in_file && let Some(p) = &place.tokens {
        tokens::remove(p, id)?;
    }
    Ok(())
}

/// `officer token`: a new token for an officer; the one before stops working at once.
pub fn rotate(place: &Place, id: &str, now: DateTime<Utc>) -> Result<String, String> {
    let mut store = open_store(place)?;
    let (entries, _) = store.officers().map_err(store_err)?;
    if !entries.iter().any(|e| e.officer.id == id)
        && file_tokens(place)?.is_some_and(|t| t.entries().iter().any(|e| e.officer == id))
    {
        return Err(format!(
            "{id:?} is an officer of the tokens file: give them a token with `sitboard-hub token add`, or add them \
             with `sitboard-hub officer add` under a new ID and revoke this one"
        ));
    }
    let token = tokens::new_token()?;
    store
        .append_audit(
            &AuditEvent::TokenRotated { officer: id.to_owned(), token_sha256: hash_token(&token) },
            &place.actor,
            now,
        )
        .map_err(store_err)?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(id: &str, scope: &str, role: &str) -> NewOfficer {
        NewOfficer {
            id: id.into(),
            name: "李娜".into(),
            unit: "道外区指挥部".into(),
            scope: scope.into(),
            role: role.into(),
        }
    }

    #[test]
    fn the_command_line_fields_are_checked_against_the_registry() {
        let reg = crate::feed::registry::bundled().unwrap();
        let o = check_new(&new("daowai01", "230104", "acknowledge"), &reg).unwrap();
        assert_eq!(o.scope, vec![Adcode::new(230104).unwrap()]);
        assert_eq!(o.role, OfficerRole::Acknowledge);
        let err = |n: NewOfficer| check_new(&n, &reg).unwrap_err();
        assert!(err(new("x", "999999", "view")).contains("999999 is not a region"));
        assert!(err(new("x", "2301", "view")).contains("--scope"));
        assert!(err(new("x", "230104,", "view")).contains("empty region code"));
        assert!(err(new("x", "230104", "boss")).contains("--role \"boss\""));
        assert!(err(new("has space", "230104", "view")).contains("spaces"));
        assert!(err(NewOfficer { name: " ".into(), ..new("x", "230104", "view") }).contains("--name is empty"));
        assert!(err(NewOfficer { unit: "a\u{202E}".into(), ..new("x", "230104", "view") }).contains("--unit"));
    }

    #[test]
    fn a_revocation_counts_at_the_next_request_without_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let place = Place { journal_dir: dir.path().to_path_buf(), tokens: None, actor: "op".into() };
        let now = Utc::now();
        let book = OfficerBook::open(Some(dir.path()), None).unwrap();
        assert_eq!(book.authenticate(None, now), Auth::Open, "no officers: open");
        let (o, token) = add(&place, &new("daowai01", "230104", "acknowledge"), now).unwrap();
        assert_eq!(book.authenticate(None, now), Auth::NoToken, "an officer added: closed at once");
        assert_eq!(book.authenticate(Some(&token), now), Auth::Officer(o.clone()));
        assert_eq!(book.authenticate(Some("sbt_forged"), now), Auth::Unknown);
        let token2 = rotate(&place, "daowai01", now).unwrap();
        assert_eq!(book.authenticate(Some(&token), now), Auth::Unknown, "the old token is dead");
        assert_eq!(book.authenticate(Some(&token2), now), Auth::Officer(o));
        revoke(&place, "daowai01", now).unwrap();
        assert_eq!(book.authenticate(Some(&token2), now), Auth::Revoked("daowai01".into()));
        assert!(revoke(&place, "daowai01", now).unwrap_err().contains("revoked already"));
        assert!(revoke(&place, "nobody", now).unwrap_err().contains("no officer"));
        // One sign-in noted for the day, however many requests.
        let store = JournalStore::open_in(dir.path()).unwrap();
        let sign_ins = store.audit().unwrap().iter().filter(|r| matches!(r.event, AuditEvent::SignedIn { .. })).count();
        assert_eq!(sign_ins, 1);
    }
}
