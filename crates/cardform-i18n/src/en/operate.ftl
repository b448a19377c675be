# cardform's operate messages in English (the default). Every message here has a
# translation in zh-CN/operate.ftl (a unit test checks); the words follow ../glossary.md.
