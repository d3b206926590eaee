//! `.stream()` on a paginated listing (Akool `listAvatars`, declared in its overlay with
//! `x-sdk-pagination`) against a loopback server that serves three pages: every item arrives in
//! order, pages are fetched lazily, the envelope is checked on each page, and a cap stops the
//! fetching.

use client_tests::akool;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn avatars(page: usize, count: usize) -> serde_json::Value {
    let items: Vec<_> = (0..count)
        .map(|i| json!({"avatar_id": format!("p{page}-{i}"), "name": "n", "from": 2}))
        .collect();
    json!({"code": 1000, "msg": "ok", "data": items})
}

async fn serve_page(server: &MockServer, page: usize, body: serde_json::Value, times: u64) {
    Mock::given(method("GET"))
        .and(path("/api/open/v3/avatar/list"))
        .and(query_param("page", page.to_string()))
        .and(query_param("size", "100"))
        .and(query_param("from", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn every_item_of_three_pages_arrives_in_order_and_the_short_page_is_the_last() {
    let server = MockServer::start().await;
    serve_page(&server, 1, avatars(1, 100), 1).await;
    serve_page(&server, 2, avatars(2, 100), 1).await;
    serve_page(&server, 3, avatars(3, 7), 1).await;
    // No page 4 is mounted: asking for it would fail the listing.
    let client = akool(&server);
    let mut stream = client.list_avatars().from(2i64).stream();
    let mut ids = Vec::new();
    while let Some(avatar) = stream.next().await {
        ids.push(avatar.unwrap().avatar_id.unwrap());
    }
    assert_eq!(ids.len(), 207);
    assert_eq!(
        (ids[0].as_str(), ids[100].as_str(), ids[206].as_str()),
        ("p1-0", "p2-0", "p3-6")
    );
    // `.expect(1)` on each page: verified when the server drops.
}

#[tokio::test]
async fn a_cap_fetches_no_page_beyond_it() {
    let server = MockServer::start().await;
    serve_page(&server, 1, avatars(1, 100), 1).await;
    serve_page(&server, 2, avatars(2, 100), 0).await;
    let client = akool(&server);
    let first = client
        .list_avatars()
        .from(2i64)
        .stream()
        .collect_up_to(100)
        .await
        .unwrap();
    assert_eq!(first.len(), 100);
}

#[tokio::test]
async fn an_envelope_failure_on_a_later_page_ends_the_listing_with_the_error() {
    let server = MockServer::start().await;
    serve_page(&server, 1, avatars(1, 100), 1).await;
    serve_page(&server, 2, json!({"code": 1006, "msg": "quota"}), 1).await;
    let client = akool(&server);
    let mut stream = client.list_avatars().from(2i64).stream();
    for _ in 0..100 {
        stream.next().await.unwrap().unwrap();
    }
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(error, akool_client::Error::Envelope { .. }),
        "{error}"
    );
    assert!(stream.next().await.is_none());
}
