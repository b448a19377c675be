//! cardform's integration tests: one test binary (`cargo test --test it`), a module per
//! topic. One binary links tokio, axum, reqwest and postgres once instead of once per
//! file. Run one topic with a filter: `cargo test --test it state_local::`.
//!
//! Snapshots live in `tests/it/snapshots/`; fixtures stay in `tests/fixtures/`.

// Shared support.
mod common;
mod crash_support;
mod emulator_support;
mod events_support;
mod state_suite;

// One module per topic.
mod adoption;
mod by_construction;
mod core_loop;
mod crash_cli;
mod crash_kill;
mod crash_props;
mod crash_recorded;
mod docs_paths;
mod emulator_api;
mod emulator_beyond_coupons;
mod emulator_faults;
mod emulator_friends;
mod engine_edges;
mod error_edges;
mod events_crypto;
mod events_platform;
mod events_postgres;
mod events_receiver;
mod faults_matrix;
mod first_minutes;
mod friends_lifecycle;
mod gitops_cli;
mod gitops_examples;
mod money;
mod nothing_lost;
mod plan_render;
mod platform_cli;
mod platform_coins;
mod platform_emulator;
mod platform_saved;
mod platform_stores;
mod platform_token_cache;
mod platform_trust;
mod pr_trust;
mod quota_tokens;
mod recorded_contract;
mod review_page;
mod rule_evidence;
mod secret_canary;
mod seed_conformance;
mod seed_conformance_ii;
mod state_cli;
mod state_invariants;
mod state_local;
mod state_postgres;
mod state_postgres_tls;
mod sub_merchants;
mod validate_cli;
mod validate_fixtures;
mod validate_props;
mod validate_schema;
mod wechat_emulator;
mod wechat_shapes;
mod wechatpy_witness;
mod write_policy;
mod zh_cn;
