# cardform's common messages in English (the default). Every message here has a
# translation in zh-CN/common.ftl (a unit test checks); the words follow ../glossary.md.

# miette's label before a diagnostic's advice.
label-help = help
