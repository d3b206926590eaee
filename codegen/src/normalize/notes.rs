//! Pass `callbacks-and-webhooks`: webhooks and callbacks are requests the API sends, not ones a
//! client makes, so no code is generated for them. They are not errors either: each is recorded
//! in `x-codegen-notes`, which the crate's README lists, and webhooks (3.1 only) are removed so
//! the document is valid 3.0.

use serde_json::{Value, json};

use crate::error::Result;
use crate::origins::Origins;
use crate::walk::for_each_operation;

pub const NOTES: &str = "x-codegen-notes";

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let mut notes = Vec::new();
    if let Some(Value::Object(root)) = Some(&mut *doc)
        && let Some(Value::Object(webhooks)) = root.shift_remove("webhooks")
    {
        for name in webhooks.keys() {
            notes.push(format!("Webhook `{name}` is not generated: the API sends it; receive it with your own HTTP server."));
        }
    }
    for_each_operation(doc, |path, method, _, op| {
        for name in op
            .get("callbacks")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|c| c.keys())
        {
            notes.push(format!(
                "Callback `{name}` of `{} {path}` is not generated: the API sends it.",
                method.to_ascii_uppercase()
            ));
        }
        Ok(())
    })?;
    if !notes.is_empty()
        && let Value::Object(root) = doc
    {
        root.insert(NOTES.into(), json!(notes));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks_and_callbacks_become_notes() {
        let mut doc = json!({"webhooks": {"newPet": {}}, "paths": {"/p": {"post": {"callbacks": {"onDone": {}}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert!(doc.get("webhooks").is_none());
        assert_eq!(
            doc[NOTES],
            json!([
                "Webhook `newPet` is not generated: the API sends it; receive it with your own HTTP server.",
                "Callback `onDone` of `POST /p` is not generated: the API sends it."
            ])
        );
    }
}
