//! A string-keyed map whose entry count is checked when a caller builds one, for schemas with
//! `minProperties`/`maxProperties` (typify has no such check), and again when a request carrying
//! it is sent, however the map was made (decoded from JSON, in a struct literal). Deserializing
//! does not check: the same types decode responses, and a response the server already sent
//! should decode whatever its size.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize, Serializer};

/// A map with between `MIN` and `MAX` entries. Build it with `try_from`/`try_into` from a
/// `BTreeMap`, `HashMap` or `Vec` of pairs; the generated builders do this for you.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct BoundedMap<V, const MIN: usize, const MAX: usize>(BTreeMap<String, V>);

/// Why a value was rejected before a request was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintError {
    /// What was wrong, naming the limit.
    pub message: String,
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConstraintError {}

impl<V, const MIN: usize, const MAX: usize> BoundedMap<V, MIN, MAX> {
    /// The map without its bounds.
    pub fn into_inner(self) -> BTreeMap<String, V> {
        self.0
    }

    fn check(map: &BTreeMap<String, V>) -> Result<(), ConstraintError> {
        let n = map.len();
        if n < MIN || n > MAX {
            return Err(ConstraintError {
                message: format!("the map has {n} entries; the API allows {MIN} to {MAX}"),
            });
        }
        Ok(())
    }
}

/// A plain JSON object. While a request is being sent the bounds are checked: a map decoded
/// leniently (or from a response) that breaks them fails the request before it leaves, as an
/// invalid request. Elsewhere (logging or storing a response) it serializes as it is.
impl<V: Serialize, const MIN: usize, const MAX: usize> Serialize for BoundedMap<V, MIN, MAX> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if crate::request::sending() {
            Self::check(&self.0).map_err(serde::ser::Error::custom)?;
        }
        self.0.serialize(serializer)
    }
}

impl<V, const MIN: usize, const MAX: usize> Deref for BoundedMap<V, MIN, MAX> {
    type Target = BTreeMap<String, V>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<V, const MIN: usize, const MAX: usize> TryFrom<BTreeMap<String, V>>
    for BoundedMap<V, MIN, MAX>
{
    type Error = ConstraintError;
    fn try_from(map: BTreeMap<String, V>) -> Result<Self, ConstraintError> {
        Self::check(&map)?;
        Ok(BoundedMap(map))
    }
}

impl<V, const MIN: usize, const MAX: usize> TryFrom<HashMap<String, V>>
    for BoundedMap<V, MIN, MAX>
{
    type Error = ConstraintError;
    fn try_from(map: HashMap<String, V>) -> Result<Self, ConstraintError> {
        map.into_iter().collect::<BTreeMap<_, _>>().try_into()
    }
}

impl<K: Into<String>, V, const MIN: usize, const MAX: usize> TryFrom<Vec<(K, V)>>
    for BoundedMap<V, MIN, MAX>
{
    type Error = ConstraintError;
    fn try_from(pairs: Vec<(K, V)>) -> Result<Self, ConstraintError> {
        pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect::<BTreeMap<_, _>>()
            .try_into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Extras = BoundedMap<String, 0, 2>;

    #[test]
    fn building_checks_the_bounds() {
        let ok: Extras = vec![("a", "1".to_string())].try_into().unwrap();
        assert_eq!(ok.len(), 1);
        let too_many: Result<Extras, _> =
            vec![("a", "1".to_string()), ("b", "2".into()), ("c", "3".into())].try_into();
        assert_eq!(
            too_many.unwrap_err().message,
            "the map has 3 entries; the API allows 0 to 2"
        );
        let too_few: Result<BoundedMap<String, 1, 2>, _> = BTreeMap::new().try_into();
        assert!(too_few.is_err());
    }

    #[test]
    fn serializes_as_a_plain_object_and_decodes_leniently() {
        let ok: Extras = vec![("b", "2".to_string()), ("a", "1".to_string())]
            .try_into()
            .unwrap();
        assert_eq!(serde_json::to_string(&ok).unwrap(), r#"{"a":"1","b":"2"}"#);
        let decoded: Extras = serde_json::from_str(r#"{"a":"1","b":"2","c":"3"}"#).unwrap();
        assert_eq!(decoded.len(), 3);
        // Outside a request (a response logged or stored), it serializes as it came.
        assert_eq!(
            serde_json::to_string(&decoded).unwrap(),
            r#"{"a":"1","b":"2","c":"3"}"#
        );
    }

    /// While a request is serialized, a map beyond its bounds does not serialize, however it
    /// was made.
    #[test]
    fn sending_checks_the_bounds_of_a_decoded_map() {
        let decoded: Extras = serde_json::from_str(r#"{"a":"1","b":"2","c":"3"}"#).unwrap();
        let within: Extras = serde_json::from_str(r#"{"a":"1"}"#).unwrap();
        let (err, ok) = crate::request::serializing(|| {
            (
                serde_json::to_string(&decoded),
                serde_json::to_string(&within),
            )
        });
        assert_eq!(
            err.unwrap_err().to_string(),
            "the map has 3 entries; the API allows 0 to 2"
        );
        assert_eq!(ok.unwrap(), r#"{"a":"1"}"#);
    }
}
