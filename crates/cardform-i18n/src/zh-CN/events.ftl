# cardform 的 events 消息（简体中文）。用词以 ../glossary.md 为准。

## cardform events serve|list：命令的错误
ev-no-token = 未设置 { $env }
ev-no-token-help = 请把 { $env } 设为公众平台后台为服务器地址（URL）配置的令牌（Token）（它不会从文件读取，也不会被打印）
ev-bad-key = { $env }：{ $error }
ev-bad-key-help = { $env } 必须是公众平台后台的 43 位消息加解密密钥（EncodingAESKey）
ev-no-appid = 没有用来核对加密消息的 AppID
ev-no-appid-help = 请传入 --app-id，或在 cardform.toml 含有 [account] appid 的项目文件夹中运行
ev-bad-listen = --listen { $value }：不是有效地址（例如写成 127.0.0.1:8089）
ev-bind = 无法在 { $addr } 上监听：{ $error }
ev-bad-since = --since { $value }：应为时长（30m、2h、7d）或 RFC 3339 时间
ev-stdout = 无法写入标准输出：{ $error }
ev-push-url = --push-url：{ $error }
ev-runtime = 无法启动运行时：{ $error }

## cardform events serve：标准错误输出
ev-serve-no-key = 提示：未设置 { $env }，只能读取明文模式的消息，加密消息一律拒收
ev-serve-open = 提示：正在 { $addr } 上监听，本机以外也能访问；微信要求前面有 443 或 80 端口的 HTTPS（见 docs/events.md）
ev-serve-storing = 事件存入 { $log }
ev-serve-stored = 已存储：{ $event }{ $subject }
ev-serve-duplicate = 重复推送，此前已存储：{ $event }{ $subject }
ev-serve-refused = 已拒收（{ $status }）：{ $reason }
ev-serve-store-failed = 错误：无法存储 { $event }：{ $error }

## cardform events list
ev-list-none = { $log } 中没有（符合条件的）事件。
ev-list-count = 共 { $count } 个事件。

## status 从事件日志补充的内容
ev-log-unreadable = 提示：无法读取事件日志（{ $error }），仅显示微信接口返回的结果
ev-status-rejected = 审核未通过：“{ $reason }”（card_not_pass_check）；请修改卡券后重新执行
ev-status-low-stock = { $why }；库存告警：“{ $detail }”
ev-no-reason = （未说明原因）
ev-low-stock-default = 库存不足

## 消息校验（crates/cardform-events）
ev-crypto-key-length = 消息加解密密钥（EncodingAESKey）必须是 43 位 base64 字符（当前为 { $len } 位）
ev-crypto-key-base64 = 消息加解密密钥（EncodingAESKey）不是 base64
ev-crypto-signature = 签名不匹配
ev-crypto-encrypt-base64 = Encrypt 字段不是 base64
ev-crypto-length = 密文长度不是 16 字节的整数倍
ev-crypto-padding = 解密后的消息填充无效
ev-crypto-frame = 解密后的消息过短，或长度前缀有误
ev-crypto-utf8 = 解密后的消息不是 UTF-8
ev-crypto-appid = 该消息是为其他 AppID 加密的
ev-refusal-missing = 缺少查询参数 `{ $param }`
ev-refusal-stale = 时间戳与本机时钟相差 { $secs } 秒（允许 { $allowed } 秒）
ev-refusal-timestamp = 时间戳不是数字
ev-refusal-no-key = 收到加密消息，但未设置 CARDFORM_EVENTS_AES_KEY
ev-refusal-crypto = 无法读取加密消息：{ $error }
ev-xml-dtd = XML 中声明了 DOCTYPE 或实体，微信从不发送这样的内容
ev-xml-malformed = 请求体不是格式正确的 XML：“{ $detail }”
ev-xml-too-deep = XML 嵌套超过 { $max } 层
ev-xml-not-utf8 = 请求体不是 UTF-8

## 第三方平台从事件日志读取的 component_verify_ticket 与取消授权
ev-ticket-source = 事件日志（`cardform events serve`）
ev-ticket-none = 事件日志 { $log } 中没有第三方平台 { $component } 的 component_verify_ticket
ev-ticket-none-help = 请在第三方平台文件夹中运行 `cardform events serve`，作为其授权事件接收 URL（微信每 10 分钟推送一次 ticket）；或改从别处获取 ticket（[platform.verify_ticket] source = "env" 或 "command"）
ev-ticket-stale = 事件日志 { $log } 中第三方平台 { $component } 最新的 component_verify_ticket 已是 { $hours } 小时前的；微信拒绝超过 12 小时的 ticket
ev-ticket-stale-help = 请确认 `cardform events serve` 正在运行，且作为第三方平台的授权事件接收 URL 可以访问：微信每 10 分钟推送一次新的 ticket
ev-ticket-unreadable = 无法从事件日志读取 component_verify_ticket：{ $error }
ev-account-revoked = 授权方 { $appid } 已取消授权（第三方平台事件日志中它最新的授权事件是 `unauthorized`）；已跳过，未向它发送任何请求
ev-revoked-unreadable = 提示：无法读取第三方平台的事件日志（{ $error }），只能从授权方列表得知哪些授权方已取消授权

## apply --wait-for-review：卡券所等待的子商户
ev-wait-sub-start = 最多等待 { $secs } 秒，等待微信审核 { $count } 个子商户（有卡券在等待它们）……
ev-wait-sub-approved = 子商户 { $name }（merchant_id { $id }）审核通过：下一次 `cardform apply` 会创建等待它的卡券：{ $cards }
ev-wait-sub-refused = 子商户 { $name }（merchant_id { $id }）状态为 { $status }：“{ $reason }”；等待它的卡券不会创建：{ $cards }
ev-wait-sub-open = 子商户 { $name }（merchant_id { $id }）仍在审核中；等待它的卡券：{ $cards }
