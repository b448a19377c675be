//! A `postgres://` setting: where to connect, as whom, which state row, and how to
//! protect the connection (libpq's `sslmode`, `sslrootcert`, `sslcert`, `sslkey`, in
//! the URL or as `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`).

use std::path::PathBuf;
use std::time::Duration;

use super::super::error::StateError;
use super::super::location::redact_url;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plaintext only.
    Disable,
    /// TLS when the server offers it, else plaintext; the certificate is not checked
    /// (unless a root certificate is given, as libpq). libpq's default, and ours.
    Prefer,
    /// TLS or nothing; the certificate is not checked unless a root certificate is
    /// given (then as `verify-ca`), as libpq.
    Require,
    /// TLS, and the server's certificate chain must lead to the root certificate.
    VerifyCa,
    /// As `verify-ca`, and the certificate must name the host connected to.
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Option<SslMode> {
        Some(match s {
            "disable" => SslMode::Disable,
            // libpq's `allow` tries plaintext first; TLS first is the safer reading.
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// The certificates a server's chain must lead to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCerts {
    /// A PEM file (`sslrootcert=/path/ca.pem`).
    File(PathBuf),
    /// The system's trusted CAs (`sslrootcert=system`, as libpq 16).
    System,
}

/// How the connection is protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    pub mode: SslMode,
    pub root: Option<RootCerts>,
    /// Where `root` came from, for messages (`sslrootcert=…`, `PGSSLROOTCERT`…).
    pub root_from: String,
    /// A client certificate and its key (PEM files), when the server asks for one.
    pub client: Option<(PathBuf, PathBuf)>,
}

/// The TLS parameters as written in the URL (percent-decoded), before the
/// environment fills what the URL leaves out.
#[derive(Debug, Clone, Default)]
struct TlsParams {
    mode: Option<String>,
    root: Option<String>,
    cert: Option<String>,
    key: Option<String>,
}

/// A parsed `postgres://` setting.
#[derive(Debug, Clone)]
pub struct PgTarget {
    pub config: ::postgres::Config,
    /// The state's row name (`?name=`).
    pub name: String,
    /// For messages: the URL without credentials or options.
    pub location: String,
    pub tls: TlsOptions,
}

/// The URL without cardform's own `name=` option and the TLS parameters, parsed; the
/// row name; the TLS parameters; the URL's part before `?`.
fn parse_config(url: &str) -> Result<(::postgres::Config, String, TlsParams, &str), StateError> {
    let shown = redact_url(url);
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut name = "default".to_string();
    let mut tls = TlsParams::default();
    let mut rest = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let decoded = |v: &str| {
            percent_decode(v).ok_or_else(|| {
                StateError::Usage(cardform_i18n::tr!(
                    "err-pg-percent",
                    state = shown,
                    key = pair.split('=').next().unwrap_or_default()
                ))
            })
        };
        match pair.split_once('=') {
            Some(("name", v)) if !v.is_empty() => name = v.to_string(),
            // Empty is unset, as in libpq.
            Some(("sslmode" | "sslrootcert" | "sslcert" | "sslkey", "")) => {}
            Some(("sslmode", v)) => tls.mode = Some(decoded(v)?),
            Some(("sslrootcert", v)) => tls.root = Some(decoded(v)?),
            Some(("sslcert", v)) => tls.cert = Some(decoded(v)?),
            Some(("sslkey", v)) => tls.key = Some(decoded(v)?),
            Some((k @ ("sslpassword" | "sslcrl" | "sslcrldir" | "sslcompression"), _)) => {
                return Err(StateError::Usage(cardform_i18n::tr!(
                    "err-pg-unsupported-key",
                    state = shown,
                    key = k
                )));
            }
            _ => rest.push(pair),
        }
    }
    let cleaned = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    let config: ::postgres::Config = cleaned.parse().map_err(|e: ::postgres::Error| {
        StateError::Usage(cardform_i18n::tr!(
            "err-pg-not-url",
            state = shown,
            error = e.to_string()
        ))
    })?;
    if let Some(m) = &tls.mode
        && SslMode::parse(m).is_none()
    {
        return Err(bad_sslmode(&format!("`state = \"{shown}\"`"), m));
    }
    Ok((config, name, tls, base))
}

fn bad_sslmode(place: &str, given: &str) -> StateError {
    StateError::Usage(cardform_i18n::tr!(
        "err-pg-sslmode",
        place = place,
        given = given
    ))
}

/// `%XX` sequences decoded (as libpq and the `postgres` crate read URL values);
/// `None` when a sequence is malformed or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The network hosts a `postgres://` setting would connect to (and send `PGUSER` /
/// `PGPASSWORD` to): every TCP host name or address, and every `hostaddr=`. Unix
/// sockets are local and not listed. Reads no environment and connects nowhere.
///
/// # Errors
/// [`StateError::Usage`] for a URL that does not parse.
pub fn network_hosts(url: &str) -> Result<Vec<String>, StateError> {
    let (config, _, _, _) = parse_config(url.trim())?;
    let mut hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .filter_map(|h| match h {
            ::postgres::config::Host::Tcp(h) => Some(h.clone()),
            #[cfg(unix)]
            ::postgres::config::Host::Unix(_) => None,
        })
        .collect();
    hosts.extend(config.get_hostaddrs().iter().map(ToString::to_string));
    Ok(hosts)
}

/// Parses a `postgres://host:port/db[?name=NAME&sslmode=…]` setting, taking the user
/// from the URL or `PGUSER`, the password from `PGPASSWORD`, and the TLS parameters
/// the URL leaves out from `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`.
///
/// # Errors
/// [`StateError::Usage`] for a URL that carries a password (it would live in
/// cardform.toml), that does not parse, or whose TLS settings do not fit together.
pub fn parse_target(url: &str) -> Result<PgTarget, StateError> {
    parse_target_with(url, &|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
}

fn parse_target_with(
    url: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<PgTarget, StateError> {
    let shown = redact_url(url);
    let (mut config, name, params, base) = parse_config(url)?;
    if config.get_password().is_some() {
        return Err(StateError::Usage(cardform_i18n::tr!(
            "err-pg-password",
            state = shown
        )));
    }
    if config.get_user().is_none() {
        match ["PGUSER", "USER", "USERNAME"].iter().find_map(|k| env(k)) {
            Some(u) => {
                config.user(&u);
            }
            None => {
                return Err(StateError::Usage(cardform_i18n::tr!("err-pg-no-user")));
            }
        }
    }
    if let Ok(pw) = std::env::var("PGPASSWORD") {
        config.password(pw);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(15));
    }
    config.application_name("cardform");
    let tls = tls_options(params, env)?;
    config.ssl_mode(match tls.mode {
        SslMode::Disable => ::postgres::config::SslMode::Disable,
        SslMode::Prefer => ::postgres::config::SslMode::Prefer,
        _ => ::postgres::config::SslMode::Require,
    });
    let location = format!("{} (state \"{name}\")", cleaned_location(&config, base));
    Ok(PgTarget {
        config,
        name,
        location,
        tls,
    })
}

/// The TLS settings: the URL's, else the environment's, else libpq's defaults
/// (`prefer`; the root certificate `~/.postgresql/root.crt` when it exists).
fn tls_options(
    params: TlsParams,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<TlsOptions, StateError> {
    let mode = match (params.mode, env("PGSSLMODE")) {
        (Some(m), _) => SslMode::parse(&m).ok_or_else(|| bad_sslmode("the state URL", &m))?,
        (None, Some(m)) => SslMode::parse(&m).ok_or_else(|| bad_sslmode("PGSSLMODE", &m))?,
        (None, None) => SslMode::Prefer,
    };
    let (root, root_from) = match (params.root, env("PGSSLROOTCERT")) {
        (Some(r), _) => (Some(r.clone()), format!("sslrootcert={r}")),
        (None, Some(r)) => (Some(r.clone()), format!("PGSSLROOTCERT={r}")),
        (None, None) => match env("HOME").map(|h| PathBuf::from(h).join(".postgresql/root.crt")) {
            Some(p) if p.is_file() => {
                let shown = p.display().to_string();
                (Some(shown.clone()), shown)
            }
            _ => (None, String::new()),
        },
    };
    let root = root.map(|r| match r.as_str() {
        "system" => RootCerts::System,
        _ => RootCerts::File(PathBuf::from(r)),
    });
    if root.is_none() && matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull) {
        return Err(StateError::Usage(cardform_i18n::tr!(
            "err-pg-no-ca",
            mode = mode.as_str()
        )));
    }
    let cert = params.cert.or_else(|| env("PGSSLCERT"));
    let key = params.key.or_else(|| env("PGSSLKEY"));
    let client = match (cert, key) {
        (Some(c), Some(k)) => Some((PathBuf::from(c), PathBuf::from(k))),
        (None, None) => None,
        (Some(_), None) => {
            return Err(StateError::Usage(cardform_i18n::tr!(
                "err-pg-cert-without-key"
            )));
        }
        (None, Some(_)) => {
            return Err(StateError::Usage(cardform_i18n::tr!(
                "err-pg-key-without-cert"
            )));
        }
    };
    if mode == SslMode::Disable && client.is_some() {
        return Err(StateError::Usage(cardform_i18n::tr!(
            "err-pg-disable-with-cert"
        )));
    }
    Ok(TlsOptions {
        mode,
        root,
        root_from,
        client,
    })
}

fn cleaned_location(config: &::postgres::Config, base: &str) -> String {
    let db = config.get_dbname().unwrap_or("");
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .zip(config.get_ports().iter().chain(std::iter::repeat(&5432)))
        .map(|(h, p)| match h {
            ::postgres::config::Host::Tcp(h) => format!("{h}:{p}"),
            #[cfg(unix)]
            ::postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    if hosts.is_empty() {
        redact_url(base)
    } else {
        format!("postgres://{}/{db}", hosts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn network_hosts_lists_every_host_and_hostaddr() {
        assert_eq!(
            network_hosts("postgres://db.example:5432/cards?name=x").expect("parses"),
            vec!["db.example".to_string()]
        );
        assert_eq!(
            network_hosts("postgres://127.0.0.1/db?host=evil.example&hostaddr=10.0.0.1")
                .expect("parses"),
            vec![
                "127.0.0.1".to_string(),
                "evil.example".to_string(),
                "10.0.0.1".to_string()
            ]
        );
        assert!(network_hosts("postgres://[::1]:5/db").expect("parses") == vec!["::1"]);
        assert!(
            network_hosts("postgres://%2Ftmp/db")
                .expect("parses")
                .is_empty()
        );
        // The TLS parameters are accepted (and hide no host).
        assert_eq!(
            network_hosts("postgres://db.example/c?sslmode=verify-full&sslrootcert=%2Fca.pem")
                .expect("parses"),
            vec!["db.example".to_string()]
        );
    }

    #[test]
    fn password_in_the_url_is_refused_without_echoing_it() {
        let err =
            parse_target("postgres://bob:hunter2@db.example:5432/cards").expect_err("refused");
        let text = err.to_string();
        assert!(text.contains("PGPASSWORD"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let err =
            parse_target("postgres://bob@db.example:5432/cards?password=hunter2&sslmode=bogus")
                .expect_err("refused");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn name_option_and_location() {
        let t = parse_target_with("postgres://alice@127.0.0.1:6543/cards?name=shop-a", &no_env)
            .expect("parses");
        assert_eq!(t.name, "shop-a");
        assert_eq!(
            t.location,
            "postgres://127.0.0.1:6543/cards (state \"shop-a\")"
        );
        assert_eq!(t.config.get_user(), Some("alice"));
        let t = parse_target_with("postgres://alice@db/cards", &no_env).expect("parses");
        assert_eq!(t.name, "default");
    }

    #[test]
    fn tls_settings_from_the_url_then_the_environment() {
        let t = parse_target_with("postgres://a@db/c", &no_env).expect("parses");
        assert_eq!(t.tls.mode, SslMode::Prefer, "libpq's default");
        assert_eq!(t.tls.root, None);
        assert_eq!(t.config.get_ssl_mode(), ::postgres::config::SslMode::Prefer);

        let t = parse_target_with(
            "postgres://a@db/c?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20x.pem&name=s",
            &no_env,
        )
        .expect("parses");
        assert_eq!(t.tls.mode, SslMode::VerifyFull);
        assert_eq!(t.tls.root, Some(RootCerts::File("/etc/ca x.pem".into())));
        assert_eq!(t.name, "s");
        assert_eq!(
            t.config.get_ssl_mode(),
            ::postgres::config::SslMode::Require
        );

        let env = |k: &str| match k {
            "PGSSLMODE" => Some("verify-ca".to_string()),
            "PGSSLROOTCERT" => Some("system".to_string()),
            "PGSSLCERT" => Some("/c.pem".to_string()),
            "PGSSLKEY" => Some("/k.pem".to_string()),
            _ => None,
        };
        let t = parse_target_with("postgres://a@db/c", &env).expect("parses");
        assert_eq!(t.tls.mode, SslMode::VerifyCa);
        assert_eq!(t.tls.root, Some(RootCerts::System));
        assert_eq!(t.tls.client, Some(("/c.pem".into(), "/k.pem".into())));
        // The URL wins over the environment; an empty value is unset.
        let t = parse_target_with("postgres://a@db/c?sslmode=require&sslcert=", &|k| {
            (k == "PGSSLMODE").then(|| "verify-full".to_string())
        })
        .expect("parses");
        assert_eq!(t.tls.mode, SslMode::Require);
        assert_eq!(t.tls.client, None);
        let t =
            parse_target_with("postgres://a@db/c?sslmode=disable", &env).expect_err("client cert");
        assert!(t.to_string().contains("sslmode=disable"), "{t}");
    }

    #[test]
    fn tls_settings_that_cannot_work_are_refused_with_what_to_set() {
        let err =
            parse_target_with("postgres://a@db/c?sslmode=verify-full", &no_env).expect_err("no CA");
        let text = err.to_string();
        assert!(text.contains("sslrootcert"), "{text}");
        let err = parse_target_with("postgres://a@db/c?sslmode=strict", &no_env)
            .expect_err("unknown mode");
        assert!(err.to_string().contains("verify-full"), "{err}");
        let err = parse_target_with(
            "postgres://a@db/c?sslmode=require&sslcert=%2Fc.pem",
            &no_env,
        )
        .expect_err("cert without key");
        assert!(err.to_string().contains("sslkey"), "{err}");
        let err =
            parse_target_with("postgres://a@db/c?sslpassword=x", &no_env).expect_err("unsupported");
        assert!(err.to_string().contains("sslpassword"), "{err}");
        assert!(percent_decode("%zz").is_none());
    }
}
