# チャットウィンドウ（キーは locales/en/widget.ftl と同じ）。

## ウィンドウとヘッダー
w-title = { $name } とチャット
w-rt-minutes = 通常は数分以内にお返事します
w-rt-hours = 通常は数時間以内にお返事します
w-rt-day = 通常は1日以内にお返事します
w-online = オンライン
w-away = ただいま対応時間外です
w-list = あなたの会話
w-new = 新しい会話
w-mail = この会話をメールで受け取る
w-close = チャットを閉じる
w-messages = メッセージ
w-reconnecting = オフラインです。再接続しています…
w-sep = {"、"}

## 書く
w-message = メッセージ
w-write = メッセージを入力…
w-send = 送信
w-attach = ファイルを添付
w-pending = 送信するファイル
w-drop = ここにファイルをドロップして送信
w-support = サポート
w-someone = 誰か
w-typing = { $name } が入力中…
w-st-sending = 送信中…
w-st-sent = 送信済み
w-st-read = 既読
w-st-failed = 未送信

## メールアドレスをたずねる
w-gate = ページを離れた後でもお返事できるよう、メールアドレスを教えてください
w-gate-away = メールアドレスを残していただければ、そちらにお返事します
w-continue = 続ける
w-skip = 結構です
w-thanks-email = ありがとうございます！その時ページを離れていたら、{ $email } にお返事します。
w-try-again = もう一度お試しください。
w-offline = オフラインのようです。少ししてからもう一度お試しください。

## 会話と記録
w-loading = 読み込み中…
w-list-error = 会話を読み込めませんでした。もう一度お試しください。
w-list-empty = まだ会話はありません。「新しい会話」から始めましょう。
w-file1 = ファイル1件
w-files = ファイル{ $n }件
w-you = あなた: { $text }
w-unread = 未読{ $n }件
w-open = 対応中
w-resolved = 解決済み
w-mail-to = この会話の送信先メールアドレス
w-cancel = キャンセル
w-mail-sent = この会話を { $email } に送信しました。
w-mail-failed = 送信できませんでした。もう一度お試しください。

## 評価
w-csat = この会話はいかがでしたか？
w-rate = 5段階中{ $n }で評価
w-rated = この会話を5段階中{ $n }と評価しました。
w-thanks = フィードバックありがとうございます
w-change = 評価を変更
w-comment = コメントを追加（任意）
w-send-comment = コメントを送信

## ファイルを送る
w-file = ファイル
w-up-ready = 送信できます
w-up-busy = アップロード中…
w-up-name = { $name } をアップロード中
w-up-large = このファイルは { $size } を超えています。
w-up-full = このチャットでは現在これ以上ファイルを受け付けられません。ファイルなしでメッセージを送信してください。
w-up-quick = ファイルの送信が速すぎます。1分待ってから再試行してください。
w-up-failed = ファイルをアップロードできませんでした。
w-up-offline = オフラインのようです。接続が戻ったら再試行してください。
w-up-max = 1つのメッセージに添付できるファイルは最大{ $n }件です。
w-up-wait = ファイルのアップロードが終わるまで待ってから送信してください。
w-up-fix = アップロードできなかったファイルを削除（または再試行）してから送信してください。
w-files-offline = オフラインのようです。接続が戻ったらファイルが追加されます。
w-retry = 再試行
w-retry-name = { $name } を再試行
w-remove = { $name } を削除

## サイト上のボタン
w-chat = チャット
w-open-chat = チャットを開く
w-open-unread = チャットを開く（未読{ $n }件）

## プレビューの会話例
w-sample-q = こんにちは！カナダへの配送はできますか？
w-sample-a = できます。お届けまで3〜5日かかります。
