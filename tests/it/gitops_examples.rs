//! examples/gitops: the GitHub Actions workflow (through the composite action at the
//! repository root, action.yml) and the GitLab CI pipeline only run `cardform` command
//! lines the CLI accepts, each step explains its exit codes, and the example project
//! plans (as the markdown comment a pull request gets) against the emulator standing in
//! for the real account.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::Parser;
use serde_yaml_ng::Value;

use crate::common::{self, Emulator, TestProject, filters};

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gitops")
}

const GITHUB: &str = ".github/workflows/cardform.yml";
const GITLAB: &str = ".gitlab-ci.yml";
/// The composite action the GitHub workflow's jobs call (relative to examples/gitops).
const ACTION: &str = "../../action.yml";

fn load_yaml(rel: &str) -> Value {
    let path = example_dir().join(rel);
    let text = std::fs::read_to_string(&path).expect("read workflow");
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()))
}

/// Every shell script in a pipeline: GitHub `run:`, GitLab `script:`, `before_script:`,
/// `after_script:` (lists flattened; anchors are already expanded by the parser).
pub(crate) fn scripts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, val) in m {
                let key = k.as_str().unwrap_or_default();
                if matches!(key, "run" | "script" | "before_script" | "after_script") {
                    collect_strings(val, out);
                } else {
                    scripts(val, out);
                }
            }
        }
        Value::Sequence(s) => s.iter().for_each(|x| scripts(x, out)),
        Value::Tagged(t) => scripts(&t.value, out),
        _ => {}
    }
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Sequence(s) => s.iter().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// Replaces `${{ … }}`, `${VAR…}`, `$VAR` and `$?` with a plain word, as a shell (or
/// the CI) would substitute a value.
fn substitute(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(inner) = after.strip_prefix("{{") {
            let end = inner.find("}}").map(|j| j + 2).unwrap_or(inner.len());
            out.push_str("placeholder");
            rest = &inner[end..];
        } else if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}').map(|j| j + 1).unwrap_or(inner.len());
            out.push_str("placeholder");
            rest = &inner[end..];
        } else if let Some(tail) = after.strip_prefix('?') {
            out.push_str("placeholder");
            rest = tail;
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if end == 0 {
                out.push('$');
            } else {
                out.push_str("placeholder");
            }
            rest = &after[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Splits one shell line into simple commands at unquoted `;`, `&&`, `||`, `|`, `&`,
/// dropping a trailing `# comment`.
fn simple_commands(line: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let (mut single, mut double, mut escaped) = (false, false, false);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if escaped {
            cur.push(c);
            escaped = false;
        } else if c == '\\' && !single {
            cur.push(c);
            escaped = true;
        } else if c == '\'' && !double {
            single = !single;
            cur.push(c);
        } else if c == '"' && !single {
            double = !double;
            cur.push(c);
        } else if single || double {
            cur.push(c);
        } else if c == '#' && cur.chars().last().is_none_or(char::is_whitespace) {
            break;
        } else if matches!(c, ';' | '|' | '&') {
            // `2>&1` is a redirection, not a separator.
            if c == '&' && (cur.ends_with('>') || chars.get(i + 1) == Some(&'>')) {
                cur.push(c);
            } else {
                parts.push(std::mem::take(&mut cur));
                if chars.get(i + 1) == Some(&c) {
                    i += 1;
                }
            }
        } else {
            cur.push(c);
        }
        i += 1;
    }
    parts.push(cur);
    parts
}

/// The argv of every `cardform …` command in `script`, placeholders substituted and
/// redirections removed.
pub(crate) fn cardform_commands(script: &str) -> Vec<Vec<String>> {
    let joined = script.replace("\\\n", " ");
    let mut found = Vec::new();
    for line in joined.lines() {
        for cmd in simple_commands(&substitute(line)) {
            let Some(words) = shlex::split(&cmd) else {
                panic!("unbalanced quotes in: {line}");
            };
            let mut words = words.into_iter().skip_while(|w| {
                matches!(
                    w.as_str(),
                    "if" | "then" | "else" | "elif" | "do" | "!" | "time"
                )
            });
            let Some(first) = words.next() else { continue };
            if first != "cardform" {
                continue;
            }
            let mut argv = vec![first];
            let mut skip_next = false;
            for w in words {
                if skip_next {
                    skip_next = false;
                    continue;
                }
                let redirect = w.trim_start_matches(|c: char| c.is_ascii_digit());
                if redirect.starts_with('>') || redirect.starts_with('<') {
                    // `> file` takes the next word; `>file` and `2>&1` do not.
                    skip_next = redirect.trim_start_matches(['>', '<', '&']).is_empty()
                        && !redirect.contains('&');
                    continue;
                }
                argv.push(w);
            }
            found.push(argv);
        }
    }
    found
}

/// The exit codes a step's comments must explain, by what the command does.
fn codes_to_explain(argv: &[String]) -> &'static [u8] {
    let has = |f: &str| argv.iter().any(|a| a == f);
    match argv.get(1).map(String::as_str) {
        Some("plan") if has("--refresh-only") => &[0, 1, 2],
        Some("plan") if has("--detailed-exitcode") => &[0, 1, 2, 3],
        Some("plan") => &[0, 1, 3],
        Some("apply") if has("--refresh-only") => &[0, 1],
        Some("apply") => &[0, 1, 3],
        _ => &[0, 1],
    }
}

/// Checks one pipeline file; returns the commands found, as "subcommand flags…".
fn check_pipeline(rel: &str) -> BTreeSet<String> {
    let doc = load_yaml(rel);
    let mut all = Vec::new();
    scripts(&doc, &mut all);
    let mut seen = BTreeSet::new();
    for script in &all {
        for argv in cardform_commands(script) {
            if let Err(e) = cardform::cli::Cli::try_parse_from(&argv) {
                panic!("{rel}: `{}` is rejected by the CLI:\n{e}", argv.join(" "));
            }
            for code in codes_to_explain(&argv) {
                let explained = script
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("#   {code}  ")));
                assert!(
                    explained,
                    "{rel}: the step running `{}` does not explain exit code {code}:\n{script}",
                    argv.join(" ")
                );
            }
            let mut shape: Vec<&str> = argv[1..]
                .iter()
                .map(String::as_str)
                .filter(|a| a.starts_with("--") || *a == "plan" || *a == "apply")
                .collect();
            shape.dedup();
            seen.insert(shape.join(" "));
        }
    }
    seen
}

#[track_caller]
fn assert_has(seen: &BTreeSet<String>, rel: &str, wanted: &[&str]) {
    assert!(
        seen.iter()
            .any(|s| wanted.iter().all(|w| s.split(' ').any(|x| x == *w))),
        "{rel}: no cardform command with {wanted:?}; found {seen:#?}"
    );
}

#[test]
fn every_cardform_line_in_the_pipelines_is_accepted_and_explained() {
    for rel in [ACTION, GITLAB] {
        let seen = check_pipeline(rel);
        // Plan on pull requests: markdown comment + saved plan, gated (the action takes
        // its gates as CARDFORM_DENY, below).
        assert_has(
            &seen,
            rel,
            &["plan", "--out", "--format", "--detailed-exitcode"],
        );
        // Apply the saved plan on merge (a file, not the folder: no --auto-approve).
        assert!(
            seen.iter()
                .any(|s| s.starts_with("apply") && !s.contains("--refresh-only")),
            "{rel}: no apply of the saved plan: {seen:#?}"
        );
        // Nightly drift check, and accepting drift.
        assert_has(
            &seen,
            rel,
            &["plan", "--refresh-only", "--detailed-exitcode"],
        );
        assert_has(&seen, rel, &["apply", "--refresh-only", "--auto-approve"]);
    }
    assert_has(&check_pipeline(GITLAB), GITLAB, &["plan", "--deny"]);
    // The action: the review page beside the comment, and the gates from its input.
    assert_has(&check_pipeline(ACTION), ACTION, &["plan", "--html"]);
    let action = load_yaml(ACTION);
    let plan_step = action["runs"]["steps"]
        .as_sequence()
        .into_iter()
        .flatten()
        .find(|s| s["id"].as_str() == Some("plan"))
        .expect("the action's plan step");
    assert_eq!(
        plan_step["env"]["CARDFORM_DENY"].as_str(),
        Some("${{ inputs.deny }}")
    );
}

#[test]
fn the_command_extractor_sees_what_a_shell_would_run() {
    let script = "code=0\nif [ \"$A\" = true ]; then\n  cardform plan \"$DIR\" --out p.json \\\n    --format markdown > plan.md 2>&1 || code=$?\nfi # cardform apply ignored\necho 'cardform apply quoted' | cat\n";
    let cmds = cardform_commands(script);
    assert_eq!(
        cmds,
        vec![vec![
            "cardform",
            "plan",
            "placeholder",
            "--out",
            "p.json",
            "--format",
            "markdown"
        ]]
    );
    assert_eq!(
        substitute("x ${{ secrets.A }} ${B::7} $C/d $?"),
        "x placeholder placeholder placeholder/d placeholder"
    );
    // A wrong flag is caught.
    let bad = cardform_commands("cardform plan . --deny everything");
    assert!(cardform::cli::Cli::try_parse_from(&bad[0]).is_err());
}

#[test]
fn github_steps_that_run_cardform_get_the_secret_from_ci_secrets() {
    // Every job of the workflow calls the action with the secret from CI secrets…
    let doc = load_yaml(GITHUB);
    let jobs = doc["jobs"].as_mapping().expect("jobs");
    let mut commands = BTreeSet::new();
    for (name, job) in jobs {
        for step in job["steps"].as_sequence().into_iter().flatten() {
            let Some(uses) = step["uses"].as_str() else {
                continue;
            };
            if !uses.contains("/cardform@") {
                continue;
            }
            assert_eq!(
                step["with"]["appsecret"].as_str(),
                Some("${{ secrets.CARDFORM_APPSECRET }}"),
                "job {name:?}"
            );
            commands.insert(
                step["with"]["command"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    assert_eq!(
        commands,
        ["accept-drift", "apply", "drift", "plan"]
            .map(String::from)
            .into(),
        "plan, apply, drift and accept-drift jobs"
    );
    // …and every step of the action that talks to WeChat hands it to cardform.
    let action = load_yaml(ACTION);
    let mut checked = 0;
    for step in action["runs"]["steps"].as_sequence().into_iter().flatten() {
        let run = step["run"].as_str().unwrap_or_default();
        let talks_to_wechat = cardform_commands(run)
            .iter()
            .any(|a| matches!(a.get(1).map(String::as_str), Some("plan" | "apply")));
        if talks_to_wechat {
            assert_eq!(
                step["env"]["CARDFORM_APPSECRET"].as_str(),
                Some("${{ inputs.appsecret }}"),
                "action step {:?}",
                step["name"]
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "plan, apply, drift and accept-drift steps");
}

#[test]
fn every_action_is_on_a_maintained_runtime() {
    // node20 actions are deprecated (actionlint flags checkout@v4, cache@v4,
    // upload-artifact@v4); these majors run on node24.
    let maintained = [
        "actions/checkout@v5",
        "actions/cache@v5",
        "actions/upload-artifact@v6",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        root.join("action.yml"),
        example_dir().join(GITHUB),
        root.join("src/scaffold/templates/github.yml"),
    ] {
        let text = std::fs::read_to_string(&file).expect("read");
        for line in text.lines() {
            let Some(uses) = line
                .trim_start()
                .trim_start_matches("- ")
                .strip_prefix("uses: ")
            else {
                continue;
            };
            if uses.starts_with("actions/") {
                assert!(maintained.contains(&uses), "{}: {uses}", file.display());
            }
        }
    }
}

/// The example project, pointed at an emulator that accepts its AppID.
fn example_against(emu: &Emulator) -> TestProject {
    let src = example_dir();
    let toml = std::fs::read_to_string(src.join("cardform.toml")).expect("cardform.toml");
    let toml = toml.replace(
        "endpoint = \"https://api.weixin.qq.com\"",
        &format!("endpoint = \"{}\"", emu.url),
    );
    assert!(toml.contains(&emu.url), "the example names its endpoint");
    let cards = std::fs::read_to_string(src.join("cards/coupons.toml")).expect("cards");
    let p = TestProject::with(&toml, &cards);
    std::fs::copy(
        src.join("assets/logo.jpg"),
        p.path().join("assets/logo.jpg"),
    )
    .expect("logo");
    p
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn the_example_project_validates_plans_as_markdown_and_applies_the_saved_plan() {
    common::cardform()
        .args(["validate"])
        .arg(example_dir())
        .output()
        .map(|o| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr)))
        .expect("validate");

    let emu = Emulator::start(&["--appid", "wx0123456789abcdef"]);
    let p = example_against(&emu);
    let plan_file = p.path().join("cardform.plan.json");
    let plan_arg = plan_file.to_string_lossy().to_string();
    let pr = [
        "plan",
        "{dir}",
        "--out",
        &plan_arg,
        "--format",
        "markdown",
        "--detailed-exitcode",
        "--deny",
        "review",
        "--deny",
        "replace",
        "--deny",
        "stock",
    ];

    // The first pull request: two new cards.
    let out = p.run(&pr);
    out.expect_code(2);
    snapshot("example_first_plan", &out.stdout);
    p.run(&["apply", &plan_arg]).expect_code(0);
    p.run(&["plan", "{dir}", "--detailed-exitcode"])
        .expect_code(0);

    // A risky pull request: the welcome gift's notice (review) and stock, the discount's
    // brand (a new card_id). The gates stop it: exit 3, and the comment says so.
    p.edit(
        "notice = \"向店员出示券码\"",
        "notice = \"向店员出示券码或会员码\"",
    );
    p.edit("sku = { quantity = 5000 }", "sku = { quantity = 6000 }");
    p.edit(
        "brand_name = \"卡式咖啡\"\ntitle = \"全场饮品八折\"",
        "brand_name = \"卡式咖啡馆\"\ntitle = \"全场饮品八折\"",
    );
    let out = p.run(&pr);
    out.expect_code(3);
    snapshot("example_risky_plan", &out.stdout);
    assert!(
        out.stderr.contains("member_discount") && out.stderr.contains("welcome_coupon"),
        "{}",
        out.stderr
    );
    // The saved plan of a gated run is kept for review; the second approval re-plans
    // without the gates, and that plan applies.
    let out = p.run(&["plan", "{dir}", "--out", &plan_arg, "--detailed-exitcode"]);
    out.expect_code(2);
    p.run(&["apply", &plan_arg]).expect_code(0);
    p.run(&["plan", "{dir}", "--refresh-only", "--detailed-exitcode"])
        .expect_code(0);
}
