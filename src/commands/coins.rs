//! `cardform coins`: the 券点 balance and recent orders; `coins activate`; `coins
//! recharge N` (a WeChat Pay QR code, never paid by cardform); `coins order ID`.

use std::path::{Path, PathBuf};

use crate::cli::{CoinsAction, CoinsArgs, Format};
use crate::exit::Outcome;
use crate::i18n::tr;
use crate::operate::coins;
use crate::wechat::coin::{CoinOrder, Recharge};
use crate::write_policy::{OutputKind, WritePolicy, WriteRefused};

use super::error::CommandError;
use super::output::print_json;
use super::project::with_session;

pub fn run(args: &CoinsArgs) -> miette::Result<Outcome> {
    // The project's `[output] lang` from the first sentence (a refusal before the
    // project is loaded included).
    crate::i18n::for_dir(&args.dir);
    if args.account_options().given() || crate::platform::is_platform(&args.dir) {
        return super::platform_coins::run(args);
    }
    // Before the order exists: a path that will be refused creates no order.
    let policy = match &args.action {
        Some(CoinsAction::Recharge { .. }) => {
            Some(super::project::write_policy_for_dir(&args.dir)?)
        }
        _ => None,
    };
    let out_file = match (&args.action, &policy) {
        (Some(CoinsAction::Recharge { out: Some(out), .. }), Some(policy)) => Some(
            policy
                .check(out, OutputKind::Png)
                .map_err(CommandError::RefusedBeforeOrder)?,
        ),
        _ => None,
    };
    // Without --out: the folder (--out-dir, else the current one) is checked now, the
    // file's name being known only once the order exists.
    if let (
        Some(CoinsAction::Recharge {
            out: None, out_dir, ..
        }),
        Some(policy),
    ) = (&args.action, &policy)
    {
        policy
            .check(&qr_file(out_dir.as_deref(), "ORDER_ID"), OutputKind::Png)
            .and_then(|_| check_writable(out_dir.as_deref().unwrap_or(Path::new("."))))
            .map_err(CommandError::RefusedBeforeOrder)?;
    }
    with_session(&args.dir, "coins", &args.run, async |session| {
        {
            let client = &session.client;
            match &args.action {
                None => {
                    let now = chrono::Utc::now().timestamp();
                    let r = coins::report(client, now, args.days, args.limit)
                        .await
                        .map_err(CommandError::from)?;
                    if args.format == Format::Json {
                        print_json(&serde_json::json!({ "format_version": "1", "coins": r }))?;
                    } else {
                        let b = &r.balance;
                        println!(
                            "{}",
                            tr!(
                                "op-coins-balance",
                                total = b.total_coin.to_string(),
                                free = b.free_coin.to_string(),
                                paid = b.pay_coin.to_string()
                            )
                        );
                        println!(
                            "{}",
                            if r.total_orders > r.orders.len() as u64 {
                                tr!(
                                    "op-coins-orders-cut",
                                    days = args.days,
                                    count = r.total_orders,
                                    shown = r.orders.len()
                                )
                            } else {
                                tr!("op-coins-orders", days = args.days, count = r.total_orders)
                            }
                        );
                        let (free, paid) = (tr!("op-coins-col-free"), tr!("op-coins-col-paid"));
                        for o in &r.orders {
                            println!(
                                "  {}  {}  {:<22} {:<24} {free} {:>6}  {paid} {:>6}  {}",
                                o.order_id,
                                crate::operate::review::day(o.create_time),
                                o.order_type,
                                o.status,
                                o.free_coin_count,
                                o.pay_coin_count,
                                o.desc
                            );
                        }
                    }
                }
                Some(CoinsAction::Activate { .. }) => {
                    let reward = client.activate_coins().await.map_err(CommandError::from)?;
                    if args.format == Format::Json {
                        print_json(
                            &serde_json::json!({ "format_version": "1", "reward": reward }),
                        )?;
                    } else if !reward.is_zero() {
                        println!("{}", tr!("op-coins-activated", reward = reward.to_string()));
                    } else {
                        println!("{}", tr!("op-coins-already-active"));
                    }
                }
                Some(CoinsAction::Recharge {
                    coin_count,
                    out_dir,
                    ..
                }) => {
                    let r = client
                        .recharge_coins(*coin_count)
                        .await
                        .map_err(CommandError::from)?;
                    // Without --out: a new file named after the order (checked again now:
                    // its name is only known once the order exists).
                    let file = match &out_file {
                        Some(file) => file.clone(),
                        None => policy
                            .clone()
                            .unwrap_or_default()
                            .check(&qr_file(out_dir.as_deref(), &r.order_id), OutputKind::Png)
                            .map_err(CommandError::from)?,
                    };
                    file.write(&qr_png(&r)?).map_err(CommandError::from)?;
                    let image = Some(file.path().to_path_buf());
                    let shown = coins::RechargeReport {
                        order_id: r.order_id.clone(),
                        coin_count: *coin_count,
                        qrcode_url: r.qrcode_url.clone(),
                        image,
                    };
                    if args.format == Format::Json {
                        print_json(
                            &serde_json::json!({ "format_version": "1", "recharge": shown }),
                        )?;
                    } else {
                        println!(
                            "{}",
                            tr!(
                                "op-coins-recharge",
                                order = shown.order_id,
                                count = *coin_count
                            )
                        );
                        println!("  qrcode_url: {}", shown.qrcode_url);
                        if let Some(p) = &shown.image {
                            println!("  {}", tr!("op-coins-recharge-image", path = p.display()));
                        }
                        println!(
                            "  {}",
                            tr!("op-coins-recharge-follow", order = shown.order_id)
                        );
                    }
                }
                Some(CoinsAction::Order { order_id, .. }) => {
                    let o = client
                        .coin_order(order_id)
                        .await
                        .map_err(CommandError::from)?;
                    if args.format == Format::Json {
                        print_json(&serde_json::json!({ "format_version": "1", "order": o }))?;
                    } else {
                        println!("{}", order_line(&o));
                    }
                }
            }
            Ok(Outcome::Success)
        }
    })
}

/// `recharge-<order_id>.png` in `dir` (the current folder when `None`), the id made
/// safe for a file name.
fn qr_file(dir: Option<&Path>, order_id: &str) -> PathBuf {
    in_dir(dir, format!("recharge-{}.png", safe_id(order_id)))
}

/// `name` in `dir`, or as it is (in the current folder) without one.
pub(super) fn in_dir(dir: Option<&Path>, name: String) -> PathBuf {
    match dir {
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    }
}

/// An order id from WeChat as part of a file name: anything but letters, digits, `_`
/// and `-` becomes `_` (it cannot reach another folder).
pub(super) fn safe_id(order_id: &str) -> String {
    order_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Checks that files can be created in `dir` by creating one (removed at once), so a
/// folder that cannot be written is found before any order is created.
///
/// # Errors
/// [`WriteRefused::NoFolder`] when `dir` is not a folder, [`WriteRefused::Io`] when
/// nothing can be created in it.
pub(super) fn check_writable(dir: &Path) -> Result<(), WriteRefused> {
    if !dir.is_dir() {
        return Err(WriteRefused::NoFolder {
            given: dir.display().to_string(),
            folder: dir.to_path_buf(),
        });
    }
    tempfile::Builder::new()
        .prefix(".cardform-write-check-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|source| WriteRefused::Io {
            path: dir.display().to_string(),
            source,
        })
}

/// The QR image of a recharge order: WeChat's, else the QR of its URL.
fn qr_png(r: &Recharge) -> Result<Vec<u8>, CommandError> {
    match coins::recharge_image(r)? {
        Some(png) => Ok(png),
        // WeChat sent no image: draw the QR of its URL instead.
        None => crate::operate::qrcode::png(&r.qrcode_url).map_err(CommandError::QrImage),
    }
}

/// Saves the QR image of `r` at `path`, checked by `policy` now (the order exists).
///
/// # Errors
/// The policy refuses the path, the image cannot be made, or the file cannot be written.
pub(super) fn save_qr(r: &Recharge, policy: &WritePolicy, path: &Path) -> Result<(), CommandError> {
    let file = policy.check(path, OutputKind::Png)?;
    file.write(&qr_png(r)?)?;
    Ok(())
}

/// One order, in one line.
pub(super) fn order_line(o: &CoinOrder) -> String {
    let paid_at = if o.pay_finish_time > 0 {
        tr!(
            "op-coins-order-paid",
            at = crate::operate::review::day(o.pay_finish_time)
        )
    } else {
        String::new()
    };
    tr!(
        "op-coins-order",
        order = o.order_id,
        kind = o.order_type,
        status = o.status,
        free = o.free_coin_count.to_string(),
        paid = o.pay_coin_count.to_string(),
        created = crate::operate::review::day(o.create_time),
        paid_at = paid_at,
        desc = o.desc
    )
}
