# 访客在聊天窗口之外看到的内容：发给访客的邮件和评分页面。

visitor-greeting = 您好：
visitor-greeting-named = { $name }，您好：
visitor-signature = — { $workspace }，通过 Parlor
visitor-you = 您

follow-up-subject-one = 来自 { $workspace } 的新回复
follow-up-subject-many = 来自 { $workspace } 的 { $count } 条新回复
follow-up-intro-one = 您收到了来自 { $workspace } 的新回复：
follow-up-intro-many = 您收到了来自 { $workspace } 的新回复：
follow-up-wrote = { $author } 写道：
follow-up-answer-on-page = 如需回复，请回到 { $url } 上的聊天。
follow-up-answer-on-site = 如需回复，请在 { $workspace } 的网站上重新打开聊天。
follow-up-answer-by-email = 如需回复，直接回复这封邮件即可。
follow-up-resolved = { $workspace } 已将此对话标记为已解决。

rating-subject = 您与 { $workspace } 的对话体验如何？
rating-resolved = { $workspace } 已将您的对话标记为已解决。
rating-question = 这次对话体验如何？请选择评分：
rating-choice = { $score } 分（满分 5 分），{ $words }：{ $link }
rating-links-note = 每个链接都会打开一个页面，您可以在提交评分前添加评论。链接有效期至 { $until }。
rating-words-1 = 非常差
rating-words-2 = 差
rating-words-3 = 一般
rating-words-4 = 好
rating-words-5 = 非常好

transcript-subject = 您与 { $workspace } 的对话
transcript-intro = 这是您要求的与 { $workspace } 的对话记录。
transcript-line = { $author }，{ $at }：
transcript-file = [文件：{ $name }]

rate-page-title = 为您的对话评分
rate-page-heading = 您与 { $workspace } 的对话体验如何？
rate-page-your-rating = 您的评分
rate-page-choice = { $score } 分（满分 5 分）· { $words }
rate-page-comment = 评论
rate-page-optional = （可选）
rate-page-send = 提交评分
rate-page-thanks-title = 谢谢
rate-page-problem-title = 评分
rate-page-thanks = 感谢您的反馈
rate-page-rated = 您给与 { $workspace } 的对话打了 { $score } 分（满分 5 分）。7 天内可通过同一封邮件修改。
rate-page-cannot = 无法提交此评分
rate-page-forged = 此评分链接无效。请确认已从邮件中完整复制。
rate-page-expired = 此评分链接已过期：对话解决后 7 天内接受评分。
rate-refused-not-found = 找不到此对话。
rate-refused-not-resolved = 只能为已解决的对话评分。
rate-refused-closed = 此对话的评分已关闭：评分仅在 { $days } 天内接受。
rate-refused-off = 该团队不收集评分。
rate-refused-bad-score = 评分须为 1 到 5 之间的整数。
rate-refused-comment-too-long = 评论最多 { $max } 个字符。
rate-refused-blocked = 您无法使用此聊天：团队已屏蔽此联系人。

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = 您好！有任何问题都可以问我们，我们很乐意帮忙。
stock-offline-message = 我们现在不在线。请留下您的邮箱，我们会通过邮件回复您。
