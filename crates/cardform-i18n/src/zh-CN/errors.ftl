# cardform 的 errors 消息（简体中文）。用词以 ../glossary.md 为准。

err-invalid-project = { $dir } 中有 { $errors } 个问题
err-invalid-project-help = 请修正上面列出的问题；`cardform validate` 可离线检查这些文件
err-no-confirmation = 未经确认不会执行：标准输入不是终端
err-no-confirmation-help = 请先审阅计划，再加 --auto-approve 运行；或用 `cardform plan --out FILE` 保存计划，再运行 `cardform apply FILE`
