# cardform 的 platform 消息（简体中文）。用词以 ../glossary.md 为准。
