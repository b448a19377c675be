//! What a rule sees ([`RuleContext`], [`Checker`] with its per-run caches) and where it
//! writes ([`Out`], [`Finding`]).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::config::desired::DesiredCard;
use crate::config::diagnostic::Severity;
use crate::model::{Card, Timestamp};

/// What the rules may look at besides the card.
pub struct RuleContext<'a> {
    /// The project folder (local image paths are relative to it).
    pub root: &'a Path,
    /// "Now", for the friends-coupon issue window.
    pub now: Timestamp,
    /// Every card of the project, for cross-card references.
    pub cards: &'a BTreeMap<String, DesiredCard>,
}

/// One problem a rule found in a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub address: String,
    /// Dotted path inside the card (`base_info.date_info.end_timestamp`).
    pub field: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// A rule WeChat applies only to values it is sent: the file may hold such a value
    /// while the live card already has it (an adopted card); the plan refuses to send it.
    pub write_only: bool,
}

/// One semantic rule.
pub struct Rule {
    /// Short stable name.
    pub id: &'static str,
    /// The reference row(s) it implements.
    pub reference: &'static str,
    pub check: fn(&Checker<'_>, &Card, &mut Out<'_>),
}

/// An image's verdict: Ok, or (what is wrong, what to do).
pub(super) type ImageCheck = Result<(), (String, String)>;

/// Runs the rules with per-run caches (each local image is read once).
pub struct Checker<'a> {
    pub ctx: &'a RuleContext<'a>,
    pub(super) images: RefCell<HashMap<String, ImageCheck>>,
}

/// Where a rule writes its findings.
pub struct Out<'a> {
    pub(super) address: &'a str,
    pub(super) findings: &'a mut Vec<Finding>,
}

impl Out<'_> {
    pub(super) fn push(
        &mut self,
        severity: Severity,
        field: &str,
        message: String,
        help: Option<String>,
    ) {
        self.findings.push(Finding {
            address: self.address.to_string(),
            field: field.to_string(),
            severity,
            message,
            help,
            write_only: false,
        });
    }
    pub(super) fn error(
        &mut self,
        field: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(Severity::Error, field, message.into(), Some(help.into()));
    }
    /// A value WeChat refuses on create or change, fine while the live card holds it.
    pub(super) fn write_rule(
        &mut self,
        field: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(Severity::Warning, field, message.into(), Some(help.into()));
        if let Some(last) = self.findings.last_mut() {
            last.write_only = true;
        }
    }
    pub(super) fn warn(
        &mut self,
        field: &str,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(Severity::Warning, field, message.into(), Some(help.into()));
    }
}

pub(super) fn friends_rule(card: &Card) -> bool {
    card.is_friends()
}
