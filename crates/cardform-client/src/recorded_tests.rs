//! The client against recorded real WeChat answers (`tests/fixtures/wechat/recorded/`,
//! provenance in its PROVENANCE.md): every recorded response is read by the envelope
//! reader, and the ones of endpoints the client has a method for are served to that
//! method over HTTP by the in-test mock.

use std::path::PathBuf;

use serde_json::Value;

use super::envelope;
use super::error::ApiError;
use super::mock::{Mock, Reply};

fn recorded_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/wechat/recorded")
}

/// (file, endpoint, body) of every recorded response.
fn recorded_responses() -> Vec<(String, String, Value)> {
    let dir = recorded_dir();
    let index: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("index.json")).expect("recorded/index.json"),
    )
    .expect("index.json is JSON");
    index
        .iter()
        .filter(|e| e["kind"] == "response")
        .map(|e| {
            let file = e["file"].as_str().expect("file").to_string();
            let text = std::fs::read_to_string(dir.join(&file)).expect("recorded body");
            let body: Value = serde_json::from_str(&text).expect("recorded body is JSON");
            (
                file,
                e["endpoint"].as_str().expect("endpoint").to_string(),
                body,
            )
        })
        .collect()
}

/// Calls the client method for `endpoint`; `None` when the client has none.
async fn call(client: &super::WeChatClient, endpoint: &str) -> Option<Result<(), ApiError>> {
    let id = "pFS7Fjg8kV1IdDz01r4SQwMkuCKc";
    Some(match endpoint {
        "/card/get" => client.get_card(id).await.map(drop),
        "/card/batchget" => client.batchget(0, 10, None).await.map(drop),
        "/card/create" => client
            .create_card(&serde_json::json!({"card_type": "CASH", "cash": {}}))
            .await
            .map(drop),
        "/card/update" => client
            .update_card(id, "cash", &serde_json::json!({"base_info": {}}))
            .await
            .map(drop),
        "/card/delete" => client.delete_card(id).await,
        "/card/modifystock" => client.modify_stock(id, 1).await,
        "/card/getcolors" => client.get_colors().await.map(drop),
        "/card/pay/getpayprice" => client.get_pay_price(id, 1).await.map(drop),
        "/card/pay/getcoinsinfo" => client.coin_balance().await.map(drop),
        "/card/pay/getorder" => client
            .coin_order("100005790120151221401000171")
            .await
            .map(drop),
        "/datacube/getcardbizuininfo" => client
            .datacube(
                "2017-12-01",
                "2017-12-31",
                super::delivery::CubeScope::Account,
                super::delivery::CubeSource::Api,
            )
            .await
            .map(drop),
        "/datacube/getcardcardinfo" => client
            .datacube(
                "2017-12-01",
                "2017-12-31",
                super::delivery::CubeScope::AllCards,
                super::delivery::CubeSource::Api,
            )
            .await
            .map(drop),
        "/cgi-bin/media/uploadimg" => client
            .upload_image(b"\x89PNG\r\n\x1a\nrecorded".to_vec(), "a.png")
            .await
            .map(drop),
        _ => return None,
    })
}

#[tokio::test]
async fn every_recorded_response_is_decoded() {
    let responses = recorded_responses();
    assert!(
        responses.len() >= 20,
        "{} recorded responses",
        responses.len()
    );
    let mut typed = 0;
    for (file, endpoint, body) in responses {
        let bytes = serde_json::to_vec(&body).expect("serialise");
        let (_, env) = envelope::parse(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mock = Mock::start("tok").await;
        mock.default_reply(&endpoint, Reply::Json(body.clone()));
        let client = mock.client("s3cret");
        let Some(result) = call(&client, &endpoint).await else {
            continue;
        };
        typed += 1;
        match (env.errcode, result) {
            (0, Ok(())) => {}
            (0, Err(e)) => panic!("{file}: the client could not read a success: {e}"),
            (code, Err(e)) => assert_eq!(e.errcode(), Some(code), "{file}: {e}"),
            (code, Ok(())) => panic!("{file}: errcode {code} read as success"),
        }
    }
    assert!(typed >= 10, "{typed} responses went through a typed method");
}
