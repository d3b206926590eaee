//! Response types that hold one item or a list (Akool's `data`: an object in one docs page, an
//! array in the other) come with accessors, so a caller reaches the avatar without matching on
//! the shape: decoded from a loopback server in both shapes.

use akool_client::types::AvatarDetailData;
use client_tests::akool;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn detail(data: serde_json::Value) -> AvatarDetailData {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/open/v3/avatar/detail"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 1000, "msg": "ok", "data": data})),
        )
        .mount(&server)
        .await;
    akool(&server)
        .get_avatar_detail()
        .id("a1")
        .send()
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn one_item_and_a_list_read_the_same_way() {
    let one = detail(json!({"_id": "a1", "status": 3})).await;
    assert_eq!(one.len(), 1);
    assert_eq!(one.first().and_then(|a| a.id.as_deref()), Some("a1"));

    let many = detail(json!([{"_id": "a1", "status": 3}, {"_id": "a2", "status": 2}])).await;
    assert_eq!(many.len(), 2);
    assert_eq!(many.first().and_then(|a| a.id.as_deref()), Some("a1"));
    let ids: Vec<String> = many.into_vec().into_iter().filter_map(|a| a.id).collect();
    assert_eq!(ids, ["a1", "a2"]);

    let none = detail(json!([])).await;
    assert!(none.is_empty() && none.first().is_none());
}
