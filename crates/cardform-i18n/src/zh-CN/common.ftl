# cardform 的 common 消息（简体中文）。用词以 ../glossary.md 为准。

label-help = 提示
