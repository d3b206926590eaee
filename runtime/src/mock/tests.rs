//! The mock's path templates, pointers and answers against a loopback server.

use super::matcher::{Part, fits, parse_template, percent_decode};
use super::*;

#[test]
fn templates_fit_paths_and_set_parameters() {
    let template = parse_template("/avatars/{id}/files/{name}.json");
    assert_eq!(template.len(), 4);
    let actual = ["avatars", "a1", "files", "x.json"];
    assert!(template.iter().zip(actual).all(|(t, a)| fits(t, a, true)));
    assert!(
        !fits(&template[3], ".json", false),
        "a parameter is never empty"
    );
    let set = vec![Part::Param("id".into(), Some("a1".into()))];
    assert!(fits(&set, "a1", true) && !fits(&set, "a2", true) && fits(&set, "a2", false));
}

/// What `respond_statuses` builds is read back at the same pointer by the waiter: an index
/// makes an array (Akool's `/0/status` of a one-or-many `data`), a name an object.
#[test]
fn pointers_create_arrays_for_indices_and_objects_for_names() {
    let mut v = Value::Null;
    set_pointer(&mut v, "/0/status", 1.into());
    assert_eq!(v, serde_json::json!([{"status": 1}]));
    assert_eq!(v.pointer("/0/status"), Some(&1.into()));
    let mut v = serde_json::json!({"code": 1000});
    set_pointer(&mut v, "/data/a~1b", "x".into());
    assert_eq!(v, serde_json::json!({"code": 1000, "data": {"a/b": "x"}}));
    let mut v = Value::Null;
    set_pointer(&mut v, "", 3.into());
    assert_eq!(v, Value::from(3));
}

#[test]
fn values_read_as_the_client_writes_them() {
    assert_eq!(text(&"a b").unwrap(), "a b");
    assert_eq!(text(&2).unwrap(), "2");
    assert_eq!(text(&true).unwrap(), "true");
    assert!(text(&[1, 2]).is_err());
    assert_eq!(percent_decode("a%20b%2Fc").unwrap(), "a b/c");
}

const ENVELOPE: EnvelopeSpec = EnvelopeSpec {
    code: "/status/code",
    message: "/status/text",
    success: &[0],
    known: &[],
};

/// Parameters of each place, a parameter inside a segment, the envelope filled in, a
/// sequence whose last answer repeats, and the reason a request did not match.
#[tokio::test]
async fn matches_parameters_and_answers_in_turn() {
    let server = MockServer::start().await;
    let mounted = server
        .expectation("get_output", "GET", "/jobs/{id}/output.{format}")
        .path_param("format", Ok("mp4"))
        .query_param("verbose", Ok(true))
        .header_param("X-Trace", Ok("t1"))
        .respond_data::<Value, _>(Some(&ENVELOPE), "result", 200, &serde_json::json!({"n": 1}))
        .respond_empty(503)
        .mount()
        .await;
    let http = crate::http_client_builder().unwrap().build().unwrap();
    let get = |path: &str, trace: &str| {
        http.get(format!("{}{path}", server.uri()))
            .header("x-trace", trace)
            .send()
    };
    let first = get("/jobs/a%20b/output.mp4?verbose=true", "t1")
        .await
        .unwrap();
    assert_eq!(
        first.json::<Value>().await.unwrap(),
        serde_json::json!({"status": {"code": 0, "text": "OK"}, "result": {"n": 1}})
    );
    for _ in 0..2 {
        let next = get("/jobs/a/output.mp4?verbose=true", "t1").await.unwrap();
        assert_eq!(next.status(), 503, "the last answer repeats");
    }
    let other = get("/jobs/a/output.webm?verbose=true", "t1").await.unwrap();
    assert_eq!(other.status(), 404);
    let why = other.text().await.unwrap();
    assert!(why.contains("get_output: the path does not fit"), "{why}");
    let untraced = get("/jobs/a/output.mp4?verbose=true", "t2").await.unwrap();
    assert!(
        untraced
            .text()
            .await
            .unwrap()
            .contains("header `x-trace` is not `t1`")
    );
    assert_eq!(mounted.calls(), 3);
    assert_eq!(server.unmatched().len(), 2);
}

#[tokio::test]
#[should_panic(expected = "no answer")]
async fn an_expectation_without_an_answer_is_refused() {
    let server = MockServer::start().await;
    server.expectation("op", "GET", "/").mount().await;
}

/// Shaping a dropped connection's answer is a mistake in the test, refused at `mount`
/// rather than ignored.
#[tokio::test]
#[should_panic(expected = "after `drop_connection()`: a dropped connection has no response")]
async fn a_header_on_a_dropped_connection_is_refused() {
    let server = MockServer::start().await;
    server
        .expectation("op", "GET", "/")
        .drop_connection()
        .with_header("retry-after", "1")
        .mount()
        .await;
}

#[tokio::test]
#[should_panic(expected = "after `drop_connection()`: a dropped connection is closed at once")]
async fn a_delay_on_a_dropped_connection_is_refused() {
    let server = MockServer::start().await;
    server
        .expectation("op", "GET", "/")
        .drop_connection()
        .with_delay(Duration::from_millis(10))
        .mount()
        .await;
}

#[test]
fn pointers_build_nested_objects() {
    let mut body = Value::Null;
    set_pointer(&mut body, "/meta/code", 1000.into());
    set_pointer(&mut body, "/a~1b", 1.into());
    assert_eq!(body, serde_json::json!({"meta": {"code": 1000}, "a/b": 1}));
}
