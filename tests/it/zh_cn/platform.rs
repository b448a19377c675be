//! zh-CN: platform (issue 23): the real binary against `cardform emulator` playing the
//! open platform, as `tests/it/platform_cli.rs` runs it in English: accounts import and
//! list, validate, plan and apply across accounts, a revoked authorizer, shards and
//! `plan merge`, and the errors of `--accounts`, `--shard` and the credentials.

use super::assert_chinese;
use crate::common::{Output, run_cmd};
use crate::platform_cli::{World, git};

/// `out` without the authorizers' names, values from WeChat (the emulator calls its
/// merchants "emulated merchant N"), which stay as WeChat gives them.
fn without_nick_names(out: &Output) -> Output {
    let cut = |s: &str| s.replace("emulated merchant", "商户");
    Output {
        code: out.code,
        stdout: cut(&out.stdout),
        stderr: cut(&out.stderr),
    }
}

#[test]
fn a_platform_run_speaks_chinese_from_import_to_a_revoked_account() {
    let w = World::new(3);
    let import = w.zh(&["accounts", "import", "--template", "spring"]);
    import.expect_code(0);
    assert_chinese("accounts import", &without_nick_names(&import));
    assert!(
        import.stderr.contains("已写入 3 个账号文件夹"),
        "{}",
        import.stderr
    );
    let again = w.zh(&["accounts", "import"]);
    again.expect_code(0);
    assert_chinese("accounts import (nothing new)", &again);
    assert!(again.stderr.contains("已由 accounts/"), "{}", again.stderr);

    let list = w.zh(&["accounts", "list"]);
    list.expect_code(0);
    assert_chinese("accounts list", &without_nick_names(&list));
    assert!(
        list.stdout
            .contains("3 个授权方，3 个已管理，3 个授予了卡券权限集"),
        "{}",
        list.stdout
    );

    let valid = w.zh(&["validate", "."]);
    valid.expect_code(0);
    assert_chinese("validate", &valid);

    git(w.dir.path(), &["init", "-q", "-b", "main"]);
    git(w.dir.path(), &["add", "-A"]);
    git(w.dir.path(), &["commit", "-qm", "platform"]);

    let plan = w.zh(&["plan", "--accounts", "all"]);
    plan.expect_code(0);
    assert_chinese("plan --accounts all", &plan);
    assert!(plan.stdout.contains("── 账号 "), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("cardform 计划：3 个账号"),
        "{}",
        plan.stdout
    );
    // The same run in English keeps the English report.
    let en = w.run(&["plan", "--accounts", "all"]);
    en.expect_code(0);
    assert!(
        en.stdout.contains("cardform plan: 3 account(s)") && en.stdout.contains("── account "),
        "{}",
        en.stdout
    );

    let apply = w.zh(&["apply", ".", "--accounts", "all", "--auto-approve"]);
    apply.expect_code(0);
    assert_chinese("apply --accounts all", &apply);
    assert!(
        apply.stdout.contains("cardform 执行：3 个账号"),
        "{}",
        apply.stdout
    );

    // Shards and plan merge (markdown, the pull-request comment).
    w.zh(&["plan", "--shard", "1/2", "--out", "s1.json"])
        .expect_code(0);
    w.zh(&["plan", "--shard", "2/2", "--out", "s2.json"])
        .expect_code(0);
    let merged = w.zh(&["plan", "merge", "s1.json", "s2.json"]);
    merged.expect_code(0);
    assert_chinese("plan merge", &merged);
    assert!(
        merged.stdout.contains("由 2 个分片文件合并"),
        "{}",
        merged.stdout
    );
    w.zh(&["plan", "--out", "all.json"]).expect_code(0);
    let overlap = w.zh(&["plan", "merge", "all.json", "all.json"]);
    overlap.expect_code(1);
    assert_chinese("plan merge of overlapping shards", &overlap);
    assert!(
        overlap.stderr.contains("分片不能重叠"),
        "{}",
        overlap.stderr
    );

    // One authorizer revokes: the others are applied, the revoked one is named.
    w.emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(serde_json::json!({"authorizer_appid": w.appids[0]})),
    );
    let revoked = w.zh(&["apply", ".", "--accounts", "all", "--auto-approve"]);
    revoked.expect_code(4);
    assert_chinese("apply with a revoked authorizer", &revoked);
    assert!(
        revoked.stdout.contains("不是第三方平台"),
        "{}",
        revoked.stdout
    );
    // (`status` shows each card's reason from the operate area's review code.)
    let coins = w.zh(&["coins", "--accounts", "all"]);
    coins.expect_code(4);
    assert_chinese("coins with a revoked authorizer", &coins);
    assert!(coins.stdout.contains("券点合计"), "{}", coins.stdout);
}

#[test]
fn platform_errors_speak_chinese() {
    let w = World::new(1);
    w.zh(&["accounts", "import", "--template", "spring"])
        .expect_code(0);
    let unknown = w.zh(&["plan", "--accounts", "nosuch"]);
    unknown.expect_code(1);
    assert_chinese("--accounts with an unknown name", &unknown);
    assert!(unknown.stderr.contains("未知账号"), "{}", unknown.stderr);

    // (`accounts import --template nosuch` says "not on a platform project: …" around
    // the Chinese reason: that frame is CommandError's, in the errors area.)

    let no_secret = run_cmd(
        w.command(&["plan", "--accounts", "all"])
            .env("CARDFORM_LANG", "zh-CN")
            .env_remove("CARDFORM_COMPONENT_SECRET"),
    );
    no_secret.expect_code(1);
    assert_chinese("no component secret", &no_secret);
    assert!(
        no_secret
            .stderr
            .contains("环境变量 CARDFORM_COMPONENT_SECRET 未设置"),
        "{}",
        no_secret.stderr
    );

    // An account naming a template variable the template lacks: file:line:col, in Chinese.
    let account = w.dir.path().join("accounts");
    let name = std::fs::read_dir(&account)
        .expect("accounts")
        .flatten()
        .next()
        .expect("one account")
        .file_name();
    let file = account.join(name).join("account.toml");
    let text = std::fs::read_to_string(&file).expect("account.toml");
    std::fs::write(&file, format!("{text}colour = \"red\"\n")).expect("write");
    let invalid = w.zh(&["validate", "."]);
    assert_chinese("validate with an unknown template variable", &invalid);
    assert!(
        invalid.stdout.contains("没有变量") || invalid.stderr.contains("没有变量"),
        "{}\n{}",
        invalid.stdout,
        invalid.stderr
    );
}

#[test]
fn init_platform_speaks_chinese() {
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("p");
    let target = target.to_string_lossy();
    let out = super::zh(&[
        "init",
        &target,
        "--platform",
        "--component-appid",
        "wxcomponent0000emu",
    ]);
    out.expect_code(0);
    assert_chinese("init --platform", &out);
    assert!(out.stdout.contains("下一步："), "{}", out.stdout);
}

/// `--shard` refusals come from its value parser, which runs before clap knows
/// `--lang`: they follow the raw command line's language too.
#[test]
fn a_bad_shard_is_refused_in_chinese() {
    for shard in ["0/4", "5/4", "x/y"] {
        let out = super::zh(&["plan", ".", "--accounts", "all", "--shard", shard]);
        out.expect_code(1);
        assert_chinese(&format!("--shard {shard}"), &out);
        assert!(out.stderr.contains("K "), "{}", out.stderr);
        assert!(out.stderr.contains(shard), "{}", out.stderr);
    }
}

/// `coins activate | recharge | order` across accounts, in Chinese: the lines, the
/// totals, a revoked account, and the refusals (no `--accounts`, no confirmation, a
/// refused QR folder, an order with two accounts).
#[test]
fn coins_across_accounts_speak_chinese() {
    let w = World::new(3);
    w.zh(&["accounts", "import"]).expect_code(0);
    let mut names = w.appids.clone();
    names.sort();

    let first = w.zh(&["coins", "activate", "--accounts", "all"]);
    first.expect_code(0);
    assert_chinese("coins activate", &first);
    assert!(
        first.stdout.contains("已开通：微信赠送了 200 点免费券点"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .contains("3 个账号：3 个本次开通，0 个此前已开通，0 个失败"),
        "{}",
        first.stdout
    );
    let again = w.zh(&["coins", "activate", "--accounts", "all"]);
    again.expect_code(0);
    assert_chinese("coins activate (already)", &again);
    assert!(again.stdout.contains("此前已开通"), "{}", again.stdout);

    let bare = w.zh(&["coins", "recharge", "10"]);
    bare.expect_code(1);
    assert_chinese("coins recharge without --accounts", &bare);
    assert!(
        bare.stderr.contains("请用 --accounts 指明账号"),
        "{}",
        bare.stderr
    );
    let unconfirmed = w.zh(&["coins", "recharge", "10", "--accounts", "all"]);
    unconfirmed.expect_code(1);
    assert_chinese("coins recharge without confirmation", &unconfirmed);
    assert!(
        unconfirmed
            .stderr
            .contains("未经确认不会创建 3 笔微信支付订单"),
        "{}",
        unconfirmed.stderr
    );
    let refused = w.zh(&[
        "coins",
        "recharge",
        "10",
        "--accounts",
        "all",
        "--yes",
        "--out-dir",
        "accounts",
    ]);
    refused.expect_code(1);
    assert_chinese("coins recharge into accounts/", &refused);
    assert!(
        refused.stderr.contains("未创建任何订单"),
        "{}",
        refused.stderr
    );

    let one = w.zh(&["coins", "recharge", "10", "--accounts", &names[0]]);
    one.expect_code(0);
    assert_chinese("coins recharge", &one);
    assert!(
        one.stdout
            .contains("共创建 1 笔微信支付订单，合计 10 点（¥10）"),
        "{}",
        one.stdout
    );
    let order = one
        .stdout
        .split("充值订单 ")
        .nth(1)
        .and_then(|rest| rest.split('：').next())
        .expect("the order id")
        .to_string();

    let two = w.zh(&["coins", "order", &order, "--accounts", "all"]);
    two.expect_code(1);
    assert_chinese("coins order with 3 accounts", &two);
    assert!(
        two.stderr
            .contains("一笔订单只属于一个账号，但选中了 3 个账号"),
        "{}",
        two.stderr
    );
    let read = w.zh(&["coins", "order", &order, "--accounts", &names[0]]);
    read.expect_code(0);
    assert_chinese("coins order", &read);
    assert!(read.stdout.contains("── 账号 "), "{}", read.stdout);

    w.emu.admin(
        "POST",
        "/__emulator/platform/revoke",
        Some(serde_json::json!({"authorizer_appid": names[1]})),
    );
    let revoked = w.zh(&["coins", "activate", "--accounts", "all"]);
    revoked.expect_code(4);
    assert_chinese("coins activate with a revoked authorizer", &revoked);
    assert!(
        revoked
            .stdout
            .lines()
            .any(|l| l.starts_with(&names[1]) && l.contains("失败：")),
        "{}",
        revoked.stdout
    );
}

/// The run's summary in Chinese when the component token sealed in the state was
/// used (no fetch), and when it was refused and fetched once anew.
#[test]
fn the_run_summary_says_in_chinese_whether_the_cached_component_token_was_used() {
    let w = World::new(2);
    w.zh(&["accounts", "import", "--template", "spring"])
        .expect_code(0);
    let cached = w.zh(&["plan", "--accounts", "all"]);
    cached.expect_code(0);
    assert_chinese("plan with the cached component token", &cached);
    assert!(
        cached
            .stderr
            .contains("2 个账号；component_access_token 获取 0 次（沿用状态中加密保存的）"),
        "{}",
        cached.stderr
    );
    w.emu
        .admin("POST", "/__emulator/platform/component_token/expire", None);
    let fetched = w.zh(&["plan", "--accounts", "all"]);
    fetched.expect_code(0);
    assert_chinese("plan after the cached token was refused", &fetched);
    assert!(
        fetched
            .stderr
            .contains("2 个账号；component_access_token 获取 1 次；"),
        "{}",
        fetched.stderr
    );
}

/// Per-account stores in Chinese: the comment `accounts import` writes above
/// `[stores]`, a store set an account lacks, a bad set name and a `${stores}` without
/// a set (file:line:col), a foreign store refused at plan.
#[test]
fn store_sets_speak_chinese() {
    let w = crate::platform_stores::friends_world(1);
    let import = w.zh(&["accounts", "import", "--template", "friends"]);
    import.expect_code(0);
    let folder = w.appids[0].to_ascii_lowercase();
    let file = w
        .dir
        .path()
        .join("accounts")
        .join(&folder)
        .join("account.toml");
    let text = std::fs::read_to_string(&file).expect("account.toml");
    assert!(
        text.contains("# 该商户的门店，按 ") && text.contains("[stores]\nall = ["),
        "{text}"
    );
    w.zh(&["validate", "."]).expect_code(0);

    // A set the account lacks, a bad set name.
    let renamed = text.replace("[stores]\nall = ", "[stores]\nAll = ");
    std::fs::write(&file, &renamed).expect("write");
    let invalid = w.zh(&["validate", "."]);
    invalid.expect_code(1);
    assert_chinese("validate with a missing store set", &invalid);
    let all = format!("{}\n{}", invalid.stdout, invalid.stderr);
    assert!(
        all.contains(&format!("accounts/{folder}/account.toml"))
            && all.contains("用到门店组 `all`（用于 templates/friends.toml:18:20）")
            && all.contains("门店组名 `All`"),
        "{all}"
    );

    // A template using `${stores}` without a set.
    std::fs::write(&file, &text).expect("write");
    let template = w.dir.path().join("templates/friends.toml");
    let t = std::fs::read_to_string(&template).expect("template");
    std::fs::write(&template, t.replace("${stores.all}", "${stores}")).expect("write");
    let bad = w.zh(&["validate", "."]);
    bad.expect_code(1);
    assert_chinese("validate with ${stores}", &bad);
    let all = format!("{}\n{}", bad.stdout, bad.stderr);
    assert!(
        all.contains("templates/friends.toml:18:20") && all.contains("未指明门店组"),
        "{all}"
    );

    // A placeholder in the account's own card file: only templates fill them in.
    std::fs::write(&template, &t).expect("write");
    let own = w
        .dir
        .path()
        .join("accounts")
        .join(&folder)
        .join("cards/own.toml");
    std::fs::write(
        &own,
        t.split("[cards.friend_cash]")
            .nth(1)
            .map(|c| format!("[cards.own_cash]{}", c.replace("friend_cash", "own_cash")))
            .expect("cards")
            .replace("${brand}", "卡式咖啡"),
    )
    .expect("write");
    let card = w.zh(&["validate", "."]);
    card.expect_code(1);
    assert_chinese("validate with ${stores.all} in an own card", &card);
    let all = format!("{}\n{}", card.stdout, card.stderr);
    assert!(
        all.contains(&format!("accounts/{folder}/cards/own.toml:15:"))
            && all.contains("只在模板（templates/*.toml）中填入"),
        "{all}"
    );
}

/// `accounts import` in Chinese when a merchant's stores cannot be read: the warning,
/// the store set its template then lacks, the comment in the file.
#[test]
fn an_unread_store_listing_is_said_in_chinese() {
    let w = crate::platform_stores::friends_world(1);
    w.emu.admin(
        "POST",
        "/__emulator/faults",
        Some(serde_json::json!([{"path": "/card/location/batchget", "errcode": 48001}])),
    );
    let import = w.zh(&["accounts", "import", "--template", "friends"]);
    import.expect_code(0);
    assert_chinese(
        "accounts import, stores unread",
        &without_nick_names(&import),
    );
    assert!(
        import
            .stderr
            .contains("无法读取其门店（card/location/batchget：")
            && import
                .stderr
                .contains("模板 `friends` 用到门店组 `all`，但该文件的 [stores] 中没有"),
        "{}",
        import.stderr
    );
    let folder = w.appids[0].to_ascii_lowercase();
    let text = std::fs::read_to_string(
        w.dir
            .path()
            .join("accounts")
            .join(&folder)
            .join("account.toml"),
    )
    .expect("account.toml");
    assert!(text.contains("# 无法读取该商户的门店"), "{text}");
}

#[test]
fn a_saved_platform_plan_speaks_chinese() {
    let w = World::new(2);
    w.zh(&["accounts", "import", "--template", "spring"])
        .expect_code(0);
    let plan = w.zh(&["plan", "--save", "plan.json", "--html", "review.html"]);
    plan.expect_code(0);
    assert_chinese("plan --save --html", &plan);
    assert!(
        plan.stderr
            .contains("第三方平台计划已保存到 plan.json：2 个账号待执行"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr.contains("审核页面已写入 review.html"),
        "{}",
        plan.stderr
    );
    let page = std::fs::read_to_string(w.dir.path().join("review.html")).expect("page");
    assert!(page.contains("cardform 计划"), "{page}");

    let apply = w.zh(&["apply", "plan.json"]);
    apply.expect_code(0);
    assert_chinese("apply PLANFILE", &apply);
    assert!(
        apply
            .stderr
            .contains("正在执行第三方平台保存的计划 plan.json：2 个账号"),
        "{}",
        apply.stderr
    );
    // Applied once: the same file again is stale in every account.
    let again = w.zh(&["apply", "plan.json"]);
    again.expect_code(4);
    assert_chinese("apply PLANFILE (stale)", &again);
    assert!(
        again.stdout.contains("未执行任何变更：请重新制定计划"),
        "{}",
        again.stdout
    );
    let selection = w.zh(&["apply", "plan.json", "--accounts", "all"]);
    selection.expect_code(1);
    assert_chinese("apply PLANFILE --accounts", &selection);
    assert!(
        selection
            .stderr
            .contains("plan.json 是第三方平台保存的计划"),
        "{}",
        selection.stderr
    );
}

/// `plan --trusted-settings DIR` on a platform in Chinese: the pull request's endpoint
/// shown as a proposed setting (not used), refused by `--deny settings`, and a folder
/// that does not exist.
#[test]
fn trusted_settings_on_a_platform_speak_chinese() {
    let w = World::new(1);
    w.zh(&["accounts", "import", "--template", "spring"])
        .expect_code(0);
    let base = tempfile::tempdir().expect("tmp");
    let root = w.dir.path();
    std::fs::copy(
        root.join("cardform.toml"),
        base.path().join("cardform.toml"),
    )
    .expect("copy");
    for entry in std::fs::read_dir(root.join("accounts"))
        .expect("accounts")
        .flatten()
    {
        let to = base.path().join("accounts").join(entry.file_name());
        std::fs::create_dir_all(&to).expect("mkdir");
        std::fs::copy(entry.path().join("account.toml"), to.join("account.toml")).expect("copy");
    }
    let file = root.join("cardform.toml");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replacen(&w.emu.url, "http://127.0.0.1:9", 1)).expect("write");
    let dir = base.path().to_str().expect("utf-8");

    let plan = w.zh(&["plan", "--trusted-settings", dir, "--detailed-exitcode"]);
    plan.expect_code(2);
    assert_chinese("plan --trusted-settings on a platform", &plan);
    assert!(
        plan.stdout.contains("~ endpoint: ") && plan.stdout.contains("http://127.0.0.1:9"),
        "{}",
        plan.stdout
    );
    let denied = w.zh(&["plan", "--trusted-settings", dir, "--deny", "settings"]);
    denied.expect_code(3);
    assert_chinese(
        "plan --trusted-settings --deny settings on a platform",
        &denied,
    );
    assert!(denied.stdout.contains("受信任设置"), "{}", denied.stdout);

    let missing = w.zh(&["plan", "--trusted-settings", "nosuch-folder"]);
    missing.expect_code(1);
    assert_chinese("plan --trusted-settings with a missing folder", &missing);
    assert!(missing.stderr.contains("不存在"), "{}", missing.stderr);
    // A file instead of the folder; a folder whose cardform.toml is not a platform's;
    // an invalid account file of the base branch.
    let one = tempfile::tempdir().expect("tmp");
    std::fs::write(
        one.path().join("cardform.toml"),
        "[account]\nappid = \"wx1\"\n",
    )
    .expect("write");
    let root_file = base.path().join("cardform.toml");
    let bad_account = std::fs::read_dir(base.path().join("accounts"))
        .expect("accounts")
        .flatten()
        .next()
        .expect("one account")
        .path()
        .join("account.toml");
    for (what, path, wanted) in [
        ("a file", root_file.as_path(), "是单个文件"),
        (
            "not a platform",
            one.path(),
            "不是第三方平台的 cardform.toml",
        ),
    ] {
        let out = w.zh(&["plan", "--trusted-settings", path.to_str().expect("utf-8")]);
        out.expect_code(1);
        assert_chinese(&format!("--trusted-settings: {what}"), &out);
        assert!(out.stderr.contains(wanted), "{}", out.stderr);
    }
    std::fs::write(&bad_account, "appid = \"wx1\"\nlimits = 3\n").expect("write");
    let invalid = w.zh(&["plan", "--trusted-settings", dir]);
    invalid.expect_code(1);
    assert_chinese("--trusted-settings: an invalid account file", &invalid);
    assert!(
        invalid.stderr.contains("account.toml:2:"),
        "{}",
        invalid.stderr
    );
}

/// `plan --trusted-settings DIR` on a platform in Chinese: an account's proposed
/// settings name its own `account.toml` (text and markdown), and two accounts on one
/// AppID once the base branch's AppIDs are taken is refused, naming both files.
#[test]
fn trusted_account_settings_and_a_shared_appid_speak_chinese() {
    let w = World::new(3);
    let root = w.dir.path();
    let base = tempfile::tempdir().expect("tmp");
    let account = |i: usize, appid: &str, extra: &str| {
        format!("appid = \"{appid}\"\n{extra}\n[templates.spring]\nbrand = \"店{i}\"\n")
    };
    for (dir, i) in [(root, 0), (root, 1), (base.path(), 0), (base.path(), 1)] {
        let to = dir.join(format!("accounts/shop-{i}"));
        std::fs::create_dir_all(&to).expect("mkdir");
        std::fs::write(to.join("account.toml"), account(i, &w.appids[i], "")).expect("write");
    }
    std::fs::copy(
        root.join("cardform.toml"),
        base.path().join("cardform.toml"),
    )
    .expect("copy");
    let dir = base.path().to_str().expect("utf-8");
    // The pull request: shop-0 proposes a [policy], shop-1 another AppID.
    std::fs::write(
        root.join("accounts/shop-0/account.toml"),
        account(0, &w.appids[0], "[policy]\nallow_coin_purchase = true\n"),
    )
    .expect("write");
    std::fs::write(
        root.join("accounts/shop-1/account.toml"),
        account(1, &w.appids[2], ""),
    )
    .expect("write");

    let text = w.zh(&["plan", "--trusted-settings", dir]);
    text.expect_code(0);
    assert_chinese("an account's proposed settings on a platform", &text);
    for name in ["shop-0", "shop-1"] {
        let wanted = format!("设置：accounts/{name}/account.toml 提议修改以下设置（合并后才生效）");
        assert!(text.stdout.contains(&wanted), "{wanted}\n{}", text.stdout);
    }
    let md = w.zh(&["plan", "--trusted-settings", dir, "--format", "markdown"]);
    md.expect_code(0);
    assert!(
        md.stdout
            .contains("此拉取请求的 `accounts/shop-0/account.toml` 修改了：")
            && !md.stdout.contains("此拉取请求的 `cardform.toml` 修改了："),
        "{}",
        md.stdout
    );

    // shop-new takes shop-1's old AppID: one authorizer for two accounts.
    let new = root.join("accounts/shop-new");
    std::fs::create_dir_all(&new).expect("mkdir");
    std::fs::write(new.join("account.toml"), account(9, &w.appids[1], "")).expect("write");
    let shared = w.zh(&["plan", "--trusted-settings", dir]);
    shared.expect_code(1);
    assert_chinese("two accounts on one AppID after the trusted swap", &shared);
    for wanted in [
        "accounts/shop-new/account.toml:1:1",
        "accounts/shop-1/account.toml:1:1",
        "采用基准分支的 AppID 后",
        "未发送任何请求",
    ] {
        assert!(
            shared.stderr.contains(wanted),
            "{wanted}\n{}",
            shared.stderr
        );
    }
}
