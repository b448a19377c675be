//! zh-CN: errors and their help, the state commands, force-unlock and clap's usage
//! errors. Each runs the real binary under `CARDFORM_LANG=zh-CN` (or `--lang zh-CN`).

use std::path::PathBuf;

use super::{assert_chinese, zh};
use crate::common::{Emulator, Output, TestProject, cardform, run_cmd};
use cardform::state::{LocalBackend, LockInfo, StateBackend};

fn dir_of(p: &TestProject) -> String {
    p.path().to_string_lossy().to_string()
}

fn state_path(p: &TestProject) -> PathBuf {
    p.path().join("state/cardform.state.json")
}

/// A sandbox project whose cards were applied (so there is a state to work on).
fn applied_sandbox() -> TestProject {
    let p = TestProject::sandbox();
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p
}

/// An emulator project whose cards were applied.
fn applied_against(emu: &Emulator) -> TestProject {
    let p = TestProject::external(&emu.url);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    p
}

/// Whether `text` says `needle`, whatever miette's wrapping (which may break a line
/// between two Chinese characters or inside an identifier): spaces and frames ignored.
fn says(text: &str, needle: &str) -> bool {
    let bare = |t: &str| -> String {
        crate::common::words(t)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    bare(text).contains(&bare(needle))
}

/// Only the lines of `out` that `keep` selects, as an output of their own (for a run
/// whose other lines belong to messages this file does not test).
fn lines_of(out: &Output, keep: impl Fn(&str) -> bool) -> Output {
    let pick = |text: &str| {
        text.lines()
            .filter(|l| keep(l))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Output {
        code: out.code,
        stdout: pick(&out.stdout),
        stderr: pick(&out.stderr),
    }
}

/// An invalid project: the error and its help in Chinese (the TOML syntax diagnostic
/// itself is the validate area's; only the error's own lines are held here).
#[test]
fn an_invalid_project_is_reported_in_chinese() {
    let p = TestProject::sandbox();
    let text = std::fs::read_to_string(p.cards_file()).expect("cards");
    std::fs::write(p.cards_file(), format!("{text}\nbad = \n")).expect("write");
    let out = zh(&["plan", &dir_of(&p)]);
    out.expect_code(1);
    assert!(says(&out.stderr, "提示"), "{}", out.stderr);
    assert!(says(&out.stderr, "中有 1 个问题"), "{}", out.stderr);
    assert!(
        says(&out.stderr, "`cardform validate` 可离线检查"),
        "{}",
        out.stderr
    );
    let own = lines_of(&out, |l| {
        l.contains("个问题") || l.contains("提示") || l.contains("cardform::config::invalid")
    });
    assert_chinese("invalid project", &own);
    // English is unchanged.
    let en = p.run(&["plan", "{dir}"]);
    en.expect_code(1);
    assert!(says(&en.stderr, "1 problem in"), "{}", en.stderr);
    assert!(
        says(
            &en.stderr,
            "fix the problems above; `cardform validate` checks the files offline"
        ),
        "{}",
        en.stderr
    );
}

/// The AppSecret's variable is not set: the client's error, in Chinese.
#[test]
fn a_missing_appsecret_is_said_in_chinese() {
    let emu = Emulator::start(&[]);
    let p = TestProject::external(&emu.url);
    let out = run_cmd(
        cardform()
            .args(["plan", &dir_of(&p)])
            .env("CARDFORM_LANG", "zh-CN")
            .env_remove("CARDFORM_APPSECRET"),
    );
    out.expect_code(1);
    assert!(says(&out.stderr, "CARDFORM_APPSECRET"), "{}", out.stderr);
    assert!(says(&out.stderr, "未设置"), "{}", out.stderr);
    assert_chinese("missing AppSecret", &out);
    let en = run_cmd(
        cardform()
            .args(["plan", &dir_of(&p)])
            .env_remove("CARDFORM_APPSECRET"),
    );
    en.expect_code(1);
    assert!(
        says(
            &en.stderr,
            "environment variable CARDFORM_APPSECRET is not set"
        ),
        "{}",
        en.stderr
    );
}

/// WeChat cannot be reached: the transport error and the token advice in Chinese.
#[test]
fn an_unreachable_endpoint_is_said_in_chinese() {
    let emu = Emulator::start(&[]);
    let p = applied_against(&emu);
    drop(emu);
    // A loopback port nothing listens on (the emulator that was there has stopped).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let toml = std::fs::read_to_string(p.path().join("cardform.toml")).expect("toml");
    let toml = toml
        .lines()
        .map(|l| {
            if l.starts_with("endpoint") {
                format!("endpoint = \"http://127.0.0.1:{port}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(p.path().join("cardform.toml"), toml).expect("write toml");
    let out = zh(&["plan", &dir_of(&p)]);
    out.expect_code(1);
    assert!(says(&out.stderr, "无法连接"), "{}", out.stderr);
    assert!(says(&out.stderr, "处理办法"), "{}", out.stderr);
    assert_chinese("unreachable endpoint", &out);
    let en = p.run(&["plan", "{dir}"]);
    en.expect_code(1);
    assert!(says(&en.stderr, "could not connect"), "{}", en.stderr);
}

/// WeChat answers an errcode: the errcode and errmsg stay as they are, the meaning and
/// what to do are Chinese.
#[test]
fn a_wechat_errcode_is_explained_in_chinese() {
    let emu = Emulator::start(&[]);
    let p = applied_against(&emu);
    emu.admin(
        "POST",
        "/__emulator/faults",
        Some(serde_json::json!([{"path": "/card/get", "errcode": 48001}])),
    );
    let out = zh(&["plan", &dir_of(&p)]);
    out.expect_code(1);
    let said = out.stderr.clone();
    assert!(says(&said, "errcode 48001"), "{said}");
    assert!(says(&said, "没有此接口的权限"), "{said}");
    assert!(says(&said, "处理办法：请开通卡券功能"), "{said}");
    assert!(says(&said, "wechat::errcode::48001"), "{said}");
    assert_chinese("errcode 48001", &out);
    let en = p.run(&["plan", "{dir}"]);
    en.expect_code(1);
    let said = en.stderr.clone();
    assert!(
        says(
            &said,
            "the API is not authorised for this account or token type"
        ),
        "{said}"
    );
    assert!(says(&said, "What to do: enable the card"), "{said}");
}

/// Another run holds the state lock: the holder and the way out, in Chinese.
#[test]
fn a_held_state_lock_is_said_in_chinese() {
    let p = applied_sandbox();
    let backend = LocalBackend::new(state_path(&p));
    let lock = backend
        .lock(LockInfo::for_current_process("apply"), None)
        .expect("lock");
    let out = zh(&["plan", &dir_of(&p)]);
    out.expect_code(1);
    let said = out.stderr.clone();
    assert!(says(&said, "已被"), "{said}");
    assert!(
        says(&said, &format!("pid {}", std::process::id())),
        "{said}"
    );
    assert!(
        says(&said, &format!("cardform force-unlock {}", lock.id())),
        "{said}"
    );
    assert_chinese("held lock", &out);
    // A live holder is not forced.
    let out = zh(&["force-unlock", lock.id(), "--dir", &dir_of(&p)]);
    out.expect_code(1);
    assert!(says(&out.stderr, "正在运行"), "{}", out.stderr);
    assert_chinese("force-unlock of a live holder", &out);
    let en = p.run(&["plan", "{dir}"]);
    en.expect_code(1);
    assert!(says(&en.stderr, "If that run was killed"), "{}", en.stderr);
    drop(lock);
}

/// force-unlock of a holder that died, then of a lock that is gone.
#[test]
fn force_unlock_speaks_chinese() {
    let p = applied_sandbox();
    let backend = LocalBackend::new(state_path(&p));
    let info = state_path(&p).with_extension("json.lock.info");
    // A holder that left its record and died: the record stays, the flock is gone.
    let lock = backend
        .lock(LockInfo::for_current_process("apply"), None)
        .expect("lock");
    let id = lock.id().to_string();
    let record = std::fs::read(&info).expect("holder record");
    drop(lock);
    std::fs::write(&info, record).expect("put the record back");
    let out = zh(&["force-unlock", &id, "--dir", &dir_of(&p)]);
    out.expect_code(0);
    assert!(out.stdout.contains("已释放"), "{}", out.stdout);
    assert_chinese("force-unlock", &out);
    let out = zh(&["force-unlock", &id, "--dir", &dir_of(&p)]);
    out.expect_code(1);
    assert!(says(&out.stderr, "未被锁定"), "{}", out.stderr);
    assert_chinese("force-unlock without a lock", &out);
}

/// A saved plan made before the state changed.
#[test]
fn a_stale_saved_plan_is_said_in_chinese() {
    let p = TestProject::sandbox();
    let out_dir = tempfile::tempdir().expect("tempdir");
    let saved = out_dir.path().join("plan.json");
    let saved = saved.to_string_lossy().to_string();
    p.run(&["plan", "{dir}", "--out", &saved]).expect_code(0);
    p.run(&["apply", "{dir}", "--auto-approve"]).expect_code(0);
    let out = zh(&["apply", &saved, "--auto-approve"]);
    out.expect_code(1);
    assert!(says(&out.stderr, "保存的计划已过时"), "{}", out.stderr);
    assert_chinese("stale saved plan", &out);
}

/// A write the write policy refuses: the project's own file.
#[test]
fn a_refused_write_is_said_in_chinese() {
    let p = TestProject::sandbox();
    let target = p.path().join("cardform.toml");
    let out = zh(&["plan", &dir_of(&p), "--out", &target.to_string_lossy()]);
    out.expect_code(1);
    assert!(says(&out.stderr, "拒绝写入"), "{}", out.stderr);
    assert!(
        says(&out.stderr, "项目文件 cardform.toml"),
        "{}",
        out.stderr
    );
    assert_chinese("write refused", &out);
    let en = p.run(&["plan", "{dir}", "--out", &target.to_string_lossy()]);
    en.expect_code(1);
    assert!(
        says(&en.stderr, "it is the project file cardform.toml"),
        "{}",
        en.stderr
    );
}

/// `cardform state …`: what each edit did, and its errors.
#[test]
fn state_commands_speak_chinese() {
    let p = applied_sandbox();
    let d = dir_of(&p);
    let out = zh(&["state", "mv", "tea_coupon", "tea_second", "--dir", &d]);
    out.expect_code(0);
    assert!(
        out.stdout.contains("已把 tea_coupon 移到 tea_second"),
        "{}",
        out.stdout
    );
    assert_chinese("state mv", &out);

    let out = zh(&["state", "show", "tea_coupn", "--dir", &d]);
    out.expect_code(1);
    assert_chinese("state show of an unknown address", &out);

    let out = zh(&["state", "mv", "tea_second", "Bad Name", "--dir", &d]);
    out.expect_code(1);
    assert_chinese("state mv to a bad address", &out);

    let out = zh(&["state", "mv", "tea_second", "coffee_discount", "--dir", &d]);
    out.expect_code(1);
    assert_chinese("state mv onto a taken address", &out);

    let out_dir = tempfile::tempdir().expect("tempdir");
    let copy = out_dir.path().join("state-copy.json");
    let copy = copy.to_string_lossy().to_string();
    let out = zh(&["state", "pull", "--dir", &d, "--out", &copy]);
    out.expect_code(0);
    assert_chinese("state pull", &out);

    let out = zh(&["state", "rm", "tea_second", "--dir", &d]);
    out.expect_code(0);
    assert!(out.stdout.contains("从状态中移除"), "{}", out.stdout);
    assert_chinese("state rm", &out);

    let out = zh(&["state", "push", &copy, "--dir", &d]);
    out.expect_code(1);
    assert_chinese("state push of an older copy", &out);

    let out = zh(&["state", "restore-backup", &d]);
    out.expect_code(0);
    assert!(out.stdout.contains("已从"), "{}", out.stdout);
    assert_chinese("state restore-backup", &out);

    let empty = tempfile::tempdir().expect("tempdir");
    let out = zh(&["state", "list", "--dir", &empty.path().to_string_lossy()]);
    out.expect_code(1);
    assert_chinese("state list outside a project", &out);
}

/// clap's usage errors: Chinese sentences around the arguments as they were typed;
/// `--help` unchanged; exit code 1 as before.
#[test]
fn usage_errors_speak_chinese() {
    let out = zh(&["plan", "--frobnicate"]);
    out.expect_code(1);
    assert!(
        says(&out.stderr, "无法识别的参数 `--frobnicate`"),
        "{}",
        out.stderr
    );
    assert!(says(&out.stderr, "用法：cardform plan"), "{}", out.stderr);
    assert_chinese("unknown flag", &out);

    // `--lang` on the command line decides, without the environment.
    let out = run_cmd(cardform().args(["--lang", "zh-CN", "plan", "--frobnicate"]));
    out.expect_code(1);
    assert_chinese("unknown flag with --lang zh-CN", &out);
    let out = run_cmd(cardform().args(["plan", "--lang=zh-CN", "--frobnicate"]));
    out.expect_code(1);
    assert_chinese("unknown flag with --lang=zh-CN", &out);

    let out = zh(&["--lang", "fr", "plan"]);
    out.expect_code(1);
    assert!(says(&out.stderr, "`fr`"), "{}", out.stderr);
    assert!(says(&out.stderr, "`zh-CN`"), "{}", out.stderr);
    assert_chinese("bad --lang value", &out);

    let out = zh(&["state", "mv", "only_one"]);
    out.expect_code(1);
    assert!(says(&out.stderr, "缺少以下必需的参数"), "{}", out.stderr);
    assert_chinese("missing argument", &out);

    let out = zh(&["plna"]);
    out.expect_code(1);
    assert!(says(&out.stderr, "`plna`"), "{}", out.stderr);
    assert!(says(&out.stderr, "`plan`"), "{}", out.stderr);
    assert_chinese("unknown subcommand", &out);

    let out = zh(&["plan", "--parallelism", "0"]);
    out.expect_code(1);
    assert!(says(&out.stderr, "`--parallelism <N>`"), "{}", out.stderr);

    // English is clap's own, unchanged; help and version are unchanged under zh-CN.
    let en = run_cmd(cardform().args(["plan", "--frobnicate"]));
    en.expect_code(1);
    assert!(
        en.stderr
            .starts_with("error: unexpected argument '--frobnicate' found"),
        "{}",
        en.stderr
    );
    // (clap shows the variable's value in the help: the one difference.)
    let help_zh = zh(&["plan", "--help"]);
    help_zh.expect_code(0);
    let help_en = run_cmd(cardform().args(["plan", "--help"]));
    assert_eq!(
        help_zh
            .stdout
            .replace("[env: CARDFORM_LANG=zh-CN]", "[env: CARDFORM_LANG=]"),
        help_en.stdout
    );
    let version_zh = zh(&["--version"]);
    version_zh.expect_code(0);
    assert_eq!(
        version_zh.stdout,
        run_cmd(cardform().args(["--version"])).stdout
    );
}

/// A state file that does not parse: refused, left untouched, the backup named.
#[test]
fn a_broken_state_file_is_said_in_chinese() {
    let p = applied_sandbox();
    p.run(&["state", "mv", "tea_coupon", "tea_second", "--dir", "{dir}"])
        .expect_code(0);
    std::fs::write(state_path(&p), b"{\"version\": 1, \"resou").expect("break");
    let out = zh(&["state", "list", "--dir", &dir_of(&p)]);
    out.expect_code(1);
    let said = out.stderr.clone();
    assert!(says(&said, "cardform 不会覆盖它"), "{said}");
    assert!(says(&said, "cardform.state.json.backup"), "{said}");
    assert_chinese("broken state", &out);
}

/// An endpoint the project may not send secrets to (docs/security.md).
#[test]
fn an_untrusted_endpoint_is_said_in_chinese() {
    let p = TestProject::external("https://example.com");
    let out = zh(&["plan", &dir_of(&p)]);
    out.expect_code(1);
    let said = out.stderr.clone();
    assert!(says(&said, "不是微信 API 的主机"), "{said}");
    assert!(says(&said, "--endpoint https://example.com"), "{said}");
    assert_chinese("untrusted endpoint", &out);
    let en = p.run(&["plan", "{dir}"]);
    en.expect_code(1);
    assert!(
        says(&en.stderr, "is not a WeChat API host"),
        "{}",
        en.stderr
    );
}

/// `cardform emulator` refusing its flags, in Chinese.
#[test]
fn emulator_errors_speak_chinese() {
    let out = zh(&["emulator", "--fault", "mode=sometimes"]);
    out.expect_code(1);
    assert!(
        says(&out.stderr, "故障规则 `mode=sometimes` 无效"),
        "{}",
        out.stderr
    );
    assert_chinese("emulator fault rule", &out);
    let out = zh(&["emulator", "--quota", "card/get=5"]);
    out.expect_code(1);
    assert_chinese("emulator quota", &out);
    let out = zh(&["emulator", "--listen", "0.0.0.0:0"]);
    out.expect_code(1);
    assert!(says(&out.stderr, "拒绝监听"), "{}", out.stderr);
    assert_chinese("emulator not loopback", &out);
    let out = zh(&["emulator", "--listen", "nowhere"]);
    out.expect_code(1);
    assert_chinese("emulator bad listen address", &out);
}

/// `cardform emulator` under zh-CN: stdout's first line stays the contract scripts
/// read; the start and seed lines on stderr are Chinese.
#[test]
fn the_emulator_start_lines_speak_chinese() {
    use std::io::{BufRead, BufReader, Read};
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, "[]").expect("seed");
    let mut child = cardform()
        .args(["emulator", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path().join("world.json"))
        .arg("--seed")
        .arg(&seed)
        .env("CARDFORM_LANG", "zh-CN")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let out = Output {
        code: 0,
        stdout: String::new(),
        stderr,
    };
    assert!(out.stderr.contains("模拟器正在监听"), "{}", out.stderr);
    assert!(out.stderr.contains("已从"), "{}", out.stderr);
    assert_chinese("emulator start", &out);
}
