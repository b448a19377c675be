# cardform 的 errors 消息（简体中文）。用词以 ../glossary.md 为准。

err-invalid-project = { $dir } 中有 { $errors } 个问题
err-invalid-project-help = 请修正上面列出的问题；`cardform validate` 可离线检查这些文件
err-no-confirmation = 未经确认不会执行：标准输入不是终端
err-no-confirmation-help = 请先审阅计划，再加 --auto-approve 运行；或用 `cardform plan --out FILE` 保存计划，再运行 `cardform apply FILE`

## 命令自身的错误（src/commands/error.rs）。

err-platform-unsupported = 当前不是第三方平台项目：{ $what }
err-platform-unsupported-help = 参见 docs/platform.md
err-invalid-project-file = { $path } 不是有效的 cardform.toml
err-invalid-project-file-help = 请修正 cardform.toml；`cardform validate` 可离线检查
err-invalid-trusted-settings-help = 请给 --trusted-settings（或 CARDFORM_TRUSTED_SETTINGS）一个有效的 cardform.toml，例如基准分支上的：git show origin/main:cardform.toml > base.toml
err-json-stdout = 无法把 JSON 写到标准输出：{ $error }
err-cannot-write = 无法写入 { $path }：{ $error }
err-refused-before-order = { $error }；未创建任何订单
err-out-and-save = --out 和 --save 都指定了保存计划的文件
err-out-and-save-help = 只给一个：--out FILE 保存计划（--save 用于 --format html）
err-bad-address = `{ $address }` 不是有效的地址：卡券地址以小写字母开头，后面最多 63 个小写字母、数字或 `_`（即卡券文件中 [cards.<address>] 的键）
err-bad-address-help = 请使用卡券在文件中的地址，例如 `cardform state mv old_name new_name`
err-not-managed = 地址 { $address } 上没有受管理的卡券
err-not-managed-help = `cardform state list` 列出受管理的地址；请先用 `cardform apply` 创建该卡券
err-qr-card-gone = { $address }（card_id { $card_id }）已在微信侧删除：无法生成二维码
err-qr-refused = 拒绝为 { $address } 生成二维码：{ $why }
err-chart-kind = --chart { $path }：cardform 只能绘制 SVG 或 PNG 图表
err-chart-kind-help = 请把图表命名为 FILE.svg 或 FILE.png
err-dates-reversed = --from { $from } 晚于 --to { $to }
err-no-stats-card = { $address } 上没有受管理的卡券
err-no-stats-card-help = `cardform state list` 列出受管理的地址
err-cannot-read = 无法读取 { $path }：{ $error }
err-cannot-create = 无法创建 { $path }：{ $error }
err-stdout = 无法写入标准输出：{ $error }
err-cannot-render = 无法生成 { $what }：{ $message }
err-shapes = --shapes { $value }：应为 doc 或 numbers
err-shapes-help = --shapes doc 按微信文档示例和实测抓包的写法输出券点金额（十进制字符串），--shapes numbers 把所有金额都写成数字
err-no-cards-folder-help = 请在项目目录（含 cards/ 的目录）中运行 fmt，或用 `cardform init` 新建项目
err-unformattable = 部分卡券文件无法格式化
err-unformattable-help = 请先修正上面的语法错误（`cardform validate` 会列出所有问题），再运行 fmt
err-init-appid-help = 请用 --appid 给出 AppID，或用 --sandbox 在没有公众号的情况下开始
err-init-clash = 不会覆盖 { $files }
err-init-clash-help = init 只用于新建项目：请选择空目录，或把这些文件移走
err-unknown-card = --card { $wanted }：{ $root } 中没有这个地址的卡券
err-unknown-card-help = 项目中的卡券有：{ $known }
err-card-message = 卡券 { $address }：{ $message }
err-fonts = 生成 PNG 预览：{ $error }

## 状态文件（crates/cardform-state）。

err-state-io = 状态文件：无法{ $action } { $path }：{ $error }
err-state-io-help = 请确认该目录存在、当前用户可读写；状态文件未做任何改动
err-state-corrupt = 状态文件：无法读取 { $location }：{ $detail }。
err-state-corrupt-untouched = 该文件保持原样，cardform 不会覆盖它。
err-state-corrupt-backup = 上一个版本在 { $backup }：请检查，确认无误后用它覆盖损坏的文件。
err-state-corrupt-no-backup = 没有备份；请手动修复该文件，或从别处恢复。
err-state-version = 状态文件：{ $location } 的格式版本为 { $found }，当前 cardform 只能读取版本 { $supported }。请使用写入它的那个 cardform 版本（文件保持原样）。
err-state-lineage = 状态文件：{ $location } 属于另一份状态（lineage { $theirs }，当前为 { $ours }），拒绝覆盖。如确实要替换，请先把它移走。
err-state-stale-serial = 状态文件：读取 { $location } 之后，另一次运行写入了它（serial { $found }，预期 { $expected }），拒绝覆盖。请重新运行命令，从较新的状态开始。
err-state-newer-serial = 状态文件：{ $location } 的 serial 为 { $found }，比要写入的状态（serial { $ours }）更新，拒绝覆盖。
err-state-newer-serial-help = 请先拉取较新的状态（`cardform state pull`），或推送一份基于它的状态
err-state-locked = 状态文件：{ $location } 已被 { $holder } 锁定{ $waited }。
err-state-locked-stuck = 如果那次运行已被终止、锁未释放，请运行 `cardform force-unlock { $id }`（先确认它确实已不在运行）。
err-state-locked-unknown = 状态文件：{ $location } 已被另一个进程锁定，且未留下持有者信息{ $waited }。请稍后重试。
err-state-waited = （已等待 { $waited }）
err-state-lock-timeout-hint = （可用 --lock-timeout 等待锁释放）
err-state-not-locked = 状态文件：{ $location } 未被锁定（没有可释放的锁 { $given }）
err-state-lock-id-mismatch = 状态文件：锁 ID { $given } 与 { $location } 上的锁不符，该锁由 { $holder } 持有；未释放任何锁
err-state-lock-id-mismatch-help = 请填写持有者信息中显示的锁 ID，并且只在那次运行结束后再释放
err-state-holder-alive = 状态文件：{ $location } 上的锁仍被一个正在运行的进程持有：{ $holder }。请停止（或等待）那次运行，不要强制解锁。
err-state-journal-without-state = 状态文件：{ $location } 有日志但没有状态快照。快照被删除或移走了；请把它放回，或运行 `cardform state restore-backup` 把上一个版本（旁边的 `.backup`）恢复为状态，然后再运行。
err-state-missing-with-backup = 状态文件：{ $location } 不存在，但它的备份 { $backup } 存在（{ $detail }）。状态文件被删除或移走了；cardform 不会在备份旁新建一份空状态：那样会把每张卡券重新创建一遍，并丢失唯一的 card_id 记录。
err-state-missing-with-backup-todo = 请在项目目录中运行 `cardform state restore-backup` 把备份恢复为状态（或把状态文件放回原处）。如果确实要从零开始、不再管理任何卡券，请先把备份移走。
err-state-older-than-backup = 状态文件：{ $location }（serial { $serial }）比它的备份 { $backup }（serial { $backup_serial }）更旧：有人用旧副本替换了状态文件，基于它制定计划会删除、重复创建卡券或使卡券脱离管理。
err-state-older-than-backup-todo = 请在项目目录中运行 `cardform state restore-backup` 把备份恢复为状态（当前文件会另存一份副本）。如果确实要使用这份较旧的状态，请先把备份移走。
err-state-invariant = 状态文件：{ $location } 违反了 { $count } 条状态规则，基于它运行可能删除或重复创建线上卡券；已拒绝使用，文件保持原样：
err-state-invariant-hand-edit = 如果状态文件是手动编辑过的，恢复到编辑前的版本也可以。
err-state-invariant-help = `cardform state list` 和 `cardform state show ADDRESS` 可查看各条目；未制定计划，也未做任何改动
err-state-usage = 状态文件：{ $message }
err-state-encode = 状态文件：无法写入 { $location }：{ $detail }
err-state-backend = 状态后端 { $location }：{ $detail }
err-state-backend-help = 状态未被修改；请检查数据库 URL、sslmode/sslrootcert、PGUSER/PGPASSWORD，以及服务器是否可达
# err-state-io 的动词。
err-state-act-append = 追加写入
err-state-act-copy-backup = 复制为备份
err-state-act-create-folder = 创建目录
err-state-act-create = 创建
err-state-act-cut-tail = 截断残缺的末尾
err-state-act-fsync-folder = 同步（fsync）目录
err-state-act-fsync = 同步（fsync）
err-state-act-lock = 锁定
err-state-act-open-folder = 打开目录
err-state-act-open-journal = 打开日志
err-state-act-open-lock = 打开锁文件
err-state-act-open = 打开
err-state-act-read = 读取
err-state-act-remove = 删除
err-state-act-rename-into-place = 重命名到位
err-state-act-rename = 重命名
err-state-act-reopen = 重新打开
err-state-act-truncate-journal = 截断日志
err-state-act-write = 写入
# 锁的持有者（LockInfo）。
err-state-holder = { $user }@{ $host }（pid { $pid }，`{ $operation }`，开始于 { $since }，锁 ID { $id }）
# 状态文件违反的规则（invariants.rs）。
err-inv-shared-card-id = 卡券 { $card_id } 被 { $count } 个地址同时持有（{ $addresses }）；一张卡券只能对应一个地址。请保留正确的那个，用 `cardform state rm ADDRESS` 删除其余的（例如 `cardform state rm { $last }`）
err-inv-deposed-shares-managed = 待删除的旧卡券条目 { $deposed } 持有卡券 { $card_id }，而该卡券由 { $managed } 管理：删除该条目会删掉这张线上卡券。请用 `cardform state rm { $deposed }` 删除该条目
err-inv-shared-deposed = 卡券 { $card_id } 被多个待删除的旧卡券条目持有（{ $addresses }）；请保留一个，用 `cardform state rm ADDRESS` 删除其余的
err-inv-deposed-id-mismatch = 待删除的旧卡券条目 { $address } 持有卡券 { $card_id }，与条目名称中的卡券不符；请用 `cardform state rm { $address }` 删除它（卡券本身不受影响）
err-inv-bad-card-id = { $address } 持有的 card_id { $card_id } 不是微信的 card_id（1 到 64 个 A-Z a-z 0-9 _ - 字符）；请用 `cardform state rm { $address }` 删除它，再用 `cardform import` 重新纳管该卡券
err-inv-bad-status = { $address } 的审核状态 { $status } 不是微信会返回的状态；请用 `cardform state rm { $address }` 删除它，再用 `cardform import` 重新纳管该卡券
err-inv-bad-address = 地址 { $address } 为空，或含有空格或控制字符；请用 `cardform state mv { $address } NEW_ADDRESS` 重命名

## 微信错误码：含义与处理办法（对应 crates/cardform-spec/src/errcode.rs 中的表）。
err-wx-m1-meaning = 微信系统繁忙
err-wx-m1-guidance = cardform 会退避重试；如果持续出现，请稍后再运行
err-wx-40001-meaning = AppSecret 错误，或 access_token 无效或不是最新的
err-wx-40001-guidance = 请检查 cardform.toml 中指定的环境变量里的 AppSecret；可能有其他服务刷新了普通 access_token（请改用 stable_token 或中控服务器）
err-wx-40002-meaning = 不合法的凭证类型
err-wx-40002-guidance = 请报告缺陷：cardform 发送了错误的 grant_type
err-wx-40003-meaning = 不合法的 openid；朋友的券核销前未先标记 code
err-wx-40003-guidance = 核销前请先用 card/code/mark 为该 code 和 openid 做标记
err-wx-40005-meaning = 图片不是 JPG 或 PNG 格式
err-wx-40005-guidance = 请把图片转换为 JPG 或 PNG
err-wx-40007-meaning = media_id 不存在或已过期（临时素材有效期 3 天）
err-wx-40007-guidance = 请重新上传文件（下次执行时 cardform 会自动重新上传子商户的授权函）
err-wx-40009-meaning = 图片过大（超过 1 MB）
err-wx-40009-guidance = 请把图片压缩到 1 MB 以内
err-wx-40013-meaning = 不合法的 AppID
err-wx-40013-guidance = 请检查 cardform.toml 中的 account.appid
err-wx-40014-meaning = 不合法的 access_token
err-wx-40014-guidance = cardform 会刷新一次 access_token；如果持续出现，请检查 access_token 的来源
err-wx-40053-meaning = 二维码请求中的 action_info 不合法
err-wx-40053-guidance = 请修正二维码请求
err-wx-40056-meaning = code 不存在或未被领取
err-wx-40056-guidance = 请检查 code 和 card_id
err-wx-40071-meaning = 卡券类型不合法，或创建卡券的 JSON 格式有误
err-wx-40071-guidance = 请检查 card_type 以及该类型键下的字段
err-wx-40073-meaning = 该公众号下没有这个 card_id
err-wx-40073-guidance = 该卡券已删除或属于其他公众号：请用 `cardform state rm` 移除它，或导入正确的 card_id
err-wx-40075-meaning = encrypt_code 不合法（见种子文档核销错误码：提交前需先 URL 解码）
err-wx-40075-guidance = 调用 card/code/decrypt 前，请先对从卡券页面链接取得的 encrypt_code 做 URL 解码
err-wx-40078-meaning = 卡券状态不对（例如尚未审核通过）；朋友的券核销时：code 已被删除或正在转赠中（见种子文档）
err-wx-40078-guidance = 请等微信审核通过该卡券后再运行
err-wx-40079-meaning = 时间不合法；朋友的券：券已过期
err-wx-40079-guidance = 请检查有效期
err-wx-40097-meaning = 参数超出范围（模拟器：batchget 的 count 超过 50、测试白名单超过 10 个、券点订单有问题）
err-wx-40097-guidance = 请修正请求；如果请求是 cardform 发出的，请报告缺陷
err-wx-40099-meaning = code 已被核销
err-wx-40099-guidance = 无需处理：该 code 已经核销
err-wx-40100-meaning = 时间区间不合法
err-wx-40100-guidance = 请检查 date_info：开始早于结束，且都早于 2038-01-19
err-wx-40122-meaning = 库存数量不合法（例如减到零以下）
err-wx-40122-guidance = 请调高 sku.quantity：库存不能低于用户已领取的数量
err-wx-40125-meaning = 不合法的 AppSecret
err-wx-40125-guidance = 请检查 cardform.toml 中指定的环境变量里的 AppSecret
err-wx-40127-meaning = code 已被用户删除或正在转赠中
err-wx-40127-guidance = cardform 无法改变这一点
err-wx-40164-meaning = 本机 IP 不在公众号的 API IP 白名单中
err-wx-40164-guidance = 请在公众号设置中把本机 IP 加入白名单
err-wx-40170-meaning = 列表调用请求的条数超过了一页的上限
err-wx-40170-guidance = 请报告缺陷：cardform 每次按 500 条分页读取授权方列表
err-wx-40243-meaning = AppSecret 已被冻结
err-wx-40243-guidance = 请在公众号设置中解冻或重置 AppSecret
err-wx-41001-meaning = 缺少 access_token 参数
err-wx-41001-guidance = 请报告缺陷：cardform 发送的请求没有带 access_token
err-wx-41002-meaning = 获取 access_token 时缺少 AppID
err-wx-41002-guidance = 请在 cardform.toml 中设置 account.appid
err-wx-41004-meaning = 获取 access_token 时缺少 AppSecret
err-wx-41004-guidance = 请把 cardform.toml 中指定的环境变量设为 AppSecret
err-wx-41005-meaning = 上传请求中没有图片（multipart 字段 `buffer`）
err-wx-41005-guidance = 请报告缺陷：cardform 上传时没有带图片
err-wx-41011-meaning = 缺少必填字段（errmsg 中给出了字段名）
err-wx-41011-guidance = 请补上消息中指出的字段
err-wx-41012-meaning = 缺少 card_id
err-wx-41012-guidance = 请报告缺陷：cardform 发送的请求没有带 card_id
err-wx-42001-meaning = access_token 已过期
err-wx-42001-guidance = cardform 会刷新一次 access_token；如果持续出现，请检查 access_token 的来源
err-wx-43001-meaning = 该接口需要 GET 请求
err-wx-43001-guidance = 请报告缺陷：HTTP 方法错误
err-wx-43002-meaning = 该接口需要 POST 请求
err-wx-43002-guidance = 请报告缺陷：HTTP 方法错误
err-wx-44002-meaning = 请求体为空
err-wx-44002-guidance = 请报告缺陷：cardform 发送了空的请求体
err-wx-45009-meaning = 接口的每日调用次数已用完
err-wx-45009-guidance = 请等到明天，或清零调用次数（每月可清零 10 次）后再运行
err-wx-45011-meaning = 触发了每分钟的调用频率限制
err-wx-45011-guidance = cardform 会在下一分钟重试；请调低 limits.requests_per_second
err-wx-45021-meaning = 字段过长（朋友的券：转赠规则列表超过 10 条）
err-wx-45021-guidance = 请缩短该字段；`cardform validate` 按微信的方式计算字节数
err-wx-45030-meaning = 该卡券不能通过 API 管理
err-wx-45030-guidance = 在公众平台网页上创建或属于其他公众号的卡券无法管理；请把它从状态文件中移除
err-wx-45031-meaning = 库存为 0
err-wx-45031-guidance = 请调高 sku.quantity
err-wx-45033-meaning = 用户领取次数超过了 get_limit
err-wx-45033-guidance = 请调高 get_limit
err-wx-47001-meaning = JSON 格式错误、更新了不可修改的字段（brand_name），或更新时用错了类型键
err-wx-47001-guidance = 该字段不能原地修改：计划应当替换这张卡券；如果计划没有这样做，请报告缺陷
err-wx-48001-meaning = 该公众号或该类型的 access_token 没有此接口的权限
err-wx-48001-guidance = 请开通卡券功能，或把卡券权限授权给第三方平台
err-wx-48004-meaning = 该公众号的此接口已被封禁
err-wx-48004-guidance = 请查看公众平台后台的通知
err-wx-61003-meaning = 商户已取消（或从未授予）第三方平台的授权
err-wx-61003-guidance = 商户需要重新授权第三方平台；在此之前会跳过该公众号
err-wx-61004-meaning = 客户端 IP 未登记（较新的错误码）
err-wx-61004-guidance = 请把本机 IP 加入 API IP 白名单
err-wx-61005-meaning = component_verify_ticket 已超过 12 小时有效期
err-wx-61005-guidance = 请把微信最近推送的 component_verify_ticket（每 10 分钟推送一次）提供给授权事件接收 URL
err-wx-61006-meaning = component_verify_ticket 不是微信发给该第三方平台的
err-wx-61006-guidance = 请提供该第三方平台 AppID 最新的 component_verify_ticket
err-wx-61007-meaning = 该权限集未授权给第三方平台
err-wx-61007-guidance = 请商户授权卡券权限集
err-wx-61009-meaning = 授权码不存在或已被使用
err-wx-61009-guidance = 请重新发起授权以获取新的授权码
err-wx-61010-meaning = 授权码已过期
err-wx-61010-guidance = 请重新发起授权以获取新的授权码
err-wx-61023-meaning = authorizer_refresh_token 错误或已失效
err-wx-61023-guidance = 请从 api_get_authorizer_list 读取当前的刷新令牌（cardform 会这样做），或请商户重新授权
err-wx-61500-meaning = datacube 的日期不是 YYYY-MM-DD 格式
err-wx-61500-guidance = 日期请写成 2015-06-15 这样
err-wx-61501-meaning = datacube 的查询区间超过 62 天
err-wx-61501-guidance = 每次最多查询 62 天
err-wx-76021-meaning = quota/get：API 路径不存在
err-wx-76021-guidance = 请检查路径
err-wx-76022-meaning = quota/get：access_token 与公众号不匹配
err-wx-76022-guidance = 请使用要查询调用次数的那个公众号的 access_token

## 微信客户端（crates/cardform-client）。

err-api-connect = 无法连接
err-api-timeout = 请求超时
err-api-dropped = 连接中断
err-api-body = 无法读取应答
err-api-wechat = { $endpoint }：微信返回 errcode { $code }（errmsg “{ $errmsg }”）{ $after }：{ $meaning }。处理办法：{ $guidance }
err-api-after-attempts = （共尝试 { $attempts } 次）
err-api-quota = { $endpoint }：微信返回 errcode 45009（errmsg “{ $errmsg }”）：{ $meaning }。处理办法：{ $guidance }。本次运行到此停止。
err-api-outcome-unknown = { $endpoint }：请求可能已到达微信，但没有收到可用的应答（“{ $reason }”）；重复请求可能导致操作执行两次，因此没有重试。再次运行前请先核对线上卡券（下次制定计划会发现实际结果）
err-api-outcome-unknown-help = 再次执行前，请运行 `cardform plan` 查看改动是否已生效
err-api-transport = { $endpoint }：{ $kind }（{ $url }），共尝试 { $attempts } 次：“{ $message }”。请检查网络以及 cardform.toml 中的 endpoint
err-api-transport-help = 请检查网络以及 cardform.toml 中的 endpoint，然后重新运行
err-api-http-status = { $endpoint }：共尝试 { $attempts } 次，HTTP 状态码 { $status }。请稍后重试；如果持续出现，请检查 cardform.toml 中的 endpoint
err-api-malformed = { $endpoint }：微信的应答不符合预期（“{ $reason }”）；原始应答：{ $raw }
err-api-malformed-help = 微信应答的格式 cardform 无法读取（原始应答见上面的消息）；请重新运行，如果持续出现，请连同接口名一起报告
err-api-token-command = access_token 命令 `{ $program }` { $problem }
err-api-token-unavailable = 无法获取 access_token（来源：{ $source_name }），本次运行就此停止，不再调用微信接口：{ $cause }。处理办法：{ $advice }
err-api-advice-token-quota = 获取 access_token 接口的每日调用次数已用完；请等待每日清零，或由中控服务器统一发放 access_token（[account.token] 的 env 或 command）
err-api-advice-token-transient = 微信获取 access_token 的接口出错；请过几分钟再运行
err-api-advice-token-account = 请修正上面提到的公众号设置（cardform.toml 中的 [account] 和 [account.token]，以及它们指定的环境变量），然后重新运行
err-api-advice-token-unreachable = 无法访问获取 access_token 的接口，或该接口出错；请检查网络以及 cardform.toml 中的 endpoint，或过几分钟再运行
err-api-advice-token-command = 请手动运行该命令，查看失败原因
err-api-advice-token-env = 请在 cardform.toml 指定的环境变量中设置有效的 access_token
err-api-advice-token-other = 请先解决上面的问题，然后重新运行
err-api-advice-platform-revoked = 商户已取消（或从未授予）第三方平台的授权：在商户重新授权之前，会跳过该公众号
err-api-advice-platform-refresh = 刷新令牌已失效：请重新读取授权方列表（api_get_authorizer_list），或请商户重新授权第三方平台
err-api-advice-platform-ticket = component_verify_ticket 已过期或不是最新的：请提供微信最近一次推送的 ticket（每 10 分钟推送一次，有效期 12 小时）
err-api-advice-platform-other = 请检查第三方平台设置（根目录 cardform.toml 中的 [platform]：第三方平台 AppID、component secret 和 verify ticket 对应的环境变量），然后重新运行
err-api-unknown-meaning = cardform 的错误码表中没有这个 errcode
err-api-unknown-guidance = 请在微信全局返回码说明中查找该错误码；加 --debug 运行可查看完整应答
err-api-env-empty = 环境变量 { $var } 为空：它应当存放{ $what }（在 cardform.toml 的 [account.token] 中指定）
err-api-env-unset = 环境变量 { $var } 未设置：它应当存放{ $what }（在 cardform.toml 的 [account.token] 中指定）
err-api-what-appsecret = 公众号 { $appid } 的 AppSecret
err-api-what-token = 公众号 { $appid } 的 access_token
err-api-what-component-secret = 第三方平台 { $appid } 的 AppSecret
err-api-what-ticket = 最新的 component_verify_ticket
err-api-what-refresh-token = 授权方 { $appid } 的 authorizer_refresh_token
err-api-command-empty = account.token.command 为空：请给出程序及其参数，例如 ["token-client", "--app", "wx…"]
err-api-no-refresh-token = 授权方 { $appid } 没有 authorizer_refresh_token：请从 api_get_authorizer_list 读取，或请商户重新授权第三方平台
err-api-component-refused = component_access_token 连续两次被拒绝；请检查第三方平台的 AppSecret 和 verify ticket
err-api-cmd-start = 无法启动：{ $error }；请检查 cardform.toml 中的 account.token.command
err-api-cmd-timeout = 未在 { $seconds } 秒内结束，已被终止
err-api-cmd-failed = 运行出错：{ $error }
err-api-cmd-exit = 退出状态为 { $status }；它的标准错误输出（{ $bytes } 字节）可能含有密钥，因此不显示：请自己运行该命令查看
err-api-cmd-utf8 = 在标准输出上打印了非 UTF-8 内容
err-api-cmd-json = 打印的 JSON 无法解析（“{ $error }”）；请只打印 access_token，或打印 {"{"}"access_token": …, "expires_in": …{"}"}
err-api-cmd-no-token = 打印的 JSON 中没有 access_token
err-api-cmd-one-token = 必须在标准输出上恰好打印一个 access_token（或含 access_token 的 JSON）

## 模拟器（crates/cardform-emulator）。

err-emu-not-loopback = 拒绝监听 { $addr }：模拟器只绑定回环地址；请使用 127.0.0.1:PORT（或 [::1]:PORT）
err-emu-bad-listen = `{ $addr }` 不是监听地址；请写成 127.0.0.1:PORT（端口 0 表示自动选一个空闲端口）
err-emu-bind = 无法监听 { $addr }：{ $error }；请换一个端口，或停止占用它的程序
err-emu-data = 模拟器数据 { $path }：{ $message }
err-emu-locked = 模拟器数据 { $path } 正被另一个模拟器使用（锁 { $lock } 已被持有）；请停止另一个模拟器，或换一个数据文件
err-emu-fault = 故障规则 `{ $spec }` 无效：{ $message }（参见 docs/emulator.md 的“Fault rules”一节）
err-emu-quota = 调用次数限制 `{ $spec }` 无效：{ $message }；请写成 PATH=DAILY 或 PATH=DAILY/PER_MINUTE

## 写入策略（src/write_policy.rs）。

err-write-owned = 拒绝写入 { $given }（{ $resolved }）：这是{ $what }，写入会破坏它
err-write-owned-help = 请选择项目自身文件以外的路径，例如项目旁边或构建目录下的 plan.json
err-write-not-own-kind = 拒绝写入 { $given }（{ $resolved }）：该文件已存在，且不是{ $kind }
err-write-not-own-kind-help = cardform 只会替换它自己写出的那类文件；如果该文件可以删除，请自行删除，或换一个新路径
err-write-folder = 拒绝写入 { $given }：它是一个目录（{ $resolved }）
err-write-folder-help = 请给出文件名
err-write-no-folder = 无法写入 { $given }：所在目录 { $folder } 不存在
err-write-no-folder-help = 请先创建该目录，或指定一个已存在目录中的文件
err-write-kind-saved-plan = 保存的计划
err-write-kind-review-page = cardform 审阅页面
err-write-kind-svg = SVG 图片
err-write-kind-png = PNG 图片
err-write-kind-man = man 手册页
err-write-kind-state-copy = cardform 状态文件的副本
err-write-kind-state-sidecar = cardform 状态文件旁的附属文件
err-write-kind-new-cards = 新的卡券文件
err-write-in-cards = 位于 cards/ 目录中的文件（该目录存放卡券文件）
err-write-in-assets = 位于 assets/ 目录中的文件（该目录存放卡券用到的图片）
err-write-in-schema = 位于 schema/ 目录中的文件（该目录存放编辑器用来检查文件的 schema）
err-write-in-accounts = 位于 accounts/ 目录中的文件（该目录存放各商户公众号的文件）
err-write-in-templates = 位于 templates/ 目录中的文件（该目录存放卡券模板）
err-write-in-state = 位于 state/ 目录中的文件（该目录存放状态文件及其备份、日志、锁，以及沙箱的数据）
err-write-in-state-dir = 状态文件所在目录中的文件（该目录存放状态文件及其备份、日志、锁，以及沙箱的数据）
err-write-project-file = 项目文件 cardform.toml
err-write-image = 卡券用到的图片
err-write-state-file = 状态文件
err-write-state-backup = 状态文件的备份
err-write-state-journal = 状态文件的日志
err-write-state-lock = 状态文件的锁
err-write-state-lock-info = 状态文件锁的持有者记录
err-write-event-log = 推送事件日志（`cardform events serve`）
err-write-sandbox-world = 沙箱的数据（`endpoint = "sandbox"` 下的全部卡券）
err-write-project-folder = 项目目录本身
err-write-dotfile = 项目中以点开头的文件或目录（.gitignore、.taplo.toml、.github/…），它们属于用户或 cardform init
err-write-dot-folder = 项目中以点开头的目录

## 一次运行：会话、引擎、刷新、保存的计划、状态归属（src/）。

err-session-client = 微信客户端：{ $error }
err-session-sandbox = 无法启动内置沙箱：{ $error }
err-session-runtime = 无法启动异步运行时：{ $error }
err-run-recover = 处理中断的操作时出错：{ $error }
err-run-pricing = 计算计划中购买券点的价格（card/pay/getcoinsinfo、getpayprice）时出错：{ $error }；费用未知的计划无法批准。请用 `cardform coins activate` 开通券点账户，或把朋友的券的库存改回去
err-run-unknown-stores = 朋友的券引用了本公众号没有的门店（poi_id，见 card/location/batchget）：{ $stores }；未创建任何卡券，也未购买任何库存
err-run-unknown-stores-help = 朋友的券的 location_id_list 只能填本公众号自己的门店（见种子文档“创建朋友的券”）：请使用 card/location/batchget 列出的门店 ID（即公众平台“门店管理”中的门店），然后重新制定计划
err-run-stores = 读取本公众号的门店（card/location/batchget）以检查朋友的券的 location_id_list 时出错：{ $error }
err-run-ambiguous = 无法执行：{ $error }
err-run-ambiguous-help = 请运行 `cardform state resolve ADDRESS --adopt CARD_ID`（然后删除其余卡券）或 `--forget`，再重新执行
err-run-refresh-only = { $path } 是只刷新的计划；请改为运行 `cardform apply --refresh-only DIR`
err-run-sub-merchants-help = 请使用 card/getapplyprotocol 列出的一级和二级类目 ID
err-run-sub-merchant-read = 读取子商户（card/submerchant/get、batchget、card/getapplyprotocol）时出错：{ $error }
err-live-refresh = 刷新卡券 { $address }（{ $card_id }）时出错：{ $error }
err-live-shape = 卡券 { $card_id }：微信 card/get 应答中 `{ $field }` 的格式不符合预期：{ $problem }（加 --debug 运行可查看原始 JSON；如果是微信改了格式，请报告）
err-saved-read = 无法读取计划文件 { $path }：{ $error }
err-saved-parse = { $path } 不是 cardform 计划文件（{ $problem }）；请用 `cardform plan --out FILE` 生成
err-saved-version = { $path } 的计划格式为 { $found }，当前 cardform 只能读取格式 { $supported }：请重新制定计划
err-saved-tampered = { $path } 在写出后被修改过（校验和 { $found }，内容的哈希为 { $actual }）；只能执行审阅过的计划：请重新制定计划
err-saved-stale-state = 保存的计划已过时：制定计划之后状态发生了变化（计划基于：{ $planned }；当前状态：lineage { $lineage } serial { $serial }）
err-saved-no-state = 无状态
err-saved-stale-state-help = 请重新制定计划并审阅新的计划
err-saved-pending = 状态中有 { $count } 个中断的操作，保存的计划无法处理它们
err-saved-pending-help = 请先运行 `cardform plan` 处理它们，再重新制定计划
err-saved-stale-live = 保存的计划已过时：制定计划之后，{ $cards } 在微信侧发生了变化
err-saved-stale-live-help = 请重新制定计划，查看并审阅当前的差异
err-owner-other-account = 状态文件记录的是公众号 { $state } 的卡券，但本项目对接的是公众号 { $ours }：基于它制定计划会在这里删除那个公众号的卡券，并重复创建卡券。
err-owner-other-account-todo = 请检查目录、`state` 设置和 `[account] appid`。如果这份状态确实属于本项目（同样的卡券，换了 AppID），请运行 `cardform state adopt-lineage`，把本项目记录为它的所有者。
err-owner-other-project = 状态文件属于项目 { $state }，但 cardform.toml 中写的是 project_id = "{ $ours }"：这是另一个项目的状态（被复制进来，或 `state` 设置有误），基于它制定计划会删除那个项目的卡券，并重复创建本项目的卡券。
err-owner-other-project-todo = 请放回本项目自己的状态文件（如果备份就是它，可用 `cardform state restore-backup`）。如果这份状态确实属于本项目，请运行 `cardform state adopt-lineage`。
err-owner-state-lost = cardform.toml 表明本项目之前执行过（project_id = "{ $project }"），但它的状态是空的：没有卡券，也没有所有者（状态文件或目录被删除，或流水线没有拿到状态文件）。从空状态制定计划会把每张线上卡券再创建一份。
err-owner-state-lost-todo = 如果有副本，请把状态恢复回来（`cardform state restore-backup`、`cardform state push FILE`）。否则请把线上卡券重新关联到文件：先运行 `cardform import --reattach --dry-run --dir { $dir }`，再去掉 --dry-run 运行一次。如果这确实是个新项目（cardform.toml 是从别的项目复制来的），请删除 project_id 这一行。

## 信任（src/config/trust.rs）。

err-trust-foreign-endpoint = { $origin }：endpoint "{ $endpoint }" 不是微信 API 的主机。cardform 只会通过 https 把 AppSecret 和 access_token 发往 { $hosts }、回环地址（模拟器，http://127.0.0.1:PORT）或 "sandbox"，这样修改 cardform.toml 也无法把它们发到别处。如果你信任这个 endpoint，请在仓库之外指定它：在流水线中使用 --endpoint { $endpoint } 或 { $env }={ $endpoint }（两者都会覆盖 cardform.toml）
err-trust-plain-http = { $origin }：endpoint "{ $endpoint }" 用 http:// 访问非回环主机：AppSecret 和 access_token 会以明文经过网络。请使用 https://（纯 http 只用于 127.0.0.1、localhost 或 [::1] 上的模拟器）
err-trust-bad-endpoint = { $origin }：endpoint "{ $endpoint }" { $problem }；请使用 "sandbox"、https://api.weixin.qq.com 或 http://127.0.0.1:PORT
err-trust-token-command = { $origin }：[account.token] source = "command" 会运行 `{ $program }`，这是仓库中某个文件指定的程序。只有操作者允许时 cardform 才会运行它：请在流水线的环境（而不是仓库）中设置 { $env }=1，或在交互式终端中运行 cardform
err-trust-foreign-state = { $origin }：state "{ $url }" 会把 PGUSER/PGPASSWORD 发往非回环主机 { $host }。如果你信任这台服务器，请在仓库之外指定状态：在流水线中使用 --state URL 或 { $env }=URL（两者都会覆盖 cardform.toml）
err-trust-empty-state = { $origin }：`state` 为空，没有指定任何文件（沙箱的数据和状态文件会落到项目的上一级目录）。请删除这一行，让状态保存在 state/cardform.state.json，或指定一个文件或 postgres:// URL
err-trust-bad-state = { $origin }：state "{ $url }"：{ $problem }

## 状态命令（src/commands/state.rs、resolve.rs）。

err-resolve-nothing-pending = { $address } 在 { $state } 中没有结果未知的操作{ $others }
err-resolve-pending-others = （待处理：{ $ops }）
err-resolve-nothing-pending-help = `cardform state list` 会列出待处理的操作；要管理已有的卡券，请用 `cardform import`
err-resolve-not-a-create = { $address } 中断的操作是 { $ops }，不是创建；没有可纳管的卡券
err-resolve-not-a-create-help = 请用 --forget：下次制定计划时无论如何都会读取线上卡券
err-resolve-held-elsewhere = 卡券 { $card_id } 已作为 { $other } 受管理；请纳管一张没有被任何地址持有的卡券
err-resolve-gone = 卡券 { $card_id } 已在微信侧删除，无法纳管
err-resolve-gone-help = 如果并没有创建出卡券，请用 --forget
err-statecmd-no-local-backup = { $dir } 的状态不是本地文件，没有可恢复的 .backup
err-statecmd-no-local-backup-help = PostgreSQL 在 cardform_state_history 表中保存了之前的每个版本；请从那里恢复
err-statecmd-empty-backup = { $path } 中没有卡券：它是在第一次执行创建卡券之前生成的。恢复它会让下次执行把每张卡券重新创建一遍，与线上卡券重复
err-statecmd-empty-backup-help = 如果丢失的状态中有卡券，请用 `--allow-empty` 恢复这个空备份，再用 `cardform import --reattach --dir DIR` 把线上卡券重新关联到文件（先加 `--dry-run` 查看配对；`cardform import ADDRESS CARD_ID` 可手动逐个配对）
err-statecmd-no-project = 无法读取 { $path }：{ $error }。请在项目目录中运行，或用 --dir 指定项目目录。
err-statecmd-bad-toml = { $path }：不是有效的 TOML：“{ $error }”
err-statecmd-not-string = { $path }：`state` 必须是字符串（路径或 postgres:// URL），而不是 { $found }
err-statecmd-none-yet = { $location } 还没有状态（尚未执行或导入过任何卡券）
err-statecmd-none = { $location } 没有状态
err-statecmd-taken = { $address } 已在状态中；如果要替换它，请先删除（`cardform state rm { $address }`）
err-statecmd-destination-pending = { $dest } 中有 { $count } 个结果未知的操作；替换它之前，请先对它运行 `cardform apply` 处理这些操作
err-statecmd-backup = 无法写入备份 { $path }（{ $error }）；状态未被修改
err-statecmd-pending = { $address } 有一个之前运行留下的待处理操作 { $op }（开始于 { $started }），结果未知；编辑这个地址之前，请先运行 `cardform apply` 处理它
err-statecmd-unknown = { $address } 不在 { $location } 的状态中。{ $closest }（`cardform state list` 会列出所有地址）

## 状态文件的其他消息（crates/cardform-state：后端、提示、PostgreSQL URL）。

err-state-no-backup = 没有可恢复的备份 { $backup }（状态第二次保存起才会保留备份）
err-state-torn-record = { $journal } 的最后一条记录不完整（某次运行在写入时中断），已忽略；它描述的操作尚未开始
err-state-skipped-records = 有 { $count } 条日志记录已包含在快照中（之前某次运行在保存时中断），未再次应用
err-state-skipped-rows = 有 { $count } 行日志已包含在快照中，未再次应用
err-state-nothing-loaded = 记录操作之前，{ $location } 没有加载或提交过任何状态（请先提交一份初始状态）
err-state-load-first = 提交到 { $location } 之前，请先加载它
err-state-unfolded = 要提交的状态已合并到第 { $folded } 条日志记录，但 { $location } 的日志有到第 { $last } 条的记录；提交之前请先应用所有已记录的改动
err-state-unknown-backend = cardform.toml 中的 `state = "{ $state }"`：未知的状态后端；请使用文件路径或 postgres://host:port/db
err-state-names-nothing = state 设置既没有指定文件，也没有指定 PostgreSQL URL
err-state-no-event-log = state 设置既没有指定文件，也没有指定 PostgreSQL URL，因此没有事件日志
err-pg-percent = `state = "{ $state }"`：`{ $key }` 的值不是有效的百分号编码
err-pg-unsupported-key = `state = "{ $state }"`：cardform 不支持 `{ $key }`（私钥必须是未加密的 PEM 文件；不读取证书吊销列表）
err-pg-not-url = cardform.toml 中的 `state = "{ $state }"` 不是 PostgreSQL URL（“{ $error }”）；请写成 postgres://host:port/database
err-pg-sslmode = { $place }：sslmode `{ $given }` 不是 disable、prefer、require、verify-ca、verify-full 之一
err-pg-password = cardform.toml 中的 `state = "{ $state }"` 带有密码：请把它从 URL 中去掉，改为在环境变量 PGPASSWORD 中设置
err-pg-no-user = 没有 PostgreSQL 用户：请写在 URL 中（postgres://USER@host/db），或设置 PGUSER
err-pg-no-ca = sslmode={ $mode } 会用 CA 校验服务器证书，但没有给出 CA：请在 URL 中设置 sslrootcert=/path/to/ca.pem（或 PGSSLROOTCERT）为数据库服务商公布的 CA，或设置 sslrootcert=system 信任系统 CA
err-pg-cert-without-key = 设置了 sslcert 却没有 sslkey：客户端证书需要对应的私钥（sslkey=… 或 PGSSLKEY）
err-pg-key-without-cert = 设置了 sslkey 却没有 sslcert：客户端私钥需要对应的证书（sslcert=… 或 PGSSLCERT）
err-pg-disable-with-cert = sslmode=disable 却带有客户端证书：证书只会通过 TLS 发送；请去掉 sslmode=disable

## I/O 错误（io_words：英文保留系统原文；以下为常见类型的中文）。

err-io-with-code = { $error }（错误码 { $code }）
err-io-not-found = 文件或目录不存在
err-io-permission-denied = 没有权限
err-io-already-exists = 文件已存在
err-io-is-a-directory = 这是一个目录
err-io-not-a-directory = 不是目录
err-io-directory-not-empty = 目录不为空
err-io-read-only = 文件系统为只读
err-io-storage-full = 磁盘空间不足
err-io-addr-in-use = 地址已被占用
err-io-connection-refused = 连接被拒绝
err-io-timed-out = 连接超时
err-io-broken-pipe = 管道已断开

## endpoint 不可用的原因（err-trust-bad-endpoint 的 problem）。

err-trust-not-url = 不是 URL（“{ $error }”）
err-trust-not-http = 不是 http(s) URL
err-trust-credentials = 带有用户名或密码；密钥绝不应写在 cardform.toml 中
err-trust-no-host = 没有主机名

## 状态文件、备份和 PostgreSQL 连接的问题。

err-state-empty-file = 文件为空
err-state-not-a-document = 不是有效的状态文件（“{ $error }”）
err-state-damaged-record = 日志中间的一条记录已损坏（“{ $error }”）；日志保存着上次快照以来的操作，因此不能安全地跳过
err-state-backup-detail = serial { $serial }，{ $count } 张卡券
err-state-backup-unreadable = 无法读取：{ $error }
err-pg-connect = 无法连接：“{ $detail }”{ $hint }
err-pg-thread-stopped = 连接线程已停止
err-pg-closed = 连接已关闭
err-pg-hint-needs-tls = 。服务器只接受加密连接，而 sslmode={ $mode } 关闭了 TLS：请去掉 sslmode=disable（PGSSLMODE），最好设置 sslmode=verify-full&sslrootcert=/path/to/ca.pem
err-pg-hint-no-tls = 。sslmode={ $mode } 需要 TLS，但服务器不提供：请在服务器上启用 ssl，或（在可信网络中）设置 sslmode=prefer 或 disable
err-pg-hint-client-cert = 。服务器要求客户端证书：请在 URL 中设置 sslcert=/path/client.crt&sslkey=/path/client.key（或 PGSSLCERT 和 PGSSLKEY）
err-pg-hint-credentials = （用户名取自 URL 或 PGUSER，密码取自 PGPASSWORD）

## card/get 应答中的问题（src/live.rs，err-live-shape 的 problem）。

err-live-missing = 缺失
err-live-not-string = 缺失或不是字符串
err-live-not-coupon-type = `{ $card_type }` 不是 cardform 管理的券类型
err-live-not-object = 缺失或不是对象
err-live-unexpected = 意外的值 { $value }

state-notice-waited = 等待了 { $waited } 才拿到 { $location } 的锁（持有者：{ $holder }）
state-notice-stale-lock = 已接管 { $location } 的锁：留下它的运行已不在运行（{ $stale }）
state-notice-pending = 上次运行有 { $count } 项操作没有记录结果，须先确认其结果：{ $operations }

err-project-id-wrote = 注意：已把 project_id = "{ $id }" 写入 { $file }，请提交它；此后这里会拒绝其他项目的状态文件
err-project-id-failed = 警告：无法把 project_id 写入 { $file }（{ $error }）；请手动在文件开头加上 `project_id = "{ $id }"`
