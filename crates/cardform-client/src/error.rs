//! [`ApiError`]: every way a WeChat call can fail, with messages built from the errcode
//! table. No variant holds a token or secret: URLs are [`RedactedUrl`]s, raw bodies are
//! redacted before they are stored.

use super::secret::RedactedUrl;
use cardform_i18n::tr;
use cardform_spec::errcode::{self, RetryClass};

/// How a transport failure happened, which decides whether a retry is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// The connection was never established: the request was not sent.
    Connect,
    /// The per-request timeout fired after the request may have been sent.
    Timeout,
    /// The connection dropped or was reset while sending or before the answer was read.
    Dropped,
    /// The answer's body could not be read to the end.
    Body,
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl TransportKind {
    fn describe(self) -> String {
        tr!(match self {
            TransportKind::Connect => "err-api-connect",
            TransportKind::Timeout => "err-api-timeout",
            TransportKind::Dropped => "err-api-dropped",
            TransportKind::Body => "err-api-body",
        })
    }
}

/// A failed WeChat call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// WeChat answered with a non-zero errcode.
    #[error("{}", tr!("err-api-wechat", endpoint = .endpoint, code = .code.to_string(), errmsg = .errmsg, after = after(*attempts), meaning = describe(*code), guidance = guidance(*code)))]
    WeChat {
        endpoint: String,
        code: i64,
        /// errmsg without the ` hint: [...]` / ` rid: ...` trace suffix.
        errmsg: String,
        /// errmsg as WeChat sent it, for `--debug` output.
        raw_errmsg: String,
        /// How many times the call was attempted.
        attempts: u32,
    },

    /// 45009: the daily quota is used up; the run must stop.
    #[error(
        "{}",
        tr!("err-api-quota", endpoint = .endpoint, errmsg = .errmsg, meaning = describe(45009), guidance = guidance(45009))
    )]
    QuotaExhausted { endpoint: String, errmsg: String },

    /// A non-idempotent call may or may not have taken effect; cardform did not retry it.
    #[error("{}", tr!("err-api-outcome-unknown", endpoint = .endpoint, reason = .reason))]
    OutcomeUnknown { endpoint: String, reason: String },

    /// The request failed in transit (after any retries).
    #[error("{}", tr!("err-api-transport", endpoint = .endpoint, kind = .kind.describe(), url = .url.to_string(), attempts = .attempts, message = .message))]
    Transport {
        endpoint: String,
        url: RedactedUrl,
        kind: TransportKind,
        /// The transport error chain, URL-free and redacted.
        message: String,
        attempts: u32,
    },

    /// WeChat (or a proxy) answered with an HTTP error status.
    #[error("{}", tr!("err-api-http-status", endpoint = .endpoint, status = .status, attempts = .attempts))]
    HttpStatus {
        endpoint: String,
        status: u16,
        attempts: u32,
    },

    /// The answer was not the JSON shape the endpoint promises.
    #[error("{}", tr!("err-api-malformed", endpoint = .endpoint, reason = .reason, raw = .raw))]
    Malformed {
        endpoint: String,
        reason: String,
        /// The body with credentials removed, truncated.
        raw: String,
    },

    /// The client cannot be set up (missing environment variable, bad base URL…).
    #[error("{message}")]
    Config { message: String },

    /// The token command failed.
    #[error("{}", tr!("err-api-token-command", program = .program, problem = .problem))]
    TokenCommand { program: String, problem: String },

    /// No access token could be had (after the fetch's own retries). Every WeChat call
    /// needs one, so the run stops; the failure is kept and shared by every call of the
    /// run instead of being fetched again per card.
    #[error(
        "{}",
        tr!("err-api-token-unavailable", source_name = .source_name, cause = .cause.to_string(), advice = token_advice(source_name, cause))
    )]
    TokenUnavailable {
        /// `stable_token`, `classic`, `command`, `component`, `env`, `authorizer`.
        source_name: &'static str,
        cause: Box<ApiError>,
    },
}

/// What to do when no token could be had, by what went wrong.
fn token_advice(source: &str, cause: &ApiError) -> String {
    let id = match cause {
        ApiError::QuotaExhausted { .. } => "err-api-advice-token-quota",
        ApiError::WeChat { code, .. } if errcode::retry_class(*code) == RetryClass::Transient => {
            "err-api-advice-token-transient"
        }
        ApiError::WeChat { code, .. } if source == "authorizer" => return platform_advice(*code),
        ApiError::WeChat { .. } => "err-api-advice-token-account",
        ApiError::Transport { .. } | ApiError::HttpStatus { .. } | ApiError::Malformed { .. } => {
            "err-api-advice-token-unreachable"
        }
        ApiError::TokenCommand { .. } => "err-api-advice-token-command",
        _ if source == "env" => "err-api-advice-token-env",
        _ => "err-api-advice-token-other",
    };
    tr!(id)
}

/// What to do when a platform authorizer's token could not be had.
fn platform_advice(code: i64) -> String {
    tr!(match code {
        61003 => "err-api-advice-platform-revoked",
        61023 => "err-api-advice-platform-refresh",
        61005 | 61006 => "err-api-advice-platform-ticket",
        _ => "err-api-advice-platform-other",
    })
}

fn after(attempts: u32) -> String {
    if attempts > 1 {
        tr!("err-api-after-attempts", attempts = attempts)
    } else {
        String::new()
    }
}

/// The errcode table's row for `code` in the process language: the table's words are
/// the English messages `err-wx-CODE-meaning` / `-guidance` (a test keeps them equal).
fn row_text(code: i64, part: &str) -> Option<String> {
    errcode::lookup(code)?;
    let key = if code < 0 {
        format!("m{}", code.unsigned_abs())
    } else {
        code.to_string()
    };
    let id = format!("err-wx-{key}-{part}");
    cardform_i18n::Messages::process()
        .has(&id)
        .then(|| cardform_i18n::t(&id))
}

fn describe(code: i64) -> String {
    row_text(code, "meaning")
        .or_else(|| errcode::lookup(code).map(|e| e.meaning.to_string()))
        .unwrap_or_else(|| tr!("err-api-unknown-meaning"))
}

fn guidance(code: i64) -> String {
    row_text(code, "guidance")
        .or_else(|| errcode::lookup(code).map(|e| e.guidance.to_string()))
        .unwrap_or_else(|| tr!("err-api-unknown-guidance"))
}

impl ApiError {
    /// WeChat's errcode, when WeChat answered with one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            ApiError::WeChat { code, .. } => Some(*code),
            ApiError::QuotaExhausted { .. } => Some(45009),
            ApiError::TokenUnavailable { cause, .. } => cause.errcode(),
            _ => None,
        }
    }

    /// The errcode table's retry class, when WeChat answered with an errcode.
    pub fn retry_class(&self) -> Option<RetryClass> {
        self.errcode().map(errcode::retry_class)
    }

    /// True when the caller must find out whether the call took effect.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, ApiError::OutcomeUnknown { .. })
    }

    /// True when the whole run should stop (daily quota, no access token), not just
    /// this card: every later call would fail the same way.
    pub fn stops_run(&self) -> bool {
        matches!(
            self,
            ApiError::QuotaExhausted { .. } | ApiError::TokenUnavailable { .. }
        )
    }

    /// The endpoint path the error is about, when there is one.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            ApiError::WeChat { endpoint, .. }
            | ApiError::QuotaExhausted { endpoint, .. }
            | ApiError::OutcomeUnknown { endpoint, .. }
            | ApiError::Transport { endpoint, .. }
            | ApiError::HttpStatus { endpoint, .. }
            | ApiError::Malformed { endpoint, .. } => Some(endpoint),
            ApiError::TokenUnavailable { cause, .. } => cause.endpoint(),
            ApiError::Config { .. } | ApiError::TokenCommand { .. } => None,
        }
    }
}

/// The edge (the binary's error report) shows `code` and `help`: a WeChat errcode is
/// `wechat::errcode::NNNNN` with the errcode table's guidance as help; the other
/// variants name their kind and, where there is one, what to do.
impl miette::Diagnostic for ApiError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let code = match self {
            ApiError::WeChat { code, .. } => format!("wechat::errcode::{code}"),
            ApiError::QuotaExhausted { .. } => "wechat::errcode::45009".into(),
            ApiError::OutcomeUnknown { .. } => "wechat::outcome_unknown".into(),
            ApiError::Transport { .. } => "wechat::transport".into(),
            ApiError::HttpStatus { .. } => "wechat::http_status".into(),
            ApiError::Malformed { .. } => "wechat::malformed".into(),
            ApiError::Config { .. } => "wechat::config".into(),
            ApiError::TokenCommand { .. } => "wechat::token_command".into(),
            ApiError::TokenUnavailable { .. } => "wechat::token_unavailable".into(),
        };
        Some(Box::new(code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        let help: String = match self {
            ApiError::WeChat { code, .. } => guidance(*code),
            ApiError::QuotaExhausted { .. } => guidance(45009),
            ApiError::TokenUnavailable {
                source_name, cause, ..
            } => token_advice(source_name, cause),
            ApiError::OutcomeUnknown { .. } => tr!("err-api-outcome-unknown-help"),
            ApiError::Transport { .. } | ApiError::HttpStatus { .. } => {
                tr!("err-api-transport-help")
            }
            ApiError::Malformed { .. } => tr!("err-api-malformed-help"),
            ApiError::Config { .. } | ApiError::TokenCommand { .. } => return None,
        };
        Some(Box::new(help))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diagnostic_carries_the_errcode_and_the_tables_guidance() {
        use miette::Diagnostic;
        let e = ApiError::WeChat {
            endpoint: "/card/update".into(),
            code: 47001,
            errmsg: "data format error".into(),
            raw_errmsg: "data format error".into(),
            attempts: 1,
        };
        assert_eq!(
            e.code().map(|c| c.to_string()).as_deref(),
            Some("wechat::errcode::47001")
        );
        let help = e.help().map(|h| h.to_string()).unwrap_or_default();
        assert_eq!(
            help,
            errcode::lookup(47001)
                .map(|c| c.guidance)
                .unwrap_or_default()
        );
        let unknown = ApiError::WeChat {
            endpoint: "/card/get".into(),
            code: 12345,
            errmsg: "x".into(),
            raw_errmsg: "x".into(),
            attempts: 1,
        };
        assert!(
            unknown
                .help()
                .is_some_and(|h| h.to_string().contains("global error code list"))
        );
        let config = ApiError::Config {
            message: "m".into(),
        };
        assert!(config.help().is_none());
        assert_eq!(
            config.code().map(|c| c.to_string()).as_deref(),
            Some("wechat::config")
        );
    }

    #[test]
    fn wechat_error_names_meaning_and_guidance() {
        let e = ApiError::WeChat {
            endpoint: "/card/update".into(),
            code: 47001,
            errmsg: "data format error".into(),
            raw_errmsg: "data format error hint: [abc]".into(),
            attempts: 1,
        };
        let s = e.to_string();
        assert!(s.contains("47001"), "{s}");
        assert!(s.contains("non-updatable field"), "{s}");
        assert!(s.contains("the plan should replace"), "{s}");
        assert!(!s.contains("hint"), "{s}");
        assert_eq!(e.errcode(), Some(47001));
        assert_eq!(e.retry_class(), Some(RetryClass::Permanent));
    }

    #[test]
    fn the_english_messages_are_the_errcode_table_word_for_word() {
        let en = cardform_i18n::Messages::new(cardform_i18n::Lang::En);
        for row in errcode::ERRCODES {
            let key = if row.code < 0 {
                format!("m{}", row.code.unsigned_abs())
            } else {
                row.code.to_string()
            };
            assert_eq!(en.t(&format!("err-wx-{key}-meaning")), row.meaning);
            assert_eq!(en.t(&format!("err-wx-{key}-guidance")), row.guidance);
        }
    }

    #[test]
    fn unknown_code_still_says_what_to_do() {
        let e = ApiError::WeChat {
            endpoint: "/card/get".into(),
            code: 12345,
            errmsg: "strange".into(),
            raw_errmsg: "strange".into(),
            attempts: 1,
        };
        assert!(e.to_string().contains("global error code list"));
    }

    #[test]
    fn quota_is_distinct_and_stops() {
        let e = ApiError::QuotaExhausted {
            endpoint: "/card/create".into(),
            errmsg: "reach max api daily quota limit".into(),
        };
        assert!(e.stops_run());
        assert_eq!(e.retry_class(), Some(RetryClass::Quota));
        assert!(e.to_string().contains("stops"));
    }
}
