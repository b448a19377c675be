# cardform's plan texts in English (the default). Every message here has a
# translation in each other .ftl file beside this one (a unit test checks).

summary = Plan: { $create } to create, { $update } to update ({ $review } sent to review), { $replace } to replace, { $delete } to delete, { $stock } stock { $stock ->
    [one] change
   *[other] changes
}.
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

warn-review = These cards go back to WeChat's review; customers cannot claim them until it is approved:
warn-review-item = { $address } ({ $fields })
warn-replace = These cards are replaced: a new card is created and the old one deleted; coupons customers already hold stay on the old card:
warn-replace-item = { $address } ({ $fields })
warn-coin = Stock bought with 券点 (paid, irreversible; apply needs --allow-coin-purchase):
warn-coin-item = { $address }: +{ $delta }
warn-settings = Settings this change proposes (in force only after merge):
warn-settings-item = { $key }: { $trusted } → { $proposed }
