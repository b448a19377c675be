# cardform's apply messages in English (the default). Every message here has a
# translation in zh-CN/apply.ftl (a unit test checks); the words follow ../glossary.md.
