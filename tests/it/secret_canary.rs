//! Guarantee 5 end to end: a canary AppSecret and the access token the emulator hands
//! out never appear in any byte cardform writes — stdout, stderr, the state folder, saved
//! plans — across plan, apply, failures (commit-then-drop, transient errcodes) and a
//! wrong secret.

use crate::common::{Emulator, Output, TestProject, cardform, files_under, run_cmd};

const CANARY_SECRET: &str = "CANARYSECRETf00dfeed0123456789ab";

fn run(p: &TestProject, secret: &str, args: &[&str]) -> Output {
    let dir = p.path().to_string_lossy().to_string();
    let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &dir)).collect();
    run_cmd(
        cardform()
            .env("CARDFORM_APPSECRET", secret)
            .env("RUST_LOG", "trace")
            .args(&args),
    )
}

/// The token the emulator issued for the canary secret (stable_token returns the same
/// token while it is valid, so this is the one cardform used).
fn issued_token(emu: &Emulator) -> String {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let v: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/cgi-bin/stable_token", emu.url))
            .json(&serde_json::json!({"grant_type": "client_credential", "appid": "wxsandbox", "secret": CANARY_SECRET}))
            .send()
            .await
            .expect("token call")
            .json()
            .await
            .expect("token json");
        v["access_token"].as_str().unwrap_or_default().to_string()
    })
}

#[test]
fn canary_secret_and_token_never_written_anywhere() {
    let emu = Emulator::start(&[
        "--secret",
        CANARY_SECRET,
        "--fault",
        "path=/card/get,errcode=-1,calls=1",
        "--fault",
        "path=/card/create,mode=commit-then-drop,calls=1",
    ]);
    let p = TestProject::external(&emu.url);
    let plan_file = p.path().join("saved.plan");
    let plan_file = plan_file.to_string_lossy().to_string();

    let mut outputs = vec![
        run(&p, CANARY_SECRET, &["plan", "{dir}", "--debug"]),
        // One create is committed then dropped: the run reports it.
        run(
            &p,
            CANARY_SECRET,
            &["apply", "{dir}", "--auto-approve", "--debug"],
        ),
        run(
            &p,
            CANARY_SECRET,
            &["apply", "{dir}", "--auto-approve", "--debug"],
        ),
        run(
            &p,
            CANARY_SECRET,
            &["plan", "{dir}", "--format", "json", "--debug"],
        ),
        run(
            &p,
            CANARY_SECRET,
            &["plan", "{dir}", "--out", &plan_file, "--debug"],
        ),
        // A wrong secret: the token endpoint refuses it.
        run(&p, "CANARYSECRET-wrong-one", &["plan", "{dir}", "--debug"]),
    ];
    // The failure paths really ran: the dropped create was reported with its URL.
    assert!(
        outputs[1].stderr.contains("/card/create"),
        "{:?}",
        outputs[1]
    );
    assert_ne!(
        outputs[5].code, 0,
        "a wrong secret must fail: {:?}",
        outputs[5]
    );
    assert!(
        !outputs[5].stderr.contains("CANARYSECRET-wrong-one"),
        "{}",
        outputs[5].stderr
    );
    outputs.push(run(&p, CANARY_SECRET, &["state", "list", "--dir", "{dir}"]));

    let token = issued_token(&emu);
    assert!(token.len() >= 16, "no token from the emulator: {token:?}");

    let state_files = files_under(p.path());
    assert!(
        state_files
            .iter()
            .any(|(path, _)| path.ends_with("cardform.state.json")),
        "apply wrote no state: {:?}",
        state_files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for (i, out) in outputs.iter().enumerate() {
        for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !text.contains(CANARY_SECRET),
                "run {i} {stream} holds the secret:\n{text}"
            );
            assert!(
                !text.contains(&token),
                "run {i} {stream} holds the token:\n{text}"
            );
        }
    }
    for (path, text) in &state_files {
        assert!(!text.contains(CANARY_SECRET), "{path} holds the secret");
        assert!(!text.contains(&token), "{path} holds the token");
    }
}
