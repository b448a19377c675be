//! Which accounts a run covers: `--accounts all | NAME[,NAME…] | changed[:GIT_REF]`,
//! then `--shard K/N`.
//!
//! Shards use rendezvous (highest-random-weight) hashing of the account name: account
//! `a` belongs to the shard `k` (1..=N) with the largest sha256(`k`, `a`). So an
//! account's shard depends only on its own name and N: adding or removing accounts
//! never moves another account (CI caches, locks and review comments stay put), and
//! changing N moves only about 1/N of them, unlike `hash mod N` which reshuffles
//! almost everything when N changes. sha256 (not the std hasher) keeps the split
//! identical across machines, Rust versions and cardform versions.

use crate::i18n::tr;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

use super::files::{ACCOUNTS_DIR, TEMPLATES_DIR};
use super::project::Platform;

/// The default base of `--accounts changed`.
pub const DEFAULT_BASE_REF: &str = "origin/main";

/// `--accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Selection {
    #[default]
    All,
    Names(Vec<String>),
    /// Accounts whose folder, or a template they use, changed since the merge base
    /// with this ref (the platform's own `cardform.toml` changes every account).
    Changed(String),
}

/// Why a selection or shard cannot be used; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum SelectError {
    #[error("{}", tr!("pf-unknown-account", name = .name, hint = .hint))]
    #[diagnostic(
        code(cardform::platform::unknown_account),
        help("{}", tr!("pf-unknown-account-help"))
    )]
    Unknown { name: String, hint: String },
    #[error("{}", tr!("pf-accounts-empty"))]
    #[diagnostic(
        code(cardform::platform::usage),
        help("{}", tr!("pf-accounts-empty-help"))
    )]
    Empty,
    #[error("{}", tr!("pf-shard", given = .given, problem = .problem))]
    #[diagnostic(
        code(cardform::platform::shard),
        help("{}", tr!("pf-shard-help"))
    )]
    Shard { given: String, problem: String },
    #[error("{}", tr!("pf-changed", base = .base, problem = .problem))]
    #[diagnostic(
        code(cardform::platform::changed),
        help("{}", tr!("pf-changed-help"))
    )]
    Git { base: String, problem: String },
}

impl std::str::FromStr for Selection {
    type Err = SelectError;
    fn from_str(s: &str) -> Result<Self, SelectError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(SelectError::Empty);
        }
        if s == "all" {
            return Ok(Selection::All);
        }
        if s == "changed" {
            return Ok(Selection::Changed(DEFAULT_BASE_REF.to_string()));
        }
        if let Some(r) = s.strip_prefix("changed:") {
            return Ok(Selection::Changed(r.trim().to_string()));
        }
        let names: Vec<String> = s
            .split(',')
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Err(SelectError::Empty);
        }
        Ok(Selection::Names(names))
    }
}

/// `--shard K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = SelectError;
    fn from_str(s: &str) -> Result<Self, SelectError> {
        let bad = |problem: &str| SelectError::Shard {
            given: s.to_string(),
            problem: problem.to_string(),
        };
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| bad(&tr!("pf-shard-form")))?;
        let k: u32 = k
            .trim()
            .parse()
            .map_err(|_| bad(&tr!("pf-shard-k-number")))?;
        let n: u32 = n
            .trim()
            .parse()
            .map_err(|_| bad(&tr!("pf-shard-n-number")))?;
        if n == 0 {
            return Err(bad(&tr!("pf-shard-n-zero")));
        }
        if k == 0 || k > n {
            return Err(bad(&tr!("pf-shard-k-range", n = n)));
        }
        Ok(Shard { index: k, count: n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The shard (1..=count) that owns `account` (rendezvous hashing).
    pub fn owner(account: &str, count: u32) -> u32 {
        (1..=count.max(1))
            .max_by_key(|k| {
                let mut h = Sha256::new();
                h.update(k.to_be_bytes());
                h.update(account.as_bytes());
                let d = h.finalize();
                let mut first = [0u8; 8];
                first.copy_from_slice(&d[..8]);
                (u64::from_be_bytes(first), std::cmp::Reverse(*k))
            })
            .unwrap_or(1)
    }

    pub fn holds(&self, account: &str) -> bool {
        Shard::owner(account, self.count) == self.index
    }
}

/// The accounts of `platform` that `selection` names, in name order, then those of
/// `shard`.
///
/// # Errors
/// An unknown name (nothing is run), or git could not say what changed.
pub fn select(
    platform: &Platform,
    selection: &Selection,
    shard: Option<Shard>,
) -> Result<Vec<String>, SelectError> {
    let known: BTreeSet<&str> = platform.accounts.keys().map(String::as_str).collect();
    let chosen: Vec<String> = match selection {
        Selection::All => known.iter().map(|s| s.to_string()).collect(),
        Selection::Names(names) => {
            for n in names {
                if !known.contains(n.as_str()) {
                    let list: Vec<String> = known.iter().map(|s| s.to_string()).collect();
                    let hint = crate::config::suggest::suggest(n, &list)
                        .map(|s| tr!("pf-unknown-account-hint", name = s))
                        .unwrap_or_default();
                    return Err(SelectError::Unknown {
                        name: n.clone(),
                        hint,
                    });
                }
            }
            let set: BTreeSet<String> = names.iter().cloned().collect();
            set.into_iter().collect()
        }
        Selection::Changed(base) => {
            let files = changed_files(&platform.root, base)?;
            changed_accounts(platform, &files)
        }
    };
    Ok(match shard {
        Some(s) => chosen.into_iter().filter(|a| s.holds(a)).collect(),
        None => chosen,
    })
}

/// The accounts `files` (paths relative to the platform root) touch: the account's
/// folder, a template it uses, or the platform's `cardform.toml` (every account).
pub fn changed_accounts(platform: &Platform, files: &[String]) -> Vec<String> {
    let mut out = BTreeSet::new();
    let users: BTreeMap<&str, Vec<&str>> =
        platform
            .accounts
            .values()
            .fold(BTreeMap::new(), |mut m: BTreeMap<&str, Vec<&str>>, a| {
                for t in a.instances.keys() {
                    m.entry(t.as_str()).or_default().push(a.name.as_str());
                }
                m
            });
    for f in files {
        let parts: Vec<&str> = f.split('/').collect();
        match parts.as_slice() {
            ["cardform.toml"] => out.extend(platform.accounts.keys().cloned()),
            [dir, name, _, ..] if *dir == ACCOUNTS_DIR && platform.accounts.contains_key(*name) => {
                out.insert((*name).to_string());
            }
            [dir, file] if *dir == TEMPLATES_DIR => {
                if let Some(t) = file.strip_suffix(".toml") {
                    for a in users.get(t).into_iter().flatten() {
                        out.insert((*a).to_string());
                    }
                }
            }
            _ => {}
        }
    }
    out.into_iter().collect()
}

/// The files changed between the merge base of `base` and HEAD and the working tree,
/// relative to `root`.
fn changed_files(root: &Path, base: &str) -> Result<Vec<String>, SelectError> {
    let err = |problem: String| SelectError::Git {
        base: base.to_string(),
        problem,
    };
    if base.starts_with('-') {
        return Err(err(tr!("pf-changed-dash")));
    }
    let git = |args: &[&str]| -> Result<String, SelectError> {
        let out = Command::new("git")
            .current_dir(root)
            .args(args)
            .output()
            .map_err(|e| err(tr!("pf-changed-no-git", error = e)))?;
        if !out.status.success() {
            return Err(err(String::from_utf8_lossy(&out.stderr).trim().to_string()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).to_string())
    };
    let merge_base = git(&["merge-base", base, "HEAD"])?;
    let listed = git(&[
        "diff",
        "--name-only",
        "--relative",
        "--no-renames",
        merge_base.trim(),
        "--",
        ".",
    ])?;
    let untracked = git(&["ls-files", "--others", "--exclude-standard", "--", "."])?;
    Ok(listed
        .lines()
        .chain(untracked.lines())
        .map(str::to_string)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "x/y", "1", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_cover_every_account_once_and_are_stable_when_accounts_are_added() {
        let names: Vec<String> = (0..200).map(|i| format!("shop-{i}")).collect();
        let before: Vec<u32> = names.iter().map(|n| Shard::owner(n, 4)).collect();
        for k in 1..=4 {
            let count = before.iter().filter(|&&o| o == k).count();
            assert!((25..=75).contains(&count), "shard {k} has {count}");
        }
        // Adding accounts moves none; going 4 → 5 shards moves about a fifth.
        let after: Vec<u32> = names.iter().map(|n| Shard::owner(n, 4)).collect();
        assert_eq!(before, after);
        let moved = names
            .iter()
            .filter(|n| Shard::owner(n, 4) != Shard::owner(n, 5))
            .count();
        assert!(moved < 70, "{moved} moved");
        assert!(
            names
                .iter()
                .all(|n| Shard::owner(n, 5) == 5 || Shard::owner(n, 5) == Shard::owner(n, 4))
        );
    }

    #[test]
    fn selections_parse() {
        assert_eq!("all".parse::<Selection>(), Ok(Selection::All));
        assert_eq!(
            "changed".parse::<Selection>(),
            Ok(Selection::Changed(DEFAULT_BASE_REF.into()))
        );
        assert_eq!(
            "changed:main~1".parse::<Selection>(),
            Ok(Selection::Changed("main~1".into()))
        );
        assert_eq!(
            "a, b".parse::<Selection>(),
            Ok(Selection::Names(vec!["a".into(), "b".into()]))
        );
        assert!(",".parse::<Selection>().is_err());
    }
}
