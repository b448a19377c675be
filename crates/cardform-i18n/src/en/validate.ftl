# cardform's validate messages in English (the default). Every message here has a
# translation in zh-CN/validate.ftl (a unit test checks); the words follow ../glossary.md.

## One diagnostic line: `file:line:col: warning: card ADDR: FIELD: message (help)`.
val-diag-warning = warning:{" "}
val-diag-card = card { $address }:{" "}
val-diag-field = { $field }:{" "}
val-diag-help = {" "}({ $help })

## Why a project could not be loaded.
val-config-invalid = { $errors } { $errors ->
    [one] error
   *[other] errors
} in the project
val-config-invalid-help = fix the problems listed above, then run `cardform validate` again
val-config-not-a-project = { $dir } is not a cardform project: it has no cardform.toml
val-config-not-a-project-help = run cardform in the project folder or pass it as DIR; see examples/quickstart for a minimal project
val-config-io = cannot read { $path }: { $source }
val-config-io-help = check that the path exists and that you may read it

## The rule table (src/config/validation): per-type fields, title, colour, create-required.
val-type-field-foreign = `{ $field }` belongs to { $owner } cards, not { $card_type }
val-type-field-foreign-help = remove it, or change card_type to { $owner }
val-type-field-missing = { $owner } cards need `{ $field }`
val-type-field-missing-friends = friends { $owner } cards need `{ $field }`
val-type-field-missing-help = add `{ $field } = …` next to card_type
val-type-field-friends-only = `{ $field }` is only used by friends { $owner } coupons, with share_friends = true
val-type-field-friends-only-help = remove it, or set advanced_info.share_friends = true
val-reduce-cost-zero = reduce_cost is 0: the coupon would take nothing off
val-reduce-cost-zero-help = give the amount off in fen (100 = ¥1)
val-title-missing = missing required key `title`
val-title-missing-help = add `title = …` (≤ 27 bytes, 9 汉字) under base_info
val-title-derived = WeChat replaces the title of friends CASH/GIFT coupons with one built from the amounts
val-title-derived-help = remove it; `cardform validate --verbose` shows the title the card will get
val-color-off-palette = `{ $color }` is not a palette colour; WeChat takes only palette names (Color010 … Color102) on create or change
val-color-off-palette-help = keep it only while the live card has this colour; to change it, pick a palette name (`cardform schema` lists them)
val-description-missing = description is missing; WeChat requires it to create a card
val-description-missing-help = add description = "…" (the usage instructions); only a card that already exists may go without it
val-abstract-missing = the cover has no abstract text; WeChat requires it to create a card
val-abstract-missing-help = add abstract = "…" (≤ 24 bytes) to advanced_info.abstract

## Validity windows.
val-date-range-needs-begin = DATE_TYPE_FIX_TIME_RANGE needs begin_timestamp
val-date-range-needs-begin-help = add begin_timestamp = 2026-12-01T00:00:00+08:00
val-date-range-needs-end = DATE_TYPE_FIX_TIME_RANGE needs end_timestamp
val-date-range-needs-end-help = add end_timestamp = 2026-12-31T23:59:59+08:00
val-date-term-only = { $field } is only used with DATE_TYPE_FIX_TERM
val-date-term-only-help = remove it, or change the type
val-date-term-needs-fixed-term = DATE_TYPE_FIX_TERM needs fixed_term, the days a card stays valid after it is claimed
val-date-term-needs-fixed-term-help = add fixed_term = 30
val-date-fixed-term-zero = fixed_term must be at least 1 day
val-date-fixed-term-zero-help = set the number of days the card stays valid after it is claimed
val-date-begin-range-only = begin_timestamp is only used with DATE_TYPE_FIX_TIME_RANGE
val-date-begin-range-only-help = remove it; end_timestamp may stay as a global expiry
val-date-end-before-begin = end_timestamp { $end } is not after begin_timestamp { $begin }
val-date-end-before-begin-help = the window must end after it begins
val-date-before-1970-help = WeChat stores Unix seconds from 1970-01-01; choose a later date
val-date-after-2038-help = WeChat stores 32-bit Unix seconds; choose a date before 2038-01-19
val-date-out-of-range = { $time } is outside WeChat's range (1970-01-01 up to 2038-01-19)
val-date-end-of-day = end_timestamp is { $time } Beijing time, not the end of a day
val-date-end-of-day-help = WeChat recommends 23:59:59 of the last day, e.g. { $day }T23:59:59+08:00
val-date-expired = the validity window already ended ({ $end })
val-date-expired-help = nobody can claim or use this card; move end_timestamp into the future
val-friends-issue-window = friends coupons can be issued at most { $days } days before they take effect; this one cannot be claimed before { $first } (Beijing time)
val-friends-issue-window-help = apply on or after { $day }, or move begin_timestamp earlier

## Friends coupons (朋友的券, reference §8).
val-friends-type = friends coupons must be CASH or GIFT, not { $card_type }
val-friends-type-help = set share_friends = false, or change card_type
val-friends-date-type = friends coupons must use DATE_TYPE_FIX_TIME_RANGE
val-friends-date-type-help = set type = "DATE_TYPE_FIX_TIME_RANGE" with begin_timestamp and end_timestamp
val-friends-locations = friends coupons need at least one store poi_id in location_id_list
val-friends-locations-help = add location_id_list = [<poi_id>, …] under base_info
val-friends-share-true = friends coupons cannot set { $name } = true
val-friends-share-true-help = set { $name } = false
val-friends-share-missing = friends coupons must send { $name } = false explicitly
val-friends-share-missing-help = add { $name } = false under base_info
val-friends-text-image = friends coupons need at least one text_image_list entry
val-friends-text-image-help = add [[cards.{ $address }.advanced_info.text_image_list]] with image_url and text
val-consume-share-friends-only = { $field } is only for friends coupons
val-consume-share-friends-only-help = remove it, or set share_friends = true
val-consume-share-exclusive = consume_share_self_num and consume_share_card_list are mutually exclusive
val-consume-share-exclusive-help = keep one: give more of this card, or give another card
val-consume-share-self-num = consume_share_self_num is { $n }; WeChat allows only 1
val-consume-share-self-num-help = set it to 1
val-consume-share-list-len = { $n } entries; WeChat allows exactly one
val-consume-share-list-len-help = keep one entry
val-consume-share-num = num is { $n }; WeChat allows only 1
val-consume-share-num-help = set num = 1
val-consume-share-target = name exactly one of `card`, an address in these files, or `card_id`
val-consume-share-target-help = write card = "<address>" for a card cardform manages, card_id = "…" otherwise
val-consume-share-unknown = no card has the address `{ $address }`
val-consume-share-unknown-help = name the address of a friends coupon in cards/*.toml
val-did-you-mean = did you mean `{ $name }`?
val-consume-share-self = a card cannot give itself through consume_share_card_list
val-consume-share-self-help = use consume_share_self_num = 1 instead
val-consume-share-not-friends = `{ $address }` is not a friends coupon; only shared cards can be given
val-consume-share-not-friends-help = set advanced_info.share_friends = true on `{ $address }`
val-consume-share-empty-id = card_id is empty
val-consume-share-empty-id-help = write the card_id of the card to give
val-friends-threshold = friends { $card_type } coupons cannot use the threshold `{ $field }`; WeChat rejects it in review
val-friends-threshold-help = remove it; allowed here: { $allowed }
val-friends-length = friends coupons allow { $chars } 汉字 here: { $detail }
val-shorten-it = shorten it
val-stricter-length = { $bytes } bytes is within the looser limit WeChat documents but over { $source }: WeChat may refuse it (UNVERIFIED)
val-stricter-length-help = keep it to { $max } bytes (about { $chars } 汉字) to satisfy both tables
# English says the spec table's own text (cardform_spec::fields::STRICTER); this is
# its wording for the other languages, per field.
val-stricter-source = { $field ->
    [notice] the friends create table's 12 汉字 (reference §8.3, seed 创建朋友的券); the update table allows string(48), 16 汉字 (reference §4.2)
    [description] the friends create table's 1000 汉字 (reference §8.3, seed 创建朋友的券); the create and update tables allow string(3072) (reference §3.3, §4.2)
    [center_title] the update table's string(18) (reference §4.2, TY/PHPW); the friends create table allows 9 汉字 (reference §8.3)
   *[center_sub_title] the update table's string(24) (reference §4.2, TY/PHPW); the friends create table allows 12 汉字 (reference §8.3)
}

## advanced_info and limits: time slots, stock, get/use limits, stores, icons.
val-time-limit-range = { $field } is { $value }; it must be 0–{ $max }
val-time-limit-range-help = use a 24-hour clock
val-time-limit-order = the slot ends at { $end }, not after it begins at { $begin }
val-time-limit-order-help = a slot cannot cross midnight; split it into two days
val-time-limit-hours = a time slot needs both begin_hour and end_hour
val-time-limit-hours-help = add the missing hour, or remove the times for an all-day slot
val-quantity-deposit = quantity is { $quantity }; in import-code mode, GET_CUSTOM_CODE_MODE_DEPOSIT, it must be 0
val-quantity-deposit-help = set quantity = 0, import codes after review, then raise the stock
val-quantity-zero = quantity must be at least 1; 0 is only for import-code mode
val-quantity-zero-help = set the number of cards to issue
val-quantity-max = quantity { $quantity } is over WeChat's maximum of 100,000,000
val-quantity-max-help = lower it
val-limit-zero = { $field } is 0; it must be at least 1
val-limit-zero-help = remove it for WeChat's default (50), or set { $field } ≥ 1
val-locations-exclusive = use_all_locations = true and location_id_list are mutually exclusive
val-locations-exclusive-help = keep one: every store, or the listed stores
val-icon-url-list = icon_url_list has { $n } images; WeChat takes exactly one
val-icon-url-list-help = list one cover image, 850×350 recommended

## Images.
val-image-url-long = the URL is { $bytes } bytes; WeChat takes image URLs of at most { $max } bytes
val-image-url-long-help = upload the image again (a local file under the project) to get a short URL
val-image-host = `{ $host }` is not WeChat's image host { $wechat }; WeChat only accepts images uploaded with media/uploadimg
val-image-host-help = use a local file under the project, which cardform uploads, or the URL uploadimg returned
val-image-no-such-file = no such file
val-image-unreadable = image `{ $path }` cannot be read: { $why }
val-image-relative-help = give a path relative to the project folder, e.g. assets/logo.jpg
val-image-not-a-file = image `{ $path }` is not a file
val-image-not-a-file-help = point at a JPG or PNG file
val-image-too-large = image `{ $path }` is { $bytes } bytes; WeChat's uploadimg takes at most 1 MB ({ $max } bytes)
val-image-too-large-help = compress or resize it
val-image-permissions-help = check its permissions
val-image-format = image `{ $path }` is neither a JPG nor a PNG, judging by its first bytes
val-image-format-help = WeChat's uploadimg accepts JPG and PNG only; convert it
val-image-outside = image `{ $path }` is outside the project folder (it resolves to { $resolved }); cardform reads and uploads only files inside the project
val-image-outside-help = copy the image into the project (e.g. assets/) and give its path relative to the project folder
val-image-io = image `{ $path }` cannot be read ({ $full }): { $source }

## Reading the project's files.
val-no-cards-folder = there is no cards/ folder
val-no-cards-folder-help = create cards/*.toml files with [cards.<address>] tables
val-cards-not-a-folder = it is not a folder
val-cards-dangling-link = it is a symbolic link to { $target } that cannot be followed ({ $error })
val-file-name-not-utf8 = file name is not valid UTF-8; skipped
val-file-name-not-utf8-help = rename it
val-cards-unreadable = cannot read the card folder { $path }: { $what }; refusing to read it as "no cards" (a plan would delete every card the state manages)
val-cards-unreadable-help = make cards/ a folder (or a link to one) holding the *.toml card files, then run again
val-not-a-regular-file = not a regular file
val-file-dangling-link = cannot read the file: it is a symbolic link to { $target } that cannot be read ({ $error })
val-file-unreadable = cannot read the file: { $error }
val-file-unreadable-help = fix or remove it: a card file that cannot be read is never treated as declaring no cards
val-file-too-large = the file is larger than { $mib } MiB
val-file-too-large-help = split the cards over several files
val-file-not-utf8 = the file is not valid UTF-8 (invalid byte { $byte })
val-file-not-utf8-help = save the file as UTF-8; TOML files must be UTF-8

## The loader.
val-duplicate-address = address `{ $address }` is also declared at { $place }
val-duplicate-address-help = addresses must be unique across all card files; rename one of them
val-no-cards = the project declares no cards; a plan would delete every card it manages
val-no-cards-help = add cards under [cards.<address>] in cards/*.toml
val-project-shape-help = see schema/project.schema.json for the expected shape
val-whitelist-too-long = the test whitelist has { $n } entries ({ $openids } openids, { $usernames } usernames); WeChat takes at most { $max } in total
val-whitelist-too-long-help = remove { $n } entries
val-whitelist-empty = { $entry } is empty
val-whitelist-twice = { $entry } is listed twice
val-whitelist-once-help = list each user once
val-file-no-cards = the file declares no cards
val-file-no-cards-help = add a [cards.<address>] table, or delete the file
val-bad-address = `{ $address }` is not a valid card address
val-bad-address-help = start with a lower-case letter, then up to 63 lower-case letters, digits or underscores, e.g. friend_cash; pattern { $pattern }
val-write-rule = { $message } (accepted while the live card already has this value; a plan that would send it fails)

## The TOML parser's own messages (toml crate). English prints the parser's text as it is;
## these ids give the other languages a sentence for each kind the parser reports.
val-toml-syntax = TOML syntax error: { $detail }
val-toml-expected = , expected { $what }
val-toml-at = at line { $line }, column { $column }
val-fmt-not-toml = { $file }: not valid TOML, left as it is:
val-toml-duplicate-key = duplicate key
val-toml-string-values-must-be-quoted = string values must be quoted
val-toml-unclosed-table = unclosed table
val-toml-unclosed-array-table = unclosed array table
val-toml-unclosed-array = unclosed array
val-toml-unclosed-inline-table = unclosed inline table
val-toml-missing-value = missing value
val-toml-missing-value-for-key = missing value for key
val-toml-key-with-no-value = key with no value
val-toml-invalid-key = invalid key
val-toml-invalid-unquoted-key = invalid unquoted key
val-toml-unquoted-keys-cannot-be-empty = unquoted keys cannot be empty
val-toml-invalid-value = invalid value
val-toml-invalid-key-value-pair = invalid key-value pair
val-toml-invalid-string = invalid string
val-toml-invalid-basic-string = invalid basic string
val-toml-invalid-literal-string = invalid literal string
val-toml-invalid-multi-line-basic-string = invalid multi-line basic string
val-toml-invalid-multi-line-literal-string = invalid multi-line literal string
val-toml-invalid-integer-number = invalid integer number
val-toml-invalid-octal-number = invalid octal number
val-toml-invalid-mantissa = invalid mantissa
val-toml-invalid-table = invalid table
val-toml-invalid-inline-table-element = invalid inline table element
val-toml-invalid-comment-character = invalid comment character
val-toml-missing-escaped-value = missing escaped value
val-toml-missing-opening-quote = missing opening quote
val-toml-missing-comma-between-array-elements = missing comma between array elements
val-toml-missing-comma-between-key-value-pairs = missing comma between key-value pairs
val-toml-missing-assignment-between-key-value-pairs = missing assignment between key-value pairs
val-toml-missing-key-for-inline-table-element = missing key for inline table element
val-toml-missing-inline-table-opening = missing inline table opening
val-toml-missing-array-opening = missing array opening
val-toml-missing-table-open = missing table open
val-toml-missing-comment-start = missing comment start
val-toml-extra-comma-in-inline-table = extra comma in inline table
val-toml-extra-comma-in-array = extra comma in array
val-toml-extra-assignment-between-key-value-pairs = extra assignment between key-value pairs
val-toml-extra = extra `=`
val-toml-unexpected-in-array = unexpected `=` in array
val-toml-unexpected-key-or-value = unexpected key or value
val-toml-unexpected-content = unexpected content
val-toml-unexpected-content-between-comment-and-newline = unexpected content between comment and newline
val-toml-unexpected-leading-zero = unexpected leading zero
val-toml-unexpected-sign = unexpected sign
val-toml-redundant-numeric-sign = redundant numeric sign
val-toml-redundant-integer-number-prefix = redundant integer number prefix
val-toml-integers-with-a-radix-cannot-be-signed = integers with a radix cannot be signed
val-toml-radix-must-be-lowercase = radix must be lowercase
val-toml-may-only-go-between-digits = `_` may only go between digits
val-toml-too-few-unicode-value-digits = too few unicode value digits
val-toml-carriage-return-must-be-followed-by-newline = carriage return must be followed by newline
val-toml-keys-cannot-be-multi-line-basic-strings = keys cannot be multi-line basic strings
val-toml-keys-cannot-be-multi-line-literal-strings = keys cannot be multi-line literal strings
val-toml-cannot-recurse-further-max-recursion-depth-met = cannot recurse further; max recursion depth met
val-toml-want-key = key
val-toml-want-value = value
val-toml-want-literal-string = literal string
val-toml-want-basic-string = basic string
val-toml-want-multi-line-basic-string = multi-line basic string
val-toml-want-multi-line-literal-string = multi-line literal string
val-toml-want-numbers = numbers
val-toml-want-digits = digits
val-toml-want-letters = letters
val-toml-want-newline = newline
val-toml-want-nothing = nothing
val-toml-want-unicode-hexadecimal-value = unicode hexadecimal value
val-toml-want-printable-characters = printable characters
val-toml-want-characters = characters
val-toml-want-non-single-quote-visible-characters = non-single-quote visible characters
val-toml-want-non-single-quote-characters = non-single-quote characters
val-toml-want-non-double-quote-visible-characters = non-double-quote visible characters
val-toml-recursion-help = the keys or values nest too deeply for a card; a card needs a few levels at most
val-toml-syntax-help = see https://toml.io for the syntax

## The schema's messages.
val-schema-type = expected { $expected }, found { $found }
val-schema-minimum = { $value } is less than the minimum { $limit }
val-schema-maximum = { $value } is greater than the maximum { $limit }
val-schema-min-items = needs at least { $limit } { $limit ->
    [one] item
   *[other] items
}
val-schema-max-items = allows at most { $limit } { $limit ->
    [one] item
   *[other] items
}
val-schema-min-length = must be at least { $limit } { $limit ->
    [one] character
   *[other] characters
} long
val-schema-no-form = { $value } does not match any allowed form
val-schema-no-form-help = see the schema's description of this field
val-schema-remove-it = remove it
val-schema-unknown-key-help = remove it; known keys here: { $known }
val-schema-unknown-key = unknown key `{ $key }`
val-schema-top-level = the top level
val-schema-missing-key = missing required key `{ $name }`
val-schema-missing-key-help = add `{ $name } = …` under { $table }
val-schema-use-one-of = use one of { $allowed }
val-schema-did-you-mean-allowed = did you mean `{ $name }`? allowed: { $allowed }
val-schema-not-allowed = { $value } is not an allowed value
val-type-table = a table
val-type-array = an array
val-type-string = a string
val-type-integer = an integer
val-type-number = a number
val-type-boolean = a boolean (true/false)
val-type-or = {" "}or{" "}
val-value-string = the string { $value }
val-value-boolean = the boolean { $value }
val-value-number = the number { $value }
val-value-nothing = nothing
val-value-nan = a float that is not a number (nan or inf)
val-deserialize-float-help = write a whole number without a decimal point or exponent (20, not 20.0 or 2e1)
val-deserialize-range-help = the number is out of range for this field; see schema/cards.schema.json
val-cards-shape-help = see schema/cards.schema.json for the expected shape
val-schema-internal = internal error: the schema does not compile: { $error }
val-schema-internal-help = please report this bug
val-byte-limit-help = WeChat refuses it when the card is created or this field is changed; it may stay while the live card already holds it (an adopted card), otherwise shorten it
val-byte-limit = { $len } UTF-8 bytes > { $max }, about { $chars } Chinese characters; WeChat counts ASCII as 1 byte, CJK as 3, emoji as 4
val-timestamp-no-zone = `{ $value }` has no time zone; write a full datetime with a zone, e.g. 2026-12-01T00:00:00+08:00
val-timestamp-invalid = `{ $value }` is not a datetime; write e.g. 2026-12-01T00:00:00+08:00

## Sub-merchants ([sub_merchants.<name>]).
val-sub-bad-name = `{ $name }` is not a valid sub-merchant name
val-sub-bad-name-help = start with a lower-case letter, then up to 63 lower-case letters, digits or underscores
val-sub-shape = sub-merchant `{ $name }`: { $path }: { $detail }
val-sub-duplicate = sub-merchant `{ $name }` is also declared at { $place }
val-sub-duplicate-help = sub-merchant names must be unique across all card files
val-sub-local-file = { $field } must be a local file (it is uploaded as temporary media)
val-sub-local-file-help = give the scan's path relative to the project folder, e.g. assets/protocol.jpg
val-sub-end-time = { $field } is in the past: WeChat refuses a protocol that has ended
val-sub-end-time-help = give the end of the sub-merchant's authorisation letter, a date in the future
val-sub-category = { $name }: category { $pair } is not a pair cardform knows; known pairs (primary: secondary…): { $known }
val-sub-category-help = plan checks the ids against WeChat's card/getapplyprotocol and refuses ids it does not list
val-sub-undeclared = sub_merchant `{ $name }` is not declared
val-sub-undeclared-help = declare it as a [sub_merchants.<name>] table in a card file
val-sub-declared = declared sub-merchants: { $known }

## `cardform validate`'s report.
val-derived-title = card { $address }: title will be “{ $title }” (derived by WeChat from the amounts)
val-summary-ok-label = ok:
val-summary-ok = {" "}{ $cards } { $cards ->
    [one] card
   *[other] cards
} valid
val-summary-ok-warnings = {" "}{ $cards } { $cards ->
    [one] card
   *[other] cards
} valid, { $warnings } { $warnings ->
    [one] warning
   *[other] warnings
}
val-summary-invalid-label = invalid:
val-summary-invalid = {" "}{ $errors } { $errors ->
    [one] error
   *[other] errors
}, { $warnings } { $warnings ->
    [one] warning
   *[other] warnings
}

## `cardform fmt`.
val-fmt-formatted = formatted { $file }
val-fmt-check-failed = { $n } { $n ->
    [one] file is
   *[other] files are
} not formatted; run `cardform fmt { $dir }`

## `cardform init`.
val-init-created = created { $path }
val-init-next-platform = Next: set CARDFORM_COMPONENT_SECRET and CARDFORM_VERIFY_TICKET, then `cardform accounts import --dir { $dir } --template example`, `cardform validate { $dir }`, `cardform plan { $dir } --accounts all`.
val-init-next = Next: `cardform validate { $dir }`, `cardform preview { $dir } --out previews`, `cardform plan { $dir }`, `{ $apply }`.
val-init-bad-appid = `{ $appid }` is not an AppID: an AppID is letters and digits (wx followed by 16 characters, from the Official Account's settings)

## `cardform preview`.
val-preview-count = { $n } card { $n ->
    [one] preview
   *[other] previews
}
val-raster-parse = the preview SVG could not be read by the rasteriser: { $error }
val-raster-size = the preview is too large to rasterise ({ $width }×{ $height })
val-raster-encode = the PNG could not be encoded: { $error }
val-raster-no-cjk = no installed font has Chinese characters (looked in fontconfig's folders and { $searched }): a PNG would lose its text; { $help }
val-raster-lost-text = no installed font has a glyph for { $chars }: the PNG would lose that text; { $help }
val-raster-install-help = install a font with Chinese characters (Debian/Ubuntu: `apt-get install fonts-noto-cjk` or `fonts-wqy-microhei`; Fedora: `dnf install google-noto-sans-cjk-fonts`; Alpine: `apk add font-noto-cjk`; Arch: `pacman -S noto-fonts-cjk`; macOS and Windows ship one), or copy a .ttf/.otf/.ttc into ~/.local/share/fonts (or a folder named by CARDFORM_FONT_DIRS), or write the SVGs only (--svg-only)

## Why a file could not be read (English says the system's own words).
val-io-not-found = No such file or directory
val-io-permission-denied = Permission denied
val-io-is-a-directory = Is a directory
val-io-not-a-directory = Not a directory
val-io-invalid-data = stream did not contain valid UTF-8

## The schema's rarer kinds: English prints the validator's own words; these are the
## other languages' sentences.
val-schema-max-length = is longer than { $limit } { $limit ->
    [one] character
   *[other] characters
}
val-schema-pattern = { $value } does not match the pattern `{ $pattern }`
val-schema-constant = expected { $expected }, found { $value }
val-schema-other = the schema refuses this value: { $detail }
# serde's words in English (not used there); the other languages' sentences for the
# values the schema lets through and the types refuse.
val-deserialize-float = a float where a whole number is expected
val-deserialize-range = the number is out of range for this field
