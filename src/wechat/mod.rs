//! The WeChat HTTP client: tokens, endpoints, the errcode table and its retry
//! classes, rate limiting, and redaction of secrets. Knows nothing about plans.

pub mod errcode;
