# cardform's platform messages in English (the default). Every message here has a
# translation in zh-CN/platform.ftl (a unit test checks); the words follow ../glossary.md.

## The platform report (plan/apply across accounts, plan merge).
pf-report-title-plan = cardform plan
pf-report-title-apply = cardform apply
pf-report-title = { $title }: { $n } account(s){ $shard }
pf-report-shard = , shard { $shard }
pf-report-shard-merged = , shard merged from { $n } file(s)
pf-col-account = account
pf-col-creates = creates
pf-col-updates = updates
pf-col-review = sent to review
pf-col-replaced = replaced
pf-col-deleted = deleted
pf-col-coins = 券点
pf-col-errors = errors
pf-report-no-changes = no changes
pf-report-failed = FAILED
pf-report-denied = DENIED by policy
pf-report-refused = Refused by the run-wide limits
pf-report-failed-at = FAILED at { $stage }: { $message }
pf-report-error = error: { $error }
pf-account-head = ── account { $name } ({ $appid }) ──
pf-stage-authorizer = authorizer
pf-stage-plan = plan
pf-stage-apply = apply
pf-failed-line = FAILED: { $error }

## plan merge.
pf-merge-unreadable = { $file }: not a platform plan report ({ $problem })
pf-merge-unreadable-help = merge the JSON files of `cardform plan --accounts … --shard K/N --format json`
pf-merge-not-plan = format_version { $version }, operation { $operation }
pf-merge-commits = { $a } was planned at commit { $ca }, { $b } at commit { $cb }: shards of one plan share one commit
pf-merge-commits-help = plan every shard again from the same commit
pf-merge-no-commit = none
pf-merge-overlap = account `{ $account }` is in both { $a } and { $b }: shards must not overlap
pf-merge-overlap-help = give each shard once, all with the same N (--shard K/N)
pf-merge-empty = plan merge needs at least one file

## --accounts and --shard.
pf-unknown-account = --accounts: unknown account `{ $name }`{ $hint }
pf-unknown-account-hint = {" "}(did you mean `{ $name }`?)
pf-unknown-account-help = accounts are the folders under accounts/; `cardform accounts list` shows them
pf-accounts-empty = --accounts is empty
pf-accounts-empty-help = give all, changed[:REF] or NAME[,NAME…]
pf-shard = --shard { $given }: { $problem }
pf-shard-help = write K/N with 1 ≤ K ≤ N, e.g. --shard 1/4 … --shard 4/4
pf-shard-form = not of the form K/N
pf-shard-k-number = K is not a whole number
pf-shard-n-number = N is not a whole number
pf-shard-n-zero = N must be at least 1
pf-shard-k-range = K must be between 1 and { $n }
pf-changed = --accounts changed:{ $base }: { $problem }
pf-changed-help = run in a git checkout that has the base ref (in CI: fetch it, e.g. `git fetch origin main`), or name another with changed:REF
pf-changed-dash = a ref cannot start with -
pf-changed-no-git = cannot run git: { $error }

## Credentials, the open platform, authorizers.
pf-no-secret = the component AppSecret: environment variable { $env } is not set
pf-no-secret-help = set { $env } in the pipeline's secrets ([platform] component_secret_env names the variable); it never goes into a file
pf-no-ticket = no component_verify_ticket: { $source } is not set or empty
pf-no-ticket-help = WeChat pushes the ticket every 10 minutes to the platform's authorisation-event URL; give the latest one ([platform.verify_ticket] says where it comes from)
pf-stale-ticket = the component_verify_ticket from { $source } is { $hours } hours old; WeChat refuses a ticket older than 12 hours
pf-stale-ticket-help = give the latest ticket WeChat pushed (every 10 minutes)
pf-ticket-source-env = environment variable { $env }
pf-ticket-source-command = the ticket command `{ $program }`
pf-ticket-at-bad = not set, or not Unix seconds (when the ticket was received)
pf-ticket-command-empty = the command is empty
pf-ticket-command-run = cannot run it: { $error }
pf-ticket-command-exit = it exited with { $status }
pf-component = the open platform (component { $component }, ticket from { $source }): { $error }
pf-not-authorizer = AppID { $appid } is not an authorizer of component { $component } (api_get_authorizer_list does not list it: the merchant revoked the authorisation, or never granted it); skipped

## The run across accounts.
pf-run-stopped = the account's run stopped: { $error }
pf-plan-changed = its plan changed between the run-wide check and its apply (someone changed the account meanwhile); nothing was applied: run again
pf-state-not-saved = the state was not saved: { $error }
pf-changes-failed = { $n } change(s) failed
pf-run-coins = the accounts' plans spend { $total } 券点 together, more than [platform.run] max_coins_per_run = { $max }; nothing was applied
pf-run-destroy = the accounts' plans delete or replace { $total } cards together, more than [platform.run] max_destroy_per_run = { $max }; nothing was applied (--allow-mass-destroy allows it)
pf-no-accounts = No accounts selected: nothing to do.
pf-run-summary = { $n } account(s); component token fetched { $fetches } time(s); { $calls } open-platform call(s).
pf-wrote-report = Wrote the report to { $path }
pf-validate-errors = { $n } error(s) in the platform's accounts.
pf-validate-ok = The platform is valid: { $accounts } account(s), { $templates } template(s), { $cards } card(s) in all.

## What a platform project does not do (the `what` of "not on a platform project").
pf-unsupported-approve = apply across accounts without --auto-approve (review `cardform plan --accounts …` first, then apply with --auto-approve)
pf-unsupported-stats = stats --card and --chart across accounts (run them in one account's project, or use --format json|csv)
pf-unsupported-import = import ADDR CARD_ID and --reattach across accounts (run `cardform import --all --accounts NAME`, or import one card in one account's project)
pf-unsupported-import-out = --generate-config-out { $path } across accounts: give a path under cards/ (each account's folder gets its own), or leave it out for cards/imported.toml
pf-unsupported-template = --template { $name }: templates/{ $name }.toml does not exist

## status, coins, stats, import --all across accounts.
pf-status-claimable = claimable
pf-status-not-claimable = not claimable
pf-status-summary = { $n } account(s), { $failed } failed; { $claimable } of { $cards } card(s) claimable now.
pf-coins-line = { $name } { $total } points ({ $free } free + { $paid } paid), { $orders } order(s) in { $days } days
pf-coins-failed = { $name } FAILED: { $error }
pf-coins-summary = { $n } account(s); 券点 in all: { $total } points.
pf-stats-failed = account { $name } FAILED: { $error }
pf-stats-summary = { $n } account(s), { $failed } failed; { $from } – { $to } in all: { $views } views, { $claims } claims, { $redeemed } redeemed, { $gifted } gifted, { $expired } expired.
pf-import-none = No card adopted; nothing written.
pf-import-adopted = Adopted { $n } card(s) into the state and wrote { $file }.
pf-import-refused-line = error: { $reason }
pf-import-refused = { $n } card(s) could not be adopted (see above); nothing was written for them
pf-import-summary = { $n } account(s), { $failed } failed; { $adopted } card(s) adopted{ $dry }.
pf-import-dry = {" "}(dry run: nothing written)

## accounts list | import.
pf-list-appid = appid
pf-list-account = account
pf-list-card = card
pf-list-authorised = authorised
pf-list-name = name
pf-list-not-managed = (not managed)
pf-list-yes = yes
pf-list-no = NO
pf-list-orphan = account folder whose AppID is not an authorizer (revoked, or never authorised)
pf-list-summary = { $n } authorizer(s), { $managed } managed, { $card } with the card permission set.
pf-import-managed = { $appid } is managed by accounts/{ $account }: left as it is
pf-import-no-permission = { $appid } ({ $nick }) did not grant the card permission set: skipped{ $why }
pf-import-bad-name = { $appid }: cannot name a folder after this AppID: skipped
pf-import-would-write = would write { $file } ({ $nick })
pf-import-wrote = wrote { $file } ({ $nick })
pf-import-written = { $n } account folder(s) written.

## init --platform.

## The platform's files (validate).
pf-file-unreadable = cannot read the file: { $error }
pf-file-not-utf8 = file name is not valid UTF-8; skipped
pf-no-sandbox = a platform project has no embedded sandbox
pf-no-sandbox-help = run `cardform emulator --platform-authorizers N` and set endpoint = "http://127.0.0.1:PORT"
pf-template-name = a template's name: lowercase letters, digits and _
pf-template-name-help = rename the file
pf-no-accounts-dir = the platform has no account folders
pf-no-accounts-dir-help = run `cardform accounts import` to write one per authorizer
pf-account-name = account folder `{ $name }`: use lowercase letters, digits, _ and - (at most 64)
pf-account-name-help = the name becomes the state's name and the shard key; rename the folder
pf-no-account-file = the account folder has no account.toml
pf-no-account-file-help = write `appid = "wx…"` into it (or remove the folder)
pf-unknown-template = unknown template `{ $name }`
pf-unknown-template-help = templates/{ $name }.toml does not exist (templates: { $known })
pf-no-such-account = no account `{ $name }`
pf-in-account = (account { $account }) { $message }
pf-shared-appid = AppID { $appid } is also the AppID of account `{ $other }` ({ $file })
pf-shared-appid-help = one folder per merchant account: merge the two folders, or correct the AppID
pf-none = none
pf-tpl-syntax = TOML syntax error: { $error }
pf-tpl-unknown-key = unknown key `{ $key }` in a template
pf-tpl-unknown-key-help = a template holds [variables.<name>] tables and [cards.<address>] tables
pf-tpl-vars-inline = declare the variables as [variables.<name>] tables
pf-tpl-vars-inline-help = e.g. [variables.brand_name]\ndescription = "the merchant's name"
pf-tpl-vars-inside = the [variables…] tables must come before or between whole tables, not inside one
pf-tpl-unknown-var = unknown variable `{ $name }`
pf-tpl-unknown-var-help = declare it as [variables.{ $name }] (declared: { $known })
pf-tpl-no-var = template `{ $template }` has no variable `{ $name }`
pf-tpl-no-var-help = its variables: { $known } ({ $file })
pf-tpl-used-at = {" "}(used at { $file }:{ $line }:{ $col })
pf-tpl-needs = template `{ $template }` needs a value for variable `{ $name }`{ $used }
pf-tpl-needs-help = add `{ $name } = …` under [templates.{ $template }]
pf-tpl-splice = variable `{ $name }` of template `{ $template }` is an array or a table, and { $file } splices it into a text
pf-tpl-splice-help = give a string, a number or a boolean, or use the variable as the whole value ("${"{"}var{"}"}")
pf-tpl-vars-table = `variables` must be a table of [variables.<name>] tables
pf-tpl-var-name = variable name `{ $name }`: use lowercase letters, digits and _
pf-tpl-var-key = variables.{ $name }: unknown key `{ $key }` (or not a string)
pf-tpl-var-key-help = a variable takes `description` (a string) and `default`
pf-tpl-var-table = variables.{ $name } must be a table
pf-tpl-var-table-help = write [variables.{ $name }] with `description` and maybe `default`

# --- round 5: coins activate|recharge|order across accounts ---
pf-co-activated = { $name } activated: WeChat granted { $reward } free points
pf-co-already-active = { $name } already active (no new free points)
pf-co-activate-summary = { $n } account(s): { $activated } activated, { $already } already active, { $failed } failed; WeChat granted { $reward } free points in all.
pf-co-recharge-line = { $name } order { $order }: { $count } points (¥{ $count })
pf-co-recharge-image-failed = order { $order } was opened but its QR image was not saved: { $error } (the qrcode_url above pays the same order)
pf-co-recharge-summary = { $n } account(s): { $orders } WeChat Pay order(s) opened for { $total } points (¥{ $total }) in all, { $failed } failed. cardform pays nothing: scan and pay each QR code; `cardform coins order ORDER_ID --accounts NAME` shows when it is paid.
pf-co-recharge-no-accounts = `cardform coins recharge` on a platform opens one WeChat Pay order per account: say which accounts with --accounts
pf-co-recharge-no-accounts-help = e.g. --accounts tea-house, or --accounts all for every account (no order was created)
pf-co-recharge-no-confirmation = refusing to open { $n } WeChat Pay orders without confirmation: standard input is not a terminal
pf-co-recharge-no-confirmation-help = check the accounts with `cardform coins --accounts …`, then run again with --yes (no order was created)
pf-co-recharge-confirm = Open { $n } WeChat Pay orders of { $count } points each ({ $total } points, ¥{ $total } in all) for { $names }? cardform pays nothing: each QR code must be scanned and paid. Only 'yes' will be accepted:
pf-co-recharge-cancelled = Recharge cancelled: no order was created.
pf-co-and-more = {" "}and { $n } more
pf-co-unsupported-out = `coins recharge --out FILE` across accounts (each account gets its own QR image: use --out-dir DIR)
pf-co-order-one = an order belongs to one account, and { $n } account(s) are selected: { $names }
pf-co-order-one-help = name the order's account: cardform coins order ORDER_ID --accounts NAME (nothing was sent)
# --- round 5: tok (the component token shared across shards, sealed in the state) ---
pf-tok-run-summary-cached = { $n } account(s); component token fetched 0 time(s) (the one sealed in the state was used); { $calls } open-platform call(s).
# --- round 5: stores ---
pf-st-no-set = `${"{"}stores{"}"}` names no set of stores
pf-st-no-set-help = write `${"{"}stores.<set>{"}"}` with a set of the accounts' [stores], e.g. `${"{"}stores.all{"}"}`
pf-st-set-name = store set name `{ $name }`: use lowercase letters, digits, _ and -
pf-st-set-name-help = the sets are named in each account's [stores], e.g. all = [poi_id, …]
pf-st-splice = `${"{"}stores.{ $name }{"}"}` is a list of store ids and cannot be spliced into a text
pf-st-splice-help = use it as the whole value: location_id_list = "${"{"}stores.{ $name }{"}"}"
pf-st-reserved = `stores` is reserved: a template takes the accounts' store sets as `${"{"}stores.<set>{"}"}` without declaring them
pf-st-reserved-help = remove [variables.stores] (or rename it), and give each account a [stores] table
pf-st-missing = template `{ $template }` uses store set `{ $name }`{ $used }, which this account's [stores] lacks
pf-st-missing-help = add `{ $name } = [poi_id, …]` under [stores] in this file (its sets: { $known }); `cardform accounts import` writes `all` from card/location/batchget
pf-st-card-hint = `${"{"}stores.…{"}"}` is filled in only in templates (templates/*.toml): write the store ids here, or move the card into a template
pf-st-import-comment = The merchant's stores (门店) as card/location/batchget listed them on { $date }; a template takes them as "${"{"}stores.all{"}"}". Add sets of your own, e.g. downtown = [poi_id].
pf-st-import-none = card/location/batchget listed no store (门店) of this merchant on { $date }. Friends coupons need at least one: add stores in the MP console (门店管理), then list them here.
pf-st-import-failed = The merchant's stores could not be read (card/location/batchget: { $error }): list them here by hand.
pf-st-import-warn = { $appid }: its stores could not be read (card/location/batchget: { $error }); { $file } is written without [stores]
pf-st-import-missing = warning: { $file }: template `{ $template }` uses store set `{ $name }`, which the file's [stores] lacks: add `{ $name } = [poi_id, …]` under [stores] before planning

# --- round 5: planfile ---
pf-sv-version = { $path } has platform plan format { $found }; this cardform reads format { $supported }: plan again
pf-sv-account-tampered = { $path }: the plan of account { $account } was changed after it was written; apply only the plan that was reviewed: plan again
pf-sv-not-platform = { $path } is a platform's saved plan, but { $dir } is not a platform folder (its cardform.toml has no [platform])
pf-sv-not-platform-help = apply the plan in the checkout it was made in (it names the platform folder relative to the plan file), or plan again
pf-sv-one-account-plan = { $path } is a one-account saved plan (of { $dir }); it cannot be applied to a platform's accounts
pf-sv-one-account-plan-help = on a platform, save the plan with `cardform plan --accounts … --save FILE` and apply that file; a one-account plan is applied in its own project, without --accounts or --shard
pf-sv-selection = { $path } is a platform's saved plan: it holds the accounts it was planned for, so --accounts and --shard do not apply to it
pf-sv-selection-help = plan the accounts you want (`cardform plan --accounts … --shard K/N --save FILE`) and apply that file
pf-sv-component = { $path } was planned for component AppID { $planned }; the platform folder now has { $now }
pf-sv-plan-again = plan again and review the new plan
pf-sv-unsupported-apply = --refresh-only and --wait-for-review across accounts
pf-sv-saved = Saved the platform plan to { $path }: { $n } account(s) to apply, { $failed } failed to plan (checksum { $checksum }). Apply exactly this plan with: cardform apply { $path }
pf-sv-over-limits = Note: as it stands, applying this plan will be refused: { $why }
pf-sv-applying = Applying the saved platform plan { $path }: { $n } account(s) (checksum { $checksum })
pf-sv-other-commit = Note: the plan was made at commit { $planned }, the platform folder is at { $now }; each account is applied only if its files are as they were when planned
pf-sv-unplanned = Note: not in the plan, so not applied: { $accounts } (added since the plan; plan again to include them)
pf-sv-failed-when-planned = it failed when planned ({ $error }); nothing was applied: plan again
pf-sv-account-gone = its folder is no longer in the platform; nothing was applied
pf-sv-files-changed = its files (its folder, a template it uses, or the platform's cardform.toml) changed since the plan; nothing was applied: plan again
pf-sv-stale = { $error }; nothing was applied: plan again
pf-sv-merge = { $path } is a saved plan; `plan merge` joins the shards' JSON reports (`--out FILE`)
pf-sv-merge-help = each shard job applies its own saved plan (`cardform apply FILE`); merge the reports the shards wrote with --out for one review comment
pf-sv-report-saved = Saved plan, checksum { $checksum }{ $shard }: `cardform apply` prints the checksum of the plan it applies
# --- round 5: trust (plan --trusted-settings DIR on a platform) ---
pf-tr-missing = trusted settings: { $path } does not exist
pf-tr-file = trusted settings: { $path } is one file; a platform's trusted settings are a folder (its accounts' [policy] and appid are trusted too)
pf-tr-dir-help = give --trusted-settings (or CARDFORM_TRUSTED_SETTINGS) the folder of the base branch's platform: its cardform.toml and accounts/<name>/account.toml, e.g. `git worktree add --detach "$RUNNER_TEMP/base" origin/main`
pf-tr-not-platform = trusted settings: { $path } is not a platform's cardform.toml (it has no [platform])
pf-tr-not-platform-help = give the folder of the base branch's platform; if the base branch is not a platform yet, give the pull request's own folder (--trusted-settings .)
pf-tr-invalid = trusted settings { $path }: { $n } problem(s) in the base branch's files (listed above); nothing was sent
pf-tr-invalid-help = the trusted settings are read with the same schema as the platform's files; fix the base branch, or give the folder of a valid one
pf-tr-denied = the pull request proposes changes of the platform's trusted settings ({ $keys }) and `--deny settings` (or the trusted `[policy] deny = ["settings"]`) refuses them
pf-tr-shared-appid = AppID { $appid } is also account `{ $other }`'s once the base branch's AppIDs are taken: this pull request moves `{ $other }` to { $proposed }, but the plan runs it on the base branch's AppID ({ $file }); two account folders with one AppID would plan each other's cards away
pf-tr-shared-appid-help = an account's AppID is a trusted setting, in force only after merge: move `{ $other }` to its new AppID in a pull request of its own and merge it first, then give `{ $name }` the old AppID
pf-tr-shared-appids = { $n } problem(s) listed above: accounts that share an AppID once the base branch's AppIDs are taken; nothing was sent
pf-tr-shared-appids-help = under --trusted-settings each account runs on its base branch's AppID; see the help of each problem above
pf-tr-settings-head = Settings: { $file } proposes changes (in force only after merge)
pf-tr-md-settings = **Settings (in force only after merge).** This plan ran on the trusted settings; this pull request's `{ $file }` changes:
