# チャット画面の外で訪問者が読むもの：訪問者へのメールと評価ページ。

visitor-greeting = こんにちは。
visitor-greeting-named = { $name } 様
visitor-signature = — { $workspace }（Parlor 経由）
visitor-you = あなた

follow-up-subject-one = { $workspace } から新しい返信があります
follow-up-subject-many = { $workspace } から { $count } 件の新しい返信があります
follow-up-intro-one = { $workspace } から新しい返信が届いています：
follow-up-intro-many = { $workspace } から新しい返信が届いています：
follow-up-wrote = { $author } のメッセージ：
follow-up-answer-on-page = 返信するには、{ $url } のチャットに戻ってください。
follow-up-answer-on-site = 返信するには、{ $workspace } のウェブサイトでチャットをもう一度開いてください。
follow-up-answer-by-email = 返信するには、このメールにそのまま返信してください。
follow-up-resolved = { $workspace } がこの会話を解決済みにしました。

rating-subject = { $workspace } との会話はいかがでしたか？
rating-resolved = { $workspace } があなたとの会話を解決済みにしました。
rating-question = この会話はいかがでしたか？評価を選んでください：
rating-choice = 5 段階中 { $score }（{ $words }）：{ $link }
rating-links-note = 各リンクを開くと、評価を送信する前にコメントを追加できるページが表示されます。リンクの有効期限は { $until } です。
rating-words-1 = とても悪い
rating-words-2 = 悪い
rating-words-3 = ふつう
rating-words-4 = 良い
rating-words-5 = とても良い

transcript-subject = { $workspace } との会話
transcript-intro = ご依頼の { $workspace } との会話の記録です。
transcript-line = { $author }、{ $at }：
transcript-file = [ファイル：{ $name }]

rate-page-title = 会話を評価する
rate-page-heading = { $workspace } との会話はいかがでしたか？
rate-page-your-rating = あなたの評価
rate-page-choice = 5 段階中 { $score } · { $words }
rate-page-comment = コメント
rate-page-optional = （任意）
rate-page-send = 評価を送信
rate-page-thanks-title = ありがとうございます
rate-page-problem-title = 評価
rate-page-thanks = フィードバックをありがとうございます
rate-page-rated = { $workspace } との会話を 5 段階中 { $score } と評価しました。7 日間は同じメールから変更できます。
rate-page-cannot = この評価は送信できません
rate-page-forged = この評価リンクは無効です。メールからすべてコピーされているか確認してください。
rate-page-expired = この評価リンクは期限切れです。評価は会話の解決から 7 日間受け付けています。
rate-refused-not-found = その会話は見つかりません。
rate-refused-not-resolved = 評価できるのは解決済みの会話だけです。
rate-refused-closed = この会話の評価は締め切られました。評価の受付期間は { $days } 日間です。
rate-refused-off = このチームは評価を受け付けていません。
rate-refused-bad-score = 評価は 1 から 5 までの整数です。
rate-refused-comment-too-long = コメントは { $max } 文字以内で入力してください。
rate-refused-blocked = このチャットはご利用いただけません。チームがこの連絡先をブロックしています。

# The greeting and away message a workspace starts with, until it writes its own.
stock-greeting = こんにちは！何でもお気軽にお尋ねください。
stock-offline-message = ただいま対応できません。メールアドレスを残していただければ、メールでご返信します。
