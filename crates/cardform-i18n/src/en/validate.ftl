# cardform's validate messages in English (the default). Every message here has a
# translation in zh-CN/validate.ftl (a unit test checks); the words follow ../glossary.md.
