# cardform's common messages in English (the default). Every message here has a
# translation in zh-CN/common.ftl (a unit test checks); the words follow ../glossary.md.

# miette's label before a diagnostic's advice.
label-help = help

## State commands and force-unlock (src/commands/state.rs, resolve.rs, force_unlock.rs).

state-note = note: { $note }
state-no-owner = no recorded owner
state-owner-project = account { $account }, project { $project }
state-owner-account = account { $account }
state-add-project-id = Add `project_id = "{ $id }"` at the top of cardform.toml (the next apply does it for you) and commit it.
state-adopted-lineage = The state at { $location } now belongs to { $after } (it was: { $before }).
state-kept-copy = Kept a copy of the state it replaces: { $path }
state-restored = Restored { $path } from { $backup } (serial { $serial }, { $count } card(s)).
state-restored-journal = The journal of an interrupted run is beside it; the next plan or apply replays it and resolves its operations.
state-restored-next = Run `cardform plan` to see where the live cards stand against it.
state-list-pending = pending: { $op } { $address } (started { $started }, outcome unknown)
state-removed = Removed { $address } (card { $card_id }) from the state. The card itself was not touched; the next plan will offer to create it again unless you also remove it from the files or import it.
state-moved = Moved { $source } to { $destination }.
state-pushed = Pushed { $file } ({ $count } resources) to { $dest } (serial { $serial }{ $unchanged }).
state-pulled = Pulled { $source } ({ $count } resources) into { $file } (serial { $serial }{ $unchanged }).
state-unchanged = , unchanged
state-saved-backup = State saved (serial { $serial }). Backup of the previous state: { $backup }
state-saved-serial = State saved (serial { $serial }).
state-did-you-mean = {" "}Did you mean `{ $address }`?
state-force-unlocked = Released the lock on { $location }, held by { $holder }.
state-resolve-forgot = Forgot { $count } interrupted operation(s) at { $address }. If WeChat did create a card for it, that card is not managed by cardform: delete it, or adopt it with `cardform import`.
state-resolve-adopted = Adopted card { $card_id } as { $address }.
state-resolve-differs = {" "}It differs from what the interrupted create sent in { $fields }; the next plan shows how it will be brought in line.

## Usage errors (src/usage.rs): clap's own English is kept under en; these are the
## same sentences, as the other languages say them (en is never rendered from here).

usage-error = error:{" "}
usage-unknown-argument = unexpected argument { $arg } found
usage-unknown-subcommand = unrecognized subcommand { $name }
usage-invalid-value = invalid value { $value } for { $arg }
usage-invalid-value-why = invalid value { $value } for { $arg }: { $why }
usage-value-required = a value is required for { $arg } but none was supplied
usage-possible-values = [possible values: { $values }]
usage-missing-arguments = the following required arguments were not provided:
usage-missing-subcommand = { $name } requires a subcommand but one was not provided
usage-subcommands = [subcommands: { $values }]
usage-repeated = the argument { $arg } cannot be used multiple times
usage-conflict = the argument { $arg } cannot be used with { $other }
usage-conflict-others = the argument { $arg } cannot be used with one or more of the other specified arguments
usage-no-equals = equal sign is needed when assigning values to { $arg }
usage-too-many-values = unexpected value { $value } for { $arg } found; no more were expected
usage-too-few-values = { $min } values required by { $arg }; only { $actual } { $actual ->
    [one] was
   *[other] were
} provided
usage-wrong-number-of-values = { $expected } values required for { $arg } but { $actual } { $actual ->
    [one] was
   *[other] were
} provided
usage-invalid-utf8 = invalid UTF-8 was detected in one or more arguments
usage-tip = tip:{" "}
usage-similar-subcommand = a similar subcommand exists: { $name }
usage-similar-argument = a similar argument exists: { $arg }
usage-similar-value = a similar value exists: { $value }
usage-tip-as-value = to pass { $arg } as a value, use { $escaped }
usage-usage = Usage:{" "}
usage-more = For more information, try '--help'.

## The emulator's console lines, and Ctrl-C during apply.

emu-seeded = seeded { $count } card(s) from { $file }
emu-platform = third-party platform { $appid } with { $count } authorizer(s): GET { $url }/__emulator/platform lists them and the verify ticket
emu-seed-not-json = { $line }:{ $column }: not JSON: { $error }
emu-journal-line = cardform emulator: ignoring unreadable journal line { $line } in { $path }: { $error }
emu-journal-write = cardform emulator: cannot write the journal: { $error }
interrupt-first = Interrupted: no new operations will start; waiting for those in flight to finish and be recorded. Press Ctrl-C again to exit at once (the next run resolves anything left in flight).
interrupt-second = Interrupted again: exiting now; the next run resolves the operations that were in flight.

## The engine's notes (src/engine/).

run-recorded-next-apply = { $resolution } (recorded by the next apply)
man-wrote = wrote { $count } manual pages to { $dir }
# Said on stderr in languages other than English (stdout's `listening on URL` is a contract).
emu-listening = the emulator is listening on { $url } (Ctrl-C stops it)

## The emulator's fault rules and quotas (crates/cardform-emulator/src/records/).

emu-fault-path = path `{ $path }` must start with `/` (e.g. /card/create) or be `*`
emu-fault-probability = probability { $p } must be between 0 and 1
emu-fault-status = status { $status } must be an HTTP error status (400–599)
emu-fault-both = give errcode or status, not both
emu-fault-error-needs = mode error needs errcode=N or status=N
emu-fault-send-check-needs = mode send-check needs send_check=true|false
emu-fault-send-check-only = send_check goes with mode send-check only
emu-fault-mode-takes-no-code = mode { $mode } does not take errcode or status
emu-fault-no-effect = a rule needs an effect: errcode, status, mode=drop|commit-then-drop, or latency_ms
emu-fault-range = `{ $part }` is not a range like 2-4
emu-fault-range-size = range `{ $part }` is empty or too long
emu-fault-call = `{ $part }` is not a call number (1, 2, …)
emu-fault-not-pair = `{ $pair }` is not key=value
emu-fault-not-value = { $key }=`{ $value }` is not { $what }
emu-what-integer = an integer
emu-what-status = an HTTP status
emu-what-mode = error, drop, commit-then-drop, delay or send-check
emu-what-probability = a number 0–1
emu-what-milliseconds = milliseconds
emu-what-bool = true or false
emu-fault-unknown-key = unknown key `{ $key }`; keys are path, errcode, status, mode, probability, calls, latency_ms, seed, send_check
emu-quota-no-equals = missing `=`
emu-quota-path = the path must start with `/`
emu-quota-daily = DAILY is not a number
emu-quota-per-minute = PER_MINUTE is not a number
