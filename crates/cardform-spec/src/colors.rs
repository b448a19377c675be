//! The colour palette: WeChat takes a name (`Color010`) and card/get echoes its hex
//! (`#63b359`) (reference §6.9, §15).

/// The palette WeChat's getcolors returned (reference §6.9). Hex values compare
/// case-insensitively (`#5E6671`).
pub const PALETTE: &[(&str, &str)] = &[
    ("Color010", "#63b359"),
    ("Color020", "#2c9f67"),
    ("Color030", "#509fc9"),
    ("Color040", "#5885cf"),
    ("Color050", "#9062c0"),
    ("Color060", "#d09a45"),
    ("Color070", "#e4b138"),
    ("Color080", "#ee903c"),
    ("Color081", "#f08500"),
    ("Color082", "#a9d92d"),
    ("Color090", "#dd6549"),
    ("Color100", "#cc463d"),
    ("Color101", "#cf3e36"),
    ("Color102", "#5E6671"),
];

pub fn name_for_hex(hex: &str) -> Option<&'static str> {
    PALETTE
        .iter()
        .find(|(_, h)| h.eq_ignore_ascii_case(hex))
        .map(|(n, _)| *n)
}

pub fn hex_for_name(name: &str) -> Option<&'static str> {
    PALETTE.iter().find(|(n, _)| *n == name).map(|(_, h)| *h)
}
