# cardform 的 platform 消息（简体中文）。用词以 ../glossary.md 为准。

## 第三方平台报告（跨账号的计划和执行，plan merge）。
pf-report-title-plan = cardform 计划
pf-report-title-apply = cardform 执行
pf-report-title = { $title }：{ $n } 个账号{ $shard }
pf-report-shard = ，分片 { $shard }
pf-report-shard-merged = ，由 { $n } 个分片文件合并
pf-col-account = 账号
pf-col-creates = 新建
pf-col-updates = 修改
pf-col-review = 送审
pf-col-replaced = 重建
pf-col-deleted = 删除
pf-col-coins = 券点
pf-col-errors = 错误
pf-report-no-changes = 无变更
pf-report-failed = 失败
pf-report-denied = 被策略拒绝
pf-report-refused = 超出整次运行的限额
pf-report-failed-at = 失败（{ $stage }阶段）：{ $message }
pf-report-error = 错误：{ $error }
pf-account-head = ── 账号 { $name }（{ $appid }）──
pf-stage-authorizer = 授权方
pf-stage-plan = 计划
pf-stage-apply = 执行
pf-failed-line = 失败：{ $error }

## plan merge。
pf-merge-unreadable = { $file }：不是第三方平台的计划报告（{ $problem }）
pf-merge-unreadable-help = 请合并 `cardform plan --accounts … --shard K/N --format json` 输出的 JSON 文件
pf-merge-not-plan = format_version 为 { $version }，operation 为 { $operation }
pf-merge-commits = { $a } 是在提交 { $ca } 上计划的，{ $b } 是在提交 { $cb } 上：同一次计划的分片必须基于同一个提交
pf-merge-commits-help = 请从同一个提交重新计划每个分片
pf-merge-no-commit = 无
pf-merge-overlap = 账号 `{ $account }` 同时出现在 { $a } 和 { $b } 中：分片不能重叠
pf-merge-overlap-help = 每个分片只给一次，且 N 相同（--shard K/N）
pf-merge-empty = plan merge 至少需要一个文件

## --accounts 与 --shard。
pf-unknown-account = --accounts：未知账号 `{ $name }`{ $hint }
pf-unknown-account-hint = （是不是 `{ $name }`？）
pf-unknown-account-help = 账号即 accounts/ 下的文件夹；`cardform accounts list` 可列出它们
pf-accounts-empty = --accounts 为空
pf-accounts-empty-help = 请写 all、changed[:REF] 或 NAME[,NAME…]
pf-shard = --shard { $given }：{ $problem }
pf-shard-help = 写成 K/N，且 1 ≤ K ≤ N，例如 --shard 1/4 … --shard 4/4
pf-shard-form = 不是 K/N 的形式
pf-shard-k-number = K 不是整数
pf-shard-n-number = N 不是整数
pf-shard-n-zero = N 至少为 1
pf-shard-k-range = K 必须在 1 到 { $n } 之间
pf-changed = --accounts changed:{ $base }：{ $problem }
pf-changed-help = 请在包含基准 ref 的 git 仓库中运行（CI 中先获取它，例如 `git fetch origin main`），或用 changed:REF 指定其他 ref
pf-changed-dash = ref 不能以 - 开头
pf-changed-no-git = 无法运行 git：{ $error }

## 凭证、第三方平台、授权方。
pf-no-secret = 第三方平台的 AppSecret：环境变量 { $env } 未设置
pf-no-secret-help = 请在流水线的密钥中设置 { $env }（变量名由 [platform] component_secret_env 指定）；它绝不写入文件
pf-no-ticket = 没有 component_verify_ticket：{ $source } 未设置或为空
pf-no-ticket-help = 微信每 10 分钟把 ticket 推送到第三方平台的授权事件接收 URL；请提供最新的一张（[platform.verify_ticket] 指定来源）
pf-stale-ticket = 来自{ $source }的 component_verify_ticket 已有 { $hours } 小时；微信拒绝超过 12 小时的 ticket
pf-stale-ticket-help = 请提供微信最新推送的 ticket（每 10 分钟一次）
pf-ticket-source-env = 环境变量 { $env }
pf-ticket-source-command = ticket 命令 `{ $program }`
pf-ticket-at-bad = 未设置，或不是 Unix 秒数（收到 ticket 的时间）
pf-ticket-command-empty = 命令为空
pf-ticket-command-run = 无法运行：{ $error }
pf-ticket-command-exit = 退出状态：{ $status }
pf-component = 第三方平台（component { $component }，ticket 来自{ $source }）：{ $error }
pf-not-authorizer = AppID { $appid } 不是第三方平台 { $component } 的授权方（api_get_authorizer_list 中没有它：商户已取消授权，或从未授权）；已跳过

## 跨账号运行。
pf-run-stopped = 该账号的运行中断：{ $error }
pf-plan-changed = 在整次运行的限额检查之后、执行之前，它的计划发生了变化（期间有人改动了该账号）；未执行任何变更：请重新运行
pf-state-not-saved = 状态文件未保存：{ $error }
pf-changes-failed = { $n } 项变更失败
pf-run-coins = 各账号的计划共消耗 { $total } 券点，超过 [platform.run] max_coins_per_run = { $max }；未执行任何变更
pf-run-destroy = 各账号的计划共删除或重建 { $total } 张卡券，超过 [platform.run] max_destroy_per_run = { $max }；未执行任何变更（--allow-mass-destroy 可放行）
pf-no-accounts = 没有选中任何账号：无事可做。
pf-run-summary = { $n } 个账号；component_access_token 获取 { $fetches } 次；第三方平台调用 { $calls } 次。
pf-wrote-report = 报告已写入 { $path }
pf-validate-errors = 第三方平台的账号中有 { $n } 个错误。
pf-validate-ok = 第三方平台配置有效：共 { $accounts } 个账号、{ $templates } 个模板、{ $cards } 张卡券。

## 第三方平台项目不支持的用法。
pf-unsupported-approve = 不带 --auto-approve 跨账号执行（请先审阅 `cardform plan --accounts …`，再带 --auto-approve 执行）
pf-unsupported-stats = 跨账号的 stats --card 和 --chart（请在单个账号的项目中运行，或使用 --format json|csv）
pf-unsupported-import = 跨账号的 import ADDR CARD_ID 和 --reattach（请运行 `cardform import --all --accounts NAME`，或在单个账号的项目中导入一张卡券）
pf-unsupported-import-out = 跨账号的 --generate-config-out { $path }：请给出 cards/ 下的路径（每个账号的文件夹各写一份），或省略它以写入 cards/imported.toml
pf-unsupported-template = --template { $name }：templates/{ $name }.toml 不存在

## 跨账号的 status、coins、stats、import --all。
pf-status-claimable = 可领取
pf-status-not-claimable = 不可领取
pf-status-summary = { $n } 个账号，{ $failed } 个失败；{ $cards } 张卡券中 { $claimable } 张现在可领取。
pf-coins-line = { $name } { $total } 券点（免费券点 { $free } + 付费券点 { $paid }），{ $days } 天内 { $orders } 笔订单
pf-coins-failed = { $name } 失败：{ $error }
pf-coins-summary = { $n } 个账号；券点合计：{ $total }。
pf-stats-failed = 账号 { $name } 失败：{ $error }
pf-stats-summary = { $n } 个账号，{ $failed } 个失败；{ $from } – { $to } 合计：浏览 { $views } 次，领取 { $claims } 次，核销 { $redeemed } 次，转赠 { $gifted } 次，过期 { $expired } 张。
pf-import-none = 没有纳管任何卡券；未写入文件。
pf-import-adopted = 已将 { $n } 张卡券纳入状态文件，并写入 { $file }。
pf-import-refused-line = 错误：{ $reason }
pf-import-refused = { $n } 张卡券无法纳管（见上文）；未为它们写入任何内容
pf-import-summary = { $n } 个账号，{ $failed } 个失败；纳管 { $adopted } 张卡券{ $dry }。
pf-import-dry = （试运行：未写入任何文件）

## accounts list | import。
pf-list-appid = AppID
pf-list-account = 账号
pf-list-card = 卡券权限
pf-list-authorised = 授权时间
pf-list-name = 名称
pf-list-not-managed = （未管理）
pf-list-yes = 有
pf-list-no = 无
pf-list-orphan = 账号文件夹的 AppID 不是授权方（已取消授权，或从未授权）
pf-list-summary = { $n } 个授权方，{ $managed } 个已管理，{ $card } 个授予了卡券权限集。
pf-import-managed = { $appid } 已由 accounts/{ $account } 管理：保持不变
pf-import-no-permission = { $appid }（{ $nick }）未授予卡券权限集：已跳过{ $why }
pf-import-bad-name = { $appid }：无法用此 AppID 命名文件夹：已跳过
pf-import-would-write = 将写入 { $file }（{ $nick }）
pf-import-wrote = 已写入 { $file }（{ $nick }）
pf-import-written = 已写入 { $n } 个账号文件夹。

## init --platform。

## 第三方平台的文件（validate）。
pf-file-unreadable = 无法读取文件：{ $error }
pf-file-not-utf8 = 文件名不是有效的 UTF-8；已跳过
pf-no-sandbox = 第三方平台项目没有内置沙箱
pf-no-sandbox-help = 请运行 `cardform emulator --platform-authorizers N`，并设置 endpoint = "http://127.0.0.1:PORT"
pf-template-name = 模板名：只能用小写字母、数字和 _
pf-template-name-help = 请重命名该文件
pf-no-accounts-dir = 第三方平台还没有账号文件夹
pf-no-accounts-dir-help = 运行 `cardform accounts import`，为每个授权方写一个
pf-account-name = 账号文件夹 `{ $name }`：只能用小写字母、数字、_ 和 -（最多 64 个字符）
pf-account-name-help = 文件夹名就是状态的名称和分片的依据；请重命名该文件夹
pf-no-account-file = 账号文件夹中没有 account.toml
pf-no-account-file-help = 在其中写入 `appid = "wx…"`（或删除该文件夹）
pf-unknown-template = 未知模板 `{ $name }`
pf-unknown-template-help = templates/{ $name }.toml 不存在（现有模板：{ $known }）
pf-no-such-account = 没有账号 `{ $name }`
pf-in-account = （账号 { $account }）{ $message }
pf-shared-appid = AppID { $appid } 也是账号 `{ $other }` 的 AppID（{ $file }）
pf-shared-appid-help = 每个商户账号一个文件夹：请合并这两个文件夹，或改正 AppID
pf-none = 无
pf-tpl-syntax = TOML 语法错误：{ $error }
pf-tpl-unknown-key = 模板中有未知的键 `{ $key }`
pf-tpl-unknown-key-help = 模板只包含 [variables.<name>] 表和 [cards.<address>] 表
pf-tpl-vars-inline = 请把变量声明为 [variables.<name>] 表
pf-tpl-vars-inline-help = 例如 [variables.brand_name]\ndescription = "商户名称"
pf-tpl-vars-inside = [variables…] 表必须位于完整的表之前或之间，不能在某个表内部
pf-tpl-unknown-var = 未知变量 `{ $name }`
pf-tpl-unknown-var-help = 请声明为 [variables.{ $name }]（已声明：{ $known }）
pf-tpl-no-var = 模板 `{ $template }` 没有变量 `{ $name }`
pf-tpl-no-var-help = 它的变量：{ $known }（{ $file }）
pf-tpl-used-at = （用于 { $file }:{ $line }:{ $col }）
pf-tpl-needs = 模板 `{ $template }` 需要变量 `{ $name }` 的值{ $used }
pf-tpl-needs-help = 在 [templates.{ $template }] 下添加 `{ $name } = …`
pf-tpl-splice = 模板 `{ $template }` 的变量 `{ $name }` 是数组或表，而 { $file } 把它拼接进了文本
pf-tpl-splice-help = 请给出字符串、数字或布尔值，或把变量用作整个值（"${"{"}var{"}"}"）
pf-tpl-vars-table = `variables` 必须是由 [variables.<name>] 表组成的表
pf-tpl-var-name = 变量名 `{ $name }`：只能用小写字母、数字和 _
pf-tpl-var-key = variables.{ $name }：未知的键 `{ $key }`（或不是字符串）
pf-tpl-var-key-help = 变量只接受 `description`（字符串）和 `default`
pf-tpl-var-table = variables.{ $name } 必须是表
pf-tpl-var-table-help = 写成 [variables.{ $name }]，带 `description`，可选 `default`

# --- round 5: coins activate|recharge|order across accounts ---
pf-co-activated = { $name } 已开通：微信赠送了 { $reward } 点免费券点
pf-co-already-active = { $name } 此前已开通（没有新赠送的免费券点）
pf-co-activate-summary = { $n } 个账号：{ $activated } 个本次开通，{ $already } 个此前已开通，{ $failed } 个失败；微信共赠送 { $reward } 点免费券点。
pf-co-recharge-line = { $name } 充值订单 { $order }：{ $count } 点（¥{ $count }）
pf-co-recharge-image-failed = 订单 { $order } 已创建，但二维码图片未能保存：{ $error }（上面的 qrcode_url 可支付同一订单）
pf-co-recharge-summary = { $n } 个账号：共创建 { $orders } 笔微信支付订单，合计 { $total } 点（¥{ $total }），{ $failed } 个失败。cardform 不会付款：请逐一扫描并支付各个二维码；用 `cardform coins order ORDER_ID --accounts NAME` 查看是否已付款。
pf-co-recharge-no-accounts = 在第三方平台上，`cardform coins recharge` 会为每个账号各创建一笔微信支付订单：请用 --accounts 指明账号
pf-co-recharge-no-accounts-help = 例如 --accounts tea-house；要为所有账号充值请写 --accounts all（未创建任何订单）
pf-co-recharge-no-confirmation = 未经确认不会创建 { $n } 笔微信支付订单：标准输入不是终端
pf-co-recharge-no-confirmation-help = 请先用 `cardform coins --accounts …` 核对账号，再加 --yes 运行（未创建任何订单）
pf-co-recharge-confirm = 确定为 { $names } 创建 { $n } 笔微信支付订单、每笔 { $count } 点（合计 { $total } 点，¥{ $total }）吗？cardform 不会付款：每个二维码都需扫描并支付。只有输入 'yes' 才会执行：
pf-co-recharge-cancelled = 已取消充值：未创建任何订单。
pf-co-and-more = {" "}以及另外 { $n } 个账号
pf-co-unsupported-out = 跨账号的 `coins recharge --out FILE`（每个账号各有一张二维码图片：请用 --out-dir DIR）
pf-co-order-one = 一笔订单只属于一个账号，但选中了 { $n } 个账号：{ $names }
pf-co-order-one-help = 请指明订单所属的账号：cardform coins order ORDER_ID --accounts NAME（未发送任何请求）
# --- round 5: tok (the component token shared across shards, sealed in the state) ---
pf-tok-run-summary-cached = { $n } 个账号；component_access_token 获取 0 次（沿用状态中加密保存的）；第三方平台调用 { $calls } 次。
# --- round 5: stores ---
pf-st-no-set = `${"{"}stores{"}"}` 未指明门店组
pf-st-no-set-help = 请写成 `${"{"}stores.<组名>{"}"}`，组名取自各账号的 [stores]，例如 `${"{"}stores.all{"}"}`
pf-st-set-name = 门店组名 `{ $name }`：只能用小写字母、数字、_ 和 -
pf-st-set-name-help = 门店组在各账号的 [stores] 中命名，例如 all = [poi_id, …]
pf-st-splice = `${"{"}stores.{ $name }{"}"}` 是门店 ID 列表，不能拼接进文本
pf-st-splice-help = 请把它用作整个值：location_id_list = "${"{"}stores.{ $name }{"}"}"
pf-st-reserved = `stores` 为保留名：模板直接用 `${"{"}stores.<组名>{"}"}` 引用各账号的门店组，无需声明
pf-st-reserved-help = 请删除（或改名）[variables.stores]，并在各账号中写 [stores] 表
pf-st-missing = 模板 `{ $template }` 用到门店组 `{ $name }`{ $used }，但本账号的 [stores] 中没有
pf-st-missing-help = 请在本文件的 [stores] 下添加 `{ $name } = [poi_id, …]`（现有的组：{ $known }）；`cardform accounts import` 会根据 card/location/batchget 写入 `all`
pf-st-card-hint = `${"{"}stores.…{"}"}` 只在模板（templates/*.toml）中填入：请在此直接写门店 ID，或把这张卡券移到模板中
pf-st-import-comment = 该商户的门店，按 { $date } card/location/batchget 的列表；模板用 "${"{"}stores.all{"}"}" 引用。可再添加自己的门店组，例如 downtown = [poi_id]。
pf-st-import-none = { $date } card/location/batchget 未列出该商户的任何门店。朋友的券至少需要一个门店：请先在公众平台“门店管理”中添加门店，再列在这里。
pf-st-import-failed = 无法读取该商户的门店（card/location/batchget：{ $error }）：请在这里手动列出。
pf-st-import-warn = { $appid }：无法读取其门店（card/location/batchget：{ $error }）；写入的 { $file } 不含 [stores]
pf-st-import-missing = 警告：{ $file }：模板 `{ $template }` 用到门店组 `{ $name }`，但该文件的 [stores] 中没有：请在制定计划前于 [stores] 下添加 `{ $name } = [poi_id, …]`

# --- round 5: planfile ---
pf-sv-version = { $path } 的第三方平台计划格式为 { $found }，当前 cardform 只能读取格式 { $supported }：请重新制定计划
pf-sv-account-tampered = { $path }：账号 { $account } 的计划在写出后被修改过；只能执行审阅过的计划：请重新制定计划
pf-sv-not-platform = { $path } 是第三方平台保存的计划，但 { $dir } 不是第三方平台目录（其 cardform.toml 没有 [platform]）
pf-sv-not-platform-help = 请在制定计划的那份检出中执行（计划按相对于计划文件的路径记录平台目录），或重新制定计划
pf-sv-one-account-plan = { $path } 是单账号保存的计划（属于 { $dir }），不能用于第三方平台的各账号
pf-sv-one-account-plan-help = 在第三方平台上请用 `cardform plan --accounts … --save FILE` 保存计划并执行该文件；单账号计划请在它自己的项目中执行，不带 --accounts 或 --shard
pf-sv-selection = { $path } 是第三方平台保存的计划，其中已包含制定计划时的账号，因此不能再指定 --accounts 和 --shard
pf-sv-selection-help = 先为需要的账号制定计划（`cardform plan --accounts … --shard K/N --save FILE`），再执行该文件
pf-sv-component = { $path } 是为第三方平台 AppID { $planned } 制定的计划；平台目录现在是 { $now }
pf-sv-plan-again = 请重新制定计划并审阅新的计划
pf-sv-unsupported-apply = 跨账号的 --refresh-only 和 --wait-for-review
pf-sv-saved = 第三方平台计划已保存到 { $path }：{ $n } 个账号待执行，{ $failed } 个账号制定计划失败（校验和 { $checksum }）。严格执行此计划：cardform apply { $path }
pf-sv-over-limits = 注意：按现在的计划，执行时会被拒绝：{ $why }
pf-sv-applying = 正在执行第三方平台保存的计划 { $path }：{ $n } 个账号（校验和 { $checksum }）
pf-sv-other-commit = 注意：计划制定于提交 { $planned }，平台目录现在位于 { $now }；只有文件与制定计划时一致的账号才会执行
pf-sv-unplanned = 注意：以下账号不在计划中，未执行：{ $accounts }（计划之后新增；请重新制定计划以包含它们）
pf-sv-failed-when-planned = 制定计划时失败（{ $error }）；未执行任何变更：请重新制定计划
pf-sv-account-gone = 它的目录已不在第三方平台中；未执行任何变更
pf-sv-files-changed = 制定计划之后，它的文件（账号目录、所用模板或平台的 cardform.toml）发生了变化；未执行任何变更：请重新制定计划
pf-sv-stale = { $error }；未执行任何变更：请重新制定计划
pf-sv-merge = { $path } 是保存的计划；`plan merge` 合并的是各分片的 JSON 报告（`--out FILE`）
pf-sv-merge-help = 每个分片任务执行它自己保存的计划（`cardform apply FILE`）；合并各分片用 --out 写出的报告，得到一条审阅评论
pf-sv-report-saved = 已保存的计划，校验和 { $checksum }{ $shard }：`cardform apply` 会打印它所执行计划的校验和
# --- round 5: trust (plan --trusted-settings DIR on a platform) ---
pf-tr-missing = 受信任的设置：{ $path } 不存在
pf-tr-file = 受信任的设置：{ $path } 是单个文件；第三方平台的受信任设置是一个文件夹（各账号的 [policy] 和 appid 也取自其中）
pf-tr-dir-help = 请给 --trusted-settings（或 CARDFORM_TRUSTED_SETTINGS）基准分支上平台的文件夹：其中的 cardform.toml 和 accounts/<name>/account.toml，例如 `git worktree add --detach "$RUNNER_TEMP/base" origin/main`
pf-tr-not-platform = 受信任的设置：{ $path } 不是第三方平台的 cardform.toml（没有 [platform]）
pf-tr-not-platform-help = 请给基准分支上平台的文件夹；若基准分支还不是第三方平台，就给此拉取请求自己的文件夹（--trusted-settings .）
pf-tr-invalid = 受信任的设置 { $path }：基准分支的文件有 { $n } 个问题（见上）；未发送任何请求
pf-tr-invalid-help = 受信任的设置按平台文件的同一套 schema 校验；请修正基准分支，或给一个有效的文件夹
pf-tr-denied = 此拉取请求提议修改平台的受信任设置（{ $keys }），`--deny settings`（或受信任的 `[policy] deny = ["settings"]`）拒绝了它
pf-tr-shared-appid = 采用基准分支的 AppID 后，AppID { $appid } 也是账号 `{ $other }` 的：此拉取请求把 `{ $other }` 改为 { $proposed }，但计划按基准分支的 AppID 运行它（{ $file }）；两个账号文件夹共用一个 AppID，会各自把对方的卡券计划为删除
pf-tr-shared-appid-help = 账号的 AppID 是受信任的设置，合并后才生效：请先用单独的拉取请求把 `{ $other }` 改为新的 AppID 并合并，再把旧的 AppID 给 `{ $name }`
pf-tr-shared-appids = 采用基准分支的 AppID 后，有 { $n } 处账号共用 AppID（见上）；未发送任何请求
pf-tr-shared-appids-help = 使用 --trusted-settings 时，每个账号都按基准分支上的 AppID 运行；请看上面每个问题的提示
pf-tr-settings-head = 设置：{ $file } 提议修改以下设置（合并后才生效）
pf-tr-md-settings = **设置（合并后才生效）。** 此计划按受信任的设置运行；此拉取请求的 `{ $file }` 修改了：
