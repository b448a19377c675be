//! `cardform coins`: the 券点 balance and recent orders; `coins activate`; `coins
//! recharge N` (a WeChat Pay QR code, never paid by cardform); `coins order ID`.

use crate::cli::{CoinsAction, CoinsArgs, Format};
use crate::exit::Outcome;
use crate::i18n::tr;
use crate::operate::coins;
use crate::write_policy::OutputKind;

use super::error::CommandError;
use super::output::print_json;
use super::project::with_session;

pub fn run(args: &CoinsArgs) -> miette::Result<Outcome> {
    // The project's `[output] lang` from the first sentence (a refusal before the
    // project is loaded included).
    crate::i18n::for_dir(&args.dir);
    if args.accounts.given() || crate::platform::is_platform(&args.dir) {
        return super::platform::coins(args);
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
                Some(CoinsAction::Activate) => {
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
                Some(CoinsAction::Recharge { coin_count, .. }) => {
                    let r = client
                        .recharge_coins(*coin_count)
                        .await
                        .map_err(CommandError::from)?;
                    // Without --out: a new file named after the order (checked now: its
                    // name is only known once the order exists).
                    let file = match &out_file {
                        Some(file) => file.clone(),
                        None => policy
                            .clone()
                            .unwrap_or_default()
                            .check(
                                std::path::Path::new(&format!("recharge-{}.png", r.order_id)),
                                OutputKind::Png,
                            )
                            .map_err(CommandError::from)?,
                    };
                    let png = match coins::recharge_image(&r).map_err(CommandError::from)? {
                        Some(png) => png,
                        // WeChat sent no image: draw the QR of its URL instead.
                        None => crate::operate::qrcode::png(&r.qrcode_url)
                            .map_err(CommandError::QrImage)?,
                    };
                    file.write(&png).map_err(CommandError::from)?;
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
                Some(CoinsAction::Order { order_id }) => {
                    let o = client
                        .coin_order(order_id)
                        .await
                        .map_err(CommandError::from)?;
                    if args.format == Format::Json {
                        print_json(&serde_json::json!({ "format_version": "1", "order": o }))?;
                    } else {
                        let paid_at = if o.pay_finish_time > 0 {
                            tr!(
                                "op-coins-order-paid",
                                at = crate::operate::review::day(o.pay_finish_time)
                            )
                        } else {
                            String::new()
                        };
                        println!(
                            "{}",
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
                        );
                    }
                }
            }
            Ok(Outcome::Success)
        }
    })
}
