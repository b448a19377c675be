# cardform's operate messages in English (the default). Every message here has a
# translation in zh-CN/operate.ftl (a unit test checks); the words follow ../glossary.md.

## Shared by the operate commands

# A warning line on stderr.
op-warning = warning: { $message }
# An error line on stderr (a card an import refused).
op-error = error: { $message }
op-cannot-read = cannot read { $path }: { $error }

# A card's review status in words (card/get's status).
op-card-status-under-review = under review
op-card-status-rejected = rejected by review
op-card-status-approved = approved
op-card-status-dispatched = dispatched
op-card-status-deleted = deleted

# How a field changes on WeChat (the update-rule classes).
op-class-local = local
op-class-in-place = in place
op-class-stock = stock
op-class-widen-only = widen only
op-class-review = re-review
op-class-replace = replace

## status

# The review column of `cardform status` (the JSON values, as English prints them).
op-review-approved = approved
op-review-under-review = under_review
op-review-rejected = rejected
op-review-deleted = deleted
op-review-dispatched = dispatched
op-review-other = other

# Why a card can or cannot be claimed now.
op-why-deleted = deleted
op-why-expired = expired (end_timestamp has passed)
op-why-friends-early = a friends coupon can be issued at most { $days } days before it takes effect (V1.4): nobody can claim it before { $opens }
op-why-friends-early-whitelist = a friends coupon can be issued at most { $days } days before it takes effect (V1.4): nobody can claim it before { $opens }, users on the test whitelist included
op-why-under-review = under review: not claimable until WeChat approves it
op-why-under-review-whitelist = under review: not claimable until WeChat approves it; users on the test whitelist can claim it
op-why-rejected = rejected by review: fix the card and apply again
op-why-rejected-whitelist = rejected by review: fix the card and apply again; users on the test whitelist can claim it
op-why-other = status { $status }
op-why-out-of-stock = out of stock (sku.quantity 0)
op-why-claimable = approved, in stock and in its dates
op-why-gone = deleted on WeChat (or unknown to it)
op-why-stock-not-bought = approved, stock not bought ({ $total } of { $want } vouchers): `cardform apply` buys it with 券点
op-why-rejected-reason = rejected by review: { $reason } (card_not_pass_check); fix the card and apply again
op-why-low-stock = { $why }; low stock alarm: { $detail }

op-status-none = No managed cards (the state is empty): `cardform apply` or `cardform import` first.
op-status-stock = stock { $count }
op-status-claimable = claimable
op-status-not-claimable = not claimable
op-status-summary = { $claimable } of { $total } card(s) claimable now.

# Sub-merchants in `cardform status`.
op-sub-heading = Sub-merchants:
op-sub-rejected = rejected: { $reason }
op-sub-reason-unknown = reason not known to cardform: WeChat sends it only in its card_merchant_check_result push
op-sub-status-checking = CHECKING
op-sub-status-approved = APPROVED
op-sub-status-rejected = REJECTED
op-sub-status-expired = EXPIRED

## coins

op-coins-balance = 券点 balance: { $total } points ({ $free } free + { $paid } paid; 1 点 = ¥1)
op-coins-orders = Orders of the last { $days } days: { $count } (newest first)
op-coins-orders-cut = Orders of the last { $days } days: { $count } (newest first, { $shown } shown)
# Before the free and the paid points of an order line.
op-coins-col-free = free
op-coins-col-paid = paid
op-coins-activated = The 券点 account is active: WeChat granted { $reward } free points.
op-coins-already-active = The 券点 account is active (it was already; no new free points).
op-coins-recharge = Recharge order { $order } for { $count } points (¥{ $count }). cardform pays nothing: scan and pay this WeChat Pay QR code.
op-coins-recharge-image = QR image:   { $path }
op-coins-recharge-follow = `cardform coins order { $order }` shows when it is paid.
op-coins-order = Order { $order }: { $kind } { $status } — free { $free } + paid { $paid } points, created { $created }{ $paid_at }. { $desc }
op-coins-order-paid = , paid { $at }
op-coins-image-decode = WeChat's qrcode_buffer is not base64: { $error }

## qrcode

op-qr-expire = expire_seconds must be 60–1800 (WeChat's range); leave it out for a code valid 365 days
op-qr-deleted = the card is deleted on WeChat
op-qr-not-approved = --unique-code needs an approved card (is_unique_code, §6.3) and this one is { $status }; wait for review (`cardform apply --wait-for-review`, `cardform status`) or leave --unique-code out
op-qr-no-stock = --unique-code needs stock and the card has none left; raise sku.quantity
op-qr-early = a friends coupon can be issued at most { $days } days before it takes effect (V1.4); this one takes effect { $begin }, so nobody can claim it with this code before { $opens }
op-qr-encode = cannot encode the URL as a QR code: { $error }
op-qr-title = Claim QR code for { $address } (card_id { $card_id }):
op-qr-image = image:           { $path }
op-qr-replaced = A replacement of this card gives it a new card_id: this code stops working then.

## stats

op-stats-progress = datacube: { $done }/{ $total } calls
op-stats-chart-title = Cards { $from } – { $to }
op-stats-chart-per-day = per day
op-stats-chart-views = views
op-stats-chart-claims = claims
op-stats-chart-redemptions = redemptions
op-stats-chart-written = Chart: { $path }
op-stats-chart-draw = drawing the chart: { $error }
op-stats-chart-png = drawing the chart as PNG: { $error }
# Said (in a language other than English) when a PNG chart is drawn without a font
# that has Chinese characters: its labels are then English.
op-stats-chart-english = no font with Chinese characters: the PNG chart's labels are in English
# The table's headings.
op-stats-col-date = date
op-stats-col-scope = scope
op-stats-col-views = views
op-stats-col-viewers = viewers
op-stats-col-claims = claims
op-stats-col-claimers = claimers
op-stats-col-redeemed = redeemed
op-stats-col-redeemers = redeemers
op-stats-col-gifted = gifted
op-stats-col-gifters = gifters
op-stats-col-expired = expired
op-stats-col-expirers = expirers
op-stats-total = total
# The account overview's rows (scope `account`).
op-stats-account = account

## import

op-import-undeclared = no card `{ $address }` in the files: the next plan would DELETE card { $card_id }. Add [cards.{ $address }] to a file under cards/ first (or import again with --generate-config-out).
op-import-one = Imported { $card_id } ({ $kind }, { $status }) as { $address }. Run `cardform plan` to see what differs from the files.
op-import-none-adopted = No card adopted; nothing written.
op-import-adopted = Adopted { $count } card(s) into the state and wrote { $path }. `cardform plan` shows no changes for them.
op-import-not-adopted = { $count } card(s) could not be adopted (see above); nothing was written for them.
op-import-managed = managed    { $card_id }  as { $address }
op-import-deleted = deleted    { $card_id }  (skipped)
op-import-unmanaged = unmanaged  { $card_id }  { $kind } { $title } ({ $status }) → { $address }
op-import-summary = { $total } card(s) on the account: { $managed } managed, { $unmanaged } unmanaged, { $deleted } deleted.
op-import-refused = card { $card_id } ({ $address }) was not adopted: its generated configuration would not plan "No changes":

op-reattach-none = Every declared card is in the state; nothing to re-attach.
op-reattach-matched = re-attach  { $address } ← { $card_id } ({ $changes } field(s) differ from the file)
op-reattach-ambiguous = ambiguous  { $address }: { $ids } fit equally well; choose with `cardform import { $address } CARD_ID`
op-reattach-unmatched = no match   { $address }: no live card of its type fits without a new card; the next plan creates it
op-reattach-summary = { $declared } declared card(s) not in the state: { $matched } re-attached, { $ambiguous } ambiguous, { $unmatched } without a live card ({ $live } unmanaged live card(s) read).
op-reattach-image = image      { $file } = { $url } (the URL its cards hold)
op-reattach-image-unsure = image      { $file }: its cards hold different images; the next apply uploads it again
op-reattach-dry-images = The images above are taken as uploaded (their cards agree). If one of those files changed since its last apply, re-attach with --reupload-images.
op-reattach-dry-run = Dry run: nothing recorded.
op-reattach-ambiguous-warning = { $count } card(s) are ambiguous (above): import each with `cardform import ADDRESS CARD_ID` before applying, or the next apply creates another copy

op-import-err-dry-run-alone = --dry-run needs --all or --reattach
op-import-err-dry-run-alone-help = use it with --all (list the account's cards) or --reattach (show the pairings)
op-import-err-all-without-out = import --all needs --generate-config-out FILE: adopted cards missing from the files would be planned for deletion
op-import-err-all-without-out-help = add --generate-config-out cards/imported.toml (or --dry-run to only list)
op-import-err-address-taken = { $address } is already in the state (card_id { $card_id })
op-import-err-address-taken-help = choose another address, or `cardform state rm` the old one first
op-import-err-already-managed = card { $card_id } is already managed as { $address }
op-import-err-gone = card { $card_id } is deleted; nothing to import
op-import-err-would-change = the generated configuration of card { $card_id } would not plan "No changes", so nothing was written:

# Why a generated card would not plan "No changes".
op-adopt-no-card = the generated file has no card { $address }
op-adopt-would-change = { $path }: would change ({ $class }): live { $before } → file { $after }
op-adopt-absent = (absent)
op-gen-unwritable = card { $card_id }: { $message }
op-gen-not-object = its content is not an object

## rules

op-rules-md-head = | field | change | verified | source |
op-rules-md-head-evidence = | field | change | basis | agreed | disagreed | source |
op-rules-yes = yes
op-rules-unverified = UNVERIFIED
op-rules-basis-doc = doc
op-rules-basis-sample = sample
op-rules-basis-unverified = UNVERIFIED
op-rules-fix-row = ← fix this row
op-rules-agreed = agreed
op-rules-disagreed = disagreed
op-rules-evidence-footer = { $count } recorded card/update answer(s) weighed; a row an answer contradicts is the one to fix in crates/cardform-spec/src/rules.rs.
op-rules-footer = ? = UNVERIFIED in the reference; cardform assumes the costlier class.
# The rows' notes (cardform_spec::rules::UPDATE_RULES), each exactly as the table says it.
op-rules-note-type = §4.4: no API changes the type; the wrapper key must match
op-rules-note-coupons-yes = §4.2: coupons Yes (TY, PHPW); member-card page says No
op-rules-note-immutable = §4.4: immutable; sending it fails the update with 47001
op-rules-note-title = §4.4: not on the coupon update list; friends CASH/GIFT titles are derived
op-rules-note-no-list = §4.4: not on any update list
op-rules-note-stock = §4.4, §6.2: card/modifystock with a delta
op-rules-note-date-type = §4.3: only FIX_TIME_RANGE timestamps can change
op-rules-note-begin = §4.3: new begin ≤ old begin
op-rules-note-end = §4.3: new end ≥ old end; friends coupons at most 3 months more
op-rules-note-fixed-term = §4.3: fixed_term is not modifiable
op-rules-note-all-locations = §4.2: not on the 2016 coupon table; member-card page says No
op-rules-note-assumed-review = §4.2: UNVERIFIED, assumed to trigger review
op-rules-note-app-brand = §4.2: review UNVERIFIED, assumed; that card/update takes it: recorded pgy_update_cash.request.json
op-rules-note-friends-list = §4.4: not on the friends update list
op-rules-note-friends-page = §4.2: updatable on the friends page, 是否提审 blank; assumed review
op-rules-note-amounts = §4.4: type amounts are not updatable
op-rules-note-sub-merchant = §16: no source says card/update takes it; the costlier class (UNVERIFIED)
op-rules-note-local = cardform's own setting

# Sub-merchants adopted by `cardform import --all`, and the declarations it writes
op-submerchant-managed = managed    sub-merchant { $id } { $brand } ({ $status }) → [sub_merchants.{ $name }]
op-submerchant-unmanaged = unmanaged  sub-merchant { $id } { $brand } ({ $status }) → [sub_merchants.{ $name }]
op-submerchant-summary = { $total } sub-merchant(s) on the account: { $managed } known to this project, { $unmanaged } to adopt.
op-submerchant-adopted = Adopted { $count } sub-merchant(s) into the state and wrote their [sub_merchants.<name>] tables to { $path } (`merchant_id` marks each as adopted; `protocol` is left out: WeChat keeps the authorisation letter).
op-submerchant-refused = sub-merchant { $id } ({ $name }) was not adopted: its generated declaration would not plan "No changes":
op-submerchant-would-change = sub-merchant { $name } would be updated: { $fields }
op-submerchant-no-protocol = { $name } has no `protocol`: a sub-merchant is submitted with its authorisation letter (授权函)
op-submerchant-no-protocol-help = set protocol to the letter's scan (a local JPG/PNG, e.g. assets/protocol.jpg); only a sub-merchant adopted by `cardform import --all` (with its `merchant_id`) may leave it out
op-submerchant-needs-protocol = sub-merchant { $name } ({ $file }:{ $line }): changing { $fields } needs the authorisation letter, and this adopted sub-merchant declares no `protocol`. Set `protocol` in [sub_merchants.{ $name }] to the new letter's scan (a local JPG/PNG under the project); cardform uploads it with the update.
op-submerchant-unknown-id = sub-merchant { $name } ({ $file }:{ $line }): merchant_id { $id } is not a sub-merchant of this account that another declaration does not already hold (card/submerchant/batchget). Check the id, or remove `merchant_id` and set `protocol` to submit it anew.
op-submerchant-id-mismatch = sub-merchant { $name } ({ $file }:{ $line }): merchant_id { $declared } is declared, but the state records { $name } as merchant_id { $recorded }. Fix `merchant_id`, or remove it to keep the recorded one.
op-submerchant-fix-help = fix the [sub_merchants.<name>] table each line names, as it says, then plan again
