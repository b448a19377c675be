# cardform's platform messages in English (the default). Every message here has a
# translation in zh-CN/platform.ftl (a unit test checks); the words follow ../glossary.md.
