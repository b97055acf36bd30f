# 聊天窗口（键与 locales/en/widget.ftl 相同）。

## 窗口及其标题栏
w-title = 与 { $name } 聊天
w-rt-minutes = 我们通常在几分钟内回复
w-rt-hours = 我们通常在几小时内回复
w-rt-day = 我们通常在一天内回复
w-online = 在线
w-away = 我们现在不在线
w-list = 您的对话
w-new = 新对话
w-mail = 将此对话发送到我的邮箱
w-close = 关闭聊天
w-messages = 消息
w-reconnecting = 您已离线，正在重新连接…
w-sep = {"，"}

## 撰写
w-message = 消息
w-write = 输入消息…
w-send = 发送
w-attach = 添加附件
w-pending = 待发送的文件
w-drop = 将文件拖放到此处发送
w-support = 客服
w-someone = 有人
w-typing = { $name } 正在输入…
w-st-sending = 发送中…
w-st-sent = 已发送
w-st-read = 已读
w-st-failed = 未发送

## 询问邮箱
w-gate = 留下您的邮箱，即使您离开了我们也能回复您
w-gate-away = 留下您的邮箱，我们会通过邮件回复您
w-continue = 继续
w-skip = 不用了，谢谢
w-thanks-email = 谢谢！如果届时您已离开，我们会回复到 { $email }。
w-try-again = 请重试。
w-offline = 您似乎已离线，请稍后重试。

## 对话与记录
w-loading = 正在加载…
w-list-error = 无法加载您的对话，请重试。
w-list-empty = 还没有对话。点击“新对话”开始吧。
w-file1 = 1 个文件
w-files = { $n } 个文件
w-you = 您：{ $text }
w-unread = { $n } 条未读
w-open = 进行中
w-resolved = 已解决
w-mail-to = 将此对话发送到
w-cancel = 取消
w-mail-sent = 我们已将此对话发送到 { $email }。
w-mail-failed = 发送失败，请重试。

## 评价
w-csat = 您对这次对话满意吗？
w-rate = 评为 { $n } 分（满分 5 分）
w-rated = 您给这次对话打了 { $n } 分（满分 5 分）。
w-thanks = 感谢您的反馈
w-change = 修改评价
w-comment = 添加评论（可选）
w-send-comment = 发送评论

## 发送文件
w-file = 文件
w-up-ready = 可以发送
w-up-busy = 正在上传…
w-up-name = 正在上传 { $name }
w-up-large = 此文件超过 { $size }。
w-up-full = 此聊天暂时无法接收更多文件。请不带附件发送消息。
w-up-quick = 您发送文件太快了。请等一分钟后重试。
w-up-failed = 文件上传失败。
w-up-offline = 您似乎已离线。恢复连接后请重试。
w-up-max = 一条消息最多可带 { $n } 个文件。
w-up-wait = 请等待文件上传完成后再发送。
w-up-fix = 请移除上传失败的文件（或重试），然后再发送。
w-files-offline = 您似乎已离线：恢复连接后会添加您的文件。
w-retry = 重试
w-retry-name = 重试 { $name }
w-remove = 移除 { $name }

## 网站上的按钮
w-chat = 聊天
w-open-chat = 打开聊天
w-open-unread = 打开聊天，{ $n } 条未读

## 预览中的示例对话
w-sample-q = 你好！你们能发货到加拿大吗？
w-sample-a = 可以：配送需要 3 到 5 天。
