# cardform 的 validate 消息（简体中文）。用词以 ../glossary.md 为准。

## 一条诊断：`file:line:col: 警告：卡券 ADDR：FIELD：问题（建议）`。
val-diag-warning = 警告：
val-diag-card = 卡券 { $address }：
val-diag-field = { $field }：
val-diag-help = （{ $help }）

## 项目无法加载的原因。
val-config-invalid = 项目中有 { $errors } 个错误
val-config-invalid-help = 请修正上面列出的问题，再运行 `cardform validate`
val-config-not-a-project = { $dir } 不是 cardform 项目：其中没有 cardform.toml
val-config-not-a-project-help = 请在项目文件夹中运行 cardform，或把项目文件夹作为 DIR 传入；最小的项目见 examples/quickstart
val-config-io = 无法读取 { $path }：{ $source }
val-config-io-help = 请确认该路径存在且有读取权限

## 规则表（src/config/validation）：各类型字段、标题、颜色、创建必填项。
val-type-field-foreign = `{ $field }` 属于 { $owner } 类型的卡券，不适用于 { $card_type }
val-type-field-foreign-help = 请删除该字段，或把 card_type 改为 { $owner }
val-type-field-missing = { $owner } 类型的卡券必须填写 `{ $field }`
val-type-field-missing-friends = { $owner } 类型的朋友的券必须填写 `{ $field }`
val-type-field-missing-help = 请在 card_type 旁添加 `{ $field } = …`
val-type-field-friends-only = `{ $field }` 只用于 share_friends = true 的 { $owner } 类型朋友的券
val-type-field-friends-only-help = 请删除该字段，或设置 advanced_info.share_friends = true
val-reduce-cost-zero = reduce_cost 为 0：这张券不减免任何金额
val-reduce-cost-zero-help = 请以分为单位填写减免金额（100 = ¥1）
val-title-missing = 缺少必填字段 `title`
val-title-missing-help = 请在 base_info 下添加 `title = …`（不超过 27 字节，即 9 个汉字）
val-title-derived = 微信会用金额生成的标题替换 CASH/GIFT 类型朋友的券的标题
val-title-derived-help = 请删除该字段；`cardform validate --verbose` 会显示卡券将得到的标题
val-color-off-palette = `{ $color }` 不在色板中；创建或修改卡券时，微信只接受色板名称（Color010 … Color102）
val-color-off-palette-help = 仅当线上卡券已是这个颜色时才可保留；如需修改，请选用色板名称（`cardform schema` 会列出）
val-description-missing = 缺少 description；微信创建卡券时要求填写
val-description-missing-help = 请添加 description = "…"（使用须知）；只有已存在的卡券可以不填
val-abstract-missing = 封面缺少 abstract 文字；微信创建卡券时要求填写
val-abstract-missing-help = 请在 advanced_info.abstract 中添加 abstract = "…"（不超过 24 字节）

## 有效期。
val-date-range-needs-begin = DATE_TYPE_FIX_TIME_RANGE 需要 begin_timestamp
val-date-range-needs-begin-help = 请添加 begin_timestamp = 2026-12-01T00:00:00+08:00
val-date-range-needs-end = DATE_TYPE_FIX_TIME_RANGE 需要 end_timestamp
val-date-range-needs-end-help = 请添加 end_timestamp = 2026-12-31T23:59:59+08:00
val-date-term-only = { $field } 只用于 DATE_TYPE_FIX_TERM
val-date-term-only-help = 请删除该字段，或修改有效期类型
val-date-term-needs-fixed-term = DATE_TYPE_FIX_TERM 需要 fixed_term，即领取后卡券的有效天数
val-date-term-needs-fixed-term-help = 请添加 fixed_term = 30
val-date-fixed-term-zero = fixed_term 至少为 1 天
val-date-fixed-term-zero-help = 请填写领取后卡券的有效天数
val-date-begin-range-only = begin_timestamp 只用于 DATE_TYPE_FIX_TIME_RANGE
val-date-begin-range-only-help = 请删除该字段；end_timestamp 可以保留，作为统一的过期时间
val-date-end-before-begin = end_timestamp { $end } 不晚于 begin_timestamp { $begin }
val-date-end-before-begin-help = 有效期的结束时间必须晚于开始时间
val-date-before-1970-help = 微信以 1970-01-01 起的 Unix 秒数保存时间；请选择更晚的日期
val-date-after-2038-help = 微信以 32 位 Unix 秒数保存时间；请选择 2038-01-19 之前的日期
val-date-out-of-range = { $time } 超出微信支持的范围（1970-01-01 至 2038-01-19）
val-date-end-of-day = end_timestamp 是北京时间 { $time }，不是某天的结束时刻
val-date-end-of-day-help = 微信建议设为最后一天的 23:59:59，例如 { $day }T23:59:59+08:00
val-date-expired = 有效期已经结束（{ $end }）
val-date-expired-help = 这张卡券无法再领取或使用；请把 end_timestamp 改到将来
val-friends-issue-window = 朋友的券最多只能在生效前 { $days } 天投放；这张券在 { $first }（北京时间）之前无法领取
val-friends-issue-window-help = 请在 { $day } 当天或之后执行，或把 begin_timestamp 提前

## 朋友的券（reference §8）。
val-friends-type = 朋友的券只能是 CASH 或 GIFT 类型，不能是 { $card_type }
val-friends-type-help = 请设置 share_friends = false，或修改 card_type
val-friends-date-type = 朋友的券必须使用 DATE_TYPE_FIX_TIME_RANGE
val-friends-date-type-help = 请设置 type = "DATE_TYPE_FIX_TIME_RANGE"，并填写 begin_timestamp 和 end_timestamp
val-friends-locations = 朋友的券的 location_id_list 中至少要有一个门店 poi_id
val-friends-locations-help = 请在 base_info 下添加 location_id_list = [<poi_id>, …]
val-friends-share-true = 朋友的券不能设置 { $name } = true
val-friends-share-true-help = 请设置 { $name } = false
val-friends-share-missing = 朋友的券必须明确填写 { $name } = false
val-friends-share-missing-help = 请在 base_info 下添加 { $name } = false
val-friends-text-image = 朋友的券至少需要一条 text_image_list 图文
val-friends-text-image-help = 请添加 [[cards.{ $address }.advanced_info.text_image_list]]，并填写 image_url 和 text
val-consume-share-friends-only = { $field } 只用于朋友的券
val-consume-share-friends-only-help = 请删除该字段，或设置 share_friends = true
val-consume-share-exclusive = consume_share_self_num 与 consume_share_card_list 不能同时填写
val-consume-share-exclusive-help = 请二选一：多送一张本券，或送另一张券
val-consume-share-self-num = consume_share_self_num 为 { $n }；微信只允许 1
val-consume-share-self-num-help = 请设为 1
val-consume-share-list-len = 共 { $n } 项；微信只允许恰好一项
val-consume-share-list-len-help = 请只保留一项
val-consume-share-num = num 为 { $n }；微信只允许 1
val-consume-share-num-help = 请设置 num = 1
val-consume-share-target = `card`（这些文件中的卡券地址）与 `card_id` 必须且只能填写一个
val-consume-share-target-help = 由 cardform 管理的卡券写 card = "<address>"，其他卡券写 card_id = "…"
val-consume-share-unknown = 没有地址为 `{ $address }` 的卡券
val-consume-share-unknown-help = 请填写 cards/*.toml 中某张朋友的券的地址
val-did-you-mean = 是否想写 `{ $name }`？
val-consume-share-self = 卡券不能通过 consume_share_card_list 赠送自己
val-consume-share-self-help = 请改用 consume_share_self_num = 1
val-consume-share-not-friends = `{ $address }` 不是朋友的券；只有可共享的券才能被赠送
val-consume-share-not-friends-help = 请在 `{ $address }` 上设置 advanced_info.share_friends = true
val-consume-share-empty-id = card_id 为空
val-consume-share-empty-id-help = 请填写要赠送的卡券的 card_id
val-friends-threshold = { $card_type } 类型的朋友的券不能使用门槛 `{ $field }`；微信审核时会驳回
val-friends-threshold-help = 请删除该字段；这里允许：{ $allowed }
val-friends-length = 朋友的券此处最多 { $chars } 个汉字：{ $detail }
val-shorten-it = 请缩短
val-stricter-length = { $bytes } 字节在微信文档较宽松的限制之内，但超过了{ $source }：微信可能拒绝（未经验证）
val-stricter-length-help = 请控制在 { $max } 字节（约 { $chars } 个汉字）以内，以同时满足两张表
val-stricter-source = { $field ->
    [notice] 创建朋友的券表中的 12 个汉字（reference §8.3，seed 创建朋友的券）；更新表允许 string(48)，即 16 个汉字（reference §4.2）
    [description] 创建朋友的券表中的 1000 个汉字（reference §8.3，seed 创建朋友的券）；创建表和更新表允许 string(3072)（reference §3.3、§4.2）
    [center_title] 更新表中的 string(18)（reference §4.2，TY/PHPW）；创建朋友的券表允许 9 个汉字（reference §8.3）
   *[center_sub_title] 更新表中的 string(24)（reference §4.2，TY/PHPW）；创建朋友的券表允许 12 个汉字（reference §8.3）
}

## advanced_info 与限制：使用时段、库存、领取/使用限制、门店、封面图。
val-time-limit-range = { $field } 为 { $value }；取值必须在 0–{ $max } 之间
val-time-limit-range-help = 请使用 24 小时制
val-time-limit-order = 该时段的结束时间 { $end } 不晚于开始时间 { $begin }
val-time-limit-order-help = 时段不能跨过午夜；请拆成两天
val-time-limit-hours = 时段必须同时填写 begin_hour 和 end_hour
val-time-limit-hours-help = 请补上缺少的小时；如为全天可用，请删除这些时间
val-quantity-deposit = quantity 为 { $quantity }；导入 code 模式（GET_CUSTOM_CODE_MODE_DEPOSIT）下必须为 0
val-quantity-deposit-help = 请设置 quantity = 0，审核通过后导入 code，再增加库存
val-quantity-zero = quantity 至少为 1；0 只用于导入 code 模式
val-quantity-zero-help = 请填写要投放的卡券数量
val-quantity-max = quantity { $quantity } 超过微信的上限 100,000,000
val-quantity-max-help = 请调低
val-limit-zero = { $field } 为 0；至少为 1
val-limit-zero-help = 删除该字段即使用微信的默认值（50），或设置 { $field } ≥ 1
val-locations-exclusive = use_all_locations = true 与 location_id_list 不能同时填写
val-locations-exclusive-help = 请二选一：全部门店，或列出的门店
val-icon-url-list = icon_url_list 有 { $n } 张图片；微信只接受恰好一张
val-icon-url-list-help = 请只列一张封面图，建议 850×350
## 图片。
val-image-url-long = 该 URL 长 { $bytes } 字节；微信接受的图片 URL 最长 { $max } 字节
val-image-url-long-help = 请重新上传图片（使用项目中的本地文件）以得到较短的 URL
val-image-host = `{ $host }` 不是微信的图片域名 { $wechat }；微信只接受用 media/uploadimg 上传的图片
val-image-host-help = 请使用项目中的本地文件（由 cardform 上传），或 uploadimg 返回的 URL
val-image-no-such-file = 文件不存在
val-image-unreadable = 无法读取图片 `{ $path }`：{ $why }
val-image-relative-help = 请填写相对于项目文件夹的路径，例如 assets/logo.jpg
val-image-not-a-file = 图片 `{ $path }` 不是文件
val-image-not-a-file-help = 请指向 JPG 或 PNG 文件
val-image-too-large = 图片 `{ $path }` 大小为 { $bytes } 字节；微信 uploadimg 最多接受 1 MB（{ $max } 字节）
val-image-too-large-help = 请压缩图片或缩小尺寸
val-image-permissions-help = 请检查文件权限
val-image-format = 从开头的字节看，图片 `{ $path }` 既不是 JPG 也不是 PNG
val-image-format-help = 微信 uploadimg 只接受 JPG 和 PNG；请转换格式
val-image-outside = 图片 `{ $path }` 在项目文件夹之外（实际指向 { $resolved }）；cardform 只读取和上传项目内的文件
val-image-outside-help = 请把图片复制到项目中（例如 assets/），并填写相对于项目文件夹的路径
val-image-io = 无法读取图片 `{ $path }`（{ $full }）：{ $source }

## 读取项目文件。
val-no-cards-folder = 没有 cards/ 文件夹
val-no-cards-folder-help = 请创建 cards/*.toml 文件，并在其中写 [cards.<address>] 表
val-cards-not-a-folder = 它不是文件夹
val-cards-dangling-link = 它是指向 { $target } 的符号链接，但无法跟随（{ $error }）
val-file-name-not-utf8 = 文件名不是有效的 UTF-8，已跳过
val-file-name-not-utf8-help = 请重命名该文件
val-cards-unreadable = 无法读取卡券文件夹 { $path }：{ $what }；不会把它当作“没有卡券”（否则计划会删除状态文件中管理的全部卡券）
val-cards-unreadable-help = 请让 cards/ 成为存放 *.toml 卡券文件的文件夹（或指向这样的文件夹的链接），然后重新运行
val-not-a-regular-file = 不是普通文件
val-file-dangling-link = 无法读取该文件：它是指向 { $target } 的符号链接，但无法读取（{ $error }）
val-file-unreadable = 无法读取该文件：{ $error }
val-file-unreadable-help = 请修复或删除该文件：无法读取的卡券文件绝不会被当作没有声明卡券
val-file-too-large = 文件超过 { $mib } MiB
val-file-too-large-help = 请把卡券拆分到多个文件中
val-file-not-utf8 = 文件不是有效的 UTF-8（无效字节 { $byte }）
val-file-not-utf8-help = 请把文件保存为 UTF-8；TOML 文件必须是 UTF-8 编码

## 加载项目。
val-duplicate-address = 地址 `{ $address }` 已在 { $place } 声明过
val-duplicate-address-help = 地址在所有卡券文件中必须唯一；请重命名其中一个
val-no-cards = 项目中没有声明任何卡券；计划会删除它管理的全部卡券
val-no-cards-help = 请在 cards/*.toml 中用 [cards.<address>] 添加卡券
val-project-shape-help = 应有的结构见 schema/project.schema.json
val-whitelist-too-long = 测试白名单共有 { $n } 项（{ $openids } 个 openid，{ $usernames } 个微信号）；微信最多接受 { $max } 项
val-whitelist-too-long-help = 请删除 { $n } 项
val-whitelist-empty = { $entry } 为空
val-whitelist-twice = { $entry } 重复出现
val-whitelist-once-help = 每个用户只列一次
val-file-no-cards = 该文件没有声明任何卡券
val-file-no-cards-help = 请添加 [cards.<address>] 表，或删除该文件
val-bad-address = `{ $address }` 不是有效的卡券地址
val-bad-address-help = 以小写字母开头，其后最多 63 个小写字母、数字或下划线，例如 friend_cash；规则为 { $pattern }
val-write-rule = { $message }（线上卡券已是该值时可以保留；会发送它的计划将失败）

## TOML 解析器自身的消息（toml crate）。
val-toml-syntax = TOML 语法错误：{ $detail }
val-toml-expected = ，此处应为{ $what }
val-toml-at = 第 { $line } 行第 { $column } 列
val-fmt-not-toml = { $file }：不是有效的 TOML，未做改动：
val-toml-duplicate-key = 重复的键
val-toml-string-values-must-be-quoted = 字符串值必须加引号
val-toml-unclosed-table = 表头没有闭合
val-toml-unclosed-array-table = 数组表头没有闭合
val-toml-unclosed-array = 数组没有闭合
val-toml-unclosed-inline-table = 内联表没有闭合
val-toml-missing-value = 缺少值
val-toml-missing-value-for-key = 键缺少值
val-toml-key-with-no-value = 键没有值
val-toml-invalid-key = 无效的键
val-toml-invalid-unquoted-key = 无效的无引号键
val-toml-unquoted-keys-cannot-be-empty = 无引号的键不能为空
val-toml-invalid-value = 无效的值
val-toml-invalid-key-value-pair = 无效的键值对
val-toml-invalid-string = 无效的字符串
val-toml-invalid-basic-string = 无效的基本字符串
val-toml-invalid-literal-string = 无效的字面量字符串
val-toml-invalid-multi-line-basic-string = 无效的多行基本字符串
val-toml-invalid-multi-line-literal-string = 无效的多行字面量字符串
val-toml-invalid-integer-number = 无效的整数
val-toml-invalid-octal-number = 无效的八进制数
val-toml-invalid-mantissa = 无效的尾数
val-toml-invalid-table = 无效的表
val-toml-invalid-inline-table-element = 无效的内联表元素
val-toml-invalid-comment-character = 注释中有无效字符
val-toml-missing-escaped-value = 转义序列缺少值
val-toml-missing-opening-quote = 缺少开头的引号
val-toml-missing-comma-between-array-elements = 数组元素之间缺少逗号
val-toml-missing-comma-between-key-value-pairs = 键值对之间缺少逗号
val-toml-missing-assignment-between-key-value-pairs = 键值对之间缺少 `=`
val-toml-missing-key-for-inline-table-element = 内联表元素缺少键
val-toml-missing-inline-table-opening = 缺少内联表的开头
val-toml-missing-array-opening = 缺少数组的开头
val-toml-missing-table-open = 缺少表头的开头
val-toml-missing-comment-start = 缺少注释的开头
val-toml-extra-comma-in-inline-table = 内联表中有多余的逗号
val-toml-extra-comma-in-array = 数组中有多余的逗号
val-toml-extra-assignment-between-key-value-pairs = 键值对之间有多余的 `=`
val-toml-extra = 多余的 `=`
val-toml-unexpected-in-array = 数组中出现了意外的 `=`
val-toml-unexpected-key-or-value = 意外的键或值
val-toml-unexpected-content = 意外的内容
val-toml-unexpected-content-between-comment-and-newline = 注释与换行之间有意外的内容
val-toml-unexpected-leading-zero = 数字不能以 0 开头
val-toml-unexpected-sign = 意外的正负号
val-toml-redundant-numeric-sign = 多余的正负号
val-toml-redundant-integer-number-prefix = 多余的整数前缀
val-toml-integers-with-a-radix-cannot-be-signed = 带进制前缀的整数不能有正负号
val-toml-radix-must-be-lowercase = 进制前缀必须小写
val-toml-may-only-go-between-digits = `_` 只能出现在数字之间
val-toml-too-few-unicode-value-digits = Unicode 转义的位数太少
val-toml-carriage-return-must-be-followed-by-newline = 回车符后必须紧跟换行符
val-toml-keys-cannot-be-multi-line-basic-strings = 键不能是多行基本字符串
val-toml-keys-cannot-be-multi-line-literal-strings = 键不能是多行字面量字符串
val-toml-cannot-recurse-further-max-recursion-depth-met = 嵌套太深，超过了解析器的最大深度
val-toml-want-key = 键
val-toml-want-value = 值
val-toml-want-literal-string = 字面量字符串
val-toml-want-basic-string = 基本字符串
val-toml-want-multi-line-basic-string = 多行基本字符串
val-toml-want-multi-line-literal-string = 多行字面量字符串
val-toml-want-numbers = 数字
val-toml-want-digits = 数字
val-toml-want-letters = 字母
val-toml-want-newline = 换行
val-toml-want-nothing = 无
val-toml-want-unicode-hexadecimal-value = Unicode 十六进制值
val-toml-want-printable-characters = 可打印字符
val-toml-want-characters = 字符
val-toml-want-non-single-quote-visible-characters = 单引号以外的可见字符
val-toml-want-non-single-quote-characters = 单引号以外的字符
val-toml-want-non-double-quote-visible-characters = 双引号以外的可见字符
val-toml-recursion-help = 键或值嵌套太深；一张卡券最多只需要几层
val-toml-syntax-help = 语法见 https://toml.io

## Schema 校验的消息。
val-schema-type = 应为{ $expected }，实际是{ $found }
val-schema-minimum = { $value } 小于最小值 { $limit }
val-schema-maximum = { $value } 大于最大值 { $limit }
val-schema-min-items = 至少需要 { $limit } 项
val-schema-max-items = 最多允许 { $limit } 项
val-schema-min-length = 至少需要 { $limit } 个字符
val-schema-no-form = { $value } 不符合任何允许的形式
val-schema-no-form-help = 请参阅 schema 中该字段的说明
val-schema-remove-it = 请删除该字段
val-schema-unknown-key-help = 请删除该字段；这里可用的键有：{ $known }
val-schema-unknown-key = 未知的键 `{ $key }`
val-schema-top-level = 顶层
val-schema-missing-key = 缺少必填字段 `{ $name }`
val-schema-missing-key-help = 请在 { $table } 下添加 `{ $name } = …`
val-schema-use-one-of = 请使用以下值之一：{ $allowed }
val-schema-did-you-mean-allowed = 是否想写 `{ $name }`？允许的值：{ $allowed }
val-schema-not-allowed = { $value } 不是允许的值
val-type-table = 表
val-type-array = 数组
val-type-string = 字符串
val-type-integer = 整数
val-type-number = 数字
val-type-boolean = 布尔值（true/false）
val-type-or = 或
val-value-string = 字符串 { $value }
val-value-boolean = 布尔值 { $value }
val-value-number = 数字 { $value }
val-value-nothing = 空值
val-value-nan = 不是数字的浮点数（nan 或 inf）
val-deserialize-float-help = 请写不带小数点和指数的整数（写 20，不要写 20.0 或 2e1）
val-deserialize-range-help = 该数字超出了此字段的范围；见 schema/cards.schema.json
val-cards-shape-help = 应有的结构见 schema/cards.schema.json
val-schema-internal = 内部错误：schema 无法编译：{ $error }
val-schema-internal-help = 请报告这个缺陷
val-byte-limit-help = 创建卡券或修改该字段时微信会拒绝；线上卡券已是该值时（例如接管的卡券）可以保留，否则请缩短
val-byte-limit = { $len } 个 UTF-8 字节，超过 { $max }（约 { $chars } 个汉字）；微信按 ASCII 1 字节、中日韩文字 3 字节、emoji 4 字节计算
val-timestamp-no-zone = `{ $value }` 没有时区；请写带时区的完整时间，例如 2026-12-01T00:00:00+08:00
val-timestamp-invalid = `{ $value }` 不是日期时间；请写成 2026-12-01T00:00:00+08:00 这样的格式

## 子商户（[sub_merchants.<name>]）。
val-sub-bad-name = `{ $name }` 不是有效的子商户名称
val-sub-bad-name-help = 以小写字母开头，其后最多 63 个小写字母、数字或下划线
val-sub-shape = 子商户 `{ $name }`：{ $path }：{ $detail }
val-sub-duplicate = 子商户 `{ $name }` 已在 { $place } 声明过
val-sub-duplicate-help = 子商户名称在所有卡券文件中必须唯一
val-sub-local-file = { $field } 必须是本地文件（它作为临时素材上传）
val-sub-local-file-help = 请填写扫描件相对于项目文件夹的路径，例如 assets/protocol.jpg
val-sub-end-time = { $field } 已经过去：微信不接受已到期的授权函
val-sub-end-time-help = 请填写子商户授权函的截止日期，且须是将来的日期
val-sub-category = { $name }：类目 { $pair } 不是 cardform 已知的组合；已知组合（一级：二级…）：{ $known }
val-sub-category-help = plan 会用微信的 card/getapplyprotocol 核对这些 id，并拒绝其中没有列出的 id
val-sub-undeclared = 未声明子商户 `{ $name }`（sub_merchant）
val-sub-undeclared-help = 请在某个卡券文件中用 [sub_merchants.<name>] 表声明它
val-sub-declared = 已声明的子商户：{ $known }

## `cardform validate` 的报告。
val-derived-title = 卡券 { $address }：标题将是“{ $title }”（由微信根据金额生成）
val-summary-ok-label = 通过：
val-summary-ok = { $cards } 张卡券有效
val-summary-ok-warnings = { $cards } 张卡券有效，{ $warnings } 个警告
val-summary-invalid-label = 无效：
val-summary-invalid = { $errors } 个错误，{ $warnings } 个警告

## `cardform fmt`。
val-fmt-formatted = 已格式化 { $file }
val-fmt-check-failed = { $n } 个文件未格式化；请运行 `cardform fmt { $dir }`

## `cardform init`。
val-init-created = 已创建 { $path }
val-init-next-platform = 下一步：设置 CARDFORM_COMPONENT_SECRET 和 CARDFORM_VERIFY_TICKET，然后依次运行 `cardform accounts import --dir { $dir } --template example`、`cardform validate { $dir }`、`cardform plan { $dir } --accounts all`。
val-init-next = 下一步：依次运行 `cardform validate { $dir }`、`cardform preview { $dir } --out previews`、`cardform plan { $dir }`、`{ $apply }`。
val-init-bad-appid = `{ $appid }` 不是 AppID：AppID 由字母和数字组成（wx 后接 16 个字符，见公众号的设置页）

## `cardform preview`。
val-preview-count = 已生成 { $n } 张卡券预览
val-raster-parse = 渲染器无法读取预览 SVG：{ $error }
val-raster-size = 预览太大，无法渲染为位图（{ $width }×{ $height }）
val-raster-encode = 无法编码 PNG：{ $error }
val-raster-no-cjk = 没有已安装的字体包含中文字符（已查找 fontconfig 的文件夹和 { $searched }）：PNG 会丢失文字；{ $help }
val-raster-lost-text = 没有已安装的字体包含 { $chars } 的字形：PNG 会丢失这些文字；{ $help }
val-raster-install-help = 请安装含中文字符的字体（Debian/Ubuntu：`apt-get install fonts-noto-cjk` 或 `fonts-wqy-microhei`；Fedora：`dnf install google-noto-sans-cjk-fonts`；Alpine：`apk add font-noto-cjk`；Arch：`pacman -S noto-fonts-cjk`；macOS 和 Windows 自带），或把 .ttf/.otf/.ttc 字体复制到 ~/.local/share/fonts（或 CARDFORM_FONT_DIRS 指定的文件夹），或只生成 SVG（--svg-only）

## 文件无法读取的原因。
val-io-not-found = 文件或文件夹不存在
val-io-permission-denied = 没有权限
val-io-is-a-directory = 这是一个文件夹
val-io-not-a-directory = 路径中有一部分不是文件夹
val-io-invalid-data = 内容不是有效的 UTF-8

## Schema 校验中较少见的情形。
val-schema-max-length = 超过 { $limit } 个字符
val-schema-pattern = { $value } 不符合格式 `{ $pattern }`
val-schema-constant = 应为 { $expected }，实际是{ $value }
val-schema-other = schema 不接受这个值：{ $detail }
val-deserialize-float = 此处应为整数，实际是带小数点或指数的数
val-deserialize-range = 数字超出了此字段的范围
