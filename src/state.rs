//! View state in the URL: `#/rnn?s=<percent-encoded JSON>`. Every control, seed and input of a
//! view lives in one serde struct, so a shared link reproduces exactly what the lecturer saw.
//! A malformed or outdated link is reported and the view's defaults are used; nothing panics.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Characters left as they are in the encoded state (JSON punctuation stays readable).
const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b',')
    .remove(b':')
    .remove(b'[')
    .remove(b']');

/// The raw `s` parameter of a hash such as `#/rnn?s=…`, if present.
pub fn state_param(hash: &str) -> Option<&str> {
    let query = hash.split_once('?')?.1;
    query.split('&').find_map(|kv| kv.strip_prefix("s="))
}

/// Decodes the state in `hash`: `Ok(None)` when the link carries none, `Err` with a message a
/// student can read when it is malformed.
pub fn decode<T: DeserializeOwned>(hash: &str) -> Result<Option<T>, String> {
    let Some(raw) = state_param(hash) else {
        return Ok(None);
    };
    let json = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| "the link's state is not valid text".to_string())?;
    serde_json::from_str(&json).map(Some).map_err(|e| {
        format!("the link's state could not be read ({e}); showing the defaults instead")
    })
}

/// The hash for `route` (e.g. `#/rnn`) carrying `state`.
pub fn encode<T: Serialize>(route: &str, state: &T) -> String {
    match serde_json::to_string(state) {
        Ok(json) => format!("{route}?s={}", utf8_percent_encode(&json, KEEP)),
        Err(_) => route.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct S {
        seed: u64,
        text: String,
        xs: Vec<f64>,
    }

    #[test]
    fn round_trip_with_awkward_text() {
        let s = S {
            seed: 7,
            text: "a & b = <c>? #1 ü".into(),
            xs: vec![0.5, -1.0],
        };
        let hash = encode("#/rnn", &s);
        assert!(hash.starts_with("#/rnn?s="));
        assert!(!hash[2..].contains('#') && !hash.contains(' ') && !hash.contains('&'));
        assert_eq!(decode::<S>(&hash).unwrap(), Some(s));
    }

    #[test]
    fn missing_and_malformed_state() {
        assert_eq!(decode::<S>("#/rnn").unwrap(), None);
        assert_eq!(decode::<S>("#/rnn?x=1").unwrap(), None);
        let e = decode::<S>("#/rnn?s=%7Bnope").unwrap_err();
        assert!(e.contains("defaults"), "{e}");
        assert!(decode::<S>("#/rnn?s=%FF%FE").is_err());
    }
}
