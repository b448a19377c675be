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
pf-unsupported-save = --save and --html (use --format markdown|json|html, and --out FILE for the JSON report `plan merge` reads)
pf-unsupported-trusted = --trusted-settings (the platform's cardform.toml is one file for every account; review its changes in the pull request)
pf-unsupported-approve = apply across accounts without --auto-approve (review `cardform plan --accounts …` first, then apply with --auto-approve)
pf-unsupported-planfile = apply PLANFILE, --refresh-only and --wait-for-review across accounts
pf-unsupported-coins = coins activate|recharge|order across accounts (run them per account)
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
