# cardform's plan texts in English (the default). Every message here has a
# translation in zh-CN/plan.ftl (a unit test checks); the words follow ../glossary.md.

summary = Plan: { $create } to create, { $update } to update ({ $review } sent to review), { $replace } to replace, { $delete } to delete, { $stock } stock { $stock ->
    [one] change
   *[other] changes
}{ $whitelist }.
summary-whitelist = , the test whitelist set
summary-refresh-only = Refresh only: { $drifted } { $drifted ->
    [one] card was
   *[other] cards were
} changed outside cardform; nothing will be changed on WeChat.
summary-create = { $count } to create

action-no-op = no change
action-stock = stock only
action-update = update
action-update-review = update, back to review
action-create = create
action-replace = replace (new card)
action-delete = delete

class-local = cardform only
class-in-place = in place
class-stock = stock
class-widen-only = in place (widening only)
class-review = sends the card back to review
class-replace = forces a new card

html-title = cardform plan
html-checksum = Saved plan checksum: { $checksum } — `cardform apply` carries out exactly this plan.
html-not-saved = This plan was not saved (plan with --out or --save to apply exactly what is shown).
html-no-changes = No changes. The live cards match the files.
html-unchanged = { $count } unchanged: { $addresses }
html-footer = Made by cardform { $version }. Previews follow WeChat's layout; the phone shows the real card after review.
html-changes = Changes
html-drift = Changed outside cardform (drift)

face-before = Now (live on WeChat)
face-after = After this plan
face-none = no card

col-field = Field
col-before = Now
col-after = After
col-effect = Effect
value-absent = (absent)

stock-line = Stock: { $from } → { $to }

warn-review = These changes send cards to WeChat's review again; customers cannot claim them until it approves them:
warn-new-cards = New cards start under review; customers can claim them once WeChat approves them:
warn-card-fields = { $address } ({ $fields })
warn-replace = These cards are replaced: a new card is created and the old one deleted; coupons customers already hold stay on the old card:
warn-coin = Stock bought with 券点 (paid, irreversible):
warn-coin-item = { $address }: +{ $delta }
warn-coin-item-price = { $address }: +{ $delta }, { $price }
warn-settings = Settings this change proposes (in force only after merge):
warn-settings-item = { $key }: { $trusted } → { $proposed }

# Text plans (render_text.rs).
text-drift-head = Note: cards changed outside cardform
text-drift-intro = cardform refreshed the live cards and found these differences from what it last applied:
text-drift-card = { $address } has changed outside cardform{ $card_id }
text-deleted-outside = card deleted outside cardform
text-refresh-only-note = This is a refresh-only plan: `cardform apply --refresh-only` records these live values as the last applied; nothing changes on WeChat.
text-no-drift = No changes. The live cards match what cardform last applied.
text-drift-count = Drift: { $count } card(s) changed outside cardform.
text-no-changes = No changes. The cards match the files.
text-will-perform = cardform will perform the following actions:
text-under-review = Under review now (not claimable until WeChat approves): { $addresses }
text-stock-awaits-approval = Friends-coupon stock not bought yet: bought with 券点 once WeChat approves the card ([policy] buy_stock = "after_approval"; a rejected card gets none): { $addresses }
text-rejected = Rejected by WeChat review: { $addresses }
settings-head = Settings: cardform.toml proposes changes (in force only after merge)
settings-intro = This plan ran on the trusted settings; the project file under review changes:
value-unset = (unset)
value-cleared = (cleared)
address-list-more = { $first } and { $more } more (all of them: cardform plan --format json)
card-id-suffix = {" "}(card_id { $id })
status-now = , now { $status }
status-not-verify = under review
status-verify-fail = rejected by review
status-verify-ok = approved
status-dispatch = dispatched
status-deleted = deleted
head-create = { $address } will be created (new cards start under review)
head-update = { $address } will be updated in place{ $card_id }{ $status }
head-update-review = { $address } will be updated in place{ $card_id }{ $status }; the change goes to WeChat's review: under review, and not claimable, until WeChat approves it
head-replace = { $address } must be replaced{ $card_id }: a new card (new card_id) is created first, then the old one is deleted; cards users already claimed stay valid
head-delete = { $address } will be DELETED{ $card_id }
head-stock = { $address } stock will change{ $card_id }
head-no-op = { $address } is unchanged
title-derived = title derived by WeChat: "{ $title }"
stock-note = modifystock { $delta }
stock-note-coin = { $delta } bought with 券点 (paid, irreversible)
stock-note-coin-price = { $delta } bought with 券点 (paid, irreversible): { $price }
unchanged-hidden = { $count } unchanged { $count ->
    [one] field
   *[other] fields
} hidden
reason-replace = forces replacement
reason-review = triggers re-review

# Markdown plans (render_markdown.rs).
md-title = cardform plan
md-drift-title = cardform drift check (refresh-only)
md-no-drift = **No drift.** The live cards match what cardform last applied.
md-drift = **Drift: { $count } card(s) changed outside cardform.** This plan changes nothing on WeChat; `cardform apply --refresh-only` records the live values as the last applied, a normal plan puts the files' values back.
md-no-changes = **No changes.** The cards match the files.
md-table-head = | ➕ create | ✏️ in place | 🔍 re-review | ♻️ replace | 🗑️ delete | 📦 stock | ⚠️ drifted | unchanged |
md-new-cards = New cards start under WeChat review and can be claimed once approved.
md-settings = **Settings (in force only after merge).** This plan ran on the trusted settings; this pull request's `cardform.toml` changes:
md-settings-table-head = | setting | in force | proposed |
md-denied = **Denied by policy (exit 3).** This plan needs the extra approval your pipeline asks for before it may be applied.
md-denied-by-config = `[policy] deny` in cardform.toml
md-stock-loss = { $address }: replacing or deleting it loses { $vouchers } unclaimed vouchers bought with 券点{ $points }; WeChat refunds nothing
md-stock-loss-date = { $address }: the validity change (`date_info`) forces a replacement that loses { $vouchers } unclaimed vouchers bought with 券点{ $points }. WeChat takes an end-date extension in place only within its limit (at most three months): move it within the limit now and the rest in a later apply, or replace the card with `--allow-stock-loss`
md-stock-loss-points = , about { $points } 券点 at the reference price
md-not-shown = { $count } more card(s) not shown (comment size limit): { $names }. `cardform plan` prints the full plan; the saved plan artifact holds it.
md-risk-review = Back to review: not claimable until WeChat approves
md-risk-replace = Replaced with a new card_id: it starts under review, the old card is deleted after it exists, QR codes and links to the old card_id stop working
md-forced-by = forced by { $fields }
md-risk-delete = Deleted: its QR codes and links stop working (cards users already claimed stay valid)
md-risk-coin = 券点 purchase (paid, irreversible)
md-stock-change = stock { $from } → { $to }, { $delta }{ $price }
md-deleted-recreated = deleted; created again with a new card_id
md-risk-drift-undo = Changed outside cardform: this plan puts the files' values back
md-risk-drift = Changed outside cardform
md-risk-drift-same = Changed outside cardform to what the files say: nothing to undo
md-risk-rejected = Rejected by WeChat review: fix and re-submit
md-and-more = , and { $count } more
md-lines-not-shown = { $count } more line(s) not shown (comment size limit); `cardform plan` prints them
md-what-drift = changed outside cardform ({ $fields })
md-what-create = created (starts under review)
md-what-update = updated in place ({ $fields })
md-what-review = updated, back to review ({ $fields })
md-what-replace = replaced: new card_id (forced by { $fields })
md-what-delete = deleted
md-what-stock-coin = stock { $from } → { $to }, bought with 券点 (paid, irreversible{ $price })
md-what-stock = stock { $from } → { $to } (modifystock { $delta })
md-what-stock-change = stock change
md-now = now { $status }
md-changed-outside = changed outside cardform
md-title-derived = title derived by WeChat: { $title }
md-points = , { $points } points
md-points-colon = : { $points } points
md-coins-head = 券点 (coupon points) this plan spends: paid and irreversible
md-coins-head-over = 券点 (coupon points) this plan spends: paid and irreversible — over the limit (exit 3)
md-whitelist-head = **🧪 Test whitelist** (`card/testwhitelist/set`):

# Plan notes (note.rs).
note-recreate = deleted outside cardform (card_id { $card_id }); it will be created again
note-forget = deleted outside cardform already; cardform only forgets it
note-no-longer-in-files = no longer in the files
note-card-id-changes = the card_id changes: QR codes, links and add-to-wallet calls made for the old card stop working; make new ones with `cardform qrcode`
note-gives-up-stock = the old card's { $remaining } unclaimed vouchers go with it: friends-coupon stock bought with 券点 is not refunded
note-stock-not-refunded = the { $removed } vouchers taken off the stock were bought with 券点: WeChat does not refund the points
note-stock-awaits-approval = { $quantity } vouchers of stock are bought with 券点 once WeChat approves the card ([policy] buy_stock = "after_approval"); a rejected card gets none
note-deposed = the old card of a replacement; deleting it now
md-checksum = Saved plan checksum { $checksum }: `cardform apply` prints it and refuses a plan whose body changed.

# 券点 and the test whitelist (money.rs).
money-quoted = quoted by card/pay/getpayprice
money-estimated = estimated from WeChat's price table (the card has no card_id to quote yet; apply quotes it once created and stops if the quote is higher)
money-price = { $price } points ({ $free } free + { $paid } paid), { $source }
money-after-create = {" "}after the card is created
money-after-approval = {" "}once WeChat approves the card (a later apply, or --wait-for-review)
money-buys-price = buys { $quantity } vouchers with 券点{ $when } (paid, irreversible): { $price }
money-buys = buys { $quantity } vouchers with 券点{ $when } (paid, irreversible)
money-total = { $purchases } { $purchases ->
    [one] purchase costs
   *[other] purchases cost
} { $price } points (1 点 = ¥1): { $free } free + { $paid } paid
money-balance = balance: { $total } points ({ $free } free + { $paid } paid)
money-short = { $held }: { $by } short — recharge with `cardform coins recharge { $by }`
money-left = { $held }: { $left } left after the purchases
money-over-budget = budget: { $budget } points (max_coins_per_apply): over by { $by }
money-within-budget = budget: { $budget } points (max_coins_per_apply): within it
money-consent = apply buys only with --allow-coin-purchase or [policy] allow_coin_purchase = true, and quotes again first: a higher price stops it before anything is bought
money-consent-allowed = the project's policy lets apply buy ([policy] allow_coin_purchase = true); it quotes again first: a higher price stops it before anything is bought
whitelist-clear = card/testwhitelist/set with an empty list: clears the whitelist cardform set
whitelist-set = card/testwhitelist/set with all { $count } entries (a full replacement)
text-whitelist-head = the test whitelist will be set

## What the plan read from WeChat (--refresh=changed, API calls)
plan-not-refreshed = Not refreshed: { $count } of { $total } managed card(s) (--refresh=changed): their files and state are unchanged since their last apply, so they were planned from the last applied state and a change made to them outside cardform is not seen. A full plan (the default, --refresh=all) reads every card.
plan-api-calls = API calls: { $made } made by this plan; applying it will make about { $apply }.

## The review page: the gates' refusals
html-refused = Refused (plan exits 3): this plan cannot be applied as it stands; it needs the approval named below.
html-denied-by-config = [policy] deny in cardform.toml

## A value only apply can know (text, markdown and HTML plans; the JSON plan keeps its data form)
pending-upload = (known after apply): upload { $path }
pending-card-id = (known after apply): card_id of { $address }
pending-merchant-id = (known after apply): merchant_id of sub-merchant { $name }
pending-other = (known after apply): { $reason }

## The gates' refusals on stderr (policy.rs, stock_loss.rs); the JSON plan keeps them in English
gate-what-review = sends it (back) to WeChat review: not claimable until approved
gate-what-replace = replaces it with a new card (new card_id)
gate-what-delete = deletes it
gate-what-stock = changes its stock (modifystock)
gate-what-settings = proposes a change of the trusted settings (endpoint, account, state, policy)
gate-violation = { $address }: the plan { $what }{ $because }; denied by { $source }
gate-because = {" "}(because of { $fields })
gate-because-coin = { $from } → { $to }, a 券点 purchase
gate-source-config = [policy] deny = ["{ $class }"] in cardform.toml
gate-policy-line = policy: { $violation }
gate-help-flag = get the extra approval your pipeline asks for (it then plans without those --deny flags)
gate-help-config = remove the class from [policy] deny in cardform.toml in a reviewed change
gate-help-change = or change the cards so the plan no longer needs it
gate-help-sep = {", "}
gate-denied = error: the plan has { $changes } change(s) to { $cards } card(s) that the policy denies (exit 3); { $help }.
gate-coins-over-budget = error: the plan's 券点 purchases cost { $price } points, { $by } more than the budget of { $budget } ([policy] max_coins_per_apply in cardform.toml, or --max-coins); nothing was bought (exit 3). Raise the budget in a reviewed change, or plan less friends-coupon stock.
gate-coins-over-balance = error: the plan's 券点 purchases cost { $price } points, { $by } more than the account holds ({ $total } = { $free } free + { $paid } paid); nothing was bought (exit 3). { $activate }Recharge with `cardform coins recharge { $recharge }` and pay its WeChat Pay QR code, or plan less friends-coupon stock.
gate-coins-activate = A new account: `cardform coins activate` grants 200 free points once.{" "}
gate-mass-every = every managed card ({ $count } of { $managed })
gate-mass-config = { $count } of the { $managed } managed cards, more than [policy] max_destroy = { $limit } in cardform.toml
gate-mass-default = { $count } of the { $managed } managed cards, more than the default limit of { $limit } (half of them, at least { $min }; set [policy] max_destroy in cardform.toml to change it)
gate-mass-destroy = error: the plan would delete or replace { $why }: { $cards }.
gate-mass-mistake = This is usually a mistake, not a wish: an empty or unreadable cards/ folder, the wrong project directory, or the wrong state (another project's, or an old copy). Check `cardform state list` and the card files.
gate-mass-allow = If you really mean it, run again with --allow-mass-destroy (exit 3: nothing was changed).
gate-stock-loss-head = this plan throws away friends-coupon stock bought with 券点 (WeChat refunds nothing):
gate-stock-loss-delete = { $address }: deleting it loses { $vouchers } unclaimed vouchers{ $points }
gate-stock-loss-replace = { $address }: replacing it loses { $vouchers } unclaimed vouchers{ $points }
gate-stock-loss-date = the replacement comes from the validity change (date_info): WeChat takes an end-date extension in place only within its limit (at most three months, reference §4.3), so move the end date within that limit now and the rest in a later apply, or replace the card on purpose with --allow-stock-loss
gate-stock-loss-allow = run again with --allow-stock-loss to accept the loss

## What plan says beside the plan (commands/plan.rs)
plan-saved = Saved the plan to { $path } (checksum { $checksum }). Apply exactly this plan with: cardform apply { $path }
plan-wrote-page = Wrote the review page to { $path }

## Sub-merchants in the text plan (sub_merchants.rs)
sm-head = Sub-merchants (第三方协助制券):
sm-not-submitted = not submitted
sm-no-op = no changes, { $status }
sm-adopt = adopt the live sub-merchant of the same brand name, { $status }
sm-adopt-by-id = adopt the live sub-merchant its merchant_id names, { $status }
sm-create = submit (card/submerchant/submit); WeChat reviews it: CHECKING
sm-update = update { $fields } (card/submerchant/update); back to review: CHECKING
sm-line = ~ sub-merchant { $name }{ $id }: { $what }
sm-merchant-id = {" "}(merchant_id { $id })
sm-rejected = rejected because: { $reason }
sm-waiting = … card { $address } waits: its sub-merchant { $name } is { $status } (the { $action } happens on the first apply after WeChat approves it)

## Why a plan cannot be made (build.rs, sub_merchants.rs)
plan-err-prevent-destroy = card { $address }: the plan would { $action } it, but lifecycle.prevent_destroy is set (remove the setting first if you really mean it{ $hint })
plan-err-forced-by = ; forced by { $fields }
plan-err-deleted-outside = card { $address }: deleted outside cardform (card_id { $card_id }); --refresh-only cannot record that — run a normal plan to create it again, or `cardform state rm { $address }`
plan-err-unknown-target = --target { $address }: no card with that address in the files or the state
plan-err-not-refreshed = card { $address }: no live data for card_id { $card_id } (it was not refreshed)
plan-err-write-rule = card { $address }: { $field }: the plan would { $action ->
    [create] create the card
    [replace] create the replacement card
   *[other] send a change
} with this value, but { $message } ({ $help })
sm-err-category = sub-merchant { $name } ({ $file }:{ $line }): category { $primary }/{ $secondary } is not in WeChat's card/getapplyprotocol; valid ids (primary: secondary…): { $valid }
sm-err-none-listed = none listed
