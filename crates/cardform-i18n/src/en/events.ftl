# cardform's events messages in English (the default). Every message here has a
# translation in zh-CN/events.ftl (a unit test checks); the words follow ../glossary.md.

## cardform events serve|list: the command's errors (src/events/mod.rs)
ev-no-token = { $env } is not set
ev-no-token-help = set { $env } to the Token configured for the server URL in WeChat's admin console (it is never read from a file, never printed)
ev-bad-key = { $env }: { $error }
ev-bad-key-help = { $env } must be the 43-character EncodingAESKey from WeChat's admin console
ev-no-appid = no AppID to check encrypted messages against
ev-no-appid-help = give --app-id, or run in a project folder whose cardform.toml has [account] appid
ev-bad-listen = --listen { $value }: not an address (write e.g. 127.0.0.1:8089)
ev-bind = cannot listen on { $addr }: { $error }
ev-bad-since = --since { $value }: expected a duration (30m, 2h, 7d) or an RFC 3339 time
ev-stdout = cannot write to stdout: { $error }
ev-push-url = --push-url: { $error }
ev-runtime = cannot start the runtime: { $error }

## cardform events serve: what it says on stderr (src/commands/events.rs, src/events/receiver.rs)
ev-serve-no-key = note: { $env } is not set: only plain-mode messages can be read; encrypted ones are refused
ev-serve-open = note: listening on { $addr }, beyond this machine; WeChat requires HTTPS on 443 or 80 in front (docs/events.md)
ev-serve-storing = storing events in { $log }
ev-serve-stored = stored: { $event }{ $subject }
ev-serve-duplicate = duplicate, already stored: { $event }{ $subject }
ev-serve-refused = refused ({ $status }): { $reason }
ev-serve-store-failed = error: cannot store { $event }: { $error }

## cardform events list
ev-list-none = No events stored in { $log } (for this selection).
ev-list-count = { $count } event(s).

## What status adds from the event log (src/events/read.rs)
ev-log-unreadable = note: the event log cannot be read ({ $error }); showing WeChat's answers only
ev-status-rejected = rejected by review: { $reason } (card_not_pass_check); fix the card and apply again
ev-status-low-stock = { $why }; low stock alarm: { $detail }
ev-no-reason = (no reason given)
ev-low-stock-default = stock is running low

## The message checks (crates/cardform-events)
ev-crypto-key-length = the EncodingAESKey must be 43 characters of base64 (it is { $len } long)
ev-crypto-key-base64 = the EncodingAESKey is not base64
ev-crypto-signature = the signature does not match
ev-crypto-encrypt-base64 = the Encrypt field is not base64
ev-crypto-length = the ciphertext length is not a multiple of 16 bytes
ev-crypto-padding = the decrypted message has invalid padding
ev-crypto-frame = the decrypted message is too short or its length prefix is wrong
ev-crypto-utf8 = the decrypted message is not UTF-8
ev-crypto-appid = the message was encrypted for another AppID
ev-refusal-missing = query parameter `{ $param }` is missing
ev-refusal-stale = the timestamp is { $secs } s away from this machine's clock (allowed: { $allowed } s)
ev-refusal-timestamp = the timestamp is not a number
ev-refusal-no-key = an encrypted message arrived but CARDFORM_EVENTS_AES_KEY is not set
ev-refusal-crypto = the encrypted message cannot be read: { $error }
ev-xml-dtd = the XML declares a DOCTYPE or an entity, which WeChat never sends
ev-xml-malformed = the body is not well-formed XML: { $detail }
ev-xml-too-deep = the XML nests deeper than { $max } levels
ev-xml-not-utf8 = the body is not UTF-8

## A platform's verify ticket and revocations from its event log (src/platform/ticket.rs)
ev-ticket-source = the event log (`cardform events serve`)
ev-ticket-none = no component_verify_ticket for component { $component } in the event log { $log }
ev-ticket-none-help = run `cardform events serve` in the platform's folder as its authorisation-event URL (WeChat pushes a ticket every 10 minutes), or take the ticket from elsewhere ([platform.verify_ticket] source = "env" or "command")
ev-ticket-stale = the newest component_verify_ticket for component { $component } in the event log { $log } is { $hours } hours old; WeChat refuses a ticket older than 12 hours
ev-ticket-stale-help = check that `cardform events serve` runs and is reachable as the platform's authorisation-event URL: WeChat pushes a new ticket every 10 minutes
ev-ticket-unreadable = the component_verify_ticket cannot be read from the event log: { $error }
ev-account-revoked = AppID { $appid } revoked its authorisation (its newest authorisation event in the platform's event log is `unauthorized`); skipped, nothing sent for it
ev-revoked-unreadable = note: the platform's event log cannot be read ({ $error }); revoked authorizers are known from the authorizer list only

## apply --wait-for-review: sub-merchants cards wait on (src/events/wait.rs)
ev-wait-sub-start = Waiting up to { $secs }s for WeChat review of { $count } sub-merchant(s) that cards wait on…
ev-wait-sub-approved = sub-merchant { $name } (merchant_id { $id }) approved: the next `cardform apply` creates the card(s) that wait on it: { $cards }
ev-wait-sub-refused = sub-merchant { $name } (merchant_id { $id }) is { $status }: { $reason }; the card(s) that wait on it stay uncreated: { $cards }
ev-wait-sub-open = sub-merchant { $name } (merchant_id { $id }) is still under review; the card(s) that wait on it: { $cards }
