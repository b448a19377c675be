# cardform's errors messages in English (the default). Every message here has a
# translation in zh-CN/errors.ftl (a unit test checks); the words follow ../glossary.md.

err-invalid-project = { $errors } { $errors ->
    [one] problem
   *[other] problems
} in { $dir }
err-invalid-project-help = fix the problems above; `cardform validate` checks the files offline
err-no-confirmation = refusing to apply without confirmation: standard input is not a terminal
err-no-confirmation-help = review the plan and run with --auto-approve, or save it with `cardform plan --out FILE` and `cardform apply FILE`
