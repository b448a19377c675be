# cardform 计划的简体中文文本。用词以 ../glossary.toml 为准（微信公众平台与卡券文档的说法）。

summary = 计划：新建 { $create } 张，更新 { $update } 张（其中 { $review } 张需重新审核），替换 { $replace } 张，删除 { $delete } 张，调整库存 { $stock } 张{ $whitelist }。
summary-whitelist = ，并设置测试白名单
summary-refresh-only = 仅刷新：{ $drifted } 张卡券有线上改动；微信上的卡券不会被修改。
summary-create = 新建 { $count } 张

action-no-op = 无变化
action-stock = 仅调整库存
action-update = 更新
action-update-review = 更新，需重新审核
action-create = 新建
action-replace = 替换（新建卡券）
action-delete = 删除

class-local = 仅 cardform 本地设置
class-in-place = 直接生效
class-stock = 库存
class-widen-only = 直接生效（只能放宽）
class-review = 需重新审核
class-replace = 需新建卡券替换

html-title = cardform 变更计划
html-checksum = 已保存计划的校验和：{ $checksum }。`cardform apply` 将严格按此计划执行。
html-not-saved = 此计划未保存（用 --out 或 --save 保存后，执行的才是这里所示的计划）。
html-no-changes = 无变化：微信上的卡券与文件一致。
html-unchanged = { $count } 张无变化：{ $addresses }
html-footer = 由 cardform { $version } 生成。预览按微信的版式绘制，以审核通过后手机上显示的卡券为准。
html-changes = 变更
html-drift = 线上改动（未经 cardform 的修改）

face-before = 现在（微信上的卡券）
face-after = 执行此计划后
face-none = 无卡券

col-field = 字段
col-before = 当前值
col-after = 修改后
col-effect = 影响
value-absent = （无）

stock-line = 库存：{ $from } → { $to }

warn-review = 以下修改需重新提交微信审核，审核通过前用户无法领取：
warn-new-cards = 新建的卡券先处于审核中，微信审核通过后用户才能领取：
warn-card-fields = { $address }（{ $fields }）
warn-replace = 以下卡券将被替换：先新建卡券，再删除旧卡券；用户已领取的券仍然有效：
warn-coin = 用券点购买库存（扣除后不可撤销）：
warn-coin-item = { $address }：+{ $delta }
warn-coin-item-price = { $address }：+{ $delta }，{ $price }
warn-settings = 此变更提议修改的设置（合并后才生效）：
warn-settings-item = { $key }：{ $trusted } → { $proposed }

# 文本计划（render_text.rs）。
text-drift-head = 注意：以下卡券有线上改动
text-drift-intro = cardform 刷新了微信上的卡券，发现它们与上次执行后的内容有以下不同：
text-drift-card = { $address } 有线上改动{ $card_id }
text-deleted-outside = 卡券已在 cardform 之外被删除
text-refresh-only-note = 这是仅刷新的计划：`cardform apply --refresh-only` 会把这些线上的值记为上次执行的结果，微信上的卡券不会有任何修改。
text-no-drift = 无线上改动：微信上的卡券与 cardform 上次执行的结果一致。
text-drift-count = 线上改动：{ $count } 张卡券在 cardform 之外被修改过。
text-no-changes = 无变化：卡券与文件一致。
text-will-perform = cardform 将执行以下操作：
text-under-review = 审核中（审核通过前用户无法领取）：{ $addresses }
text-stock-awaits-approval = 朋友的券库存尚未购买，将在微信审核通过后用券点购买（[policy] buy_stock = "after_approval"；审核未通过的卡券不会购买）：{ $addresses }
text-rejected = 审核未通过：{ $addresses }
settings-head = 设置：cardform.toml 提议修改以下设置（合并后才生效）
settings-intro = 此计划按受信任的设置运行；待审核的项目文件修改了：
value-unset = （未设置）
value-cleared = （清空）
address-list-more = { $first } 等，另有 { $more } 张（完整列表：cardform plan --format json）
card-id-suffix = （card_id { $id }）
status-now = ，当前：{ $status }
status-not-verify = 审核中
status-verify-fail = 审核未通过
status-verify-ok = 审核通过
status-dispatch = 已投放
status-deleted = 已删除
head-create = 将新建 { $address }（新卡券创建后处于审核中）
head-update = 将直接更新 { $address }{ $card_id }{ $status }
head-update-review = 将更新 { $address }{ $card_id }{ $status }；修改需提交微信审核，审核通过前用户无法领取
head-replace = 必须替换 { $address }{ $card_id }：先新建卡券（新的 card_id），再删除旧卡券；用户已领取的券仍然有效
head-delete = 将删除 { $address }{ $card_id }
head-stock = 将调整 { $address } 的库存{ $card_id }
head-no-op = { $address } 无变化
title-derived = 微信生成的标题：“{ $title }”
stock-note = modifystock { $delta }
stock-note-coin = { $delta }，用券点购买（不可撤销）
stock-note-coin-price = { $delta }，用券点购买（不可撤销）：{ $price }
unchanged-hidden = 另有 { $count } 个字段无变化，未显示
reason-replace = 需替换卡券
reason-review = 需重新审核

# Markdown 计划（render_markdown）。
md-title = cardform 变更计划
md-drift-title = cardform 线上改动检查（仅刷新）
md-no-drift = **无线上改动。** 微信上的卡券与 cardform 上次执行的结果一致。
md-drift = **线上改动：{ $count } 张卡券在 cardform 之外被修改过。** 此计划不会修改微信上的任何卡券；`cardform apply --refresh-only` 会把线上的值记为上次执行的结果，普通计划则会改回文件中的值。
md-no-changes = **无变化。** 卡券与文件一致。
md-table-head = | ➕ 新建 | ✏️ 直接更新 | 🔍 重新审核 | ♻️ 替换 | 🗑️ 删除 | 📦 库存 | ⚠️ 线上改动 | 无变化 |
md-new-cards = 新建的卡券先处于审核中，微信审核通过后用户才能领取。
md-settings = **设置（合并后才生效）。** 此计划按受信任的设置运行；此拉取请求的 `cardform.toml` 修改了：
md-settings-table-head = | 设置 | 当前生效 | 提议 |
md-denied = **被策略拒绝（退出码 3）。** 需要先取得流水线要求的额外批准，才能执行此计划。
md-denied-by-config = cardform.toml 中的 `[policy] deny`
md-stock-loss = { $address }：替换或删除它将作废 { $vouchers } 张用券点购买、尚未领取的券{ $points }；微信不退还券点
md-stock-loss-date = { $address }：有效期（`date_info`）的修改迫使替换卡券，将作废 { $vouchers } 张用券点购买、尚未领取的券{ $points }。微信只允许在限度内（最多三个月）直接延长截止日期：现在先在限度内延长，其余留到下次 apply；或用 `--allow-stock-loss` 有意替换卡券
md-stock-loss-points = ，按参考价约 { $points } 券点
md-not-shown = 另有 { $count } 张卡券未显示（评论长度限制）：{ $names }。`cardform plan` 会输出完整计划，已保存的计划文件也包含全部内容。
md-risk-review = 重新审核：审核通过前用户无法领取
md-risk-replace = 换成新的 card_id：新卡券先处于审核中，创建后再删除旧卡券；指向旧 card_id 的二维码和链接将失效
md-forced-by = 由 { $fields } 引起
md-risk-delete = 删除：它的二维码和链接将失效（用户已领取的券仍然有效）
md-risk-coin = 用券点购买（不可撤销）
md-stock-change = 库存 { $from } → { $to }，{ $delta }{ $price }
md-deleted-recreated = 已被删除；将以新的 card_id 重新创建
md-risk-drift-undo = 有线上改动：此计划会改回文件中的值
md-risk-drift = 有线上改动
md-risk-drift-same = 有线上改动，但已与文件一致：无需改回
md-risk-rejected = 审核未通过：请修改后重新提交
md-and-more = ，另有 { $count } 张
md-lines-not-shown = 另有 { $count } 行未显示（评论长度限制）；`cardform plan` 会输出全部内容
md-what-drift = 线上改动（{ $fields }）
md-what-create = 新建（创建后处于审核中）
md-what-update = 直接更新（{ $fields }）
md-what-review = 更新，需重新审核（{ $fields }）
md-what-replace = 替换：新的 card_id（由 { $fields } 引起）
md-what-delete = 删除
md-what-stock-coin = 库存 { $from } → { $to }，用券点购买（不可撤销{ $price }）
md-what-stock = 库存 { $from } → { $to }（modifystock { $delta }）
md-what-stock-change = 调整库存
md-now = 当前：{ $status }
md-changed-outside = 有线上改动
md-title-derived = 微信生成的标题：{ $title }
md-points = ，{ $points } 券点
md-points-colon = ：{ $points } 券点
md-coins-head = 此计划消耗的券点（不可撤销）
md-coins-head-over = 此计划消耗的券点（不可撤销）——超出限额（退出码 3）
md-whitelist-head = **🧪 测试白名单**（`card/testwhitelist/set`）：

# 计划备注（note.rs）。
note-recreate = 已在 cardform 之外被删除（card_id { $card_id }）；将重新创建
note-forget = 已在 cardform 之外被删除；cardform 只需把它从状态文件中移除
note-no-longer-in-files = 文件中已没有这张卡券
note-card-id-changes = card_id 将改变：旧卡券的二维码、链接和“添加到卡包”（addCard）都会失效；请用 `cardform qrcode` 重新生成
note-gives-up-stock = 旧卡券剩余的 { $remaining } 张未领取的券将一并作废：用券点购买的朋友的券库存不退还
note-stock-not-refunded = 减少的 { $removed } 张券是用券点购买的：微信不退还券点
note-stock-awaits-approval = 微信审核通过卡券后，再用券点购买 { $quantity } 张券的库存（[policy] buy_stock = "after_approval"）；审核未通过的卡券不会购买
note-deposed = 替换留下的旧卡券；现在删除
md-checksum = 已保存计划的校验和 { $checksum }：`cardform apply` 会显示它，并拒绝执行内容被改动过的计划。

# 券点与测试白名单（money.rs）。
money-quoted = 来自 card/pay/getpayprice 的报价
money-estimated = 按微信价格表估算（卡券还没有 card_id，无法报价；执行时先创建卡券再报价，报价更高则停止）
money-price = { $price } 券点（其中免费券点 { $free }，付费券点 { $paid }），{ $source }
money-after-create = 卡券创建后，
money-after-approval = 微信审核通过卡券后（下次 apply，或 --wait-for-review），
money-buys-price = { $when }用券点购买 { $quantity } 张券（不可撤销）：{ $price }
money-buys = { $when }用券点购买 { $quantity } 张券（不可撤销）
money-total = 共购买 { $purchases } 次，需 { $price } 券点（1 券点 = 1 元）：其中免费券点 { $free }，付费券点 { $paid }
money-balance = 余额 { $total } 券点（免费券点 { $free }，付费券点 { $paid }）
money-short = { $held }，还差 { $by } 券点：请用 `cardform coins recharge { $by }` 充值
money-left = { $held }，购买后剩余 { $left } 券点
money-over-budget = 预算 { $budget } 券点（max_coins_per_apply），超出 { $by } 券点
money-within-budget = 预算 { $budget } 券点（max_coins_per_apply），未超出
money-consent = 只有加上 --allow-coin-purchase 或设置 [policy] allow_coin_purchase = true，apply 才会购买；购买前会重新报价，报价更高则在购买前停止
money-consent-allowed = 项目策略允许 apply 购买（[policy] allow_coin_purchase = true）；购买前会重新报价，报价更高则在购买前停止
whitelist-clear = 调用 card/testwhitelist/set 并传入空列表：清空 cardform 设置的测试白名单
whitelist-set = 调用 card/testwhitelist/set，把测试白名单整体替换为共 { $count } 个用户的新名单
text-whitelist-head = 将设置测试白名单

## 计划从微信读取了什么（--refresh=changed、API 调用）
plan-not-refreshed = 未刷新 { $count } 张卡券（共 { $total } 张受管卡券，--refresh=changed）：它们的文件和状态自上次 apply 以来都没有变化，因此按上次执行后的状态制定计划，看不到它们的线上改动。完整的计划（默认，--refresh=all）会读取每一张卡券。
plan-api-calls = API 调用：制定本计划用了 { $made } 次，执行时预计约 { $apply } 次。

## 审核页面：闸门的拒绝
html-refused = 已拒绝（plan 退出码 3）：此计划不能直接执行，需要先取得下列批准。
html-denied-by-config = cardform.toml 中的 [policy] deny

## 执行时才能知道的值（文本、Markdown 和 HTML 计划；JSON 计划保留数据形式）
pending-upload = （执行时上传 { $path } 后生成）
pending-card-id = （执行时创建 { $address } 后生成的 card_id）
pending-merchant-id = （子商户 { $name } 审核通过后生成的 merchant_id）
pending-other = （执行时确定：{ $reason }）

## 闸门的拒绝（stderr；JSON 计划保留英文）
gate-what-review = 会让它（重新）进入微信审核：审核通过前用户无法领取
gate-what-replace = 会把它替换为新卡券（新的 card_id）
gate-what-delete = 会删除它
gate-what-stock = 会调整它的库存（modifystock）
gate-what-settings = 提议修改受信任的设置（endpoint、account、state、policy）
gate-violation = { $address }：此计划{ $what }{ $because }；被 { $source } 拒绝
gate-because = （原因：{ $fields }）
gate-because-coin = { $from } → { $to }，用券点购买
gate-source-config = cardform.toml 中的 [policy] deny = ["{ $class }"]
gate-policy-line = 策略：{ $violation }
gate-help-flag = 先取得流水线要求的额外批准（批准后不带这些 --deny 重新制定计划）
gate-help-config = 通过一次经过审核的修改，从 cardform.toml 的 [policy] deny 中去掉该类别
gate-help-change = 或修改卡券，使计划不再需要它
gate-help-sep = ；
gate-denied = 错误：此计划对 { $cards } 张卡券有 { $changes } 项修改被策略拒绝（退出码 3）。请{ $help }。
gate-coins-over-budget = 错误：此计划用券点购买需 { $price } 券点，超出预算 { $budget } 券点 { $by } 券点（cardform.toml 中的 [policy] max_coins_per_apply，或 --max-coins）；未购买任何库存（退出码 3）。请通过一次经过审核的修改提高预算，或减少朋友的券库存。
gate-coins-over-balance = 错误：此计划用券点购买需 { $price } 券点，比账户余额（{ $total } 券点 = 免费券点 { $free } + 付费券点 { $paid }）多 { $by } 券点；未购买任何库存（退出码 3）。{ $activate }请用 `cardform coins recharge { $recharge }` 充值并用微信支付扫码付款，或减少朋友的券库存。
gate-coins-activate = 新账户可用 `cardform coins activate` 领取一次 200 免费券点。
gate-mass-every = 全部受管卡券（{ $managed } 张中的 { $count } 张）
gate-mass-config = { $managed } 张受管卡券中的 { $count } 张，超过 cardform.toml 中 [policy] max_destroy = { $limit } 的上限
gate-mass-default = { $managed } 张受管卡券中的 { $count } 张，超过默认上限 { $limit } 张（受管卡券的一半，至少 { $min } 张；可在 cardform.toml 中设置 [policy] max_destroy）
gate-mass-destroy = 错误：此计划将删除或替换{ $why }：{ $cards }。
gate-mass-mistake = 这通常是失误而非本意：cards/ 文件夹为空或无法读取、项目目录不对，或状态文件不对（别的项目的，或旧的副本）。请检查 `cardform state list` 和卡券文件。
gate-mass-allow = 如果确实要这样做，请加上 --allow-mass-destroy 再运行（退出码 3：未做任何修改）。
gate-stock-loss-head = 此计划会作废用券点购买的朋友的券库存（微信不退还券点）：
gate-stock-loss-delete = { $address }：删除它将作废 { $vouchers } 张尚未领取的券{ $points }
gate-stock-loss-replace = { $address }：替换它将作废 { $vouchers } 张尚未领取的券{ $points }
gate-stock-loss-date = 替换是有效期（date_info）的修改引起的：微信只允许在限度内（最多三个月，参考文档 §4.3）直接延长截止日期，因此可以现在先在限度内延长，其余留到下次 apply；或加上 --allow-stock-loss 有意替换卡券
gate-stock-loss-allow = 如接受这一损失，请加上 --allow-stock-loss 再运行

## plan 在计划之外输出的内容（commands/plan.rs）
plan-saved = 计划已保存到 { $path }（校验和 { $checksum }）。严格执行此计划：cardform apply { $path }
plan-wrote-page = 审核页面已写入 { $path }

## 文本计划中的子商户（sub_merchants.rs）
sm-head = 子商户（第三方协助制券）：
sm-not-submitted = 未提交
sm-no-op = 无变化，{ $status }
sm-adopt = 纳管线上品牌名相同的子商户，{ $status }
sm-adopt-by-id = 纳管 merchant_id 所指的线上子商户，{ $status }
sm-create = 提交（card/submerchant/submit）；微信审核：CHECKING
sm-update = 更新 { $fields }（card/submerchant/update）；重新审核：CHECKING
sm-line = ~ 子商户 { $name }{ $id }：{ $what }
sm-merchant-id = （merchant_id { $id }）
sm-rejected = 审核未通过的原因：{ $reason }
sm-waiting = … 卡券 { $address } 需等待：它的子商户 { $name } 当前为 { $status }（微信审核通过子商户后，下次 apply 时{ $action ->
    [create] 新建
    [replace] 替换
    [delete] 删除
    [stock] 调整库存
   *[other] 更新
}）

## 无法制定计划的原因（build.rs、sub_merchants.rs）
plan-err-prevent-destroy = 卡券 { $address }：此计划会{ $action ->
    [delete] 删除
   *[other] 替换
}它，但设置了 lifecycle.prevent_destroy（如果确实要这样做，请先去掉这项设置{ $hint }）
plan-err-forced-by = ；替换由 { $fields } 引起
plan-err-deleted-outside = 卡券 { $address }：已在 cardform 之外被删除（card_id { $card_id }）；--refresh-only 无法记录这一点——请运行普通计划重新创建它，或运行 `cardform state rm { $address }`
plan-err-unknown-target = --target { $address }：文件和状态文件中都没有这个地址的卡券
plan-err-not-refreshed = 卡券 { $address }：没有 card_id { $card_id } 的线上数据（未刷新）
plan-err-write-rule = 卡券 { $address }：{ $field }：此计划会用这个值{ $action ->
    [create] 创建卡券
    [replace] 创建替换的新卡券
   *[other] 提交修改
}，但{ $message }（{ $help }）
sm-err-category = 子商户 { $name }（{ $file }:{ $line }）：类目 { $primary }/{ $secondary } 不在微信 card/getapplyprotocol 返回的类目中；可用的类目 ID（一级：二级…）：{ $valid }
sm-err-none-listed = 无
