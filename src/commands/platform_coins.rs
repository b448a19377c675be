//! `cardform coins` on a platform project: the balance (`coins --accounts …`), `coins
//! activate`, `coins recharge N` and `coins order ID` across accounts, each account
//! isolated as in `status` (`--accounts`, `--shard`, `--account-parallelism`): an account
//! that cannot be read (revoked, no card permission set, any error) is reported with its
//! name and the others go on; any failed account makes the exit code 4.
//!
//! A recharge opens one WeChat Pay order per account (cardform pays nothing). Because
//! that is easy to do to every merchant by accident, it needs `--accounts` written out,
//! and `--yes` (or "yes" typed at a terminal) when more than one account is selected;
//! every QR image's path is checked by the write policy before any order is created.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use cardform_spec::Points;

use crate::cli::{AccountOptions, CoinsAction, CoinsArgs, Format};
use crate::config::RunSettings;
use crate::exit::Outcome;
use crate::i18n::tr;
use crate::operate::coins::RechargeReport;
use crate::platform::run::Prepared;
use crate::platform::{Platform, Selection, select};
use crate::visible::visible;
use crate::wechat::coin::CoinOrder;
use crate::write_policy::{OutputKind, WritePolicy, WriteRefused};

use super::error::CommandError;
use super::output::print_json;
use super::platform::load_platform;
use super::platform_ops::{open, over_accounts};

/// Account names a confirmation names before it says "and N more".
const NAMES_SHOWN: usize = 10;

/// Why a coins command across accounts was refused; nothing was sent.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum CoinsRefused {
    #[error("{}", tr!("pf-co-recharge-no-accounts"))]
    #[diagnostic(
        code(cardform::platform::recharge_accounts),
        help("{}", tr!("pf-co-recharge-no-accounts-help"))
    )]
    NoAccounts,
    #[error("{}", tr!("pf-co-recharge-no-confirmation", n = .n))]
    #[diagnostic(
        code(cardform::platform::recharge_confirmation),
        help("{}", tr!("pf-co-recharge-no-confirmation-help"))
    )]
    NoConfirmation { n: usize },
    #[error("{}", tr!("pf-co-order-one", n = .n, names = .names))]
    #[diagnostic(
        code(cardform::platform::order_account),
        help("{}", tr!("pf-co-order-one-help"))
    )]
    OrderAccount { n: usize, names: String },
}

/// `cardform coins …` on a platform project (or with `--accounts`).
pub fn run(args: &CoinsArgs) -> miette::Result<Outcome> {
    match &args.action {
        None => balance(args),
        Some(CoinsAction::Activate { accounts }) => activate(args, accounts),
        Some(CoinsAction::Recharge {
            coin_count,
            out,
            out_dir,
            yes,
            accounts,
        }) => recharge(
            args,
            &RechargeRequest {
                coin_count: *coin_count,
                out: out.as_deref(),
                out_dir: out_dir.as_deref(),
                yes: *yes,
                accounts,
            },
        ),
        Some(CoinsAction::Order { order_id, accounts }) => order(args, order_id, accounts),
    }
}

fn shown(e: &dyn std::fmt::Display) -> String {
    visible(&e.to_string()).into_owned()
}

fn outcome(failed: bool) -> Outcome {
    if failed {
        Outcome::AccountsFailed
    } else {
        Outcome::Success
    }
}

/// The account's name padded for the one-line-per-account lists.
fn padded(name: &str) -> String {
    format!("{name:<24}")
}

// ---------------------------------------------------------------------------------
// The balance.

/// One account's 券点 account, or why it could not be read.
#[derive(Debug, serde::Serialize)]
struct AccountCoins {
    name: String,
    appid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coins: Option<crate::operate::coins::CoinsReport>,
}

async fn coins_one(p: Prepared, days: u32, limit: u64) -> AccountCoins {
    let mut out = AccountCoins {
        name: p.name,
        appid: p.appid,
        error: None,
        coins: None,
    };
    let session = match open(p.ready, "coins").await {
        Ok((_, s)) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let now = chrono::Utc::now().timestamp();
    match crate::operate::coins::report(&session.client, now, days, limit).await {
        Ok(r) => out.coins = Some(r),
        Err(e) => out.error = Some(shown(&e)),
    }
    session.close().await;
    out
}

/// `cardform coins` (the balance and orders): one line per selected account and the
/// run's total; an account that cannot be read is reported (exit 4).
fn balance(args: &CoinsArgs) -> miette::Result<Outcome> {
    let platform = load_platform(&args.dir)?;
    let settings = RunSettings::from_env(&args.run.flags());
    let (days, limit) = (args.days, args.limit);
    let results: Vec<AccountCoins> = over_accounts(
        &platform,
        &args.accounts,
        &settings,
        |a: &AccountCoins| a.name.as_str(),
        |p| coins_one(p, days, limit),
    )?;
    if args.format == Format::Json {
        print_json(&serde_json::json!({ "format_version": "1", "accounts": results }))?;
    } else {
        let mut total = Points::ZERO;
        for a in &results {
            match (&a.coins, &a.error) {
                (Some(c), _) => {
                    total = total + c.balance.total_coin;
                    println!(
                        "{}",
                        tr!(
                            "pf-coins-line",
                            name = padded(&a.name),
                            total = format!("{:>10}", c.balance.total_coin),
                            free = c.balance.free_coin.to_string(),
                            paid = c.balance.pay_coin.to_string(),
                            orders = c.total_orders,
                            days = days
                        )
                    );
                }
                (None, Some(e)) => println!(
                    "{}",
                    tr!("pf-coins-failed", name = padded(&a.name), error = e)
                ),
                (None, None) => {}
            }
        }
        println!(
            "{}",
            tr!(
                "pf-coins-summary",
                n = results.len(),
                total = total.to_string()
            )
        );
    }
    Ok(outcome(results.iter().any(|a| a.error.is_some())))
}

// ---------------------------------------------------------------------------------
// coins activate.

/// One account's activation: the free points WeChat granted (0 when it was already
/// active), or why it failed.
#[derive(Debug, serde::Serialize)]
struct AccountActivation {
    name: String,
    appid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reward: Option<Points>,
    /// Whether the 券点 account was already open (no new free points).
    #[serde(skip_serializing_if = "Option::is_none")]
    already_active: Option<bool>,
}

async fn activate_one(p: Prepared) -> AccountActivation {
    let mut out = AccountActivation {
        name: p.name,
        appid: p.appid,
        error: None,
        reward: None,
        already_active: None,
    };
    let session = match open(p.ready, "coins").await {
        Ok((_, s)) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    match session.client.activate_coins().await {
        Ok(reward) => {
            out.already_active = Some(reward.is_zero());
            out.reward = Some(reward);
        }
        Err(e) => out.error = Some(shown(&e)),
    }
    session.close().await;
    out
}

/// `cardform coins activate --accounts …`: opens each selected account's 券点 account.
///
/// # Guarantees
/// An account already active is said so (not a failure); a failed account is named and
/// the others are activated (exit 4).
fn activate(args: &CoinsArgs, accounts: &AccountOptions) -> miette::Result<Outcome> {
    let platform = load_platform(&args.dir)?;
    let settings = RunSettings::from_env(&args.run.flags());
    let results = over_accounts(
        &platform,
        accounts,
        &settings,
        |a: &AccountActivation| a.name.as_str(),
        activate_one,
    )?;
    let granted = results
        .iter()
        .filter_map(|a| a.reward)
        .fold(Points::ZERO, |t, r| t + r);
    let failed = results.iter().filter(|a| a.error.is_some()).count();
    if args.format == Format::Json {
        print_json(&serde_json::json!({
            "format_version": "1",
            "accounts": results,
            "reward": granted,
        }))?;
    } else {
        for a in &results {
            let line = match (&a.error, a.reward) {
                (Some(e), _) => tr!("pf-coins-failed", name = padded(&a.name), error = e),
                (None, Some(r)) if !r.is_zero() => tr!(
                    "pf-co-activated",
                    name = padded(&a.name),
                    reward = r.to_string()
                ),
                (None, _) => tr!("pf-co-already-active", name = padded(&a.name)),
            };
            println!("{line}");
        }
        let activated = results
            .iter()
            .filter(|a| a.already_active == Some(false))
            .count();
        let already = results
            .iter()
            .filter(|a| a.already_active == Some(true))
            .count();
        println!(
            "{}",
            tr!(
                "pf-co-activate-summary",
                n = results.len(),
                activated = activated,
                already = already,
                failed = failed,
                reward = granted.to_string()
            )
        );
    }
    Ok(outcome(failed > 0))
}

// ---------------------------------------------------------------------------------
// coins recharge.

struct RechargeRequest<'a> {
    coin_count: u64,
    out: Option<&'a Path>,
    out_dir: Option<&'a Path>,
    yes: bool,
    accounts: &'a AccountOptions,
}

/// One account's recharge order (and where its QR image went), or why it failed. An
/// order whose image could not be written keeps its order and QR URL beside the error.
#[derive(Debug, serde::Serialize)]
struct AccountRecharge {
    name: String,
    appid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recharge: Option<RechargeReport>,
}

/// The QR image of `account`'s order `order_id` in `dir` (the current folder when
/// `None`); the order id made safe for a file name (it cannot reach another folder).
fn qr_path(dir: Option<&Path>, account: &str, order_id: &str) -> PathBuf {
    super::coins::in_dir(
        dir,
        format!("recharge-{account}-{}.png", super::coins::safe_id(order_id)),
    )
}

/// Checks, before any order exists, that every account's QR image may be written into
/// `dir`: the write policy on each account's file (with `ORDER_ID` standing for the id
/// WeChat will give) and a file really created and removed in `dir`.
///
/// # Errors
/// The first path the policy refuses, or the folder cannot be written.
fn check_out_dir(
    policy: &WritePolicy,
    dir: Option<&Path>,
    names: &[String],
) -> Result<(), WriteRefused> {
    for name in names {
        policy.check(&qr_path(dir, name, "ORDER_ID"), OutputKind::Png)?;
    }
    super::coins::check_writable(dir.unwrap_or(Path::new(".")))
}

async fn recharge_one(
    p: Prepared,
    coin_count: u64,
    dir: Option<PathBuf>,
    policy: WritePolicy,
) -> AccountRecharge {
    let mut out = AccountRecharge {
        name: p.name,
        appid: p.appid,
        error: None,
        recharge: None,
    };
    let session = match open(p.ready, "coins").await {
        Ok((_, s)) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let order = session.client.recharge_coins(coin_count).await;
    session.close().await;
    let r = match order {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(shown(&e));
            return out;
        }
    };
    let mut report = RechargeReport {
        order_id: r.order_id.clone(),
        coin_count,
        qrcode_url: r.qrcode_url.clone(),
        image: None,
    };
    // The order exists: a QR image that cannot be written is this account's error, its
    // order and URL still shown (the URL pays the same order).
    let path = qr_path(dir.as_deref(), &out.name, &r.order_id);
    match super::coins::save_qr(&r, &policy, &path) {
        Ok(()) => report.image = Some(path),
        Err(e) => {
            out.error = Some(tr!(
                "pf-co-recharge-image-failed",
                order = r.order_id.clone(),
                error = shown(&e)
            ));
        }
    }
    out.recharge = Some(report);
    out
}

/// The first accounts of `names` for a message ("a, b, c and 7 more"; "none").
fn listed(names: &[String]) -> String {
    if names.is_empty() {
        return tr!("pf-none");
    }
    let mut out = names
        .iter()
        .take(NAMES_SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > NAMES_SHOWN {
        out.push_str(&tr!("pf-co-and-more", n = names.len() - NAMES_SHOWN));
    }
    out
}

/// Asks at the terminal whether to open `names.len()` orders of `coin_count` points.
fn confirm(names: &[String], coin_count: u64) -> miette::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(CoinsRefused::NoConfirmation { n: names.len() }.into());
    }
    let total = coin_count.saturating_mul(names.len() as u64);
    eprint!(
        "{} ",
        tr!(
            "pf-co-recharge-confirm",
            n = names.len(),
            count = coin_count,
            total = total,
            names = listed(names)
        )
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(CommandError::Stdin)?;
    Ok(line.trim() == "yes")
}

/// `cardform coins recharge N --accounts …`: one WeChat Pay order of N points per
/// selected account, its QR image saved as `recharge-<account>-<order_id>.png`.
///
/// # Errors
/// Before anything is sent: `--accounts` not given, `--out FILE`, a QR path the write
/// policy refuses or a folder that cannot be written (no order is created for any
/// account), more than one account without `--yes` or a "yes" at the terminal.
///
/// # Guarantees
/// cardform pays nothing. An order is never retried (WeChat could open it twice).
fn recharge(args: &CoinsArgs, req: &RechargeRequest) -> miette::Result<Outcome> {
    if req.accounts.accounts.is_none() {
        return Err(CoinsRefused::NoAccounts.into());
    }
    if req.out.is_some() {
        return Err(CommandError::PlatformUnsupported {
            what: tr!("pf-co-unsupported-out"),
        }
        .into());
    }
    let platform = load_platform(&args.dir)?;
    let names = selected(&platform, req.accounts)?;
    if names.is_empty() {
        eprintln!("{}", tr!("pf-no-accounts"));
        return Ok(Outcome::Success);
    }
    let dir = req.out_dir.map(Path::to_path_buf);
    let policy = WritePolicy::for_config(&args.dir, None, Vec::new());
    check_out_dir(&policy, dir.as_deref(), &names).map_err(CommandError::RefusedBeforeOrder)?;
    if names.len() > 1 && !req.yes && !confirm(&names, req.coin_count)? {
        eprintln!("{}", tr!("pf-co-recharge-cancelled"));
        return Ok(Outcome::Failed);
    }
    let settings = RunSettings::from_env(&args.run.flags());
    let coin_count = req.coin_count;
    let results = over_accounts(
        &platform,
        &just(names, req.accounts),
        &settings,
        |a: &AccountRecharge| a.name.as_str(),
        |p| recharge_one(p, coin_count, dir.clone(), policy.clone()),
    )?;
    let failed = results.iter().filter(|a| a.error.is_some()).count();
    let orders = results.iter().filter(|a| a.recharge.is_some()).count();
    let total = coin_count.saturating_mul(orders as u64);
    if args.format == Format::Json {
        print_json(&serde_json::json!({
            "format_version": "1",
            "accounts": results,
            "coin_count": total,
        }))?;
    } else {
        for a in &results {
            if let Some(r) = &a.recharge {
                println!(
                    "{}",
                    tr!(
                        "pf-co-recharge-line",
                        name = padded(&a.name),
                        order = r.order_id.clone(),
                        count = r.coin_count
                    )
                );
                println!("  qrcode_url: {}", r.qrcode_url);
                if let Some(p) = &r.image {
                    println!("  {}", tr!("op-coins-recharge-image", path = p.display()));
                }
            }
            if let Some(e) = &a.error {
                println!(
                    "{}",
                    tr!("pf-coins-failed", name = padded(&a.name), error = e)
                );
            }
        }
        println!(
            "{}",
            tr!(
                "pf-co-recharge-summary",
                n = results.len(),
                orders = orders,
                total = total,
                failed = failed
            )
        );
    }
    Ok(outcome(failed > 0))
}

/// The accounts `accounts` selects (its shard of them), as the run will take them.
fn selected(platform: &Platform, accounts: &AccountOptions) -> miette::Result<Vec<String>> {
    let selection = accounts.accounts.clone().unwrap_or(Selection::All);
    Ok(select(platform, &selection, accounts.shard).map_err(CommandError::from)?)
}

/// The run's options for exactly `names` (already selected and sharded): the accounts
/// checked and confirmed are the accounts run, even if `changed` would now say else.
fn just(names: Vec<String>, accounts: &AccountOptions) -> AccountOptions {
    AccountOptions {
        accounts: Some(Selection::Names(names)),
        shard: None,
        account_parallelism: accounts.account_parallelism,
    }
}

// ---------------------------------------------------------------------------------
// coins order.

/// The order, or why it could not be read.
#[derive(Debug, serde::Serialize)]
struct AccountOrder {
    name: String,
    appid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<CoinOrder>,
}

async fn order_one(p: Prepared, order_id: String) -> AccountOrder {
    let mut out = AccountOrder {
        name: p.name,
        appid: p.appid,
        error: None,
        order: None,
    };
    let session = match open(p.ready, "coins").await {
        Ok((_, s)) => s,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    match session.client.coin_order(&order_id).await {
        Ok(o) => out.order = Some(o),
        Err(e) => out.error = Some(shown(&e)),
    }
    session.close().await;
    out
}

/// `cardform coins order ID --accounts NAME`: an order belongs to one account.
///
/// # Errors
/// Before anything is sent: the selection is not exactly one account.
fn order(args: &CoinsArgs, order_id: &str, accounts: &AccountOptions) -> miette::Result<Outcome> {
    let platform = load_platform(&args.dir)?;
    let names = selected(&platform, accounts)?;
    if names.len() != 1 {
        return Err(CoinsRefused::OrderAccount {
            n: names.len(),
            names: listed(&names),
        }
        .into());
    }
    let settings = RunSettings::from_env(&args.run.flags());
    let id = order_id.to_string();
    let results = over_accounts(
        &platform,
        &just(names, accounts),
        &settings,
        |a: &AccountOrder| a.name.as_str(),
        |p| order_one(p, id.clone()),
    )?;
    if args.format == Format::Json {
        print_json(&serde_json::json!({ "format_version": "1", "accounts": results }))?;
    } else {
        for a in &results {
            println!("{}", tr!("pf-account-head", name = a.name, appid = a.appid));
            if let Some(e) = &a.error {
                println!("{}", tr!("pf-failed-line", error = e));
            }
            if let Some(o) = &a.order {
                println!("{}", super::coins::order_line(o));
            }
        }
    }
    Ok(outcome(results.iter().any(|a| a.error.is_some())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qr_file_is_named_by_account_and_order_and_never_leaves_its_folder() {
        let dir = Some(Path::new("qr"));
        assert_eq!(
            qr_path(dir, "tea-house", "100023"),
            Path::new("qr/recharge-tea-house-100023.png")
        );
        assert_eq!(
            qr_path(None, "tea-house", "100023"),
            Path::new("recharge-tea-house-100023.png")
        );
        // An id with a separator or a dot cannot reach another folder.
        assert_eq!(
            qr_path(dir, "tea-house", "../../x"),
            Path::new("qr/recharge-tea-house-______x.png")
        );
    }

    #[test]
    fn just_runs_exactly_the_checked_accounts() {
        let given = AccountOptions {
            accounts: Some(Selection::Changed("main".into())),
            shard: Some("1/2".parse().expect("shard")),
            account_parallelism: Some(3),
        };
        let run = just(vec!["a".into(), "b".into()], &given);
        assert_eq!(
            run.accounts,
            Some(Selection::Names(vec!["a".into(), "b".into()]))
        );
        assert!(run.shard.is_none());
        assert_eq!(run.account_parallelism, Some(3));
    }
}
