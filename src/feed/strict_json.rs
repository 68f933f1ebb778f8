//! Reading JSON that may not say one thing twice: a key given twice in one object is an
//! error (serde_json's `Value` keeps the last one silently, so a document could show one
//! figure to a reviewer reading the first key and another on the board). Typed requests such
//! as the hub's `POST /v1/directives/events` get the same rule from serde's derive
//! (`duplicate field`); feed documents are read row by row, hence this reader and
//! [`check`], which applies the rule to a whole text without building its tree.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parse JSON text, refusing a key given twice in any object. The error carries the line
/// and column (serde_json's) of the second key.
pub fn from_str(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<Strict>(text).map(|s| s.0)
}

/// Check that a text is JSON in which no object gives a key twice, without building the
/// value (a feed document's tree is ten times its text; the board reads its rows one at a
/// time once the whole is known to be good). The errors are [`from_str`]'s, at the same
/// line and column.
pub fn check(text: &str) -> Result<(), serde_json::Error> {
    serde_json::from_str::<Checked>(text).map(|_| ())
}

/// A JSON value checked with [`from_str`]'s rule, and dropped.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckVisitor)
    }
}

/// An object's keys as they are read: most objects are rows of a dozen keys, compared
/// in a list; a large one gets a set (a list would make a hostile object quadratic).
#[derive(Default)]
struct Keys<'de> {
    list: Vec<Cow<'de, str>>,
    set: HashSet<Cow<'de, str>>,
}

impl<'de> Keys<'de> {
    const LIST: usize = 24;

    /// The key back when it was already there.
    fn insert(&mut self, key: Cow<'de, str>) -> Result<(), Cow<'de, str>> {
        if self.set.is_empty() && self.list.len() < Self::LIST {
            if self.list.contains(&key) {
                return Err(key);
            }
            self.list.push(key);
            return Ok(());
        }
        if self.set.is_empty() {
            self.set.extend(self.list.drain(..));
        }
        if self.set.contains(&key) {
            return Err(key);
        }
        self.set.insert(key);
        Ok(())
    }
}

/// A key, borrowed from the text when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

struct CheckVisitor;

impl<'de> Visitor<'de> for CheckVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_none<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Checked, D::Error> {
        Checked::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        let mut keys = Keys::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if let Err(key) = keys.insert(key) {
                return Err(de::Error::custom(format_args!("duplicate key {:?}", key.as_ref())));
            }
            map.next_value::<Checked>()?;
        }
        Ok(Checked)
    }
}

/// A JSON value read with [`from_str`]'s rule.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // serde_json never reads a non-finite number; `null` as serde_json's own `Value` does.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Strict::deserialize(d).map(|s| s.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // One look-up per key (parsing the demo is mostly this map's comparisons).
            match out.entry(key) {
                serde_json::map::Entry::Occupied(o) => {
                    return Err(de::Error::custom(format_args!("duplicate key {:?}", o.key())));
                }
                serde_json::map::Entry::Vacant(slot) => {
                    let Strict(v) = map.next_value()?;
                    slot.insert(v);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": 18446744073709551615}"#;
        assert_eq!(from_str(text).unwrap(), serde_json::from_str::<Value>(text).unwrap());
    }

    #[test]
    fn refuses_a_key_given_twice_at_any_depth() {
        let e = from_str(r#"{"a": 1, "a": 2}"#).unwrap_err();
        assert!(e.to_string().starts_with("duplicate key \"a\" at line 1"), "{e}");
        let e = from_str("{\"rows\": [{\"active\": 1,\n \"active\": 9500}]}").unwrap_err();
        assert_eq!(e.line(), 2, "{e}");
        assert!(e.to_string().contains("duplicate key \"active\""), "{e}");
        // The same key in two objects is fine.
        assert!(from_str(r#"[{"a": 1}, {"a": 2}]"#).is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        assert!(from_str(&text).is_err());
    }

    #[test]
    fn check_gives_from_str_s_answer_without_the_tree() {
        let many: String = (0..100).map(|i| format!("\"k{i}\": {i}, ")).collect();
        for text in [
            r#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": 18446744073709551615}"#,
            r#"{"a": 1, "a": 2}"#,
            "{\"rows\": [{\"active\": 1,\n \"active\": 9500}]}",
            // The same key, once escaped: one key.
            r#"{"a": 1, "\u0061": 2}"#,
            // A large object: the duplicate is found past the list, in the set.
            &format!("{{{many}\"k3\": 0}}"),
            &format!("{{{many}\"last\": 0}}"),
            r#"[{"a": 1}, {"a": 2}]"#,
            "{\"a\": [1, 2",
            "not json",
            &"[".repeat(100_000),
        ] {
            let want = from_str(text).map(|_| ()).map_err(|e| e.to_string());
            assert_eq!(check(text).map_err(|e| e.to_string()), want, "{text:.80}");
        }
        assert!(check(&format!("{{{many}\"k3\": 0}}")).unwrap_err().to_string().contains("duplicate key \"k3\""));
    }
}
