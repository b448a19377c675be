# cardform's events messages in English (the default). Every message here has a
# translation in zh-CN/events.ftl (a unit test checks); the words follow ../glossary.md.
