//! Shared harness for integration tests: temp projects, the real binary, and the real
//! emulator in its own process on loopback.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

/// A tiny but real JPEG (SOI, JFIF APP0, EOI) — enough for magic-byte checks.
pub const TINY_JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
];

/// A project folder in a temp dir.
pub struct TestProject {
    pub dir: tempfile::TempDir,
}

/// Three cards: a discount, a general coupon and a friends cash coupon.
pub const SAMPLE_CARDS: &str = r#"
[cards.coffee_discount]
card_type = "DISCOUNT"
discount = 20

[cards.coffee_discount.base_info]
logo_url = "assets/logo.jpg"
code_type = "CODE_TYPE_QRCODE"
brand_name = "示例咖啡"
title = "全场八折券"
color = "Color010"
notice = "结账时出示此券"
description = "每次消费限用一张。"
service_phone = "400-000-0000"

[cards.coffee_discount.base_info.sku]
quantity = 1000

[cards.coffee_discount.base_info.date_info]
type = "DATE_TYPE_FIX_TIME_RANGE"
begin_timestamp = 2027-01-01T00:00:00+08:00
end_timestamp = 2027-03-31T23:59:59+08:00

[cards.tea_coupon]
card_type = "GENERAL_COUPON"
default_detail = "任意茶饮第二杯半价"

[cards.tea_coupon.base_info]
logo_url = "assets/logo.jpg"
code_type = "CODE_TYPE_TEXT"
brand_name = "示例茶室"
title = "第二杯半价"
color = "Color030"
notice = "点单时出示"
description = "仅限堂食。"

[cards.tea_coupon.base_info.sku]
quantity = 500

[cards.tea_coupon.base_info.date_info]
type = "DATE_TYPE_FIX_TERM"
fixed_term = 30
fixed_begin_term = 0
"#;

impl TestProject {
    /// A sandbox project with [`SAMPLE_CARDS`].
    pub fn sandbox() -> TestProject {
        TestProject::with(
            r#"endpoint = "sandbox"

[account]
appid = "wxsandbox"
"#,
            SAMPLE_CARDS,
        )
    }

    /// A project against an external endpoint.
    pub fn external(endpoint: &str) -> TestProject {
        TestProject::with(
            &format!(
                "endpoint = \"{endpoint}\"\n\n[account]\nappid = \"wxsandbox\"\n\n[limits]\ntimeout_seconds = 5\n"
            ),
            SAMPLE_CARDS,
        )
    }

    pub fn with(project_toml: &str, cards: &str) -> TestProject {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("cardform.toml"), project_toml)
            .expect("write cardform.toml");
        std::fs::create_dir_all(dir.path().join("cards")).expect("cards dir");
        std::fs::create_dir_all(dir.path().join("assets")).expect("assets dir");
        std::fs::write(dir.path().join("assets/logo.jpg"), TINY_JPEG).expect("logo");
        std::fs::write(dir.path().join("cards/cards.toml"), cards).expect("cards");
        TestProject { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cards_file(&self) -> PathBuf {
        self.path().join("cards/cards.toml")
    }

    /// Replaces `from` with `to` in the card file (exactly once).
    pub fn edit(&self, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.cards_file()).expect("read cards");
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur once in the card file"
        );
        std::fs::write(self.cards_file(), text.replacen(from, to, 1)).expect("write cards");
    }

    /// Runs cardform with `args` (the project path appended where `{dir}` appears).
    pub fn run(&self, args: &[&str]) -> Output {
        let dir = self.path().to_string_lossy().to_string();
        let args: Vec<String> = args.iter().map(|a| a.replace("{dir}", &dir)).collect();
        run_cmd(cardform().args(&args))
    }

    pub fn state(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.path().join("state/cardform.state.json"))
            .expect("state file");
        serde_json::from_str(&text).expect("state JSON")
    }
}

/// The cardform binary with a clean, colourless environment.
pub fn cardform() -> Command {
    let mut c = Command::cargo_bin("cardform").expect("binary");
    c.env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        // The operator's trusted overrides (docs/security.md) come only from the test.
        .env_remove("CARDFORM_ENDPOINT")
        .env_remove("CARDFORM_STATE")
        .env_remove("CARDFORM_ALLOW_TOKEN_COMMAND")
        // Plan flags an operator may set in the environment.
        .env_remove("CARDFORM_DENY")
        .env_remove("CARDFORM_LANG")
        .env("CARDFORM_APPSECRET", "sandbox-secret");
    c
}

/// An error report as words: miette's frame characters and its wrapping at the
/// terminal's width taken out, so a message or help wrapped over lines matches whole.
pub fn words(stderr: &str) -> String {
    stderr
        .replace(['│', '×', '╰', '─', '▶'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a run printed.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run_cmd(cmd: &mut Command) -> Output {
    let out = cmd.stdin(Stdio::null()).output().expect("run cardform");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Output {
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// `cardform emulator` in its own process; killed on drop.
pub struct Emulator {
    pub child: Child,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Emulator {
    pub fn start(extra: &[&str]) -> Emulator {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("world.json");
        let mut e = Emulator::start_with_data(&data, extra);
        e._dir = Some(dir);
        e
    }

    pub fn start_with_data(data: &Path, extra: &[&str]) -> Emulator {
        let mut child = cardform()
            .args(["emulator", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn emulator");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("listening line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .expect("listening on …")
            .to_string();
        Emulator {
            child,
            url,
            _dir: None,
        }
    }

    /// GET/POST on the admin API.
    pub fn admin(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        block_on(async {
            let client = reqwest::Client::new();
            let url = format!("{}{path}", self.url);
            let req = if method == "GET" {
                client.get(url)
            } else {
                client.post(url).json(&body.unwrap_or_default())
            };
            let resp = req.send().await.expect("admin call");
            resp.json::<serde_json::Value>().await.unwrap_or_default()
        })
    }

    /// A card API call with a fresh stable token.
    pub fn api(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        block_on(async {
            let client = reqwest::Client::new();
            let token: serde_json::Value = client
                .post(format!("{}/cgi-bin/stable_token", self.url))
                .json(&serde_json::json!({"grant_type": "client_credential", "appid": "wxsandbox", "secret": "sandbox-secret"}))
                .send()
                .await
                .expect("token")
                .json()
                .await
                .expect("token json");
            let token = token["access_token"]
                .as_str()
                .expect("access_token")
                .to_string();
            client
                .post(format!("{}{path}?access_token={token}", self.url))
                .json(&body)
                .send()
                .await
                .expect("api call")
                .json()
                .await
                .expect("api json")
        })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// Insta filters that hide card_ids and times.
pub fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"p[0-9A-Za-z_-]{27}", "[CARD_ID]"),
        (r"http://mmbiz\.qpic\.cn/[^\s\x22]+", "[IMAGE_URL]"),
        (r"/tmp/\.tmp[0-9A-Za-z]+", "[DIR]"),
        (r"\b[0-9a-f]{64}\b", "[CHECKSUM]"),
    ]
}

/// Every file under `dir`, as lossy text.
pub fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((
                    path.display().to_string(),
                    String::from_utf8_lossy(&bytes).into_owned(),
                ));
            }
        }
    }
    out
}

/// The quickstart example, pointed at an external emulator.
pub fn quickstart_against(emu: &Emulator) -> TestProject {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart");
    let p = TestProject::external(&emu.url);
    std::fs::remove_file(p.cards_file()).expect("remove sample cards");
    for sub in ["cards", "assets"] {
        for entry in std::fs::read_dir(src.join(sub))
            .expect("example folder")
            .flatten()
        {
            std::fs::copy(entry.path(), p.path().join(sub).join(entry.file_name())).expect("copy");
        }
    }
    p
}

/// A fresh copy of `examples/<name>` as a new user's project: without the `state/` the
/// README's first command leaves there, and without the `project_id` that command writes
/// into cardform.toml (a copy is another project; with the id and no state it would be
/// refused as a project whose state was lost).
pub fn copy_example(name: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree_without_state(&src, dir.path(), true);
    dir
}

fn copy_tree_without_state(from: &Path, to: &Path, top: bool) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read example").flatten() {
        let name = entry.file_name();
        let target = to.join(&name);
        if top && name == "state" {
            continue;
        }
        if entry.path().is_dir() {
            copy_tree_without_state(&entry.path(), &target, false);
        } else if top && name == "cardform.toml" {
            let text = std::fs::read_to_string(entry.path()).expect("read cardform.toml");
            let kept: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("project_id"))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(&target, kept).expect("write cardform.toml");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
