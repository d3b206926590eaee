//! Response envelopes: some APIs answer HTTP 200 with a body such as `{code, msg, data}` and
//! report failures through `code`. The overlay declares the envelope (`x-sdk-envelope`); the
//! runtime turns a failure code into an error and the generated `send` returns the typed `data`.

use serde_json::Value;

/// Where an envelope keeps its code and message, and which codes mean success.
#[derive(Debug)]
pub struct EnvelopeSpec {
    /// JSON pointer to the business code, e.g. `/code`.
    pub code: &'static str,
    /// JSON pointer to the message, e.g. `/msg`.
    pub message: &'static str,
    /// The business codes that mean success (e.g. `[1000]`).
    pub success: &'static [i64],
    /// Documented codes and their meanings.
    pub known: &'static [(i64, &'static str)],
}

/// A failure the envelope reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeFailure {
    pub code: i64,
    pub message: String,
    /// The documented meaning of `code`, when the spec names it.
    pub known: Option<&'static str>,
}

impl EnvelopeSpec {
    /// The failure a response body reports; `None` for success or for a body that is not an
    /// envelope (which then fails typed decoding instead, keeping the body).
    pub fn check(&self, body: &[u8]) -> Option<EnvelopeFailure> {
        let json: Value = serde_json::from_slice(body).ok()?;
        let code = json.pointer(self.code)?.as_i64()?;
        if self.success.contains(&code) {
            return None;
        }
        let message = json
            .pointer(self.message)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let known = self
            .known
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, meaning)| *meaning);
        Some(EnvelopeFailure {
            code,
            message,
            known,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVELOPE: EnvelopeSpec = EnvelopeSpec {
        code: "/code",
        message: "/msg",
        success: &[1000],
        known: &[(1006, "Your quota is not enough")],
    };

    #[test]
    fn success_codes_and_non_envelopes_pass() {
        assert_eq!(
            ENVELOPE.check(br#"{"code": 1000, "msg": "ok", "data": {}}"#),
            None
        );
        assert_eq!(ENVELOPE.check(b"<html>bad gateway</html>"), None);
        assert_eq!(ENVELOPE.check(br#"{"message": "no code"}"#), None);
    }

    #[test]
    fn failure_codes_carry_message_and_documented_meaning() {
        let f = ENVELOPE
            .check(br#"{"code": 1006, "msg": "quota"}"#)
            .unwrap();
        assert_eq!(
            f,
            EnvelopeFailure {
                code: 1006,
                message: "quota".into(),
                known: Some("Your quota is not enough")
            }
        );
        let f = ENVELOPE.check(br#"{"code": 4242, "msg": "new"}"#).unwrap();
        assert_eq!(f.known, None);
    }
}
