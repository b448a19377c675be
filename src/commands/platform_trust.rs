//! `cardform plan --trusted-settings DIR` on a platform (docs/security.md): reads DIR
//! (printing every problem of its files), puts its settings over the pull request's
//! before anything connects, and adds the run-level proposals to the report.

use crate::config::trust::{OperatorSettings, SettingChange};
use crate::config::{DenyClass, Policy};
use crate::platform::Platform;
use crate::platform::report::Report;
use crate::platform::trusted::{self, Proposals, TrustedError, TrustedPlatform};

/// With `operator.settings_file` (the plan's `--trusted-settings DIR`), replaces the
/// trusted settings of `platform` with DIR's and returns the pull request's proposals;
/// without it, none.
///
/// # Errors
/// DIR cannot be read or is invalid, or two accounts share an AppID once DIR's are
/// taken ([`TrustedError`], every problem printed first); nothing was sent anywhere.
pub fn adopt(platform: &mut Platform, operator: &OperatorSettings) -> miette::Result<Proposals> {
    let Some(dir) = &operator.settings_file else {
        return Ok(Proposals::default());
    };
    match TrustedPlatform::load(dir).and_then(|t| trusted::adopt(platform, &t)) {
        Ok(proposals) => Ok(proposals),
        Err(e) => {
            if let TrustedError::Invalid { diagnostics, .. }
            | TrustedError::SharedAppids { diagnostics } = &e
            {
                for d in diagnostics {
                    eprintln!("{d}");
                }
            }
            Err(e.into())
        }
    }
}

/// Adds the run-level proposals to `report`, refused (exit 3) under `--deny settings`
/// or the trusted platform `[policy] deny = ["settings"]`.
pub fn finish(report: &mut Report, run: Vec<SettingChange>, deny: &[DenyClass], policy: &Policy) {
    if let Some(why) = trusted::run_refusal(&run, deny, policy) {
        report.run_refusal = Some(match report.run_refusal.take() {
            Some(before) => format!("{before}\n{why}"),
            None => why,
        });
    }
    report.settings = run;
}
