# cardform 计划的简体中文文本。

summary = 计划：新建 { $create } 张，更新 { $update } 张（其中 { $review } 张重新审核），替换 { $replace } 张，删除 { $delete } 张，库存变更 { $stock } 项。
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
html-drift = 在 cardform 之外的修改（漂移）

face-before = 当前（微信上）
face-after = 执行此计划后
face-none = 无卡券

col-field = 字段
col-before = 当前
col-after = 之后
col-effect = 影响
value-absent = （无）

stock-line = 库存：{ $from } → { $to }

warn-review = 以下卡券将重新提交微信审核，审核通过前用户无法领取：
warn-review-item = { $address }（{ $fields }）
warn-replace = 以下卡券将被替换：先创建新卡券，再删除旧卡券；用户已领取的券仍属于旧卡券：
warn-replace-item = { $address }（{ $fields }）
warn-coin = 使用券点购买库存（付费且不可撤销；执行时需加 --allow-coin-purchase）：
warn-coin-item = { $address }：+{ $delta }
warn-settings = 此变更提议修改的设置（合并后才生效）：
warn-settings-item = { $key }：{ $trusted } → { $proposed }
