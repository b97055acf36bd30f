//! Faults with real processes: Parlor instances started from the built binary and killed with
//! SIGKILL, a private Postgres restarted under traffic, a private NATS restarted under traffic,
//! and a Postgres that speaks TLS only. Each test counts rows and frames: every message stored
//! once, delivered once to the agent, in order.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use diesel::Connection;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::{Browser, PASSWORD, Person, TestDatabase},
    servers::{ParlorEnv, ParlorProcess, PrivateNats, PrivatePostgres, query},
    socket_client::{Read, Socket, widget_session_at},
};

/// Sends one visitor may have waiting for their ack, like a widget with a few queued messages.
const WINDOW: usize = 6;

/// How a visitor sends: `burst` messages at once every `every`. Both paces stay under the
/// visitor socket's limit of 20 frames a second.
#[derive(Clone, Copy)]
pub(crate) struct Pace {
    pub(crate) burst: usize,
    pub(crate) every: Duration,
}

/// A steady stream: one message every 60 ms.
pub(crate) const STEADY: Pace = Pace { burst: 1, every: Duration::from_millis(60) };
/// Several sends in flight at once, so that a fault finds some committed and not yet acked.
pub(crate) const BURSTS: Pace = Pace { burst: 5, every: Duration::from_millis(300) };
/// No test here may hang: every loop gives up by then.
pub(crate) const TRAFFIC_DEADLINE: Duration = Duration::from_secs(45);

/// Ada signs up on `instance` (a process, not a `TestApp`); returns her email and the site key.
pub(crate) async fn sign_up_on(address: &str) -> (String, String) {
    let person = Person::new("Ada");
    let browser = Browser::new(address);
    let workspace = browser.sign_up_ok(&person).await;
    (person.email, browser.site_key(&workspace).await)
}

/// One visitor: a conversation, and what it sends into it.
pub(crate) struct Visitor {
    pub(crate) token: String,
    pub(crate) conversation: String,
    /// `(client_id, body)` in the order they are sent; the first one opened the conversation.
    pub(crate) planned: Vec<(String, String)>,
}

/// Opens a conversation for a new visitor on `instance`, then plans `count` more messages.
pub(crate) async fn visitor(address: &str, site_key: &str, name: &str, count: usize) -> Visitor {
    let (token, _) = widget_session_at(address, site_key).await;
    let mut socket = Socket::open(address, &[]).await;
    socket.send(json!({"type": "hello", "visitor_token": token})).await;
    socket.expect("welcome").await;
    let first = (Uuid::now_v7().to_string(), format!("{name}-0"));
    socket.send(json!({"type": "send", "client_id": first.0, "body": first.1})).await;
    let ack = socket.expect("ack").await;
    let conversation = ack["conversation_id"].as_str().expect("conversation id").to_string();
    socket.close().await;
    let mut planned = vec![first];
    planned.extend((1..=count).map(|n| (Uuid::now_v7().to_string(), format!("{name}-{n}"))));
    Visitor { token, conversation, planned }
}

/// What a visitor saw: the ack of every client id, and any retry acked differently.
#[derive(Default)]
pub(crate) struct Sent {
    pub(crate) acks: HashMap<String, Value>,
    pub(crate) conflicting_acks: Vec<(Value, Value)>,
    pub(crate) reconnects: usize,
    /// Sends repeated after a broken socket or an `unavailable` answer.
    pub(crate) resent: usize,
    /// Sockets the server closed with 1012 (service restart).
    pub(crate) restarts: usize,
    /// Messages sent again on a new socket that were already stored (the first try committed,
    /// its ack was lost): the retry was answered from the stored message.
    pub(crate) answered_from_first_commit: usize,
}

/// Milliseconds since the Unix epoch, comparable with a UUIDv7's timestamp.
fn unix_millis() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// When a message id (a UUIDv7, minted by the instance that stored the message) was made.
fn minted_at(message_id: &str) -> u64 {
    let id: Uuid = message_id.parse().expect("message ids are UUIDs");
    id.get_timestamp().map(|t| t.to_unix().0 * 1000 + u64::from(t.to_unix().1 / 1_000_000)).expect("a UUIDv7")
}

/// Counts the test watches to time its fault.
#[derive(Clone, Default)]
pub(crate) struct Progress {
    /// Messages sent for the first time.
    pub(crate) sent: Arc<AtomicUsize>,
    pub(crate) acked: Arc<AtomicUsize>,
    /// Set by the test: visitors asked to, drop their socket at the next ack (see [`keep_sending`]).
    cut: Arc<std::sync::atomic::AtomicBool>,
    cuts: Arc<AtomicUsize>,
}

/// Sends the visitor's messages at `pace` with up to [`WINDOW`] waiting for acks. When the
/// socket breaks it reconnects, to the next of `addresses` if one refuses, and sends again
/// every message not acked, with the same client id, in the same order. A message answered
/// `unavailable` is sent again a little later.
///
/// With `cut_on_ack`, once the test sets `progress.cut` the visitor drops its socket the moment
/// an ack arrives, unread acks and all, and goes to the next address: the network failing just
/// after a commit, with the acks of the rest of the burst lost on the way.
pub(crate) async fn keep_sending(
    addresses: Vec<String>,
    visitor: Visitor,
    pace: Pace,
    progress: Progress,
    cut_on_ack: bool,
) -> (Visitor, Sent) {
    let frame = |i: usize| {
        let (client_id, body) = &visitor.planned[i];
        json!({"type": "send", "client_id": client_id, "conversation_id": visitor.conversation, "body": body})
    };
    let index: HashMap<String, usize> = visitor.planned.iter().enumerate().map(|(i, (id, _))| (id.clone(), i)).collect();
    let mut sent = Sent::default();
    // The first message was acked when the conversation was opened.
    let mut next = 1;
    let mut pending: Vec<usize> = Vec::new();
    let mut retry: Vec<(Instant, usize)> = Vec::new();
    let mut last_seq = 1;
    let mut at = 0;
    let mut cut_done = !cut_on_ack;
    // Client ids sent again on a new socket, with when that was.
    let mut resent_at: HashMap<String, u64> = HashMap::new();
    let deadline = Instant::now() + TRAFFIC_DEADLINE;
    while sent.acks.len() + 1 < visitor.planned.len() {
        assert!(Instant::now() < deadline, "a visitor stalled: {} of {} acked", sent.acks.len() + 1, visitor.planned.len());
        let hello = json!({"type": "hello", "visitor_token": visitor.token, "resume": {visitor.conversation.clone(): last_seq}});
        let Some(mut socket) = connect(&addresses[at], &[], &hello).await else {
            at = (at + 1) % addresses.len();
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        if next > 1 {
            sent.reconnects += 1;
        }
        retry.clear();
        let mut alive = true;
        for &i in &pending {
            alive = alive && socket.try_send(&frame(i)).await;
            sent.resent += 1;
            resent_at.entry(visitor.planned[i].0.clone()).or_insert_with(unix_millis);
        }
        let mut due = Instant::now();
        while alive && sent.acks.len() + 1 < visitor.planned.len() && Instant::now() < deadline {
            if Instant::now() >= due {
                for _ in 0..pace.burst {
                    if next < visitor.planned.len() && pending.len() < WINDOW {
                        alive = alive && socket.try_send(&frame(next)).await;
                        pending.push(next);
                        next += 1;
                        progress.sent.fetch_add(1, Ordering::Relaxed);
                    }
                }
                due += pace.every;
            }
            if let Some(at) = retry.iter().position(|(when, _)| Instant::now() >= *when) {
                let (_, i) = retry.remove(at);
                alive = alive && socket.try_send(&frame(i)).await;
                sent.resent += 1;
            }
            match socket.read(Duration::from_millis(10)).await {
                Read::Frame(f) if f["type"] == "ack" => {
                    let client_id = f["client_id"].as_str().expect("ack client_id").to_string();
                    match sent.acks.get(&client_id) {
                        Some(first) if *first != f => sent.conflicting_acks.push((first.clone(), f.clone())),
                        Some(_) => {}
                        None => {
                            sent.acks.insert(client_id.clone(), f);
                            progress.acked.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    pending.retain(|i| visitor.planned[*i].0 != client_id);
                    if !cut_done && progress.cut.load(Ordering::Relaxed) {
                        cut_done = true;
                        progress.cuts.fetch_add(1, Ordering::Relaxed);
                        at = (at + 1) % addresses.len();
                        alive = false;
                    }
                }
                Read::Frame(f) if f["type"] == "error" && f["code"] == "unavailable" && f["client_id"].is_string() => {
                    let i = index[f["client_id"].as_str().expect("client_id")];
                    retry.push((Instant::now() + Duration::from_millis(200), i));
                }
                Read::Frame(f) if f["type"] == "error" => panic!("a visitor's send was refused: {f}"),
                Read::Frame(f) if f["type"] == "message" => last_seq = last_seq.max(f["seq"].as_i64().expect("seq")),
                Read::Frame(_) | Read::Nothing => {}
                Read::Ended => {
                    alive = false;
                    if socket.close_code == Some(1012) {
                        sent.restarts += 1;
                    }
                }
            }
        }
        if !alive {
            drop(socket);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    sent.answered_from_first_commit = resent_at
        .iter()
        .filter(|(client_id, at)| sent.acks.get(*client_id).is_some_and(|ack| minted_at(ack["message_id"].as_str().expect("id")) < **at))
        .count();
    (visitor, sent)
}

/// Opens a socket and says `hello`; `None` unless the answer is `welcome`.
pub(crate) async fn connect(address: &str, headers: &[(&'static str, String)], hello: &Value) -> Option<Socket> {
    let mut socket = Socket::try_open(address, headers).await?;
    if !socket.try_send(hello).await {
        return None;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match socket.read(Duration::from_millis(200)).await {
            Read::Frame(f) if f["type"] == "welcome" => return Some(socket),
            Read::Frame(f) if f["type"] == "error" => return None,
            Read::Ended => return None,
            Read::Frame(_) | Read::Nothing => {}
        }
    }
    None
}

/// Every message frame an agent socket received, in arrival order: `(conversation, seq, body)`.
pub(crate) type Received = Vec<(String, i64, String)>;

/// An agent with the inbox open on `instance` until it holds `expected` distinct messages (then
/// 500 ms more, so that a late duplicate is seen too). A broken socket reconnects and resumes
/// every conversation from the last seq received.
pub(crate) async fn agent_receives(
    instance_address: String,
    origin: String,
    email: String,
    conversations: Vec<String>,
    expected: usize,
    within: Duration,
) -> Received {
    let browser = Browser::new(&instance_address);
    let deadline = Instant::now() + within;
    while !browser.is_signed_in().await {
        assert!(Instant::now() < deadline, "the agent could not sign in");
        browser.sign_in(&email, PASSWORD).await;
    }
    let headers = [("origin", origin), ("cookie", browser.cookie_header())];
    let mut received: Received = Vec::new();
    let mut distinct = HashSet::new();
    let mut last: HashMap<String, i64> = conversations.iter().map(|c| (c.clone(), 0)).collect();
    let mut settle: Option<Instant> = None;
    while settle.is_none_or(|until| Instant::now() < until) {
        assert!(Instant::now() < deadline, "the agent got {} of {expected} messages", distinct.len());
        let hello = json!({"type": "hello", "resume": last});
        let Some(mut socket) = connect(&instance_address, &headers, &hello).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        loop {
            if settle.is_some_and(|until| Instant::now() >= until) || Instant::now() >= deadline {
                break;
            }
            match socket.read(Duration::from_millis(50)).await {
                Read::Frame(f) if f["type"] == "message" => {
                    let conversation = f["conversation_id"].as_str().expect("conversation").to_string();
                    let seq = f["seq"].as_i64().expect("seq");
                    distinct.insert((conversation.clone(), seq));
                    let held = last.entry(conversation.clone()).or_default();
                    *held = (*held).max(seq);
                    received.push((conversation, seq, f["body"].as_str().expect("body").to_string()));
                    if distinct.len() >= expected && settle.is_none() {
                        settle = Some(Instant::now() + Duration::from_millis(500));
                    }
                }
                Read::Frame(_) | Read::Nothing => {}
                Read::Ended => break,
            }
        }
    }
    received
}

/// The agent got each message once, in seq order, and the bodies the database holds.
pub(crate) fn assert_agent_got_each_once_in_order(received: &Received, stored: &[Stored]) {
    let mut seen = HashSet::new();
    let mut last: HashMap<&str, i64> = HashMap::new();
    for (conversation, seq, _) in received {
        assert!(seen.insert((conversation.as_str(), *seq)), "the agent got {conversation} seq {seq} twice");
        let before = last.insert(conversation.as_str(), *seq).unwrap_or(0);
        assert!(*seq > before, "the agent got {conversation} seq {seq} after seq {before}");
    }
    let got: HashSet<(&str, i64, &str)> = received.iter().map(|(c, s, b)| (c.as_str(), *s, b.as_str())).collect();
    let want: HashSet<(&str, i64, &str)> = stored.iter().map(|m| (m.conversation.as_str(), m.seq, m.body.as_str())).collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let unknown: Vec<_> = got.difference(&want).collect();
    assert!(missing.is_empty() && unknown.is_empty(), "the agent missed {missing:?} and got messages not stored {unknown:?}");
}

/// One row of `messages`.
#[derive(Debug)]
pub(crate) struct Stored {
    client_id: String,
    conversation: String,
    seq: i64,
    body: String,
}

pub(crate) fn stored_messages(database_url: &str) -> Vec<Stored> {
    let rows = query(
        database_url,
        "SELECT coalesce(string_agg(client_id::text || ' ' || conversation_id::text || ' ' || seq::text || ' ' || body, \
         E'\\n' ORDER BY conversation_id, seq), '') AS value FROM messages",
    )
    .expect("messages");
    rows.lines()
        .map(|line| {
            let parts: Vec<&str> = line.splitn(4, ' ').collect();
            Stored { client_id: parts[0].into(), conversation: parts[1].into(), seq: parts[2].parse().expect("seq"), body: parts[3].into() }
        })
        .collect()
}

/// Every planned message is stored exactly once (one row per client id), its ack names that
/// row, each conversation's seqs run 1, 2, 3, ... and, when `in_send_order`, hold the bodies in
/// the order they were sent.
pub(crate) fn assert_stored_exactly_once(stored: &[Stored], runs: &[(Visitor, Sent)], in_send_order: bool) {
    let (reconnects, resent): (usize, usize) = runs.iter().fold((0, 0), |(c, r), (_, s)| (c + s.reconnects, r + s.resent));
    eprintln!("{} messages stored; the visitors reconnected {reconnects} times and sent {resent} again", stored.len());
    let mut rows_per_client_id: HashMap<&str, Vec<&Stored>> = HashMap::new();
    for row in stored {
        rows_per_client_id.entry(row.client_id.as_str()).or_default().push(row);
    }
    let planned: usize = runs.iter().map(|(v, _)| v.planned.len()).sum();
    assert_eq!(stored.len(), planned, "one row per message sent");
    for (visitor, sent) in runs {
        assert!(sent.conflicting_acks.is_empty(), "a retry got another ack than its first try: {:?}", sent.conflicting_acks);
        for (client_id, body) in &visitor.planned {
            let rows = rows_per_client_id.get(client_id.as_str()).map(Vec::as_slice).unwrap_or_default();
            assert_eq!(rows.len(), 1, "{body} ({client_id}) is stored {} times", rows.len());
            assert_eq!(rows[0].body, *body);
            if let Some(ack) = sent.acks.get(client_id) {
                assert_eq!(
                    (ack["conversation_id"].as_str(), ack["seq"].as_i64()),
                    (Some(rows[0].conversation.as_str()), Some(rows[0].seq))
                );
            }
        }
        let conversation: Vec<&Stored> = stored.iter().filter(|m| m.conversation == visitor.conversation).collect();
        let seqs: Vec<i64> = conversation.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (1..=visitor.planned.len() as i64).collect::<Vec<_>>(), "seqs without gaps");
        if in_send_order {
            let bodies: Vec<&str> = conversation.iter().map(|m| m.body.as_str()).collect();
            let sent_order: Vec<&str> = visitor.planned.iter().map(|(_, b)| b.as_str()).collect();
            assert_eq!(bodies, sent_order, "stored in the order sent");
        }
    }
}

/// Waits (bounded) until `counter` reaches `count`.
pub(crate) async fn wait_for(counter: &AtomicUsize, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while counter.load(Ordering::Relaxed) < count {
        assert!(Instant::now() < deadline, "traffic stopped at {} of {count}", counter.load(Ordering::Relaxed));
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_of_a_killed_instance_resend_to_another_and_every_message_is_stored_and_delivered_once_in_order() {
    const VISITORS: usize = 4;
    const MESSAGES: usize = 40;
    let database = TestDatabase::create();
    let env = ParlorEnv::new(database.url());
    let mut a = ParlorProcess::start(&env).await;
    let b = ParlorProcess::start(&env).await;
    let (email, site_key) = sign_up_on(&a.address).await;
    let mut visitors = Vec::new();
    for n in 0..VISITORS {
        visitors.push(visitor(&a.address, &site_key, &format!("v{n}"), MESSAGES).await);
    }
    let conversations: Vec<String> = visitors.iter().map(|v| v.conversation.clone()).collect();
    let agent =
        tokio::spawn(agent_receives(b.address.clone(), b.origin(), email, conversations, VISITORS * (MESSAGES + 1), TRAFFIC_DEADLINE));
    tokio::time::sleep(Duration::from_millis(300)).await;

    let progress = Progress::default();
    // Half the visitors lose their connection just after a commit, the others lose instance A.
    let senders: Vec<_> = visitors
        .into_iter()
        .enumerate()
        .map(|(n, v)| tokio::spawn(keep_sending(vec![a.address.clone(), b.address.clone()], v, BURSTS, progress.clone(), n % 2 == 0)))
        .collect();
    wait_for(&progress.sent, VISITORS * MESSAGES / 4).await;
    progress.cut.store(true, Ordering::Relaxed);
    wait_for(&progress.cuts, VISITORS / 2).await;
    // Right after a burst went out: some of it committed, some not, acks on their way.
    wait_for(&progress.sent, VISITORS * MESSAGES / 2).await;
    a.kill();

    let mut runs = Vec::new();
    for sender in senders {
        runs.push(sender.await.expect("visitor task"));
    }
    assert!(runs.iter().all(|(_, sent)| sent.reconnects > 0), "every visitor lost its socket and came back on instance B");
    let answered_from_first_commit: usize = runs.iter().map(|(_, sent)| sent.answered_from_first_commit).sum();
    eprintln!("{answered_from_first_commit} resends were already stored (their ack lost) and were answered from the stored message");
    assert!(answered_from_first_commit > 0, "the cut visitors had sends committed and not acked, and sent them again");
    let stored = stored_messages(&database.url());
    assert_stored_exactly_once(&stored, &runs, true);
    let received = agent.await.expect("agent task");
    assert_agent_got_each_once_in_order(&received, &stored);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_under_traffic_loses_and_doubles_nothing_and_readiness_comes_back() {
    const VISITORS: usize = 3;
    const MESSAGES: usize = 60;
    let postgres = Arc::new(tokio::task::spawn_blocking(|| PrivatePostgres::start(false)).await.expect("initdb"));
    let database_url = postgres.url("parlor", "");
    let env = ParlorEnv::new(database_url.clone());
    // Visitors on A, the agent on B: B hears of A's messages through the Postgres broker, whose
    // connection the restart breaks too.
    let mut a = ParlorProcess::start(&env).await;
    let mut b = ParlorProcess::start(&env).await;
    let (email, site_key) = sign_up_on(&a.address).await;
    let mut visitors = Vec::new();
    for n in 0..VISITORS {
        visitors.push(visitor(&a.address, &site_key, &format!("v{n}"), MESSAGES).await);
    }
    let conversations: Vec<String> = visitors.iter().map(|v| v.conversation.clone()).collect();
    let agent =
        tokio::spawn(agent_receives(b.address.clone(), b.origin(), email, conversations, VISITORS * (MESSAGES + 1), TRAFFIC_DEADLINE));
    tokio::time::sleep(Duration::from_millis(300)).await;

    let progress = Progress::default();
    let senders: Vec<_> =
        visitors.into_iter().map(|v| tokio::spawn(keep_sending(vec![a.address.clone()], v, STEADY, progress.clone(), false))).collect();
    wait_for(&progress.acked, VISITORS * MESSAGES / 4).await;
    let pg = postgres.clone();
    tokio::task::spawn_blocking(move || pg.stop_immediately()).await.expect("pg_ctl stop");
    let acked_while_down = progress.acked.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let client = reqwest::Client::new();
    let readyz = |address: String| {
        let client = client.clone();
        async move {
            let response = client.get(format!("{address}/readyz")).timeout(Duration::from_secs(6)).send().await;
            response.map(|r| r.status().as_u16()).unwrap_or(0)
        }
    };
    let down = futures_util::future::join(readyz(a.address.clone()), readyz(b.address.clone())).await;
    assert_eq!(down, (503, 503), "not ready while Postgres is down");
    assert!(a.is_running() && b.is_running(), "the servers stay up while Postgres is down");
    let pg = postgres.clone();
    tokio::task::spawn_blocking(move || pg.start_again()).await.expect("pg_ctl start");
    let back = Instant::now();
    for instance in [&a, &b] {
        while readyz(instance.address.clone()).await != 200 {
            assert!(back.elapsed() < Duration::from_secs(5), "/readyz not green 5 s after Postgres came back");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let ready_after = back.elapsed();

    let mut runs = Vec::new();
    for sender in senders {
        runs.push(sender.await.expect("visitor task"));
    }
    assert!(a.is_running(), "instance A is still up:\n{}", a.log_tail());
    assert!(b.is_running(), "instance B is still up:\n{}", b.log_tail());
    assert!(progress.acked.load(Ordering::Relaxed) > acked_while_down, "traffic went on after the restart");
    let stored = stored_messages(&database_url);
    // A send answered `unavailable` is sent again after later ones may have been stored, so
    // the order of the sends is not kept across the outage; no message is lost or doubled.
    assert_stored_exactly_once(&stored, &runs, false);
    let received = agent.await.expect("agent task");
    assert_agent_got_each_once_in_order(&received, &stored);
    eprintln!("readyz green on both instances {ready_after:?} after Postgres came back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nats_restarted_under_traffic_and_the_agent_on_the_other_instance_still_gets_each_message_once_in_order() {
    const VISITORS: usize = 3;
    const MESSAGES: usize = 40;
    let database = TestDatabase::create();
    let mut nats = PrivateNats::start().await;
    let env = ParlorEnv { nats_url: Some(nats.url()), ..ParlorEnv::new(database.url()) };
    let a = ParlorProcess::start(&env).await;
    let b = ParlorProcess::start(&env).await;
    let (email, site_key) = sign_up_on(&a.address).await;
    let mut visitors = Vec::new();
    for n in 0..VISITORS {
        visitors.push(visitor(&a.address, &site_key, &format!("v{n}"), MESSAGES).await);
    }
    let conversations: Vec<String> = visitors.iter().map(|v| v.conversation.clone()).collect();
    // Every visitor's messages, and one more sent after NATS is back.
    let expected = VISITORS * (MESSAGES + 1) + 1;
    let agent = tokio::spawn(agent_receives(b.address.clone(), b.origin(), email, conversations, expected, TRAFFIC_DEADLINE));
    tokio::time::sleep(Duration::from_millis(300)).await;

    let progress = Progress::default();
    let senders: Vec<_> =
        visitors.into_iter().map(|v| tokio::spawn(keep_sending(vec![a.address.clone()], v, STEADY, progress.clone(), false))).collect();
    wait_for(&progress.acked, VISITORS * MESSAGES / 4).await;
    nats.kill();
    // The rest of the traffic happens while NATS is down: no later wake-up reveals the gap,
    // so only the catch-up after the reconnect can bring those messages to instance B.
    let mut runs = Vec::new();
    for sender in senders {
        runs.push(sender.await.expect("visitor task"));
    }
    nats.start_again().await;
    // And live fan-out works again: a new conversation on A reaches the agent on B.
    let late = visitor(&a.address, &site_key, "late", 0).await;
    runs.push((late, Sent::default()));

    let stored = stored_messages(&database.url());
    assert_stored_exactly_once(&stored, &runs, true);
    let received = agent.await.expect("agent task");
    assert_agent_got_each_once_in_order(&received, &stored);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_fan_out_through_a_postgres_that_accepts_only_tls() {
    let postgres = tokio::task::spawn_blocking(|| PrivatePostgres::start(true)).await.expect("initdb");
    let database_url = postgres.url("parlor", "sslmode=require");
    let plain = tokio::task::spawn_blocking({
        let url = postgres.url("postgres", "sslmode=disable");
        move || diesel::PgConnection::establish(&url).is_err()
    });
    assert!(plain.await.expect("connect"), "pg_hba.conf admits TLS connections only");

    let env = ParlorEnv::new(database_url.clone());
    let a = ParlorProcess::start(&env).await;
    let b = ParlorProcess::start(&env).await;
    let (email, site_key) = sign_up_on(&a.address).await;
    let first = visitor(&a.address, &site_key, "v0", 0).await;
    let agent =
        tokio::spawn(agent_receives(b.address.clone(), b.origin(), email, vec![first.conversation.clone()], 3, Duration::from_secs(15)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (token, conversation) = (first.token.clone(), first.conversation.clone());
    let hello = json!({"type": "hello", "visitor_token": token, "resume": {conversation.clone(): 1}});
    let mut socket = connect(&a.address, &[], &hello).await.expect("visitor socket on A");
    for body in ["over TLS 1", "over TLS 2"] {
        socket.send(json!({"type": "send", "client_id": Uuid::now_v7(), "conversation_id": conversation, "body": body})).await;
        socket.expect("ack").await;
    }
    let received = agent.await.expect("agent task");
    let bodies: Vec<(i64, &str)> = received.iter().map(|(_, seq, body)| (*seq, body.as_str())).collect();
    // Seq 1 is replayed from Postgres when the agent's socket resumes; 2 and 3 reach instance B
    // only as wake-ups through its broker connection, which must speak TLS to be let in.
    assert_eq!(bodies, vec![(1, "v0-0"), (2, "over TLS 1"), (3, "over TLS 2")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sslmode_verify_ca_and_verify_full_check_the_servers_certificate_as_libpq_does() {
    let postgres = tokio::task::spawn_blocking(|| PrivatePostgres::start(true)).await.expect("initdb");
    let ca = postgres.ca_file.clone().expect("a TLS cluster has a CA");
    let ca = ca.to_str().expect("utf-8 path");
    let other = crate::helpers::TempDir::new();
    let other_ca = other.path.join("other-ca.crt");
    crate::servers::write_unrelated_ca(&other_ca);
    let other_ca = other_ca.to_str().expect("utf-8 path");
    // The same server under a name its certificate does not carry.
    let misnamed = format!("postgres://postgres@db.invalid:{}/postgres?hostaddr=127.0.0.1", postgres.port);
    let cases = [
        (postgres.url("postgres", "sslmode=require"), true),
        (postgres.url("postgres", "sslmode=prefer"), true),
        (postgres.url("postgres", "sslmode=disable"), false),
        (postgres.url("postgres", &format!("sslmode=verify-full&sslrootcert={ca}")), true),
        (postgres.url("postgres", &format!("sslmode=verify-full&sslrootcert={other_ca}")), false),
        (postgres.url("postgres", &format!("sslmode=verify-ca&sslrootcert={other_ca}")), false),
        // As in libpq, `require` with a root certificate checks the chain.
        (postgres.url("postgres", &format!("sslmode=require&sslrootcert={other_ca}")), false),
        // The public roots do not know a private CA.
        (postgres.url("postgres", "sslmode=verify-full"), false),
        (format!("{misnamed}&sslmode=verify-ca&sslrootcert={ca}"), true),
        (format!("{misnamed}&sslmode=verify-full&sslrootcert={ca}"), false),
    ];
    for (url, should_connect) in cases {
        let target = parlor::db::tls::PgTarget::from_url(&url).expect("a valid URL");
        let connected = match target.connect().await {
            Ok((client, connection)) => {
                let driver = tokio::spawn(connection);
                let ssl = client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).await.expect("query");
                assert!(ssl.get::<_, bool>(0), "{url} connected without TLS");
                drop(client);
                let _ = driver.await;
                true
            }
            Err(_) => false,
        };
        assert_eq!(connected, should_connect, "{url}");
    }
}
