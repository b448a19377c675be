//! Card statistics (reference §7): `datacube/getcardbizuininfo` (per day) and
//! `datacube/getcardcardinfo` (per day and card). Dates are `YYYY-MM-DD` exactly
//! (61500 otherwise), a range of at most 62 days (61501). The counters follow claims
//! (receive), consumes (verify), card page views and gifts to friends (view, given:
//! the admin API's `view` and `gift`, as they happen in the WeChat app, not through an
//! API) by Beijing date; expiries are not simulated and stay 0. `cond_source` 0 counts the cards made on the
//! MP platform (seeded with `POST /__emulator/seed`, [`CardRecord::made_on_mp`]), 1 the
//! cards made through the API (reference §7: 0 = MP, 1 = API).
//!
//! [`CardRecord::made_on_mp`]: crate::records::CardRecord::made_on_mp
//! Today's figures are included (WeChat's freshness is UNVERIFIED). The counters are
//! [`DayStat`] records; [`record`] builds the next one for a claim or consume.
//! The answer's envelope, extra fields and `card_type` follow the world's
//! [`Shapes`](crate::shapes::Shapes): by default as a real account answers (no
//! `errcode`, `is_pay`/`isfriendscard`/`verify_noself_*`, `card_type` 1).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::persistence::Entry;
use super::records::DayStat;
use super::reply::{ApiError, as_u64};
use super::request::Input;
use super::world::World;
use cardform_spec::{CardType, beijing};

/// The longest range a query may span, in days (end − begin).
pub const MAX_RANGE_DAYS: i64 = 62;

/// What happened to a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Receive,
    Verify,
    /// A user opened the card's page.
    View,
    /// A user gave a code to a friend.
    Give,
}

/// The Beijing date of a Unix time.
pub fn beijing_date(unix_s: i64) -> String {
    chrono::DateTime::from_timestamp(unix_s, 0)
        .map(|t| t.with_timezone(&beijing()).format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The statistics record after an event, to commit with the mutation that caused it.
pub fn record(world: &World, card_id: &str, openid: &str, event: Event) -> Entry {
    let date = beijing_date(world.now_s());
    let mut stat = world
        .stats
        .get(&(date.clone(), card_id.to_string()))
        .cloned()
        .unwrap_or_else(|| DayStat {
            date,
            card_id: card_id.to_string(),
            ..DayStat::default()
        });
    match event {
        Event::Receive => {
            stat.receive_cnt += 1;
            stat.receive_users.insert(openid.to_string());
        }
        Event::Verify => {
            stat.verify_cnt += 1;
            stat.verify_users.insert(openid.to_string());
        }
        Event::View => {
            stat.view_cnt += 1;
            stat.view_users.insert(openid.to_string());
        }
        Event::Give => {
            stat.given_cnt += 1;
            stat.given_users.insert(openid.to_string());
        }
    }
    Entry::Stat(stat)
}

fn date(body: &Value, key: &str) -> Result<NaiveDate, ApiError> {
    let s = match body.get(key) {
        None | Some(Value::Null) => return Err(ApiError::with(41011, key)),
        Some(Value::String(s)) => s,
        Some(_) => return Err(ApiError::new(61500)),
    };
    // Strictly 2015-06-15: ten characters, zero-padded.
    if s.len() != 10 {
        return Err(ApiError::new(61500));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ApiError::new(61500))
}

struct Query {
    begin: NaiveDate,
    end: NaiveDate,
    /// `cond_source` 0: the cards made on the MP platform; 1: through the API.
    mp_cards: bool,
}

fn query(body: &Value) -> Result<Query, ApiError> {
    let begin = date(body, "begin_date")?;
    let end = date(body, "end_date")?;
    let span = (end - begin).num_days();
    if !(0..=MAX_RANGE_DAYS).contains(&span) {
        return Err(ApiError::new(61501));
    }
    let cond = match body.get("cond_source") {
        None | Some(Value::Null) => return Err(ApiError::with(41011, "cond_source")),
        Some(v) => as_u64(v)
            .filter(|c| *c <= 1)
            .ok_or_else(|| ApiError::with(47001, "cond_source must be 0 or 1"))?,
    };
    Ok(Query {
        begin,
        end,
        mp_cards: cond == 0,
    })
}

/// Whether a card's figures belong to the query's source: a card the world no longer
/// holds (or a member card or ticket) counts as API-made.
fn in_source(world: &World, q: &Query, card_id: &str) -> bool {
    let mp = world.cards.get(card_id).is_some_and(|c| c.made_on_mp);
    mp == q.mp_cards
}

fn days(q: &Query) -> impl Iterator<Item = String> {
    q.begin
        .iter_days()
        .take_while(move |d| *d <= q.end)
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// Counters of one row: (count, distinct users) for view, receive, verify and given.
struct Counts {
    view: (u64, usize),
    receive: (u64, usize),
    verify: (u64, usize),
    given: (u64, usize),
}

fn row(date: &str, c: Counts) -> serde_json::Map<String, Value> {
    let v = json!({
        "ref_date": date,
        "view_cnt": c.view.0, "view_user": c.view.1,
        "receive_cnt": c.receive.0, "receive_user": c.receive.1,
        "verify_cnt": c.verify.0, "verify_user": c.verify.1,
        "given_cnt": c.given.0, "given_user": c.given.1,
        "expire_cnt": 0, "expire_user": 0,
    });
    match v {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

/// `POST /datacube/getcardbizuininfo`: one row per day of the range.
pub fn bizuin(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let q = query(&input.json)?;
    let mut list = Vec::new();
    for day in days(&q) {
        let stats: Vec<&DayStat> = world
            .stats
            .range((day.clone(), String::new())..)
            .take_while(|((d, _), _)| *d == day)
            .filter(|((_, id), _)| in_source(world, &q, id))
            .map(|(_, s)| s)
            .collect();
        let users = |f: fn(&DayStat) -> &BTreeSet<String>| {
            stats
                .iter()
                .flat_map(|s| f(s))
                .collect::<BTreeSet<&String>>()
                .len()
        };
        let counts = Counts {
            view: (
                stats.iter().map(|s| s.view_cnt).sum(),
                users(|s| &s.view_users),
            ),
            receive: (
                stats.iter().map(|s| s.receive_cnt).sum(),
                users(|s| &s.receive_users),
            ),
            verify: (
                stats.iter().map(|s| s.verify_cnt).sum(),
                users(|s| &s.verify_users),
            ),
            given: (
                stats.iter().map(|s| s.given_cnt).sum(),
                users(|s| &s.given_users),
            ),
        };
        let mut r = row(&day, counts);
        world.shapes.cube_account_extras(&mut r);
        list.push(Value::Object(r));
    }
    Ok(world.shapes.cube_answer(list))
}

/// The datacube's integer card type (reference §7).
pub fn datacube_type(t: CardType) -> u8 {
    match t {
        CardType::Discount => 0,
        CardType::Cash => 1,
        CardType::Gift => 2,
        CardType::GeneralCoupon => 3,
        CardType::Groupon => 4,
    }
}

/// `POST /datacube/getcardcardinfo`: a row per day and card with activity.
pub fn card(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let q = query(&input.json)?;
    let only = input.json.get("card_id").and_then(Value::as_str);
    let mut list = Vec::new();
    for day in days(&q) {
        for ((_, card_id), s) in world
            .stats
            .range((day.clone(), String::new())..)
            .take_while(|((d, _), _)| *d == day)
        {
            if only.is_some_and(|o| o != card_id) || !in_source(world, &q, card_id) {
                continue;
            }
            let mut r = row(
                &day,
                Counts {
                    view: (s.view_cnt, s.view_users.len()),
                    receive: (s.receive_cnt, s.receive_users.len()),
                    verify: (s.verify_cnt, s.verify_users.len()),
                    given: (s.given_cnt, s.given_users.len()),
                },
            );
            r.insert("card_id".into(), json!(card_id));
            if let Some(c) = world.cards.get(card_id) {
                let t = world.shapes.cube_card_type(datacube_type(c.card_type));
                r.insert("card_type".into(), json!(t));
                world.shapes.cube_card_extras(&mut r, c.is_friends());
            }
            list.push(Value::Object(r));
        }
    }
    Ok(world.shapes.cube_answer(list))
}
