# cardform's apply messages in English (the default). Every message here has a
# translation in zh-CN/apply.ftl (a unit test checks); the words follow ../glossary.md.

## Progress and notes on stderr (progress.rs)
apply-step-refreshing = refreshing
apply-step-applying = applying
apply-note = note: { $note }
apply-warning = warning: { $warning }
apply-error = error: { $error }

## Confirmation, results and review (commands/apply.rs, apply_output.rs)
apply-confirm = Do you want to perform these actions? Only 'yes' will be accepted:
apply-cancelled = Apply cancelled: nothing was changed.
apply-refresh-recorded = Recorded the live values of { $count } card(s) as last applied. Nothing changed on WeChat.
apply-saved-plan = Plan { $path } (checksum { $checksum })
apply-saved-no-changes = No changes. The saved plan has nothing to do.
apply-summary = Apply complete: { $created } created, { $updated } updated ({ $review } sent to review), { $replaced } replaced, { $deleted } deleted, { $stock } stock { $stock ->
    [one] change
   *[other] changes
}{ $whitelist }.
apply-summary-whitelist = , test whitelist set
apply-summary-sub-merchants = {" "}{ $count } sub-merchant(s) submitted or updated.
apply-stopped = Apply stopped early ({ $why }): { $count } change(s) were not started; everything started was finished and recorded. Run apply again to continue.
apply-failures = Apply finished with { $count } failure(s); everything that succeeded is recorded in the state:
apply-failure = { $address }: { $operation } failed: { $message }
apply-outcome-unknown = (WeChat may or may not have done it; the next run finds out before planning anything)
apply-waiting = Waiting up to { $seconds }s for WeChat review of { $count } card(s)…
apply-decided = { $done } of { $total } decided
apply-rejected-because = { $address } rejected by review: { $reason }
apply-review-approved = { $address }: approved by WeChat review ({ $seconds }s).
apply-review-rejected = error: { $address } (card_id { $card_id }) was rejected by WeChat review; `cardform status` shows it, fix the card and apply again
apply-review-timeout = error: { $address } (card_id { $card_id }) is still under review after { $seconds }s (--wait-for-review timed out)
apply-review-other = error: { $address } (card_id { $card_id }) is { $status }
apply-op-coin-preflight = 券点 preflight
apply-approved-not-bought = { $stop }; the approved cards' stock was not bought

## 券点 checked again before anything is applied (apply/coins.rs)
apply-coin-not-allowed = the plan buys friends-coupon stock with 券点 ({ $cards }: { $price } points; paid, irreversible) and purchases are not allowed; run apply with --allow-coin-purchase (or [policy] allow_coin_purchase = true); nothing was changed
apply-coin-price-rose = { $address }: { $quantity } vouchers now cost { $now } 券点, { $by } more than the { $planned } the plan showed; nothing was bought or changed — plan again and review the new price
apply-coin-over-budget = the plan's 券点 purchases cost { $price } points, { $by } more than the budget of { $budget } (--max-coins, or [policy] max_coins_per_apply); nothing was bought or changed
apply-coin-over-balance = the plan's 券点 purchases cost { $price } points, { $by } more than the account holds ({ $total } = { $free } free + { $paid } paid); nothing was bought or changed — recharge with `cardform coins recharge { $recharge }` and pay its QR code
apply-coin-api = checking the 券点 purchases again: { $error }; nothing was changed

## What the executor says about single cards (apply/executor)
apply-unknown-earlier = an earlier { $op } of this card has an unknown outcome; resolve it first (`cardform state resolve { $address } --adopt CARD_ID` or `--forget`)
apply-created-without-stock = { $address }: created without stock; its { $quantity } vouchers are bought with 券点 once WeChat approves the card ([policy] buy_stock = "after_approval": a later apply, or --wait-for-review)
apply-took-off-stock = { $address }: took { $removed } vouchers off the stock; they were bought with 券点 and WeChat does not refund the points
apply-bought = { $address }: bought { $quantity } vouchers for { $price } 券点 ({ $free } free, { $paid } paid; { $order })
apply-order-found = order { $id }; `cardform coins order { $id }` shows it
apply-order-unknown = the confirmed order could not be identified ({ $why }); `cardform coins` lists the ledger
apply-still-unknown = { $path } is still unknown ({ $value }); an earlier step failed
apply-differs = { $path } differs from the reviewed plan ({ $now } now, { $planned } planned); plan again
apply-no-desired = the plan has no desired content for this card
apply-not-in-state = the card is not in the state
apply-no-card-id = no card_id
apply-no-current-card-id = no current card_id
apply-unknown-card-type = unknown card type
apply-reads-deleted = { $address }: card { $card_id } reads back as deleted
apply-read-back-failed = { $address }: could not read the card back to verify it: { $error }
apply-not-taken = { $address }: WeChat did not take { $fields } (read back with card/get); the next plan will show it
apply-image-unreadable = cannot read { $path }: { $error }
apply-image-changed = { $path } changed since the plan was made; plan again

## Interrupted operations resolved before planning (apply/recover.rs)
apply-recover-adopted = { $address }: an interrupted create did reach WeChat; adopted card { $card_id }
apply-recover-not-created = { $address }: an interrupted create never reached WeChat; it will be planned again
apply-recover-ambiguous = { $address }: an interrupted create matches { $count } live cards ({ $card_ids }); choose one with `cardform state resolve { $address } --adopt CARD_ID` (and delete the others), or `--forget`
apply-recover-reread = { $address }: an interrupted { $op }; the plan re-reads the live card
apply-recover-list-failed = could not list the account's cards to resolve an interrupted create: { $error }
apply-recover-record-failed = could not record the resolution in the state: { $error }
apply-journal-intent = could not record the intent in the state, nothing was sent: { $error }
apply-journal-outcome = the call succeeded but its outcome could not be recorded (the next run resolves it): { $error }
apply-sm-logo-pending = the logo is not uploaded ({ $why }); plan again
apply-sm-scan-local = a scan must be a local file (it is uploaded as temporary media)
apply-stock-not-allowed = buying { $quantity } vouchers of a friends coupon is a 券点 purchase (paid, irreversible); run apply with --allow-coin-purchase (or policy.allow_coin_purchase = true) to allow it
apply-stock-price-rose = { $quantity } vouchers now cost { $now } 券点, { $by } more than the { $planned } planned; nothing was bought — plan again and review the new price
apply-order-lock = another purchase failed while recording its order
apply-order-none = no new purchase of { $price } 券点 in card/pay/getorderlist
apply-order-many = { $count } new purchases of { $price } 券点 could be it: { $orders }
apply-no-card-type = card_type is missing
