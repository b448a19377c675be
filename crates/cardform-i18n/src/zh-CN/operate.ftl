# cardform 的 operate 消息（简体中文）。用词以 ../glossary.md 为准。

## 各 operate 命令共用

op-warning = 警告：{ $message }
op-error = 错误：{ $message }
op-cannot-read = 无法读取 { $path }：{ $error }

op-card-status-under-review = 审核中
op-card-status-rejected = 审核未通过
op-card-status-approved = 审核通过
op-card-status-dispatched = 已投放
op-card-status-deleted = 已删除

op-class-local = 仅本地设置
op-class-in-place = 直接生效
op-class-stock = 库存
op-class-widen-only = 仅可放宽
op-class-review = 重新审核
op-class-replace = 新建卡券

## status

op-review-approved = 审核通过
op-review-under-review = 审核中
op-review-rejected = 审核未通过
op-review-deleted = 已删除
op-review-dispatched = 已投放
op-review-other = 其他

op-why-deleted = 已删除
op-why-expired = 已过期（已过 end_timestamp）
op-why-friends-early = 朋友的券最早只能在生效前 { $days } 天投放（V1.4）：{ $opens } 之前任何人都不能领取
op-why-friends-early-whitelist = 朋友的券最早只能在生效前 { $days } 天投放（V1.4）：{ $opens } 之前任何人都不能领取，测试白名单中的用户也不能
op-why-under-review = 审核中：微信审核通过前不可领取
op-why-under-review-whitelist = 审核中：微信审核通过前不可领取；测试白名单中的用户可以领取
op-why-rejected = 审核未通过：请修改卡券后重新执行 `cardform apply`
op-why-rejected-whitelist = 审核未通过：请修改卡券后重新执行 `cardform apply`；测试白名单中的用户可以领取
op-why-other = 状态 { $status }
op-why-out-of-stock = 库存为 0（sku.quantity 为 0）
op-why-claimable = 审核通过，有库存，且在有效期内
op-why-gone = 已在微信删除（或微信上没有这张卡券）
op-why-stock-not-bought = 审核通过，库存尚未买齐（已买 { $total } 张，共 { $want } 张）：`cardform apply` 会用券点购买
op-why-rejected-reason = 审核未通过：{ $reason }（card_not_pass_check）；请修改卡券后重新执行 `cardform apply`
op-why-low-stock = { $why }；库存预警：{ $detail }

op-status-none = 没有受管理的卡券（状态文件为空）：请先运行 `cardform apply` 或 `cardform import`。
op-status-stock = 库存 { $count }
op-status-claimable = 可领取
op-status-not-claimable = 不可领取
op-status-summary = 共 { $total } 张卡券，现在可领取 { $claimable } 张。

# 子商户的状态用公众平台的说法（见 cardform-spec 的 submerchant.rs）。
op-sub-heading = 子商户：
op-sub-rejected = 被驳回：{ $reason }
op-sub-reason-unknown = cardform 不知道原因：微信只在 card_merchant_check_result 推送中给出原因
op-sub-status-checking = 审核中
op-sub-status-approved = 已通过
op-sub-status-rejected = 被驳回
op-sub-status-expired = 协议过期

## coins

op-coins-balance = 券点余额：{ $total } 券点（免费券点 { $free } + 付费券点 { $paid }；1 券点 = 1 元）
op-coins-orders = 最近 { $days } 天的订单：{ $count } 笔（最新的在前）
op-coins-orders-cut = 最近 { $days } 天的订单：{ $count } 笔（最新的在前，显示 { $shown } 笔）
op-coins-col-free = 免费券点
op-coins-col-paid = 付费券点
op-coins-activated = 券点账户已开通：微信赠送了 { $reward } 点免费券点。
op-coins-already-active = 券点账户已开通（此前已开通，没有新赠送的免费券点）。
op-coins-recharge = 充值订单 { $order }：{ $count } 点（¥{ $count }）。cardform 不会付款：请用微信扫描这个微信支付二维码并付款。
op-coins-recharge-image = 二维码图片：{ $path }
op-coins-recharge-follow = 用 `cardform coins order { $order }` 查看是否已付款。
op-coins-order = 订单 { $order }：{ $kind } { $status } —— 免费券点 { $free } 点 + 付费券点 { $paid } 点，创建于 { $created }{ $paid_at }。{ $desc }
op-coins-order-paid = ，付款于 { $at }
op-coins-image-decode = 微信返回的 qrcode_buffer 不是 base64：{ $error }

## qrcode

op-qr-expire = expire_seconds 必须在 60–1800 之间（微信允许的范围）；不填则二维码 365 天内有效
op-qr-deleted = 这张卡券已在微信删除
op-qr-not-approved = --unique-code 要求卡券已审核通过（is_unique_code，§6.3），这张卡券目前为{ $status }；请等待审核（`cardform apply --wait-for-review`、`cardform status`），或去掉 --unique-code
op-qr-no-stock = --unique-code 要求卡券有库存，而这张卡券已没有库存；请调高 sku.quantity
op-qr-early = 朋友的券最早只能在生效前 { $days } 天投放（V1.4）；这张卡券 { $begin } 生效，所以 { $opens } 之前任何人都不能用这个二维码领取
op-qr-encode = 无法把该 URL 生成二维码：{ $error }
op-qr-title = { $address }（card_id { $card_id }）的领取二维码：
op-qr-image = 图片：           { $path }
op-qr-replaced = 这张卡券如被替换，会得到新的 card_id，这个二维码随即失效。

## stats

op-stats-progress = datacube：已调用 { $done }/{ $total } 次
op-stats-chart-title = 卡券 { $from } – { $to }
op-stats-chart-per-day = 每天
op-stats-chart-views = 浏览
op-stats-chart-claims = 领取
op-stats-chart-redemptions = 核销
op-stats-chart-written = 图表：{ $path }
op-stats-chart-draw = 绘制图表失败：{ $error }
op-stats-chart-png = 把图表绘制为 PNG 失败：{ $error }
op-stats-chart-english = 没有含中文字符的字体：PNG 图表中的文字改用英文
op-stats-col-date = 日期
op-stats-col-scope = 范围
op-stats-col-views = 浏览次数
op-stats-col-viewers = 浏览人数
op-stats-col-claims = 领取次数
op-stats-col-claimers = 领取人数
op-stats-col-redeemed = 核销次数
op-stats-col-redeemers = 核销人数
op-stats-col-gifted = 转赠次数
op-stats-col-gifters = 转赠人数
op-stats-col-expired = 过期次数
op-stats-col-expirers = 过期人数
op-stats-total = 合计
op-stats-account = 整个账号

## import

op-import-undeclared = 文件中没有卡券 `{ $address }`：下次 plan 会删除卡券 { $card_id }。请先在 cards/ 下的文件中加上 [cards.{ $address }]（或加 --generate-config-out 重新导入）。
op-import-one = 已导入 { $card_id }（{ $kind }，{ $status }），地址为 { $address }。运行 `cardform plan` 查看它与文件的差异。
op-import-none-adopted = 没有卡券纳入管理；未写入任何内容。
op-import-adopted = 已将 { $count } 张卡券纳入管理（记入状态文件），并写入 { $path }。`cardform plan` 对它们显示无变化。
op-import-not-adopted = { $count } 张卡券无法纳入管理（见上文）；没有为它们写入任何内容。
op-import-managed = 已管理    { $card_id }  地址 { $address }
op-import-deleted = 已删除    { $card_id }（跳过）
op-import-unmanaged = 未管理    { $card_id }  { $kind } { $title }（{ $status }）→ { $address }
op-import-summary = 账号上共有 { $total } 张卡券：已管理 { $managed } 张，未管理 { $unmanaged } 张，已删除 { $deleted } 张。
op-import-refused = 卡券 { $card_id }（{ $address }）未纳入管理：为它生成的配置在 plan 中不会是“无变化”：

op-reattach-none = 文件中声明的卡券都已在状态文件中；无需重新关联。
op-reattach-matched = 重新关联  { $address } ← { $card_id }（{ $changes } 个字段与文件不同）
op-reattach-ambiguous = 无法确定  { $address }：{ $ids } 同样符合；请用 `cardform import { $address } CARD_ID` 指定
op-reattach-unmatched = 无匹配    { $address }：微信上没有同类型、无需新建就能对应的卡券；下次 plan 会创建它
op-reattach-summary = { $declared } 张声明的卡券不在状态文件中：重新关联 { $matched } 张，无法确定 { $ambiguous } 张，微信上没有对应卡券 { $unmatched } 张（读取了 { $live } 张未管理的线上卡券）。
op-reattach-image = 图片      { $file } = { $url }（其卡券使用的 URL）
op-reattach-image-unsure = 图片      { $file }：使用它的卡券图片各不相同；下次 apply 会重新上传
op-reattach-dry-images = 上面的图片视为已上传（使用它们的卡券一致）。如果其中某个文件在上次 apply 后改过，请加 --reupload-images 重新关联。
op-reattach-dry-run = 试运行：未记录任何内容。
op-reattach-ambiguous-warning = { $count } 张卡券无法确定（见上文）：请在执行前用 `cardform import ADDRESS CARD_ID` 逐张导入，否则下次 apply 会再创建一份

op-import-err-dry-run-alone = --dry-run 需要与 --all 或 --reattach 一起使用
op-import-err-dry-run-alone-help = 与 --all（列出账号上的卡券）或 --reattach（显示配对结果）一起使用
op-import-err-all-without-out = import --all 需要 --generate-config-out FILE：纳入管理、但文件中没有的卡券会在计划中被删除
op-import-err-all-without-out-help = 加上 --generate-config-out cards/imported.toml（或加 --dry-run 只列出卡券）
op-import-err-address-taken = { $address } 已在状态文件中（card_id { $card_id }）
op-import-err-address-taken-help = 请换一个地址，或先用 `cardform state rm` 移除旧地址
op-import-err-already-managed = 卡券 { $card_id } 已作为 { $address } 受管理
op-import-err-gone = 卡券 { $card_id } 已删除，无可导入
op-import-err-would-change = 为卡券 { $card_id } 生成的配置在 plan 中不会是“无变化”，因此未写入任何内容：

op-adopt-no-card = 生成的文件中没有卡券 { $address }
op-adopt-would-change = { $path }：会被修改（{ $class }）：线上 { $before } → 文件 { $after }
op-adopt-absent = （无）
op-gen-unwritable = 卡券 { $card_id }：{ $message }
op-gen-not-object = 其内容不是对象

## rules

op-rules-md-head = | 字段 | 修改方式 | 已核实 | 来源 |
op-rules-md-head-evidence = | 字段 | 修改方式 | 依据 | 一致 | 不一致 | 来源 |
op-rules-yes = 是
op-rules-unverified = 未核实
op-rules-basis-doc = 文档
op-rules-basis-sample = 样例
op-rules-basis-unverified = 未核实
op-rules-fix-row = ← 请修正此行
op-rules-agreed = 一致
op-rules-disagreed = 不一致
op-rules-evidence-footer = 已比对 { $count } 条记录下来的 card/update 应答；与应答矛盾的行应在 crates/cardform-spec/src/rules.rs 中修正。
op-rules-footer = ? = 参考文档标为 UNVERIFIED（未核实）；cardform 按代价更高的方式处理。
op-rules-note-type = §4.4：没有接口能修改卡券类型；外层键必须一致
op-rules-note-coupons-yes = §4.2：优惠券为“是”（TY、PHPW）；会员卡页面为“否”
op-rules-note-immutable = §4.4：不可修改；发送该字段会使更新失败（47001）
op-rules-note-title = §4.4：不在优惠券的可更新字段中；朋友的券 CASH/GIFT 的标题由微信生成
op-rules-note-no-list = §4.4：不在任何可更新字段列表中
op-rules-note-stock = §4.4、§6.2：用 card/modifystock 按增减量修改
op-rules-note-date-type = §4.3：只有 FIX_TIME_RANGE 的时间戳可以修改
op-rules-note-begin = §4.3：新的开始时间 ≤ 原开始时间
op-rules-note-end = §4.3：新的结束时间 ≥ 原结束时间；朋友的券最多延长 3 个月
op-rules-note-fixed-term = §4.3：fixed_term 不可修改
op-rules-note-all-locations = §4.2：不在 2016 年的优惠券表中；会员卡页面为“否”
op-rules-note-assumed-review = §4.2：未核实，假定会触发审核
op-rules-note-app-brand = §4.2：是否触发审核未核实，假定会；card/update 接受该字段：见录制的 pgy_update_cash.request.json
op-rules-note-friends-list = §4.4：不在朋友的券可更新字段中
op-rules-note-friends-page = §4.2：朋友的券页面列为可更新，“是否提审”一栏空白；假定会触发审核
op-rules-note-amounts = §4.4：券类型中的金额不可修改
op-rules-note-sub-merchant = §16：没有资料表明 card/update 接受该字段；按代价更高的方式处理（未核实）
op-rules-note-local = cardform 自己的设置

# `cardform import --all` 纳入管理的子商户，以及它写出的声明
op-submerchant-managed = 已管理    子商户 { $id } { $brand }（{ $status }）→ [sub_merchants.{ $name }]
op-submerchant-unmanaged = 未管理    子商户 { $id } { $brand }（{ $status }）→ [sub_merchants.{ $name }]
op-submerchant-summary = 账号上共有 { $total } 个子商户：本项目已知 { $managed } 个，待纳入管理 { $unmanaged } 个。
op-submerchant-adopted = 已将 { $count } 个子商户纳入管理（记入状态文件），并把它们的 [sub_merchants.<name>] 表写入 { $path }（`merchant_id` 表示已纳入管理；未写 `protocol`：授权函保留在微信侧）。
op-submerchant-refused = 子商户 { $id }（{ $name }）未纳入管理：为它生成的声明在 plan 中不会是“无变化”：
op-submerchant-would-change = 子商户 { $name } 将被更新：{ $fields }
op-submerchant-no-protocol = { $name } 没有 `protocol`：提交子商户时须附上授权函
op-submerchant-no-protocol-help = 将 protocol 设为授权函的扫描件（项目内的本地 JPG/PNG，例如 assets/protocol.jpg）；只有由 `cardform import --all` 纳入管理（带 `merchant_id`）的子商户可以不写
op-submerchant-needs-protocol = 子商户 { $name }（{ $file }:{ $line }）：修改 { $fields } 需要授权函，而这个纳入管理的子商户没有声明 `protocol`。请在 [sub_merchants.{ $name }] 中将 `protocol` 设为新授权函的扫描件（项目内的本地 JPG/PNG），cardform 会随更新一并上传。
op-submerchant-unknown-id = 子商户 { $name }（{ $file }:{ $line }）：merchant_id { $id } 不是本账号中尚未被其他声明占用的子商户（card/submerchant/batchget）。请核对该 id，或删除 `merchant_id` 并设置 `protocol` 重新提交。
op-submerchant-id-mismatch = 子商户 { $name }（{ $file }:{ $line }）：声明的 merchant_id 为 { $declared }，但状态文件记录的 { $name } 是 merchant_id { $recorded }。请改正 `merchant_id`，或删除它以沿用记录中的值。
op-submerchant-fix-help = 按每行所说修改其指出的 [sub_merchants.<name>] 表，然后重新运行 plan
