//! A document as the archive stores it: split into sections (each top-level key's value as
//! compact JSON text, in the document's key order), blobs (a section's text compressed,
//! keyed by its SHA-256), the section list a snapshot row holds, the chain hash, and the
//! body reassembled from its sections.

use std::collections::HashMap;
use std::fmt;
use std::io::Read as _;

use chrono::{DateTime, Utc};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::{format_instant, parse_stored_instant};

/// zstd level: a good ratio at a speed that keeps up with any feed (sections are stored
/// once, so each is compressed once).
const COMPRESSION_LEVEL: i32 = 9;

/// One section of a document: a top-level key and its value's compact JSON text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Section {
    pub key: String,
    pub text: String,
}

/// A section as a snapshot row names it: key and blob hash.
pub(super) type SectionRef = (String, String);

/// Split a JSON object into its sections, keys in the order they appear (a key given twice
/// keeps its first place and its last value, as JSON parsers read it).
pub(super) fn split_document(body: &str) -> Result<Vec<Section>, String> {
    let TopLevel(entries) = serde_json::from_str::<TopLevel>(body).map_err(|e| e.to_string())?;
    Ok(entries.into_iter().map(|(key, value)| Section { key, text: value.to_string() }).collect())
}

/// The top-level entries of a JSON object, in order.
struct TopLevel(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopLevelVisitor)
    }
}

struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let mut entries: Vec<(String, Value)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: Value = map.next_value()?;
            match index.get(&key) {
                Some(&i) => entries[i].1 = value,
                None => {
                    index.insert(key.clone(), entries.len());
                    entries.push((key, value));
                }
            }
        }
        Ok(TopLevel(entries))
    }
}

/// SHA-256 as lowercase hex.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Whether a text is a SHA-256 in lowercase hex.
pub(super) fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A section's text compressed for the `blobs` table.
pub(super) fn compress(text: &str) -> Result<Vec<u8>, String> {
    zstd::bulk::compress(text.as_bytes(), COMPRESSION_LEVEL).map_err(|e| format!("cannot compress a section: {e}"))
}

/// A blob's text, checked: it decompresses to `raw_len` bytes of UTF-8 whose SHA-256 is
/// `hash`. Never allocates more than the data actually decompresses to (plus one byte).
pub(super) fn decode_blob(hash: &str, raw_len: i64, data: &[u8]) -> Result<String, String> {
    let raw_len = u64::try_from(raw_len).map_err(|_| format!("its length {raw_len} is negative"))?;
    let mut out = Vec::new();
    let decoder = zstd::stream::read::Decoder::with_buffer(data).map_err(|e| format!("cannot decompress it: {e}"))?;
    decoder.take(raw_len.saturating_add(1)).read_to_end(&mut out).map_err(|e| format!("cannot decompress it: {e}"))?;
    if out.len() as u64 != raw_len {
        return Err(format!("it decompresses to {} bytes, not the {raw_len} recorded", out.len()));
    }
    if sha256_hex(&out) != hash {
        return Err("its content does not match its hash".into());
    }
    String::from_utf8(out).map_err(|_| "it is not UTF-8 text".into())
}

/// The section list as a snapshot row stores it: `[["key","hash"],…]`.
pub(super) fn sections_text(refs: &[SectionRef]) -> String {
    Value::Array(
        refs.iter().map(|(k, h)| Value::Array(vec![Value::String(k.clone()), Value::String(h.clone())])).collect(),
    )
    .to_string()
}

/// Read a stored section list back.
pub(super) fn parse_sections(text: &str) -> Result<Vec<SectionRef>, String> {
    let refs: Vec<SectionRef> =
        serde_json::from_str(text).map_err(|e| format!("its section list cannot be read: {e}"))?;
    if let Some((k, _)) = refs.iter().find(|(_, h)| !is_hash(h)) {
        return Err(format!("section {k:?} names no valid hash"));
    }
    Ok(refs)
}

/// The chain hash of a snapshot: SHA-256 over the previous hash, its number, source,
/// received instant and `as_of` (as stored), then its section list.
pub(super) fn snapshot_hash(
    prev_hash: &str,
    seq: u64,
    source: &str,
    received: &str,
    as_of: Option<&str>,
    sections: &str,
) -> String {
    let head = Value::Array(vec![
        Value::String(prev_hash.to_owned()),
        Value::from(seq),
        Value::String(source.to_owned()),
        Value::String(received.to_owned()),
        as_of.map_or(Value::Null, |a| Value::String(a.to_owned())),
    ])
    .to_string();
    sha256_hex(format!("{head}\n{sections}").as_bytes())
}

/// The document's `as_of`, when its `as_of` section is an RFC 3339 string.
pub(super) fn as_of_of(sections: &[Section]) -> Option<DateTime<Utc>> {
    let s = sections.iter().find(|s| s.key == "as_of")?;
    match serde_json::from_str::<Value>(&s.text).ok()? {
        Value::String(t) => DateTime::parse_from_rfc3339(&t).ok().map(|t| t.with_timezone(&Utc)),
        _ => None,
    }
}

/// `as_of` as stored (same form as `received`; `None` when it cannot be stored so, e.g.
/// a year before 0000 in UTC).
pub(super) fn stored_as_of(as_of: Option<DateTime<Utc>>) -> Option<String> {
    as_of.map(format_instant).filter(|s| parse_stored_instant(s).is_some())
}

/// The key as it appears in the reassembled body.
fn key_json(key: &str) -> String {
    Value::String(key.to_owned()).to_string()
}

/// Length of the body [`reassemble`] builds from these sections.
pub(super) fn body_len(sections: &[Section]) -> u64 {
    let inner: usize = sections.iter().map(|s| key_json(&s.key).len() + 1 + s.text.len()).sum();
    (2 + inner + sections.len().saturating_sub(1)) as u64
}

/// The body from its sections: `{"key":value,…}` in order.
pub(super) fn reassemble(sections: &[Section]) -> String {
    let mut body = String::with_capacity(usize::try_from(body_len(sections)).unwrap_or(0));
    body.push('{');
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&key_json(&s.key));
        body.push(':');
        body.push_str(&s.text);
    }
    body.push('}');
    body
}
