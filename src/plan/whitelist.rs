//! `[test_whitelist]` against what cardform last set: `card/testwhitelist/set` is a
//! full replacement, so the plan sends the whole list whenever it differs. A list
//! cardform never set is not its to clear.

use super::types::WhitelistChange;
use crate::config::TestWhitelist;
use crate::state::WhitelistRecord;

/// The whitelist change, if any: the files' list against the state's record.
pub fn whitelist_change(
    desired: Option<&TestWhitelist>,
    last_set: Option<&WhitelistRecord>,
) -> Option<WhitelistChange> {
    let (openids, usernames) = match (desired, last_set) {
        (Some(w), _) => (w.openids.clone(), w.usernames.clone()),
        // The table was removed: clear the list only if cardform set it.
        (None, Some(_)) => (Vec::new(), Vec::new()),
        (None, None) => return None,
    };
    let empty = WhitelistRecord::default();
    let last = last_set.unwrap_or(&empty);
    if desired.is_none() && last.openids.is_empty() && last.usernames.is_empty() {
        return None;
    }
    if last_set.is_some() && last.openids == openids && last.usernames == usernames {
        return None;
    }
    let entries = |o: &[String], u: &[String]| -> Vec<String> {
        o.iter()
            .map(|x| format!("openid {x}"))
            .chain(u.iter().map(|x| format!("username {x}")))
            .collect()
    };
    let now = entries(&openids, &usernames);
    let before = entries(&last.openids, &last.usernames);
    Some(WhitelistChange {
        added: now
            .iter()
            .filter(|e| !before.contains(e))
            .cloned()
            .collect(),
        removed: before
            .iter()
            .filter(|e| !now.contains(e))
            .cloned()
            .collect(),
        openids,
        usernames,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(o: &[&str], u: &[&str]) -> TestWhitelist {
        TestWhitelist {
            openids: o.iter().map(|s| s.to_string()).collect(),
            usernames: u.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn record(o: &[&str], u: &[&str]) -> WhitelistRecord {
        let l = list(o, u);
        WhitelistRecord {
            openids: l.openids,
            usernames: l.usernames,
            set_at: 1,
        }
    }

    #[test]
    fn set_replace_and_clear() {
        let first = whitelist_change(Some(&list(&["o1"], &["alice"])), None);
        assert_eq!(
            first.map(|c| c.added),
            Some(vec!["openid o1".to_string(), "username alice".to_string()])
        );
        let same = whitelist_change(Some(&list(&["o1"], &[])), Some(&record(&["o1"], &[])));
        assert_eq!(same, None);
        let replaced = whitelist_change(Some(&list(&["o2"], &[])), Some(&record(&["o1"], &[])))
            .unwrap_or_else(|| panic!("a change"));
        assert_eq!(
            (replaced.added, replaced.removed),
            (vec!["openid o2".to_string()], vec!["openid o1".to_string()])
        );
        let cleared = whitelist_change(None, Some(&record(&["o1"], &[])))
            .unwrap_or_else(|| panic!("a change"));
        assert!(cleared.openids.is_empty() && cleared.usernames.is_empty());
        // Never set by cardform: never cleared by it.
        assert_eq!(whitelist_change(None, None), None);
        assert_eq!(whitelist_change(None, Some(&record(&[], &[]))), None);
    }
}
