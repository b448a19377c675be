# cardform 的 common 消息（简体中文）。用词以 ../glossary.md 为准。

label-help = 提示

## 状态命令与 force-unlock（src/commands/state.rs、resolve.rs、force_unlock.rs）。

state-note = 注意：{ $note }
state-no-owner = 没有记录所有者
state-owner-project = 公众号 { $account }，项目 { $project }
state-owner-account = 公众号 { $account }
state-add-project-id = 请在 cardform.toml 开头加上 `project_id = "{ $id }"`（下次执行会自动加上）并提交。
state-adopted-lineage = { $location } 的状态现在属于{ $after }（之前：{ $before }）。
state-kept-copy = 已为被替换的状态保留一份副本：{ $path }
state-restored = 已从 { $backup } 恢复 { $path }（serial { $serial }，{ $count } 张卡券）。
state-restored-journal = 旁边有一次中断运行的日志；下次制定计划或执行时会重放它，并处理其中的操作。
state-restored-next = 请运行 `cardform plan` 查看线上卡券与它的差异。
state-list-pending = 待处理：{ $op } { $address }（开始于 { $started }，结果未知）
state-removed = 已把 { $address }（卡券 { $card_id }）从状态中移除。卡券本身未受影响；下次制定计划时会提议重新创建它，除非你同时把它从文件中删除，或将其导入。
state-moved = 已把 { $source } 移到 { $destination }。
state-pushed = 已把 { $file }（{ $count } 条记录）推送到 { $dest }（serial { $serial }{ $unchanged }）。
state-pulled = 已把 { $source }（{ $count } 条记录）拉取到 { $file }（serial { $serial }{ $unchanged }）。
state-unchanged = ，内容未变
state-saved-backup = 状态已保存（serial { $serial }）。之前状态的备份：{ $backup }
state-saved-serial = 状态已保存（serial { $serial }）。
state-did-you-mean = 你是不是想用 `{ $address }`？
state-force-unlocked = 已释放 { $location } 上的锁，该锁由 { $holder } 持有。
state-resolve-forgot = 已放弃 { $address } 上 { $count } 个中断的操作。如果微信确实为它创建了卡券，那张卡券不受 cardform 管理：请删除它，或用 `cardform import` 纳管。
state-resolve-adopted = 已将卡券 { $card_id } 纳管为 { $address }。
state-resolve-differs = 它与中断的创建操作所提交的内容在 { $fields } 上不同；下次制定计划时会显示如何使其一致。

## 用法错误（src/usage.rs）：clap 的报错以中文重述，参数名和值保持原样。

usage-error = 错误：
usage-unknown-argument = 无法识别的参数 { $arg }
usage-unknown-subcommand = 无法识别的子命令 { $name }
usage-invalid-value = { $arg } 的值 { $value } 无效
usage-invalid-value-why = { $arg } 的值 { $value } 无效：“{ $why }”
usage-value-required = { $arg } 需要一个值，但没有给出
usage-possible-values = 可选值：{ $values }
usage-missing-arguments = 缺少以下必需的参数：
usage-missing-subcommand = { $name } 需要一个子命令，但没有给出
usage-subcommands = 可用的子命令：{ $values }
usage-repeated = 参数 { $arg } 不能重复使用
usage-conflict = 参数 { $arg } 不能与 { $other } 同时使用
usage-conflict-others = 参数 { $arg } 不能与给出的其他某些参数同时使用
usage-no-equals = 给 { $arg } 赋值时需要使用等号
usage-too-many-values = { $arg } 多了一个值 { $value }；不需要更多的值
usage-too-few-values = { $arg } 至少需要 { $min } 个值，但只给出了 { $actual } 个
usage-wrong-number-of-values = { $arg } 需要 { $expected } 个值，但给出了 { $actual } 个
usage-invalid-utf8 = 参数中含有无效的 UTF-8
usage-tip = 提示：
usage-similar-subcommand = 有一个相近的子命令：{ $name }
usage-similar-argument = 有一个相近的参数：{ $arg }
usage-similar-value = 有一个相近的值：{ $value }
usage-tip-as-value = 如果要把 { $arg } 作为值传入，请写成 { $escaped }
usage-usage = 用法：
usage-more = 更多信息请运行 `--help`。

## 模拟器的控制台输出，以及执行过程中按下 Ctrl-C。

emu-seeded = 已从 { $file } 导入 { $count } 张卡券
emu-platform = 第三方平台 { $appid }，共 { $count } 个授权方：GET { $url }/__emulator/platform 可列出它们及 verify ticket
emu-seed-not-json = { $line }:{ $column }：不是 JSON：{ $error }
emu-journal-line = cardform 模拟器：忽略 { $path } 中无法读取的日志第 { $line } 行：{ $error }
emu-journal-write = cardform 模拟器：无法写入日志：{ $error }
interrupt-first = 已中断：不会再开始新的操作；正在等待进行中的操作完成并记录。再按一次 Ctrl-C 立即退出（下次运行会处理仍在进行中的操作）。
interrupt-second = 再次中断：立即退出；下次运行会处理进行中的操作。

## 引擎的提示（src/engine/）。

run-recorded-next-apply = { $resolution }（将由下次执行记录）
man-wrote = 已把 { $count } 个手册页写入 { $dir }
emu-listening = 模拟器正在监听 { $url }（按 Ctrl-C 停止）

## 模拟器的故障规则与调用次数限制（crates/cardform-emulator/src/records/）。

emu-fault-path = 路径 `{ $path }` 必须以 `/` 开头（例如 /card/create），或为 `*`
emu-fault-probability = 概率 { $p } 必须在 0 到 1 之间
emu-fault-status = 状态码 { $status } 必须是 HTTP 错误状态码（400–599）
emu-fault-both = errcode 和 status 只能给一个
emu-fault-error-needs = mode error 需要 errcode=N 或 status=N
emu-fault-send-check-needs = mode send-check 需要 send_check=true|false
emu-fault-send-check-only = send_check 只能与 mode send-check 一起使用
emu-fault-mode-takes-no-code = mode { $mode } 不接受 errcode 或 status
emu-fault-no-effect = 规则需要一个效果：errcode、status、mode=drop|commit-then-drop 或 latency_ms
emu-fault-range = `{ $part }` 不是 2-4 这样的区间
emu-fault-range-size = 区间 `{ $part }` 为空或过长
emu-fault-call = `{ $part }` 不是调用序号（1、2、…）
emu-fault-not-pair = `{ $pair }` 不是 key=value 形式
emu-fault-not-value = { $key } 应为 { $what }，而不是 `{ $value }`
emu-what-integer = 整数
emu-what-status = HTTP 状态码
emu-what-mode = error、drop、commit-then-drop、delay 或 send-check 之一
emu-what-probability = 0 到 1 之间的数
emu-what-milliseconds = 毫秒数
emu-what-bool = true 或 false
emu-fault-unknown-key = 未知的键 `{ $key }`；可用的键有 path、errcode、status、mode、probability、calls、latency_ms、seed、send_check
emu-quota-no-equals = 缺少 `=`
emu-quota-path = 路径必须以 `/` 开头
emu-quota-daily = DAILY 不是数字
emu-quota-per-minute = PER_MINUTE 不是数字
