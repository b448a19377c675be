//! Fault injection: one rule format for `--fault SPEC` and `POST /__emulator/faults`.
//!
//! A rule names a path (or `*`), when it fires (every call, the nth calls to its path,
//! and/or with a probability drawn from a seeded generator so runs are repeatable),
//! and what happens: a WeChat errcode (HTTP 200), an HTTP status, `drop` (close the
//! connection before doing anything), `commit-then-drop` (perform and persist the
//! operation, then close the connection without answering) or only extra latency.
//!
//! SPEC is comma-separated `key=value` pairs with the JSON field names:
//! `path=/card/create,mode=commit-then-drop,calls=1+3`,
//! `path=*,errcode=-1,probability=0.1,seed=7`, `path=/card/get,status=502,calls=2-4`,
//! `path=/card/get,latency_ms=300`.

use cardform_i18n::tr;
use std::str::FromStr;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::EmulatorError;

/// What a firing rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultMode {
    /// Answer `errcode` (HTTP 200) or `status` without performing the call.
    Error,
    /// Close the connection before doing anything.
    Drop,
    /// Perform and persist the call, then close the connection without answering.
    CommitThenDrop,
    /// Only add `latency_ms`, then answer normally.
    Delay,
    /// Perform the call, then answer `send_check` as the rule says: WeChat disagreeing
    /// with the update-rule table (whose review column is partly UNVERIFIED).
    SendCheck,
}

impl FaultMode {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultMode::Error => "error",
            FaultMode::Drop => "drop",
            FaultMode::CommitThenDrop => "commit-then-drop",
            FaultMode::Delay => "delay",
            FaultMode::SendCheck => "send-check",
        }
    }
}

/// One fault rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// A WeChat path (`/card/create`) or `*` for every WeChat call.
    #[serde(default = "any_path")]
    pub path: String,
    /// Answer this errcode (HTTP 200, WeChat's envelope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errcode: Option<i64>,
    /// Answer this HTTP status (400–599) with a non-JSON body, as a gateway would.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Defaults to `error` with errcode/status, else `delay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<FaultMode>,
    /// Fire with this probability (0–1) per matching call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Fire on these call numbers (1 = the first call this rule's path receives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<Vec<u64>>,
    /// Extra latency before the effect, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Seed of this rule's random stream (default 0): same seed, same firings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Answer this `send_check` (card/update) after performing the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_check: Option<bool>,
}

fn any_path() -> String {
    "*".to_string()
}

impl FaultRule {
    /// The mode the rule acts in.
    pub fn effective_mode(&self) -> FaultMode {
        match self.mode {
            Some(m) => m,
            None if self.send_check.is_some() => FaultMode::SendCheck,
            None if self.errcode.is_some() || self.status.is_some() => FaultMode::Error,
            None => FaultMode::Delay,
        }
    }

    /// Checks the rule is meaningful.
    ///
    /// # Errors
    /// A message saying what to fix.
    pub fn validate(&self) -> Result<(), String> {
        if self.path != "*" && !self.path.starts_with('/') {
            return Err(tr!("emu-fault-path", path = self.path));
        }
        if let Some(p) = self.probability
            && !(0.0..=1.0).contains(&p)
        {
            return Err(tr!("emu-fault-probability", p = p.to_string()));
        }
        if let Some(s) = self.status
            && !(400..=599).contains(&s)
        {
            return Err(tr!("emu-fault-status", status = s));
        }
        if self.errcode.is_some() && self.status.is_some() {
            return Err(tr!("emu-fault-both"));
        }
        match self.effective_mode() {
            FaultMode::Error if self.errcode.is_none() && self.status.is_none() => {
                Err(tr!("emu-fault-error-needs"))
            }
            FaultMode::SendCheck if self.send_check.is_none() => {
                Err(tr!("emu-fault-send-check-needs"))
            }
            _ if self.send_check.is_some() && self.effective_mode() != FaultMode::SendCheck => {
                Err(tr!("emu-fault-send-check-only"))
            }
            FaultMode::Drop
            | FaultMode::CommitThenDrop
            | FaultMode::Delay
            | FaultMode::SendCheck
                if self.errcode.is_some() || self.status.is_some() =>
            {
                Err(tr!(
                    "emu-fault-mode-takes-no-code",
                    mode = self.effective_mode().as_str()
                ))
            }
            FaultMode::Delay if self.latency_ms.is_none() => Err(tr!("emu-fault-no-effect")),
            _ => Ok(()),
        }
    }

    /// A short label for the call log: `commit-then-drop`, `errcode 45011`, `status 502`.
    pub fn label(&self) -> String {
        match (self.effective_mode(), self.errcode, self.status) {
            (FaultMode::Error, Some(code), _) => format!("errcode {code}"),
            (FaultMode::Error, None, Some(s)) => format!("status {s}"),
            (FaultMode::SendCheck, _, _) => {
                format!("send_check {}", self.send_check.unwrap_or_default())
            }
            (mode, _, _) => mode.as_str().to_string(),
        }
    }
}

fn parse_calls(v: &str) -> Result<Vec<u64>, String> {
    let mut out = Vec::new();
    for part in v.split('+') {
        let part = part.trim();
        if let Some((a, b)) = part.split_once('-') {
            let a: u64 = a
                .trim()
                .parse()
                .map_err(|_| tr!("emu-fault-range", part = part))?;
            let b: u64 = b
                .trim()
                .parse()
                .map_err(|_| tr!("emu-fault-range", part = part))?;
            if a > b || b - a > 100_000 {
                return Err(tr!("emu-fault-range-size", part = part));
            }
            out.extend(a..=b);
        } else {
            out.push(
                part.parse()
                    .map_err(|_| tr!("emu-fault-call", part = part))?,
            );
        }
    }
    Ok(out)
}

impl FromStr for FaultRule {
    type Err = EmulatorError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let err = |message: String| EmulatorError::Fault {
            spec: spec.to_string(),
            message,
        };
        let mut rule = FaultRule {
            path: any_path(),
            errcode: None,
            status: None,
            mode: None,
            probability: None,
            calls: None,
            latency_ms: None,
            seed: None,
            send_check: None,
        };
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| err(tr!("emu-fault-not-pair", pair = pair)))?;
            let value = value.trim();
            let num = |what: &str| {
                err(tr!(
                    "emu-fault-not-value",
                    key = key,
                    value = value,
                    what = tr!(what)
                ))
            };
            match key.trim() {
                "path" => rule.path = value.to_string(),
                "errcode" => {
                    rule.errcode = Some(value.parse().map_err(|_| num("emu-what-integer"))?)
                }
                "status" => rule.status = Some(value.parse().map_err(|_| num("emu-what-status"))?),
                "mode" => {
                    rule.mode = Some(match value {
                        "error" => FaultMode::Error,
                        "drop" => FaultMode::Drop,
                        "commit-then-drop" => FaultMode::CommitThenDrop,
                        "delay" => FaultMode::Delay,
                        "send-check" => FaultMode::SendCheck,
                        _ => return Err(num("emu-what-mode")),
                    })
                }
                "probability" | "p" => {
                    rule.probability = Some(value.parse().map_err(|_| num("emu-what-probability"))?)
                }
                "calls" => rule.calls = Some(parse_calls(value).map_err(err)?),
                "latency_ms" => {
                    rule.latency_ms = Some(value.parse().map_err(|_| num("emu-what-milliseconds"))?)
                }
                "seed" => rule.seed = Some(value.parse().map_err(|_| num("emu-what-integer"))?),
                "send_check" => {
                    rule.send_check = Some(value.parse().map_err(|_| num("emu-what-bool"))?)
                }
                other => {
                    return Err(err(tr!("emu-fault-unknown-key", key = other)));
                }
            }
        }
        rule.validate().map_err(err)?;
        Ok(rule)
    }
}

/// A fault that fired for one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    pub mode: FaultMode,
    pub errcode: Option<i64>,
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub label: String,
    /// The `send_check` to answer (mode send-check).
    pub send_check: Option<bool>,
}

struct Armed {
    rule: FaultRule,
    seen: u64,
    rng: StdRng,
}

/// The active rules with their counters and random streams.
pub struct FaultSet {
    rules: Vec<Armed>,
}

impl FaultSet {
    pub fn new(rules: Vec<FaultRule>) -> FaultSet {
        FaultSet {
            rules: rules
                .into_iter()
                .map(|rule| Armed {
                    rng: StdRng::seed_from_u64(rule.seed.unwrap_or(0)),
                    rule,
                    seen: 0,
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.iter().map(|a| a.rule.clone()).collect()
    }

    /// Counts the call against every rule that matches `path` and returns the first
    /// that fires.
    pub fn fire(&mut self, path: &str) -> Option<Fired> {
        let mut fired = None;
        for armed in &mut self.rules {
            if armed.rule.path != "*" && armed.rule.path != path {
                continue;
            }
            armed.seen += 1;
            let by_call = armed
                .rule
                .calls
                .as_ref()
                .is_none_or(|calls| calls.contains(&armed.seen));
            // Draw even when the call number rules it out, so the stream depends on
            // the call count only.
            let by_chance = armed
                .rule
                .probability
                .is_none_or(|p| armed.rng.random::<f64>() < p);
            if fired.is_none() && by_call && by_chance {
                fired = Some(Fired {
                    mode: armed.rule.effective_mode(),
                    errcode: armed.rule.errcode,
                    status: armed.rule.status,
                    latency_ms: armed.rule.latency_ms.unwrap_or(0),
                    label: armed.rule.label(),
                    send_check: armed.rule.send_check,
                });
            }
        }
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_and_json_are_one_format() {
        let rule: FaultRule = "path=/card/create,mode=commit-then-drop,calls=1+3-4"
            .parse()
            .unwrap();
        assert_eq!(rule.calls, Some(vec![1, 3, 4]));
        let json = serde_json::to_value(&rule).unwrap();
        assert_eq!(json["mode"], "commit-then-drop");
        let back: FaultRule = serde_json::from_value(json).unwrap();
        assert_eq!(back, rule);
    }

    #[test]
    fn bad_specs_say_what_to_fix() {
        for bad in [
            "path=/card/get",
            "errcode=x",
            "errcode=1,status=500",
            "mode=drop,errcode=1",
            "status=200",
            "probability=2,errcode=-1",
            "colour=red",
            "path=card/get,errcode=-1",
            "send_check=maybe",
            "mode=drop,send_check=true",
            "mode=send-check",
        ] {
            let e = bad.parse::<FaultRule>().unwrap_err().to_string();
            assert!(e.contains(bad), "{e}");
        }
    }

    #[test]
    fn send_check_rules_answer_what_they_say() {
        let rule: FaultRule = "path=/card/update,send_check=false".parse().unwrap();
        assert_eq!(rule.effective_mode(), FaultMode::SendCheck);
        let mut set = FaultSet::new(vec![rule]);
        assert_eq!(
            set.fire("/card/update").and_then(|f| f.send_check),
            Some(false)
        );
    }

    #[test]
    fn call_numbers_count_per_rule_and_path() {
        let mut set = FaultSet::new(vec!["path=/card/get,errcode=-1,calls=2".parse().unwrap()]);
        assert!(set.fire("/card/get").is_none());
        assert!(set.fire("/card/create").is_none());
        assert_eq!(set.fire("/card/get").map(|f| f.errcode), Some(Some(-1)));
        assert!(set.fire("/card/get").is_none());
    }

    #[test]
    fn probability_is_seeded() {
        let rule: FaultRule = "errcode=-1,probability=0.5,seed=42".parse().unwrap();
        let run = || {
            let mut set = FaultSet::new(vec![rule.clone()]);
            (0..64)
                .map(|_| set.fire("/card/get").is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.iter().any(|f| *f) && a.iter().any(|f| !*f));
    }
}
