# cardform 计划的简体中文文本。

summary = 计划：新建 { $create } 张，更新 { $update } 张（其中 { $review } 张重新审核），替换 { $replace } 张，删除 { $delete } 张，库存变更 { $stock } 项{ $whitelist }。
summary-whitelist = ，并设置测试白名单
summary-refresh-only = 仅刷新：{ $drifted } 张卡券在 cardform 之外被修改；不会修改微信上的任何卡券。
summary-create = 新建 { $count } 张

action-no-op = 无变化
action-stock = 仅库存
action-update = 更新
action-update-review = 更新，重新审核
action-create = 新建
action-replace = 替换（新卡券）
action-delete = 删除

class-local = 仅 cardform 设置
class-in-place = 直接生效
class-stock = 库存
class-widen-only = 直接生效（仅可延长）
class-review = 卡券将重新审核
class-replace = 需要创建新卡券

html-title = cardform 变更计划
html-checksum = 已保存计划的校验和：{ $checksum } —— `cardform apply` 将严格执行此计划。
html-not-saved = 此计划未保存（使用 --out 或 --save 保存后，才能严格按所示内容执行）。
html-no-changes = 无变化。微信上的卡券与文件一致。
html-unchanged = { $count } 张无变化：{ $addresses }
html-footer = 由 cardform { $version } 生成。预览按微信的版式绘制；审核通过后以手机上的实际卡券为准。
html-changes = 变更
html-drift = 线上改动（在 cardform 之外所做的修改）

face-before = 当前（微信上）
face-after = 执行此计划后
face-none = 无卡券

col-field = 字段
col-before = 当前
col-after = 改为
col-effect = 影响
value-absent = （无）

stock-line = 库存：{ $from } → { $to }

warn-review = 以下修改需重新提交微信审核，审核通过前用户无法领取：
warn-new-cards = 新建的卡券先处于审核中，微信审核通过后用户才能领取：
warn-card-fields = { $address }（{ $fields }）
warn-replace = 以下卡券将被替换：先创建新卡券，再删除旧卡券；用户已领取的券仍属于旧卡券：
warn-coin = 使用券点购买库存（不可撤销）：
warn-coin-item = { $address }：+{ $delta }
warn-coin-item-price = { $address }：+{ $delta }，{ $price }
warn-settings = 此变更提议修改的设置（合并后才生效）：
warn-settings-item = { $key }：{ $trusted } → { $proposed }

# 文本计划（render_text.rs）。
text-drift-head = 注意：有卡券在 cardform 之外被修改
text-drift-intro = cardform 刷新了微信上的卡券，发现与上次执行的结果有以下不同：
text-drift-card = { $address } 在 cardform 之外被修改{ $card_id }
text-deleted-outside = 卡券已在 cardform 之外被删除
text-refresh-only-note = 这是仅刷新的计划：`cardform apply --refresh-only` 会把这些线上的值记录为上次执行的结果；微信上不会有任何修改。
text-no-drift = 无变化。微信上的卡券与 cardform 上次执行的结果一致。
text-drift-count = 线上改动：{ $count } 张卡券在 cardform 之外被修改。
text-no-changes = 无变化。卡券与文件一致。
text-will-perform = cardform 将执行以下操作：
text-under-review = 正在审核（审核通过前无法领取）：{ $addresses }
text-stock-awaits-approval = 朋友的券库存尚未购买：微信审核通过卡券后用券点购买（[policy] buy_stock = "after_approval"；被驳回的卡券不会购买）：{ $addresses }
text-rejected = 未通过微信审核：{ $addresses }
settings-head = 设置：cardform.toml 提议修改（合并后才生效）
settings-intro = 此计划使用受信任的设置运行；待审核的项目文件修改了：
value-unset = （未设置）
value-cleared = （清除）
address-list-more = { $first } 等另外 { $more } 张（全部列表：cardform plan --format json）
card-id-suffix = （card_id { $id }）
status-now = ，当前状态：{ $status }
status-not-verify = 审核中
status-verify-fail = 审核未通过
status-verify-ok = 审核通过
status-dispatch = 已投放
status-deleted = 已删除
head-create = 将新建 { $address }（新卡券需先通过审核）
head-update = 将直接更新 { $address }{ $card_id }{ $status }
head-update-review = 将直接更新 { $address }{ $card_id }{ $status }；此修改需提交微信审核，审核通过前处于审核中，用户无法领取
head-replace = 必须替换 { $address }{ $card_id }：先创建新卡券（新的 card_id），再删除旧卡券；用户已领取的券仍然有效
head-delete = 将删除 { $address }{ $card_id }
head-stock = { $address } 的库存将变更{ $card_id }
head-no-op = { $address } 无变化
title-derived = 微信生成的标题：“{ $title }”
stock-note = modifystock { $delta }
stock-note-coin = { $delta }，使用券点购买（不可撤销）
stock-note-coin-price = { $delta }，使用券点购买（不可撤销）：{ $price }
unchanged-hidden = 另有 { $count } 个未变化的字段未显示
reason-replace = 需要替换卡券
reason-review = 将重新审核

# Markdown 计划（render_markdown.rs）。
md-title = cardform 变更计划
md-drift-title = cardform 线上改动检查（仅刷新）
md-no-drift = **无线上改动。** 微信上的卡券与 cardform 上次执行的结果一致。
md-drift = **线上改动：{ $count } 张卡券在 cardform 之外被修改。** 此计划不会修改微信上的任何卡券；`cardform apply --refresh-only` 会把线上的值记录为上次执行的结果，普通计划则会恢复文件中的值。
md-no-changes = **无变化。** 卡券与文件一致。
md-table-head = | ➕ 新建 | ✏️ 直接更新 | 🔍 重新审核 | ♻️ 替换 | 🗑️ 删除 | 📦 库存 | ⚠️ 线上改动 | 无变化 |
md-new-cards = 新卡券需先通过微信审核，通过后才能领取。
md-settings = **设置（合并后才生效）。** 此计划使用受信任的设置运行；此拉取请求的 `cardform.toml` 修改了：
md-settings-table-head = | 设置 | 当前生效 | 提议 |
md-denied = **被策略拒绝（退出码 3）。** 此计划需要流水线要求的额外批准后才能执行。
md-denied-by-config = cardform.toml 中的 `[policy] deny`
md-stock-loss = { $address }：替换或删除它会作废 { $vouchers } 张用券点购买、尚未领取的券{ $points }；微信不退还
md-stock-loss-date = { $address }：有效期（`date_info`）的修改迫使替换卡券，作废 { $vouchers } 张用券点购买、尚未领取的券{ $points }。微信只在限度内（最多三个月）原地延长截止日期：现在在限度内延长，其余留待下次 apply；或用 `--allow-stock-loss` 替换卡券
md-stock-loss-points = ，按参考价约 { $points } 券点
md-not-shown = 另有 { $count } 张卡券未显示（评论长度限制）：{ $names }。`cardform plan` 会输出完整计划；已保存的计划文件中包含全部内容。
md-risk-review = 重新审核：审核通过前无法领取
md-risk-replace = 替换为新的 card_id：新卡券需先审核，创建后删除旧卡券，指向旧 card_id 的二维码和链接将失效
md-forced-by = 由 { $fields } 导致
md-risk-delete = 删除：其二维码和链接将失效（用户已领取的券仍然有效）
md-risk-coin = 使用券点购买（不可撤销）
md-stock-change = 库存 { $from } → { $to }，{ $delta }{ $price }
md-deleted-recreated = 已被删除；将以新的 card_id 重新创建
md-risk-drift-undo = 在 cardform 之外被修改：此计划将恢复文件中的值
md-risk-drift = 在 cardform 之外被修改
md-risk-drift-same = 在 cardform 之外被修改为与文件一致的值：无需恢复
md-risk-rejected = 未通过微信审核：请修改后重新提交
md-and-more = ，另有 { $count } 张
md-lines-not-shown = 另有 { $count } 行未显示（评论长度限制）；`cardform plan` 会输出全部内容
md-what-drift = 在 cardform 之外被修改（{ $fields }）
md-what-create = 新建（需先通过审核）
md-what-update = 直接更新（{ $fields }）
md-what-review = 更新，重新审核（{ $fields }）
md-what-replace = 替换：新的 card_id（由 { $fields } 导致）
md-what-delete = 删除
md-what-stock-coin = 库存 { $from } → { $to }，使用券点购买（不可撤销{ $price }）
md-what-stock = 库存 { $from } → { $to }（modifystock { $delta }）
md-what-stock-change = 库存变更
md-now = 当前状态：{ $status }
md-changed-outside = 在 cardform 之外被修改
md-title-derived = 微信生成的标题：{ $title }
md-points = ，{ $points } 券点
md-points-colon = ：{ $points } 券点
md-coins-head = 此计划将消耗的券点（不可撤销）
md-coins-head-over = 此计划将消耗的券点（不可撤销） —— 超出限额（退出码 3）
md-whitelist-head = **🧪 测试白名单**（`card/testwhitelist/set`）：

# 计划备注（note.rs）。
note-recreate = 已在 cardform 之外被删除（card_id { $card_id }）；将重新创建
note-forget = 已在 cardform 之外被删除；cardform 只需将其从状态中移除
note-no-longer-in-files = 已不在文件中
note-card-id-changes = card_id 将改变：为旧卡券生成的二维码、链接和添加到卡包的调用将失效；请用 `cardform qrcode` 重新生成
note-gives-up-stock = 旧卡券剩余的 { $remaining } 张未领取的券随之作废：用券点购买的朋友的券库存不予退还
note-stock-not-refunded = 减少的 { $removed } 张券是用券点购买的：微信不退还券点
note-stock-awaits-approval = { $quantity } 张券的库存将在微信审核通过卡券后用券点购买（[policy] buy_stock = "after_approval"）；被驳回的卡券不会购买
note-deposed = 替换中的旧卡券；现在删除
md-checksum = 已保存计划的校验和 { $checksum }：`cardform apply` 会输出它，并拒绝内容被修改过的计划。

# 券点与测试白名单（money.rs）。
money-quoted = 由 card/pay/getpayprice 报价
money-estimated = 按微信价格表估算（卡券尚无 card_id 可报价；执行时创建后再报价，报价更高则停止）
money-price = { $price } 券点（免费券点 { $free } + 付费券点 { $paid }），{ $source }
money-after-create = 在卡券创建后
money-after-approval = 在微信审核通过卡券后（下次 apply，或 --wait-for-review）
money-buys-price = { $when }用券点购买 { $quantity } 张券（不可撤销）：{ $price }
money-buys = { $when }用券点购买 { $quantity } 张券（不可撤销）
money-total = { $purchases } 次购买共需 { $price } 券点（1 点 = ¥1）：免费券点 { $free } + 付费券点 { $paid }
money-balance = 余额：{ $total } 券点（免费券点 { $free } + 付费券点 { $paid }）
money-short = { $held }：还差 { $by } —— 请用 `cardform coins recharge { $by }` 充值
money-left = { $held }：购买后剩余 { $left }
money-over-budget = 预算：{ $budget } 券点（max_coins_per_apply）：超出 { $by }
money-within-budget = 预算：{ $budget } 券点（max_coins_per_apply）：未超出
money-consent = 仅在使用 --allow-coin-purchase 或 [policy] allow_coin_purchase = true 时购买，且会先重新报价：价格更高时会在购买前停止
money-consent-allowed = 项目策略允许 apply 购买（[policy] allow_coin_purchase = true）；购买前会重新报价：价格更高时会在购买前停止
whitelist-clear = 以空列表调用 card/testwhitelist/set：清除 cardform 设置的白名单
whitelist-set = 以全部 { $count } 项调用 card/testwhitelist/set（整体替换）
text-whitelist-head = 将设置测试白名单

## 计划从微信读取了什么（--refresh=changed、API 调用）
plan-not-refreshed = 未刷新：{ $total } 张受管卡券中有 { $count } 张（--refresh=changed）：自上次 apply 以来它们的文件和状态都未改变，因此按上次 apply 的状态规划，在 cardform 之外对它们的修改不会被发现。完整的计划（默认，--refresh=all）会读取每一张卡券。
plan-api-calls = API 调用：本次计划调用了 { $made } 次；执行它大约还需要 { $apply } 次。

## 审核页面：闸门的拒绝
html-refused = 已拒绝（plan 退出码 3）：此计划不能按原样执行，需要下列批准。
html-denied-by-config = cardform.toml 中的 [policy] deny
