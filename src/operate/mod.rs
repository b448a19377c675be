//! After apply: what happens to the cards out in the world — the 券点 account
//! ([`coins`]), the review state of each card ([`review`]), claim QR codes
//! ([`qrcode`]) and the data cube ([`stats`]). Each reads or acts through the client
//! and returns typed reports; the commands render them.
//!
//! Must not: decide what cards should look like (that is the plan's), or print.

pub mod coins;
pub mod qrcode;
pub mod review;
pub mod stats;
pub mod sub_merchants;
