# cardform's errors messages in English (the default). Every message here has a
# translation in zh-CN/errors.ftl (a unit test checks); the words follow ../glossary.md.

err-invalid-project = { $errors } { $errors ->
    [one] problem
   *[other] problems
} in { $dir }
err-invalid-project-help = fix the problems above; `cardform validate` checks the files offline
err-no-confirmation = refusing to apply without confirmation: standard input is not a terminal
err-no-confirmation-help = review the plan and run with --auto-approve, or save it with `cardform plan --out FILE` and `cardform apply FILE`

## The commands' own errors (src/commands/error.rs).

err-platform-unsupported = not on a platform project: { $what }
err-platform-unsupported-help = see docs/platform.md
err-invalid-project-file = { $path } is not a valid cardform.toml
err-invalid-project-file-help = fix cardform.toml; `cardform validate` checks it offline
err-invalid-trusted-settings-help = give --trusted-settings (or CARDFORM_TRUSTED_SETTINGS) a valid cardform.toml, e.g. the base branch's: git show origin/main:cardform.toml > base.toml
err-json-stdout = cannot write JSON to stdout: { $error }
err-cannot-write = cannot write { $path }: { $error }
err-refused-before-order = { $error }; no order was created
err-out-and-save = --out and --save both name a saved plan
err-out-and-save-help = give one: --out FILE saves the plan (--save is for --format html)
err-bad-address = `{ $address }` is not a valid address: a card address is a lower-case letter, then up to 63 lower-case letters, digits or `_` (as the key of [cards.<address>] in the card files)
err-bad-address-help = name the address the card has in the files, e.g. `cardform state mv old_name new_name`
err-not-managed = no managed card at address { $address }
err-not-managed-help = `cardform state list` shows the managed addresses; apply the card first
err-qr-card-gone = { $address } (card_id { $card_id }) is deleted on WeChat: no QR code
err-qr-refused = refusing to create a QR code for { $address }: { $why }
err-chart-kind = --chart { $path }: cardform draws SVG or PNG charts
err-chart-kind-help = name the chart FILE.svg or FILE.png
err-dates-reversed = --from { $from } is after --to { $to }
err-no-stats-card = no managed card at { $address }
err-no-stats-card-help = `cardform state list` shows the managed addresses
err-cannot-read = cannot read { $path }: { $error }
err-cannot-create = cannot create { $path }: { $error }
err-stdout = cannot write to stdout: { $error }
err-cannot-render = cannot render { $what }: { $message }
err-shapes = --shapes { $value }: expected doc or numbers
err-shapes-help = --shapes doc writes 券点 amounts as WeChat's doc samples and captures (decimal strings), --shapes numbers writes every amount as a number
err-no-cards-folder-help = run fmt on a project folder (one with cards/), or `cardform init` to start one
err-unformattable = some card files could not be formatted
err-unformattable-help = fix the syntax errors above (`cardform validate` shows every problem), then run fmt again
err-init-appid-help = give the AppID with --appid, or use --sandbox to start without an account
err-init-clash = not overwriting { $files }
err-init-clash-help = init only starts new projects: choose an empty folder, or move these files away
err-unknown-card = --card { $wanted }: no card has this address in { $root }
err-unknown-card-help = the project's cards are: { $known }
err-card-message = card { $address }: { $message }
err-fonts = previews as PNG: { $error }

## The state (crates/cardform-state).

err-state-io = state: cannot { $action } { $path }: { $error }
err-state-io-help = check that the folder exists and this user may read and write it; the state was left as it was
err-state-corrupt = state: { $location } cannot be read: { $detail }.
err-state-corrupt-untouched = It was left untouched; cardform will not overwrite it.
err-state-corrupt-backup = {" "}The previous version is in { $backup }: inspect it and copy it back over the broken file if it is right.
err-state-corrupt-no-backup = {" "}No backup exists; repair the file by hand or restore it from elsewhere.
err-state-version = state: { $location } has format version { $found }; this cardform reads version { $supported }. Use the cardform release that wrote it (the file was left untouched).
err-state-lineage = state: { $location } belongs to another state (lineage { $theirs }, ours { $ours }); refusing to overwrite it. If you meant to replace it, move it away first.
err-state-stale-serial = state: { $location } was written by another run since it was read (serial { $found }, expected { $expected }); refusing to overwrite it. Run the command again to start from the newer state.
err-state-newer-serial = state: { $location } has serial { $found }, newer than the state being written (serial { $ours }); refusing to overwrite it.
err-state-newer-serial-help = pull the newer state first (`cardform state pull`), or push a state that starts from it
err-state-locked = state: { $location } is locked by { $holder }{ $waited }.
err-state-locked-stuck = If that run was killed and the lock is stuck, run `cardform force-unlock { $id }` (make sure it is not running first).
err-state-locked-unknown = state: { $location } is locked by another process that left no holder information{ $waited }. Try again later.
err-state-waited = {" "}(waited { $waited })
err-state-lock-timeout-hint = {" "}(use --lock-timeout to wait for it)
err-state-not-locked = state: { $location } is not locked (no lock { $given } to release)
err-state-lock-id-mismatch = state: lock id { $given } does not match the lock on { $location }, held by { $holder }; nothing was released
err-state-lock-id-mismatch-help = quote the lock id the holder shows, and only once that run has stopped
err-state-holder-alive = state: the lock on { $location } is still held by a running process: { $holder }. Stop that run (or wait for it) instead of forcing the lock.
err-state-journal-without-state = state: { $location } has a journal but no state snapshot. The snapshot was removed or moved; put it back, or run `cardform state restore-backup` to make its previous version (the `.backup` beside it) the state, before running again.
err-state-missing-with-backup = state: { $location } does not exist, but its backup { $backup } does ({ $detail }). The state was deleted or moved; cardform will not start a new, empty state beside the backup: that would create every card again and lose the only record of their card_ids.
err-state-missing-with-backup-todo = Run `cardform state restore-backup` in the project folder to make the backup the state again (or put the state file back). If you really mean to start over with no managed cards, move the backup away first.
err-state-older-than-backup = state: { $location } (serial { $serial }) is older than its backup { $backup } (serial { $backup_serial }): an older copy of the state was put in its place, and planning from it would delete, duplicate or orphan cards.
err-state-older-than-backup-todo = Run `cardform state restore-backup` in the project folder to make the backup the state again (the current file is kept as a copy). If this older state really is the one to use, move the backup away first.
err-state-invariant = state: { $location } breaks { $count } rule(s) of a state, and a run from it could delete or duplicate live cards; it was refused and left untouched:
err-state-invariant-hand-edit = If the state was edited by hand, restoring the version before the edit also works.
err-state-invariant-help = `cardform state list` and `cardform state show ADDRESS` show the entries; nothing was planned or changed
err-state-usage = state: { $message }
err-state-encode = state: cannot write { $location }: { $detail }
err-state-backend = state backend { $location }: { $detail }
err-state-backend-help = the state was not changed; check the database URL, its sslmode/sslrootcert, PGUSER/PGPASSWORD, and that the server is reachable
# The verbs of err-state-io.
err-state-act-append = append to
err-state-act-copy-backup = copy to backup
err-state-act-create-folder = create folder
err-state-act-create = create
err-state-act-cut-tail = cut the torn tail of
err-state-act-fsync-folder = fsync folder
err-state-act-fsync = fsync
err-state-act-lock = lock
err-state-act-open-folder = open folder
err-state-act-open-journal = open journal
err-state-act-open-lock = open lock file
err-state-act-open = open
err-state-act-read = read
err-state-act-remove = remove
err-state-act-rename-into-place = rename into place
err-state-act-rename = rename
err-state-act-reopen = reopen
err-state-act-truncate-journal = truncate journal
err-state-act-write = write
# The holder of a lock (LockInfo).
err-state-holder = { $user }@{ $host } (pid { $pid }, `{ $operation }`, since { $since }, lock id { $id })
# The rules a state breaks (invariants.rs).
err-inv-shared-card-id = card { $card_id } is held by { $count } addresses ({ $addresses }); one card has one address. Keep the right one and remove the others with `cardform state rm ADDRESS` (e.g. `cardform state rm { $last }`)
err-inv-deposed-shares-managed = the replaced-card entry { $deposed } holds card { $card_id }, which { $managed } manages: deleting it would delete that live card. Remove the entry with `cardform state rm { $deposed }`
err-inv-shared-deposed = card { $card_id } is held by several replaced-card entries ({ $addresses }); keep one and remove the others with `cardform state rm ADDRESS`
err-inv-deposed-id-mismatch = the replaced-card entry { $address } holds card { $card_id }, not the card its name gives; remove it with `cardform state rm { $address }` (the card itself is not touched)
err-inv-bad-card-id = { $address } holds card_id { $card_id }, which is not a WeChat card_id (1 to 64 of A-Z a-z 0-9 _ -); remove it with `cardform state rm { $address }` and adopt the card again with `cardform import`
err-inv-bad-status = { $address } has review status { $status }, which is not a status WeChat sends; remove it with `cardform state rm { $address }` and adopt the card again with `cardform import`
err-inv-bad-address = the address { $address } is empty or has spaces or control characters; rename it with `cardform state mv { $address } NEW_ADDRESS`

## WeChat's errcodes: what each means and what to do (the table in crates/cardform-spec/src/errcode.rs, word for word; a test keeps them equal).
err-wx-m1-meaning = WeChat is busy
err-wx-m1-guidance = cardform retries with backoff; if it persists, run again later
err-wx-40001-meaning = wrong AppSecret, or the token is invalid or not the latest
err-wx-40001-guidance = check the AppSecret in the environment variable named in cardform.toml; another service may have refreshed a classic token (use stable_token or a central token server)
err-wx-40002-meaning = invalid credential type
err-wx-40002-guidance = report a bug: cardform sent a wrong grant_type
err-wx-40003-meaning = invalid openid; for friends coupons the code was not marked before consume
err-wx-40003-guidance = call card/code/mark for the code and openid before consuming it
err-wx-40005-meaning = the image is not JPG or PNG
err-wx-40005-guidance = convert the image to JPG or PNG
err-wx-40007-meaning = the media id is unknown or expired (temporary media live 3 days)
err-wx-40007-guidance = upload the file again (cardform re-uploads a sub-merchant's protocol by itself on the next apply)
err-wx-40009-meaning = image too large (over 1 MB)
err-wx-40009-guidance = shrink the image below 1 MB
err-wx-40013-meaning = invalid AppID
err-wx-40013-guidance = check account.appid in cardform.toml
err-wx-40014-meaning = invalid access token
err-wx-40014-guidance = cardform refreshes the token once; if it persists, check the token source
err-wx-40053-meaning = invalid action_info in a QR request
err-wx-40053-guidance = fix the qrcode request
err-wx-40056-meaning = unknown or unclaimed code
err-wx-40056-guidance = check the code and card_id
err-wx-40071-meaning = invalid card type or malformed create JSON
err-wx-40071-guidance = check card_type and the fields under the type key
err-wx-40073-meaning = no such card_id for this account
err-wx-40073-guidance = the card was deleted or belongs to another account: `cardform state rm` it or import the right card_id
err-wx-40075-meaning = the encrypt_code is invalid (seed 核销 errcodes: url-decode it before posting)
err-wx-40075-guidance = URL-decode the encrypt_code taken from the card page link before calling card/code/decrypt
err-wx-40078-meaning = the card is in the wrong status (e.g. not yet approved); friends consume: the code was deleted or is being gifted (seed)
err-wx-40078-guidance = wait until WeChat approves the card, then run again
err-wx-40079-meaning = invalid time; for friends coupons the coupon has expired
err-wx-40079-guidance = check the validity window
err-wx-40097-meaning = a parameter is out of range (emulator: batchget count over 50, whitelist over 10, 券点 order problems)
err-wx-40097-guidance = fix the request; report a bug if cardform sent it
err-wx-40099-meaning = code already consumed
err-wx-40099-guidance = nothing to do: the code was already redeemed
err-wx-40100-meaning = invalid time range
err-wx-40100-guidance = check date_info: begin before end, both before 2038-01-19
err-wx-40122-meaning = invalid stock quantity (e.g. reducing below zero)
err-wx-40122-guidance = raise sku.quantity: the stock cannot go below what users already claimed
err-wx-40125-meaning = invalid AppSecret
err-wx-40125-guidance = check the AppSecret in the environment variable named in cardform.toml
err-wx-40127-meaning = the code was deleted by the user or is being gifted
err-wx-40127-guidance = nothing cardform can change
err-wx-40164-meaning = this machine's IP is not on the account's API IP whitelist
err-wx-40164-guidance = add this machine's IP to the whitelist in the Official Account settings
err-wx-40170-meaning = a list call asked for more items than one page may hold
err-wx-40170-guidance = report a bug: cardform pages through authorizer lists 500 at a time
err-wx-40243-meaning = the AppSecret is frozen
err-wx-40243-guidance = unfreeze or reset the AppSecret in the Official Account settings
err-wx-41001-meaning = no access token was sent
err-wx-41001-guidance = report a bug: cardform sent a request without a token
err-wx-41002-meaning = no AppID was sent to the token endpoint
err-wx-41002-guidance = set account.appid in cardform.toml
err-wx-41004-meaning = no AppSecret was sent to the token endpoint
err-wx-41004-guidance = set the environment variable named in cardform.toml to the AppSecret
err-wx-41005-meaning = no image in the upload (multipart field `buffer`)
err-wx-41005-guidance = report a bug: cardform sent an upload without the image
err-wx-41011-meaning = a required field is missing (errmsg names it)
err-wx-41011-guidance = add the field named in the message
err-wx-41012-meaning = card_id missing
err-wx-41012-guidance = report a bug: cardform sent a request without card_id
err-wx-42001-meaning = the access token expired
err-wx-42001-guidance = cardform refreshes the token once; if it persists, check the token source
err-wx-43001-meaning = this API takes GET
err-wx-43001-guidance = report a bug: wrong HTTP method
err-wx-43002-meaning = this API takes POST
err-wx-43002-guidance = report a bug: wrong HTTP method
err-wx-44002-meaning = the request body was empty
err-wx-44002-guidance = report a bug: cardform sent an empty body
err-wx-45009-meaning = the daily API quota is used up
err-wx-45009-guidance = stop until tomorrow, or reset the quota (10 resets a month) and run again
err-wx-45011-meaning = the per-minute frequency limit was hit
err-wx-45011-guidance = cardform retries in the next minute; lower limits.requests_per_second
err-wx-45021-meaning = a field is too long (friends coupons: gift rule list over 10)
err-wx-45021-guidance = shorten the field; `cardform validate` counts bytes as WeChat does
err-wx-45030-meaning = this card cannot be managed through the API
err-wx-45030-guidance = cards made on the MP web platform or by another account cannot be managed; remove it from state
err-wx-45031-meaning = the stock is 0
err-wx-45031-guidance = raise sku.quantity
err-wx-45033-meaning = a user claimed more than get_limit
err-wx-45033-guidance = raise get_limit
err-wx-47001-meaning = malformed JSON, a non-updatable field (brand_name) or the wrong type key on update
err-wx-47001-guidance = this field cannot be updated in place: the plan should replace the card; report a bug if it did not
err-wx-48001-meaning = the API is not authorised for this account or token type
err-wx-48001-guidance = enable the card (卡券) feature, or authorise it for the third-party platform
err-wx-48004-meaning = the API is banned for this account
err-wx-48004-guidance = see the notice in the Official Account admin console
err-wx-61003-meaning = the merchant revoked (or never granted) the third-party platform's authorisation
err-wx-61003-guidance = the merchant must authorise the platform again; this account is skipped until then
err-wx-61004-meaning = client IP not registered (newer code)
err-wx-61004-guidance = add this machine's IP to the API IP whitelist
err-wx-61005-meaning = the component_verify_ticket is older than its 12-hour validity
err-wx-61005-guidance = give the latest component_verify_ticket WeChat pushed (every 10 minutes) to the authorisation-event URL
err-wx-61006-meaning = the component_verify_ticket is not one WeChat issued to this component
err-wx-61006-guidance = give the latest component_verify_ticket of this component AppID
err-wx-61007-meaning = the permission set is not authorised to the third-party component
err-wx-61007-guidance = ask the merchant to authorise the card permission set
err-wx-61009-meaning = the authorization code is unknown or was used already
err-wx-61009-guidance = start the authorisation again to get a new code
err-wx-61010-meaning = the authorization code is older than its validity
err-wx-61010-guidance = start the authorisation again to get a new code
err-wx-61023-meaning = the authorizer_refresh_token is wrong or no longer valid
err-wx-61023-guidance = read the current refresh token from api_get_authorizer_list (cardform does so), or have the merchant authorise again
err-wx-61500-meaning = a datacube date is not YYYY-MM-DD
err-wx-61500-guidance = write dates as 2015-06-15
err-wx-61501-meaning = a datacube range is longer than 62 days
err-wx-61501-guidance = query at most 62 days at a time
err-wx-76021-meaning = quota/get: unknown API path
err-wx-76021-guidance = check the path
err-wx-76022-meaning = quota/get: token does not match the account
err-wx-76022-guidance = use the token of the account whose quota you ask for

## The WeChat client (crates/cardform-client).

err-api-connect = could not connect
err-api-timeout = timed out
err-api-dropped = connection dropped
err-api-body = could not read the answer
err-api-wechat = { $endpoint }: WeChat errcode { $code } ({ $errmsg }){ $after }: { $meaning }. What to do: { $guidance }
err-api-after-attempts = {" "}after { $attempts } attempts
err-api-quota = { $endpoint }: WeChat errcode 45009 ({ $errmsg }): { $meaning }. What to do: { $guidance }. The run stops here.
err-api-outcome-unknown = { $endpoint }: the request may have reached WeChat but no usable answer came back ({ $reason }); it was not retried because repeating it could act twice. Check the live cards (the next plan finds what happened) before running again
err-api-outcome-unknown-help = run `cardform plan` to see whether the change took effect before applying again
err-api-transport = { $endpoint }: { $kind } ({ $url }) after { $attempts } attempt(s): { $message }. Check the network and the endpoint in cardform.toml
err-api-transport-help = check the network and the endpoint in cardform.toml, then run again
err-api-http-status = { $endpoint }: HTTP status { $status } after { $attempts } attempt(s). Run again later; if it persists, check the endpoint in cardform.toml
err-api-malformed = { $endpoint }: unexpected answer from WeChat ({ $reason }); raw answer: { $raw }
err-api-malformed-help = WeChat answered in a shape cardform cannot read (the raw answer is in the message); run again, and report it with the endpoint if it persists
err-api-token-command = token command `{ $program }` { $problem }
err-api-token-unavailable = could not get an access token ({ $source_name } source), so the run stops before any further WeChat call: { $cause }. What to do: { $advice }
err-api-advice-token-quota = the token endpoint's daily quota is used up; wait for the daily reset, or let a central token server hand out tokens ([account.token] env or command)
err-api-advice-token-transient = WeChat's token endpoint is failing; run again in a few minutes
err-api-advice-token-account = fix the account settings named above ([account] and [account.token] in cardform.toml and the environment variables they name), then run again
err-api-advice-token-unreachable = the token endpoint is unreachable or failing; check the network and the endpoint in cardform.toml, or run again in a few minutes
err-api-advice-token-command = run the token command by hand to see why it fails
err-api-advice-token-env = set a valid token in the environment variable named in cardform.toml
err-api-advice-token-other = fix the cause above, then run again
err-api-advice-platform-revoked = the merchant revoked (or never granted) the platform's authorisation: this account is skipped until the merchant authorises the platform again
err-api-advice-platform-refresh = the refresh token is not valid any more: read the authorizer list again (api_get_authorizer_list), or have the merchant authorise the platform again
err-api-advice-platform-ticket = the component_verify_ticket is stale or not the latest: give the ticket WeChat pushed last (every 10 minutes, valid 12 hours)
err-api-advice-platform-other = check the platform settings ([platform] in the root cardform.toml: component AppID, the component secret and verify ticket variables), then run again
err-api-unknown-meaning = an errcode cardform's table does not know
err-api-unknown-guidance = look the code up in WeChat's global error code list; run with --debug for the full answer
err-api-env-empty = environment variable { $var } is empty: it must hold { $what } (named in cardform.toml under [account.token])
err-api-env-unset = environment variable { $var } is not set: it must hold { $what } (named in cardform.toml under [account.token])
err-api-what-appsecret = the AppSecret of { $appid }
err-api-what-token = an access token of { $appid }
err-api-what-component-secret = the AppSecret of component { $appid }
err-api-what-ticket = the latest component_verify_ticket
err-api-what-refresh-token = the authorizer_refresh_token of { $appid }
err-api-command-empty = account.token.command is empty: give the program and its arguments, e.g. ["token-client", "--app", "wx…"]
err-api-no-refresh-token = authorizer { $appid } has no authorizer_refresh_token: read it from api_get_authorizer_list, or have the merchant authorise the platform again
err-api-component-refused = the component token was refused twice; check the component AppSecret and verify ticket
err-api-cmd-start = could not start: { $error }; check account.token.command in cardform.toml
err-api-cmd-timeout = did not finish within { $seconds } s; it was stopped
err-api-cmd-failed = failed while running: { $error }
err-api-cmd-exit = exited with { $status }; its stderr ({ $bytes } bytes) is not shown because it may contain secrets: run the command yourself to see it
err-api-cmd-utf8 = printed something that is not UTF-8 on stdout
err-api-cmd-json = printed JSON that does not parse ({ $error }); print the token alone or {"{"}"access_token": …, "expires_in": …{"}"}
err-api-cmd-no-token = printed JSON without an access_token
err-api-cmd-one-token = must print exactly one token on stdout (or JSON with access_token)

## The emulator (crates/cardform-emulator).

err-emu-not-loopback = refusing to listen on { $addr }: the emulator binds loopback addresses only; use 127.0.0.1:PORT (or [::1]:PORT)
err-emu-bad-listen = `{ $addr }` is not a listen address; write it as 127.0.0.1:PORT (port 0 picks a free port)
err-emu-bind = cannot listen on { $addr }: { $error }; pick another port or stop what is using it
err-emu-data = emulator data { $path }: { $message }
err-emu-locked = emulator data { $path } is in use by another emulator (lock { $lock } is held); stop the other run or use another data file
err-emu-fault = invalid fault rule `{ $spec }`: { $message } (see docs/emulator.md, "Fault rules")
err-emu-quota = invalid quota `{ $spec }`: { $message }; write PATH=DAILY or PATH=DAILY/PER_MINUTE

## The write policy (src/write_policy.rs).

err-write-owned = refusing to write { $given }: it is { $what } ({ $resolved }). Writing there would destroy it
err-write-owned-help = choose a path outside the project's own files, e.g. plan.json beside the project or under a build folder
err-write-not-own-kind = refusing to write { $given }: the file exists and is not { $kind } ({ $resolved })
err-write-not-own-kind-help = cardform only replaces files of the kind it writes; remove the file yourself if it may go, or choose a new path
err-write-folder = refusing to write { $given }: it is a folder ({ $resolved })
err-write-folder-help = give a file name
err-write-no-folder = cannot write { $given }: its folder { $folder } does not exist
err-write-no-folder-help = create the folder first, or name a file in a folder that exists
err-write-kind-saved-plan = a saved plan
err-write-kind-review-page = a cardform review page
err-write-kind-svg = an SVG image
err-write-kind-png = a PNG image
err-write-kind-man = a man page
err-write-kind-state-copy = a copy of a cardform state
err-write-kind-state-sidecar = a file a cardform state keeps beside it
err-write-kind-new-cards = a new card file
err-write-in-cards = in the cards/ folder, which holds the card files
err-write-in-assets = in the assets/ folder, which holds the images cards use
err-write-in-schema = in the schema/ folder, which holds the schemas editors check the files with
err-write-in-accounts = in the accounts/ folder, which holds the merchant accounts' files
err-write-in-templates = in the templates/ folder, which holds the card templates
err-write-in-state = in the state/ folder, which holds the state, its backup, journal and lock, and the sandbox's world
err-write-in-state-dir = in the folder that holds the state, its backup, journal and lock, and the sandbox's world
err-write-project-file = the project file cardform.toml
err-write-image = an image a card uses
err-write-state-file = the state file
err-write-state-backup = the state's backup
err-write-state-journal = the state's journal
err-write-state-lock = the state's lock
err-write-state-lock-info = the state's lock holder record
err-write-event-log = the push-event log (`cardform events serve`)
err-write-sandbox-world = the sandbox's world (every card of `endpoint = "sandbox"`)
err-write-project-folder = the project folder itself
err-write-dotfile = a dotfile or dot-folder of the project (.gitignore, .taplo.toml, .github/…), which the user or cardform init owns
err-write-dot-folder = a dot-folder of the project

## A run: session, engine, refresh, saved plans, whose state (src/).

err-session-client = WeChat client: { $error }
err-session-sandbox = could not start the embedded sandbox: { $error }
err-session-runtime = cannot start the async runtime: { $error }
err-run-recover = resolving interrupted operations: { $error }
err-run-pricing = pricing the plan's 券点 purchases (card/pay/getcoinsinfo, getpayprice): { $error }; a plan whose cost is unknown cannot be approved — activate the account with `cardform coins activate`, or set the friends coupons' stock back
err-run-unknown-stores = friends coupons name stores (poi_id) this account does not have (card/location/batchget): { $stores }; nothing was created or bought
err-run-unknown-stores-help = a friends coupon's location_id_list takes only the account's own stores (seed 创建朋友的券): use ids card/location/batchget lists (the MP platform's 门店管理), and plan again
err-run-stores = reading the account's stores (card/location/batchget) to check the friends coupons' location_id_list: { $error }
err-run-ambiguous = cannot apply: { $error }
err-run-ambiguous-help = run `cardform state resolve ADDRESS --adopt CARD_ID` (then delete the other cards) or `--forget`, and apply again
err-run-refresh-only = { $path } is a refresh-only plan; run `cardform apply --refresh-only DIR` instead
err-run-sub-merchants-help = use a primary and secondary category id that card/getapplyprotocol lists
err-run-sub-merchant-read = reading the sub-merchants (card/submerchant/get, batchget, card/getapplyprotocol): { $error }
err-live-refresh = refreshing card { $address } ({ $card_id }): { $error }
err-live-shape = card { $card_id }: WeChat's card/get answer has an unexpected shape at `{ $field }`: { $problem } (run with --debug to see the raw JSON; report it if WeChat changed its format)
err-saved-read = cannot read plan file { $path }: { $error }
err-saved-parse = { $path } is not a cardform plan file ({ $problem }); make one with `cardform plan --out FILE`
err-saved-version = { $path } has plan format { $found }; this cardform reads format { $supported }: plan again
err-saved-tampered = { $path } was changed after it was written (checksum { $found }, its content hashes to { $actual }); apply only the plan that was reviewed: plan again
err-saved-stale-state = the saved plan is stale: the state changed since it was made (plan: { $planned }, state now: lineage { $lineage } serial { $serial })
err-saved-no-state = no state
err-saved-stale-state-help = plan again and review the new plan
err-saved-pending = the state has { $count } interrupted operation(s); the saved plan cannot account for them
err-saved-pending-help = run `cardform plan` to resolve them, then plan again
err-saved-stale-live = the saved plan is stale: { $cards } changed on WeChat since the plan was made
err-saved-stale-live-help = plan again to see and review the current differences
err-owner-other-account = the state records the cards of account { $state }, but this project talks to account { $ours }: planning from it would delete that account's cards here and create duplicates.
err-owner-other-account-todo = Check the folder, the `state` setting and `[account] appid`. If this state really is this project's (the same cards, moved to another AppID), run `cardform state adopt-lineage` to record this project as its owner.
err-owner-other-project = the state belongs to project { $state }, but cardform.toml says project_id = "{ $ours }": it is another project's state (copied in, or a wrong `state` setting), and planning from it would delete that project's cards and create duplicates of this one's.
err-owner-other-project-todo = Put this project's own state back (`cardform state restore-backup` if the backup is it). If this state really is this project's, run `cardform state adopt-lineage`.
err-owner-state-lost = cardform.toml says this project was applied before (project_id = "{ $project }"), but its state is empty: no card, no owner (the state file or folder was deleted, or the pipeline did not get the state). Planning from nothing would create a second copy of every live card.
err-owner-state-lost-todo = Bring the state back if a copy exists (`cardform state restore-backup`, `cardform state push FILE`). Otherwise re-attach the live cards to the files: `cardform import --reattach --dry-run --dir { $dir }`, then the same without --dry-run. If this really is a new project (cardform.toml copied from another one), delete the project_id line.

## Trust (src/config/trust.rs).

err-trust-foreign-endpoint = { $origin }: endpoint "{ $endpoint }" is not a WeChat API host. cardform sends the AppSecret and access tokens only over https to { $hosts }, to loopback (the emulator, http://127.0.0.1:PORT) or to "sandbox", so a change to cardform.toml cannot send them elsewhere. If you trust this endpoint, name it outside the repository: --endpoint { $endpoint } or { $env }={ $endpoint } in the pipeline (either overrides cardform.toml)
err-trust-plain-http = { $origin }: endpoint "{ $endpoint }" uses http:// to a host that is not loopback: the AppSecret and access tokens would cross the network unencrypted. Use https:// (plain http is for the emulator on 127.0.0.1, localhost or [::1])
err-trust-bad-endpoint = { $origin }: endpoint "{ $endpoint }" { $problem }; use "sandbox", https://api.weixin.qq.com or http://127.0.0.1:PORT
err-trust-token-command = { $origin }: [account.token] source = "command" would run `{ $program }`, a program named in a file of the repository. cardform runs it only when the operator allows it: set { $env }=1 in the pipeline's environment (not in the repository), or run cardform on an interactive terminal
err-trust-foreign-state = { $origin }: state "{ $url }" would send PGUSER/PGPASSWORD to { $host }, which is not loopback. If you trust this server, name the state outside the repository: --state URL or { $env }=URL in the pipeline (either overrides cardform.toml)
err-trust-empty-state = { $origin }: `state` is empty: it names no file (the sandbox's world and the state would land in the folder above the project). Remove the line to keep the state in state/cardform.state.json, or name a file or a postgres:// URL
err-trust-bad-state = { $origin }: state "{ $url }": { $problem }

## State commands (src/commands/state.rs, resolve.rs).

err-resolve-nothing-pending = { $address } has no operation with an unknown outcome in { $state }{ $others }
err-resolve-pending-others = {" "}(pending: { $ops })
err-resolve-nothing-pending-help = `cardform state list` shows pending operations; to manage an existing card use `cardform import`
err-resolve-not-a-create = { $address }'s interrupted operation is a { $ops }, not a create; there is no card to adopt
err-resolve-not-a-create-help = use --forget: the next plan reads the live card anyway
err-resolve-held-elsewhere = card { $card_id } is already managed as { $other }; adopt a card no address holds
err-resolve-gone = card { $card_id } is deleted on WeChat; it cannot be adopted
err-resolve-gone-help = use --forget if no card was made
err-statecmd-no-local-backup = the state of { $dir } is not a local file, so it has no .backup to restore
err-statecmd-no-local-backup-help = PostgreSQL keeps every earlier version in the cardform_state_history table; restore one from there
err-statecmd-empty-backup = { $path } holds no cards: it was taken before the first apply created any. Restoring it would make the next apply create every card again, duplicating the live ones
err-statecmd-empty-backup-help = if the lost state held cards, restore this empty backup with `--allow-empty` and re-attach the live cards to the files with `cardform import --reattach --dir DIR` (`--dry-run` first shows the pairings; `cardform import ADDRESS CARD_ID` pairs one by hand)
err-statecmd-no-project = cannot read { $path }: { $error }. Run this in a project folder or give it with --dir.
err-statecmd-bad-toml = { $path }: not valid TOML: { $error }
err-statecmd-not-string = { $path }: `state` must be a string (a path or a postgres:// URL), not { $found }
err-statecmd-none-yet = no state at { $location } yet (nothing has been applied or imported)
err-statecmd-none = no state at { $location }
err-statecmd-taken = { $address } is already in the state; remove it first (`cardform state rm { $address }`) if you mean to replace it
err-statecmd-destination-pending = { $dest } has { $count } operation(s) with unknown outcome; run `cardform apply` against it to resolve them before replacing it
err-statecmd-backup = cannot write the backup { $path } ({ $error }); the state was not edited
err-statecmd-pending = { $address } has a pending { $op } from an earlier run (started { $started }) whose outcome is unknown; run `cardform apply` to resolve it before editing this address
err-statecmd-unknown = { $address } is not in the state at { $location }.{ $closest } (`cardform state list` shows the addresses)

## The state's other messages (crates/cardform-state: backends, notices, PostgreSQL URLs).

err-state-no-backup = there is no backup { $backup } to restore (a backup is kept from the second save of a state on)
err-state-torn-record = the last record of { $journal } was cut short (a run stopped while writing it) and was ignored; the operation it described had not been started
err-state-skipped-records = { $count } journal record(s) were already part of the snapshot (an earlier run stopped while saving) and were not applied again
err-state-skipped-rows = { $count } journal row(s) were already part of the snapshot and were not applied again
err-state-nothing-loaded = no state loaded or committed for { $location } before recording an operation (commit an initial state first)
err-state-load-first = load { $location } before committing to it
err-state-unfolded = the state being committed has folded journal records up to { $folded } but the journal of { $location } has records up to { $last }; apply every recorded change before committing
err-state-unknown-backend = `state = "{ $state }"` in cardform.toml: unknown state backend; use a file path or postgres://host:port/db
err-state-names-nothing = the state setting names no file and no PostgreSQL URL
err-state-no-event-log = the state setting names no file and no PostgreSQL URL, so there is no event log
err-pg-percent = `state = "{ $state }"`: the value of `{ $key }` is not valid percent-encoding
err-pg-unsupported-key = `state = "{ $state }"`: `{ $key }` is not supported by cardform (keys must be unencrypted PEM files; revocation lists are not read)
err-pg-not-url = `state = "{ $state }"` in cardform.toml is not a PostgreSQL URL ({ $error }); write postgres://host:port/database
err-pg-sslmode = { $place }: sslmode `{ $given }` is not one of disable, prefer, require, verify-ca, verify-full
err-pg-password = `state = "{ $state }"` in cardform.toml carries a password: remove it from the URL and set PGPASSWORD in the environment instead
err-pg-no-user = no PostgreSQL user: put it in the URL (postgres://USER@host/db) or set PGUSER
err-pg-no-ca = sslmode={ $mode } checks the server's certificate against a CA, and none is given: set sslrootcert=/path/to/ca.pem in the URL (or PGSSLROOTCERT) to the CA your database provider publishes, or sslrootcert=system to trust the system's CAs
err-pg-cert-without-key = sslcert is set without sslkey: a client certificate needs its key (sslkey=… or PGSSLKEY)
err-pg-key-without-cert = sslkey is set without sslcert: a client key needs its certificate (sslcert=… or PGSSLCERT)
err-pg-disable-with-cert = sslmode=disable with a client certificate: the certificate is only sent over TLS; remove sslmode=disable

## I/O errors (io_words: English keeps the system's own text; these are its kinds).

err-io-with-code = { $error } (os error { $code })
err-io-not-found = No such file or directory
err-io-permission-denied = Permission denied
err-io-already-exists = File exists
err-io-is-a-directory = Is a directory
err-io-not-a-directory = Not a directory
err-io-directory-not-empty = Directory not empty
err-io-read-only = Read-only file system
err-io-storage-full = No space left on device
err-io-addr-in-use = Address already in use
err-io-connection-refused = Connection refused
err-io-timed-out = Connection timed out
err-io-broken-pipe = Broken pipe

## Why an endpoint is not one (err-trust-bad-endpoint's problem).

err-trust-not-url = is not a URL ({ $error })
err-trust-not-http = is not an http(s) URL
err-trust-credentials = carries a user name or password; secrets never live in cardform.toml
err-trust-no-host = has no host

## What is wrong with a state file, its backup, and the PostgreSQL connection.

err-state-empty-file = the file is empty
err-state-not-a-document = not a valid state document ({ $error })
err-state-damaged-record = a journal record in the middle of the journal is damaged ({ $error }); the journal holds the operations since the last snapshot, so it cannot be skipped safely
err-state-backup-detail = serial { $serial }, { $count } card(s)
err-state-backup-unreadable = it cannot be read: { $error }
err-pg-connect = cannot connect: { $detail }{ $hint }
err-pg-thread-stopped = the connection thread stopped
err-pg-closed = the connection is closed
err-pg-hint-needs-tls = . The server accepts only encrypted connections and sslmode={ $mode } turned TLS off: remove sslmode=disable (PGSSLMODE), or better set sslmode=verify-full&sslrootcert=/path/to/ca.pem
err-pg-hint-no-tls = . sslmode={ $mode } needs TLS and the server does not offer it: enable ssl on the server, or (on a network you trust) set sslmode=prefer or disable
err-pg-hint-client-cert = . The server asks for a client certificate: set sslcert=/path/client.crt&sslkey=/path/client.key in the URL (or PGSSLCERT and PGSSLKEY)
err-pg-hint-credentials = {" "}(user from the URL or PGUSER, password from PGPASSWORD)

## What is wrong in a card/get answer (src/live.rs, err-live-shape's problem).

err-live-missing = missing
err-live-not-string = missing or not a string
err-live-not-coupon-type = `{ $card_type }` is not a coupon type cardform manages
err-live-not-object = missing or not an object
err-live-unexpected = unexpected value { $value }

# Notices of opening the state (crates/cardform-state/src/session.rs).
state-notice-waited = waited { $waited } for the lock on { $location }, held by { $holder }
state-notice-stale-lock = took over the lock on { $location } left by a run that is no longer running: { $stale }
state-notice-pending = { $count } operation(s) from an earlier run have no recorded outcome and must be resolved: { $operations }

# After the first apply records whose state it is (src/state_owner.rs).
err-project-id-wrote = note: wrote project_id = "{ $id }" into { $file }: commit it; from now on a state of another project is refused here
err-project-id-failed = warning: could not write project_id into { $file } ({ $error }); add `project_id = "{ $id }"` at its top by hand
