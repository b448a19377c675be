//! The account's stores (门店, poi): `card/location/batchadd` imports them,
//! `card/location/batchget` lists them. Friends coupons may name any of them in
//! `location_id_list` (`cards::check_pois`).
//!
//! Shapes (several SDK doc comments agree, e.g. wechatpy's `batch_add_locations`): the
//! request is `{location_list: [{business_name, branch_name, province, city, district,
//! address, telephone, category, longitude, latitude}, …]}`; the answer lists one id per
//! store in order, `-1` for a store that could not be added. UNVERIFIED choices:
//! [`REQUIRED_STORE_FIELDS`] (every field but `branch_name`), and a store with a field
//! missing, empty or a coordinate out of range is the one that gets `-1` (the call
//! still succeeds). New ids count up from the largest known poi_id.

use serde_json::{Value, json};

use super::persistence::Entry;
use super::records::StoreRecord;
use super::reply::{ApiError, as_u64, ok};
use super::request::Input;
use super::world::World;

/// The id batchadd answers for a store it could not add (SDK doc comments).
pub const FAILED_STORE_ID: i64 = -1;

/// Text fields a store must have (UNVERIFIED: the docs list the fields, not which
/// are required).
pub const REQUIRED_STORE_FIELDS: &[&str] = &[
    "business_name",
    "province",
    "city",
    "district",
    "address",
    "telephone",
    "category",
];

fn coordinate(entry: &Value, key: &str, limit: f64) -> Option<f64> {
    let v = entry.get(key)?;
    let n = v
        .as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))?;
    (n.is_finite() && n.abs() <= limit).then_some(n)
}

/// One `location_list` entry as a store with id `location_id`, or `None` if it is
/// incomplete.
fn store_from(entry: &Value, location_id: u64) -> Option<StoreRecord> {
    let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_string);
    if REQUIRED_STORE_FIELDS
        .iter()
        .any(|k| text(k).is_none_or(|s| s.trim().is_empty()))
    {
        return None;
    }
    Some(StoreRecord {
        location_id,
        business_name: text("business_name")?,
        branch_name: text("branch_name").unwrap_or_default(),
        province: text("province")?,
        city: text("city")?,
        district: text("district")?,
        address: text("address")?,
        telephone: text("telephone")?,
        category: text("category")?,
        longitude: coordinate(entry, "longitude", 180.0)?,
        latitude: coordinate(entry, "latitude", 90.0)?,
    })
}

/// `POST /card/location/batchadd {location_list: [...]}` → `location_id_list`.
pub fn batchadd(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let list = match input.json.get("location_list") {
        Some(Value::Array(l)) if !l.is_empty() => l,
        None | Some(Value::Null) | Some(Value::Array(_)) => {
            return Err(ApiError::with(41011, "location_list"));
        }
        Some(_) => return Err(ApiError::with(47001, "location_list must be a list")),
    };
    let mut next = world.pois.iter().next_back().map_or(1, |id| id + 1);
    let mut ids = Vec::with_capacity(list.len());
    let mut entries = Vec::new();
    for entry in list {
        match store_from(entry, next) {
            Some(store) => {
                ids.push(json!(next));
                entries.push(Entry::Store(store));
                next += 1;
            }
            None => ids.push(json!(FAILED_STORE_ID)),
        }
    }
    world.commit_all(entries)?;
    Ok(ok(json!({ "location_id_list": ids })))
}

/// `POST /card/location/batchget {offset, count}` → the account's stores. An imported
/// store answers `location_id`, `business_name`, `phone`, `address`, `longitude`,
/// `latitude` (SDK doc comments); a `--poi` store only its id (the emulator knows no
/// more). `count` 0 or absent lists all; the answer's `count` is the number of stores.
/// `location_id` is a string in the doc shape, as the doc sample writes it
/// ([`Shapes::store_id`](crate::shapes::Shapes::store_id)).
pub fn batchget(world: &mut World, input: &Input) -> Result<Value, ApiError> {
    let offset = input.json.get("offset").and_then(as_u64).unwrap_or(0);
    let count = match input.json.get("count").and_then(as_u64) {
        None | Some(0) => u64::MAX,
        Some(n) => n,
    };
    let shapes = world.shapes;
    let list: Vec<Value> = world
        .pois
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(count).unwrap_or(usize::MAX))
        .map(|id| match world.stores.get(id) {
            Some(s) => json!({
                "location_id": shapes.store_id(*id),
                "business_name": s.business_name,
                "phone": s.telephone,
                "address": s.address,
                "longitude": s.longitude,
                "latitude": s.latitude,
            }),
            None => json!({ "location_id": shapes.store_id(*id) }),
        })
        .collect();
    Ok(ok(
        json!({ "location_list": list, "count": world.pois.len() }),
    ))
}
