# cardform 的 apply 消息（简体中文）。用词以 ../glossary.md 为准。

## 进度与提示（stderr，progress.rs）
apply-step-refreshing = 正在刷新
apply-step-applying = 正在执行
apply-note = 注意：{ $note }
apply-warning = 警告：{ $warning }
apply-error = 错误：{ $error }

## 确认、结果与审核（commands/apply.rs、apply_output.rs）
apply-confirm = 确定执行以上操作吗？只有输入 'yes' 才会执行：
apply-cancelled = 已取消执行：未做任何修改。
apply-refresh-recorded = 已把 { $count } 张卡券的线上值记为上次执行的结果。微信上的卡券没有任何修改。
apply-saved-plan = 计划 { $path }（校验和 { $checksum }）
apply-saved-no-changes = 无变化：已保存的计划没有需要执行的操作。
apply-summary = 执行完成：新建 { $created } 张，更新 { $updated } 张（其中 { $review } 张已提交审核），替换 { $replaced } 张，删除 { $deleted } 张，调整库存 { $stock } 张{ $whitelist }。
apply-summary-whitelist = ，已设置测试白名单
apply-summary-sub-merchants = 已提交或更新 { $count } 个子商户。
apply-stopped = 执行提前停止（{ $why }）：{ $count } 项修改未开始；已开始的都已完成并记录。再次运行 apply 即可继续。
apply-failures = 执行结束，{ $count } 项失败；成功的修改都已记录在状态文件中：
apply-failure = { $address }：{ $operation } 失败：{ $message }
apply-outcome-unknown = （微信可能已执行，也可能没有；下次运行会在制定计划前先查清楚）
apply-waiting = 等待微信审核 { $count } 张卡券，最多等 { $seconds } 秒…
apply-decided = 已出审核结果：{ $done }/{ $total } 张
apply-rejected-because = { $address } 审核未通过：{ $reason }
apply-review-approved = { $address }：微信审核通过（{ $seconds } 秒）。
apply-review-rejected = 错误：{ $address }（card_id { $card_id }）审核未通过；`cardform status` 可查看原因，请修改卡券后再次执行
apply-review-timeout = 错误：{ $address }（card_id { $card_id }）等待 { $seconds } 秒后仍在审核中（--wait-for-review 已超时）
apply-review-other = 错误：{ $address }（card_id { $card_id }）当前为 { $status }
apply-op-coin-preflight = 券点预检
apply-approved-not-bought = { $stop }；审核通过的卡券未购买库存

## 执行前再次核对券点（apply/coins.rs）
apply-coin-not-allowed = 此计划要用券点购买朋友的券库存（{ $cards }：{ $price } 券点，扣除后不可撤销），但未允许购买；请加上 --allow-coin-purchase 运行 apply（或设置 [policy] allow_coin_purchase = true）；未做任何修改
apply-coin-price-rose = { $address }：{ $quantity } 张券现在需 { $now } 券点，比计划所示的 { $planned } 券点多 { $by }；未购买、未修改任何内容——请重新制定计划并核对新价格
apply-coin-over-budget = 此计划用券点购买需 { $price } 券点，超出预算 { $budget } 券点 { $by } 券点（--max-coins，或 [policy] max_coins_per_apply）；未购买、未修改任何内容
apply-coin-over-balance = 此计划用券点购买需 { $price } 券点，比账户余额（{ $total } 券点 = 免费券点 { $free } + 付费券点 { $paid }）多 { $by } 券点；未购买、未修改任何内容——请用 `cardform coins recharge { $recharge }` 充值并扫码付款
apply-coin-api = 再次核对券点购买时出错：{ $error }；未做任何修改

## 执行器对单张卡券的说明（apply/executor）
apply-unknown-earlier = 这张卡券之前的一次 { $op } 结果未知；请先处理（`cardform state resolve { $address } --adopt CARD_ID` 或 `--forget`）
apply-created-without-stock = { $address }：已创建，暂无库存；微信审核通过后再用券点购买 { $quantity } 张券（[policy] buy_stock = "after_approval"：下次 apply，或 --wait-for-review）
apply-took-off-stock = { $address }：库存减少了 { $removed } 张；这些券是用券点购买的，微信不退还券点
apply-bought = { $address }：用 { $price } 券点购买了 { $quantity } 张券（免费券点 { $free }，付费券点 { $paid }；{ $order }）
apply-order-found = 订单 { $id }；`cardform coins order { $id }` 可查看
apply-order-unknown = 无法确定刚确认的订单（{ $why }）；`cardform coins` 会列出券点明细
apply-still-unknown = { $path } 仍然未知（{ $value }）；之前的一步失败了
apply-differs = { $path } 与审核过的计划不一致（现在是 { $now }，计划中是 { $planned }）；请重新制定计划
apply-no-desired = 计划中没有这张卡券的目标内容
apply-not-in-state = 状态文件中没有这张卡券
apply-no-card-id = 没有 card_id
apply-no-current-card-id = 没有当前的 card_id
apply-unknown-card-type = 未知的卡券类型
apply-reads-deleted = { $address }：读回卡券 { $card_id } 时发现它已被删除
apply-read-back-failed = { $address }：无法读回卡券进行核对：{ $error }
apply-not-taken = { $address }：微信没有接受 { $fields }（用 card/get 读回核对）；下次计划会显示出来
apply-image-unreadable = 无法读取 { $path }：{ $error }
apply-image-changed = { $path } 在制定计划后被修改过；请重新制定计划

## 制定计划前处理中断的操作（apply/recover.rs）
apply-recover-adopted = { $address }：中断的新建操作已到达微信；已纳管卡券 { $card_id }
apply-recover-not-created = { $address }：中断的新建操作没有到达微信；将重新规划
apply-recover-ambiguous = { $address }：中断的新建操作与 { $count } 张线上卡券都匹配（{ $card_ids }）；请用 `cardform state resolve { $address } --adopt CARD_ID` 选定一张（并删除其余的），或用 `--forget`
apply-recover-reread = { $address }：一次中断的 { $op }；计划会重新读取线上卡券
apply-recover-list-failed = 无法列出账户的卡券来处理中断的新建操作：{ $error }
apply-recover-record-failed = 无法把处理结果记录到状态文件：{ $error }
apply-journal-intent = 无法把操作意图记录到状态文件，未发送任何请求：{ $error }
apply-journal-outcome = 调用已成功，但无法记录其结果（下次运行会处理）：{ $error }
apply-sm-logo-pending = logo 尚未上传（{ $why }）；请重新制定计划
apply-sm-scan-local = 扫描件必须是本地文件（会作为临时素材上传）
apply-stock-not-allowed = 为朋友的券购买 { $quantity } 张券要消耗券点（不可撤销）；如要允许，请加上 --allow-coin-purchase 运行 apply（或设置 policy.allow_coin_purchase = true）
apply-stock-price-rose = { $quantity } 张券现在需 { $now } 券点，比计划的 { $planned } 券点多 { $by }；未购买任何库存——请重新制定计划并核对新价格
apply-order-lock = 另一笔购买在记录订单时失败
apply-order-none = card/pay/getorderlist 中没有 { $price } 券点的新购买记录
apply-order-many = 有 { $count } 笔 { $price } 券点的新购买都可能是这一笔：{ $orders }
apply-no-card-type = 缺少 card_type
