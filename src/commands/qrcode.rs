//! `cardform qrcode ADDR`: a claim QR code for a managed card (card/qrcode/create),
//! refused before WeChat is asked when the answer is known to be no.

use crate::cli::{Format, QrcodeArgs};
use crate::exit::Outcome;
use crate::i18n::{Lang, Messages, tr};
use crate::live::{Observed, fetch_live};
use crate::operate::qrcode::{check, early_warning, png};
use crate::wechat::delivery::QrRequest;

use super::error::CommandError;
use super::output::print_json;
use super::project::with_session;

pub fn run(args: &QrcodeArgs) -> miette::Result<Outcome> {
    // The project's `[output] lang` from the first sentence (a refusal before the
    // project is loaded included).
    crate::i18n::for_dir(&args.dir);
    // Before WeChat is asked anything.
    let out_file = match &args.out {
        Some(out) => Some(
            super::project::write_policy_for_dir(&args.dir)?
                .check(out, crate::write_policy::OutputKind::Png)
                .map_err(CommandError::from)?,
        ),
        None => None,
    };
    with_session(&args.dir, "qrcode", &args.run, async |session| {
        let card_id = session
            .state
            .read(|s| s.resources.get(&args.address).map(|r| r.card_id.clone()))
            .ok_or_else(|| CommandError::NotManaged(args.address.clone()))?;
        let live = match fetch_live(&session.client, &card_id)
            .await
            .map_err(CommandError::from)?
        {
            Observed::Exists(live) => live,
            Observed::Gone => {
                return Err(CommandError::QrCardGone {
                    address: args.address.clone(),
                    card_id,
                }
                .into());
            }
        };
        let req = QrRequest {
            card_id: card_id.clone(),
            is_unique_code: args.unique_code,
            expire_seconds: args.expire_seconds,
            outer_str: args.outer_str.clone(),
        };
        let now = chrono::Utc::now().timestamp();
        if let Err(why) = check(&live, &req) {
            return Err(CommandError::QrRefused {
                address: args.address.clone(),
                why,
            }
            .into());
        }
        if let Some(w) = early_warning(Messages::process(), &live, now) {
            eprintln!("{}", tr!("op-warning", message = w));
        }
        // JSON is data: its warnings stay English whatever the language.
        let warning = early_warning(Messages::new(Lang::En), &live, now);
        let qr = session
            .client
            .create_qrcode(&req)
            .await
            .map_err(CommandError::from)?;
        if let Some(file) = &out_file {
            let bytes = png(&qr.url).map_err(CommandError::QrImage)?;
            file.write(&bytes).map_err(CommandError::from)?;
        }
        if args.format == Format::Json {
            print_json(&serde_json::json!({
                "format_version": "1",
                "address": args.address,
                "card_id": card_id,
                "url": qr.url,
                "show_qrcode_url": qr.show_qrcode_url,
                "expire_seconds": qr.expire_seconds,
                "image": args.out,
                "warnings": warning.iter().collect::<Vec<_>>(),
            }))?;
        } else {
            println!(
                "{}",
                tr!("op-qr-title", address = args.address, card_id = card_id)
            );
            println!("  url:             {}", qr.url);
            println!("  show_qrcode_url: {}", qr.show_qrcode_url);
            if let Some(out) = &args.out {
                println!("  {}", tr!("op-qr-image", path = out.display()));
            }
            println!("  {}", tr!("op-qr-replaced"));
        }
        Ok(Outcome::Success)
    })
}
