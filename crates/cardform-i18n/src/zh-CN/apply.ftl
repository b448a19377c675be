# cardform 的 apply 消息（简体中文）。用词以 ../glossary.md 为准。
